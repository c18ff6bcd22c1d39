import { randomBytes } from "node:crypto";
import { SubscribeConsentSchema } from "@warmline/shared";
import type { Deps } from "@warmline/server/src/deps";
import { MessageUnavailableError } from "@warmline/server/src/integrations/messaging";
import { SmsUnavailableError } from "@warmline/server/src/integrations/sms/provider";
import { HeatingAccount, HeatStation } from "@warmline/server/src/modules/accounts";
import {
  Notification,
  consentCounts,
  deliveryKey,
  recordConsents,
  SEND_LEASE_MS,
  sendTicketMessage,
  subscriptionRoutes,
  type TicketNotifyPayload,
  ticketNotifyJob,
} from "@warmline/server/src/modules/notifications";
import { ResidentUser } from "@warmline/server/src/modules/residents";
import { MessageDelivery, Ticket, TicketEvent } from "@warmline/server/src/modules/tickets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedSmallCounty } from "../support/county";
import { client, residentLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

let srv: TestServer;
let deps: Deps;
let accounts: HeatingAccount[];
let station: HeatStation;
const sandbox = () => client(srv.url);

beforeAll(async () => {
  srv = await startTestServer();
  deps = srv.deps;
  const county = await seedSmallCounty(deps, 30);
  accounts = county.rows;
  station = (await deps.ds.getRepository(HeatStation).find({ order: { id: "ASC" }, take: 1 }))[0] as HeatStation;
});
afterAll(async () => srv?.close());

// ---- fixtures ---------------------------------------------------------------------------------------

let nextAccount = 0;
let phoneSerial = 0;
/** an account of the seeded county with a fresh mobile number of its own */
async function accountWithPhone(phone: string | null = `1390000${String(++phoneSerial).padStart(4, "0")}`) {
  const account = accounts[nextAccount++] as HeatingAccount;
  await deps.ds.getRepository(HeatingAccount).update({ id: account.id }, { phoneEnc: deps.vault.encrypt(phone) });
  return { account, phone };
}

/** a resident signed in through the WeChat sandbox, and their openid */
async function wechatResident() {
  const openid = `o_${randomBytes(8).toString("hex")}`;
  const me = await residentLogin(srv.url, { openid });
  return { id: me.resident.id, openid };
}

async function alipayResident() {
  const userId = `2088${String(Date.now()).slice(-8)}${String(randomBytes(2).readUInt16BE()).padStart(4, "0").slice(0, 4)}`;
  const row = await deps.ds.getRepository(ResidentUser).save(
    Object.assign(new ResidentUser(), {
      alipayUserId: userId,
      provider: "alipay",
      nickname: "支付宝居民",
      status: "active",
    }),
  );
  return { id: row.id, userId };
}

let ticketSerial = 0;
async function ticketWithEvent(over: Partial<Ticket>, type: TicketEvent["type"] = "dispatched") {
  ticketSerial += 1;
  const ticket = await deps.ds.getRepository(Ticket).save(
    Object.assign(new Ticket(), {
      ticketNo: `GD20261120T${String(ticketSerial).padStart(4, "0")}${randomBytes(1).toString("hex").toUpperCase()}`,
      category: "no_heat",
      channel: "wechat",
      transferNo: null,
      residentUserId: null,
      accountId: null,
      buildingId: null,
      communityId: null,
      stationId: station.id,
      address: "洪水镇供热路1号",
      contactName: null,
      callerPhoneEnc: null,
      callerPhoneBidx: null,
      indoorTempC10: 150,
      outdoorTempC10: null,
      description: "暖气不热，室温只有15度",
      preferredContactTime: null,
      status: "dispatched",
      priority: "normal",
      priorityReasons: [],
      grade: "general",
      suggestIncident: false,
      incidentId: null,
      dispatchedStationId: station.id,
      crew: null,
      technicianId: null,
      cycle: 0,
      satisfied: null,
      score: null,
      responseDueAt: null,
      resolutionDueAt: null,
      measurementDueAt: null,
      slaNextDueAt: null,
      slaBreached: false,
      respondedAt: null,
      resolvedAt: null,
      closedAt: null,
      ...over,
    }),
  );
  const event = await deps.ds.getRepository(TicketEvent).save(
    Object.assign(new TicketEvent(), {
      ticketId: ticket.id,
      type,
      at: new Date("2026-11-20T02:30:00Z"), // 10:30 in Beijing
      cycle: 0,
      actorKind: "staff",
      actorId: 1,
      data: null,
      uniqueKey: null,
    }),
  );
  return { ticket, event };
}

const payload = (ticket: Ticket, event: TicketEvent, kind: TicketNotifyPayload["kind"] = "dispatched") => ({
  ticketId: ticket.id,
  eventId: event.id,
  kind,
});

async function wechatMessages(openid: string) {
  const res = await sandbox().get(`/sandbox/wechat/test/messages?touser=${openid}`);
  expect(res.status).toBe(200);
  return res.body.messages as { touser: string; templateId: string; page: string; data: Record<string, string> }[];
}
async function alipayMessages(userId: string) {
  const res = await sandbox().get(`/sandbox/alipay/test/messages?to=${userId}`);
  return res.body.messages as { to: string; templateId: string; data: Record<string, string> }[];
}
async function smsTo(phone: string) {
  const res = await sandbox().get(`/sandbox/sms/test/messages?phone=${phone}`);
  expect(res.status).toBe(200);
  return res.body.messages as { phone: string; templateCode: string; text: string; params: Record<string, string> }[];
}
const delivery = (ticketId: number) => deps.ds.getRepository(MessageDelivery).findOneByOrFail({ ticketId });
const consent = async (residentUserId: number) => (await consentCounts(deps.ds, residentUserId)).ticket_progress;

async function caught(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e,
  );
}

// ---- consents -------------------------------------------------------------------------------------

describe("consents", () => {
  it("each accepted template adds one (capped at 50); refusals add nothing; the routes answer the counts", async () => {
    const r = await wechatResident();
    expect(await consentCounts(deps.ds, r.id)).toEqual({ ticket_progress: 0, follow_up_due: 0 });
    const counts = await recordConsents(deps.ds, r.id, [
      { template: "ticket_progress", accepted: true },
      { template: "ticket_progress", accepted: true },
      { template: "follow_up_due", accepted: false },
    ]);
    expect(counts).toEqual({ ticket_progress: 2, follow_up_due: 0 });
    for (let i = 0; i < 6; i++) {
      await recordConsents(
        deps.ds,
        r.id,
        Array.from({ length: 10 }, () => ({ template: "ticket_progress" as const, accepted: true })),
      );
    }
    expect(await consent(r.id)).toBe(50);

    // the route definitions (mounted by the app with the other routes)
    const [post, get] = subscriptionRoutes(deps);
    const ctx = { state: { auth: { kind: "resident", id: r.id } } } as never;
    const body = SubscribeConsentSchema.parse({ results: [{ template: "follow_up_due", accepted: true }] });
    expect(await post?.handler({ body, params: undefined, query: undefined }, ctx)).toMatchObject({
      counts: { ticket_progress: 50, follow_up_due: 1 },
    });
    expect(await get?.handler({ body: undefined, params: undefined, query: undefined }, ctx)).toMatchObject({
      counts: { ticket_progress: 50, follow_up_due: 1 },
    });
    expect(post).toMatchObject({ method: "post", path: "/me/subscriptions", auth: "resident" });
    expect(get).toMatchObject({ method: "get", path: "/me/subscriptions", auth: "resident" });
  });
});

// ---- sending --------------------------------------------------------------------------------------

describe("sendTicketMessage", () => {
  it("a consent is left: WeChat subscribe message to the resident's openid, one consent used", async () => {
    const r = await wechatResident();
    const { account, phone } = await accountWithPhone();
    await recordConsents(deps.ds, r.id, [
      { template: "ticket_progress", accepted: true },
      { template: "ticket_progress", accepted: true },
    ]);
    const { ticket, event } = await ticketWithEvent({ residentUserId: r.id, accountId: account.id, channel: "wechat" });

    const result = await sendTicketMessage(deps, payload(ticket, event));
    expect(result).toMatchObject({ status: "sent", channel: "wechat_subscribe", duplicate: false });
    expect(await consent(r.id)).toBe(1);
    const sent = await wechatMessages(r.openid);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      templateId: deps.config.messages.wechat.templates.ticket_progress,
      page: `pages/ticket/index?id=${ticket.id}`,
      data: {
        character_string1: ticket.ticketNo,
        thing2: "已派单",
        time3: "2026-11-20 10:30",
        thing4: expect.stringContaining(`已派至${station.name}`.slice(0, 10)),
      },
    });
    expect(await smsTo(phone as string)).toHaveLength(0);
    const d = await delivery(ticket.id);
    expect(d).toMatchObject({
      uniqueKey: `ticket:${ticket.id}:${event.id}:dispatched`,
      residentUserId: r.id,
      template: "ticket_progress",
      channel: "wechat_subscribe",
      status: "sent",
      attempts: 1,
    });
    expect(d.payload).toMatchObject({
      ticketNo: ticket.ticketNo,
      status: "已派单",
      station: station.name,
      text: `您的工单${ticket.ticketNo}已派至${station.name}，维修人员将尽快上门，请保持电话畅通。`,
    });
    // and in the resident's in-app list (我的消息), once even when the step is sent again
    await sendTicketMessage(deps, payload(ticket, event));
    const inApp = await deps.ds.getRepository(Notification).findBy({ residentUserId: r.id, kind: "ticket_dispatched" });
    expect(inApp).toHaveLength(1);
    expect(inApp[0]).toMatchObject({
      channel: "inapp",
      title: `工单已派单：${ticket.ticketNo}`,
      body: `您的工单${ticket.ticketNo}已派至${station.name}，维修人员将尽快上门，请保持电话畅通。`,
    });
  });

  it("the ticket's own 联系电话 comes before the account's register phone", async () => {
    const { account, phone: registered } = await accountWithPhone();
    const contact = "13700005678";
    const { ticket, event } = await ticketWithEvent(
      { accountId: account.id, status: "responded", callerPhoneEnc: deps.vault.encrypt(contact) },
      "responded",
    );
    expect(await sendTicketMessage(deps, payload(ticket, event, "responded"))).toMatchObject({
      status: "sent",
      channel: "sms",
    });
    expect(await smsTo(contact)).toHaveLength(1);
    expect(await smsTo(registered as string)).toHaveLength(0);
  });

  it("无法联系: the result goes by SMS even while a vendor-app consent is left", async () => {
    const r = await wechatResident();
    await recordConsents(deps.ds, r.id, [{ template: "ticket_progress", accepted: true }]);
    const { account, phone } = await accountWithPhone();
    const { ticket, event } = await ticketWithEvent(
      { residentUserId: r.id, accountId: account.id, status: "closed" },
      "followed_up",
    );
    const result = await sendTicketMessage(deps, {
      ticketId: ticket.id,
      eventId: event.id,
      kind: "unreachable_result",
    });
    expect(result).toMatchObject({ status: "sent", channel: "sms" });
    expect(await wechatMessages(r.openid)).toHaveLength(0);
    expect(await consent(r.id)).toBe(1);
    const sms = await smsTo(phone as string);
    expect(sms).toHaveLength(1);
    expect(sms[0]?.params.detail).toContain("多次回访未能联系到您");
  });

  it("no consent left: SMS to the account's phone", async () => {
    const r = await wechatResident();
    const { account, phone } = await accountWithPhone();
    const { ticket, event } = await ticketWithEvent(
      { residentUserId: r.id, accountId: account.id, status: "responded" },
      "responded",
    );

    const result = await sendTicketMessage(deps, payload(ticket, event, "responded"));
    expect(result).toMatchObject({ status: "sent", channel: "sms" });
    expect(await wechatMessages(r.openid)).toHaveLength(0);
    const sms = await smsTo(phone as string);
    expect(sms).toHaveLength(1);
    expect(sms[0]?.templateCode).toBe(deps.config.sms.templates.ticket_progress);
    expect(sms[0]?.text).toBe(
      `【民乐县供热中心】您的供热工单${ticket.ticketNo}已响应（2026-11-20 10:30）。我们已与您取得联系，将尽快安排处理。详情可在“暖线”小程序中查看。`,
    );
    const d = await delivery(ticket.id);
    expect(d).toMatchObject({ channel: "sms", status: "sent" });
    expect(d.payload).toMatchObject({ phoneTail: (phone as string).slice(-4) });
    expect(JSON.stringify(d.payload)).not.toContain(phone as string);
  });

  it("WeChat refuses (43101): SMS instead, and the consents we counted are cleared", async () => {
    const r = await wechatResident();
    const { account, phone } = await accountWithPhone();
    await recordConsents(deps.ds, r.id, [
      { template: "ticket_progress", accepted: true },
      { template: "ticket_progress", accepted: true },
    ]);
    const hook = await sandbox().post("/sandbox/wechat/test/refuse", { openid: r.openid });
    expect(hook.status).toBe(200);
    const { ticket, event } = await ticketWithEvent({ residentUserId: r.id, accountId: account.id });

    expect(await sendTicketMessage(deps, payload(ticket, event))).toMatchObject({ status: "sent", channel: "sms" });
    expect(await wechatMessages(r.openid)).toHaveLength(0);
    expect(await smsTo(phone as string)).toHaveLength(1);
    expect(await consent(r.id)).toBe(0);
    expect((await delivery(ticket.id)).error).toContain("wechat refused 43101");
  });

  it("runs twice (and twice at once): one message, one consent", async () => {
    const r = await wechatResident();
    const { account } = await accountWithPhone();
    await recordConsents(
      deps.ds,
      r.id,
      [1, 2, 3].map(() => ({ template: "ticket_progress" as const, accepted: true })),
    );
    const { ticket, event } = await ticketWithEvent({ residentUserId: r.id, accountId: account.id });
    const p = payload(ticket, event);

    // four at once: whichever reads the row after another has claimed it must not send as well
    const results = await Promise.all([1, 2, 3, 4].map(() => sendTicketMessage(deps, p)));
    expect(results.filter((x) => !x.duplicate)).toHaveLength(1);
    const again = await sendTicketMessage(deps, p);
    expect(again).toMatchObject({ status: "sent", duplicate: true });
    const job = ticketNotifyJob(() => deps);
    expect(job.name).toBe("tickets.notify");
    await job.handle(p, { ds: deps.ds, outboxId: 0, attempt: 1 });

    expect(await wechatMessages(r.openid)).toHaveLength(1);
    expect(await consent(r.id)).toBe(2);
    expect(await deps.ds.getRepository(MessageDelivery).countBy({ ticketId: ticket.id })).toBe(1);
  });

  it("a run that holds the message makes the job retry; a run that died is taken over after its lease", async () => {
    const r = await wechatResident();
    const { account } = await accountWithPhone();
    await recordConsents(deps.ds, r.id, [{ template: "ticket_progress", accepted: true }]);
    const { ticket, event } = await ticketWithEvent({ residentUserId: r.id, accountId: account.id });
    const p = payload(ticket, event);
    const repo = deps.ds.getRepository(MessageDelivery);
    // another run claimed the message a moment ago and is still sending
    const held = await repo.save(
      Object.assign(new MessageDelivery(), {
        uniqueKey: deliveryKey(p),
        residentUserId: r.id,
        ticketId: ticket.id,
        template: "ticket_progress",
        channel: "none",
        status: "sending",
        payload: {},
        error: null,
        attempts: 1,
      }),
    );
    await repo.update({ id: held.id }, { updatedAt: new Date() });

    expect(await sendTicketMessage(deps, p)).toMatchObject({ status: "pending", duplicate: true });
    const job = ticketNotifyJob(() => deps);
    await expect(job.handle(p, { ds: deps.ds, outboxId: 0, attempt: 1 })).rejects.toThrow(/another run/);
    expect(await wechatMessages(r.openid)).toHaveLength(0);
    expect(await consent(r.id)).toBe(1);

    // that run died: once its lease has passed the next attempt takes the message over and sends it
    await repo.update({ id: held.id }, { updatedAt: new Date(Date.now() - SEND_LEASE_MS - 1000) });
    await job.handle(p, { ds: deps.ds, outboxId: 0, attempt: 2 });
    expect(await wechatMessages(r.openid)).toHaveLength(1);
    expect(await repo.findOneByOrFail({ id: held.id })).toMatchObject({ status: "sent", attempts: 2 });
    expect(await consent(r.id)).toBe(0);
  });

  it("a resolution and its follow-up reminder share an event but are two messages", async () => {
    const r = await wechatResident();
    const { account } = await accountWithPhone();
    await recordConsents(deps.ds, r.id, [
      { template: "ticket_progress", accepted: true },
      { template: "follow_up_due", accepted: true },
    ]);
    const { ticket, event } = await ticketWithEvent(
      { residentUserId: r.id, accountId: account.id, status: "resolved" },
      "resolved",
    );
    expect((await sendTicketMessage(deps, payload(ticket, event, "resolved"))).status).toBe("sent");
    expect((await sendTicketMessage(deps, payload(ticket, event, "follow_up_due"))).status).toBe("sent");
    const sent = await wechatMessages(r.openid);
    expect(sent.map((m) => m.templateId)).toEqual([
      deps.config.messages.wechat.templates.ticket_progress,
      deps.config.messages.wechat.templates.follow_up_due,
    ]);
    expect(await consentCounts(deps.ds, r.id)).toEqual({ ticket_progress: 0, follow_up_due: 0 });
  });

  it("the follow-up reminder of a ticket already followed up is skipped", async () => {
    const { account, phone } = await accountWithPhone();
    const { ticket, event } = await ticketWithEvent({ accountId: account.id, status: "closed" }, "resolved");
    expect(await sendTicketMessage(deps, payload(ticket, event, "follow_up_due"))).toMatchObject({ status: "skipped" });
    expect(await smsTo(phone as string)).toHaveLength(0);
  });

  it("an Alipay resident with a consent gets an Alipay template message", async () => {
    const r = await alipayResident();
    const { account, phone } = await accountWithPhone();
    await recordConsents(deps.ds, r.id, [{ template: "ticket_progress", accepted: true }]);
    const { ticket, event } = await ticketWithEvent(
      { residentUserId: r.id, accountId: account.id, channel: "alipay", status: "resolved" },
      "resolved",
    );
    expect(await sendTicketMessage(deps, payload(ticket, event, "resolved"))).toMatchObject({
      status: "sent",
      channel: "alipay_message",
    });
    const sent = await alipayMessages(r.userId);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      templateId: deps.config.messages.alipay.templates.ticket_progress,
      data: { keyword1: ticket.ticketNo, keyword2: "已处理待回访", keyword3: "2026-11-20 10:30" },
    });
    expect(await smsTo(phone as string)).toHaveLength(0);
    expect(await consent(r.id)).toBe(0);
  });

  it("a hotline ticket without a resident: SMS to the caller; no mobile number at all: skipped", async () => {
    const caller = "13700001234";
    const { ticket, event } = await ticketWithEvent({ channel: "hotline", callerPhoneEnc: deps.vault.encrypt(caller) });
    expect(await sendTicketMessage(deps, payload(ticket, event))).toMatchObject({ status: "sent", channel: "sms" });
    expect(await smsTo(caller)).toHaveLength(1);

    const { ticket: t2, event: e2 } = await ticketWithEvent({
      channel: "hotline",
      callerPhoneEnc: deps.vault.encrypt("0936-4466666"),
    });
    expect(await sendTicketMessage(deps, payload(t2, e2))).toMatchObject({ status: "skipped", channel: "none" });
    expect((await delivery(t2.id)).error).toContain("no mobile number");
    // skipped is final: a rerun does nothing
    expect(await sendTicketMessage(deps, payload(t2, e2))).toMatchObject({ status: "skipped", duplicate: true });
  });

  it("WeChat unavailable: throws for the outbox to retry, keeps the consent it took, and the retry sends", async () => {
    const r = await wechatResident();
    const { account, phone } = await accountWithPhone();
    await recordConsents(deps.ds, r.id, [
      { template: "ticket_progress", accepted: true },
      { template: "ticket_progress", accepted: true },
    ]);
    const { ticket, event } = await ticketWithEvent({ residentUserId: r.id, accountId: account.id });
    await sandbox().post("/sandbox/wechat/test/fail-next", { mode: "http_500", count: 1 });

    expect(await caught(sendTicketMessage(deps, payload(ticket, event)))).toBeInstanceOf(MessageUnavailableError);
    expect(await consent(r.id)).toBe(1);
    expect(await delivery(ticket.id)).toMatchObject({ status: "pending", channel: "wechat_subscribe", attempts: 1 });

    expect(await sendTicketMessage(deps, payload(ticket, event))).toMatchObject({
      status: "sent",
      channel: "wechat_subscribe",
    });
    expect(await consent(r.id)).toBe(1);
    expect(await wechatMessages(r.openid)).toHaveLength(1);
    expect(await smsTo(phone as string)).toHaveLength(0);
  });

  it("WeChat still unavailable on the job's last attempt: SMS instead", async () => {
    const r = await wechatResident();
    const { account, phone } = await accountWithPhone();
    await recordConsents(deps.ds, r.id, [{ template: "ticket_progress", accepted: true }]);
    const { ticket, event } = await ticketWithEvent({ residentUserId: r.id, accountId: account.id });
    await sandbox().post("/sandbox/wechat/test/fail-next", { mode: "http_500", count: 1 });
    await ticketNotifyJob(() => deps).handle(payload(ticket, event), { ds: deps.ds, outboxId: 0, attempt: 8 });
    expect(await smsTo(phone as string)).toHaveLength(1);
    expect(await delivery(ticket.id)).toMatchObject({ status: "sent", channel: "sms" });
  });

  it("SMS unavailable: throws, and the retry sends once", async () => {
    const { account, phone } = await accountWithPhone();
    const { ticket, event } = await ticketWithEvent({ accountId: account.id, channel: "visit" });
    expect((await sandbox().post("/sandbox/sms/test/fail-next", { mode: "unavailable" })).status).toBe(200);
    expect(await caught(sendTicketMessage(deps, payload(ticket, event)))).toBeInstanceOf(SmsUnavailableError);
    expect(await delivery(ticket.id)).toMatchObject({ status: "pending", channel: "sms" });
    expect(await sendTicketMessage(deps, payload(ticket, event))).toMatchObject({ status: "sent", channel: "sms" });
    expect(await smsTo(phone as string)).toHaveLength(1);
  });

  it("a ticket that does not exist sends nothing", async () => {
    expect(await sendTicketMessage(deps, { ticketId: 99_999_999, eventId: 1, kind: "resolved" })).toMatchObject({
      status: "skipped",
      deliveryId: null,
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OutboxJob } from "@warmline/server/src/jobs/entities";
import { AuditLog } from "@warmline/server/src/modules/audit";
import { HeatingAccount } from "@warmline/server/src/modules/accounts";
import { Ticket, TicketEvent, createTicket, sweepSla } from "@warmline/server/src/modules/tickets";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { Like } from "typeorm";
import { seedSmallCounty } from "../support/county";
import { residentLogin, staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";
import { until } from "../support/wait";

let srv: TestServer;
let county: Awaited<ReturnType<typeof seedSmallCounty>>;
type Staff = Awaited<ReturnType<typeof staffLogin>>;
let agent: Staff;
let dispatcher: Staff;
let tech: Staff;
let sup: Staff;

beforeAll(async () => {
  // leaks get two hours to resolution (一般) instead of one: a per-category setting
  srv = await startTestServer({ SLA_CATEGORY_RESOLUTION_MINUTES: "leak.general:120" });
  county = await seedSmallCounty(srv.deps, 40);
  [agent, dispatcher, tech, sup] = await Promise.all(
    ["hotline_agent", "dispatcher", "technician", "supervisor"].map((u) => staffLogin(srv.url, u, DEMO_PASSWORD)),
  );
});
afterAll(async () => srv?.close());

const accounts = () => county.rows.filter((a) => a.status === "active");
let next = 0;
const freshAccount = () => accounts()[next++] as (typeof county.rows)[number];

async function residentWith(account: { accountNo: string; ownerName: string }) {
  const me = await residentLogin(srv.url);
  const res = await me.api.post("/api/v1/me/accounts", {
    accountNo: account.accountNo,
    factor: "owner_name",
    value: account.ownerName,
  });
  expect(res.status).toBe(201);
  return me;
}

async function report(me: Awaited<ReturnType<typeof residentWith>>, accountId: number, extra: object = {}) {
  const res = await me.api.post("/api/v1/me/tickets", {
    accountId,
    category: "cold_room",
    indoorTempC10: 165,
    description: "暖气片不热，卧室很冷",
    ...extra,
  });
  expect(res.status).toBe(201);
  return res.body;
}

describe("reporting and the workflow", () => {
  it("a cold-room report gets a 30-minute response clock and a raised priority; the whole workflow closes it", async () => {
    const account = freshAccount();
    const me = await residentWith(account);
    const t = await report(me, account.id);
    expect(t).toMatchObject({
      status: "new",
      channel: "wechat",
      category: "cold_room",
      priority: "high",
      indoorTempC10: 165,
    });
    expect(t.priorityReasons.join()).toContain("低于标准20.0℃");
    expect(t.sla.next.clock).toBe("response");
    expect(new Date(t.sla.response.dueAt).getTime() - new Date(t.createdAt).getTime()).toBe(30 * 60_000);
    expect(t.sla.measurement.budgetMinutes).toBe(24 * 60);
    expect(t.ticketNo).toMatch(/^GD\d{8}[0-9A-Z]{6}$/);

    // it is on the SLA board
    const board = await agent.api.get("/api/v1/staff/tickets?open=true&pageSize=200");
    expect(board.status).toBe(200);
    expect(board.body.items.map((x: { id: number }) => x.id)).toContain(t.id);

    // a technician may not respond or dispatch; the state must allow the step
    expect((await tech.api.post(`/api/v1/staff/tickets/${t.id}/dispatch`, { stationId: 1 })).status).toBe(403);
    const early = await tech.api.post(`/api/v1/staff/tickets/${t.id}/resolve`, { note: "已处理" });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe("TICKET_BAD_STATE");

    const responded = await agent.api.post(`/api/v1/staff/tickets/${t.id}/respond`, { note: "已电话联系居民" });
    expect(responded.status).toBe(200);
    expect(responded.body.status).toBe("responded");
    expect(responded.body.sla.response.metAt).toBeTruthy();
    expect(responded.body.sla.response.breached).toBe(false);
    const stations = await dispatcher.api.get("/api/v1/staff/stations");
    const stationId = stations.body.items[0].id;
    const dispatched = await dispatcher.api.post(`/api/v1/staff/tickets/${t.id}/dispatch`, {
      stationId,
      crew: "维修一班",
    });
    expect(dispatched.body).toMatchObject({ status: "dispatched", crew: "维修一班" });
    expect((await tech.api.post(`/api/v1/staff/tickets/${t.id}/on-site`, {})).body.status).toBe("on_site");
    const measured = await tech.api.post(`/api/v1/staff/tickets/${t.id}/measure`, {
      indoorTempC10: 172,
      outdoorTempC10: -85,
      method: "thermometer",
    });
    expect(measured.body.sla.measurement.metAt).toBeTruthy();
    // still cold (17.2 ℃): 处理完成 with a note alone is refused, with the reason
    expect(measured.body.resolveCheck).toMatchObject({ met: false, floorC10: 200, lastReadingC10: 172 });
    const tooCold = await tech.api.post(`/api/v1/staff/tickets/${t.id}/resolve`, { note: "排气阀排气，已处理" });
    expect(tooCold.status).toBe(409);
    expect(tooCold.body.error.code).toBe("TICKET_ROOM_NOT_WARM");
    expect(tooCold.body.error.message).toContain("17.2℃");
    expect(tooCold.body.error.message).toContain("20.0℃");
    const warm = await tech.api.post(`/api/v1/staff/tickets/${t.id}/measure`, {
      indoorTempC10: 205,
      method: "thermometer",
    });
    expect(warm.body.resolveCheck).toEqual({ met: true, floorC10: null, lastReadingC10: null, reason: null });
    const resolved = await tech.api.post(`/api/v1/staff/tickets/${t.id}/resolve`, {
      note: "排气阀排气，室温回升至20.5℃",
    });
    expect(resolved.body.status).toBe("resolved");
    expect(resolved.body.actions).toEqual(expect.arrayContaining(["note"]));

    // the resident sees the timeline without internal events, and rates it
    const mine = await me.api.get(`/api/v1/me/tickets/${t.id}`);
    expect(mine.body.actions).toEqual(["rate"]);
    expect(mine.body.events.map((e: { type: string }) => e.type)).toEqual([
      "created",
      "responded",
      "dispatched",
      "on_site",
      "measured",
      "measured",
      "resolved",
    ]);
    expect(mine.body.events.every((e: { actorName: string | null }) => e.actorName === null)).toBe(true);
    const rated = await me.api.post(`/api/v1/me/tickets/${t.id}/rate`, {
      satisfied: true,
      score: 5,
      comment: "很及时",
    });
    expect(rated.status).toBe(200);
    expect(rated.body).toMatchObject({ status: "closed", satisfied: true, score: 5 });
    expect(rated.body.sla.next).toBeNull();
    const again = await me.api.post(`/api/v1/me/tickets/${t.id}/rate`, { satisfied: true, score: 5 });
    expect(again.status).toBe(409);
  });

  it("an unsatisfied rating reopens the ticket with fresh clocks", async () => {
    const account = freshAccount();
    const me = await residentWith(account);
    const t = await report(me, account.id, { category: "noise", indoorTempC10: undefined });
    await agent.api.post(`/api/v1/staff/tickets/${t.id}/respond`, { note: "已联系" });
    await tech.api.post(`/api/v1/staff/tickets/${t.id}/resolve`, { note: "已调整循环泵" });
    const rated = await me.api.post(`/api/v1/me/tickets/${t.id}/rate`, {
      satisfied: false,
      score: 2,
      comment: "还是有噪音",
    });
    expect(rated.body).toMatchObject({ status: "new", satisfied: false });
    expect(rated.body.sla.cycle).toBe(1);
    expect(rated.body.sla.response).toMatchObject({ metAt: null, breached: false });
    expect(rated.body.events.map((e: { type: string }) => e.type).slice(-2)).toEqual(["followed_up", "reopened"]);
  });

  it("pausing while waiting for the resident (after first contact) stops the clocks; resuming restarts them", async () => {
    const account = freshAccount();
    const me = await residentWith(account);
    const t = await report(me, account.id);
    expect((await agent.api.post(`/api/v1/staff/tickets/${t.id}/pause`, { reason: "x" })).status).toBe(400);
    // before anyone has contacted the resident the 30-minute clock cannot be stopped
    const early = await agent.api.post(`/api/v1/staff/tickets/${t.id}/pause`, { reason: "居民不在家，约定晚上联系" });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe("TICKET_BAD_STATE");
    expect((await agent.api.post(`/api/v1/staff/tickets/${t.id}/respond`, { note: "已电话联系" })).status).toBe(200);
    const paused = await agent.api.post(`/api/v1/staff/tickets/${t.id}/pause`, { reason: "居民不在家，约定晚上联系" });
    expect(paused.body.sla).toMatchObject({ paused: true });
    expect(paused.body.sla.resolution.dueAt).toBeNull();
    expect(paused.body.actions).toContain("resume");
    const resumed = await agent.api.post(`/api/v1/staff/tickets/${t.id}/resume`, {});
    expect(resumed.body.sla.paused).toBe(false);
    expect(resumed.body.sla.next.clock).toBe("resolution");
  });
});

describe("access", () => {
  it("a resident cannot see or act on another resident's ticket", async () => {
    const account = freshAccount();
    const me = await residentWith(account);
    const t = await report(me, account.id);
    const other = await residentLogin(srv.url);
    for (const res of [
      await other.api.get(`/api/v1/me/tickets/${t.id}`),
      await other.api.post(`/api/v1/me/tickets/${t.id}/rate`, { satisfied: true, score: 5 }),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("TICKET_NOT_FOUND");
    }
    expect((await other.api.get("/api/v1/me/tickets")).body.items).toEqual([]);
    // nor report on an account that is not theirs
    const foreign = await other.api.post("/api/v1/me/tickets", {
      accountId: account.id,
      category: "leak",
      description: "楼上漏水到我家",
    });
    expect(foreign.status).toBe(404);
    // a missing id answers exactly the same
    const missing = await other.api.get("/api/v1/me/tickets/99999999");
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("TICKET_NOT_FOUND");
  });

  it("bad input gets a clear 400, never a 500", async () => {
    const account = freshAccount();
    const me = await residentWith(account);
    for (const body of [
      { accountId: account.id, category: "cold_room", description: "短" },
      { accountId: account.id, category: "xx", description: "暖气不热很久了" },
      { accountId: account.id, category: "cold_room", description: "暖气不热很久了", indoorTempC10: 16.5 },
      { accountId: account.id, category: "cold_room", description: "暖气不热很久了", indoorTempC10: 9999 },
      "not json",
    ]) {
      const res = await me.api.post("/api/v1/me/tickets", body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    }
    // a path id that is not a whole number: the details are in Chinese too
    for (const path of ["/api/v1/me/tickets/abc", "/api/v1/me/tickets/1.5"]) {
      const res = await me.api.get(path);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_FAILED");
      for (const d of res.body.error.details as { message: string }[])
        expect(d.message).toMatch(/^[^A-Za-z]*[\u4e00-\u9fa5]/);
    }
  });
});

describe("SLA timers", () => {
  it("a ticket past its response time is escalated by its delayed job", async () => {
    const account = freshAccount();
    const t = await createTicket(
      srv.deps,
      { kind: "staff", id: 1 },
      { channel: "hotline", category: "no_heat", accountId: account.id, description: "整栋楼不热，已经两个小时" },
      new Date(Date.now() - 35 * 60_000),
    );
    const esc = await until(
      () => srv.deps.ds.getRepository(TicketEvent).findOneBy({ ticketId: t.id, type: "escalated" }),
      15_000,
    );
    expect(esc.data).toMatchObject({ clock: "response", to: "supervisor" });
    expect(
      await srv.deps.ds.getRepository(TicketEvent).countBy({ ticketId: t.id, type: "warned" }),
    ).toBeGreaterThanOrEqual(1);
    // the snapshot on the row follows in the same step (the board sorts and filters on it)
    await until(async () => (await srv.deps.ds.getRepository(Ticket).findOneByOrFail({ id: t.id })).slaBreached, 5_000);
    const board = await sup.api.get("/api/v1/staff/tickets?open=true&breached=true&pageSize=200");
    expect(board.body.items.map((x: { id: number }) => x.id)).toContain(t.id);
    // the board puts overdue tickets first
    const first = board.body.items[0];
    expect(new Date(first.sla.next.dueAt).getTime()).toBeLessThan(Date.now());
  });

  it("a timer the queue lost is caught by the sweeper, once", async () => {
    const account = freshAccount();
    const t = await createTicket(
      srv.deps,
      { kind: "staff", id: 1 },
      { channel: "hotline", category: "leak", accountId: account.id, description: "暖气管道漏水" },
    );
    // the queue loses the ticket's timers (they were due in 22.5 and 30 minutes)
    const lost = await srv.deps.ds
      .getRepository(OutboxJob)
      .delete({ jobName: "tickets.sla_timer", dedupeKey: Like(`sla:${t.id}:%`) });
    expect(lost.affected).toBeGreaterThanOrEqual(4);
    const marks = async () =>
      (await srv.deps.ds.getRepository(TicketEvent).findBy({ ticketId: t.id })).filter(
        (e) => e.type === "warned" || e.type === "escalated",
      );
    await sweepSla(srv.deps.ds, new Date(Date.now() + 10 * 60_000), srv.deps.config.sla);
    expect(await marks()).toEqual([]); // nothing is due yet
    const later = new Date(Date.now() + 31 * 60_000);
    expect(await sweepSla(srv.deps.ds, later, srv.deps.config.sla)).toBeGreaterThanOrEqual(2);
    const events = await srv.deps.ds.getRepository(TicketEvent).findBy({ ticketId: t.id });
    expect(events.filter((e) => e.type === "escalated").map((e) => (e.data as { clock: string }).clock)).toEqual([
      "response",
    ]);
    expect(events.filter((e) => e.type === "warned").length).toBeGreaterThanOrEqual(1);
    // swept again: nothing new
    await sweepSla(srv.deps.ds, later, srv.deps.config.sla);
    expect(await srv.deps.ds.getRepository(TicketEvent).countBy({ ticketId: t.id, type: "escalated" })).toBe(1);
  });
});

describe("subscribe consents", () => {
  it("the mini-program learns the template ids from the server and its consents are counted", async () => {
    const me = await residentLogin(srv.url);
    const before = await me.api.get("/api/v1/me/subscriptions");
    expect(before.status).toBe(200);
    expect(before.body.templateIds).toEqual(srv.deps.config.messages.wechat.templates);
    expect(before.body.counts).toEqual({ ticket_progress: 0, follow_up_due: 0 });
    const after = await me.api.post("/api/v1/me/subscriptions", {
      results: [
        { template: "ticket_progress", accepted: true },
        { template: "follow_up_due", accepted: false },
      ],
    });
    expect(after.body.counts).toEqual({ ticket_progress: 1, follow_up_due: 0 });
    expect(
      (await me.api.post("/api/v1/me/subscriptions", { results: [{ template: "x", accepted: true }] })).status,
    ).toBe(400);
  });
});

describe("SLA configuration", () => {
  it("resolution budgets follow the per-category setting and the grade", async () => {
    const open = async (category: string) =>
      (
        await agent.api.post("/api/v1/staff/tickets", {
          channel: "visit",
          accountId: freshAccount().id,
          category,
          description: "入户走访时居民反映",
        })
      ).body;
    const leak = await open("leak");
    expect(leak.sla.resolution.budgetMinutes).toBe(120);
    expect((await open("noise")).sla.resolution.budgetMinutes).toBe(60);
    const graded = await dispatcher.api.post(`/api/v1/staff/tickets/${leak.id}/grade`, {
      grade: "severe",
      reason: "整栋楼漏水停暖",
    });
    expect(graded.body.sla.resolution.budgetMinutes).toBe(480);
  });
});

describe("hotline desk", () => {
  it("calls are logged with or without an account, open a ticket or attach to one", async () => {
    const noAccount = await agent.api.post("/api/v1/staff/calls", {
      callerPhone: "13800001111",
      reason: "inquiry",
      notes: "咨询供暖开始时间",
    });
    expect(noAccount.status).toBe(201);
    expect(noAccount.body).toMatchObject({ accountId: null, ticketId: null, callerPhone: "138********" });

    const account = freshAccount();
    const call = await agent.api.post("/api/v1/staff/calls", {
      callerPhone: "13900002222",
      accountId: account.id,
      reason: "cold_room",
    });
    const opened = await agent.api.post("/api/v1/staff/tickets", {
      channel: "hotline",
      accountId: account.id,
      category: "cold_room",
      indoorTempC10: 150,
      description: "老人独居，家里只有15度",
      callLogId: call.body.id,
      callerPhone: "13900002222",
    });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ channel: "hotline", priority: "urgent", contactPhone: "139********" });
    expect(opened.body.events.map((e: { type: string }) => e.type)).toEqual(["created", "call_attached"]);

    const again = await agent.api.post("/api/v1/staff/calls", {
      callerPhone: "13900002222",
      reason: "cold_room",
      ticketId: opened.body.id,
      notes: "催问进度",
    });
    expect(again.body.accountId).toBe(account.id);
    const detail = await agent.api.get(`/api/v1/staff/tickets/${opened.body.id}`);
    expect(detail.body.events.filter((e: { type: string }) => e.type === "call_attached")).toHaveLength(2);
    const calls = await agent.api.get("/api/v1/staff/calls?q=13900002222");
    expect(calls.body.total).toBe(2);

    const no12345 = await agent.api.post("/api/v1/staff/tickets", {
      channel: "12345",
      address: "民乐县某小区",
      category: "other",
      description: "12345转来的诉求",
    });
    expect(no12345.status).toBe(400);
    expect(JSON.stringify(no12345.body)).toContain("12345转办须填写工单编号");
  });

  it("several reports from one building within two hours suggest one incident; the dispatcher links them", async () => {
    const building = county.rows.find(
      (a) =>
        a.buildingId && county.rows.filter((b) => b.buildingId === a.buildingId && b.status === "active").length >= 3,
    );
    const same = county.rows.filter((a) => a.buildingId === building?.buildingId && a.status === "active").slice(0, 3);
    const made = [];
    for (const a of same) {
      const res = await agent.api.post("/api/v1/staff/tickets", {
        channel: "hotline",
        accountId: a.id,
        category: "no_heat",
        description: "整个单元都不热",
      });
      made.push(res.body);
    }
    expect(made[2].suggestIncident).toBe(true);
    expect(made[2].priority).toBe("high");
    const linked = await dispatcher.api.post(`/api/v1/staff/tickets/${made[2].id}/link`, {
      incidentTicketId: made[0].id,
    });
    expect(linked.body.incidentId).toBe(made[0].id);
    expect(linked.body.linkedTicketIds).toContain(made[0].id);
  });
});

describe("联系电话 (contact phone)", () => {
  const registerPhone = (a: { phoneEnc: string | null }) => srv.deps.vault.decrypt(a.phoneEnc) as string;

  it("a report takes the phone given, else the account's register phone; residents and lists see it masked", async () => {
    const account = freshAccount();
    const me = await residentWith(account);
    const own = await report(me, account.id);
    expect(own.contactPhone).toBe(`${registerPhone(account).slice(0, 3)}********`);
    const given = await report(me, account.id, { contactPhone: "0936-4466666" });
    expect(given.contactPhone).toBe("093*********");
    const stored = await srv.deps.ds.getRepository(Ticket).findOneByOrFail({ id: given.id });
    expect(stored.callerPhoneEnc).not.toContain("4466666");
    expect(srv.deps.vault.decrypt(stored.callerPhoneEnc)).toBe("0936-4466666");
    // the resident's own list and the staff board: masked
    const mine = await me.api.get("/api/v1/me/tickets");
    expect(mine.body.items.find((x: { id: number }) => x.id === given.id).contactPhone).toBe("093*********");
    const board = await agent.api.get(`/api/v1/staff/tickets?q=${account.accountNo}&pageSize=50`);
    expect(board.body.items.find((x: { id: number }) => x.id === given.id).contactPhone).toBe("093*********");
  });

  it("an empty phone gets one message; a wrong one says what it should look like; no phone at all is refused", async () => {
    const account = freshAccount();
    const me = await residentWith(account);
    const base = { accountId: account.id, category: "leak", description: "楼上漏水到我家" };
    const empty = await me.api.post("/api/v1/me/tickets", { ...base, contactPhone: "  " });
    expect(empty.status).toBe(400);
    expect(empty.body.error.details).toEqual([{ path: "contactPhone", message: "请填写联系电话", in: "body" }]);
    const wrong = await me.api.post("/api/v1/me/tickets", { ...base, contactPhone: "12345" });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details).toEqual([
      { path: "contactPhone", message: expect.stringContaining("请填写正确的手机号或带区号的固定电话"), in: "body" },
    ]);
    // the account has no phone on record: the resident must give one
    await srv.deps.ds.getRepository(HeatingAccount).update({ id: account.id }, { phoneEnc: null, phoneBidx: null });
    const before = await srv.deps.ds.getRepository(Ticket).countBy({ accountId: account.id });
    const none = await me.api.post("/api/v1/me/tickets", base);
    expect(none.status).toBe(400);
    expect(none.body.error.details).toEqual([{ path: "contactPhone", message: "请填写联系电话", in: "body" }]);
    expect(await srv.deps.ds.getRepository(Ticket).countBy({ accountId: account.id })).toBe(before);
    expect((await me.api.post("/api/v1/me/tickets", { ...base, contactPhone: "13912345678" })).status).toBe(201);
  });

  it("staff who work tickets reveal the full number with no reason asked; every view is audited", async () => {
    const account = freshAccount();
    const me = await residentWith(account);
    const t = await report(me, account.id, { contactPhone: "13912345678" });
    const audits = () =>
      srv.deps.ds.getRepository(AuditLog).findBy({ action: "ticket.contact_phone_reveal", targetId: String(t.id) });
    const first = await agent.api.post(`/api/v1/staff/tickets/${t.id}/contact-phone`, {});
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ ticketId: t.id, phone: "13912345678" });
    await agent.api.post(`/api/v1/staff/tickets/${t.id}/contact-phone`, {});
    await dispatcher.api.post(`/api/v1/staff/tickets/${t.id}/contact-phone`, {});
    const rows = await audits();
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r.actorId).sort()).toEqual([agent.staff.id, agent.staff.id, dispatcher.staff.id].sort());
    expect(rows[0]).toMatchObject({ actorType: "staff", targetType: "ticket", details: { ticketNo: t.ticketNo } });

    // a technician: only on a ticket dispatched to them
    const refused = await tech.api.post(`/api/v1/staff/tickets/${t.id}/contact-phone`, {});
    expect(refused.status).toBe(403);
    expect(await audits()).toHaveLength(3);
    await agent.api.post(`/api/v1/staff/tickets/${t.id}/respond`, { note: "已电话联系" });
    const stationId = (await dispatcher.api.get("/api/v1/staff/stations")).body.items[0].id;
    await dispatcher.api.post(`/api/v1/staff/tickets/${t.id}/dispatch`, { stationId, technicianId: tech.staff.id });
    expect((await tech.api.post(`/api/v1/staff/tickets/${t.id}/contact-phone`, {})).body.phone).toBe("13912345678");
    expect(await audits()).toHaveLength(4);

    // a role outside the ticket desks, and a missing ticket
    const cashier = await staffLogin(srv.url, "cashier", DEMO_PASSWORD);
    expect((await cashier.api.post(`/api/v1/staff/tickets/${t.id}/contact-phone`, {})).status).toBe(403);
    expect((await agent.api.post("/api/v1/staff/tickets/99999999/contact-phone", {})).status).toBe(404);
    expect(await audits()).toHaveLength(4);
  });
});

describe("处理完成 of a cold-room ticket needs the room warm again", () => {
  async function onSite(extra: object = {}) {
    const account = freshAccount();
    const me = await residentWith(account);
    const t = await report(me, account.id, extra);
    await agent.api.post(`/api/v1/staff/tickets/${t.id}/respond`, { note: "已电话联系" });
    const stationId = (await dispatcher.api.get("/api/v1/staff/stations")).body.items[0].id;
    await dispatcher.api.post(`/api/v1/staff/tickets/${t.id}/dispatch`, { stationId });
    await tech.api.post(`/api/v1/staff/tickets/${t.id}/on-site`, {});
    return { me, t };
  }
  const measure = (id: number, indoorTempC10: number, outdoorTempC10?: number) =>
    tech.api.post(`/api/v1/staff/tickets/${id}/measure`, { indoorTempC10, outdoorTempC10, method: "thermometer" });
  const resolve = (id: number) => tech.api.post(`/api/v1/staff/tickets/${id}/resolve`, { note: "已排气，已处理" });

  it("with no reading after the visit it is refused; a reading taken before the visit does not count", async () => {
    const account = freshAccount();
    const me = await residentWith(account);
    const t = await report(me, account.id);
    await agent.api.post(`/api/v1/staff/tickets/${t.id}/respond`, { note: "已电话联系" });
    expect((await measure(t.id, 210)).status).toBe(200);
    const stationId = (await dispatcher.api.get("/api/v1/staff/stations")).body.items[0].id;
    await dispatcher.api.post(`/api/v1/staff/tickets/${t.id}/dispatch`, { stationId });
    const refused = await resolve(t.id);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: "TICKET_ROOM_NOT_WARM", details: { lastReadingC10: null } });
    expect(refused.body.error.message).toContain("维修后尚未入户测温");
    const row = await srv.deps.ds.getRepository(Ticket).findOneByOrFail({ id: t.id });
    expect(row.status).toBe("dispatched");
    expect(await srv.deps.ds.getRepository(TicketEvent).countBy({ ticketId: t.id, type: "resolved" })).toBe(0);
  });

  it("below -10 ℃ outside the floor is 18 ℃", async () => {
    const { t } = await onSite();
    await measure(t.id, 185, -50);
    expect((await resolve(t.id)).status).toBe(409);
    await measure(t.id, 185, -120);
    expect((await resolve(t.id)).status).toBe(200);
  });

  it("the resident's 已恢复正常 in the app is enough; others cannot confirm, nor on other tickets", async () => {
    const { me, t } = await onSite();
    await measure(t.id, 172);
    const before = await me.api.get(`/api/v1/me/tickets/${t.id}`);
    expect(before.body.actions).toEqual(["confirm_restored"]);
    const other = await residentLogin(srv.url);
    expect((await other.api.post(`/api/v1/me/tickets/${t.id}/confirm-restored`, {})).status).toBe(404);
    const confirmed = await me.api.post(`/api/v1/me/tickets/${t.id}/confirm-restored`, {});
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.actions).toEqual([]);
    expect(confirmed.body.events.at(-1)).toMatchObject({ type: "confirmed", text: "居民在小程序中确认室温已恢复正常" });
    // a second tap adds nothing
    await me.api.post(`/api/v1/me/tickets/${t.id}/confirm-restored`, {});
    expect(await srv.deps.ds.getRepository(TicketEvent).countBy({ ticketId: t.id, type: "confirmed" })).toBe(1);
    const staffView = await tech.api.get(`/api/v1/staff/tickets/${t.id}`);
    expect(staffView.body.resolveCheck).toMatchObject({ met: true });
    expect((await resolve(t.id)).status).toBe(200);
    // resolved: nothing to confirm any more
    const late = await me.api.post(`/api/v1/me/tickets/${t.id}/confirm-restored`, {});
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe("TICKET_CONFIRM_NOT_ALLOWED");

    // a leak is not about the room temperature
    const account = freshAccount();
    const me2 = await residentWith(account);
    const leak = await report(me2, account.id, { category: "leak", indoorTempC10: undefined });
    expect((await me2.api.post(`/api/v1/me/tickets/${leak.id}/confirm-restored`, {})).status).toBe(409);
  });

  it("a reopened ticket needs new proof: the last cycle's reading does not count", async () => {
    const { me, t } = await onSite();
    await measure(t.id, 205);
    expect((await resolve(t.id)).status).toBe(200);
    const rated = await me.api.post(`/api/v1/me/tickets/${t.id}/rate`, {
      satisfied: false,
      score: 1,
      comment: "又冷了",
    });
    expect(rated.body.status).toBe("new");
    await agent.api.post(`/api/v1/staff/tickets/${t.id}/respond`, { note: "再次联系居民" });
    const again = await resolve(t.id);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("TICKET_ROOM_NOT_WARM");
    await measure(t.id, 201);
    expect((await resolve(t.id)).status).toBe(200);
  });

  it("other categories resolve with a note as before", async () => {
    const account = freshAccount();
    const me = await residentWith(account);
    const t = await report(me, account.id, { category: "leak", indoorTempC10: undefined });
    await agent.api.post(`/api/v1/staff/tickets/${t.id}/respond`, { note: "已联系" });
    const res = await resolve(t.id);
    expect(res.status).toBe(200);
    expect(res.body.resolveCheck).toBeNull();
  });
});

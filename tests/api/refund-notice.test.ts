import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HeatingAccount } from "@warmline/server/src/modules/accounts";
import { Notification } from "@warmline/server/src/modules/notifications";
import { Refund } from "@warmline/server/src/modules/payments";
import { MessageDelivery } from "@warmline/server/src/modules/tickets";
import { OutboxJob } from "@warmline/server/src/jobs/entities";
import { buildRegistry } from "@warmline/server/src/bootstrap";
import { seasonsWithBills } from "../support/billing";
import { seedSmallCounty } from "../support/county";
import { client, residentLogin, staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";
import { until } from "../support/wait";

/**
 * 退款通知: when a refund of a resident's payment completes, the resident is told in 我的消息 and outside
 * the app (subscribe message while a consent is left, SMS to the account's mobile otherwise); a repeated
 * refund callback, or the message job running again, sends nothing more.
 */

let srv: TestServer;
let county: Awaited<ReturnType<typeof seedSmallCounty>>;
let sup: Awaited<ReturnType<typeof staffLogin>>;
const sandbox = () => client(srv.url);

beforeAll(async () => {
  srv = await startTestServer();
  county = await seedSmallCounty(srv.deps, 40);
  sup = await seasonsWithBills(srv.url, ["2026-2027"]);
});
afterAll(async () => srv?.close());

type Account = { id: number; accountNo: string; ownerName: string };

async function payer(account: Account, name: string) {
  const openid = `o-refund-${name}-${Date.now()}`;
  const me = await residentLogin(srv.url, { openid });
  const bound = await me.api.post("/api/v1/me/accounts", {
    accountNo: account.accountNo,
    factor: "owner_name",
    value: account.ownerName,
  });
  expect(bound.status).toBe(201);
  return { ...me, openid };
}

async function pay(me: Awaited<ReturnType<typeof payer>>, account: Account) {
  const order = await me.api.post("/api/v1/me/payments", { accountId: account.id, vendor: "wechat" });
  expect(order.status).toBe(201);
  await sandbox().post("/sandbox/wechatpay/test/pay", { out_trade_no: order.body.outTradeNo });
  await until(async () => (await me.api.get(`/api/v1/me/payments/${order.body.id}`)).body.status === "paid");
  return order.body as { id: number; outTradeNo: string; amountFen: number };
}

/** a supervisor refunds 100.00 元; WeChat settles it and sends REFUND.SUCCESS */
async function refund(order: { id: number }) {
  const res = await sup.api.post(`/api/v1/staff/payments/${order.id}/refunds`, {
    amountFen: 10_000,
    reason: "面积核减，退回多收费用",
  });
  expect(res.status).toBe(201);
  await sandbox().post("/sandbox/wechatpay/test/refunds/settle", { out_refund_no: res.body.outRefundNo });
  return until(async () => {
    const r = await srv.deps.ds.getRepository(Refund).findOneByOrFail({ id: res.body.id });
    return r.status === "succeeded" ? r : null;
  });
}

const inApp = (residentUserId: number) =>
  srv.deps.ds.getRepository(Notification).findBy({ residentUserId, kind: "refund_succeeded" });
const wechatMessages = async (openid: string) =>
  (await sandbox().get(`/sandbox/wechat/test/messages?touser=${openid}`)).body.messages as {
    templateId: string;
    data: Record<string, string>;
  }[];
const smsTo = async (phone: string) =>
  (await sandbox().get(`/sandbox/sms/test/messages?phone=${phone}`)).body.messages as {
    templateCode: string;
    text: string;
  }[];
const messageJobDone = (refundId: number) =>
  until(async () => {
    const job = await srv.deps.ds
      .getRepository(OutboxJob)
      .findOneBy({ jobName: "notify.refund_succeeded", dedupeKey: `notify:refund:${refundId}` });
    return job?.status === "done" ? job : null;
  });
const phoneOf = async (accountId: number) =>
  srv.deps.vault.decrypt(
    (await srv.deps.ds.getRepository(HeatingAccount).findOneByOrFail({ id: accountId })).phoneEnc,
  ) as string;

const accounts = () => county.rows.filter((a) => a.status === "active");

describe("a completed refund is told to the resident", () => {
  it("with a consent left: in-app and a WeChat subscribe message, no SMS; a repeated callback adds nothing", async () => {
    const account = accounts()[0];
    const me = await payer(account, "a");
    const consent = await me.api.post("/api/v1/me/message-subscriptions", {
      results: [{ template: "refund_result", accepted: true }],
    });
    expect(consent.body.counts.refund_result).toBe(1);
    const order = await pay(me, account);
    const done = await refund(order);
    await messageJobDone(done.id);

    const messages = await inApp(me.resident.id);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ title: "退款成功", channel: "inapp" });
    expect(messages[0].body).toContain(`订单号 ${order.outTradeNo}`);
    expect(messages[0].body).toContain("¥100.00");
    const sent = await wechatMessages(me.openid);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      templateId: srv.deps.config.residentMessages.wechat.refund_result,
      data: { character_string1: order.outTradeNo, amount2: "¥100.00" },
    });
    expect((await me.api.get("/api/v1/me/message-subscriptions")).body.counts.refund_result).toBe(0);
    const phone = await phoneOf(account.id);
    const smsBefore = (await smsTo(phone)).length;

    // WeChat sends REFUND.SUCCESS again (a retried callback): the refund is final, nothing is sent
    await me.api.post("/api/v1/me/message-subscriptions", { results: [{ template: "refund_result", accepted: true }] });
    const resent = await sandbox().post("/sandbox/wechatpay/test/notifications/resend", {
      out_trade_no: order.outTradeNo,
    });
    expect(resent.status).toBe(200);
    expect(JSON.stringify(resent.body)).toContain("REFUND.SUCCESS");
    // and the message job itself running a second time sends nothing either
    const job = buildRegistry(() => srv.deps).get("notify.refund_succeeded");
    await job?.handle({ refundId: done.id }, { ds: srv.deps.ds, outboxId: 0, attempt: 2 });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await inApp(me.resident.id)).toHaveLength(1);
    expect(await wechatMessages(me.openid)).toHaveLength(1);
    expect((await smsTo(phone)).length).toBe(smsBefore);
    expect(await srv.deps.ds.getRepository(OutboxJob).countBy({ jobName: "notify.refund_succeeded" })).toBe(1);
    expect((await me.api.get("/api/v1/me/message-subscriptions")).body.counts.refund_result).toBe(1);
  });

  it("without a consent: SMS to the account's mobile; every bound resident sees it in 我的消息", async () => {
    const account = accounts()[1];
    const me = await payer(account, "b");
    const family = await payer(account, "c");
    const order = await pay(me, account);
    const done = await refund(order);
    await messageJobDone(done.id);

    expect(await inApp(me.resident.id)).toHaveLength(1);
    expect(await inApp(family.resident.id)).toHaveLength(1);
    expect(await wechatMessages(me.openid)).toHaveLength(0);
    const texts = (await smsTo(await phoneOf(account.id))).filter(
      (m) => m.templateCode === srv.deps.config.sms.templates.refund_result,
    );
    expect(texts).toHaveLength(1);
    expect(texts[0].text).toContain(order.outTradeNo);
    expect(texts[0].text).toContain("¥100.00");
    const d = await srv.deps.ds.getRepository(MessageDelivery).findOneByOrFail({ uniqueKey: `refund:${done.id}` });
    expect(d).toMatchObject({ channel: "sms", status: "sent", residentUserId: me.resident.id });
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StaffAlert } from "@warmline/server/src/modules/alerts";
import { Bill } from "@warmline/server/src/modules/billing";
import { Notification } from "@warmline/server/src/modules/notifications";
import { openBills, PaymentOrder, PaymentSurplus, processSurplus, Refund } from "@warmline/server/src/modules/payments";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { seasonsWithBills } from "../support/billing";
import { bindByName, seedSmallCounty } from "../support/county";
import { client, residentLogin, staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";
import { until } from "../support/wait";

/**
 * Issue 11 (Money): one set of bills paid twice. Pressing 确认支付 again, or coming back from the cashier,
 * hands out the same pending order; a different order for the same bills first closes the old one at its
 * vendor; money that still arrives for bills already paid is a surplus the resident is told about and that
 * goes back after the hold (or waits for a supervisor).
 */

let srv: TestServer;
let county: Awaited<ReturnType<typeof seedSmallCounty>>;
const sandbox = () => client(srv.url);
const orders = () => srv.deps.ds.getRepository(PaymentOrder);

beforeAll(async () => {
  srv = await startTestServer();
  county = await seedSmallCounty(srv.deps, 40);
  await seasonsWithBills(srv.url, ["2025-2026", "2026-2027"]);
});
afterAll(async () => srv?.close());

/** the i-th active account of the county, bindable by its owner's name */
function household(i: number) {
  const account = county.rows.filter((a) => a.status === "active")[i];
  return { ownerName: account.ownerName, account };
}

async function wechatResident(i: number) {
  const me = await residentLogin(srv.url);
  const h = household(i);
  expect((await bindByName(me.api, h)).status).toBeLessThan(300);
  return { me, h };
}

async function alipayResident(i: number, userId: string) {
  const code = await sandbox().post("/sandbox/alipay/test/codes", { userId });
  const login = await sandbox().post("/api/v1/auth/resident/login", { provider: "alipay", code: code.body.code });
  const api = client(srv.url, login.body.accessToken);
  const h = household(i);
  expect((await bindByName(api, h)).status).toBeLessThan(300);
  return { me: { api }, h };
}

describe("one pending order per bill set", () => {
  it("pressing 确认支付 again (or coming back from the cashier) hands out the same order, not a second one", async () => {
    const { me, h } = await wechatResident(0);
    const first = await me.api.post("/api/v1/me/payments", { accountId: h.account.id, vendor: "wechat" });
    expect(first.status).toBe(201);
    const again = await me.api.post("/api/v1/me/payments", { accountId: h.account.id, vendor: "wechat" });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.outTradeNo).toBe(first.body.outTradeNo);
    expect(again.body.amountFen).toBe(first.body.amountFen);
    // the same prepay_id: WeChat Pay answers a repeated order with the one it issued
    expect(again.body.clientParams.package).toBe(first.body.clientParams.package);
    expect(await orders().countBy({ accountId: h.account.id })).toBe(1);
  });

  it("ten creates at once for the same bills make one order", async () => {
    const { me, h } = await wechatResident(1);
    const all = await Promise.all(
      Array.from({ length: 10 }, () =>
        me.api.post("/api/v1/me/payments", { accountId: h.account.id, vendor: "wechat" }),
      ),
    );
    expect(all.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(all.map((r) => r.body.id)).size).toBe(1);
    expect(await orders().countBy({ accountId: h.account.id })).toBe(1);
  });

  it("WeChat Pay: a different order for the same bills closes the old one at WeChat first; its cashier can no longer take money", async () => {
    const { me, h } = await wechatResident(2);
    const [oldest] = await openBills(srv.deps.ds, h.account.id);
    const all = await me.api.post("/api/v1/me/payments", { accountId: h.account.id, vendor: "wechat" });
    const part = await me.api.post("/api/v1/me/payments", {
      accountId: h.account.id,
      vendor: "wechat",
      billIds: [oldest.bill.id],
    });
    expect(part.status).toBe(201);
    expect(part.body.id).not.toBe(all.body.id);
    expect((await orders().findOneByOrFail({ id: all.body.id })).status).toBe("closed");
    const atWechat = await sandbox().get(`/sandbox/wechatpay/test/orders/${all.body.outTradeNo}`);
    expect(atWechat.body.trade_state).toBe("CLOSED");
    const late = await sandbox().post("/sandbox/wechatpay/test/pay", { out_trade_no: all.body.outTradeNo });
    expect(late.status).toBe(400);
    expect(late.text).toContain("ORDERCLOSED");
    // the new one is pending and payable
    expect((await orders().findOneByOrFail({ id: part.body.id })).status).toBe("created");
    expect(await orders().countBy({ accountId: h.account.id, status: "created" })).toBe(1);
  });

  it("Alipay: a different order for the same bills is preceded by alipay.trade.close of the old one", async () => {
    const { me, h } = await alipayResident(3, "2088000000000311");
    const [oldest] = await openBills(srv.deps.ds, h.account.id);
    const all = await me.api.post("/api/v1/me/payments", { accountId: h.account.id, vendor: "alipay" });
    expect(all.status).toBe(201);
    const part = await me.api.post("/api/v1/me/payments", {
      accountId: h.account.id,
      vendor: "alipay",
      billIds: [oldest.bill.id],
    });
    expect(part.status).toBe(201);
    expect((await orders().findOneByOrFail({ id: all.body.id })).status).toBe("closed");
    const atAlipay = await sandbox().get(`/sandbox/alipay/test/trades/${all.body.outTradeNo}`);
    expect(atAlipay.body.status).toBe("TRADE_CLOSED");
    const late = await sandbox().post("/sandbox/alipay/test/pay", { out_trade_no: all.body.outTradeNo });
    expect(late.status).toBeGreaterThanOrEqual(400);
  });

  it("switching channel closes the WeChat order before the Alipay one is issued", async () => {
    const code = await sandbox().post("/sandbox/alipay/test/codes", { userId: "2088000000000312" });
    const login = await sandbox().post("/api/v1/auth/resident/login", { provider: "alipay", code: code.body.code });
    // one resident with both identities is not needed: another resident of the account pays with Alipay
    const { me, h } = await wechatResident(4);
    const wx = await me.api.post("/api/v1/me/payments", { accountId: h.account.id, vendor: "wechat" });
    const ali = client(srv.url, login.body.accessToken);
    await bindByName(ali, h);
    const a = await ali.post("/api/v1/me/payments", { accountId: h.account.id, vendor: "alipay" });
    expect(a.status).toBe(201);
    expect((await orders().findOneByOrFail({ id: wx.body.id })).status).toBe("closed");
    expect((await sandbox().get(`/sandbox/wechatpay/test/orders/${wx.body.outTradeNo}`)).body.trade_state).toBe(
      "CLOSED",
    );
  });

  it("an old order the vendor says is paid (its notification lost) is settled and the new order refused", async () => {
    const { me, h } = await wechatResident(5);
    const [oldest] = await openBills(srv.deps.ds, h.account.id);
    const all = await me.api.post("/api/v1/me/payments", { accountId: h.account.id, vendor: "wechat" });
    const paid = await sandbox().post("/sandbox/wechatpay/test/pay", {
      out_trade_no: all.body.outTradeNo,
      notify: false,
    });
    expect(paid.status).toBe(200);
    const part = await me.api.post("/api/v1/me/payments", {
      accountId: h.account.id,
      vendor: "wechat",
      billIds: [oldest.bill.id],
    });
    expect(part.status).toBe(409);
    expect(part.body.error.code).toBe("BILLS_ALREADY_PAID");
    expect((await orders().findOneByOrFail({ id: all.body.id })).status).toBe("paid");
    expect(await orders().countBy({ accountId: h.account.id, status: "created" })).toBe(0);
    const bills = await srv.deps.ds.getRepository(Bill).findBy({ accountId: h.account.id });
    expect(bills.every((b) => b.status === "paid")).toBe(true);
  });
});

/** An order left open at the cashier while the bills are paid at the bank window, then paid at the cashier. */
async function surplusPayment(i: number) {
  const { me, h } = await wechatResident(i);
  const order = await me.api.post("/api/v1/me/payments", { accountId: h.account.id, vendor: "wechat" });
  expect(order.status).toBe(201);
  const cashier = await staffLogin(srv.url, "cashier", DEMO_PASSWORD);
  const desk = await cashier.api.post("/api/v1/staff/payments/offline", {
    accountId: h.account.id,
    method: "cash",
    amountFen: order.body.amountFen,
    receiptNo: `YH-DBL-${i}`,
  });
  expect(desk.status).toBe(201);
  const paid = await sandbox().post("/sandbox/wechatpay/test/pay", { out_trade_no: order.body.outTradeNo });
  expect(paid.status).toBe(200);
  const surplus = await until(() =>
    srv.deps.ds.getRepository(PaymentSurplus).findOneBy({ paymentOrderId: order.body.id }),
  );
  // the surplus job's first turn: decided, alert raised, resident told
  await until(async () => {
    const s = await srv.deps.ds.getRepository(PaymentSurplus).findOneByOrFail({ id: surplus.id });
    return s.status !== "new" ? s : null;
  });
  return { me, h, order: order.body as { id: number; outTradeNo: string; amountFen: number } };
}

describe("money for bills already paid (余款)", () => {
  it("is shown plainly on the result page, in the history and in 我的消息, with its own alert; no invoice is awaited", async () => {
    const { me, h, order } = await surplusPayment(6);
    const status = await me.api.get(`/api/v1/me/payments/${order.id}`);
    expect(status.body).toMatchObject({
      status: "paid",
      invoiceId: null,
      invoiceExpected: false,
      surplus: { amountFen: order.amountFen, state: "scheduled", billsAlreadyPaid: true },
    });
    const due = Date.parse(status.body.surplus.refundAt);
    expect(due - Date.now()).toBeGreaterThan(23 * 3600_000); // the default hold: 24 hours
    const history = await me.api.get(`/api/v1/me/accounts/${h.account.id}/payments`);
    const row = history.body.items.find((p: { id: number }) => p.id === order.id);
    expect(row.surplus).toMatchObject({ amountFen: order.amountFen, state: "scheduled" });
    const msg = await until(() =>
      srv.deps.ds.getRepository(Notification).findOneBy({ kind: "payment_surplus", residentUserId: me.resident.id }),
    );
    expect(msg.body).toContain("未抵扣任何账单（账单已缴清）");
    expect(msg.body).toContain("小时后");
    const alert = await srv.deps.ds
      .getRepository(StaffAlert)
      .findOneByOrFail({ kind: "payment_surplus", subjectId: order.id });
    expect(alert.body).toContain("自动原路退回");
    expect(alert.audience).toBe("supervisor");
  });

  it("auto mode: refunded through the ordinary refund path after the hold, once however often the job runs", async () => {
    const { me, order } = await surplusPayment(7);
    const s = await srv.deps.ds.getRepository(PaymentSurplus).findOneByOrFail({ paymentOrderId: order.id });
    expect(s.status).toBe("scheduled");
    // before the hold is over nothing goes back
    expect(await processSurplus(srv.deps, order.id, new Date())).toBe("not due");
    expect(await srv.deps.ds.getRepository(Refund).countBy({ paymentOrderId: order.id })).toBe(0);
    // the hold is over (a clock moved past refundAt): the job, run twice at once and again later
    const after = new Date((s.refundAt as Date).getTime() + 1_000);
    const runs = await Promise.all([
      processSurplus(srv.deps, order.id, after),
      processSurplus(srv.deps, order.id, after),
    ]);
    expect(runs.sort()).toEqual(["nothing to do", "refunding"]);
    const refund = await until(async () => {
      const r = await srv.deps.ds.getRepository(Refund).findOneBy({ paymentOrderId: order.id });
      return r?.status === "succeeded" ? r : null;
    });
    expect(refund).toMatchObject({ amountFen: order.amountFen, fromUnappliedFen: order.amountFen, staffUserId: null });
    expect(await processSurplus(srv.deps, order.id, after)).toBe("nothing to do");
    expect(await srv.deps.ds.getRepository(Refund).countBy({ paymentOrderId: order.id })).toBe(1);
    const atWechat = await sandbox().get(`/sandbox/wechatpay/test/orders/${order.outTradeNo}`);
    expect(atWechat.body.refunds).toHaveLength(1);
    const o = await orders().findOneByOrFail({ id: order.id });
    expect(o).toMatchObject({ unappliedFen: 0, flagged: false, refundedFen: order.amountFen });
    const status = await me.api.get(`/api/v1/me/payments/${order.id}`);
    expect(status.body.surplus).toMatchObject({ state: "refunded", refundAt: null });
    expect(status.body.invoiceExpected).toBe(false);
  });

  it("supervisor mode: nothing goes back by itself; the alert asks a supervisor, whose refund ends it", async () => {
    const policy = srv.deps.config.surplusRefund;
    const saved = policy.mode;
    policy.mode = "supervisor";
    try {
      const { me, order } = await surplusPayment(8);
      const s = await srv.deps.ds.getRepository(PaymentSurplus).findOneByOrFail({ paymentOrderId: order.id });
      expect(s).toMatchObject({ status: "awaiting_supervisor", refundAt: null });
      expect(await processSurplus(srv.deps, order.id, new Date(Date.now() + 1000 * 3600_000))).toBe("nothing to do");
      expect(await srv.deps.ds.getRepository(Refund).countBy({ paymentOrderId: order.id })).toBe(0);
      const alert = await srv.deps.ds
        .getRepository(StaffAlert)
        .findOneByOrFail({ kind: "payment_surplus", subjectId: order.id });
      expect(alert.body).toContain("请核实后");
      const status = await me.api.get(`/api/v1/me/payments/${order.id}`);
      expect(status.body.surplus).toMatchObject({ state: "awaiting_supervisor", refundAt: null });
      // the supervisor refunds it with the existing flagged-money action
      const sup = await staffLogin(srv.url, "supervisor", DEMO_PASSWORD);
      const res = await sup.api.post(`/api/v1/staff/payments/${order.id}/resolve-flag`, {
        action: "refund",
        reason: "重复缴费，原路退回",
      });
      expect(res.status).toBeLessThan(300);
      await until(async () => {
        const r = await me.api.get(`/api/v1/me/payments/${order.id}`);
        return r.body.surplus?.state === "refunded" ? r : null;
      });
    } finally {
      policy.mode = saved;
    }
  });
});

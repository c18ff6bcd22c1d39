import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bill } from "@warmline/server/src/modules/billing";
import { checkOrder, LedgerEntry, PaymentOrder, VendorNotificationLog } from "@warmline/server/src/modules/payments";
import { seasonsWithBills } from "../support/billing";
import { captureServer } from "../support/capture";
import { bindByName, seedSmallCounty } from "../support/county";
import { client, residentLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";
import { until } from "../support/wait";

let srv: TestServer;
let county: Awaited<ReturnType<typeof seedSmallCounty>>;
const sandbox = () => client(srv.url);

beforeAll(async () => {
  srv = await startTestServer();
  county = await seedSmallCounty(srv.deps, 40);
  await seasonsWithBills(srv.url, ["2025-2026", "2026-2027"]);
});
afterAll(async () => srv?.close());

async function startPayment(householdIndex: number) {
  const me = await residentLogin(srv.url);
  const h = county.households[householdIndex];
  await bindByName(me.api, h);
  const bills = await me.api.get(`/api/v1/me/accounts/${h.account.id}/bills`);
  // a client-sent amount is ignored: the server computes it
  const res = await me.api.post("/api/v1/me/payments", { accountId: h.account.id, vendor: "wechat", amountFen: 1 });
  expect(res.status).toBe(201);
  expect(res.body.amountFen).toBe(bills.body.totalOwedFen);
  return {
    me,
    h,
    order: res.body as {
      id: number;
      outTradeNo: string;
      amountFen: number;
      clientParams: Record<string, string>;
      cashierUrl: string;
    },
  };
}

const orderRow = (id: number) => srv.deps.ds.getRepository(PaymentOrder).findOneByOrFail({ id });

describe("WeChat Pay: order, notification, settlement", () => {
  it("creates a JSAPI order with wx.requestPayment parameters; the notification settles it and the bills are paid", async () => {
    const { me, h, order } = await startPayment(0);
    expect(Object.keys(order.clientParams).sort()).toEqual([
      "appId",
      "nonceStr",
      "package",
      "paySign",
      "signType",
      "timeStamp",
    ]);
    expect(order.clientParams.package).toMatch(/^prepay_id=/);
    expect(order.cashierUrl).toContain("/sandbox/wechatpay/cashier");
    expect((await me.api.get(`/api/v1/me/payments/${order.id}`)).body.status).toBe("created");

    const paid = await sandbox().post("/sandbox/wechatpay/test/pay", { out_trade_no: order.outTradeNo });
    expect(paid.status).toBe(200);
    const status = await until(async () => {
      const r = await me.api.get(`/api/v1/me/payments/${order.id}`);
      return r.body.status === "paid" ? r.body : null;
    });
    expect(status.amountFen).toBe(order.amountFen);
    const bills = await srv.deps.ds.getRepository(Bill).findBy({ accountId: h.account.id });
    expect(bills.every((b) => b.status === "paid")).toBe(true);
    const log = await srv.deps.ds
      .getRepository(VendorNotificationLog)
      .findOneByOrFail({ outTradeNo: order.outTradeNo, verified: true });
    expect(log.outcome).toBe("settled");
    // someone else's payment is not visible
    const other = await residentLogin(srv.url);
    expect((await other.api.get(`/api/v1/me/payments/${order.id}`)).status).toBe(404);
  });

  it("50 concurrent copies of one valid notification → one settlement, one ledger entry, bills paid once", async () => {
    const { h, order } = await startPayment(1);
    await sandbox().post("/sandbox/wechatpay/test/pay", { out_trade_no: order.outTradeNo, notify: false });
    const cap = await captureServer();
    try {
      const sent = await sandbox().post("/sandbox/wechatpay/test/notifications/fault", {
        out_trade_no: order.outTradeNo,
        fault: "none",
        notify_url: cap.url,
      });
      expect(sent.status).toBe(200);
      const note = cap.got[0];
      const answers = await Promise.all(
        Array.from({ length: 50 }, () =>
          fetch(`${srv.url}/api/v1/notify/wechat`, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              "wechatpay-timestamp": note.headers["wechatpay-timestamp"],
              "wechatpay-nonce": note.headers["wechatpay-nonce"],
              "wechatpay-signature": note.headers["wechatpay-signature"],
              "wechatpay-serial": note.headers["wechatpay-serial"],
            },
            body: note.body,
          }).then((r) => r.status),
        ),
      );
      expect(answers.every((s) => s >= 200 && s < 300)).toBe(true);
    } finally {
      await cap.close();
    }
    const row = await orderRow(order.id);
    expect(row.status).toBe("paid");
    expect(await srv.deps.ds.getRepository(LedgerEntry).countBy({ sourceType: "payment", sourceId: order.id })).toBe(1);
    for (const b of await srv.deps.ds.getRepository(Bill).findBy({ accountId: h.account.id }))
      expect(b.paidFen).toBe(b.amountFen);
    const outcomes = (
      await srv.deps.ds.getRepository(VendorNotificationLog).findBy({ outTradeNo: order.outTradeNo })
    ).map((l) => l.outcome);
    expect(outcomes.filter((o) => o === "settled")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "replay")).toHaveLength(49);
  });

  it.each([
    ["bad_signature", "BAD_SIGNATURE"],
    ["old_timestamp", "STALE_TIMESTAMP"],
    ["flipped_ciphertext", "BAD_CIPHERTEXT"],
    ["foreign_mchid", "FOREIGN_MERCHANT"],
    ["foreign_appid", "FOREIGN_MERCHANT"],
    ["unknown_serial", "UNKNOWN_SERIAL"],
    ["malformed", "MALFORMED"],
    ["wrong_amount", null],
  ])("a notification with %s is refused, applies nothing and is stored", async (fault, reason) => {
    // a household of its own for each case
    const candidates = county.rows.filter((a) => a.id > 3 && a.status === "active");
    const index = [
      "bad_signature",
      "old_timestamp",
      "flipped_ciphertext",
      "foreign_mchid",
      "foreign_appid",
      "unknown_serial",
      "malformed",
      "wrong_amount",
    ].indexOf(fault);
    const account = candidates[index];
    const me = await residentLogin(srv.url);
    await me.api.post("/api/v1/me/accounts", {
      accountNo: account.accountNo,
      factor: "owner_name",
      value: account.ownerName,
    });
    const res = await me.api.post("/api/v1/me/payments", { accountId: account.id, vendor: "wechat" });
    expect(res.status, `account ${account.accountNo}`).toBe(201);
    const before = await srv.deps.ds.getRepository(VendorNotificationLog).count();
    await sandbox().post("/sandbox/wechatpay/test/pay", { out_trade_no: res.body.outTradeNo, notify: false });
    const sent = await sandbox().post("/sandbox/wechatpay/test/notifications/fault", {
      out_trade_no: res.body.outTradeNo,
      fault,
    });
    expect(sent.status).toBe(200);
    expect((await orderRow(res.body.id)).status).toBe("created");
    expect(await srv.deps.ds.getRepository(LedgerEntry).countBy({ sourceId: res.body.id })).toBe(0);
    const logs = await srv.deps.ds.getRepository(VendorNotificationLog).find({ order: { id: "DESC" }, take: 1 });
    expect(await srv.deps.ds.getRepository(VendorNotificationLog).count()).toBe(before + 1);
    if (reason) expect(logs[0]).toMatchObject({ verified: false, rejectReason: reason, outcome: "rejected" });
    else expect(logs[0]).toMatchObject({ verified: true, outcome: "amount_mismatch" });
    // the sweeper settles it from the vendor's own answer instead
    await me.api.delete(`/api/v1/me/accounts/${account.id}`);
    expect(await checkOrder(srv.deps, res.body.id)).toBe("settled");
  });

  it("a payment whose notification never arrives is settled by the sweeper", async () => {
    const { order } = await startPayment(2);
    await sandbox().post("/sandbox/wechatpay/test/pay", { out_trade_no: order.outTradeNo, notify: false });
    expect((await orderRow(order.id)).status).toBe("created");
    expect(await checkOrder(srv.deps, order.id)).toBe("settled");
    expect((await orderRow(order.id)).status).toBe("paid");
    expect(await srv.deps.ds.getRepository(LedgerEntry).countBy({ sourceId: order.id })).toBe(1);
  });

  it("an unpaid order past its expiry is closed at the vendor and marked expired", async () => {
    const account = county.rows.filter((a) => a.id > 3 && a.status === "active")[12];
    const me = await residentLogin(srv.url);
    await me.api.post("/api/v1/me/accounts", {
      accountNo: account.accountNo,
      factor: "owner_name",
      value: account.ownerName,
    });
    const res = await me.api.post("/api/v1/me/payments", { accountId: account.id, vendor: "wechat" });
    expect(res.status).toBe(201);
    expect(await checkOrder(srv.deps, res.body.id)).toBe("pending");
    await srv.deps.ds
      .getRepository(PaymentOrder)
      .update({ id: res.body.id }, { expireAt: new Date(Date.now() - 1000) });
    expect(await checkOrder(srv.deps, res.body.id)).toBe("expired");
    expect((await orderRow(res.body.id)).status).toBe("expired");
    const atVendor = await sandbox().get(`/sandbox/wechatpay/test/orders/${res.body.outTradeNo}`);
    expect(JSON.stringify(atVendor.body)).toMatch(/CLOSED/);
  });

  it("a notification for an order we never made is refused, applies nothing and is stored", async () => {
    const outTradeNo = `WLUNKNOWN${Date.now()}`;
    const wechat = srv.deps.payments.wechat!;
    await wechat.createTrade({
      outTradeNo,
      amountFen: 12_345,
      description: "不属于本系统的订单",
      payerId: "sandbox_stranger",
      expireAt: new Date(Date.now() + 600_000),
      notifyUrl: `${srv.url}/api/v1/notify/wechat`,
    });
    await sandbox().post("/sandbox/wechatpay/test/pay", { out_trade_no: outTradeNo });
    const log = await until(async () => {
      const l = await srv.deps.ds.getRepository(VendorNotificationLog).findOneBy({ outTradeNo });
      return l?.outcome ? l : null;
    });
    expect(log).toMatchObject({ verified: true, outcome: "unknown_order" });
    expect(await srv.deps.ds.getRepository(PaymentOrder).countBy({ outTradeNo })).toBe(0);
    const deliveries = await sandbox().get(`/sandbox/wechatpay/test/notifications?out_trade_no=${outTradeNo}`);
    const attempts = deliveries.body.deliveries[0].attempts;
    expect(attempts[0].status).toBeGreaterThanOrEqual(400); // refused: WeChat will retry and staff can see it
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bill } from "@warmline/server/src/modules/billing";
import { LedgerEntry, PaymentOrder, VendorNotificationLog } from "@warmline/server/src/modules/payments";
import { seasonsWithBills } from "../support/billing";
import { seedSmallCounty } from "../support/county";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { client, staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";
import { until } from "../support/wait";

let srv: TestServer;
let county: Awaited<ReturnType<typeof seedSmallCounty>>;

beforeAll(async () => {
  srv = await startTestServer();
  county = await seedSmallCounty(srv.deps, 30);
  await seasonsWithBills(srv.url, ["2026-2027"]);
});
afterAll(async () => srv?.close());

/** Signs in through Alipay the way the mini-program does (my.getAuthCode → alipay.system.oauth.token). */
async function alipayResident(userId: string) {
  const code = await client(srv.url).post("/sandbox/alipay/test/codes", { userId });
  const login = await client(srv.url).post("/api/v1/auth/resident/login", { provider: "alipay", code: code.body.code });
  expect(login.status).toBe(200);
  return client(srv.url, login.body.accessToken);
}

describe("Alipay: trade, notification, settlement", () => {
  it("creates a trade for my.tradePay; Alipay's signed notification settles it once", async () => {
    const api = await alipayResident("2088000000000042");
    const h = county.households[0];
    await api.post("/api/v1/me/accounts", { accountNo: h.account.accountNo, factor: "owner_name", value: h.ownerName });
    const res = await api.post("/api/v1/me/payments", { accountId: h.account.id, vendor: "alipay" });
    expect(res.status).toBe(201);
    expect(res.body.clientParams.tradeNO).toBeTruthy();
    const paid = await client(srv.url).post("/sandbox/alipay/test/pay", { out_trade_no: res.body.outTradeNo });
    expect(paid.status).toBe(200);
    await until(async () => (await api.get(`/api/v1/me/payments/${res.body.id}`)).body.status === "paid");
    for (const b of await srv.deps.ds.getRepository(Bill).findBy({ accountId: h.account.id }))
      expect(b.status).toBe("paid");
    // Alipay retries: the same notification again is a replay that changes nothing and still gets "success"
    const again = await client(srv.url).post("/sandbox/alipay/test/resend", { out_trade_no: res.body.outTradeNo });
    expect(again.status).toBe(200);
    expect(await srv.deps.ds.getRepository(LedgerEntry).countBy({ sourceId: res.body.id })).toBe(1);
    const outcomes = (
      await srv.deps.ds.getRepository(VendorNotificationLog).findBy({ outTradeNo: res.body.outTradeNo })
    ).map((l) => l.outcome);
    expect(outcomes).toEqual(["settled", "replay"]);

    // Alipay refunds at once: the bills reopen by the refunded amount
    const sup = await staffLogin(srv.url, "supervisor", DEMO_PASSWORD);
    const refund = await sup.api.post(`/api/v1/staff/payments/${res.body.id}/refunds`, {
      amountFen: 2_000,
      reason: "面积复核后退费",
    });
    expect(refund.status).toBe(201);
    expect(refund.body.status).toBe("succeeded");
    const bills = await srv.deps.ds.getRepository(Bill).findBy({ accountId: h.account.id });
    expect(bills.reduce((n, b) => n + (b.amountFen - b.paidFen), 0)).toBe(2_000);
  });

  it("a WeChat-only resident cannot pay with Alipay (no Alipay identity)", async () => {
    const code = await client(srv.url).post("/sandbox/wechat/test/codes", {});
    const login = await client(srv.url).post("/api/v1/auth/resident/login", {
      provider: "wechat",
      code: code.body.code,
    });
    const api = client(srv.url, login.body.accessToken);
    const h = county.households[1];
    await api.post("/api/v1/me/accounts", { accountNo: h.account.accountNo, factor: "owner_name", value: h.ownerName });
    const res = await api.post("/api/v1/me/payments", { accountId: h.account.id, vendor: "alipay" });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("PAYER_ID_MISSING");
    expect(await srv.deps.ds.getRepository(PaymentOrder).countBy({ accountId: h.account.id })).toBe(0);
  });

  it.each([
    ["bad_sign", "BAD_SIGNATURE"],
    ["tampered", "BAD_SIGNATURE"],
    ["no_sign", "BAD_SIGNATURE"],
    ["foreign_app_id", "FOREIGN_MERCHANT"],
    ["foreign_seller_id", "FOREIGN_MERCHANT"],
    ["wrong_total_amount", null],
  ])("a notification with %s is refused, applies nothing and is stored", async (fault, reason) => {
    const faults = ["bad_sign", "tampered", "no_sign", "foreign_app_id", "foreign_seller_id", "wrong_total_amount"];
    const account = county.rows.filter((a) => a.id > 3 && a.status !== "closed")[faults.indexOf(fault)];
    const api = await alipayResident(`20880000000001${String(faults.indexOf(fault)).padStart(2, "0")}`);
    await api.post("/api/v1/me/accounts", {
      accountNo: account.accountNo,
      factor: "owner_name",
      value: account.ownerName,
    });
    const res = await api.post("/api/v1/me/payments", { accountId: account.id, vendor: "alipay" });
    expect(res.status).toBe(201);
    await client(srv.url).post("/sandbox/alipay/test/pay", { out_trade_no: res.body.outTradeNo, notify: false });
    const sent = await client(srv.url).post("/sandbox/alipay/test/notify-faulty", {
      out_trade_no: res.body.outTradeNo,
      fault,
      send: true,
    });
    expect(sent.status).toBe(200);
    expect((await srv.deps.ds.getRepository(PaymentOrder).findOneByOrFail({ id: res.body.id })).status).toBe("created");
    expect(await srv.deps.ds.getRepository(LedgerEntry).countBy({ sourceId: res.body.id })).toBe(0);
    const [log] = await srv.deps.ds
      .getRepository(VendorNotificationLog)
      .find({ where: { vendor: "alipay" }, order: { id: "DESC" }, take: 1 });
    if (reason) expect(log).toMatchObject({ verified: false, rejectReason: reason, outcome: "rejected" });
    else expect(log).toMatchObject({ verified: true, outcome: "amount_mismatch" });
  });
});

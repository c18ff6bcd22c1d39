import { shanghaiDate } from "@warmline/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "@warmline/server/src/modules/audit";
import { Bill } from "@warmline/server/src/modules/billing";
import {
  LedgerEntry,
  PaymentOrder,
  Refund,
  REFUND_FOLLOW_UP_ATTEMPTS,
  refundRetryJob,
} from "@warmline/server/src/modules/payments";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { OutboxJob } from "@warmline/server/src/jobs/entities";
import { seasonsWithBills } from "../support/billing";
import { seedSmallCounty } from "../support/county";
import { client, type Res, residentLogin, staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";
import { until } from "../support/wait";

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

/** A resident pays all their bills with WeChat Pay; notify=false leaves the callback out (lost). */
async function wechatPayment(account: { id: number; accountNo: string; ownerName: string }, notify = true) {
  const me = await residentLogin(srv.url);
  await me.api.post("/api/v1/me/accounts", {
    accountNo: account.accountNo,
    factor: "owner_name",
    value: account.ownerName,
  });
  const order = await me.api.post("/api/v1/me/payments", { accountId: account.id, vendor: "wechat" });
  expect(order.status).toBe(201);
  await sandbox().post("/sandbox/wechatpay/test/pay", { out_trade_no: order.body.outTradeNo, notify });
  if (notify)
    await until(async () => (await me.api.get(`/api/v1/me/payments/${order.body.id}`)).body.status === "paid");
  return order.body as { id: number; outTradeNo: string; amountFen: number };
}

const accounts = () => county.rows.filter((a) => a.status === "active");

describe("refunds", () => {
  it("a partial WeChat refund is confirmed by notification and reopens the bill by the refunded amount", async () => {
    const account = accounts()[0];
    const pay = await wechatPayment(account);
    const cashier = await staffLogin(srv.url, "cashier", DEMO_PASSWORD);
    expect(
      (await cashier.api.post(`/api/v1/staff/payments/${pay.id}/refunds`, { amountFen: 100, reason: "重复缴费退回" }))
        .status,
    ).toBe(403);
    const tooMuch = await sup.api.post(`/api/v1/staff/payments/${pay.id}/refunds`, {
      amountFen: pay.amountFen + 1,
      reason: "重复缴费退回",
    });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error).toMatchObject({ code: "REFUND_TOO_LARGE", details: { refundableFen: pay.amountFen } });

    const res = await sup.api.post(`/api/v1/staff/payments/${pay.id}/refunds`, {
      amountFen: 10_000,
      reason: "面积核减，退回多收费用",
    });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe("processing");
    const done = await until(async () => {
      const r = await srv.deps.ds.getRepository(Refund).findOneByOrFail({ id: res.body.id });
      return r.status === "succeeded" ? r : null;
    });
    expect(done.reversals?.reduce((s, x) => s + x.principalFen + x.lateFeeFen, 0)).toBe(10_000);
    const [bill] = await srv.deps.ds.getRepository(Bill).findBy({ accountId: account.id });
    expect(bill.status).toBe("partial");
    expect(bill.amountFen - bill.paidFen - bill.waivedFen).toBe(10_000);
    expect(
      await srv.deps.ds.getRepository(LedgerEntry).findOneByOrFail({ sourceType: "refund", sourceId: done.id }),
    ).toMatchObject({ amountFen: -10_000 });
    expect(
      await srv.deps.ds.getRepository(AuditLog).countBy({ action: "payment.refund", targetId: String(pay.id) }),
    ).toBe(1);

    // the refund notification again: nothing changes
    const again = await srv.deps.ds.getRepository(Refund).findOneByOrFail({ id: done.id });
    const { completeRefund } = await import("@warmline/server/src/modules/payments");
    await completeRefund(srv.deps.ds, again.outRefundNo, again.vendorRefundId, "wechat");
    expect(await srv.deps.ds.getRepository(LedgerEntry).countBy({ sourceType: "refund", sourceId: done.id })).toBe(1);
    const [same] = await srv.deps.ds.getRepository(Bill).findBy({ accountId: account.id });
    expect(same.paidFen).toBe(bill.paidFen);
    const list = await sup.api.get(`/api/v1/staff/payments/${pay.id}/refunds`);
    expect(list.body.items.map((r: { status: string }) => r.status)).toEqual(["succeeded"]);
    // a payment that does not exist has no refund list: 404, not an empty 200
    const missing = await sup.api.get("/api/v1/staff/payments/987654321/refunds");
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("PAYMENT_NOT_FOUND");
  });

  it("a refund whose answer cannot be verified stays reserved, is asked again with the same number and completes once", async () => {
    const account = accounts()[20];
    const pay = await wechatPayment(account);
    // WeChat Pay takes the refund, but its answer fails verification: the outcome is unknown to us
    expect((await sandbox().post("/sandbox/wechatpay/test/mode", { responseFault: "bad_signature" })).status).toBe(200);
    let res: Res;
    try {
      res = await sup.api.post(`/api/v1/staff/payments/${pay.id}/refunds`, {
        amountFen: 5_000,
        reason: "面积核减退款",
      });
    } finally {
      await sandbox().post("/sandbox/wechatpay/test/mode", { responseFault: null });
    }
    expect(res.status).toBe(201);
    expect(res.body.status).toBe("processing");
    // the amount stays reserved: it cannot be refunded a second time meanwhile
    const second = await sup.api.post(`/api/v1/staff/payments/${pay.id}/refunds`, {
      amountFen: pay.amountFen - 4_999,
      reason: "再次退款",
    });
    expect(second.status).toBe(400);
    expect(second.body.error.code).toBe("REFUND_TOO_LARGE");
    // the retry job sends the same refund number again; the notification then finishes it
    const done = await until(async () => {
      const r = await srv.deps.ds.getRepository(Refund).findOneByOrFail({ id: res.body.id });
      return r.status === "succeeded" ? r : null;
    }, 30_000);
    expect(done.vendorRefundId).toBeTruthy();
    const atVendor = await sandbox().get(`/sandbox/wechatpay/test/orders/${pay.outTradeNo}`);
    expect(atVendor.body.refunds).toHaveLength(1);
    expect(atVendor.body.refunds[0]).toMatchObject({ outRefundNo: done.outRefundNo, refundFen: 5_000 });
    expect(await srv.deps.ds.getRepository(LedgerEntry).countBy({ sourceType: "refund", sourceId: done.id })).toBe(1);
    const order = await srv.deps.ds.getRepository(PaymentOrder).findOneByOrFail({ id: pay.id });
    expect(order.refundedFen).toBe(5_000);
  });

  it("a WeChat refund whose notification is lost is finished by asking WeChat Pay again", async () => {
    const account = accounts()[21];
    const pay = await wechatPayment(account);
    await sandbox().post("/sandbox/wechatpay/test/mode", { refundNotifications: false });
    let res: Res;
    try {
      res = await sup.api.post(`/api/v1/staff/payments/${pay.id}/refunds`, {
        amountFen: 3_000,
        reason: "面积核减退款",
      });
      expect(res.status).toBe(201);
      expect(res.body.status).toBe("processing");
      // WeChat Pay finishes the refund (after a second) but tells nobody
      await until(async () => {
        const o = await sandbox().get(`/sandbox/wechatpay/test/orders/${pay.outTradeNo}`);
        return o.body.refunds?.[0]?.status === "SUCCESS";
      });
    } finally {
      await sandbox().post("/sandbox/wechatpay/test/mode", { refundNotifications: true });
    }
    const repo = srv.deps.ds.getRepository(Refund);
    expect((await repo.findOneByOrFail({ id: res.body.id })).status).toBe("processing");
    // a check was queued when WeChat answered PROCESSING; it runs a minute later — here, now
    const check = await srv.deps.ds
      .getRepository(OutboxJob)
      .findOneByOrFail({ jobName: "payments.refund_retry", dedupeKey: `refund_check:${res.body.id}` });
    expect(check.availableAt.getTime()).toBeGreaterThan(Date.now() + 30_000);
    await refundRetryJob(() => srv.deps).handle(
      { refundId: res.body.id },
      { ds: srv.deps.ds, outboxId: 0, attempt: 1 },
    );
    const done = await repo.findOneByOrFail({ id: res.body.id });
    expect(done.status).toBe("succeeded");
    expect(await srv.deps.ds.getRepository(LedgerEntry).countBy({ sourceType: "refund", sourceId: done.id })).toBe(1);
    // once more (the queued check, or a late notification): nothing changes
    await refundRetryJob(() => srv.deps).handle(
      { refundId: res.body.id },
      { ds: srv.deps.ds, outboxId: 0, attempt: 2 },
    );
    expect(await srv.deps.ds.getRepository(LedgerEntry).countBy({ sourceType: "refund", sourceId: done.id })).toBe(1);
    const atVendor = await sandbox().get(`/sandbox/wechatpay/test/orders/${pay.outTradeNo}`);
    expect(atVendor.body.refunds).toHaveLength(1);
  });

  it("a refund still unconfirmed after the last follow-up stays reserved and reaches the supervisors' inbox", async () => {
    const account = accounts()[22];
    const pay = await wechatPayment(account);
    await sandbox().post("/sandbox/wechatpay/test/mode", { responseFault: "bad_signature" });
    try {
      const res = await sup.api.post(`/api/v1/staff/payments/${pay.id}/refunds`, {
        amountFen: 2_000,
        reason: "退款核实",
      });
      expect(res.status).toBe(201);
      const job = refundRetryJob(() => srv.deps);
      const ctx = (attempt: number) => ({ ds: srv.deps.ds, outboxId: 0, attempt });
      // an attempt before the last: still unknown, so the outbox is to retry it
      await expect(job.handle({ refundId: res.body.id }, ctx(3))).rejects.toThrow();
      // the last attempt: no answer still — the refund is not failed, a person is told (once)
      await job.handle({ refundId: res.body.id }, ctx(REFUND_FOLLOW_UP_ATTEMPTS));
      await job.handle({ refundId: res.body.id }, ctx(REFUND_FOLLOW_UP_ATTEMPTS));
      expect((await srv.deps.ds.getRepository(Refund).findOneByOrFail({ id: res.body.id })).status).toBe("processing");
      const alerts = await sup.api.get("/api/v1/staff/alerts?state=open&pageSize=100");
      const mine = alerts.body.items.filter((a: { title: string }) => a.title.includes(res.body.outRefundNo));
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ kind: "refund_unconfirmed", ticket: null });
      expect(mine[0].body).toContain("¥20.00");
      expect(mine[0].body).toContain(pay.outTradeNo);
    } finally {
      await sandbox().post("/sandbox/wechatpay/test/mode", { responseFault: null });
    }
  });

  it("a cash payment is refunded at the desk at once", async () => {
    const account = accounts()[1];
    const cashier = await staffLogin(srv.url, "cashier", DEMO_PASSWORD);
    const paid = await cashier.api.post("/api/v1/staff/payments/offline", {
      accountId: account.id,
      method: "cash",
      amountFen: 5_000,
      receiptNo: "C-1",
    });
    expect(paid.status).toBe(201);
    const r = await sup.api.post(`/api/v1/staff/payments/${paid.body.id}/refunds`, {
      amountFen: 5_000,
      reason: "误收退回现金",
    });
    expect(r.body.status).toBe("succeeded");
    const [bill] = await srv.deps.ds.getRepository(Bill).findBy({ accountId: account.id });
    expect(bill.paidFen).toBe(0);
    expect(bill.status).toBe("unpaid");
    const search = await sup.api.get("/api/v1/staff/payments?q=C-1");
    expect(search.body.items[0]).toMatchObject({ receiptNo: "C-1", refundedFen: 5_000 });
  });
});

describe("reconciliation", () => {
  it("finds the three sets in a prepared bill and settles the vendor-only payment", async () => {
    const today = shanghaiDate(new Date());
    const settledHere = await wechatPayment(accounts()[2]); // here and at the vendor: matches
    const lost = await wechatPayment(accounts()[3], false); // paid at the vendor, callback lost
    const hereOnly = await wechatPayment(accounts()[4]); // the vendor's bill will miss it
    const mismatch = await wechatPayment(accounts()[5]); // the vendor's bill says another amount
    const lostTrade = (await sandbox().get(`/sandbox/wechatpay/test/orders/${lost.outTradeNo}`)).body;
    const tx = async (no: string) =>
      (await srv.deps.ds.getRepository(PaymentOrder).findOneByOrFail({ outTradeNo: no })).transactionId;
    // earlier tests' WeChat payments of today are in the vendor's bill as they are here
    const special = new Set([settledHere.outTradeNo, lost.outTradeNo, hereOnly.outTradeNo, mismatch.outTradeNo]);
    const others = (await srv.deps.ds.getRepository(PaymentOrder).findBy({ channel: "wechat", status: "paid" }))
      .filter((o) => !special.has(o.outTradeNo))
      .map((o) => ({
        outTradeNo: o.outTradeNo,
        transactionId: o.transactionId,
        amountFen: o.amountFen,
        state: "PAID",
      }));
    const prepared = await sandbox().post("/sandbox/wechatpay/test/bills", {
      date: today,
      rows: [
        ...others,
        {
          outTradeNo: settledHere.outTradeNo,
          transactionId: await tx(settledHere.outTradeNo),
          amountFen: settledHere.amountFen,
          state: "PAID",
        },
        {
          outTradeNo: lost.outTradeNo,
          transactionId: lostTrade.transaction_id ?? lostTrade.transactionId,
          amountFen: lost.amountFen,
          state: "PAID",
        },
        {
          outTradeNo: mismatch.outTradeNo,
          transactionId: await tx(mismatch.outTradeNo),
          amountFen: mismatch.amountFen + 1,
          state: "PAID",
        },
      ],
    });
    expect(prepared.status).toBe(200);
    expect((await srv.deps.ds.getRepository(PaymentOrder).findOneByOrFail({ id: lost.id })).status).toBe("created");

    const started = await sup.api.post("/api/v1/staff/reconciliations", { date: today, vendor: "wechat" });
    expect(started.status).toBe(202);
    const run = await until(async () => {
      const r = await sup.api.get(`/api/v1/staff/reconciliations/${started.body.id}`);
      return r.body.status === "done" || r.body.status === "failed" ? r.body : null;
    });
    expect(run).toMatchObject({
      status: "done",
      matched: 1 + others.length,
      missingHere: 1,
      missingThere: 1,
      amountMismatch: 1,
    });
    const byKind = Object.fromEntries(run.items.map((i: { kind: string; outTradeNo: string }) => [i.kind, i]));
    expect(byKind.missing_here).toMatchObject({ outTradeNo: lost.outTradeNo, resolution: "auto_settled" });
    expect(byKind.missing_there).toMatchObject({ outTradeNo: hereOnly.outTradeNo, resolution: "flagged" });
    expect(byKind.amount_mismatch).toMatchObject({
      outTradeNo: mismatch.outTradeNo,
      vendorAmountFen: mismatch.amountFen + 1,
      resolution: "flagged",
    });
    expect((await srv.deps.ds.getRepository(PaymentOrder).findOneByOrFail({ id: lost.id })).status).toBe("paid");
  });
});

describe("flagged money", () => {
  /** money arrives for an order we had already closed: kept and flagged */
  async function paidAfterClose(account: { id: number; accountNo: string; ownerName: string }) {
    const me = await residentLogin(srv.url);
    await me.api.post("/api/v1/me/accounts", {
      accountNo: account.accountNo,
      factor: "owner_name",
      value: account.ownerName,
    });
    const order = await me.api.post("/api/v1/me/payments", { accountId: account.id, vendor: "wechat" });
    await srv.deps.ds.getRepository(PaymentOrder).update({ id: order.body.id }, { status: "closed" });
    await sandbox().post("/sandbox/wechatpay/test/pay", { out_trade_no: order.body.outTradeNo });
    return until(async () => {
      const o = await srv.deps.ds.getRepository(PaymentOrder).findOneByOrFail({ id: order.body.id });
      return o.flagged ? o : null;
    });
  }

  it("shows in the flagged queue; staff apply it to the open bills", async () => {
    const account = accounts()[6];
    const order = await paidAfterClose(account);
    expect(order).toMatchObject({ status: "paid", unappliedFen: order.amountFen });
    const queue = await sup.api.get("/api/v1/staff/payments?flagged=true");
    expect(queue.body.items.map((p: { id: number }) => p.id)).toContain(order.id);
    const res = await sup.api.post(`/api/v1/staff/payments/${order.id}/resolve-flag`, {
      action: "allocate",
      reason: "核实为本户缴费，冲抵欠费",
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ flagged: false, unappliedFen: 0 });
    const bills = await srv.deps.ds.getRepository(Bill).findBy({ accountId: account.id });
    expect(bills.every((b) => b.status === "paid")).toBe(true);
    const twice = await sup.api.post(`/api/v1/staff/payments/${order.id}/resolve-flag`, {
      action: "allocate",
      reason: "再次处理",
    });
    expect(twice.status).toBe(409);
    const detail = await sup.api.get(`/api/v1/staff/payments/${order.id}`);
    expect(detail.body).toMatchObject({ id: order.id, flagged: false, unappliedFen: 0 });
    expect(detail.body.allocations.length).toBeGreaterThan(0);
    expect((await sup.api.get("/api/v1/staff/payments/99999999")).status).toBe(404);
  });

  it("or refund it through the vendor", async () => {
    const account = accounts()[7];
    const order = await paidAfterClose(account);
    const res = await sup.api.post(`/api/v1/staff/payments/${order.id}/resolve-flag`, {
      action: "refund",
      reason: "居民要求退回",
    });
    expect(res.status).toBe(200);
    const done = await until(async () => {
      const o = await srv.deps.ds.getRepository(PaymentOrder).findOneByOrFail({ id: order.id });
      return !o.flagged ? o : null;
    });
    expect(done).toMatchObject({ unappliedFen: 0, refundedFen: order.amountFen });
    const bills = await srv.deps.ds.getRepository(Bill).findBy({ accountId: account.id });
    expect(bills.every((b) => b.paidFen === 0)).toBe(true);
  });
});

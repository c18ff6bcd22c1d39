/**
 * Refunds below the API: createRefund, completeRefund, failRefund and the follow-up job on the embedded
 * SQLite, with a fake payment vendor (FakePaymentVendor: records each refund request, answers as scripted).
 * Every expected amount is worked out by hand from one account's two bills, paid in full:
 *
 *   2025-2026  bill 200 000 fen, due 2025-10-14, late fee 5 bp a day   (older season, lower bill id)
 *   2026-2027  bill 216 000 fen, due 2026-10-14, late fee 5 bp a day
 *   paid on 2026-11-14 (Shanghai): late fees 396 days × 100 = 39 600 and 31 days × 108 = 3 348,
 *   so the payment is 200 000 + 39 600 + 216 000 + 3 348 = 458 948, allocated
 *     2025-2026: principal 200 000, late fee 39 600;  2026-2027: principal 216 000, late fee 3 348
 *
 * Refunds happen on 2026-11-20 in Shanghai (the clock is faked: 10:00 plus a minute per test). A refund reopens the bills
 * newest bill first, each bill's principal before its late fee.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Deps } from "../../deps";
import { PaymentVendorError } from "../../integrations/payments";
import {
  accountWithBills,
  addOrder,
  FakePaymentVendor,
  outboxRows,
  staffContext,
  paymentSeasons,
} from "../../testing/paymentsFixture";
import { type SqliteDeps, sqliteDeps } from "../../testing/sqliteDeps";
import { StaffAlert } from "../alerts";
import { AuditLog } from "../audit";
import { Bill, type HeatingSeason } from "../billing";
import { LedgerEntry, PaymentOrder, Refund } from "./entities";
import { recordOfflinePayment } from "./paymentService";
import { completeRefund, createRefund, failRefund, REFUND_FOLLOW_UP_ATTEMPTS, refundRetryJob } from "./refunds";
import { settleVendorPayment } from "./settlement";

let env: SqliteDeps;
let s2025: HeatingSeason;
let s2026: HeatingSeason;

const PAID_AT = new Date("2026-11-13T16:30:00Z"); // 2026-11-14 00:30 Asia/Shanghai
const REFUND_AT = new Date("2026-11-20T02:00:00Z"); // 2026-11-20 10:00 Asia/Shanghai
const OWED = 458_948;
const REASON = "面积核减，退回多收费用";

beforeAll(async () => {
  env = await sqliteDeps();
  ({ s2025, s2026 } = await paymentSeasons(env.deps.ds));
});
afterAll(async () => env?.close());

let wechat: FakePaymentVendor;
let deps: Deps;
/** the faked clock of this test: REFUND_AT plus a minute per test, so refund numbers (stamped to the second) differ */
let now: Date;
let tick = 0;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  now = new Date(REFUND_AT.getTime() + ++tick * 60_000);
  vi.setSystemTime(now);
  wechat = new FakePaymentVendor("wechat");
  // the real dependencies, but WeChat Pay is the fake (no Alipay: these payments are WeChat or cash)
  deps = { ...env.deps, payments: { wechat } };
});
afterEach(() => vi.useRealTimers());

const supervisor = () => staffContext(env.county.staff.id, ["supervisor"]);
const refund = (paymentId: number, amountFen: number) =>
  createRefund(deps, supervisor(), paymentId, { amountFen, reason: REASON });

/** An account whose two bills a WeChat payment of 458 948 paid in full on 2026-11-14. */
async function paidWechatOrder(newerBillFirst = false) {
  const lines = [
    { season: s2025, amountFen: 200_000 },
    { season: s2026, amountFen: 216_000 },
  ];
  const { account, bills } = await accountWithBills(env.deps.ds, env.county, newerBillFirst ? lines.reverse() : lines);
  const [oldBill, newBill] = (newerBillFirst ? [bills[1], bills[0]] : bills) as [Bill, Bill];
  const o = await addOrder(env.deps.ds, {
    accountId: account.id,
    billIds: [oldBill.id, newBill.id],
    amountFen: OWED,
  });
  const res = await env.deps.ds.transaction((m) =>
    settleVendorPayment(m, o.outTradeNo, {
      vendor: "wechat",
      transactionId: `42000${o.id}`,
      amountFen: OWED,
      paidAt: PAID_AT,
    }),
  );
  expect(res.outcome).toBe("settled");
  return { account, oldBill, newBill, order: o };
}

const bill = (id: number) => env.deps.ds.getRepository(Bill).findOneByOrFail({ id });
const order = (id: number) => env.deps.ds.getRepository(PaymentOrder).findOneByOrFail({ id });
const refundRow = (id: number) => env.deps.ds.getRepository(Refund).findOneByOrFail({ id });
const refundLedger = (refundId: number) =>
  env.deps.ds.getRepository(LedgerEntry).findBy({ sourceType: "refund", sourceId: refundId });
const reverseJobs = async (refundId: number) =>
  (await outboxRows(env.deps.ds, "invoices.reverse")).filter((r) => r.data.refundId === refundId);
const retryJobs = async (refundId: number) =>
  (await outboxRows(env.deps.ds, "payments.refund_retry")).filter((r) => r.data.refundId === refundId);
const money = (b: Bill) => ({ paidFen: b.paidFen, lateFeePaidFen: b.lateFeePaidFen, status: b.status });
const PAID = (b: Bill) => ({ paidFen: b.amountFen, lateFeePaidFen: b.lateFeeAccruedFen, status: "paid" });

describe("createRefund", () => {
  it("refunds part of a payment: the vendor is asked once, the newest bill reopens, ledger and red invoice follow", async () => {
    const { oldBill, newBill, order: o } = await paidWechatOrder();

    // at most what was paid: 458 948
    await expect(refund(o.id, OWED + 1)).rejects.toMatchObject({
      code: "REFUND_TOO_LARGE",
      details: { refundableFen: 458_948 },
    });
    expect(wechat.refunds).toEqual([]);

    const r = await refund(o.id, 100_000);

    expect(r).toMatchObject({ status: "succeeded", amountFen: 100_000, fromUnappliedFen: 0, finishedAt: now });
    expect(wechat.refunds).toEqual([
      {
        outTradeNo: o.outTradeNo,
        outRefundNo: r.outRefundNo,
        refundFen: 100_000,
        totalFen: 458_948,
        reason: REASON,
        notifyUrl: `${env.deps.config.publicUrl}/api/v1/notify/wechat`,
      },
    ]);
    expect(r.vendorRefundId).toBe(`fake-${r.outRefundNo}`);
    // 100 000 from the newest bill (2026-2027): its principal first, 100 000 of 216 000
    expect(r.reversals).toEqual([{ billId: newBill.id, principalFen: 100_000, lateFeeFen: 0 }]);
    const reopened = await bill(newBill.id);
    expect(money(reopened)).toEqual({ paidFen: 116_000, lateFeePaidFen: 3_348, status: "partial" });
    // late fee on the reopened 100 000 runs from the refund's date, not from the payment's
    expect(reopened.lateFeeAccruedUntil).toBe("2026-11-20");
    expect(money(await bill(oldBill.id))).toEqual(PAID(await bill(oldBill.id)));
    expect((await order(o.id)).refundedFen).toBe(100_000);
    expect((await refundLedger(r.id)).map((e) => [e.amountFen, e.businessDate, e.channel])).toEqual([
      [-100_000, "2026-11-20", "wechat"],
    ]);
    const red = await reverseJobs(r.id);
    expect(red).toHaveLength(1);
    expect(red[0]).toMatchObject({ status: "pending", dedupeKey: `invoice:refund:${r.id}` });
    expect(
      await env.deps.ds.getRepository(AuditLog).countBy({ action: "payment.refund", targetId: String(o.id) }),
    ).toBe(1);
  });

  it("reopens the newest season first even when its bill was created before the older one's", async () => {
    // arrears imported after this season's bills: the 2025-2026 bill has the higher id
    const { oldBill, newBill, order: o } = await paidWechatOrder(true);
    expect(oldBill.id).toBeGreaterThan(newBill.id);
    const r = await refund(o.id, 100_000);
    // 100 000 of the 2026-2027 principal (216 000), as in the test above; the 2025-2026 bill stays paid
    expect(r.reversals).toEqual([{ billId: newBill.id, principalFen: 100_000, lateFeeFen: 0 }]);
    expect(money(await bill(oldBill.id))).toEqual(PAID(await bill(oldBill.id)));
  });

  it("refuses a second refund beyond what is left; the rest reopens newest bill first, principal before late fee", async () => {
    const { oldBill, newBill, order: o } = await paidWechatOrder();
    await refund(o.id, 100_000);

    // left: 458 948 − 100 000 = 358 948
    await expect(refund(o.id, 358_949)).rejects.toMatchObject({
      code: "REFUND_TOO_LARGE",
      details: { refundableFen: 358_948 },
    });
    expect(wechat.refunds).toHaveLength(1);

    const rest = await refund(o.id, 358_948);
    // 2026-2027: principal still paid 216 000 − 100 000 = 116 000, then its late fee 3 348  → 119 348
    // 2025-2026: 358 948 − 119 348 = 239 600 = principal 200 000 + late fee 39 600
    expect(rest.reversals).toEqual([
      { billId: newBill.id, principalFen: 116_000, lateFeeFen: 3_348 },
      { billId: oldBill.id, principalFen: 200_000, lateFeeFen: 39_600 },
    ]);
    // nothing of either bill is paid any more; the late fees accrued before are owed again
    expect(money(await bill(newBill.id))).toEqual({ paidFen: 0, lateFeePaidFen: 0, status: "unpaid" });
    expect(money(await bill(oldBill.id))).toEqual({ paidFen: 0, lateFeePaidFen: 0, status: "unpaid" });
    expect((await order(o.id)).refundedFen).toBe(458_948);
    await expect(refund(o.id, 1)).rejects.toMatchObject({ code: "REFUND_TOO_LARGE", details: { refundableFen: 0 } });
  });

  it("refuses to refund an order that was never paid, or one that does not exist", async () => {
    const { account, oldBill } = await paidWechatOrder();
    const unpaid = await addOrder(env.deps.ds, { accountId: account.id, billIds: [oldBill.id], amountFen: 1_000 });
    await expect(refund(unpaid.id, 1_000)).rejects.toMatchObject({ code: "REFUND_NOT_ALLOWED" });
    await expect(refund(999_999, 1_000)).rejects.toMatchObject({ code: "PAYMENT_NOT_FOUND" });
    expect(wechat.refunds).toEqual([]);
  });

  it("a refund the vendor refuses releases the reserved amount and changes no bill", async () => {
    const { oldBill, newBill, order: o } = await paidWechatOrder();

    wechat.answer("FAILED");
    const failed = await refund(o.id, 100_000);
    expect(failed.status).toBe("failed");

    wechat.answer(new PaymentVendorError("wechat", "NOT_ENOUGH", "基本账户余额不足"));
    await expect(refund(o.id, 100_000)).rejects.toMatchObject({
      code: "PAYMENT_VENDOR_ERROR",
      details: { vendorCode: "NOT_ENOUGH" },
    });

    const rows = await env.deps.ds
      .getRepository(Refund)
      .find({ where: { paymentOrderId: o.id }, order: { id: "ASC" } });
    expect(rows.map((r) => r.status)).toEqual(["failed", "failed"]);
    expect((await order(o.id)).refundedFen).toBe(0);
    expect(money(await bill(oldBill.id))).toEqual(PAID(await bill(oldBill.id)));
    expect(money(await bill(newBill.id))).toEqual(PAID(await bill(newBill.id)));
    for (const r of rows) {
      expect(await refundLedger(r.id)).toEqual([]);
      expect(await reverseJobs(r.id)).toEqual([]);
    }
    // the whole payment is refundable again
    expect((await refund(o.id, OWED)).status).toBe("succeeded");
  });

  it("money never applied to a bill goes back first and clears the flag; the rest reopens the newest bill", async () => {
    const { account, bills } = await accountWithBills(env.deps.ds, env.county, [
      { season: s2025, amountFen: 200_000 },
      { season: s2026, amountFen: 216_000 },
    ]);
    const [oldBill, newBill] = bills as [Bill, Bill];
    const billIds = [oldBill.id, newBill.id];
    const partial = await addOrder(env.deps.ds, { accountId: account.id, billIds, amountFen: 50_000 });
    const full = await addOrder(env.deps.ds, { accountId: account.id, billIds, amountFen: OWED });
    const pay = (o: PaymentOrder) =>
      env.deps.ds.transaction((m) =>
        settleVendorPayment(m, o.outTradeNo, {
          vendor: "wechat",
          transactionId: `42001${o.id}`,
          amountFen: o.amountFen,
          paidAt: PAID_AT,
        }),
      );
    await pay(partial);
    // 50 000 paid the old bill's late fee 39 600 and 10 400 of its principal; the full order then applied
    // old principal 189 600 + new 216 000 + 3 348 = 408 948 and kept 458 948 − 408 948 = 50 000 unapplied
    expect((await pay(full)).outcome).toBe("flagged");

    const r = await refund(full.id, 60_000);

    // 50 000 of unapplied money, then 10 000 of the newest bill's principal
    expect(r).toMatchObject({ status: "succeeded", fromUnappliedFen: 50_000 });
    expect(r.reversals).toEqual([{ billId: newBill.id, principalFen: 10_000, lateFeeFen: 0 }]);
    expect(await order(full.id)).toMatchObject({
      unappliedFen: 0,
      flagged: false,
      flagReason: null,
      refundedFen: 60_000,
    });
    expect(money(await bill(newBill.id))).toEqual({ paidFen: 206_000, lateFeePaidFen: 3_348, status: "partial" });
    expect((await refundLedger(r.id)).map((e) => e.amountFen)).toEqual([-60_000]);
    expect(await reverseJobs(r.id)).toHaveLength(1);
  });

  it("cash is handed back at the desk: no vendor is asked and the refund completes at once", async () => {
    const { account, bills } = await accountWithBills(env.deps.ds, env.county, [
      { season: s2025, amountFen: 200_000 },
      { season: s2026, amountFen: 216_000 },
    ]);
    const [oldBill, newBill] = bills as [Bill, Bill];
    vi.setSystemTime(PAID_AT);
    const cash = await recordOfflinePayment(env.deps, staffContext(env.county.staff.id, ["cashier"]), {
      accountId: account.id,
      method: "cash",
      amountFen: 300_000,
      receiptNo: "C-1",
    });
    // 300 000 paid: 2025-2026 late fee 39 600 + principal 200 000; 2026-2027 late fee 3 348 + principal 57 052
    vi.setSystemTime(now);

    const r = await refund(cash.id, 70_000);

    // newest bill first: its principal 57 052, then its late fee 3 348 (60 400); then 9 600 of the old principal
    expect(r).toMatchObject({ status: "succeeded", vendorRefundId: null });
    expect(r.reversals).toEqual([
      { billId: newBill.id, principalFen: 57_052, lateFeeFen: 3_348 },
      { billId: oldBill.id, principalFen: 9_600, lateFeeFen: 0 },
    ]);
    expect(wechat.refunds).toEqual([]);
    expect(money(await bill(newBill.id))).toEqual({ paidFen: 0, lateFeePaidFen: 0, status: "unpaid" });
    expect(money(await bill(oldBill.id))).toEqual({ paidFen: 190_400, lateFeePaidFen: 39_600, status: "partial" });
    expect((await refundLedger(r.id)).map((e) => [e.channel, e.amountFen])).toEqual([["cash", -70_000]]);
  });
});

describe("refunds the vendor has not finished", () => {
  it("a refund still PROCESSING keeps its amount reserved; its completion applies once, however often it is told", async () => {
    const { oldBill, newBill, order: o } = await paidWechatOrder();

    wechat.answer("PROCESSING");
    const r = await refund(o.id, 100_000);

    expect(r.status).toBe("processing");
    expect((await order(o.id)).refundedFen).toBe(100_000);
    expect(money(await bill(newBill.id))).toEqual(PAID(await bill(newBill.id)));
    expect(await refundLedger(r.id)).toEqual([]);
    // the vendor is asked again in a minute, should its notification be lost
    const check = await retryJobs(r.id);
    expect(check).toHaveLength(1);
    expect(check[0]).toMatchObject({ dedupeKey: `refund_check:${r.id}` });
    expect(check[0]?.availableAt.getTime()).toBe(now.getTime() + 60_000);
    // meanwhile the reserved amount cannot be refunded again: 458 948 − 100 000 = 358 948 left
    await expect(refund(o.id, 358_949)).rejects.toMatchObject({ details: { refundableFen: 358_948 } });

    // WeChat Pay's notification, twice
    const first = await completeRefund(env.deps.ds, r.outRefundNo, "50300000001", "wechat");
    const again = await completeRefund(env.deps.ds, r.outRefundNo, "50300000001", "wechat");
    expect([first.status, again.status]).toEqual(["succeeded", "succeeded"]);
    expect(first.reversals).toEqual([{ billId: newBill.id, principalFen: 100_000, lateFeeFen: 0 }]);
    // a late "closed" from the vendor, and the minute's check: neither undoes it nor asks the vendor
    expect((await failRefund(env.deps.ds, r.outRefundNo, "wechat")).status).toBe("succeeded");
    await refundRetryJob(() => deps).handle({ refundId: r.id }, { ds: env.deps.ds, outboxId: 0, attempt: 1 });

    expect(wechat.refunds).toHaveLength(1);
    expect(await refundRow(r.id)).toMatchObject({ status: "succeeded", vendorRefundId: "50300000001" });
    expect((await order(o.id)).refundedFen).toBe(100_000);
    expect(money(await bill(newBill.id))).toEqual({ paidFen: 116_000, lateFeePaidFen: 3_348, status: "partial" });
    expect(money(await bill(oldBill.id))).toEqual(PAID(await bill(oldBill.id)));
    expect(await refundLedger(r.id)).toHaveLength(1);
    expect(await reverseJobs(r.id)).toHaveLength(1);
  });

  it("a PROCESSING refund the vendor then closes releases the reserved amount", async () => {
    const { order: o } = await paidWechatOrder();
    wechat.answer("PROCESSING");
    const r = await refund(o.id, 100_000);

    expect((await failRefund(env.deps.ds, r.outRefundNo, "wechat")).status).toBe("failed");
    expect((await failRefund(env.deps.ds, r.outRefundNo, "wechat")).status).toBe("failed");
    expect((await order(o.id)).refundedFen).toBe(0);
    // a "success" arriving after the failure changes nothing either
    expect((await completeRefund(env.deps.ds, r.outRefundNo, "50300000002", "wechat")).status).toBe("failed");
    expect(await refundLedger(r.id)).toEqual([]);
  });

  it("an unanswered request stays reserved and is sent again with the same refund number until answered", async () => {
    const { order: o } = await paidWechatOrder();

    wechat.answer(new PaymentVendorError("wechat", "TIMEOUT", "no answer within 10 s"));
    const r = await refund(o.id, 20_000);

    // not failed on a guess: the vendor may have refunded
    expect(r.status).toBe("processing");
    expect((await order(o.id)).refundedFen).toBe(20_000);
    const retry = await retryJobs(r.id);
    expect(retry).toHaveLength(1);
    expect(retry[0]?.availableAt.getTime()).toBe(now.getTime() + 5_000);

    const job = refundRetryJob(() => deps);
    const ctx = (attempt: number) => ({ ds: env.deps.ds, outboxId: retry[0]?.id ?? 0, attempt });
    // still no answer on the next attempt: the job fails so the outbox tries again later
    wechat.answer(new PaymentVendorError("wechat", "HTTP_502", "bad gateway"));
    await expect(job.handle({ refundId: r.id }, ctx(1))).rejects.toThrow();
    expect((await refundRow(r.id)).status).toBe("processing");
    // then the vendor answers: the refund it already made under that number
    await job.handle({ refundId: r.id }, ctx(2));
    expect((await refundRow(r.id)).status).toBe("succeeded");
    await job.handle({ refundId: r.id }, ctx(3));

    expect(wechat.refunds.map((x) => [x.outRefundNo, x.refundFen])).toEqual([
      [r.outRefundNo, 20_000],
      [r.outRefundNo, 20_000],
      [r.outRefundNo, 20_000],
    ]);
    expect((await refundLedger(r.id)).map((e) => e.amountFen)).toEqual([-20_000]);
    expect((await order(o.id)).refundedFen).toBe(20_000);
  });

  it("a refusal on a follow-up fails the refund and releases the amount", async () => {
    const { order: o } = await paidWechatOrder();
    wechat.answer(new PaymentVendorError("wechat", "TIMEOUT", "no answer"));
    const r = await refund(o.id, 20_000);

    wechat.answer(new PaymentVendorError("wechat", "INVALID_REQUEST", "退款金额超过订单可退金额"));
    await refundRetryJob(() => deps).handle({ refundId: r.id }, { ds: env.deps.ds, outboxId: 0, attempt: 1 });

    expect((await refundRow(r.id)).status).toBe("failed");
    expect((await order(o.id)).refundedFen).toBe(0);
  });

  it("still unconfirmed after the last follow-up: stays reserved, and the supervisors are alerted once", async () => {
    const { order: o } = await paidWechatOrder();
    const unknown = () => new PaymentVendorError("wechat", "RESPONSE_UNVERIFIED", "signature check failed");
    wechat.answer(unknown(), unknown(), unknown());
    const r = await refund(o.id, 2_000);

    const job = refundRetryJob(() => deps);
    const last = { ds: env.deps.ds, outboxId: 0, attempt: REFUND_FOLLOW_UP_ATTEMPTS };
    await job.handle({ refundId: r.id }, last);
    await job.handle({ refundId: r.id }, last);

    expect(wechat.refunds).toHaveLength(3);
    expect((await refundRow(r.id)).status).toBe("processing");
    expect((await order(o.id)).refundedFen).toBe(2_000);
    const alerts = await env.deps.ds.getRepository(StaffAlert).findBy({ dedupeKey: `refund_unconfirmed:${r.id}` });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: "refund_unconfirmed", subjectType: "payment_order", subjectId: o.id });
    expect(alerts[0]?.title).toContain(r.outRefundNo);
  });
});

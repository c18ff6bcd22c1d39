/**
 * Settlement below the API: settleVendorPayment (applyToBills, writeLedger) and the cashier desk's
 * recordOfflinePayment (openBills, chooseBills) on the embedded SQLite. Every expected amount is worked out
 * by hand in the comments, from two seasons' bills of one account:
 *
 *   2025-2026  bill 200 000 fen (2 000.00 元), due 2025-10-14, late fee 万分之五 (5 bp) a day, cap = the bill
 *   2026-2027  bill 216 000 fen (2 160.00 元), due 2026-10-14, same late fee
 *
 * paid at 2026-11-13T16:30:00Z = 2026-11-14 00:30 in Asia/Shanghai, so the business date is 2026-11-14:
 *   old bill: 2025-10-14 → 2026-11-14 = 365 + 31 = 396 days × (200 000 × 5 / 10 000 = 100 a day) = 39 600
 *   new bill: 2026-10-14 → 2026-11-14 = 31 days × (216 000 × 5 / 10 000 = 108 a day)            =  3 348
 *   owed:     200 000 + 39 600 + 216 000 + 3 348                                                   = 458 948
 * (Were the UTC date 2026-11-13 used, the late fees would be 39 500 and 3 240.)
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { OutboxJob } from "../../jobs/entities";
import { accountWithBills, addOrder, outboxRows, paymentSeasons, staffContext } from "../../testing/paymentsFixture";
import { type SqliteDeps, sqliteDeps } from "../../testing/sqliteDeps";
import { AuditLog } from "../audit";
import { Bill, type HeatingSeason } from "../billing";
import { LedgerEntry, PaymentAllocation, PaymentOrder } from "./entities";
import { chooseBills, openBills, recordOfflinePayment } from "./paymentService";
import { settleVendorPayment, type VendorPayment } from "./settlement";

let env: SqliteDeps;
let s2025: HeatingSeason;
let s2026: HeatingSeason;

const PAID_AT = new Date("2026-11-13T16:30:00Z"); // 2026-11-14 00:30 Asia/Shanghai
const OLD_LATE_FEE = 39_600;
const NEW_LATE_FEE = 3_348;
const OWED = 458_948;

beforeAll(async () => {
  env = await sqliteDeps();
  ({ s2025, s2026 } = await paymentSeasons(env.deps.ds));
});
afterAll(async () => env?.close());

/**
 * A fresh account owing both seasons. The newer season's bill is inserted first (lower id), so "oldest
 * first" can only come from the seasons, not from the ids.
 */
async function twoSeasons() {
  const { account, bills } = await accountWithBills(env.deps.ds, env.county, [
    { season: s2026, amountFen: 216_000 },
    { season: s2025, amountFen: 200_000 },
  ]);
  const [newBill, oldBill] = bills as [Bill, Bill];
  expect(newBill.id).toBeLessThan(oldBill.id);
  return { account, oldBill, newBill, billIds: [oldBill.id, newBill.id] };
}

/** a WeChat Pay payment (the orders of these tests are WeChat orders) */
const wechat = (paid: Omit<VendorPayment, "vendor">): VendorPayment => ({ vendor: "wechat", ...paid });
const settle = (outTradeNo: string, paid: Omit<VendorPayment, "vendor">) =>
  env.deps.ds.transaction((m) => settleVendorPayment(m, outTradeNo, wechat(paid)));

const bill = (id: number) => env.deps.ds.getRepository(Bill).findOneByOrFail({ id });
const order = (id: number) => env.deps.ds.getRepository(PaymentOrder).findOneByOrFail({ id });
const allocations = (paymentOrderId: number) =>
  env.deps.ds
    .getRepository(PaymentAllocation)
    .find({ where: { paymentOrderId }, order: { id: "ASC" } })
    .then((rows) => rows.map(({ billId, principalFen, lateFeeFen }) => ({ billId, principalFen, lateFeeFen })));
const ledger = (paymentOrderId: number) =>
  env.deps.ds.getRepository(LedgerEntry).findBy({ sourceType: "payment", sourceId: paymentOrderId });
const invoiceJobs = async (paymentOrderId: number) =>
  (await outboxRows(env.deps.ds, "invoices.issue")).filter((r) => r.data.paymentOrderId === paymentOrderId);

/** the money fields of a bill */
const money = (b: Bill) => ({
  paidFen: b.paidFen,
  lateFeePaidFen: b.lateFeePaidFen,
  lateFeeAccruedFen: b.lateFeeAccruedFen,
  lateFeeAccruedUntil: b.lateFeeAccruedUntil,
  status: b.status,
});
const UNTOUCHED = { paidFen: 0, lateFeePaidFen: 0, lateFeeAccruedFen: 0, lateFeeAccruedUntil: null, status: "unpaid" };

describe("settleVendorPayment", () => {
  it("a full payment of two seasons pays the old season first, each bill's late fee before its principal", async () => {
    const { account, oldBill, newBill, billIds } = await twoSeasons();
    const o = await addOrder(env.deps.ds, { accountId: account.id, billIds, amountFen: OWED });

    const res = await settle(o.outTradeNo, { transactionId: "4200000001", amountFen: OWED, paidAt: PAID_AT });

    expect(res.outcome).toBe("settled");
    expect(await order(o.id)).toMatchObject({
      status: "paid",
      transactionId: "4200000001",
      paidAt: PAID_AT,
      flagged: false,
      unappliedFen: 0,
    });
    // allocation rows in the order they were applied: the 2025-2026 bill (higher id) first
    expect(await allocations(o.id)).toEqual([
      { billId: oldBill.id, principalFen: 200_000, lateFeeFen: OLD_LATE_FEE },
      { billId: newBill.id, principalFen: 216_000, lateFeeFen: NEW_LATE_FEE },
    ]);
    // late fees are accrued up to the Shanghai business date of the payment and paid in full
    expect(money(await bill(oldBill.id))).toEqual({
      paidFen: 200_000,
      lateFeePaidFen: 39_600,
      lateFeeAccruedFen: 39_600,
      lateFeeAccruedUntil: "2026-11-14",
      status: "paid",
    });
    expect(money(await bill(newBill.id))).toEqual({
      paidFen: 216_000,
      lateFeePaidFen: 3_348,
      lateFeeAccruedFen: 3_348,
      lateFeeAccruedUntil: "2026-11-14",
      status: "paid",
    });
    const entries = await ledger(o.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      accountId: account.id,
      channel: "wechat",
      amountFen: 458_948,
      businessDate: "2026-11-14",
    });
    expect(await openBills(env.deps.ds, account.id, "2026-11-14")).toEqual([]);
  });

  it("a partial payment goes to the oldest bill's late fee first; a later one restarts on the smaller principal", async () => {
    const { account, oldBill, newBill, billIds } = await twoSeasons();
    // 50 000 fen: the old bill's late fee 39 600, then 50 000 − 39 600 = 10 400 of its principal; nothing left
    const first = await addOrder(env.deps.ds, { accountId: account.id, billIds, amountFen: 50_000 });
    expect(
      (await settle(first.outTradeNo, { transactionId: "4200000101", amountFen: 50_000, paidAt: PAID_AT })).outcome,
    ).toBe("settled");
    expect(await allocations(first.id)).toEqual([{ billId: oldBill.id, principalFen: 10_400, lateFeeFen: 39_600 }]);
    expect(money(await bill(oldBill.id))).toEqual({
      paidFen: 10_400,
      lateFeePaidFen: 39_600,
      lateFeeAccruedFen: 39_600,
      lateFeeAccruedUntil: "2026-11-14",
      status: "partial",
    });
    expect(money(await bill(newBill.id))).toEqual(UNTOUCHED);

    // ten days later (2026-11-24 in Shanghai): principal owed 200 000 − 10 400 = 189 600,
    // late fee 10 days × 189 600 × 5 / 10 000 = 10 × 94.8 = 948; 100 000 pays 948, then 99 052 of principal
    const second = await addOrder(env.deps.ds, { accountId: account.id, billIds, amountFen: 100_000 });
    const res = await settle(second.outTradeNo, {
      transactionId: "4200000102",
      amountFen: 100_000,
      paidAt: new Date("2026-11-24T02:00:00Z"),
    });
    expect(res.outcome).toBe("settled");
    expect(await allocations(second.id)).toEqual([{ billId: oldBill.id, principalFen: 99_052, lateFeeFen: 948 }]);
    expect(money(await bill(oldBill.id))).toEqual({
      paidFen: 109_452, // 10 400 + 99 052
      lateFeePaidFen: 40_548, // 39 600 + 948
      lateFeeAccruedFen: 40_548,
      lateFeeAccruedUntil: "2026-11-24",
      status: "partial",
    });
    expect(money(await bill(newBill.id))).toEqual(UNTOUCHED);
  });

  it("a wrong amount changes nothing", async () => {
    const { account, oldBill, newBill, billIds } = await twoSeasons();
    const o = await addOrder(env.deps.ds, { accountId: account.id, billIds, amountFen: OWED });

    const res = await settle(o.outTradeNo, { transactionId: "4200000201", amountFen: OWED - 1, paidAt: PAID_AT });

    expect(res.outcome).toBe("amount_mismatch");
    expect(await order(o.id)).toMatchObject({ status: "created", transactionId: null, paidAt: null, flagged: false });
    expect(await allocations(o.id)).toEqual([]);
    expect(await ledger(o.id)).toEqual([]);
    expect(await invoiceJobs(o.id)).toEqual([]);
    expect(money(await bill(oldBill.id))).toEqual(UNTOUCHED);
    expect(money(await bill(newBill.id))).toEqual(UNTOUCHED);
  });

  it("money for an order we do not know is answered as such and writes nothing", async () => {
    const ledgerRows = await env.deps.ds.getRepository(LedgerEntry).count();
    const jobs = await env.deps.ds.getRepository(OutboxJob).count();

    const res = await settle("WL20261114003000NOSUCHORDER", {
      transactionId: "4200000301",
      amountFen: 100,
      paidAt: PAID_AT,
    });

    expect(res).toEqual({ outcome: "unknown_order", order: null });
    expect(await env.deps.ds.getRepository(LedgerEntry).count()).toBe(ledgerRows);
    expect(await env.deps.ds.getRepository(OutboxJob).count()).toBe(jobs);
  });

  it("a replayed notification answers replay and changes nothing; another transaction for a paid order is a conflict", async () => {
    const { account, oldBill, newBill, billIds } = await twoSeasons();
    const o = await addOrder(env.deps.ds, { accountId: account.id, billIds, amountFen: OWED });
    const paid = { transactionId: "4200000401", amountFen: OWED, paidAt: PAID_AT };
    expect((await settle(o.outTradeNo, paid)).outcome).toBe("settled");
    const billsAfter = [money(await bill(oldBill.id)), money(await bill(newBill.id))];
    const allocationsAfter = await allocations(o.id);
    expect(allocationsAfter).toHaveLength(2);

    // the same notification again (vendors repeat until answered), even a day later
    const replay = await settle(o.outTradeNo, { ...paid, paidAt: new Date("2026-11-15T08:00:00Z") });
    expect(replay.outcome).toBe("replay");
    // a different transaction for the same, already paid order
    const other = await settle(o.outTradeNo, { ...paid, transactionId: "4200000402" });
    expect(other.outcome).toBe("conflict");

    expect(await ledger(o.id)).toHaveLength(1);
    expect(await allocations(o.id)).toEqual(allocationsAfter);
    expect([money(await bill(oldBill.id)), money(await bill(newBill.id))]).toEqual(billsAfter);
    expect(await invoiceJobs(o.id)).toHaveLength(1);
    expect(await order(o.id)).toMatchObject({ transactionId: "4200000401", paidAt: PAID_AT });
  });

  it("money beyond what the bills still owe is kept on the order and flagged", async () => {
    const { account, oldBill, newBill, billIds } = await twoSeasons();
    // two orders for everything owed were opened; the first, a partial one of 50 000, arrives first
    const partial = await addOrder(env.deps.ds, { accountId: account.id, billIds, amountFen: 50_000 });
    const full = await addOrder(env.deps.ds, { accountId: account.id, billIds, amountFen: OWED });
    await settle(partial.outTradeNo, { transactionId: "4200000501", amountFen: 50_000, paidAt: PAID_AT });

    // the second brings 458 948 where 458 948 − 50 000 = 408 948 is still owed:
    //   old bill: late fee 0 (paid), principal 200 000 − 10 400 = 189 600; new bill: 3 348 + 216 000
    //   left over 458 948 − 189 600 − 219 348 = 50 000
    const res = await settle(full.outTradeNo, { transactionId: "4200000502", amountFen: OWED, paidAt: PAID_AT });

    expect(res.outcome).toBe("flagged");
    expect(await order(full.id)).toMatchObject({ status: "paid", flagged: true, unappliedFen: 50_000 });
    expect((await order(full.id)).flagReason).toContain("余款待处理");
    expect(await allocations(full.id)).toEqual([
      { billId: oldBill.id, principalFen: 189_600, lateFeeFen: 0 },
      { billId: newBill.id, principalFen: 216_000, lateFeeFen: 3_348 },
    ]);
    expect((await bill(oldBill.id)).status).toBe("paid");
    expect((await bill(newBill.id)).status).toBe("paid");
    // the whole amount is in the ledger (the money is ours to refund or apply), but no invoice yet
    expect((await ledger(full.id)).map((e) => e.amountFen)).toEqual([458_948]);
    expect(await invoiceJobs(full.id)).toEqual([]);
    expect(await invoiceJobs(partial.id)).toHaveLength(1);
  });

  it("money for a closed order is kept and flagged, and applies nothing", async () => {
    const { account, oldBill, newBill, billIds } = await twoSeasons();
    const o = await addOrder(env.deps.ds, { accountId: account.id, billIds, amountFen: OWED, status: "closed" });

    const res = await settle(o.outTradeNo, { transactionId: "4200000601", amountFen: OWED, paidAt: PAID_AT });

    expect(res.outcome).toBe("flagged");
    expect(await order(o.id)).toMatchObject({
      status: "paid",
      transactionId: "4200000601",
      flagged: true,
      flagReason: "订单关闭后到账，款项待处理（退款或冲抵）",
      unappliedFen: 458_948,
    });
    expect(await allocations(o.id)).toEqual([]);
    expect(money(await bill(oldBill.id))).toEqual(UNTOUCHED);
    expect(money(await bill(newBill.id))).toEqual(UNTOUCHED);
    expect((await ledger(o.id)).map((e) => [e.amountFen, e.businessDate])).toEqual([[458_948, "2026-11-14"]]);
    expect(await invoiceJobs(o.id)).toEqual([]);
  });

  it("writes its invoice job in the settling transaction: none when it rolls back, exactly one when it commits", async () => {
    const { account, oldBill, billIds } = await twoSeasons();
    const o = await addOrder(env.deps.ds, { accountId: account.id, billIds, amountFen: OWED });
    const paid = { transactionId: "4200000701", amountFen: OWED, paidAt: PAID_AT };

    // something later in the same transaction fails: the settlement and its job go together
    await expect(
      env.deps.ds.transaction(async (m) => {
        expect((await settleVendorPayment(m, o.outTradeNo, wechat(paid))).outcome).toBe("settled");
        throw new Error("later step failed");
      }),
    ).rejects.toThrow("later step failed");
    expect(await order(o.id)).toMatchObject({ status: "created", transactionId: null });
    expect(await ledger(o.id)).toEqual([]);
    expect(await allocations(o.id)).toEqual([]);
    expect(await invoiceJobs(o.id)).toEqual([]);
    expect(money(await bill(oldBill.id))).toEqual(UNTOUCHED);

    expect((await settle(o.outTradeNo, paid)).outcome).toBe("settled");
    const jobs = await invoiceJobs(o.id);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ status: "pending", dedupeKey: `invoice:pay:${o.id}` });
    expect(jobs[0]?.data).toEqual({ paymentOrderId: o.id });
    expect(await ledger(o.id)).toHaveLength(1);
  });
});

describe("open bills of an account", () => {
  it("are listed oldest season first with what each owes on the given Shanghai date", async () => {
    const { account, oldBill, newBill } = await twoSeasons();
    const open = await openBills(env.deps.ds, account.id, "2026-11-14");
    // 200 000 + 39 600 = 239 600; 216 000 + 3 348 = 219 348
    expect(open.map((o) => [o.bill.id, o.seasonCode, o.owedFen])).toEqual([
      [oldBill.id, "2025-2026", 239_600],
      [newBill.id, "2026-2027", 219_348],
    ]);
    // on the new bill's due date it owes no late fee yet; the old one 365 days × 100 = 36 500
    const onDue = await openBills(env.deps.ds, account.id, "2026-10-14");
    expect(onDue.map((o) => o.owedFen)).toEqual([236_500, 216_000]);
  });

  it("are chosen as a prefix of the oldest: skipping arrears or naming a bill that is not open is refused", async () => {
    const { account, oldBill, newBill } = await twoSeasons();
    const open = await openBills(env.deps.ds, account.id, "2026-11-14");
    expect(chooseBills(open).totalFen).toBe(458_948);
    const onlyOld = chooseBills(open, [oldBill.id]);
    expect([onlyOld.chosen.map((o) => o.bill.id), onlyOld.totalFen]).toEqual([[oldBill.id], 239_600]);
    expect(chooseBills(open, [newBill.id, oldBill.id]).totalFen).toBe(458_948);
    expect(() => chooseBills(open, [newBill.id])).toThrow(expect.objectContaining({ code: "ARREARS_FIRST" }));
    expect(() => chooseBills(open, [oldBill.id, 999_999])).toThrow(expect.objectContaining({ code: "NOTHING_TO_PAY" }));
    expect(() => chooseBills([])).toThrow(expect.objectContaining({ code: "NOTHING_TO_PAY" }));
  });
});

describe("recordOfflinePayment (cashier desk)", () => {
  const cashier = () => staffContext(env.county.staff.id, ["cashier"]);
  const ordersOf = (accountId: number) => env.deps.ds.getRepository(PaymentOrder).countBy({ accountId });

  beforeEach(() => {
    // the desk settles "now": 2026-11-14 00:30 in Shanghai
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(PAID_AT);
  });
  afterEach(() => vi.useRealTimers());

  it("settles cash at once through the same allocation, with its ledger row, invoice job and audit row", async () => {
    const { account, oldBill, newBill } = await twoSeasons();

    const o = await recordOfflinePayment(env.deps, cashier(), {
      accountId: account.id,
      method: "cash",
      amountFen: 300_000,
      receiptNo: "YH-2026-000123",
    });

    // 300 000: old bill 39 600 + 200 000 = 239 600; left 60 400 → new bill's late fee 3 348, then 57 052
    expect(await allocations(o.id)).toEqual([
      { billId: oldBill.id, principalFen: 200_000, lateFeeFen: 39_600 },
      { billId: newBill.id, principalFen: 57_052, lateFeeFen: 3_348 },
    ]);
    expect(await order(o.id)).toMatchObject({
      status: "paid",
      channel: "cash",
      staffUserId: env.county.staff.id,
      receiptNo: "YH-2026-000123",
      billIds: [oldBill.id, newBill.id],
      flagged: false,
      unappliedFen: 0,
    });
    expect((await bill(oldBill.id)).status).toBe("paid");
    expect(money(await bill(newBill.id))).toEqual({
      paidFen: 57_052,
      lateFeePaidFen: 3_348,
      lateFeeAccruedFen: 3_348,
      lateFeeAccruedUntil: "2026-11-14",
      status: "partial",
    });
    expect((await ledger(o.id)).map((e) => [e.channel, e.amountFen, e.businessDate])).toEqual([
      ["cash", 300_000, "2026-11-14"],
    ]);
    expect(await invoiceJobs(o.id)).toHaveLength(1);
    expect(
      await env.deps.ds.getRepository(AuditLog).countBy({ action: "payment.offline", targetId: String(o.id) }),
    ).toBe(1);
  });

  it("refuses to skip arrears, to take more than is owed, 代缴 for a household that is not eligible, and grid workers' cash", async () => {
    const { account, newBill } = await twoSeasons();
    const input = { accountId: account.id, method: "cash" as const, amountFen: 1_000, receiptNo: "R-1" };

    await expect(recordOfflinePayment(env.deps, cashier(), { ...input, billIds: [newBill.id] })).rejects.toMatchObject({
      code: "ARREARS_FIRST",
    });
    // one fen more than the 458 948 owed
    await expect(recordOfflinePayment(env.deps, cashier(), { ...input, amountFen: 458_949 })).rejects.toMatchObject({
      code: "AMOUNT_EXCEEDS_OWED",
      details: { owedFen: 458_948 },
    });
    await expect(recordOfflinePayment(env.deps, cashier(), { ...input, method: "assisted" })).rejects.toMatchObject({
      code: "ASSISTED_NOT_ELIGIBLE",
    });
    const grid = staffContext(env.county.staff.id, ["grid_worker"]);
    await expect(recordOfflinePayment(env.deps, grid, input)).rejects.toMatchObject({ code: "FORBIDDEN" });
    // a grid worker who also answers the hotline still takes no cash: only a counter role does
    const gridAndHotline = staffContext(env.county.staff.id, ["grid_worker", "hotline_agent"]);
    await expect(recordOfflinePayment(env.deps, gridAndHotline, input)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(recordOfflinePayment(env.deps, cashier(), { ...input, accountId: 999_999 })).rejects.toMatchObject({
      code: "ACCOUNT_NOT_FOUND",
    });
    expect(await ordersOf(account.id)).toBe(0);
  });
});

import { type BizDate, daysBetween, maxDate } from "./dates";
import { roundHalfUp } from "./money";

/** Tariff of one account category in one season. */
export interface TariffRule {
  /** fen per m² for the whole season */
  unitPriceFen: number;
  /** 报停: share of the full fee a suspended account pays as base fee, in 1/10000 (3000 = 30 %) */
  suspensionShareBp: number;
}

/**
 * 应缴金额: heated area × unit price. Area is in hundredths of m², so the product is in hundredths of fen;
 * it is rounded half up to the fen once. A suspended (报停) account pays the base-fee share of that full
 * amount, again rounded half up to the fen.
 */
export function seasonAmountFen(areaHundredths: number, tariff: TariffRule, suspended: boolean): number {
  const full = roundHalfUp(areaHundredths * tariff.unitPriceFen, 100);
  return suspended ? roundHalfUp(full * tariff.suspensionShareBp, 10_000) : full;
}

/** 滞纳金 policy of a season. */
export interface LateFeePolicy {
  /** per day, in 1/10000 of the unpaid principal (5 = 万分之五 per day) */
  rateBpPerDay: number;
  /** the late fee of a bill never exceeds this share of its amount, in 1/10000 (10000 = the principal) */
  capBp: number;
}

/** The money state of one bill. */
export interface BillBalance {
  amountFen: number;
  paidFen: number;
  waivedFen: number;
  lateFeeAccruedFen: number;
  lateFeePaidFen: number;
  lateFeeWaivedFen: number;
  /** late fee has been accrued for every day up to this date; null = nothing accrued yet */
  lateFeeAccruedUntil: BizDate | null;
  dueDate: BizDate;
  /** an approved hardship plan waives late fees (免缴滞纳金) */
  lateFeeExempt: boolean;
}

export function principalOwed(b: BillBalance): number {
  return Math.max(0, b.amountFen - b.paidFen - b.waivedFen);
}

export function lateFeeOwed(b: BillBalance): number {
  return Math.max(0, b.lateFeeAccruedFen - b.lateFeePaidFen - b.lateFeeWaivedFen);
}

/**
 * Brings the late fee up to `asOf`: each day after the due date adds rate × the principal unpaid on that
 * day. Accrual is stepwise — it is recomputed at every payment (the amount owed is what it is then) and
 * restarts from that date on the smaller principal — and rounded half up to the fen at each step.
 */
export function accrueLateFee(b: BillBalance, asOf: BizDate, policy: LateFeePolicy): BillBalance {
  const from = maxDate(b.lateFeeAccruedUntil ?? b.dueDate, b.dueDate);
  const days = Math.max(0, daysBetween(from, asOf));
  if (days === 0 || b.lateFeeExempt) return { ...b, lateFeeAccruedUntil: maxDate(from, asOf) };
  const added = roundHalfUp(principalOwed(b) * policy.rateBpPerDay * days, 10_000);
  const cap = roundHalfUp(b.amountFen * policy.capBp, 10_000);
  return { ...b, lateFeeAccruedFen: Math.min(cap, b.lateFeeAccruedFen + added), lateFeeAccruedUntil: asOf };
}

/** What is owed on a bill at a date, late fee brought up to that date. */
export function owedAt(b: BillBalance, asOf: BizDate, policy: LateFeePolicy) {
  const now = accrueLateFee(b, asOf, policy);
  const principal = principalOwed(now);
  const lateFee = now.lateFeeExempt ? 0 : lateFeeOwed(now);
  return { principal, lateFee, total: principal + lateFee, balance: now };
}

/**
 * 账单更正: an issued bill's principal is replaced (the heated area was wrong, say). The balance must first be
 * brought up to the correction date (`owedAt`). The corrected amount may not fall below what is already paid or
 * waived of the principal (that needs a refund instead): null then. The late fee accrued so far was computed on
 * the old principal. When the principal owed falls, the still-unpaid late fee falls in the same proportion,
 * rounded down in the resident's favour, and never above the season's cap on the new amount. When it rises,
 * nothing accrues retroactively: the higher principal accrues from the correction date on.
 */
export function correctedBalance(b: BillBalance, newAmountFen: number, policy: LateFeePolicy): BillBalance | null {
  if (!Number.isSafeInteger(newAmountFen) || newAmountFen < 0) throw new Error("amount must be whole fen ≥ 0");
  const settled = b.paidFen + b.waivedFen;
  if (newAmountFen < settled) return null;
  const oldOwed = principalOwed(b);
  const newOwed = newAmountFen - settled;
  const lateUnpaid = lateFeeOwed(b);
  let lateKept = lateUnpaid;
  if (newOwed < oldOwed) lateKept = oldOwed === 0 ? 0 : Math.floor((lateUnpaid * newOwed) / oldOwed);
  const lateSettled = b.lateFeePaidFen + b.lateFeeWaivedFen;
  const cap = roundHalfUp(newAmountFen * policy.capBp, 10_000);
  lateKept = Math.min(lateKept, Math.max(0, cap - lateSettled));
  return { ...b, amountFen: newAmountFen, lateFeeAccruedFen: lateSettled + lateKept };
}

export interface AllocationLine {
  billId: number;
  principalFen: number;
  lateFeeFen: number;
}

/** How a partial payment is applied, said to the payer before the money is taken and on the receipt. */
export const ALLOCATION_RULE = "部分缴费时先抵扣滞纳金，再抵扣本金（往期账单优先）";

/**
 * Splits a payment over bills, oldest first (old arrears before the current season); each bill takes its
 * late fee first, then its principal. Returns the lines and what is left over (0 when the amount was the
 * exact total owed).
 */
export function allocateOldestFirst(
  bills: { id: number; seasonStart: BizDate; principal: number; lateFee: number }[],
  amountFen: number,
): { lines: AllocationLine[]; leftoverFen: number } {
  if (!Number.isSafeInteger(amountFen) || amountFen < 0) throw new Error("amount must be whole fen ≥ 0");
  const ordered = [...bills].sort((a, b) =>
    a.seasonStart === b.seasonStart ? a.id - b.id : a.seasonStart < b.seasonStart ? -1 : 1,
  );
  let left = amountFen;
  const lines: AllocationLine[] = [];
  for (const bill of ordered) {
    if (left === 0) break;
    const lateFeeFen = Math.min(left, bill.lateFee);
    left -= lateFeeFen;
    const principalFen = Math.min(left, bill.principal);
    left -= principalFen;
    if (lateFeeFen + principalFen > 0) lines.push({ billId: bill.id, principalFen, lateFeeFen });
  }
  return { lines, leftoverFen: left };
}

/** Applies an allocation line to a bill's balance (after accrual to the payment date). */
export function applyPayment(b: BillBalance, line: Pick<AllocationLine, "principalFen" | "lateFeeFen">): BillBalance {
  return { ...b, paidFen: b.paidFen + line.principalFen, lateFeePaidFen: b.lateFeePaidFen + line.lateFeeFen };
}

export const BILL_STATUSES = ["unpaid", "partial", "paid", "waived"] as const;
export type BillStatus = (typeof BILL_STATUSES)[number];
export const BILL_STATUS_LABELS: Record<BillStatus, string> = {
  unpaid: "未缴",
  partial: "部分缴纳",
  paid: "已缴清",
  waived: "已减免",
};

/** A bill exempt from late fees (免缴滞纳金) owes none, whatever had accrued before the exemption. */
export function billStatus(b: BillBalance): BillStatus {
  if (principalOwed(b) > 0 || (!b.lateFeeExempt && lateFeeOwed(b) > 0)) {
    return b.paidFen > 0 || b.waivedFen > 0 || b.lateFeePaidFen > 0 ? "partial" : "unpaid";
  }
  return b.paidFen === 0 && b.waivedFen > 0 ? "waived" : "paid";
}

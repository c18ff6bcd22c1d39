import { type BizDate, billStatus, owedAt } from "@warmline/shared";
import { type EntityManager, In } from "typeorm";
import { balanceOf, policyOf } from "./bills";
import { Bill, BillWaiver, type HeatingSeason } from "./entities";

/**
 * What the hardship module may change on bills, and nothing more: exempt covered bills from late fees
 * (waiving and recording what had accrued), move a deferred bill's due date, and restart late fees from a
 * date when a plan defaults. Callers audit; these run inside the caller's transaction and lock the rows.
 */

export interface ReliefLine {
  billId: number;
  /** late fee owed at `asOf` and waived now (0 when none) */
  lateFeeWaivedFen: number;
  principalOwedFen: number;
  /** paid + waived principal so far */
  settledFen: number;
  dueDate: BizDate;
}

async function lockBills(m: EntityManager, billIds: readonly number[]): Promise<Bill[]> {
  if (billIds.length === 0) return [];
  const qb = m
    .getRepository(Bill)
    .createQueryBuilder("b")
    .innerJoinAndSelect("b.season", "season")
    .where({ id: In([...billIds]) })
    .orderBy("b.id", "ASC");
  if (m.connection.options.type !== "better-sqlite3") qb.setLock("pessimistic_write");
  return qb.getMany();
}

/** Where covered bills stand at `asOf` (no change): principal owed and paid + waived principal, per bill. */
export async function coveredBillsState(m: EntityManager, billIds: readonly number[], asOf: BizDate) {
  const rows = await m
    .getRepository(Bill)
    .createQueryBuilder("b")
    .innerJoinAndSelect("b.season", "season")
    .where({ id: In([...billIds]) })
    .getMany();
  return rows.map((b) => {
    const owed = owedAt(balanceOf(b), asOf, policyOf(b.season as HeatingSeason));
    return {
      billId: b.id,
      accountId: b.accountId,
      principalOwedFen: owed.principal,
      lateFeeOwedFen: owed.lateFee,
      settledFen: b.paidFen + b.waivedFen,
      dueDate: b.dueDate,
    };
  });
}

/**
 * 免缴滞纳金 from `asOf`: each covered bill's late fee is brought up to `asOf`, what is owed is waived (a
 * BillWaiver row with the reason), and the bill is exempt until `resumeLateFeeFrom`; the reason becomes the
 * bill's `reliefReason` (shown with 已减免 even when nothing had accrued yet). A deferral also moves the due
 * date (`newDueDate(current)`).
 */
export async function startHardshipRelief(
  m: EntityManager,
  billIds: readonly number[],
  opts: { asOf: BizDate; staffUserId: number; reason: string; newDueDate?: (current: BizDate) => BizDate },
): Promise<ReliefLine[]> {
  const lines: ReliefLine[] = [];
  for (const bill of await lockBills(m, billIds)) {
    const owed = owedAt(balanceOf(bill), opts.asOf, policyOf(bill.season as HeatingSeason));
    const waive = owed.lateFee;
    const next = {
      ...owed.balance,
      lateFeeWaivedFen: owed.balance.lateFeeWaivedFen + waive,
      lateFeeExempt: true,
      dueDate: opts.newDueDate ? opts.newDueDate(bill.dueDate) : bill.dueDate,
    };
    await m.getRepository(Bill).update(
      { id: bill.id },
      {
        lateFeeAccruedFen: next.lateFeeAccruedFen,
        lateFeeAccruedUntil: next.lateFeeAccruedUntil,
        lateFeeWaivedFen: next.lateFeeWaivedFen,
        lateFeeExempt: true,
        reliefReason: opts.reason.slice(0, 200),
        dueDate: next.dueDate,
        status: billStatus(next),
      },
    );
    if (waive > 0) {
      await m.getRepository(BillWaiver).insert({
        billId: bill.id,
        principalFen: 0,
        lateFeeFen: waive,
        reason: opts.reason.slice(0, 200),
        staffUserId: opts.staffUserId,
      });
    }
    lines.push({
      billId: bill.id,
      lateFeeWaivedFen: waive,
      principalOwedFen: owed.principal,
      settledFen: bill.paidFen + bill.waivedFen,
      dueDate: next.dueDate,
    });
  }
  return lines;
}

/**
 * A plan in default: covered bills that still owe principal stop being exempt and accrue late fees again
 * from `from` (the missed due date) on the principal unpaid; nothing is charged for days before it.
 */
export async function resumeLateFeeFrom(
  m: EntityManager,
  billIds: readonly number[],
  from: BizDate,
): Promise<number[]> {
  const resumed: number[] = [];
  for (const bill of await lockBills(m, billIds)) {
    const owed = owedAt(balanceOf(bill), from, policyOf(bill.season as HeatingSeason));
    if (owed.principal <= 0) continue;
    const next = { ...balanceOf(bill), lateFeeExempt: false, lateFeeAccruedUntil: from };
    await m
      .getRepository(Bill)
      .update({ id: bill.id }, { lateFeeExempt: false, lateFeeAccruedUntil: from, status: billStatus(next) });
    resumed.push(bill.id);
  }
  return resumed;
}

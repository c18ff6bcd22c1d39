import {
  areaToSqm,
  type BillBalance,
  type BillView,
  billStatus,
  daysBetween,
  type LateFeePolicy,
  owedAt,
  shanghaiDate,
  type WaiveInput,
} from "@warmline/shared";
import type { Context } from "koa";
import type { DataSource, EntityManager } from "typeorm";
import { staffAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { audit } from "../audit";
import { Bill, BillWaiver, HeatingSeason } from "./entities";

export function policyOf(s: HeatingSeason): LateFeePolicy {
  return { rateBpPerDay: s.lateFeeRateBp, capBp: s.lateFeeCapBp };
}

export function balanceOf(b: Bill): BillBalance {
  return {
    amountFen: b.amountFen,
    paidFen: b.paidFen,
    waivedFen: b.waivedFen,
    lateFeeAccruedFen: b.lateFeeAccruedFen,
    lateFeePaidFen: b.lateFeePaidFen,
    lateFeeWaivedFen: b.lateFeeWaivedFen,
    lateFeeAccruedUntil: b.lateFeeAccruedUntil,
    dueDate: b.dueDate,
    lateFeeExempt: b.lateFeeExempt,
  };
}

/** A bill as its owner or staff see it now: late fee brought up to today's Shanghai date. */
export function presentBill(b: Bill, season: HeatingSeason, asOf = shanghaiDate(new Date())): BillView {
  const owed = owedAt(balanceOf(b), asOf, policyOf(season));
  return {
    id: b.id,
    accountId: b.accountId,
    seasonCode: season.code,
    category: b.category,
    heatedArea: areaToSqm(b.heatedArea),
    unitPriceFen: b.unitPriceFen,
    suspended: b.suspended,
    amountFen: b.amountFen,
    paidFen: b.paidFen,
    waivedFen: b.waivedFen,
    lateFeeFen: owed.lateFee,
    lateFeePaidFen: b.lateFeePaidFen,
    lateFeeWaivedFen: b.lateFeeWaivedFen,
    lateFeeExempt: b.lateFeeExempt,
    reliefReason: b.reliefReason ?? null,
    owedFen: owed.total,
    dueDate: b.dueDate,
    overdueDays: owed.principal > 0 ? Math.max(0, daysBetween(b.dueDate, asOf)) : 0,
    status: billStatus(owed.balance),
    asOf,
  };
}

/** Bills of one account, oldest season first. */
export async function billsOfAccount(ds: DataSource, accountId: number, asOf?: string) {
  const rows = await ds
    .getRepository(Bill)
    .createQueryBuilder("b")
    .innerJoinAndSelect("b.season", "season")
    .where("b.account_id = :accountId", { accountId })
    .orderBy("season.start_date", "ASC")
    .getMany();
  const items = rows.map((b) => presentBill(b, b.season as HeatingSeason, asOf));
  return { items, totalOwedFen: items.reduce((s, b) => s + b.owedFen, 0) };
}

async function lockedBill(m: EntityManager, id: number): Promise<Bill | null> {
  const qb = m
    .getRepository(Bill)
    .createQueryBuilder("b")
    .innerJoinAndSelect("b.season", "season")
    .where("b.id = :id", { id });
  // SQLite serialises writers and has no row locks; MySQL/MariaDB lock the row for the transaction
  if (m.connection.options.type !== "better-sqlite3") qb.setLock("pessimistic_write");
  return qb.getOne();
}

/**
 * 减免: waive part of a bill's principal or late fee, with a reason. The late fee is first brought up to
 * today so the waiver is judged against what is owed now. Audited.
 */
export async function waiveBill(ds: DataSource, ctx: Context, billId: number, input: WaiveInput): Promise<BillView> {
  const staff = staffAuth(ctx);
  const today = shanghaiDate(new Date());
  const view = await ds.transaction(async (m) => {
    const bill = await lockedBill(m, billId);
    if (!bill) throw new AppError("BILL_NOT_FOUND");
    const season = bill.season as HeatingSeason;
    const owed = owedAt(balanceOf(bill), today, policyOf(season));
    if (input.principalFen > owed.principal || input.lateFeeFen > owed.lateFee) {
      throw new AppError("WAIVER_TOO_LARGE", { principalOwedFen: owed.principal, lateFeeOwedFen: owed.lateFee });
    }
    const next = {
      ...owed.balance,
      waivedFen: owed.balance.waivedFen + input.principalFen,
      lateFeeWaivedFen: owed.balance.lateFeeWaivedFen + input.lateFeeFen,
    };
    await m.getRepository(Bill).update(
      { id: bill.id },
      {
        waivedFen: next.waivedFen,
        lateFeeWaivedFen: next.lateFeeWaivedFen,
        lateFeeAccruedFen: next.lateFeeAccruedFen,
        lateFeeAccruedUntil: next.lateFeeAccruedUntil,
        reliefReason: input.reason.slice(0, 200),
        status: billStatus(next),
      },
    );
    await m.getRepository(BillWaiver).insert({
      billId: bill.id,
      principalFen: input.principalFen,
      lateFeeFen: input.lateFeeFen,
      reason: input.reason,
      staffUserId: staff.id,
    });
    await audit(m, ctx, {
      action: "bill.waive",
      targetType: "bill",
      targetId: bill.id,
      details: { principalFen: input.principalFen, lateFeeFen: input.lateFeeFen, reason: input.reason },
    });
    const fresh = await m.getRepository(Bill).findOneByOrFail({ id: bill.id });
    return presentBill(fresh, season, today);
  });
  return view;
}

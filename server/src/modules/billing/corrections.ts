import {
  areaToSqm,
  type BillCorrectInput,
  type BillCorrectionView,
  type BillView,
  billStatus,
  correctedBalance,
  lateFeeOwed,
  owedAt,
  seasonAmountFen,
  shanghaiDate,
} from "@warmline/shared";
import type { Context } from "koa";
import { type DataSource, type EntityManager, In } from "typeorm";
import { staffAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { audit } from "../audit";
import { StaffUser } from "../staff";
import { balanceOf, policyOf, presentBill } from "./bills";
import { Bill, BillCorrection, HeatingSeason, Tariff } from "./entities";

async function lockedBill(m: EntityManager, id: number): Promise<Bill | null> {
  const qb = m
    .getRepository(Bill)
    .createQueryBuilder("b")
    .innerJoinAndSelect("b.season", "season")
    .where("b.id = :id", { id });
  if (m.connection.options.type !== "better-sqlite3") qb.setLock("pessimistic_write");
  return qb.getOne();
}

/**
 * 账单更正: corrects the heated area of an issued bill, with a reason. The amount is recomputed from the bill's
 * own unit price and the season's 报停 share (a suspended bill stays a base-fee bill); the late fee follows
 * `correctedBalance` (shared). A correction below what is paid or waived is refused (that is a refund). The
 * account's own area is not changed here: that is the account edit, which applies from the next bill. Audited.
 */
export async function correctBill(
  ds: DataSource,
  ctx: Context,
  billId: number,
  input: BillCorrectInput,
): Promise<BillView> {
  const staff = staffAuth(ctx);
  const today = shanghaiDate(new Date());
  const newArea = Math.round(input.heatedArea * 100);
  return ds.transaction(async (m) => {
    const bill = await lockedBill(m, billId);
    if (!bill) throw new AppError("BILL_NOT_FOUND");
    if (newArea === bill.heatedArea) throw new AppError("BILL_CORRECTION_UNCHANGED");
    const season = bill.season as HeatingSeason;
    const policy = policyOf(season);
    const tariff = await m.getRepository(Tariff).findOneBy({ seasonId: season.id, category: bill.category });
    const rule = { unitPriceFen: bill.unitPriceFen, suspensionShareBp: tariff?.suspensionShareBp ?? 3_000 };
    const newAmountFen = seasonAmountFen(newArea, rule, bill.suspended);
    const now = owedAt(balanceOf(bill), today, policy).balance;
    const next = correctedBalance(now, newAmountFen, policy);
    if (!next) {
      throw new AppError("BILL_CORRECTION_BELOW_SETTLED", {
        settledFen: now.paidFen + now.waivedFen,
        newAmountFen,
      });
    }
    await m.getRepository(Bill).update(
      { id: bill.id },
      {
        heatedArea: newArea,
        amountFen: next.amountFen,
        lateFeeAccruedFen: next.lateFeeAccruedFen,
        lateFeeAccruedUntil: next.lateFeeAccruedUntil,
        status: billStatus(next),
      },
    );
    await m.getRepository(BillCorrection).insert({
      billId: bill.id,
      oldArea: bill.heatedArea,
      newArea,
      oldAmountFen: bill.amountFen,
      newAmountFen,
      oldLateFeeFen: lateFeeOwed(now),
      newLateFeeFen: lateFeeOwed(next),
      reason: input.reason,
      staffUserId: staff.id,
    });
    await audit(m, ctx, {
      action: "bill.correct",
      targetType: "bill",
      targetId: bill.id,
      details: {
        accountId: bill.accountId,
        season: season.code,
        oldArea: areaToSqm(bill.heatedArea),
        newArea: areaToSqm(newArea),
        oldAmountFen: bill.amountFen,
        newAmountFen,
        reason: input.reason,
      },
    });
    const fresh = await m.getRepository(Bill).findOneByOrFail({ id: bill.id });
    return presentBill(fresh, season, today);
  });
}

/** The corrections of an account's bills, newest first. */
export async function correctionsOfAccount(ds: DataSource, accountId: number): Promise<BillCorrectionView[]> {
  const rows = await ds
    .getRepository(BillCorrection)
    .createQueryBuilder("c")
    .innerJoin(Bill, "b", "b.id = c.bill_id")
    .innerJoin(HeatingSeason, "s", "s.id = b.season_id")
    .addSelect("s.code", "season_code")
    .where("b.account_id = :accountId", { accountId })
    .orderBy("c.id", "DESC")
    .getRawAndEntities();
  const staffIds = [...new Set(rows.entities.map((c) => c.staffUserId))];
  const staff = staffIds.length ? await ds.getRepository(StaffUser).findBy({ id: In(staffIds) }) : [];
  const names = new Map(staff.map((s) => [s.id, s.displayName]));
  return rows.entities.map((c, i) => ({
    id: c.id,
    billId: c.billId,
    seasonCode: String(rows.raw[i]?.season_code ?? ""),
    oldArea: areaToSqm(c.oldArea),
    newArea: areaToSqm(c.newArea),
    oldAmountFen: c.oldAmountFen,
    newAmountFen: c.newAmountFen,
    oldLateFeeFen: c.oldLateFeeFen,
    newLateFeeFen: c.newLateFeeFen,
    reason: c.reason,
    staffName: names.get(c.staffUserId) ?? null,
    createdAt: c.createdAt.toISOString(),
  }));
}

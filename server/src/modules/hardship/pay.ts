import { type BizDate, planAmountsDue } from "@warmline/shared";
import type { EntityManager } from "typeorm";
import { AppError } from "../../http/errors";
import { coveredBillsState } from "../billing";
import { PaymentPlan, PlanInstalment } from "./entities";
import { paidSinceStart } from "./service";

export interface PlanPayment {
  planId: number;
  /** the plan's bills that still owe principal: the only bills the payment may go to */
  billIds: number[];
  /** the rest of the next instalment (what "pay this instalment" charges by default) */
  nextFen: number;
  nextSeq: number | null;
  /** the most one payment may bring: the plan's principal still unpaid (never more than the bills owe) */
  remainingFen: number;
}

/**
 * 按计划缴费: what a payment toward a plan may be, for the payments module. The plan must be one of this
 * account's (else 404 as for a missing plan) and active (HARDSHIP_PLAN_NOT_PAYABLE): a completed plan owes
 * nothing and a defaulted one is paid bill by bill again (late fees resumed). Run inside the payment's
 * transaction (the account row is locked by the caller).
 */
export async function planPayment(
  m: EntityManager,
  planId: number,
  accountId: number,
  asOf: BizDate,
): Promise<PlanPayment> {
  const plan = await m.getRepository(PaymentPlan).findOneBy({ id: planId });
  if (!plan || plan.accountId !== accountId) throw new AppError("HARDSHIP_PLAN_NOT_FOUND");
  if (plan.status !== "active") throw new AppError("HARDSHIP_PLAN_NOT_PAYABLE");
  const instalments = await m.getRepository(PlanInstalment).find({ where: { planId }, order: { seq: "ASC" } });
  const due = planAmountsDue(instalments, await paidSinceStart(m, plan, asOf));
  const state = await coveredBillsState(m, plan.billIds, asOf);
  const owing = state.filter((b) => b.principalOwedFen > 0);
  // bills of an active plan are exempt from late fees: what they owe is principal
  const owedFen = owing.reduce((s, b) => s + b.principalOwedFen + b.lateFeeOwedFen, 0);
  const remainingFen = Math.min(due.remainingFen, owedFen);
  if (remainingFen <= 0) throw new AppError("HARDSHIP_PLAN_NOT_PAYABLE");
  return {
    planId,
    billIds: owing.map((b) => b.billId).sort((a, b) => a - b),
    nextFen: Math.min(due.nextFen, remainingFen),
    nextSeq: due.nextSeq,
    remainingFen,
  };
}

import {
  COUNTER_PAYMENT_ROLES,
  type OfflinePaymentInput,
  owedAt,
  type PaymentView,
  shanghaiDate,
} from "@warmline/shared";
import type { Context } from "koa";
import { type DataSource, type EntityManager, In } from "typeorm";
import type { Deps } from "../../deps";
import { staffAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { HeatingAccount } from "../accounts";
import { audit } from "../audit";
import { planPayment } from "../hardship";
import { balanceOf, policyOf, Bill, type HeatingSeason } from "../billing";
import { PaymentAllocation, PaymentOrder } from "./entities";
import { paymentApplied } from "./invoicing";
import { applyToBills, newOutTradeNo, writeLedger } from "./settlement";
import { surplusesOf } from "./surplus";

export interface OpenBill {
  bill: Bill;
  seasonCode: string;
  owedFen: number;
}

/** The account's bills that still owe money today, oldest season first. */
export async function openBills(
  m: EntityManager | DataSource,
  accountId: number,
  date = shanghaiDate(new Date()),
): Promise<OpenBill[]> {
  const bills = await m
    .getRepository(Bill)
    .createQueryBuilder("b")
    .innerJoinAndSelect("b.season", "season")
    .where("b.account_id = :accountId", { accountId })
    .orderBy("season.start_date", "ASC")
    .addOrderBy("b.id", "ASC")
    .getMany();
  return bills
    .map((b) => ({
      bill: b,
      seasonCode: (b.season as HeatingSeason).code,
      owedFen: owedAt(balanceOf(b), date, policyOf(b.season as HeatingSeason)).total,
    }))
    .filter((o) => o.owedFen > 0);
}

/**
 * The bills a payment covers: the payer's choice, which must be the oldest open bills (old arrears before
 * the current season); no choice = all open bills. Returns them with the total owed now.
 */
export function chooseBills(open: OpenBill[], billIds?: number[]): { chosen: OpenBill[]; totalFen: number } {
  if (open.length === 0) throw new AppError("NOTHING_TO_PAY");
  let chosen = open;
  if (billIds?.length) {
    const wanted = new Set(billIds);
    if ([...wanted].some((id) => !open.some((o) => o.bill.id === id))) throw new AppError("NOTHING_TO_PAY");
    chosen = open.slice(0, wanted.size);
    if (!chosen.every((o) => wanted.has(o.bill.id))) throw new AppError("ARREARS_FIRST");
  }
  return { chosen, totalFen: chosen.reduce((s, o) => s + o.owedFen, 0) };
}

/**
 * The bills a window or 代缴 payment goes to: the oldest open ones (or the cashier's oldest-first choice), or,
 * for 按计划缴费, only the plan's bills still owing, up to what is left of the plan.
 */
async function offlineBills(
  m: EntityManager,
  accountId: number,
  input: OfflinePaymentInput,
  now: Date,
): Promise<{ chosen: OpenBill[]; totalFen: number }> {
  const today = shanghaiDate(now);
  const open = await openBills(m, accountId, today);
  if (input.planId === undefined) return chooseBills(open, input.billIds);
  if (input.billIds?.length) throw new AppError("HARDSHIP_PLAN_PAY_INPUT");
  const due = await planPayment(m, input.planId, accountId, today);
  if (input.amountFen > due.remainingFen) {
    throw new AppError("HARDSHIP_PLAN_PAY_AMOUNT", { nextFen: due.nextFen, remainingFen: due.remainingFen });
  }
  const planBills = new Set(due.billIds);
  const chosen = open.filter((o) => planBills.has(o.bill.id));
  if (chosen.length === 0) throw new AppError("HARDSHIP_PLAN_NOT_PAYABLE");
  return { chosen, totalFen: due.remainingFen };
}

/**
 * 线下收费: money received at a bank window or service station, or brought by a grid worker (代缴, only for
 * special-group households). Settles at once through the same allocation as online payments; audited.
 */
export async function recordOfflinePayment(
  deps: Deps,
  ctx: Context,
  input: OfflinePaymentInput,
): Promise<PaymentOrder> {
  const { ds } = deps;
  const staff = staffAuth(ctx);
  // cash, card and transfer only for a counter role; 代缴 (assisted) also for a grid worker, whatever else
  // the person is (a grid worker who is also a hotline agent takes no cash)
  if (input.method !== "assisted" && !staff.roles.some((r) => COUNTER_PAYMENT_ROLES.includes(r))) {
    throw new AppError("FORBIDDEN");
  }
  const order = await ds.transaction(async (m) => {
    const account = await m.getRepository(HeatingAccount).findOneBy({ id: input.accountId });
    if (!account) throw new AppError("ACCOUNT_NOT_FOUND");
    // 代缴 is for special groups: a hardship category (低保, 特困 …) or a special-group flag (独居老人, 失能 …)
    if (input.method === "assisted" && account.hardshipCategory === "none" && account.specialGroups.length === 0)
      throw new AppError("ASSISTED_NOT_ELIGIBLE");
    const now = new Date();
    const { chosen, totalFen } = await offlineBills(m, account.id, input, now);
    if (input.amountFen > totalFen) throw new AppError("AMOUNT_EXCEEDS_OWED", { owedFen: totalFen });
    const invoiceBuyer = await deps.ports.invoicing.buyerForStaff(m, account.id, staff.id, input);
    const order = await m.getRepository(PaymentOrder).save(
      m.getRepository(PaymentOrder).create({
        outTradeNo: newOutTradeNo(now),
        accountId: account.id,
        residentUserId: null,
        staffUserId: staff.id,
        channel: input.method,
        amountFen: input.amountFen,
        refundedFen: 0,
        status: "paid",
        billIds: chosen.map((o) => o.bill.id),
        vendorRef: null,
        transactionId: null,
        receiptNo: input.receiptNo,
        expireAt: null,
        paidAt: now,
        flagged: false,
        flagReason: null,
        unappliedFen: 0,
        invoiceBuyer,
      }),
    );
    await applyToBills(m, order, input.amountFen, now);
    await m.getRepository(PaymentOrder).save(order);
    await writeLedger(m, order, now);
    await paymentApplied(m, order);
    await audit(m, ctx, {
      action: "payment.offline",
      targetType: "payment_order",
      targetId: order.id,
      details: {
        accountId: account.id,
        method: input.method,
        amountFen: input.amountFen,
        receiptNo: input.receiptNo,
        ...(input.planId === undefined ? {} : { planId: input.planId }),
      },
    });
    return order;
  });
  return order;
}

/** Payments as shown in histories and searches, with how each was split over bills. */
export async function presentPayments(deps: Deps, orders: PaymentOrder[]): Promise<PaymentView[]> {
  const { ds } = deps;
  if (orders.length === 0) return [];
  const allocations = await ds
    .getRepository(PaymentAllocation)
    .createQueryBuilder("al")
    .innerJoinAndSelect("al.bill", "bill")
    .innerJoinAndSelect("bill.season", "season")
    .where({ paymentOrderId: In(orders.map((o) => o.id)) })
    .orderBy("al.id", "ASC")
    .getMany();
  const accounts = new Map(
    (await ds.getRepository(HeatingAccount).findBy({ id: In([...new Set(orders.map((o) => o.accountId))]) })).map(
      (a) => [a.id, a],
    ),
  );
  const invoices = await deps.ports.invoicing.invoicesOfPayments(
    ds,
    orders.map((o) => o.id),
  );
  const surpluses = await surplusesOf(ds, orders, deps.config.surplusRefund);
  return orders.map((o) => ({
    id: o.id,
    outTradeNo: o.outTradeNo,
    accountId: o.accountId,
    accountNo: accounts.get(o.accountId)?.accountNo ?? "",
    payee: deps.config.invoices.seller.name,
    invoiceId: invoices.get(o.id)?.id ?? null,
    invoiceStatus: invoices.get(o.id)?.status ?? null,
    surplus: surpluses.get(o.id) ?? null,
    channel: o.channel,
    amountFen: o.amountFen,
    refundedFen: o.refundedFen,
    status: o.status,
    receiptNo: o.receiptNo,
    transactionId: o.transactionId,
    paidAt: o.paidAt?.toISOString() ?? null,
    createdAt: o.createdAt.toISOString(),
    flagged: o.flagged,
    flagReason: o.flagReason,
    unappliedFen: o.unappliedFen,
    allocations: allocations
      .filter((a) => a.paymentOrderId === o.id)
      .map((a) => ({
        billId: a.billId,
        seasonCode: ((a.bill as Bill).season as HeatingSeason).code,
        principalFen: a.principalFen,
        lateFeeFen: a.lateFeeFen,
      })),
  }));
}

/** An account's settled payments, newest first (online and offline alike). */
export async function paymentHistory(deps: Deps, accountId: number): Promise<PaymentView[]> {
  const orders = await deps.ds
    .getRepository(PaymentOrder)
    .find({ where: { accountId, status: "paid" }, order: { paidAt: "DESC" } });
  return presentPayments(deps, orders);
}

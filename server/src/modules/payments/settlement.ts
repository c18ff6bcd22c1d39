import { allocateOldestFirst, applyPayment, billStatus, owedAt, shanghaiDate } from "@warmline/shared";
import { randomBytes } from "node:crypto";
import { type EntityManager, In } from "typeorm";
import { balanceOf, policyOf, Bill, HeatingSeason } from "../billing";
import type { PaymentVendor } from "../../integrations/payments";
import { paymentApplied } from "./invoicing";
import { LedgerEntry, PaymentAllocation, PaymentOrder } from "./entities";
import { recordSurplus } from "./surplus";

/**
 * 商户订单号: WL + Shanghai time to the second + 10 random base-36 characters (26 characters, within the
 * vendors' 32). At 100 orders a second a collision is ~1 in 10^13; the unique key still guards it.
 */
export function newOutTradeNo(now = new Date()): string {
  const t = new Date(now.getTime() + 8 * 3600_000).toISOString().replace(/\D/g, "").slice(0, 14);
  let rand = "";
  for (const b of randomBytes(10)) rand += (b % 36).toString(36);
  return `WL${t}${rand.toUpperCase()}`;
}

function mysqlLike(m: EntityManager): boolean {
  return m.connection.options.type !== "better-sqlite3";
}

/** The order row, locked for this transaction on MySQL/MariaDB (SQLite serialises writers itself). */
export async function lockOrder(
  m: EntityManager,
  where: { outTradeNo: string } | { id: number },
): Promise<PaymentOrder | null> {
  const qb = m.getRepository(PaymentOrder).createQueryBuilder("o");
  if ("id" in where) qb.where("o.id = :id", where);
  else qb.where("o.out_trade_no = :no", { no: where.outTradeNo });
  if (mysqlLike(m)) qb.setLock("pessimistic_write");
  return qb.getOne();
}

/**
 * Applies money to the order's bills: late fees brought up to the payment's business date (the amount owed
 * is what it is then), oldest bill first, each bill's late fee before its principal. Money left over (the
 * bills were paid meanwhile, or a day's late fee less) is kept on the order and flagged for staff.
 */
export async function applyToBills(
  m: EntityManager,
  order: PaymentOrder,
  amountFen: number,
  paidAt: Date,
): Promise<void> {
  const date = shanghaiDate(paidAt);
  // lock only the bill rows (a join would also lock the season row every payment of the season shares)
  const qb = m
    .getRepository(Bill)
    .createQueryBuilder("b")
    .where({ id: In(order.billIds.length ? order.billIds : [0]) })
    .orderBy("b.id", "ASC");
  if (mysqlLike(m)) qb.setLock("pessimistic_write");
  const bills = await qb.getMany();
  const seasons = new Map(
    (await m.getRepository(HeatingSeason).findBy({ id: In([...new Set(bills.map((b) => b.seasonId)), 0]) })).map(
      (s) => [s.id, s],
    ),
  );
  for (const b of bills) b.season = seasons.get(b.seasonId);
  const states = new Map(
    bills.map((b) => [b.id, { bill: b, owed: owedAt(balanceOf(b), date, policyOf(b.season as HeatingSeason)) }]),
  );
  const { lines, leftoverFen } = allocateOldestFirst(
    bills.map((b) => ({
      id: b.id,
      seasonStart: (b.season as HeatingSeason).startDate,
      principal: states.get(b.id)!.owed.principal,
      lateFee: states.get(b.id)!.owed.lateFee,
    })),
    amountFen,
  );
  for (const line of lines) {
    const { owed } = states.get(line.billId)!;
    const next = applyPayment(owed.balance, line);
    await m.getRepository(Bill).update(
      { id: line.billId },
      {
        paidFen: next.paidFen,
        lateFeePaidFen: next.lateFeePaidFen,
        lateFeeAccruedFen: next.lateFeeAccruedFen,
        lateFeeAccruedUntil: next.lateFeeAccruedUntil,
        status: billStatus(next),
      },
    );
    // money of one order can reach the same bill twice (flagged money allocated later): add to the line
    const existing = await m
      .getRepository(PaymentAllocation)
      .findOneBy({ paymentOrderId: order.id, billId: line.billId });
    if (existing) {
      await m.getRepository(PaymentAllocation).update(
        { id: existing.id },
        {
          principalFen: existing.principalFen + line.principalFen,
          lateFeeFen: existing.lateFeeFen + line.lateFeeFen,
        },
      );
    } else {
      await m.getRepository(PaymentAllocation).insert({
        paymentOrderId: order.id,
        billId: line.billId,
        principalFen: line.principalFen,
        lateFeeFen: line.lateFeeFen,
      });
    }
  }
  if (leftoverFen > 0) {
    order.flagged = true;
    order.flagReason = "支付金额超过应缴金额，余款待处理（退款或冲抵）";
    order.unappliedFen = leftoverFen;
  }
}

export async function writeLedger(m: EntityManager, order: PaymentOrder, paidAt: Date): Promise<void> {
  await m
    .getRepository(LedgerEntry)
    .createQueryBuilder()
    .insert()
    .values({
      sourceType: "payment",
      sourceId: order.id,
      accountId: order.accountId,
      channel: order.channel,
      amountFen: order.amountFen,
      businessDate: shanghaiDate(paidAt),
    })
    .orIgnore()
    .updateEntity(false)
    .execute();
}

export type SettleOutcome =
  | "settled"
  | "replay"
  | "flagged"
  | "amount_mismatch"
  | "unknown_order"
  | "wrong_vendor"
  | "conflict";

export interface VendorPayment {
  /** the vendor that says the money arrived: it must be the order's channel */
  vendor: PaymentVendor;
  transactionId: string;
  amountFen: number;
  paidAt: Date;
}

/**
 * 入账: applies a vendor-confirmed payment exactly once. Runs under a row lock of the order; a replay of the
 * same transaction answers "replay" and changes nothing; a wrong amount changes nothing; a vendor that is
 * not the order's channel (a WeChat Pay notification naming an Alipay order) changes nothing; money for an
 * order that was closed or had expired is kept (ledger) and flagged for staff, never dropped.
 */
export async function settleVendorPayment(
  m: EntityManager,
  outTradeNo: string,
  paid: VendorPayment,
): Promise<{ outcome: SettleOutcome; order: PaymentOrder | null }> {
  const order = await lockOrder(m, { outTradeNo });
  if (!order) return { outcome: "unknown_order", order: null };
  if (order.channel !== paid.vendor) return { outcome: "wrong_vendor", order };
  if (order.status === "paid") {
    return { outcome: order.transactionId === paid.transactionId ? "replay" : "conflict", order };
  }
  if (paid.amountFen !== order.amountFen) return { outcome: "amount_mismatch", order };
  const lateArrival = order.status === "closed" || order.status === "expired";
  if (lateArrival) {
    order.flagged = true;
    order.flagReason = "订单关闭后到账，款项待处理（退款或冲抵）";
    order.unappliedFen = paid.amountFen;
  } else {
    await applyToBills(m, order, paid.amountFen, paid.paidAt);
  }
  order.status = "paid";
  order.transactionId = paid.transactionId;
  order.paidAt = paid.paidAt;
  await m.getRepository(PaymentOrder).save(order);
  await writeLedger(m, order, paid.paidAt);
  // flagged money is invoiced once staff have decided what it pays (resolveFlag); money that paid no bill
  // is a surplus: the resident is told, the supervisors alerted, and it goes back (surplus.ts)
  if (!order.flagged) await paymentApplied(m, order);
  else await recordSurplus(m, order);
  return { outcome: order.flagged ? "flagged" : "settled", order };
}

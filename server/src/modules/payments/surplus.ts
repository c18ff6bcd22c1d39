import { formatYuan, PAYMENT_CHANNEL_LABELS, type PaymentChannelCode, type PaymentSurplusView } from "@warmline/shared";
import { type DataSource, type EntityManager, In } from "typeorm";
import { z } from "zod";
import type { Deps } from "../../deps";
import { enqueue } from "../../jobs/outbox";
import type { JobName } from "../../jobs/names";
import { defineJob } from "../../jobs/registry";
import { logger } from "../../lib/logger";
import { beijingMinute, raiseAlert, SUPERVISOR_AUDIENCE } from "../alerts";
import { Bill } from "../billing";
import { PaymentOrder, PaymentSurplus, Refund } from "./entities";
import { newOutRefundNo, REFUND_RETRY_JOB } from "./refunds";
import { lockOrder } from "./settlement";

export const SURPLUS_JOB = "payments.surplus" as const;
export const SURPLUS_REFUND_REASON = "重复缴费余款自动原路退回";
const ONLINE = new Set(["wechat", "alipay"]);

/**
 * Call in the transaction that settles an online payment: money of it that paid no bill (order.unappliedFen)
 * is recorded as a surplus, once per payment, and the surplus job decides what happens to it (alert,
 * resident message, refund after the hold or a supervisor's decision).
 */
export async function recordSurplus(m: EntityManager, order: PaymentOrder): Promise<void> {
  if (!ONLINE.has(order.channel) || order.unappliedFen <= 0) return;
  const bills = await m.getRepository(Bill).findBy({ id: In(order.billIds.length ? order.billIds : [0]) });
  await m
    .getRepository(PaymentSurplus)
    .createQueryBuilder()
    .insert()
    .values({
      paymentOrderId: order.id,
      accountId: order.accountId,
      amountFen: order.unappliedFen,
      billsAlreadyPaid: bills.length > 0 && bills.every((b) => b.status === "paid"),
      status: "new",
      refundAt: null,
      refundId: null,
    })
    .orIgnore()
    .updateEntity(false)
    .execute();
  await enqueue(m, SURPLUS_JOB, { paymentOrderId: order.id }, { dedupeKey: `surplus:open:${order.id}` });
}

async function lockSurplus(m: EntityManager, paymentOrderId: number): Promise<PaymentSurplus | null> {
  const qb = m
    .getRepository(PaymentSurplus)
    .createQueryBuilder("s")
    .where("s.payment_order_id = :id", { id: paymentOrderId });
  if (m.connection.options.type !== "better-sqlite3") qb.setLock("pessimistic_write");
  return qb.getOne();
}

/**
 * The surplus job, in two turns. First turn (status new): the mode decides — auto: due for refund after the
 * hold (a second turn is scheduled then); supervisor: left to a supervisor. Either way the supervisors get
 * an alert of its own kind and the residents a message. Second turn (at refundAt): a refund of what is
 * still unapplied is reserved and handed to the ordinary refund follow-up (payments.refund_retry), which
 * asks the vendor with the same refund number until it answers. Every turn runs under the surplus row's lock
 * and changes its status: a rerun or a duplicate finds nothing to do, so money goes back at most once.
 */
export async function processSurplus(deps: Deps, paymentOrderId: number, now = new Date()): Promise<string> {
  const { ds, config } = deps;
  return ds.transaction(async (m) => {
    const s = await lockSurplus(m, paymentOrderId);
    if (!s) return "no surplus";
    if (s.status === "new") {
      const order = (await lockOrder(m, { id: paymentOrderId })) as PaymentOrder;
      const auto = config.surplusRefund.mode === "auto";
      s.status = auto ? "scheduled" : "awaiting_supervisor";
      s.refundAt = auto ? new Date(s.createdAt.getTime() + config.surplusRefund.holdMs) : null;
      await m.getRepository(PaymentSurplus).save(s);
      await raiseSurplusAlert(m, s, order);
      await enqueue(m, "notify.payment_surplus", { paymentOrderId }, { dedupeKey: `notify:surplus:${paymentOrderId}` });
      if (auto) {
        await enqueue(
          m,
          SURPLUS_JOB,
          { paymentOrderId },
          { dedupeKey: `surplus:refund:${paymentOrderId}`, at: s.refundAt as Date },
        );
      }
      return s.status;
    }
    if (s.status !== "scheduled") return "nothing to do";
    if (config.surplusRefund.mode !== "auto") return "nothing to do"; // the mode changed: a supervisor decides
    if ((s.refundAt?.getTime() ?? Number.POSITIVE_INFINITY) > now.getTime()) return "not due";
    const order = (await lockOrder(m, { id: paymentOrderId })) as PaymentOrder;
    // staff may have applied or refunded (part of) it meanwhile: only what is still unapplied and unreserved
    const amountFen = Math.min(s.amountFen, order.unappliedFen, order.amountFen - order.refundedFen);
    if (order.status !== "paid" || amountFen <= 0) {
      s.status = "resolved";
      await m.getRepository(PaymentSurplus).save(s);
      return "resolved";
    }
    order.refundedFen += amountFen;
    await m.getRepository(PaymentOrder).save(order);
    const refund = await m.getRepository(Refund).save(
      m.getRepository(Refund).create({
        paymentOrderId: order.id,
        outRefundNo: newOutRefundNo(),
        amountFen,
        status: "processing",
        reason: SURPLUS_REFUND_REASON,
        staffUserId: null,
        vendorRefundId: null,
        reversals: null,
        fromUnappliedFen: 0,
        finishedAt: null,
      }),
    );
    s.status = "refunding";
    s.refundId = refund.id;
    await m.getRepository(PaymentSurplus).save(s);
    // the ordinary refund follow-up sends it (and asks again until the vendor answers)
    await enqueue(m, REFUND_RETRY_JOB as JobName, { refundId: refund.id }, { dedupeKey: `refund_check:${refund.id}` });
    logger.info({ outTradeNo: order.outTradeNo, amountFen, outRefundNo: refund.outRefundNo }, "surplus refund started");
    return "refunding";
  });
}

async function raiseSurplusAlert(m: EntityManager, s: PaymentSurplus, order: PaymentOrder): Promise<void> {
  const channel = PAYMENT_CHANNEL_LABELS[order.channel as PaymentChannelCode] ?? order.channel;
  const why = s.billsAlreadyPaid ? "所缴账单此前已缴清" : "订单已关闭后到账";
  const next =
    s.status === "scheduled" && s.refundAt
      ? `系统将于 ${beijingMinute(s.refundAt)} 自动原路退回；如需冲抵欠费，请在此之前于“异常款项”中处理。`
      : "请核实后在“异常款项”中办理退款（原路退回）。";
  await raiseAlert(m, {
    kind: "payment_surplus",
    audience: SUPERVISOR_AUDIENCE,
    dedupeKey: `payment_surplus:${order.id}`,
    subjectType: "payment_order",
    subjectId: order.id,
    stationId: null,
    title: `重复缴费余款 ${formatYuan(s.amountFen)}`,
    body: `缴费单 ${order.outTradeNo}（${channel}）到账 ${formatYuan(order.amountFen)}，其中 ${formatYuan(s.amountFen)} 未抵扣任何账单（${why}）。${next}`,
    data: { paymentOrderId: order.id, amountFen: s.amountFen, mode: s.status },
  });
}

/** The surplus of each payment that has one, as residents and staff see it. */
export async function surplusesOf(
  db: DataSource | EntityManager,
  orders: PaymentOrder[],
  policy: Deps["config"]["surplusRefund"],
): Promise<Map<number, PaymentSurplusView>> {
  const out = new Map<number, PaymentSurplusView>();
  if (orders.length === 0) return out;
  const rows = await db.getRepository(PaymentSurplus).findBy({ paymentOrderId: In(orders.map((o) => o.id)) });
  if (rows.length === 0) return out;
  const refundIds = rows.map((r) => r.refundId).filter((id): id is number => id !== null);
  const refunds = new Map(
    (refundIds.length ? await db.getRepository(Refund).findBy({ id: In(refundIds) }) : []).map((r) => [r.id, r]),
  );
  const byId = new Map(orders.map((o) => [o.id, o]));
  for (const r of rows) {
    const order = byId.get(r.paymentOrderId) as PaymentOrder;
    const refund = r.refundId !== null ? refunds.get(r.refundId) : undefined;
    let state: PaymentSurplusView["state"];
    if (refund) {
      state =
        refund.status === "succeeded"
          ? "refunded"
          : refund.status === "processing"
            ? "refunding"
            : "awaiting_supervisor";
    } else if (order.unappliedFen <= 0) {
      state = order.refundedFen > 0 ? "refunded" : "resolved";
    } else if (r.status === "new") {
      // the job has not decided yet (a moment after settlement): say what it will decide
      state = policy.mode === "auto" ? "scheduled" : "awaiting_supervisor";
    } else {
      state = r.status === "scheduled" ? "scheduled" : r.status === "resolved" ? "resolved" : "awaiting_supervisor";
    }
    const refundAt = r.refundAt ?? new Date(r.createdAt.getTime() + policy.holdMs);
    out.set(r.paymentOrderId, {
      amountFen: r.amountFen,
      state,
      refundAt: state === "scheduled" ? refundAt.toISOString() : null,
      billsAlreadyPaid: r.billsAlreadyPaid,
    });
  }
  return out;
}

export function surplusJob(deps: () => Deps) {
  return defineJob({
    name: SURPLUS_JOB,
    schema: z.object({ paymentOrderId: z.number().int().positive() }),
    async handle({ paymentOrderId }) {
      await processSurplus(deps(), paymentOrderId);
    },
  });
}

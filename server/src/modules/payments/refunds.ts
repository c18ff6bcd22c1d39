import { requestReversal } from "./invoicing";
import { billStatus, type CreateRefundInput, maxDate, type RefundView, shanghaiDate } from "@warmline/shared";
import { randomInt } from "node:crypto";
import type { Context } from "koa";
import type { DataSource, EntityManager } from "typeorm";
import type { Deps } from "../../deps";
import { staffAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { type PaymentVendor, PaymentVendorError } from "../../integrations/payments";
import { enqueue } from "../../jobs/outbox";
import type { JobName } from "../../jobs/names";
import { defineJob } from "../../jobs/registry";
import { logger } from "../../lib/logger";
import { raiseRefundUnconfirmedAlert } from "./refundAlert";
import { z } from "zod";
import { audit } from "../audit";
import { balanceOf, Bill } from "../billing";
import { LedgerEntry, PaymentAllocation, PaymentOrder, Refund } from "./entities";
import { lockOrder } from "./settlement";

const ONLINE = new Set(["wechat", "alipay"]);

export function presentRefund(r: Refund): RefundView {
  return {
    id: r.id,
    paymentOrderId: r.paymentOrderId,
    outRefundNo: r.outRefundNo,
    amountFen: r.amountFen,
    status: r.status,
    reason: r.reason,
    staffUserId: r.staffUserId,
    createdAt: r.createdAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}

export function newOutRefundNo(): string {
  const t = new Date(Date.now() + 8 * 3600_000).toISOString().replace(/\D/g, "").slice(0, 14);
  return `RF${t}${String(randomInt(0, 1_000_000)).padStart(6, "0")}`;
}

/**
 * 退款: reserves the amount on the order (so two refunds cannot together exceed the payment), then asks the
 * vendor. Alipay refunds at once; WeChat confirms by notification. Offline money is returned at the desk and
 * completes at once. Audited.
 */
export async function createRefund(
  deps: Deps,
  ctx: Context,
  paymentId: number,
  input: CreateRefundInput,
): Promise<Refund> {
  const staff = staffAuth(ctx);
  const { ds } = deps;
  const refund = await ds.transaction(async (m) => {
    const order = await lockOrder(m, { id: paymentId });
    if (!order) throw new AppError("PAYMENT_NOT_FOUND");
    if (order.status !== "paid") throw new AppError("REFUND_NOT_ALLOWED");
    const refundable = order.amountFen - order.refundedFen;
    if (input.amountFen > refundable) throw new AppError("REFUND_TOO_LARGE", { refundableFen: refundable });
    order.refundedFen += input.amountFen;
    await m.getRepository(PaymentOrder).save(order);
    const r = await m.getRepository(Refund).save(
      m.getRepository(Refund).create({
        paymentOrderId: order.id,
        outRefundNo: newOutRefundNo(),
        amountFen: input.amountFen,
        status: "processing",
        reason: input.reason,
        staffUserId: staff.id,
        vendorRefundId: null,
        reversals: null,
        fromUnappliedFen: 0,
        finishedAt: null,
      }),
    );
    await audit(m, ctx, {
      action: "payment.refund",
      targetType: "payment_order",
      targetId: order.id,
      details: { refundId: r.id, amountFen: input.amountFen, reason: input.reason },
    });
    return r;
  });
  const order = await ds.getRepository(PaymentOrder).findOneByOrFail({ id: paymentId });
  if (!ONLINE.has(order.channel)) return completeRefund(ds, refund.outRefundNo, null, "desk");
  const checkLater = (delayMs: number) =>
    enqueue(ds.manager, REFUND_RETRY_JOB, { refundId: refund.id }, { dedupeKey: `refund_check:${refund.id}`, delayMs });
  try {
    const after = await askVendor(deps, order, refund);
    // WeChat finishes it by notification; should that be lost, the vendor is asked again
    if (after.status === "processing") await checkLater(REFUND_CHECK_MS);
    return after;
  } catch (err) {
    if (refundOutcomeUnknown(err)) {
      // the vendor may have refunded: keep the amount reserved and ask again with the same refund number
      logger.warn({ err, outRefundNo: refund.outRefundNo }, "refund outcome unknown; asking the vendor again later");
      await checkLater(REFUND_RETRY_DELAY_MS);
      return ds.getRepository(Refund).findOneByOrFail({ id: refund.id });
    }
    await failRefund(ds, refund.outRefundNo, order.channel as PaymentVendor);
    if (err instanceof PaymentVendorError) {
      logger.warn({ vendor: err.vendor, code: err.code, outRefundNo: refund.outRefundNo }, "vendor refused the refund");
      throw new AppError("PAYMENT_VENDOR_ERROR", { vendorCode: err.code });
    }
    throw err;
  }
}

/**
 * Failures after which the vendor may or may not have refunded: no answer, an answer we cannot read or
 * verify, the vendor's own system errors. Anything else is a refusal.
 */
const OUTCOME_UNKNOWN = new Set([
  "TIMEOUT",
  "NETWORK_ERROR",
  "HTTP_ERROR",
  "BAD_RESPONSE",
  "RESPONSE_UNVERIFIED",
  "INVALID_RESPONSE",
  "SYSTEM_ERROR",
  "FREQUENCY_LIMITED",
  "ACQ.SYSTEM_ERROR",
  "aop.ACQ.SYSTEM_ERROR",
  "isp.unknow-error",
]);

export function refundOutcomeUnknown(err: unknown): boolean {
  if (!(err instanceof PaymentVendorError)) return true;
  return OUTCOME_UNKNOWN.has(err.code) || /^HTTP_5\d\d$/.test(err.code);
}

export const REFUND_RETRY_JOB = "payments.refund_retry";
const REFUND_RETRY_DELAY_MS = 5_000;
/** attempts of the follow-up: with the outbox's backoff (2 s doubling, at most 10 min) about four hours */
export const REFUND_FOLLOW_UP_ATTEMPTS = 30;
/** a refund the vendor is still processing is asked about again after this long (and then with backoff) */
const REFUND_CHECK_MS = 60_000;

/** Sends the refund request (again: vendors keep a refund number unique) and applies a final answer. */
async function askVendor(deps: Deps, order: PaymentOrder, refund: Refund): Promise<Refund> {
  const { ds } = deps;
  const client = deps.payments[order.channel as PaymentVendor];
  if (!client) throw new PaymentVendorError(order.channel as PaymentVendor, "NO_CLIENT", "vendor not configured");
  const res = await client.refund({
    outTradeNo: order.outTradeNo,
    outRefundNo: refund.outRefundNo,
    refundFen: refund.amountFen,
    totalFen: order.amountFen,
    reason: refund.reason,
    notifyUrl: `${deps.config.publicUrl}/api/v1/notify/${order.channel}`,
  });
  await ds.getRepository(Refund).update({ id: refund.id }, { vendorRefundId: res.refundId });
  if (res.status === "SUCCESS") return completeRefund(ds, refund.outRefundNo, res.refundId, client.vendor);
  if (res.status === "FAILED") return failRefund(ds, refund.outRefundNo, client.vendor);
  return ds.getRepository(Refund).findOneByOrFail({ id: refund.id });
}

/**
 * The job "payments.refund_retry" ({ refundId }): a refund still processing — its first request ended
 * without a clear answer, or the vendor is processing it and its notification may be lost — is sent again
 * with the same refund number (vendors keep it unique: the answer is that refund's current state) until
 * the vendor says it succeeded or failed. A refusal fails it; while the outcome is unknown or the refund
 * still processing the outbox retries with backoff, and after its last attempt (about four hours) the refund
 * stays 退款处理中 with the amount reserved — never failed on a guess, so it cannot be refunded twice — and
 * the supervisors get an alert (退款未确认) to find out by hand.
 */
export function refundRetryJob(deps: () => Deps) {
  return defineJob({
    name: REFUND_RETRY_JOB as JobName,
    schema: z.object({ refundId: z.number().int().positive() }),
    maxAttempts: REFUND_FOLLOW_UP_ATTEMPTS,
    async handle({ refundId }, ctx) {
      const { ds } = deps();
      const refund = await ds.getRepository(Refund).findOneBy({ id: refundId });
      if (refund?.status !== "processing") return;
      const order = await ds.getRepository(PaymentOrder).findOneByOrFail({ id: refund.paymentOrderId });
      const last = ctx.attempt >= REFUND_FOLLOW_UP_ATTEMPTS;
      let after: Refund;
      try {
        after = await askVendor(deps(), order, refund);
      } catch (err) {
        if (!refundOutcomeUnknown(err)) {
          logger.warn({ err, outRefundNo: refund.outRefundNo }, "vendor refused the refund on a retry");
          await failRefund(ds, refund.outRefundNo, order.channel as PaymentVendor);
          return;
        }
        if (!last) throw err;
        after = refund;
      }
      if (after.status !== "processing") return;
      if (!last) throw new Error(`refund ${refund.outRefundNo} is still processing`);
      // hours of asking and still no answer: a person has to find out (the amount stays reserved)
      logger.warn({ outRefundNo: refund.outRefundNo }, "refund still unconfirmed after the last follow-up");
      await raiseRefundUnconfirmedAlert(ds.manager, refund, order);
    },
  });
}

/** who says how a refund ended: the payment's own vendor, or the desk (offline money handed back) */
export type RefundSource = PaymentVendor | "desk";

/** a refund named by a vendor (or the desk) that is not its payment's channel: treated as unknown */
export class RefundOfOtherVendor extends AppError {
  constructor(readonly source: RefundSource) {
    super("PAYMENT_NOT_FOUND", { reason: "wrong_vendor" });
  }
}

function assertSource(order: PaymentOrder, source: RefundSource): void {
  const own = source === "desk" ? !ONLINE.has(order.channel) : order.channel === source;
  if (!own) throw new RefundOfOtherVendor(source);
}

async function lockRefund(m: EntityManager, outRefundNo: string): Promise<Refund | null> {
  const qb = m.getRepository(Refund).createQueryBuilder("r").where("r.out_refund_no = :no", { no: outRefundNo });
  if (m.connection.options.type !== "better-sqlite3") qb.setLock("pessimistic_write");
  return qb.getOne();
}

/**
 * A refund succeeded: money that was never applied (flagged) goes back first; the rest reopens the
 * payment's bills, newest bill first, principal before late fee. Runs once per refund however often the
 * vendor says so. Only the payment's own vendor (or the desk, for offline money) can say so: another
 * vendor's word throws RefundOfOtherVendor and changes nothing.
 */
export async function completeRefund(
  ds: DataSource,
  outRefundNo: string,
  vendorRefundId: string | null,
  source: RefundSource,
): Promise<Refund> {
  return ds.transaction(async (m) => {
    const refund = await lockRefund(m, outRefundNo);
    if (!refund) throw new AppError("PAYMENT_NOT_FOUND");
    const order = (await lockOrder(m, { id: refund.paymentOrderId })) as PaymentOrder;
    assertSource(order, source);
    if (refund.status !== "processing") return refund;
    let left = refund.amountFen;
    const fromUnapplied = Math.min(left, order.unappliedFen);
    left -= fromUnapplied;
    order.unappliedFen -= fromUnapplied;
    if (order.unappliedFen === 0 && fromUnapplied > 0) {
      order.flagged = false;
      order.flagReason = null;
    }
    // newest season first (the reverse of allocation), whatever order the bills were created in
    const allocations = await m
      .getRepository(PaymentAllocation)
      .createQueryBuilder("al")
      .innerJoin("al.bill", "bill")
      .innerJoin("bill.season", "season")
      .where("al.payment_order_id = :id", { id: order.id })
      .orderBy("season.start_date", "DESC")
      .addOrderBy("al.bill_id", "DESC")
      .getMany();
    const reversals: { billId: number; principalFen: number; lateFeeFen: number }[] = [];
    for (const a of allocations) {
      if (left === 0) break;
      const bill = await m.getRepository(Bill).findOneByOrFail({ id: a.billId });
      const principalFen = Math.min(left, a.principalFen, bill.paidFen);
      left -= principalFen;
      const lateFeeFen = Math.min(left, a.lateFeeFen, bill.lateFeePaidFen);
      left -= lateFeeFen;
      if (principalFen + lateFeeFen === 0) continue;
      const next = {
        ...balanceOf(bill),
        paidFen: bill.paidFen - principalFen,
        lateFeePaidFen: bill.lateFeePaidFen - lateFeeFen,
      };
      await m.getRepository(Bill).update(
        { id: bill.id },
        {
          paidFen: next.paidFen,
          lateFeePaidFen: next.lateFeePaidFen,
          status: billStatus(next),
          // late fee on the reopened amount runs from today, not from the day it was paid
          lateFeeAccruedUntil: maxDate(bill.lateFeeAccruedUntil ?? bill.dueDate, shanghaiDate(new Date())),
        },
      );
      reversals.push({ billId: bill.id, principalFen, lateFeeFen });
    }
    await m.getRepository(PaymentOrder).save(order);
    await m
      .getRepository(LedgerEntry)
      .createQueryBuilder()
      .insert()
      .values({
        sourceType: "refund",
        sourceId: refund.id,
        accountId: order.accountId,
        channel: order.channel,
        amountFen: -refund.amountFen,
        businessDate: shanghaiDate(new Date()),
      })
      .orIgnore()
      .updateEntity(false)
      .execute();
    refund.status = "succeeded";
    refund.reversals = reversals;
    refund.fromUnappliedFen = fromUnapplied;
    refund.vendorRefundId = vendorRefundId ?? refund.vendorRefundId;
    refund.finishedAt = new Date();
    const saved = await m.getRepository(Refund).save(refund);
    // the resident is told (notifications: 我的消息, subscribe message or SMS); once, as this runs once per refund
    await enqueue(m, "notify.refund_succeeded", { refundId: refund.id }, { dedupeKey: `notify:refund:${refund.id}` });
    // money taken back from bills is reversed on the invoice by a red-letter invoice
    if (reversals.length) await requestReversal(m, refund.id);
    return saved;
  });
}

/**
 * A refund the vendor refused or closed: the reserved amount becomes refundable again. Idempotent. Only
 * the payment's own vendor can say so (another vendor's word throws RefundOfOtherVendor).
 */
export async function failRefund(ds: DataSource, outRefundNo: string, source: RefundSource): Promise<Refund> {
  return ds.transaction(async (m) => {
    const refund = await lockRefund(m, outRefundNo);
    if (!refund) throw new AppError("PAYMENT_NOT_FOUND");
    const order = (await lockOrder(m, { id: refund.paymentOrderId })) as PaymentOrder;
    assertSource(order, source);
    if (refund.status !== "processing") return refund;
    order.refundedFen -= refund.amountFen;
    await m.getRepository(PaymentOrder).save(order);
    refund.status = "failed";
    refund.finishedAt = new Date();
    return m.getRepository(Refund).save(refund);
  });
}

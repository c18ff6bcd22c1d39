import { paymentApplied, requestInvoice } from "./invoicing";
import type { PaymentSearchQuery, ResolveFlagInput } from "@warmline/shared";
import type { Context } from "koa";
import { Brackets } from "typeorm";
import type { Deps } from "../../deps";
import { AppError } from "../../http/errors";
import { audit } from "../audit";
import { PaymentOrder } from "./entities";
import { openBills } from "./paymentService";
import { createRefund } from "./refunds";
import { applyToBills, lockOrder } from "./settlement";

/** 缴费查询: by order number, vendor transaction id, receipt number or 户号; newest first. */
export async function searchPayments(deps: Deps, q: PaymentSearchQuery) {
  const qb = deps.ds.getRepository(PaymentOrder).createQueryBuilder("o").leftJoin("o.account", "a");
  if (q.q) {
    qb.andWhere(
      new Brackets((w) =>
        w
          .where("o.out_trade_no = :q", { q: q.q })
          .orWhere("o.transaction_id = :q")
          .orWhere("o.receipt_no = :q")
          .orWhere("a.account_no = :q"),
      ),
    );
  }
  if (q.channel) qb.andWhere("o.channel = :channel", { channel: q.channel });
  if (q.status) qb.andWhere("o.status = :status", { status: q.status });
  if (q.flagged !== undefined) qb.andWhere("o.flagged = :flagged", { flagged: q.flagged });
  const [rows, total] = await qb
    .orderBy("o.id", "DESC")
    .skip((q.page - 1) * q.pageSize)
    .take(q.pageSize)
    .getManyAndCount();
  return { rows, total };
}

/**
 * 异常款处理: money kept on a flagged order is either applied to the account's open bills (oldest first) or
 * refunded. Audited with the reason.
 */
export async function resolveFlag(
  deps: Deps,
  ctx: Context,
  paymentId: number,
  input: ResolveFlagInput,
): Promise<PaymentOrder> {
  const current = await deps.ds.getRepository(PaymentOrder).findOneBy({ id: paymentId });
  if (!current) throw new AppError("PAYMENT_NOT_FOUND");
  if (!current.flagged || current.unappliedFen <= 0) throw new AppError("FLAG_NOT_OPEN");
  if (input.action === "refund") {
    await createRefund(deps, ctx, paymentId, { amountFen: current.unappliedFen, reason: input.reason });
  } else {
    await deps.ds.transaction(async (m) => {
      const order = (await lockOrder(m, { id: paymentId })) as PaymentOrder;
      if (!order.flagged || order.unappliedFen <= 0) throw new AppError("FLAG_NOT_OPEN");
      const open = await openBills(m, order.accountId);
      if (open.length === 0) throw new AppError("NO_OPEN_BILLS");
      const amount = order.unappliedFen;
      order.billIds = [...new Set([...order.billIds, ...open.map((o) => o.bill.id)])];
      order.flagged = false;
      order.flagReason = null;
      order.unappliedFen = 0;
      const probe = Object.assign(new PaymentOrder(), order, { billIds: open.map((o) => o.bill.id) });
      await applyToBills(m, probe, amount, new Date());
      order.flagged = probe.flagged;
      order.flagReason = probe.flagReason;
      order.unappliedFen = probe.unappliedFen;
      await m.getRepository(PaymentOrder).save(order);
    });
  }
  // the money now applied to bills (if any) gets its invoice; allocated money is also news for the residents
  if (input.action === "allocate")
    await paymentApplied(deps.ds.manager, await deps.ds.getRepository(PaymentOrder).findOneByOrFail({ id: paymentId }));
  else await requestInvoice(deps.ds.manager, paymentId);
  await audit(deps.ds, ctx, {
    action: "payment.resolve_flag",
    targetType: "payment_order",
    targetId: paymentId,
    details: { action: input.action, amountFen: current.unappliedFen, reason: input.reason },
  });
  return deps.ds.getRepository(PaymentOrder).findOneByOrFail({ id: paymentId });
}

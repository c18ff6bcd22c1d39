import { z } from "zod";
import type { Deps } from "../../deps";
import type { PaymentVendor } from "../../integrations/payments";
import { enqueue } from "../../jobs/outbox";
import { defineJob } from "../../jobs/registry";
import { logger } from "../../lib/logger";
import { PaymentOrder } from "./entities";
import { lockOrder, settleVendorPayment } from "./settlement";

const RECHECK_MS = 5 * 60_000;

/**
 * The sweeper for one online order: asks the vendor about an order no notification has settled. Paid at
 * the vendor → settled here (same code as a notification); still unpaid before expiry → asked again later;
 * unpaid after expiry → closed at the vendor and marked expired.
 */
export async function checkOrder(deps: Deps, orderId: number, attempt = 0): Promise<string> {
  const { ds } = deps;
  const order = await ds.getRepository(PaymentOrder).findOneBy({ id: orderId });
  if (order?.status !== "created") return "nothing to do";
  const client = deps.payments[order.channel as PaymentVendor];
  if (!client) return "no vendor client";
  const trade = await client.queryTrade(order.outTradeNo);
  if (trade?.state === "PAID" && trade.transactionId && trade.amountFen !== null) {
    const paid = {
      vendor: client.vendor,
      transactionId: trade.transactionId,
      amountFen: trade.amountFen,
      paidAt: trade.paidAt ?? new Date(),
    };
    const res = await ds.transaction((m) => settleVendorPayment(m, order.outTradeNo, paid));
    logger.info(
      { outTradeNo: order.outTradeNo, outcome: res.outcome },
      "sweeper settled an order from the vendor's answer",
    );
    return res.outcome;
  }
  const expired = (order.expireAt?.getTime() ?? 0) <= Date.now();
  if (!expired) {
    const next = attempt + 1;
    await ds.transaction((m) =>
      enqueue(
        m,
        "payments.check_order",
        { orderId, attempt: next },
        {
          dedupeKey: `check_order:${orderId}:${next}`,
          delayMs: Math.min(RECHECK_MS, Math.max(1_000, (order.expireAt?.getTime() ?? 0) - Date.now() + 1_000)),
        },
      ),
    );
    return "pending";
  }
  if (trade && trade.state === "NOT_PAID") await client.closeTrade(order.outTradeNo);
  await ds.transaction(async (m) => {
    const locked = await lockOrder(m, { id: orderId });
    if (locked?.status === "created") {
      locked.status = trade?.state === "CLOSED" ? "closed" : "expired";
      await m.getRepository(PaymentOrder).save(locked);
    }
  });
  return "expired";
}

export function checkOrderJob(deps: () => Deps) {
  return defineJob({
    name: "payments.check_order",
    schema: z.object({ orderId: z.number().int().positive(), attempt: z.number().int().min(0).default(0) }),
    async handle({ orderId, attempt }) {
      await checkOrder(deps(), orderId, attempt);
    },
  });
}

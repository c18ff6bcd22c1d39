import { PAYMENT_CHANNEL_LABELS, type PaymentChannelCode } from "@warmline/shared";
import type { EntityManager } from "typeorm";
import { beijingMinute, raiseAlert, SUPERVISOR_AUDIENCE } from "../alerts";

function yuan(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
}

/**
 * Raises the supervisors' alert for a refund the vendor has not confirmed after the follow-up job's last
 * attempt: the money stays reserved until a person finds out what happened. Once per refund.
 */
export async function raiseRefundUnconfirmedAlert(
  m: EntityManager,
  refund: { id: number; outRefundNo: string; amountFen: number; createdAt: Date },
  order: { id: number; outTradeNo: string; channel: string },
): Promise<void> {
  const channel = PAYMENT_CHANNEL_LABELS[order.channel as PaymentChannelCode] ?? order.channel;
  await raiseAlert(m, {
    kind: "refund_unconfirmed",
    audience: SUPERVISOR_AUDIENCE,
    dedupeKey: `refund_unconfirmed:${refund.id}`,
    subjectType: "payment_order",
    subjectId: order.id,
    stationId: null,
    title: `退款 ${refund.outRefundNo} 未确认`,
    body: `缴费单 ${order.outTradeNo}（${channel}）退款 ¥${yuan(refund.amountFen)}，${beijingMinute(refund.createdAt)} 发起，多次向渠道查询仍未确认结果。退款金额保持锁定，请在渠道商户平台核实后处理。`,
    data: { refundId: refund.id, paymentOrderId: order.id },
  });
}

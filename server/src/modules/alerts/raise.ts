import {
  type AlertKind,
  PAYMENT_CHANNEL_LABELS,
  type PaymentChannelCode,
  SLA_CLOCK_LABELS,
  type SlaClock,
  TICKET_CATEGORY_LABELS,
} from "@warmline/shared";
import type { EntityManager } from "typeorm";
import type { Ticket } from "../tickets/entities";
import { StaffAlert } from "./entities";

/** the role SLA breaches are escalated to */
export const SLA_ESCALATION_AUDIENCE = "supervisor";

function beijing(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace("T", " ");
}

/**
 * Raises the supervisors' alert for a breached SLA clock (inside the caller's transaction, next to the
 * escalation event). `key` is the escalation's unique key: raising it twice leaves one alert.
 */
export async function raiseSlaBreachAlert(
  m: EntityManager,
  ticket: Ticket,
  breach: { key: string; clock: SlaClock; dueAt: Date | null; cycle: number },
): Promise<void> {
  const clock = SLA_CLOCK_LABELS[breach.clock];
  const due = breach.dueAt ? `应于 ${beijing(breach.dueAt)} 前完成，` : "";
  await m
    .createQueryBuilder()
    .insert()
    .into(StaffAlert)
    .values({
      kind: "sla_breach" satisfies AlertKind,
      audience: SLA_ESCALATION_AUDIENCE,
      dedupeKey: breach.key,
      subjectType: "ticket",
      subjectId: ticket.id,
      stationId: ticket.dispatchedStationId ?? ticket.stationId,
      title: `工单 ${ticket.ticketNo} ${clock}超时`,
      body: `${TICKET_CATEGORY_LABELS[ticket.category]}｜${ticket.address}。${due}已超时，升级至专班主管督办。`,
      data: { clock: breach.clock, dueAt: breach.dueAt?.toISOString() ?? null, cycle: breach.cycle } as never,
      ackAt: null,
      ackBy: null,
      ackNote: null,
    })
    .orIgnore()
    .execute();
}

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
  await m
    .createQueryBuilder()
    .insert()
    .into(StaffAlert)
    .values({
      kind: "refund_unconfirmed" satisfies AlertKind,
      audience: SLA_ESCALATION_AUDIENCE,
      dedupeKey: `refund_unconfirmed:${refund.id}`,
      subjectType: "payment_order",
      subjectId: order.id,
      stationId: null,
      title: `退款 ${refund.outRefundNo} 未确认`,
      body: `缴费单 ${order.outTradeNo}（${PAYMENT_CHANNEL_LABELS[order.channel as PaymentChannelCode] ?? order.channel}）退款 ¥${yuan(refund.amountFen)}，${beijing(refund.createdAt)} 发起，多次向渠道查询仍未确认结果。退款金额保持锁定，请在渠道商户平台核实后处理。`,
      data: { refundId: refund.id, paymentOrderId: order.id } as never,
      ackAt: null,
      ackBy: null,
      ackNote: null,
    })
    .orIgnore()
    .execute();
}

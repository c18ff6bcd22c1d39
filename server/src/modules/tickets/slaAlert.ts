import { SLA_CLOCK_LABELS, type SlaClock, TICKET_CATEGORY_LABELS } from "@warmline/shared";
import type { EntityManager } from "typeorm";
import { beijingMinute, raiseAlert, SUPERVISOR_AUDIENCE } from "../alerts";
import type { Ticket } from "./entities";

/** the role SLA breaches are escalated to */
export const SLA_ESCALATION_AUDIENCE = SUPERVISOR_AUDIENCE;

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
  const due = breach.dueAt ? `应于 ${beijingMinute(breach.dueAt)} 前完成，` : "";
  await raiseAlert(m, {
    kind: "sla_breach",
    audience: SLA_ESCALATION_AUDIENCE,
    dedupeKey: breach.key,
    subjectType: "ticket",
    subjectId: ticket.id,
    stationId: ticket.dispatchedStationId ?? ticket.stationId,
    title: `工单 ${ticket.ticketNo} ${clock}超时`,
    body: `${TICKET_CATEGORY_LABELS[ticket.category]}｜${ticket.address}。${due}已超时，升级至专班主管督办。`,
    data: { clock: breach.clock, dueAt: breach.dueAt?.toISOString() ?? null, cycle: breach.cycle },
    // 升级时间 is when the clock ran out, not when a timer or the sweeper after a restart noticed it
    ...(breach.dueAt ? { at: breach.dueAt } : {}),
  });
}

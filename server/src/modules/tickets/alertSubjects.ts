import { SLA_CLOCK_LABELS, type SlaClock, type SlaPolicy } from "@warmline/shared";
import { In } from "typeorm";
import type { AlertSubjectPort } from "../alerts";
import { Ticket, TicketEvent } from "./entities";
import { presentTickets } from "./present";

/** The tickets side of the escalation inbox: live ticket summaries, and the 督办 note on acknowledgement. */
export function ticketAlertSubjects(policy: SlaPolicy): AlertSubjectPort {
  return {
    async ticketSummaries(ds, ticketIds, now) {
      const tickets = await ds.getRepository(Ticket).findBy({ id: In(ticketIds) });
      return new Map((await presentTickets(ds, tickets, policy, now)).map((t) => [t.id, t]));
    },
    /** The supervisor's 督办 shows on the ticket's (staff-only) timeline, with who and when. Once per alert. */
    async ticketAlertAcked(ds, alert, staffId, now) {
      const ticket = await ds.getRepository(Ticket).findOneBy({ id: alert.subjectId });
      if (!ticket) return;
      const clock = typeof alert.data?.clock === "string" ? SLA_CLOCK_LABELS[alert.data.clock as SlaClock] : null;
      const text = `专班主管已知悉${clock ? `${clock}超时` : "超时升级"}${alert.ackNote ? `，督办：${alert.ackNote}` : ""}`;
      await ds
        .getRepository(TicketEvent)
        .createQueryBuilder()
        .insert()
        .values({
          ticketId: ticket.id,
          type: "note",
          at: now,
          cycle: ticket.cycle,
          actorKind: "staff",
          actorId: staffId,
          data: { note: text, alertId: alert.id } as never,
          uniqueKey: `ack:${alert.id}`,
        })
        .orIgnore()
        .updateEntity(false)
        .execute();
    },
  };
}

import type { TicketEventType } from "@warmline/shared";
import type { EntityManager } from "typeorm";
import { enqueue } from "../../jobs/outbox";
import { Ticket, TicketEvent } from "./entities";

/** Who takes a step: a resident, a staff user, or the system (timers, the sweeper). */
export type Actor = { kind: "resident"; id: number } | { kind: "staff"; id: number } | { kind: "system"; id: null };

/** The messages to the resident a step may queue (the job "tickets.notify" of the notifications module). */
export type TicketNotifyKind = "responded" | "dispatched" | "resolved" | "follow_up_due" | "unreachable_result";

function mysqlLike(m: EntityManager): boolean {
  return m.connection.options.type !== "better-sqlite3";
}

/** The ticket, under a row lock until the transaction ends (SQLite serialises writers by itself). */
export async function lockTicket(m: EntityManager, id: number): Promise<Ticket | null> {
  const qb = m.getRepository(Ticket).createQueryBuilder("t").where("t.id = :id", { id });
  if (mysqlLike(m)) qb.setLock("pessimistic_write");
  return qb.getOne();
}

/** Appends an event to the ticket's log, in its current cycle. */
export async function addEvent(
  m: EntityManager,
  ticket: Ticket,
  type: TicketEventType,
  actor: Actor,
  at: Date,
  data: Record<string, unknown> | null = null,
): Promise<TicketEvent> {
  return m.getRepository(TicketEvent).save(
    m.getRepository(TicketEvent).create({
      ticketId: ticket.id,
      type,
      at,
      cycle: ticket.cycle,
      actorKind: actor.kind,
      actorId: actor.id,
      data,
      uniqueKey: null,
    }),
  );
}

/** Queues the message to the resident about an event (once per event and kind), when there is someone to tell. */
export async function notifyResident(
  m: EntityManager,
  ticket: Ticket,
  event: TicketEvent,
  kind: TicketNotifyKind,
  delayMs = 0,
): Promise<void> {
  if (!ticket.residentUserId && !ticket.accountId && !ticket.callerPhoneEnc) return;
  await enqueue(
    m,
    "tickets.notify",
    { ticketId: ticket.id, eventId: event.id, kind },
    { dedupeKey: `ticket_notify:${event.id}:${kind}`, delayMs },
  );
}

import { type ColdRoomCheck, COLD_ROOM_CATEGORIES, coldRoomResolveCheck } from "@warmline/shared";
import type { DataSource, EntityManager } from "typeorm";
import { AppError } from "../../http/errors";
import { outdoorAt } from "../weather";
import type { Ticket } from "./entities";
import type { Actor } from "./events";
import { addEvent, lockTicket } from "./events";
import { eventsOf } from "./sla";

/** The statuses in which the room can still be cold and the work is going on (before 处理完成). */
export const WORKING_STATUSES = ["new", "responded", "dispatched", "on_site"] as const;

/**
 * Whether a cold-room ticket may be marked 处理完成 now (the rule is coldRoomResolveCheck in shared): its
 * current cycle's events, graded against the outdoor reading that applies now at its station.
 */
export async function coldRoomCheck(
  db: EntityManager | DataSource,
  ticket: Pick<Ticket, "id" | "category" | "cycle" | "stationId" | "dispatchedStationId">,
  now: Date,
): Promise<ColdRoomCheck> {
  if (!COLD_ROOM_CATEGORIES.includes(ticket.category)) return { required: false };
  const events = await eventsOf(db, ticket.id);
  const outdoor = await outdoorAt(db, now, ticket.dispatchedStationId ?? ticket.stationId);
  return coldRoomResolveCheck(ticket.category, ticket.cycle, events, outdoor?.tempC10 ?? null);
}

/** Refuses 处理完成 of a cold-room ticket without proof that the room is warm again (409 with the reason). */
export async function requireWarmRoom(m: EntityManager, ticket: Ticket, now: Date): Promise<void> {
  const check = await coldRoomCheck(m, ticket, now);
  if (check.required && !check.met) {
    throw new AppError(
      "TICKET_ROOM_NOT_WARM",
      { floorC10: check.floorC10, lastReadingC10: check.lastReadingC10 },
      check.reason,
    );
  }
}

/**
 * 已恢复正常: the resident says in the app that the room is warm again (proof for 处理完成, like a reading at
 * the floor). Only while a cold-room ticket is being worked on; a second tap while the confirmation still
 * stands adds nothing.
 */
export async function confirmRestored(ds: DataSource, actor: Actor, ticketId: number, now = new Date()) {
  return ds.transaction(async (m) => {
    const ticket = await lockTicket(m, ticketId);
    if (!ticket) throw new AppError("TICKET_NOT_FOUND");
    const working = (WORKING_STATUSES as readonly string[]).includes(ticket.status);
    if (!COLD_ROOM_CATEGORIES.includes(ticket.category) || !working) throw new AppError("TICKET_CONFIRM_NOT_ALLOWED");
    const check = await coldRoomCheck(m, ticket, now);
    if (!(check.required && check.met && check.by === "resident")) {
      await addEvent(m, ticket, "confirmed", actor, now, null);
    }
    return ticket;
  });
}

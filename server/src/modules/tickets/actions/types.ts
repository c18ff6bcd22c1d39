import type { SlaState, StaffRole, TicketAction, TicketEventType, TicketStatus } from "@warmline/shared";
import type { EntityManager } from "typeorm";
import type { z } from "zod";
import type { Deps } from "../../../deps";
import type { Ticket, TicketEvent } from "../entities";
import type { Actor, TicketNotifyKind } from "../events";

/** The steps of the workflow (shared with the console, which lists them in this order). */
export { TICKET_ACTION_VERBS, type TicketAction } from "@warmline/shared";

/** What a step works with, inside the transaction that holds the ticket's row lock. */
export interface ActionContext<E extends TicketEventType> {
  readonly deps: Deps;
  readonly m: EntityManager;
  readonly actor: Actor;
  /** the locked ticket: the step changes its fields, the dispatcher saves it and refreshes the SLA */
  readonly ticket: Ticket;
  /** the SLA clocks before the step */
  readonly sla: SlaState;
  readonly now: Date;
  /** appends one of the step's own events (its `events`) to the log, at `now`, by the actor */
  record(type: E, data: Record<string, unknown> | null): Promise<TicketEvent>;
  /** queues the message to the resident about an event */
  notify(event: TicketEvent, kind: TicketNotifyKind, delayMs?: number): Promise<void>;
  /** attaches the actor's uploaded photos to an event (the system has none) */
  attachPhotos(ids: number[] | undefined, event: TicketEvent): Promise<void>;
}

/**
 * One step of the workflow: its input (the shared zod schema of its request body), who may take it (staff
 * roles, checked by the route) and in which states (checked by the dispatcher under the row lock), the events
 * it writes, and what it does.
 */
export interface TicketActionDef<V extends TicketAction, I, E extends TicketEventType> {
  verb: V;
  /** POST /staff/tickets/:id/<path> */
  path: string;
  /** the route's summary in the OpenAPI document */
  summary: string;
  input: z.ZodType<I>;
  /** staff roles that may take the step */
  roles: readonly StaffRole[];
  /** the ticket states the step is allowed in */
  states: readonly TicketStatus[];
  /** only while the SLA clocks run, or only while they are paused (either when absent) */
  clocks?: "running" | "paused";
  /** the event types the step may write, in the order it writes them */
  events: readonly E[];
  apply(ctx: ActionContext<E>, input: I): Promise<void>;
}

/** Any step, its input erased (the table's element type; each definition is checked on its own). */
export type AnyTicketAction = TicketActionDef<TicketAction, unknown, TicketEventType>;

/** Identity helper that keeps a definition's verb, input and events inferred. */
export function defineAction<V extends TicketAction, I, E extends TicketEventType>(
  def: TicketActionDef<V, I, E>,
): TicketActionDef<V, I, E> {
  return def;
}

/** Whether a step is allowed for a ticket in this state (roles are the route's business). */
export function allows(def: Pick<AnyTicketAction, "states" | "clocks">, status: TicketStatus, paused: boolean) {
  if (!def.states.includes(status)) return false;
  return def.clocks === undefined || (def.clocks === "paused") === paused;
}

import {
  type ClockView,
  computeSla,
  type SlaPolicy,
  type SlaClock,
  type SlaEvent,
  type SlaState,
  type SlaView,
} from "@warmline/shared";
import { type DataSource, type EntityManager, In, LessThanOrEqual, Not } from "typeorm";
import { z } from "zod";
import type { Deps } from "../../deps";
import { enqueue } from "../../jobs/outbox";
import { periodicJob, schedulePeriodic } from "../../jobs/periodic";
import { defineJob } from "../../jobs/registry";
import { logger } from "../../lib/logger";
import { raiseSlaBreachAlert, SLA_ESCALATION_AUDIENCE } from "./slaAlert";
import { Ticket, TicketEvent } from "./entities";

export function slaEvents(events: TicketEvent[]): SlaEvent[] {
  return events.map((e) => ({ type: e.type, at: e.at, data: e.data as SlaEvent["data"] }));
}

export async function eventsOf(m: EntityManager | DataSource, ticketId: number): Promise<TicketEvent[]> {
  return m.getRepository(TicketEvent).find({ where: { ticketId }, order: { at: "ASC", id: "ASC" } });
}

export function slaOf(ticket: Pick<Ticket, "category">, events: TicketEvent[], now: Date, policy: SlaPolicy): SlaState {
  return computeSla(ticket.category, slaEvents(events), now, policy);
}

const minutes = (ms: number) => Math.round(ms / 600) / 100;

function clockDto(c: ClockView) {
  return {
    clock: c.clock,
    budgetMinutes: minutes(c.budgetMs),
    usedMinutes: minutes(c.usedMs),
    remainingMinutes: minutes(c.remainingMs),
    dueAt: c.dueAt?.toISOString() ?? null,
    warnAt: c.warnAt?.toISOString() ?? null,
    metAt: c.metAt?.toISOString() ?? null,
    paused: c.paused,
    warned: c.warned,
    breached: c.breached,
  };
}

/** The running clocks (not met, not paused), and the one that runs out first. */
export function runningClocks(state: SlaState, closed: boolean): ClockView[] {
  if (closed) return [];
  return [state.response, state.resolution, state.measurement].filter(
    (c): c is ClockView => !!c && c.metAt === null && !c.paused && c.dueAt !== null,
  );
}

export function slaDto(state: SlaState, closed: boolean, now = new Date()): SlaView {
  const next = runningClocks(state, closed).sort(
    (a, b) => (a.dueAt as Date).getTime() - (b.dueAt as Date).getTime(),
  )[0];
  return {
    cycle: state.cycle,
    grade: state.grade,
    paused: state.paused,
    response: clockDto(state.response),
    resolution: clockDto(state.resolution),
    measurement: state.measurement ? clockDto(state.measurement) : null,
    next: next ? { clock: next.clock, dueAt: (next.dueAt as Date).toISOString() } : null,
    computedAt: now.toISOString(),
  };
}

/**
 * After every event: store the SLA snapshot on the ticket (for the board's sorting and the sweeper) and
 * set delayed jobs at each running clock's warning and due time. The jobs recompute from the events when
 * they fire, so a timer made stale by a pause or a response does nothing.
 */
export async function refreshSla(m: EntityManager, ticket: Ticket, now: Date, policy: SlaPolicy): Promise<SlaState> {
  const state = slaOf(ticket, await eventsOf(m, ticket.id), now, policy);
  const closed = ticket.status === "closed";
  const running = runningClocks(state, closed);
  const next = running.map((c) => (c.dueAt as Date).getTime()).sort((a, b) => a - b)[0];
  const clocks = [state.response, state.resolution, state.measurement].filter((c): c is ClockView => !!c);
  await m.getRepository(Ticket).update(
    { id: ticket.id },
    {
      responseDueAt: state.response.dueAt,
      resolutionDueAt: state.resolution.dueAt,
      measurementDueAt: state.measurement?.dueAt ?? null,
      slaNextDueAt: next === undefined ? null : new Date(next),
      slaBreached: clocks.some((c) => c.breached),
      cycle: state.cycle,
    },
  );
  for (const c of running) {
    for (const [kind, at] of [
      ["warn", c.warnAt],
      // breached means strictly past the due instant
      ["breach", c.dueAt && new Date(c.dueAt.getTime() + 1)],
    ] as const) {
      if (!at || (kind === "warn" && c.warned)) continue;
      await enqueue(
        m,
        "tickets.sla_timer",
        { ticketId: ticket.id, cycle: state.cycle, clock: c.clock, kind },
        {
          dedupeKey: `sla:${ticket.id}:${state.cycle}:${c.clock}:${kind}:${at.getTime()}`,
          // timers run on the real clock (now may be an earlier instant when events are back-dated)
          delayMs: Math.max(0, at.getTime() - Date.now()),
        },
      );
    }
  }
  return state;
}

/**
 * Records what a clock has reached: a warning at 75 %, an escalation to the supervisor at the breach.
 * Each at most once per ticket, cycle and clock (unique key), whoever notices first: the timer or the sweeper.
 */
export async function recordSlaMarks(
  ds: DataSource,
  ticketId: number,
  now: Date,
  policy: SlaPolicy,
): Promise<string[]> {
  const ticket = await ds.getRepository(Ticket).findOneBy({ id: ticketId });
  if (!ticket || ticket.status === "closed") return [];
  const events = await eventsOf(ds, ticketId);
  const state = slaOf(ticket, events, now, policy);
  const marks: string[] = [];
  const clocks = [state.response, state.resolution, state.measurement].filter(
    (c): c is ClockView => !!c && c.metAt === null,
  );
  for (const c of clocks) {
    for (const [type, reached] of [
      ["warned", c.warned],
      ["escalated", c.breached],
    ] as const) {
      if (!reached) continue;
      const cycle = c.clock === "measurement" ? 0 : state.cycle;
      const key = `${type === "warned" ? "warn" : "esc"}:${ticketId}:${cycle}:${c.clock}`;
      if (await ds.getRepository(TicketEvent).existsBy({ uniqueKey: key })) continue;
      await ds.transaction(async (m) => {
        await m
          .getRepository(TicketEvent)
          .createQueryBuilder()
          .insert()
          .values({
            ticketId,
            type,
            at: now,
            cycle: state.cycle,
            actorKind: "system",
            actorId: null,
            data: {
              clock: c.clock,
              dueAt: c.dueAt?.toISOString() ?? null,
              ...(type === "escalated" ? { to: SLA_ESCALATION_AUDIENCE } : {}),
            } as never,
            uniqueKey: key,
          })
          .orIgnore()
          .updateEntity(false)
          .execute();
        // the escalation reaches the supervisors' inbox (升级提醒) with the event, or neither does
        if (type === "escalated") await raiseSlaBreachAlert(m, ticket, { key, clock: c.clock, dueAt: c.dueAt, cycle });
      });
      marks.push(key);
    }
  }
  if (marks.length) {
    await ds.transaction(async (m) => refreshSla(m, ticket, now, policy));
    logger.debug({ ticketId, marks }, "SLA marks recorded");
  }
  return marks;
}

export const slaTimerJob = (deps: () => Deps) =>
  defineJob({
    name: "tickets.sla_timer",
    schema: z.object({
      ticketId: z.number().int(),
      cycle: z.number().int(),
      clock: z.enum(["response", "resolution", "measurement"]),
      kind: z.enum(["warn", "breach"]),
    }),
    async handle({ ticketId }, { ds }) {
      await recordSlaMarks(ds, ticketId, new Date(), deps().config.sla);
    },
  });

/**
 * The sweeper: finds open tickets whose earliest due time (or warning time) has passed without the mark
 * being recorded — a timer the queue lost — and records it. Runs every minute (self-rescheduling).
 */
export async function sweepSla(ds: DataSource, now: Date, policy: SlaPolicy): Promise<number> {
  // warnings fall before the due time: look a clock's length ahead of now is too wide; the due column of
  // each running clock is enough to find breaches, and a recomputation also catches warnings
  const horizon = new Date(now.getTime() + 60 * 60_000 * 8);
  const candidates = await ds.getRepository(Ticket).find({
    select: { id: true },
    where: { status: Not("closed"), slaNextDueAt: LessThanOrEqual(horizon) },
    take: 5000,
  });
  let recorded = 0;
  for (const { id } of candidates) recorded += (await recordSlaMarks(ds, id, now, policy)).length;
  return recorded;
}

const SWEEP_EVERY_MS = 60_000;

export const scheduleSlaSweep = (m: EntityManager, now = new Date()) =>
  schedulePeriodic(m, "tickets.sla_sweep", SWEEP_EVERY_MS, now);

export const slaSweepJob = (deps: () => Deps) =>
  periodicJob("tickets.sla_sweep", SWEEP_EVERY_MS, async (ds) => {
    const n = await sweepSla(ds, new Date(), deps().config.sla);
    if (n) logger.warn({ recorded: n }, "SLA sweeper recorded marks a timer missed");
  });

/** tickets that are open: for the board */
export const OPEN_STATUSES = ["new", "responded", "dispatched", "on_site", "resolved"] as const;
export const openWhere = { status: In([...OPEN_STATUSES]) };
export type { SlaClock };

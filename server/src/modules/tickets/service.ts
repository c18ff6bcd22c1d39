import { randomBytes } from "node:crypto";
import {
  assessPriority,
  type CreateTicketInput,
  DEFAULT_PRIORITY_RULES,
  type FollowUpInput,
  type IncidentGrade,
  MEASUREMENT_METHOD_LABELS,
  type MeasurementMethod,
  normalizePhone,
  type StaffCreateTicketInput,
  type TicketChannel,
  type TicketEventType,
  type TicketStatus,
} from "@warmline/shared";
import { type DataSource, type EntityManager, MoreThanOrEqual } from "typeorm";
import type { Deps } from "../../deps";
import { AppError } from "../../http/errors";
import { enqueue } from "../../jobs/outbox";
import { Building, HeatingAccount, HeatStation } from "../accounts";
import { OutdoorReading, outdoorAt } from "../weather";
import { CallLog, Ticket, TicketEvent } from "./entities";
import { claimPhotos } from "./photos";
import { eventsOf, refreshSla, slaOf } from "./sla";

export type Actor = { kind: "resident"; id: number } | { kind: "staff"; id: number } | { kind: "system"; id: null };

/** GD + Shanghai date + 6 random base-36 characters: GD20261127K3F9QZ */
export function newTicketNo(now = new Date()): string {
  const d = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, "");
  let r = "";
  for (const b of randomBytes(6)) r += (b % 36).toString(36);
  return `GD${d}${r.toUpperCase()}`;
}

function mysqlLike(m: EntityManager): boolean {
  return m.connection.options.type !== "better-sqlite3";
}

export async function lockTicket(m: EntityManager, id: number): Promise<Ticket | null> {
  const qb = m.getRepository(Ticket).createQueryBuilder("t").where("t.id = :id", { id });
  if (mysqlLike(m)) qb.setLock("pessimistic_write");
  return qb.getOne();
}

/**
 * The outdoor temperature a report is graded against: the reading that applies now (室外气温, the
 * station's own first), else the latest outdoor value recorded with a measurement in the last 3 hours.
 */
async function recentOutdoorC10(m: EntityManager, now: Date, stationId: number | null): Promise<number | null> {
  const reading = await outdoorAt(m, now, stationId);
  if (reading) return reading.tempC10;
  const recent = await m.getRepository(TicketEvent).find({
    where: { type: "measured", at: MoreThanOrEqual(new Date(now.getTime() - 3 * 3600_000)) },
    order: { at: "DESC" },
    take: 20,
  });
  for (const e of recent) {
    const v = (e.data as { outdoorTempC10?: unknown } | null)?.outdoorTempC10;
    if (typeof v === "number") return v;
  }
  return null;
}

async function addEvent(
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

async function notifyResident(m: EntityManager, ticket: Ticket, event: TicketEvent, kind: string, delayMs = 0) {
  if (!ticket.residentUserId && !ticket.accountId && !ticket.callerPhoneEnc) return;
  await enqueue(
    m,
    "tickets.notify",
    { ticketId: ticket.id, eventId: event.id, kind },
    { dedupeKey: `ticket_notify:${event.id}:${kind}`, delayMs },
  );
}

interface NewTicket {
  channel: TicketChannel;
  category: Ticket["category"];
  accountId?: number;
  residentUserId?: number | null;
  transferNo?: string;
  callerPhone?: string;
  contactName?: string;
  address?: string;
  indoorTempC10?: number;
  description: string;
  preferredContactTime?: string;
  photoIds?: number[];
  callLogId?: number;
}

/**
 * 新建工单: where it is (account → building → station), how urgent (priority rules: a cold-room reading
 * below the floor, very low readings, a vulnerable household, several reports from one building), the
 * "created" event, and the SLA clocks with their timers — all in one transaction.
 */
export async function createTicket(deps: Deps, actor: Actor, input: NewTicket, now = new Date()): Promise<Ticket> {
  return deps.ds.transaction(async (m) => {
    let account: HeatingAccount | null = null;
    let building: Building | null = null;
    if (input.accountId) {
      account = await m.getRepository(HeatingAccount).findOneBy({ id: input.accountId });
      if (!account) throw new AppError("ACCOUNT_NOT_FOUND");
      building = account.buildingId ? await m.getRepository(Building).findOneBy({ id: account.buildingId }) : null;
    }
    const windowStart = new Date(now.getTime() - DEFAULT_PRIORITY_RULES.clusterWindowMinutes * 60_000);
    const buildingReports = building
      ? (await m.getRepository(Ticket).countBy({ buildingId: building.id, createdAt: MoreThanOrEqual(windowStart) })) +
        1
      : 1;
    const outdoorC10 = await recentOutdoorC10(m, now, building?.stationId ?? null);
    const assessed = assessPriority({
      category: input.category,
      indoorC10: input.indoorTempC10 ?? null,
      outdoorC10,
      vulnerable: !!account && account.hardshipCategory !== "none",
      buildingReports,
    });
    const ticket = await m.getRepository(Ticket).save(
      m.getRepository(Ticket).create({
        ticketNo: newTicketNo(now),
        category: input.category,
        channel: input.channel,
        transferNo: input.transferNo ?? null,
        residentUserId: input.residentUserId ?? null,
        accountId: account?.id ?? null,
        buildingId: building?.id ?? null,
        communityId: account?.communityId ?? null,
        stationId: building?.stationId ?? null,
        address: account?.address ?? input.address ?? "",
        contactName: input.contactName ?? null,
        callerPhoneEnc: input.callerPhone ? deps.vault.encrypt(input.callerPhone) : null,
        callerPhoneBidx: input.callerPhone ? deps.vault.blindIndex("phone", normalizePhone(input.callerPhone)) : null,
        indoorTempC10: input.indoorTempC10 ?? null,
        outdoorTempC10: outdoorC10,
        description: input.description,
        preferredContactTime: input.preferredContactTime ?? null,
        status: "new",
        priority: assessed.priority,
        priorityReasons: assessed.reasons,
        grade: "general",
        suggestIncident: assessed.suggestIncident,
        incidentId: null,
        dispatchedStationId: null,
        crew: null,
        technicianId: null,
        cycle: 0,
        satisfied: null,
        score: null,
        createdAt: now,
      }),
    );
    const created = await addEvent(m, ticket, "created", actor, now, {
      grade: "general",
      channel: input.channel,
      category: input.category,
      indoorTempC10: input.indoorTempC10 ?? null,
      outdoorTempC10: outdoorC10,
      priority: assessed.priority,
      reasons: assessed.reasons,
    });
    if (input.photoIds?.length && actor.kind !== "system") {
      await claimPhotos(m, { kind: actor.kind, id: actor.id }, input.photoIds, ticket.id, created.id);
    }
    if (input.callLogId) {
      const call = await m.getRepository(CallLog).findOneBy({ id: input.callLogId });
      if (!call) throw new AppError("CALL_NOT_FOUND");
      await m.getRepository(CallLog).update({ id: call.id }, { ticketId: ticket.id });
      await addEvent(m, ticket, "call_attached", actor, now, { callLogId: call.id });
    }
    await refreshSla(m, ticket, now, deps.config.sla);
    return ticket;
  });
}

export async function residentCreateTicket(
  deps: Deps,
  residentId: number,
  channel: TicketChannel,
  input: CreateTicketInput,
) {
  return createTicket(deps, { kind: "resident", id: residentId }, { ...input, channel, residentUserId: residentId });
}

export async function staffCreateTicket(deps: Deps, staffId: number, input: StaffCreateTicketInput) {
  return createTicket(deps, { kind: "staff", id: staffId }, { ...input });
}

// --- actions -------------------------------------------------------------------------------------------

export type TicketAction =
  | "respond"
  | "dispatch"
  | "on_site"
  | "measure"
  | "pause"
  | "resume"
  | "resolve"
  | "follow_up"
  | "grade"
  | "link"
  | "note";

const OPEN: TicketStatus[] = ["new", "responded", "dispatched", "on_site", "resolved"];
const WORKING: TicketStatus[] = ["new", "responded", "dispatched", "on_site"];

/** Which actions a ticket in this state allows (roles are checked by the routes). */
export function allowedActions(ticket: Ticket, paused: boolean): TicketAction[] {
  const s = ticket.status;
  const out: TicketAction[] = [];
  if (s === "new") out.push("respond");
  if (s === "responded" || s === "dispatched") out.push("dispatch");
  if (s === "dispatched") out.push("on_site");
  if (OPEN.includes(s) && s !== "resolved") out.push("measure");
  if (WORKING.includes(s)) out.push(paused ? "resume" : "pause");
  if (s === "responded" || s === "dispatched" || s === "on_site") out.push("resolve");
  if (s === "resolved") out.push("follow_up");
  if (OPEN.includes(s)) out.push("grade", "link");
  out.push("note");
  return out;
}

export interface ActionInput {
  note?: string;
  stationId?: number;
  crew?: string;
  technicianId?: number;
  indoorTempC10?: number;
  outdoorTempC10?: number;
  method?: MeasurementMethod;
  photoIds?: number[];
  reason?: string;
  satisfied?: boolean;
  score?: number;
  comment?: string;
  grade?: IncidentGrade;
  incidentTicketId?: number;
}

/**
 * One step of the workflow, as one transaction under a row lock: checks the state allows it, appends the
 * event(s), moves the status, recomputes the SLA clocks (and their timers), and queues the message to the
 * resident where one is due.
 */
export async function act(
  deps: Deps,
  actor: Actor,
  ticketId: number,
  action: TicketAction,
  input: ActionInput,
  now = new Date(),
): Promise<Ticket> {
  return deps.ds.transaction(async (m) => {
    const ticket = await lockTicket(m, ticketId);
    if (!ticket) throw new AppError("TICKET_NOT_FOUND");
    const state = slaOf(ticket, await eventsOf(m, ticket.id), now, deps.config.sla);
    if (!allowedActions(ticket, state.paused).includes(action)) throw new AppError("TICKET_BAD_STATE");
    const repo = m.getRepository(Ticket);
    const photoOwner = actor.kind === "system" ? null : { kind: actor.kind, id: actor.id };
    switch (action) {
      case "respond": {
        const e = await addEvent(m, ticket, "responded", actor, now, { note: input.note ?? null });
        ticket.status = "responded";
        ticket.respondedAt ??= now;
        await notifyResident(m, ticket, e, "responded");
        break;
      }
      case "dispatch": {
        const station = await m.getRepository(HeatStation).findOneBy({ id: input.stationId as number });
        if (!station) throw new AppError("STATION_NOT_FOUND");
        const e = await addEvent(m, ticket, "dispatched", actor, now, {
          stationId: station.id,
          stationName: station.name,
          crew: input.crew ?? null,
          technicianId: input.technicianId ?? null,
          note: input.note ?? null,
        });
        ticket.status = "dispatched";
        ticket.dispatchedStationId = station.id;
        ticket.crew = input.crew ?? null;
        ticket.technicianId = input.technicianId ?? null;
        await notifyResident(m, ticket, e, "dispatched");
        break;
      }
      case "on_site":
        await addEvent(m, ticket, "on_site", actor, now, { note: input.note ?? null });
        ticket.status = "on_site";
        break;
      case "measure": {
        const e = await addEvent(m, ticket, "measured", actor, now, {
          indoorTempC10: input.indoorTempC10,
          outdoorTempC10: input.outdoorTempC10 ?? null,
          method: input.method,
          methodLabel: input.method ? MEASUREMENT_METHOD_LABELS[input.method] : null,
          note: input.note ?? null,
        });
        if (input.photoIds?.length && photoOwner) await claimPhotos(m, photoOwner, input.photoIds, ticket.id, e.id);
        // the outdoor value read on site is a reading like any other (later reports are graded with it)
        if (input.outdoorTempC10 !== undefined) {
          await m.getRepository(OutdoorReading).insert({
            at: now,
            tempC10: input.outdoorTempC10,
            stationId: ticket.dispatchedStationId ?? ticket.stationId,
            source: "measurement",
            recordedBy: actor.kind === "staff" ? actor.id : null,
          });
        }
        break;
      }
      case "pause":
        await addEvent(m, ticket, "paused", actor, now, { reason: input.reason });
        break;
      case "resume":
        await addEvent(m, ticket, "resumed", actor, now, { note: input.note ?? null });
        break;
      case "resolve": {
        if (state.paused) await addEvent(m, ticket, "resumed", actor, now, { note: "处理完成，恢复计时" });
        const e = await addEvent(m, ticket, "resolved", actor, now, { note: input.note });
        if (input.photoIds?.length && photoOwner) await claimPhotos(m, photoOwner, input.photoIds, ticket.id, e.id);
        ticket.status = "resolved";
        ticket.resolvedAt = now;
        await notifyResident(m, ticket, e, "resolved");
        // the follow-up reminder, if nobody has followed up two hours later
        await notifyResident(m, ticket, e, "follow_up_due", 2 * 3600_000);
        break;
      }
      case "follow_up": {
        await addEvent(m, ticket, "followed_up", actor, now, {
          satisfied: input.satisfied,
          score: input.score,
          comment: input.comment ?? null,
        });
        ticket.satisfied = input.satisfied ?? null;
        ticket.score = input.score ?? null;
        if (input.satisfied) {
          await addEvent(m, ticket, "closed", actor, now, null);
          ticket.status = "closed";
          ticket.closedAt = now;
        } else {
          // not satisfied: handled again from the start, with fresh clocks
          ticket.cycle += 1;
          await addEvent(m, ticket, "reopened", actor, now, { reason: input.comment ?? "回访不满意" });
          ticket.status = "new";
          ticket.resolvedAt = null;
          ticket.respondedAt = null;
        }
        break;
      }
      case "grade":
        await addEvent(m, ticket, "graded", actor, now, { grade: input.grade, reason: input.reason });
        ticket.grade = input.grade as IncidentGrade;
        break;
      case "link": {
        const lead = await m.getRepository(Ticket).findOneBy({ id: input.incidentTicketId as number });
        if (!lead || lead.id === ticket.id) throw new AppError("TICKET_NOT_FOUND");
        const incidentId = lead.incidentId ?? lead.id;
        await addEvent(m, ticket, "linked", actor, now, { incidentId, leadTicketNo: lead.ticketNo });
        ticket.incidentId = incidentId;
        ticket.suggestIncident = false;
        if (lead.incidentId === null)
          await repo.update({ id: lead.id }, { incidentId: lead.id, suggestIncident: false });
        break;
      }
      case "note":
        await addEvent(m, ticket, "note", actor, now, { note: input.note });
        break;
    }
    await repo.save(ticket);
    await refreshSla(m, ticket, now, deps.config.sla);
    return ticket;
  });
}

/** A resident's ticket: only their own (another resident's id answers 404 like a missing one). */
export async function residentTicket(ds: DataSource, residentId: number, id: number): Promise<Ticket> {
  const t = await ds.getRepository(Ticket).findOneBy({ id, residentUserId: residentId });
  if (!t) throw new AppError("TICKET_NOT_FOUND");
  return t;
}

export async function residentRate(deps: Deps, residentId: number, id: number, input: FollowUpInput) {
  await residentTicket(deps.ds, residentId, id);
  return act(deps, { kind: "resident", id: residentId }, id, "follow_up", input);
}

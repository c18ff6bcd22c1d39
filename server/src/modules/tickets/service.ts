import { randomBytes } from "node:crypto";
import {
  assessPriority,
  CONTACT_PHONE_EMPTY,
  type CreateTicketInput,
  DEFAULT_PRIORITY_RULES,
  type FollowUpInput,
  normalizePhone,
  type StaffCreateTicketInput,
  type TicketChannel,
  type TicketEventType,
} from "@warmline/shared";
import { type EntityManager, MoreThanOrEqual } from "typeorm";
import type { Deps } from "../../deps";
import { AppError } from "../../http/errors";
import { Building, HeatingAccount } from "../accounts";
import { outdoorAt } from "../weather";
import {
  type ActionContext,
  type ActionInput,
  type AnyTicketAction,
  allows,
  TICKET_ACTIONS,
  type TicketAction,
  type TicketActionDef,
} from "./actions";
import { CallLog, Ticket, TicketEvent } from "./entities";
import { type Actor, addEvent, lockTicket, notifyResident } from "./events";
import { claimPhotos } from "./photos";
import { eventsOf, refreshSla, slaOf } from "./sla";

/** GD + Shanghai date + 6 random base-36 characters: GD20261127K3F9QZ */
export function newTicketNo(now = new Date()): string {
  const d = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, "");
  let r = "";
  for (const b of randomBytes(6)) r += (b % 36).toString(36);
  return `GD${d}${r.toUpperCase()}`;
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

/**
 * The ticket's one 联系电话, encrypted with its blind index: the number given (hotline caller, the resident's
 * report form), else — for the mini-program, whose form prefills it masked — the account's register phone.
 */
function contactPhoneOf(
  deps: Deps,
  input: NewTicket,
  account: HeatingAccount | null,
): { enc: string | null; bidx: string | null } {
  const given = input.contactPhone ?? input.callerPhone;
  if (given) return { enc: deps.vault.encrypt(given), bidx: deps.vault.blindIndex("phone", normalizePhone(given)) };
  if (!input.accountPhoneFallback) return { enc: null, bidx: null };
  if (!account?.phoneEnc)
    throw new AppError("VALIDATION_FAILED", [{ path: "contactPhone", message: CONTACT_PHONE_EMPTY, in: "body" }]);
  return { enc: account.phoneEnc, bidx: account.phoneBidx };
}

interface NewTicket {
  channel: TicketChannel;
  category: Ticket["category"];
  accountId?: number;
  residentUserId?: number | null;
  transferNo?: string;
  /** the hotline caller's number (staff) */
  callerPhone?: string;
  /** 联系电话 the resident gave in the report form */
  contactPhone?: string;
  /** no phone given: take the account's register phone, and refuse when it has none (mini-program) */
  accountPhoneFallback?: boolean;
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
  return deps.ds.transaction((m) => createTicketIn(m, deps, actor, input, now));
}

/** createTicket inside the caller's transaction (a home visit opens its tickets in its own transaction). */
export async function createTicketIn(
  m: EntityManager,
  deps: Deps,
  actor: Actor,
  input: NewTicket,
  now = new Date(),
): Promise<Ticket> {
  let account: HeatingAccount | null = null;
  let building: Building | null = null;
  if (input.accountId) {
    account = await m.getRepository(HeatingAccount).findOneBy({ id: input.accountId });
    if (!account) throw new AppError("ACCOUNT_NOT_FOUND");
    building = account.buildingId ? await m.getRepository(Building).findOneBy({ id: account.buildingId }) : null;
  }
  const contact = contactPhoneOf(deps, input, account);
  const windowStart = new Date(now.getTime() - DEFAULT_PRIORITY_RULES.clusterWindowMinutes * 60_000);
  const buildingReports = building
    ? (await m.getRepository(Ticket).countBy({ buildingId: building.id, createdAt: MoreThanOrEqual(windowStart) })) + 1
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
      callerPhoneEnc: contact.enc,
      callerPhoneBidx: contact.bidx,
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
}

export async function residentCreateTicket(
  deps: Deps,
  residentId: number,
  channel: TicketChannel,
  input: CreateTicketInput,
) {
  return createTicket(
    deps,
    { kind: "resident", id: residentId },
    { ...input, channel, residentUserId: residentId, accountPhoneFallback: true },
  );
}

export async function staffCreateTicket(deps: Deps, staffId: number, input: StaffCreateTicketInput) {
  return createTicket(deps, { kind: "staff", id: staffId }, { ...input });
}

// --- actions -------------------------------------------------------------------------------------------

/**
 * One step of the workflow (the table in actions/), as one transaction under the ticket's row lock: checks
 * the state allows it, lets the step append its events and change the ticket, saves it, and recomputes the
 * SLA clocks (and their timers).
 */
export async function act<V extends TicketAction>(
  deps: Deps,
  actor: Actor,
  ticketId: number,
  verb: V,
  input: ActionInput<V>,
  now = new Date(),
): Promise<Ticket> {
  const action: AnyTicketAction = TICKET_ACTIONS[verb];
  return performAction(deps, actor, ticketId, action, input, now);
}

/** act() with the step's definition itself (the routes hold the definitions). */
export async function performAction<I, E extends TicketEventType>(
  deps: Deps,
  actor: Actor,
  ticketId: number,
  action: TicketActionDef<TicketAction, I, E>,
  input: I,
  now = new Date(),
): Promise<Ticket> {
  return deps.ds.transaction(async (m) => {
    const ticket = await lockTicket(m, ticketId);
    if (!ticket) throw new AppError("TICKET_NOT_FOUND");
    const sla = slaOf(ticket, await eventsOf(m, ticket.id), now, deps.config.sla);
    if (!allows(action, ticket.status, sla.paused)) throw new AppError("TICKET_BAD_STATE");
    const ctx: ActionContext<E> = {
      deps,
      m,
      actor,
      ticket,
      sla,
      now,
      record: (type, data) => addEvent(m, ticket, type, actor, now, data),
      notify: (event, kind, delayMs) => notifyResident(m, ticket, event, kind, delayMs),
      async attachPhotos(ids, event) {
        if (ids?.length && actor.kind !== "system") await claimPhotos(m, actor, ids, ticket.id, event.id);
      },
    };
    await action.apply(ctx, input);
    await m.getRepository(Ticket).save(ticket);
    await refreshSla(m, ticket, now, deps.config.sla);
    return ticket;
  });
}

/** A resident rates their own ticket (another resident's id answers 404 like a missing one: ticket.read). */
export async function residentRate(deps: Deps, residentId: number, id: number, input: FollowUpInput) {
  await deps.access.require({ kind: "resident", id: residentId }, "ticket.read", id);
  return act(deps, { kind: "resident", id: residentId }, id, "follow_up", { outcome: "reached", ...input });
}

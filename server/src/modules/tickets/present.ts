import {
  computeSla,
  type SlaPolicy,
  INCIDENT_GRADE_LABELS,
  maskPhone,
  SATISFACTION_LEVEL_LABELS,
  type SatisfactionLevel,
  type PhotoView,
  SLA_CLOCK_LABELS,
  type SlaClock,
  TICKET_CATEGORY_LABELS,
  TICKET_CHANNEL_LABELS,
  type TicketDetailView,
  type TicketEventView,
  type TicketSummaryView,
} from "@warmline/shared";
import { type DataSource, In } from "typeorm";
import type { Deps } from "../../deps";
import { HeatingAccount, HeatStation } from "../accounts";
import { StaffUser } from "../staff";
import { Ticket, TicketEvent, TicketPhoto } from "./entities";
import { coldRoomCheck, WORKING_STATUSES } from "./coldRoom";
import { missedSinceResolved, missedSummary } from "./followUpCalls";
import { photoViews } from "./photos";
import { allowedActions } from "./actions";
import { slaDto, slaEvents } from "./sla";

const c10 = (v: unknown) => (typeof v === "number" ? `${(v / 10).toFixed(1)}℃` : "");
const str = (v: unknown) => (typeof v === "string" && v ? v : "");

/** A line of Chinese describing an event, for the timeline. */
export function eventText(e: Pick<TicketEvent, "type" | "data">): string {
  const d = (e.data ?? {}) as Record<string, unknown>;
  switch (e.type) {
    case "created": {
      const ch = TICKET_CHANNEL_LABELS[d.channel as keyof typeof TICKET_CHANNEL_LABELS] ?? "";
      const cat = TICKET_CATEGORY_LABELS[d.category as keyof typeof TICKET_CATEGORY_LABELS] ?? "";
      return `${ch}提交：${cat}${d.indoorTempC10 != null ? `，室温${c10(d.indoorTempC10)}` : ""}`;
    }
    case "responded":
      return str(d.note) || "已与您取得联系";
    case "dispatched":
      return `派单至${str(d.stationName)}${d.crew ? ` / ${str(d.crew)}` : ""}${d.technicianName ? ` / 维修人员${str(d.technicianName)}` : ""}${d.note ? `：${str(d.note)}` : ""}`;
    case "on_site":
      return `维修人员已到场${d.note ? `：${str(d.note)}` : ""}`;
    case "measured":
      return `入户测温：室温${c10(d.indoorTempC10)}${d.outdoorTempC10 != null ? `，室外${c10(d.outdoorTempC10)}` : ""}（${str(d.methodLabel)}）${d.note ? `，${str(d.note)}` : ""}`;
    case "paused":
      return `暂停计时：${str(d.reason)}`;
    case "resumed":
      return str(d.note) || "恢复计时";
    case "resolved":
      return `处理完成：${str(d.note)}`;
    case "followed_up": {
      const tail = d.comment ? `：${str(d.comment)}` : "";
      if (d.outcome === "unreachable") {
        const n = Array.isArray(d.attempts) ? d.attempts.length : 0;
        return `无法联系（${n}次未接通），处理结果已短信告知${tail}`;
      }
      const level =
        typeof d.level === "string" && d.level in SATISFACTION_LEVEL_LABELS
          ? SATISFACTION_LEVEL_LABELS[d.level as SatisfactionLevel]
          : d.satisfied
            ? "满意"
            : "不满意";
      const solved = typeof d.solved === "boolean" ? (d.solved ? "已解决，" : "未解决，") : "";
      return `${solved}${level}，${String(d.score ?? "")}分${tail}`;
    }
    case "follow_up_missed":
      return `回访电话未接通${d.comment ? `：${str(d.comment)}` : ""}`;
    case "reopened":
      return `重新处理：${str(d.reason) || "回访不满意"}`;
    case "closed":
      return d.reason === "unreachable" ? "工单办结（无法联系）" : "工单办结";
    case "confirmed":
      return "居民在小程序中确认室温已恢复正常";
    case "graded":
      return `事故等级调整为${INCIDENT_GRADE_LABELS[d.grade as keyof typeof INCIDENT_GRADE_LABELS] ?? ""}${d.reason ? `：${str(d.reason)}` : ""}`;
    case "note":
      return str(d.note);
    case "call_attached":
      return "关联热线来电";
    case "linked":
      return `合并为同一事件（牵头工单 ${str(d.leadTicketNo)}）`;
    case "warned":
      return `${SLA_CLOCK_LABELS[d.clock as SlaClock] ?? ""}已用去75%`;
    case "escalated":
      return `${SLA_CLOCK_LABELS[d.clock as SlaClock] ?? ""}已超时，已升级至专班主管`;
    default:
      return "";
  }
}

/** what residents do not see: internal notes, linking, SLA marks, call records */
const INTERNAL = new Set(["note", "warned", "escalated", "call_attached", "linked", "graded"]);

interface Lookups {
  accounts: Map<number, HeatingAccount>;
  stations: Map<number, HeatStation>;
  events: Map<number, TicketEvent[]>;
}

async function lookups(ds: DataSource, tickets: Ticket[]): Promise<Lookups> {
  const ids = tickets.map((t) => t.id);
  const accountIds = [...new Set(tickets.map((t) => t.accountId).filter((x): x is number => x !== null))];
  const stationIds = [
    ...new Set(tickets.flatMap((t) => [t.stationId, t.dispatchedStationId]).filter((x): x is number => x !== null)),
  ];
  const events = ids.length
    ? await ds.getRepository(TicketEvent).find({ where: { ticketId: In(ids) }, order: { at: "ASC", id: "ASC" } })
    : [];
  const byTicket = new Map<number, TicketEvent[]>();
  for (const e of events) byTicket.set(e.ticketId, [...(byTicket.get(e.ticketId) ?? []), e]);
  return {
    accounts: new Map(
      (accountIds.length ? await ds.getRepository(HeatingAccount).findBy({ id: In(accountIds) }) : []).map((a) => [
        a.id,
        a,
      ]),
    ),
    stations: new Map(
      (stationIds.length ? await ds.getRepository(HeatStation).findBy({ id: In(stationIds) }) : []).map((s) => [
        s.id,
        s,
      ]),
    ),
    events: byTicket,
  };
}

function summary(t: Ticket, l: Lookups, now: Date, policy: SlaPolicy): TicketSummaryView {
  const state = computeSla(t.category, slaEvents(l.events.get(t.id) ?? []), now, policy);
  return {
    id: t.id,
    ticketNo: t.ticketNo,
    category: t.category,
    channel: t.channel,
    status: t.status,
    priority: t.priority,
    priorityReasons: t.priorityReasons,
    grade: t.grade,
    accountId: t.accountId,
    accountNo: t.accountId ? (l.accounts.get(t.accountId)?.accountNo ?? null) : null,
    address: t.address,
    stationId: t.stationId,
    stationName: t.stationId ? (l.stations.get(t.stationId)?.name ?? null) : null,
    indoorTempC10: t.indoorTempC10,
    outdoorTempC10: t.outdoorTempC10,
    description: t.description,
    createdAt: t.createdAt.toISOString(),
    sla: slaDto(state, t.status === "closed", now),
    incidentId: t.incidentId,
    suggestIncident: t.suggestIncident,
    satisfied: t.satisfied,
    score: t.score,
    contactPhone: null,
    followUpMissed:
      t.status === "resolved" ? missedSummary(missedSinceResolved(l.events.get(t.id) ?? [], t.cycle)) : null,
  };
}

/** The masked 联系电话 (only the first digits; staff reveal the full number one ticket at a time, audited). */
export function maskedContactPhone(deps: Pick<Deps, "vault">, t: Pick<Ticket, "callerPhoneEnc">): string | null {
  try {
    return maskPhone(deps.vault.decrypt(t.callerPhoneEnc));
  } catch {
    return null;
  }
}

/** Fills the masked 联系电话 of listed tickets (the list presenters know no keys). */
export async function withContactPhones<V extends { items: TicketSummaryView[] }>(deps: Deps, page: V): Promise<V> {
  const ids = page.items.map((t) => t.id);
  if (!ids.length) return page;
  const rows = await deps.ds
    .getRepository(Ticket)
    .find({ select: { id: true, callerPhoneEnc: true }, where: { id: In(ids) } });
  const phones = new Map(rows.map((r) => [r.id, maskedContactPhone(deps, r)]));
  return { ...page, items: page.items.map((t) => ({ ...t, contactPhone: phones.get(t.id) ?? null })) };
}

export async function presentTickets(
  ds: DataSource,
  tickets: Ticket[],
  policy: SlaPolicy,
  now = new Date(),
): Promise<TicketSummaryView[]> {
  const l = await lookups(ds, tickets);
  return tickets.map((t) => summary(t, l, now, policy));
}

export async function presentTicketDetail(
  deps: Deps,
  t: Ticket,
  viewer: { kind: "resident" } | { kind: "staff"; actions: (a: string) => boolean },
  now = new Date(),
): Promise<TicketDetailView> {
  const { ds } = deps;
  const l = await lookups(ds, [t]);
  const base = summary(t, l, now, deps.config.sla);
  const events = l.events.get(t.id) ?? [];
  const photos = await ds.getRepository(TicketPhoto).find({ where: { ticketId: t.id }, order: { id: "ASC" } });
  const views = photoViews(deps, photos);
  const photoById = new Map(photos.map((p, i) => [p.id, views[i] as PhotoView]));
  const staffIds = [...new Set(events.filter((e) => e.actorKind === "staff").map((e) => e.actorId as number))];
  const staff = new Map(
    (staffIds.length ? await ds.getRepository(StaffUser).findBy({ id: In(staffIds) }) : []).map((s) => [s.id, s]),
  );
  const resident = viewer.kind === "resident";
  const shown = resident ? events.filter((e) => !INTERNAL.has(e.type)) : events;
  const eventViews: TicketEventView[] = shown.map((e) => ({
    id: e.id,
    type: e.type,
    at: e.at.toISOString(),
    actorKind: e.actorKind,
    actorName: resident || e.actorKind !== "staff" ? null : (staff.get(e.actorId as number)?.displayName ?? null),
    cycle: e.cycle,
    text: eventText(e),
    data: resident ? null : e.data,
    photos: photos.filter((p) => p.eventId === e.id).map((p) => photoById.get(p.id) as PhotoView),
  }));
  const linked = t.incidentId
    ? (await ds.getRepository(Ticket).find({ select: { id: true }, where: { incidentId: t.incidentId } }))
        .map((x) => x.id)
        .filter((id) => id !== t.id)
    : [];
  const paused = base.sla.paused;
  const check = await coldRoomCheck(ds, t, now);
  return {
    ...base,
    transferNo: t.transferNo,
    contactName: t.contactName,
    contactPhone: maskedContactPhone(deps, t),
    preferredContactTime: t.preferredContactTime,
    dispatchedStationName: t.dispatchedStationId ? (l.stations.get(t.dispatchedStationId)?.name ?? null) : null,
    crew: t.crew,
    photos: photos
      .filter((p) => p.eventId === null || events[0]?.id === p.eventId)
      .map((p) => photoById.get(p.id) as PhotoView),
    events: eventViews,
    linkedTicketIds: linked,
    actions: resident
      ? t.status === "resolved"
        ? ["rate"]
        : (WORKING_STATUSES as readonly string[]).includes(t.status) &&
            check.required &&
            !(check.met && check.by === "resident")
          ? ["confirm_restored"]
          : []
      : allowedActions(t, paused).filter((a) => viewer.actions(a)),
    resolveCheck:
      resident || !check.required || !(WORKING_STATUSES as readonly string[]).includes(t.status)
        ? null
        : check.met
          ? { met: true, floorC10: null, lastReadingC10: null, reason: null }
          : { met: false, floorC10: check.floorC10, lastReadingC10: check.lastReadingC10, reason: check.reason },
  };
}

/**
 * 三率 (响应率, 解决率, 满意率) and the plan's 办结率 of the service desk, every figure recomputed from the
 * ticket event log (pure: the server loads the tickets and their events, these rules count them). The
 * definitions, in words, are in ../serviceRates.ts (SERVICE_RATE_DEFINITIONS, SERVICE_RATE_SCOPE); this file
 * is their arithmetic:
 *
 * - a ticket counts in the period of its "created" event (Shanghai date), at its station (the station of
 *   its account's building, "未关联换热站" when none) and under its channel;
 * - a duplicate (linked into another ticket's incident) counts in `tickets` and `duplicates` only;
 * - response: the first cycle's response clock (computeSla, events before the first reopening); due once
 *   met or breached, in time when met and not breached;
 * - completion (按时办结): the current cycle's resolution clock met and not breached, and the result replied
 *   (a follow-up that reached the resident, or a 无法联系 follow-up with the result sent by SMS) within
 *   REPLY_LIMIT_HOURS of the resolution; due once completed, or once the resolution clock is breached, or
 *   once the reply window after the resolution has closed;
 * - solve / satisfaction: the last follow-up (readFollowUp) that reached the resident; 无法联系 (per
 *   UNREACHABLE_RULE) is counted apart and left out of both.
 *
 * Everything is evaluated at the report time (`now`): a ticket created in the range and closed after its
 * end counts with its outcome at `now`, as 12345 practice reports a month's tickets with their current outcome.
 */
import type { RateGroup, ServiceRateRow, ServiceRatesQuery, ServiceRatesView } from "../api/tickets";
import { addDays, type BizDate, daysBetween, isBizDate, shanghaiDate } from "../billing/dates";
import { roundHalfUp } from "../billing/money";
import { type FollowUpReading, REPLY_LIMIT_HOURS, readFollowUp } from "../serviceRates";
import {
  type IncidentGrade,
  TICKET_CHANNEL_LABELS,
  TICKET_CHANNELS,
  type TicketCategory,
  type TicketChannel,
  type TicketEventType,
} from "./constants";
import { computeSla, DEFAULT_SLA_POLICY, type SlaEvent, type SlaPolicy } from "./sla";

/** The longest range one report may cover, in days (both ends included). */
export const MAX_REPORT_DAYS = 366;
export const NO_STATION_LABEL = "未关联换热站";
/** the key of the station group of tickets without a station */
export const NO_STATION_KEY = "none";

export interface RateEvent {
  type: TicketEventType;
  at: Date;
  data?: Record<string, unknown> | null;
}

export interface RateTicket {
  id: number;
  createdAt: Date;
  stationId: number | null;
  stationName: string | null;
  channel: TicketChannel;
  category: TicketCategory;
  /** the lead ticket of its incident (itself when it leads), null when not linked */
  incidentId?: number | null;
  events: RateEvent[];
}

/** What one ticket contributes to the rates, at `now`. */
export interface TicketOutcome {
  /** Shanghai date of the "created" event */
  date: BizDate;
  /** linked into another ticket's incident: left out of every rate */
  duplicate: boolean;
  responseDue: boolean;
  respondedInTime: boolean;
  completionDue: boolean;
  completed: boolean;
  /** the last follow-up that counts: reached the resident, 无法联系 by the rule, or none yet */
  followUp: "reached" | "unreachable" | "none";
  solved: boolean;
  /** 满意 or 基本满意 */
  satisfied: boolean;
  basicSatisfied: boolean;
}

/** The event types the rates depend on (the clocks: created, responded, pauses, grades, reopenings; follow-ups). */
export const RATE_EVENT_TYPES: readonly TicketEventType[] = [
  "created",
  "responded",
  "paused",
  "resumed",
  "resolved",
  "graded",
  "reopened",
  "closed",
  "followed_up",
];
/** the event types whose data the rates read (grades for the resolution budget, follow-up answers) */
export const RATE_EVENT_DATA_TYPES: readonly TicketEventType[] = ["created", "graded", "followed_up"];

const byTime = (a: RateEvent, b: RateEvent) => a.at.getTime() - b.at.getTime();
const REPLY_LIMIT_MS = REPLY_LIMIT_HOURS * 3600_000;

function slaEvents(events: RateEvent[]): SlaEvent[] {
  return events.map((e) => ({
    type: e.type,
    at: e.at,
    data: e.type === "created" || e.type === "graded" ? (e.data as { grade?: IncidentGrade } | null) : null,
  }));
}

export function ticketOutcome(t: RateTicket, now: Date, policy: SlaPolicy = DEFAULT_SLA_POLICY): TicketOutcome {
  // stable sort by time, ignoring anything recorded after the report time
  const events = t.events.filter((e) => e.at.getTime() <= now.getTime()).sort(byTime);
  let created = events.find((e) => e.type === "created");
  if (!created) {
    // a ticket row without its first event (should not happen): its creation time stands in for it
    created = { type: "created", at: t.createdAt };
    events.unshift(created);
  }
  const date = shanghaiDate(created.at);
  const duplicate = t.incidentId !== null && t.incidentId !== undefined && t.incidentId !== t.id;

  // response: the first cycle
  const firstReopen = events.findIndex((e) => e.type === "reopened");
  const firstCycle = firstReopen < 0 ? events : events.slice(0, firstReopen);
  const response = responseFirstCycle(t.category, firstCycle, created.at, now, policy);

  // completion: the current cycle, handled in time and replied in time
  const sla = computeSla(t.category, slaEvents(events), now, policy);
  const lastReopen = events.map((e) => e.type).lastIndexOf("reopened");
  const cycle = lastReopen < 0 ? events : events.slice(lastReopen + 1);
  const resolvedAt = sla.resolution.metAt;
  let replyAt: Date | null = null;
  if (resolvedAt) {
    for (const e of cycle) {
      if (e.type !== "followed_up" || e.at.getTime() < resolvedAt.getTime()) continue;
      const r = readFollowUp(e.data);
      const at = r.kind === "reached" ? e.at : r.kind === "unreachable" ? r.smsAt : null;
      if (at && (replyAt === null || at.getTime() < replyAt.getTime())) replyAt = at;
    }
  }
  const handledInTime = resolvedAt !== null && !sla.resolution.breached;
  const repliedInTime =
    resolvedAt !== null && replyAt !== null && replyAt.getTime() - resolvedAt.getTime() <= REPLY_LIMIT_MS;
  const completed = handledInTime && repliedInTime;
  const replyWindowOver = resolvedAt !== null && now.getTime() - resolvedAt.getTime() > REPLY_LIMIT_MS;
  const completionDue = completed || sla.resolution.breached || replyWindowOver;

  // solve / satisfaction: the last follow-up that counts
  let last: FollowUpReading | null = null;
  for (const e of events) {
    if (e.type !== "followed_up") continue;
    const r = readFollowUp(e.data);
    if (r.kind !== "incomplete") last = r;
  }
  const reached = last?.kind === "reached" ? last : null;
  return {
    date,
    duplicate,
    responseDue: response.due,
    respondedInTime: response.inTime,
    completionDue,
    completed,
    followUp: reached ? "reached" : last?.kind === "unreachable" ? "unreachable" : "none",
    solved: reached?.solved === true,
    satisfied: reached !== null && reached.level !== "unsatisfied",
    basicSatisfied: reached?.level === "basic",
  };
}

/** Whether the response clock of the first cycle (the events before the first reopening) is due, and was met in time. */
function responseFirstCycle(
  category: TicketCategory,
  events: RateEvent[],
  createdAt: Date,
  now: Date,
  policy: SlaPolicy,
): { due: boolean; inTime: boolean } {
  const responded = events.find((e) => e.type === "responded");
  // Exact shortcut for the common case: service time never exceeds wall-clock time (service windows and
  // pauses only take time away), so a first contact within the budget on the wall clock is in time.
  if (responded && responded.at.getTime() - createdAt.getTime() <= policy.responseMinutes * 60_000) {
    return { due: true, inTime: true };
  }
  // only the response clock is read: it depends on the times alone (grades only move the resolution clock)
  const clock = computeSla(category, slaEvents(events), now, policy).response;
  return { due: clock.metAt !== null || clock.breached, inTime: clock.metAt !== null && !clock.breached };
}

// --- the range ---

/** What is wrong with a report's range: dates that are not real dates, a reversed range, or one too long. */
export type RateRangeProblem =
  | { kind: "invalid"; fields: { path: "from" | "to"; message: string }[] }
  | { kind: "too_long"; maxDays: number };

/** Checks a range: real dates, from ≤ to, at most MAX_REPORT_DAYS days (null when it is fine). */
export function rateRangeProblem(query: Pick<ServiceRatesQuery, "from" | "to">): RateRangeProblem | null {
  const fields: { path: "from" | "to"; message: string }[] = [];
  if (!isBizDate(query.from)) fields.push({ path: "from", message: "开始日期无效" });
  if (!isBizDate(query.to)) fields.push({ path: "to", message: "结束日期无效" });
  if (fields.length) return { kind: "invalid", fields };
  if (query.to < query.from) return { kind: "invalid", fields: [{ path: "to", message: "结束日期不能早于开始日期" }] };
  if (daysBetween(query.from, query.to) + 1 > MAX_REPORT_DAYS) return { kind: "too_long", maxDays: MAX_REPORT_DAYS };
  return null;
}

// --- grouping ---

const WEEKDAY_LABELS = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"];

function dayOfWeek(d: BizDate): number {
  return new Date(`${d}T00:00:00Z`).getUTCDay();
}

/** Monday of the ISO week containing d. */
export function isoWeekStart(d: BizDate): BizDate {
  return addDays(d, -((dayOfWeek(d) + 6) % 7));
}

/** ISO 8601 week-numbering year and week of a date. */
export function isoWeek(d: BizDate): { year: number; week: number } {
  const thursday = addDays(isoWeekStart(d), 3);
  const year = Number(thursday.slice(0, 4));
  return { year, week: Math.floor(daysBetween(`${year}-01-01`, thursday) / 7) + 1 };
}

const md = (d: BizDate) => d.slice(5);

export function periodKey(groupBy: "day" | "week" | "month", d: BizDate): string {
  if (groupBy === "day") return d;
  if (groupBy === "week") return isoWeekStart(d);
  return d.slice(0, 7);
}

export function periodLabel(groupBy: "day" | "week" | "month", key: string): string {
  if (groupBy === "day") {
    return `${key.slice(0, 4)}年${Number(key.slice(5, 7))}月${Number(key.slice(8, 10))}日（${WEEKDAY_LABELS[dayOfWeek(key)]}）`;
  }
  if (groupBy === "week") {
    const { year, week } = isoWeek(key);
    return `${year}年第${week}周 (${md(key)}～${md(addDays(key, 6))})`;
  }
  return `${key.slice(0, 4)}年${Number(key.slice(5, 7))}月`;
}

interface Counts {
  tickets: number;
  duplicates: number;
  responseDue: number;
  respondedInTime: number;
  completionDue: number;
  completed: number;
  followedUp: number;
  solved: number;
  satisfied: number;
  basicSatisfied: number;
  unreachable: number;
}

const ratio = (n: number, d: number) => (d === 0 ? null : n / d);

function toRow(key: string, label: string, c: Counts): ServiceRateRow {
  return {
    key,
    label,
    ...c,
    responseRate: ratio(c.respondedInTime, c.responseDue),
    completionRate: ratio(c.completed, c.completionDue),
    solveRate: ratio(c.solved, c.followedUp),
    satisfactionRate: ratio(c.satisfied, c.followedUp),
  };
}

const zero = (): Counts => ({
  tickets: 0,
  duplicates: 0,
  responseDue: 0,
  respondedInTime: 0,
  completionDue: 0,
  completed: 0,
  followedUp: 0,
  solved: 0,
  satisfied: 0,
  basicSatisfied: 0,
  unreachable: 0,
});

function add(c: Counts, o: TicketOutcome) {
  c.tickets += 1;
  if (o.duplicate) {
    c.duplicates += 1;
    return;
  }
  if (o.responseDue) c.responseDue += 1;
  if (o.respondedInTime) c.respondedInTime += 1;
  if (o.completionDue) c.completionDue += 1;
  if (o.completed) c.completed += 1;
  if (o.followUp === "reached") c.followedUp += 1;
  if (o.followUp === "unreachable") c.unreachable += 1;
  if (o.solved) c.solved += 1;
  if (o.satisfied) c.satisfied += 1;
  if (o.basicSatisfied) c.basicSatisfied += 1;
}

/** The time periods of a range, in order (every one, also those without tickets, for continuous charts). */
function periodsOf(groupBy: "day" | "week" | "month", from: BizDate, to: BizDate): string[] {
  const keys: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const k = periodKey(groupBy, d);
    if (keys[keys.length - 1] !== k) keys.push(k);
  }
  return keys;
}

function compareStationKeys(a: string, b: string): number {
  if (a === b) return 0;
  if (a === NO_STATION_KEY) return 1;
  if (b === NO_STATION_KEY) return -1;
  return Number(a) - Number(b);
}

/**
 * The report from tickets and their events. Tickets whose "created" event falls outside [from, to]
 * (Shanghai dates) are left out. A range with a problem (rateRangeProblem) is a RangeError: callers check
 * the range first and answer it in their own terms.
 *
 * Rows: day / week / month list every period of the range (empty ones included), sorted by key; channel lists
 * every channel, sorted by key; station lists the stations that have tickets, by id, "未关联换热站" last.
 */
export function rateRows(
  tickets: RateTicket[],
  query: ServiceRatesQuery,
  now: Date,
  policy: SlaPolicy = DEFAULT_SLA_POLICY,
): ServiceRatesView {
  const problem = rateRangeProblem(query);
  if (problem) throw new RangeError(`bad report range ${query.from}..${query.to}: ${problem.kind}`);
  const { from, to, groupBy } = query;
  const groups = new Map<string, { label: string; counts: Counts }>();
  const group: Group = (key, label) => {
    let g = groups.get(key);
    if (!g) {
      g = { label: label(), counts: zero() };
      groups.set(key, g);
    }
    return g.counts;
  };
  if (groupBy === "day" || groupBy === "week" || groupBy === "month") {
    for (const k of periodsOf(groupBy, from, to)) group(k, () => periodLabel(groupBy, k));
  } else if (groupBy === "channel") {
    for (const c of TICKET_CHANNELS) group(c, () => TICKET_CHANNEL_LABELS[c]);
  }
  const total = zero();
  const periodKeys = new Map<BizDate, string>(); // a season has ~180 dates: key each once
  const periodOf = (d: BizDate) => {
    let k = periodKeys.get(d);
    if (k === undefined) {
      k = periodKey(groupBy === "week" || groupBy === "month" ? groupBy : "day", d);
      periodKeys.set(d, k);
    }
    return k;
  };
  for (const t of tickets) {
    const o = ticketOutcome(t, now, policy);
    if (o.date < from || o.date > to) continue;
    add(total, o);
    add(groupOf(groupBy, t, periodOf(o.date), group), o);
  }
  const sorted = [...groups.entries()].sort(([a], [b]) =>
    groupBy === "station" ? compareStationKeys(a, b) : a < b ? -1 : a > b ? 1 : 0,
  );
  return {
    from,
    to,
    groupBy,
    rows: sorted.map(([key, g]) => toRow(key, g.label, g.counts)),
    total: toRow("total", "合计", total),
  };
}

/** the counts of a group, made (with its label) on first use */
type Group = (key: string, label: () => string) => Counts;

function groupOf(groupBy: RateGroup, t: RateTicket, period: string, group: Group): Counts {
  switch (groupBy) {
    case "day":
    case "week":
    case "month":
      return group(period, () => periodLabel(groupBy, period));
    case "station":
      return t.stationId === null
        ? group(NO_STATION_KEY, () => NO_STATION_LABEL)
        : group(String(t.stationId), () => t.stationName ?? `换热站#${t.stationId}`);
    case "channel":
      return group(t.channel, () => TICKET_CHANNEL_LABELS[t.channel] ?? t.channel);
  }
}

/** A rate as the exports show it: "97.5%" (half up, from the integer counts so no float noise), "" when the denominator is 0. */
export function ratePercent(numerator: number, denominator: number): string {
  if (denominator === 0) return "";
  const tenths = roundHalfUp(numerator * 1000, denominator);
  return `${Math.floor(tenths / 10)}.${tenths % 10}%`;
}

/**
 * 三率 (response rate, completion rate, satisfaction rate) of the service desk, every figure recomputed
 * from the ticket event log:
 *
 * - a ticket counts in the period of its "created" event (Shanghai date), at its station (the station of
 *   its account's building, "未关联换热站" when none) and under its channel;
 * - responded in time: the first cycle's response clock (computeSla, events before the first reopening)
 *   was met and not breached;
 * - completed (办结): it has a "closed" event and no "reopened" event after the last one;
 * - followed up: at least one "followed_up" event; satisfied: the last one says data.satisfied === true.
 *
 * Everything is evaluated at the report time (`now`): a ticket created in the range and closed after its
 * end still counts as completed, as 12345 practice reports a month's tickets with their current outcome.
 */
import {
  addDays,
  type BizDate,
  computeSla,
  DEFAULT_SLA_POLICY,
  daysBetween,
  isBizDate,
  type RateGroup,
  roundHalfUp,
  type ServiceRateRow,
  type ServiceRatesQuery,
  type ServiceRatesView,
  type SlaEvent,
  type SlaPolicy,
  shanghaiDate,
  shanghaiMidnight,
  TICKET_CHANNEL_LABELS,
  TICKET_CHANNELS,
  type TicketCategory,
  type TicketChannel,
  type TicketEventType,
} from "@warmline/shared";
import ExcelJS from "exceljs";
import type { DataSource } from "typeorm";
import { AppError } from "../../http/errors";
import { HeatStation } from "../accounts";
import { Ticket, TicketEvent } from "../tickets";

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
  events: RateEvent[];
}

/** What one ticket contributes to the rates, at `now`. */
export interface TicketOutcome {
  /** Shanghai date of the "created" event */
  date: BizDate;
  respondedInTime: boolean;
  completed: boolean;
  followedUp: boolean;
  satisfied: boolean;
}

/** The event types the rates depend on (the response clock: created, responded, pauses, reopenings). */
export const RATE_EVENT_TYPES: readonly TicketEventType[] = [
  "created",
  "responded",
  "paused",
  "resumed",
  "reopened",
  "closed",
  "followed_up",
];

const byTime = (a: RateEvent, b: RateEvent) => a.at.getTime() - b.at.getTime();

export function ticketOutcome(t: RateTicket, now: Date, policy: SlaPolicy = DEFAULT_SLA_POLICY): TicketOutcome {
  // stable sort by time, ignoring anything recorded after the report time
  const events = t.events.filter((e) => e.at.getTime() <= now.getTime()).sort(byTime);
  let created = events.find((e) => e.type === "created");
  if (!created) {
    // a ticket row without its first event (should not happen): its creation time stands in for it
    created = { type: "created", at: t.createdAt };
    events.unshift(created);
  }
  const firstReopen = events.findIndex((e) => e.type === "reopened");
  const firstCycle = firstReopen < 0 ? events : events.slice(0, firstReopen);
  const respondedInTime = respondedInTimeFirstCycle(t.category, firstCycle, created.at, now, policy);

  let lastClosed = -1;
  let lastReopened = -1;
  let followUp: RateEvent | null = null;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.type === "closed") lastClosed = i;
    else if (e.type === "reopened") lastReopened = i;
    else if (e.type === "followed_up") followUp = e;
  }
  return {
    date: shanghaiDate(created.at),
    respondedInTime,
    completed: lastClosed >= 0 && lastReopened < lastClosed,
    followedUp: followUp !== null,
    satisfied: followUp?.data?.satisfied === true,
  };
}

/** Whether the response clock of the first cycle (the events before the first reopening) was met in time. */
function respondedInTimeFirstCycle(
  category: TicketCategory,
  events: RateEvent[],
  createdAt: Date,
  now: Date,
  policy: SlaPolicy,
): boolean {
  const responded = events.find((e) => e.type === "responded");
  if (!responded) return false;
  // Exact shortcut for the common case: service time never exceeds wall-clock time (service windows and
  // pauses only take time away), so a first contact within the budget on the wall clock is in time.
  if (responded.at.getTime() - createdAt.getTime() <= policy.responseMinutes * 60_000) return true;
  // only the response clock is read: it depends on the times alone (grades only move the resolution clock)
  const slaEvents: SlaEvent[] = events.map((e) => ({ type: e.type, at: e.at }));
  const clock = computeSla(category, slaEvents, now, policy).response;
  return clock.metAt !== null && !clock.breached;
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
  respondedInTime: number;
  completed: number;
  followedUp: number;
  satisfied: number;
}

const ratio = (n: number, d: number) => (d === 0 ? null : n / d);

function toRow(key: string, label: string, c: Counts): ServiceRateRow {
  return {
    key,
    label,
    ...c,
    responseRate: ratio(c.respondedInTime, c.tickets),
    completionRate: ratio(c.completed, c.tickets),
    satisfactionRate: ratio(c.satisfied, c.followedUp),
  };
}

const zero = (): Counts => ({ tickets: 0, respondedInTime: 0, completed: 0, followedUp: 0, satisfied: 0 });

function add(c: Counts, o: TicketOutcome) {
  c.tickets += 1;
  if (o.respondedInTime) c.respondedInTime += 1;
  if (o.completed) c.completed += 1;
  if (o.followedUp) c.followedUp += 1;
  if (o.satisfied) c.satisfied += 1;
}

/** Validates the range: real dates, from ≤ to, at most MAX_REPORT_DAYS days. */
export function checkRange(query: Pick<ServiceRatesQuery, "from" | "to">): void {
  const bad: { path: string; message: string; in: string }[] = [];
  if (!isBizDate(query.from)) bad.push({ path: "from", message: "开始日期无效", in: "query" });
  if (!isBizDate(query.to)) bad.push({ path: "to", message: "结束日期无效", in: "query" });
  if (bad.length) throw new AppError("VALIDATION_FAILED", bad);
  if (query.to < query.from) {
    throw new AppError("VALIDATION_FAILED", [{ path: "to", message: "结束日期不能早于开始日期", in: "query" }]);
  }
  if (daysBetween(query.from, query.to) + 1 > MAX_REPORT_DAYS) throw new AppError("REPORT_RANGE_TOO_LONG");
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
 * The report from tickets and their events (pure: no database). Tickets whose "created" event falls outside
 * [from, to] (Shanghai dates) are left out.
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
  checkRange(query);
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

// --- loading ---

/** A datetime from a raw row: mysql2 gives Date objects; SQLite gives "YYYY-MM-DD HH:MM:SS.SSS" in UTC. */
export function rawInstant(v: unknown): Date {
  if (v instanceof Date) return v;
  const s = String(v);
  const iso = s.includes("T") ? s : s.replace(" ", "T");
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
}

function rawJson(v: unknown): Record<string, unknown> | null {
  if (v === null || v === undefined || v === "") return null;
  if (typeof v === "object") return v as Record<string, unknown>;
  try {
    const parsed = JSON.parse(String(v)) as unknown;
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Tickets created in [from, to] (Shanghai dates) with the events the rates need: two queries, only the
 * needed columns, raw rows (no entity hydration), so a season (~50k tickets) loads in a second or two.
 */
export async function loadRateTickets(ds: DataSource, from: BizDate, to: BizDate): Promise<RateTicket[]> {
  const start = shanghaiMidnight(from);
  const end = shanghaiMidnight(addDays(to, 1));
  const ticketRows: {
    id: number | string;
    createdAt: unknown;
    stationId: number | string | null;
    stationName: string | null;
    channel: TicketChannel;
    category: TicketCategory;
  }[] = await ds
    .getRepository(Ticket)
    .createQueryBuilder("t")
    .leftJoin(HeatStation, "s", "s.id = t.station_id")
    .select("t.id", "id")
    .addSelect("t.created_at", "createdAt")
    .addSelect("t.station_id", "stationId")
    .addSelect("s.name", "stationName")
    .addSelect("t.channel", "channel")
    .addSelect("t.category", "category")
    .where("t.created_at >= :start AND t.created_at < :end", { start, end })
    .getRawMany();
  const byId = new Map<number, RateTicket>();
  for (const r of ticketRows) {
    byId.set(Number(r.id), {
      id: Number(r.id),
      createdAt: rawInstant(r.createdAt),
      stationId: r.stationId === null || r.stationId === undefined ? null : Number(r.stationId),
      stationName: r.stationName ?? null,
      channel: r.channel,
      category: r.category,
      events: [],
    });
  }
  if (byId.size === 0) return [];
  const eventRows: { ticketId: number | string; type: TicketEventType; at: unknown; data: unknown }[] = await ds
    .getRepository(TicketEvent)
    .createQueryBuilder("e")
    .innerJoin(Ticket, "t", "t.id = e.ticket_id")
    .select("e.ticket_id", "ticketId")
    .addSelect("e.type", "type")
    .addSelect("e.at", "at")
    // only follow-ups need their data (satisfied); other events' notes stay in the database
    .addSelect("CASE WHEN e.type = 'followed_up' THEN e.data ELSE NULL END", "data")
    .where("t.created_at >= :start AND t.created_at < :end", { start, end })
    .andWhere("e.type IN (:...types)", { types: RATE_EVENT_TYPES })
    .orderBy("e.ticket_id")
    .addOrderBy("e.at")
    .addOrderBy("e.id")
    .getRawMany();
  for (const e of eventRows) {
    byId.get(Number(e.ticketId))?.events.push({ type: e.type, at: rawInstant(e.at), data: rawJson(e.data) });
  }
  return [...byId.values()];
}

/** The 三率 report for a query, read from the database. */
export async function serviceRates(
  ds: DataSource,
  query: ServiceRatesQuery,
  now: Date = new Date(),
  policy: SlaPolicy = DEFAULT_SLA_POLICY,
): Promise<ServiceRatesView> {
  checkRange(query);
  return rateRows(await loadRateTickets(ds, query.from, query.to), query, now, policy);
}

// --- exports ---

export const GROUP_LABELS: Record<RateGroup, string> = {
  day: "按日",
  week: "按周",
  month: "按月",
  station: "按换热站",
  channel: "按渠道",
};

export const RATE_COLUMNS = [
  "分组",
  "工单数",
  "及时响应数",
  "响应率",
  "办结数",
  "办结率",
  "回访数",
  "满意数",
  "满意率",
] as const;

/** "97.5%" (half up, from the integer counts so no float noise), "" when the denominator is 0 */
export function percent(numerator: number, denominator: number): string {
  if (denominator === 0) return "";
  const tenths = roundHalfUp(numerator * 1000, denominator);
  return `${Math.floor(tenths / 10)}.${tenths % 10}%`;
}

function csvField(v: string | number): string {
  let s = String(v);
  // a cell that starts like a formula is shown as text (CSV injection)
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvLine(r: ServiceRateRow): string {
  return [
    r.label,
    r.tickets,
    r.respondedInTime,
    percent(r.respondedInTime, r.tickets),
    r.completed,
    percent(r.completed, r.tickets),
    r.followedUp,
    r.satisfied,
    percent(r.satisfied, r.followedUp),
  ]
    .map(csvField)
    .join(",");
}

/** CSV for Excel: UTF-8 with a BOM, CRLF line ends, Chinese header, rows then 合计. */
export function serviceRatesCsv(view: ServiceRatesView): string {
  const lines = [RATE_COLUMNS.join(","), ...view.rows.map(csvLine), csvLine(view.total)];
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

export const XLSX_SHEET_NAME = "三率统计";

export function reportTitle(view: Pick<ServiceRatesView, "from" | "to" | "groupBy">): string {
  return `供热服务三率统计（${view.from} 至 ${view.to}，${GROUP_LABELS[view.groupBy]}）`;
}

/**
 * The workbook: one sheet "三率统计"; row 1 the title with the range, row 2 the header (frozen with the
 * title), then a row per group and the 合计 row; rates are numbers formatted 0.0% (empty when undefined).
 */
export async function serviceRatesXlsx(view: ServiceRatesView): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "暖线 Warmline";
  const ws = wb.addWorksheet(XLSX_SHEET_NAME, { views: [{ state: "frozen", xSplit: 1, ySplit: 2 }] });
  ws.columns = [
    { key: "label", width: 30 },
    { key: "tickets", width: 10 },
    { key: "respondedInTime", width: 12 },
    { key: "responseRate", width: 10, style: { numFmt: "0.0%" } },
    { key: "completed", width: 10 },
    { key: "completionRate", width: 10, style: { numFmt: "0.0%" } },
    { key: "followedUp", width: 10 },
    { key: "satisfied", width: 10 },
    { key: "satisfactionRate", width: 10, style: { numFmt: "0.0%" } },
  ];
  ws.addRow([reportTitle(view)]);
  ws.mergeCells(1, 1, 1, RATE_COLUMNS.length);
  const title = ws.getRow(1);
  title.font = { bold: true, size: 14 };
  title.height = 24;
  title.alignment = { vertical: "middle", horizontal: "center" };
  const header = ws.addRow([...RATE_COLUMNS]);
  header.font = { bold: true };
  header.alignment = { vertical: "middle", horizontal: "center" };
  header.eachCell((c) => {
    c.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFE8EEF7" } };
    c.border = { bottom: { style: "thin" } };
  });
  const cells = (r: ServiceRateRow) => [
    r.label,
    r.tickets,
    r.respondedInTime,
    r.responseRate,
    r.completed,
    r.completionRate,
    r.followedUp,
    r.satisfied,
    r.satisfactionRate,
  ];
  for (const r of view.rows) ws.addRow(cells(r));
  const total = ws.addRow(cells(view.total));
  total.font = { bold: true };
  total.eachCell((c) => {
    c.border = { top: { style: "thin" } };
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

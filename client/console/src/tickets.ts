/** Display helpers of the service desk (工单): SLA countdowns, temperatures, reply templates, rates. */
import {
  type ClockViewDto,
  MeasureSchema,
  REPLY_TEMPLATES,
  type SlaView,
  type TicketStatus,
  type TicketSummaryView,
} from "@warmline/shared";
import { EMPTY, formatDateTime } from "./format";

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * Time left on a clock as the board shows it: "00:25:13", "1天 02:00:00"; overdue: "超时 00:05:00".
 * Whole seconds, cut down (a clock with 0.4 s left shows 00:00:00 and is not overdue yet).
 */
export function formatCountdown(ms: number): string {
  const overdue = ms < 0;
  const total = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(total / 86_400);
  const rest = total % 86_400;
  const hms = `${pad(Math.floor(rest / 3600))}:${pad(Math.floor((rest % 3600) / 60))}:${pad(rest % 60)}`;
  const text = days > 0 ? `${days}天 ${hms}` : hms;
  return overdue ? `超时 ${text}` : text;
}

/** A budget in minutes: "30分钟", "4小时", "1小时30分钟". */
export function formatMinutes(min: number): string {
  const m = Math.round(min);
  const h = Math.floor(Math.abs(m) / 60);
  const r = Math.abs(m) % 60;
  const sign = m < 0 ? "-" : "";
  if (h === 0) return `${sign}${r}分钟`;
  return r === 0 ? `${sign}${h}小时` : `${sign}${h}小时${r}分钟`;
}

/** Milliseconds until the clock that runs out first (negative: overdue); null when no clock runs. */
export function remainingMs(sla: SlaView, now: number): number | null {
  return sla.next ? Date.parse(sla.next.dueAt) - now : null;
}

export type SlaLevel = "breached" | "paused" | "warned" | "ok";

const clocksOf = (sla: SlaView): ClockViewDto[] =>
  [sla.response, sla.resolution, sla.measurement].filter((c): c is ClockViewDto => c !== null);

/** A clock still running (or paused) is over its budget now; the server's flag, or its due time has passed. */
export function clockBreached(c: ClockViewDto, now: number): boolean {
  if (c.metAt !== null) return c.breached;
  return c.breached || (c.dueAt !== null && Date.parse(c.dueAt) < now);
}

/** A clock not yet met has used 75 % of its budget. */
export function clockWarned(c: ClockViewDto, now: number): boolean {
  if (c.metAt !== null) return false;
  return c.warned || (!c.paused && c.warnAt !== null && Date.parse(c.warnAt) <= now);
}

/**
 * How a ticket stands on the board now: a clock still to be met is over its budget (red), the clocks are
 * paused waiting for the resident (grey), one has used 75 % of its budget (orange), or all is well.
 * Clocks met in time or late no longer colour the row; the detail page shows them.
 */
export function slaLevel(sla: SlaView, now: number): SlaLevel {
  const pending = clocksOf(sla).filter((c) => c.metAt === null);
  const left = remainingMs(sla, now);
  if (pending.some((c) => clockBreached(c, now)) || (left !== null && left < 0)) return "breached";
  if (sla.paused) return "paused";
  if (pending.some((c) => clockWarned(c, now))) return "warned";
  return "ok";
}

/** Board order: least time left first (overdue on top), tickets with no running clock and paused ones last. */
export function compareByTimeLeft(a: TicketSummaryView, b: TicketSummaryView): number {
  const rank = (t: TicketSummaryView) => (t.sla.paused ? 2 : t.sla.next ? 0 : 1);
  const r = rank(a) - rank(b);
  if (r !== 0) return r;
  const due = (t: TicketSummaryView) => (t.sla.next ? Date.parse(t.sla.next.dueAt) : Number.POSITIVE_INFINITY);
  const d = due(a) - due(b);
  if (d !== 0 && !Number.isNaN(d)) return d;
  return a.createdAt.localeCompare(b.createdAt);
}

/** 185 → "18.5℃"; null → "—". */
export function formatTempC10(c10: number | null | undefined): string {
  if (c10 === null || c10 === undefined) return EMPTY;
  return `${(c10 / 10).toFixed(1)}℃`;
}

export type TempParse = { ok: true; c10: number } | { ok: false; message: string };

/** Which reading: the server's bounds differ (室内 -20…40 ℃, 室外 -50…45 ℃); false: none. */
export type TempRange = "indoor" | "outdoor" | false;

const TEMP = /^([+-]?)(\d{1,3})(?:\.(\d))?$/;

/**
 * A reading typed in ℃ with at most one decimal, exactly in tenths (no floating point): "16.5" → 165,
 * "-3" → -30, checked against the server's bounds for that reading.
 */
export function parseTempC10(text: string | null | undefined, range: TempRange = "indoor"): TempParse {
  const t = (text ?? "").trim().replace("℃", "");
  if (t === "") return { ok: false, message: "请填写温度" };
  const m = TEMP.exec(t);
  if (!m) return { ok: false, message: "温度请填写数字，最多一位小数（如 16.5）" };
  const c10 = (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 10 + Number(m[3] ?? 0));
  if (range) {
    const schema = range === "indoor" ? MeasureSchema.shape.indoorTempC10 : MeasureSchema.shape.outdoorTempC10;
    const r = schema.safeParse(c10);
    if (!r.success) return { ok: false, message: r.error.issues[0]?.message ?? "温度读数不合理" };
  }
  return { ok: true, c10: c10 === 0 ? 0 : c10 };
}

export type ReplyTemplateKey = keyof typeof REPLY_TEMPLATES;

/** The reply an agent reads out or sends at each status (a new ticket's first contact says "已收到"). */
export function templateKeyFor(status: TicketStatus): ReplyTemplateKey | null {
  switch (status) {
    case "new":
    case "responded":
      return "responded";
    case "dispatched":
      return "dispatched";
    case "on_site":
      return "on_site";
    case "resolved":
      return "resolved";
    default:
      return null;
  }
}

export interface TemplateTicket {
  ticketNo: string;
  stationName: string | null;
  dispatchedStationName?: string | null;
}

/** A reply template with {ticketNo}, {station} and {time} filled in. */
export function fillTemplate(key: ReplyTemplateKey, t: TemplateTicket, now: Date = new Date()): string {
  const station = t.dispatchedStationName ?? t.stationName ?? "所属换热站";
  return REPLY_TEMPLATES[key]
    .replaceAll("{ticketNo}", t.ticketNo)
    .replaceAll("{station}", station)
    .replaceAll("{time}", formatDateTime(now.toISOString()).slice(0, 16));
}

/** A ratio 0..1 as a percentage with one decimal; null (nothing to divide by) → "—". */
export function formatRate(r: number | null | undefined): string {
  if (r === null || r === undefined) return EMPTY;
  return `${(r * 100).toFixed(1)}%`;
}

/** The first day of the heating season a Beijing date is in (or after): 10-15 of this year or the last. */
export function seasonStart(today: string): string {
  const year = Number(today.slice(0, 4));
  return today.slice(5) >= "10-15" ? `${year}-10-15` : `${year - 1}-10-15`;
}

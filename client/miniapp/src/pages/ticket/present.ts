import {
  type ClockViewDto,
  type FollowUpInput,
  FollowUpSchema,
  type PhotoView,
  type SlaClock,
  type SlaView,
  TICKET_CATEGORY_LABELS,
  TICKET_EVENT_LABELS,
  TICKET_STATUS_LABELS,
  type TicketCategory,
  type TicketEventView,
  type TicketStatus,
} from "@warmline/shared";

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const pad = (n: number) => String(n).padStart(2, "0");

/** While a ticket is open its page asks the server again every 15 s; countdowns tick every second. */
export const REFRESH_MS = 15_000;
export const TICK_MS = 1000;

export const ticketStatusLabel = (status: TicketStatus): string => TICKET_STATUS_LABELS[status] ?? status;
/** CSS modifier of the status tag: status-ticket-new | -responded | … | -closed */
export const ticketStatusClass = (status: TicketStatus): string => `status-ticket-${status}`;
export const categoryLabel = (category: TicketCategory): string => TICKET_CATEGORY_LABELS[category] ?? category;
/** Everything but 已办结 still moves: its page keeps refreshing. */
export const isOpen = (status: TicketStatus): boolean => status !== "closed";

/** A reading in tenths of a degree: 165 → "16.5℃". */
export function temperatureText(c10: number | null | undefined): string {
  if (c10 === null || c10 === undefined) return "—";
  const sign = c10 < 0 ? "-" : "";
  const abs = Math.abs(c10);
  return `${sign}${Math.floor(abs / 10)}.${abs % 10}℃`;
}

/** A length of time on a countdown: "04:05" under an hour, "1:02:03" from an hour on. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(s / 3600);
  const rest = `${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
  return hours > 0 ? `${hours}:${rest}` : rest;
}

export type CountdownState = "running" | "overdue" | "paused" | "none";

export interface Countdown {
  state: CountdownState;
  /** "剩余 12:34", "已超时 03:10", "已暂停计时" or "" */
  text: string;
  /** the clock counted down */
  clock: SlaClock | null;
}

/**
 * Time left on a due instant at `now`: "剩余 12:34" while ahead (seconds rounded up, so it reads 00:00
 * only when due), "已超时 03:10" once past it.
 */
export function countdownTo(dueAt: string, now: number, clock: SlaClock | null = null): Countdown {
  const due = Date.parse(dueAt);
  if (Number.isNaN(due)) return { state: "none", text: "", clock };
  const ms = due - now;
  if (ms > 0) return { state: "running", text: `剩余 ${formatDuration(Math.ceil(ms / 1000))}`, clock };
  return { state: "overdue", text: `已超时 ${formatDuration(Math.floor(-ms / 1000))}`, clock };
}

/**
 * The live countdown of a ticket: the clock that runs out first (sla.next), recomputed locally every
 * second; "已暂停计时" while the service clocks are paused (waiting for the resident).
 */
export function slaCountdown(sla: SlaView, now: number): Countdown {
  if (sla.paused) return { state: "paused", text: "已暂停计时", clock: null };
  if (!sla.next) return { state: "none", text: "", clock: null };
  return countdownTo(sla.next.dueAt, now, sla.next.clock);
}

/** "30分钟", "1小时", "1小时30分钟", "24小时" */
export function budgetText(minutes: number): string {
  const m = Math.max(0, Math.round(minutes));
  if (m < 60) return `${m}分钟`;
  const hours = Math.floor(m / 60);
  return m % 60 ? `${hours}小时${m % 60}分钟` : `${hours}小时`;
}

/** The Shanghai calendar day of an instant, "2026-11-27". */
const shanghaiDay = (ms: number) => new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);

/** An instant as Beijing time: "10:12" today, "11-26 10:12" on another day. */
export function shortTime(iso: string, now: number): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const d = new Date(ms + SHANGHAI_OFFSET_MS);
  const hm = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return shanghaiDay(ms) === shanghaiDay(now) ? hm : `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${hm}`;
}

const CLOCK_PROMISE: Record<SlaClock, (budget: string) => string> = {
  response: (b) => `${b}内响应`,
  resolution: (b) => `${b}内处理完成`,
  measurement: (b) => `${b}内入户测温`,
};

const CLOCK_MET: Record<SlaClock, string> = {
  response: "响应",
  resolution: "处理完成",
  measurement: "入户测温",
};

export type ClockState = "running" | "overdue" | "paused" | "met" | "idle";

export interface ClockLine {
  clock: SlaClock;
  /** the promise: "30分钟内响应", "1小时内处理完成", "24小时内入户测温" */
  title: string;
  /** "剩余 29:58", "已超时 00:12", "已暂停计时", "已于 10:12 响应" */
  value: string;
  state: ClockState;
  /** met after the time allowed */
  late: boolean;
}

/** One SLA clock as the ticket page shows it at `now`. */
export function clockLine(view: ClockViewDto, now: number): ClockLine {
  const title = CLOCK_PROMISE[view.clock](budgetText(view.budgetMinutes));
  const base = { clock: view.clock, title, late: false };
  if (view.metAt) {
    return {
      ...base,
      state: "met",
      value: `已于 ${shortTime(view.metAt, now)} ${CLOCK_MET[view.clock]}`,
      late: view.breached,
    };
  }
  if (view.paused) return { ...base, state: "paused", value: "已暂停计时" };
  if (!view.dueAt) return { ...base, state: "idle", value: "" };
  const countdown = countdownTo(view.dueAt, now, view.clock);
  return { ...base, state: countdown.state === "overdue" ? "overdue" : "running", value: countdown.text };
}

/** The clocks a resident sees, in order: response, resolution, then the measurement visit (cold rooms). */
export function clockLines(sla: SlaView, now: number): ClockLine[] {
  const views = [sla.response, sla.resolution, ...(sla.measurement ? [sla.measurement] : [])];
  return views.map((view) => clockLine(view, now));
}

/**
 * Which clock line carries the page's one live countdown (.sla-countdown): the clock that runs out first,
 * or while paused the first paused one; null when nothing runs.
 */
export function liveClock(sla: SlaView, lines: ClockLine[]): SlaClock | null {
  if (sla.next && lines.some((l) => l.clock === sla.next?.clock)) return sla.next.clock;
  return lines.find((l) => l.state === "paused")?.clock ?? null;
}

export interface TimelineEntry {
  id: number;
  label: string;
  time: string;
  /** the server's summary, unless it only repeats the label */
  text: string;
  photos: PhotoView[];
}

/** The events as the resident reads them, newest first. */
export function timeline(events: TicketEventView[], format: (iso: string) => string): TimelineEntry[] {
  return [...events]
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || b.id - a.id)
    .map((e) => {
      const label = TICKET_EVENT_LABELS[e.type] ?? e.type;
      const text = e.text?.trim() ?? "";
      return { id: e.id, label, time: format(e.at), text: text === label ? "" : text, photos: e.photos ?? [] };
    });
}

/** What the rating card holds. */
export interface RatingForm {
  satisfied: boolean | null;
  /** 0 = no star chosen */
  score: number;
  comment: string;
}

export const emptyRating = (): RatingForm => ({ satisfied: null, score: 0, comment: "" });

/** Checks the rating with the server's schema; no empty comment is sent. */
export function validateRating(form: RatingForm): { input: FollowUpInput } | { message: string } {
  if (form.satisfied === null) return { message: "请选择是否满意" };
  if (form.score < 1) return { message: "请点击星星为本次服务评分" };
  const comment = form.comment.trim();
  const parsed = FollowUpSchema.safeParse({
    satisfied: form.satisfied,
    score: form.score,
    comment: comment || undefined,
  });
  if (!parsed.success) return { message: parsed.error.issues[0]?.message ?? "评价信息有误" };
  return { input: parsed.data };
}

/**
 * The message under the rating after the resident changed it: gone as soon as the rating can be sent,
 * otherwise what is still missing; nothing when nothing was shown (the next 提交 checks it).
 */
export function recheckRating(shown: string, form: RatingForm): string {
  if (!shown) return shown;
  const checked = validateRating(form);
  return "message" in checked ? checked.message : "";
}

/** The resident's rating once given: "满意 · 5星" */
export function ratingText(satisfied: boolean | null, score: number | null): string {
  if (satisfied === null) return "";
  return `${satisfied ? "满意" : "不满意"}${score ? ` · ${score}星` : ""}`;
}

/**
 * Photo links are signed and short-lived, and every refresh brings new ones: an <Image> keeps the link
 * it has for `keepMs` (it does not load the photo again every 15 s), then takes the fresh one.
 */
export function stablePhotoUrls(
  previous: ReadonlyMap<number, { url: string; at: number }>,
  fresh: PhotoView[],
  now: number,
  keepMs = 4 * 60_000,
): Map<number, { url: string; at: number }> {
  const next = new Map<number, { url: string; at: number }>();
  for (const photo of fresh) {
    const kept = previous.get(photo.id);
    next.set(photo.id, kept && now - kept.at < keepMs ? kept : { url: photo.url, at: now });
  }
  return next;
}

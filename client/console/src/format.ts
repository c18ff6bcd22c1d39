/** Display helpers. Instants arrive as UTC ISO strings and are shown in Beijing time. */

const dateTime = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

/** "2025-11-27T07:22:01Z" → "2025-11-27 15:22:01"; unparseable input is returned as is. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return EMPTY;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = Object.fromEntries(dateTime.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

const calendarDate = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Asia/Shanghai",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/** The Beijing calendar date of an instant, "YYYY-MM-DD". */
export function shanghaiDate(at: Date): string {
  const p = Object.fromEntries(calendarDate.formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}`;
}

/** Yesterday in Beijing (no daylight saving there, so 24 hours back is always the previous date). */
export function yesterdayInShanghai(now: Date = new Date()): string {
  return shanghaiDate(new Date(now.getTime() - 24 * 60 * 60 * 1000));
}

/** Heated area in m², always two decimals. */
export function formatArea(sqm: number): string {
  return sqm.toFixed(2);
}

export const EMPTY = "—";

export function orEmpty(v: string | number | null | undefined): string {
  return v === null || v === undefined || v === "" ? EMPTY : String(v);
}

/** An instant as a Beijing wall-clock value for <input type="datetime-local">: "2026-01-10T15:30". */
export function shanghaiDateTimeLocal(at: Date): string {
  return formatDateTime(at.toISOString()).replace(" ", "T").slice(0, 16);
}

/** A Beijing wall-clock value of <input type="datetime-local"> as a UTC ISO instant; null if unreadable. */
export function fromShanghaiLocal(value: string | null | undefined): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::(\d{2}))?$/.exec((value ?? "").trim());
  if (!m) return null;
  const d = new Date(`${m[1]}T${m[2]}:${m[3] ?? "00"}+08:00`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

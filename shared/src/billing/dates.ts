/**
 * Business dates are Asia/Shanghai calendar dates written "YYYY-MM-DD". China has had no daylight saving
 * time since 1991, so Shanghai is always UTC+8 and date arithmetic can use UTC midnights.
 */
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export type BizDate = string;

export function isBizDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

/** The Shanghai calendar date of an instant. */
export function shanghaiDate(instant: Date): BizDate {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** Midnight at the start of a Shanghai date, as an instant. */
export function shanghaiMidnight(date: BizDate): Date {
  return new Date(toUtcMs(date) - SHANGHAI_OFFSET_MS);
}

function toUtcMs(date: BizDate): number {
  const m = DATE_RE.exec(date);
  if (!m) throw new Error(`not a date: ${date}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

/** Whole days from a to b (positive when b is later). */
export function daysBetween(a: BizDate, b: BizDate): number {
  return Math.round((toUtcMs(b) - toUtcMs(a)) / DAY_MS);
}

export function addDays(date: BizDate, days: number): BizDate {
  return new Date(toUtcMs(date) + days * DAY_MS).toISOString().slice(0, 10);
}

export function maxDate(a: BizDate, b: BizDate): BizDate {
  return a >= b ? a : b;
}

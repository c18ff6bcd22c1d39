import { addDays, type BizDate, isBizDate } from "./billing/dates";

/**
 * Working days on the Chinese calendar (工作日): Monday–Friday, except the public holidays of the State
 * Council's yearly notice (国务院办公厅关于部分节假日安排的通知), plus the weekend days that notice turns
 * into make-up working days (调休上班). The notice for year N+1 appears late in year N, so the data of a
 * year may be missing: every function here REFUSES (throws `CalendarYearMissingError`) as soon as a day it
 * has to look at lies in a year without data. It never guesses plain Mon–Fri.
 *
 * Dates are Asia/Shanghai business dates "YYYY-MM-DD".
 */

/**
 * The kind of a calendar day: an ordinary working day (Mon–Fri), an ordinary weekend rest day, a public
 * holiday (on any weekday, including the weekend days the notice counts into the holiday), or a make-up
 * working day on a Saturday/Sunday (调休上班).
 */
export const CALENDAR_DAY_KINDS = ["workday", "restday", "holiday", "makeup_workday"] as const;
export type CalendarDayKind = (typeof CALENDAR_DAY_KINDS)[number];
export const CALENDAR_DAY_KIND_LABELS: Record<CalendarDayKind, string> = {
  workday: "工作日",
  restday: "休息日",
  holiday: "节假日",
  makeup_workday: "调休上班",
};

/**
 * What the functions need: the kind of days of the covered years, and which years are covered. A covered
 * year's days missing from `days` are ordinary (Mon–Fri working, Sat/Sun rest), so `days` may hold every
 * day of the year or just the holidays and make-up days.
 */
export interface CalendarData {
  days: ReadonlyMap<BizDate, CalendarDayKind>;
  years: ReadonlySet<number>;
}

/** A day was needed from a year whose holiday arrangement is not loaded (节假日数据缺失). */
export class CalendarYearMissingError extends Error {
  readonly code = "CALENDAR_YEAR_MISSING" as const;
  constructor(
    readonly year: number,
    readonly date: BizDate,
  ) {
    super(`no holiday data for ${year} (needed for ${date})`);
    this.name = "CalendarYearMissingError";
  }
}

function assertDate(date: BizDate): void {
  if (!isBizDate(date)) throw new RangeError(`not a date: ${date}`);
}

export function yearOf(date: BizDate): number {
  return Number(date.slice(0, 4));
}

/** 0 = Sunday … 6 = Saturday */
export function weekdayOf(date: BizDate): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export function isWeekend(date: BizDate): boolean {
  const w = weekdayOf(date);
  return w === 0 || w === 6;
}

/** The kind of a day; throws CalendarYearMissingError when its year is not covered. */
export function dayKind(cal: CalendarData, date: BizDate): CalendarDayKind {
  assertDate(date);
  const year = yearOf(date);
  if (!cal.years.has(year)) throw new CalendarYearMissingError(year, date);
  return cal.days.get(date) ?? (isWeekend(date) ? "restday" : "workday");
}

/** Whether a day is a working day (ordinary or make-up); throws for an uncovered year. */
export function isWorkday(cal: CalendarData, date: BizDate): boolean {
  const k = dayKind(cal, date);
  return k === "workday" || k === "makeup_workday";
}

/**
 * The n-th working day AFTER `start`: the start day itself never counts, whatever its kind. This is how
 * "within 5 working days of approval" (5个工作日内) is read: approved on D, the deadline is
 * `addWorkdays(D, 5)`, and anything done on or before that day is in time. Approved on Sun 2025-09-28 (a
 * make-up working day), the 5th working day after is Sat 2025-10-11 (9-29, 9-30, then the holiday
 * 10-01…10-08, then 10-09, 10-10, and the make-up Saturday 10-11). n = 0 gives `start` (its year must
 * still be covered). Throws CalendarYearMissingError when any day up to the answer is in an uncovered year.
 */
export function addWorkdays(cal: CalendarData, start: BizDate, n: number): BizDate {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0: ${n}`);
  dayKind(cal, start);
  let d = start;
  let left = n;
  while (left > 0) {
    d = addDays(d, 1);
    if (isWorkday(cal, d)) left--;
  }
  return d;
}

/**
 * Working days after `a` up to and including `b` (the interval (a, b]); 0 when b ≤ a. So
 * `workdaysBetween(D, addWorkdays(D, n)) === n`. Throws when a day in (a, b] — or `a` itself — lies in an
 * uncovered year.
 */
export function workdaysBetween(cal: CalendarData, a: BizDate, b: BizDate): number {
  dayKind(cal, a);
  assertDate(b);
  let n = 0;
  for (let d = addDays(a, 1); d <= b; d = addDays(d, 1)) if (isWorkday(cal, d)) n++;
  return n;
}

/** The first working day on or after `date` (a deadline falling on a holiday moves to it). */
export function nextWorkdayOnOrAfter(cal: CalendarData, date: BizDate): BizDate {
  let d = date;
  while (!isWorkday(cal, d)) d = addDays(d, 1);
  return d;
}

/** The functions bound to one calendar (what the server's `workCalendar(ds)` hands out). */
export interface WorkCalendar {
  readonly years: ReadonlySet<number>;
  covers(year: number): boolean;
  dayKind(date: BizDate): CalendarDayKind;
  isWorkday(date: BizDate): boolean;
  addWorkdays(start: BizDate, n: number): BizDate;
  workdaysBetween(a: BizDate, b: BizDate): number;
  nextWorkdayOnOrAfter(date: BizDate): BizDate;
}

export function bindCalendar(cal: CalendarData): WorkCalendar {
  return {
    years: cal.years,
    covers: (year) => cal.years.has(year),
    dayKind: (d) => dayKind(cal, d),
    isWorkday: (d) => isWorkday(cal, d),
    addWorkdays: (d, n) => addWorkdays(cal, d, n),
    workdaysBetween: (a, b) => workdaysBetween(cal, a, b),
    nextWorkdayOnOrAfter: (d) => nextWorkdayOnOrAfter(cal, d),
  };
}

/** Every date of a year, in order. */
export function datesOfYear(year: number): BizDate[] {
  const out: BizDate[] = [];
  for (let d = `${year}-01-01`; yearOf(d) === year; d = addDays(d, 1)) out.push(d);
  return out;
}

/** One day of an uploaded or packaged year. */
export interface CalendarDayInput {
  date: BizDate;
  kind: CalendarDayKind;
  /** the holiday's name (春节, 国庆节 …) for holidays and their make-up days */
  name?: string | null;
}

export interface CalendarDayRow {
  date: BizDate;
  kind: CalendarDayKind;
  name: string | null;
}

export interface CalendarYearProblem {
  /** 1-based position in the input (0 for the whole input) */
  line: number;
  message: string;
}

/**
 * Checks a year's arrangement and gives every day of it exactly once. Two forms are accepted:
 * - the full year: every date of the year exactly once (workday on Mon–Fri, restday on Sat/Sun, holiday
 *   anywhere, makeup_workday on Sat/Sun only);
 * - the exceptions only: holidays and make-up working days (each once, make-up days on a weekend); every
 *   other day is ordinary.
 * Anything else (a date outside the year, a repeated date, a workday on a weekend, a year without a
 * single holiday …) is a problem; with any problem nothing is returned.
 */
export function normalizeCalendarYear(
  year: number,
  input: readonly CalendarDayInput[],
): { ok: true; days: CalendarDayRow[] } | { ok: false; problems: CalendarYearProblem[] } {
  const problems: CalendarYearProblem[] = [];
  const all = datesOfYear(year);
  const full = input.length === all.length;
  const seen = new Map<BizDate, CalendarDayRow>();
  for (const [i, row] of input.entries()) {
    const line = i + 1;
    if (!isBizDate(row.date)) {
      problems.push({ line, message: `日期格式错误：${row.date}` });
      continue;
    }
    if (yearOf(row.date) !== year) {
      problems.push({ line, message: `${row.date} 不在${year}年` });
      continue;
    }
    if (seen.has(row.date)) {
      problems.push({ line, message: `${row.date} 重复出现` });
      continue;
    }
    if (!(CALENDAR_DAY_KINDS as readonly string[]).includes(row.kind)) {
      problems.push({ line, message: `${row.date} 的类型无效：${row.kind}` });
      continue;
    }
    const weekend = isWeekend(row.date);
    if (row.kind === "makeup_workday" && !weekend) {
      problems.push({ line, message: `${row.date} 不是周六或周日，不能是调休上班日` });
    } else if (row.kind === "workday" && weekend) {
      problems.push({ line, message: `${row.date} 是周末，上班应标为调休上班（makeup_workday）` });
    } else if (row.kind === "restday" && !weekend) {
      problems.push({ line, message: `${row.date} 是工作日，放假应标为节假日（holiday）` });
    } else if (!full && (row.kind === "workday" || row.kind === "restday")) {
      problems.push({
        line,
        message: `只列节假日和调休上班日时不能出现“${CALENDAR_DAY_KIND_LABELS[row.kind]}”；或者列出全年每一天`,
      });
    }
    const name = row.name?.trim() || null;
    if (name && name.length > 32) problems.push({ line, message: `${row.date} 的名称过长` });
    seen.set(row.date, { date: row.date, kind: row.kind, name });
  }
  if (input.length === 0) problems.push({ line: 0, message: "没有任何日期" });
  if (![...seen.values()].some((d) => d.kind === "holiday")) {
    problems.push({ line: 0, message: `${year}年没有任何节假日，不像一份国务院放假安排` });
  }
  if (problems.length) return { ok: false, problems: problems.slice(0, 50) };
  const days = all.map(
    (date) => seen.get(date) ?? { date, kind: isWeekend(date) ? "restday" : "workday", name: null },
  ) as CalendarDayRow[];
  return { ok: true, days };
}

const KIND_WORDS: Record<string, CalendarDayKind> = {
  workday: "workday",
  工作日: "workday",
  restday: "restday",
  休息日: "restday",
  周末: "restday",
  holiday: "holiday",
  节假日: "holiday",
  放假: "holiday",
  makeup_workday: "makeup_workday",
  调休上班: "makeup_workday",
  补班: "makeup_workday",
  上班: "makeup_workday",
};

/**
 * Parses a CSV of `date,kind[,name]` lines (a header line is allowed; kind in English or Chinese:
 * 工作日 / 休息日 / 节假日 / 调休上班). Problems name their line.
 */
export function parseCalendarCsv(
  text: string,
): { ok: true; rows: CalendarDayInput[]; lines: number[] } | { ok: false; problems: CalendarYearProblem[] } {
  const rows: CalendarDayInput[] = [];
  /** the CSV line of each row, for problems found later */
  const lineOf: number[] = [];
  const problems: CalendarYearProblem[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line) continue;
    const cells = line.split(/[,，\t]/).map((c) => c.trim().replace(/^"(.*)"$/, "$1"));
    const [date = "", kindWord = "", name = ""] = cells;
    if (i === 0 && !/^\d/.test(date)) continue; // header
    const normalizedDate = date
      .replace(/\//g, "-")
      .replace(/^(\d{4})-(\d)-/, "$1-0$2-")
      .replace(/-(\d)$/, "-0$1");
    const kind = KIND_WORDS[kindWord] ?? KIND_WORDS[kindWord.toLowerCase()];
    if (!kind) {
      problems.push({ line: i + 1, message: `无法识别的类型：${kindWord || "（空）"}` });
      continue;
    }
    rows.push({ date: normalizedDate, kind, name: name || null });
    lineOf.push(i + 1);
  }
  if (problems.length) return { ok: false, problems: problems.slice(0, 50) };
  return { ok: true, rows, lines: lineOf };
}

/** How many days before the end of year N the missing arrangement of year N+1 is raised (发布通知前后). */
export const CALENDAR_NEXT_YEAR_WARN_DAYS = 45;

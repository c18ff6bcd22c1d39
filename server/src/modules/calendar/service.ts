import {
  bindCalendar,
  CALENDAR_NEXT_YEAR_WARN_DAYS,
  type CalendarCoverage,
  type CalendarDayKind,
  type CalendarDayRow,
  type CalendarDaysView,
  type CalendarSource,
  type CalendarUploadInput,
  type CalendarYearView,
  CalendarYearMissingError,
  daysBetween,
  normalizeCalendarYear,
  parseCalendarCsv,
  shanghaiDate,
  type WorkCalendar,
} from "@warmline/shared";
import { type DataSource, type EntityManager, In } from "typeorm";
import { AppError } from "../../http/errors";
import { logger } from "../../lib/logger";
import { raiseAlert, SUPERVISOR_AUDIENCE } from "../alerts";
import { StaffUser } from "../staff";
import { CalendarDay, CalendarYear } from "./entities";
import { CALENDAR_PACKAGE, packageYear, packageYears } from "./packageData";

/** Years the server loads from the package by itself at start (earlier ones an admin can load). */
export const CALENDAR_SEED_FROM_YEAR = 2024;

// ---------------------------------------------------------------------------------------------------------
// the working-day calendar of this process

interface Cached {
  stamp: string;
  cal: WorkCalendar;
}
const cache = new WeakMap<DataSource, Cached>();

/** Forgets this process's copy (after a load); other processes see the change by the stamp. */
export function invalidateCalendar(ds: DataSource): void {
  cache.delete(ds);
}

async function stampOf(ds: DataSource): Promise<string> {
  const row = (await ds
    .getRepository(CalendarYear)
    .createQueryBuilder("y")
    .select("COUNT(*)", "n")
    .addSelect("MAX(y.loaded_at)", "at")
    .getRawOne()) as { n: string | number; at: Date | string | null } | undefined;
  const at = row?.at instanceof Date ? row.at.toISOString() : String(row?.at ?? "");
  return `${row?.n ?? 0}|${at}`;
}

/** turns the pure calendar's refusal into the API's error (409 CALENDAR_YEAR_MISSING, 节假日数据缺失) */
function refusing<A extends unknown[], R>(fn: (...a: A) => R): (...a: A) => R {
  return (...a) => {
    try {
      return fn(...a);
    } catch (err) {
      if (err instanceof CalendarYearMissingError) {
        throw new AppError("CALENDAR_YEAR_MISSING", { year: err.year, date: err.date });
      }
      throw err;
    }
  };
}

/**
 * The working-day calendar as loaded in the database (`calendar_days`), for any module: `addWorkdays`,
 * `workdaysBetween`, `isWorkday`, … (see shared/src/workdays.ts for their exact meaning). Each throws
 * AppError CALENDAR_YEAR_MISSING (details: year, date) when a day it must look at lies in a year that is
 * not loaded — use `missingCalendarYear(err)` to tell that apart. The days are cached per process; one
 * cheap query per call (count and latest load time of `calendar_years`) notices a load by another process.
 */
export async function workCalendar(ds: DataSource): Promise<WorkCalendar> {
  const stamp = await stampOf(ds);
  const hit = cache.get(ds);
  if (hit && hit.stamp === stamp) return hit.cal;
  const [years, days] = await Promise.all([
    ds.getRepository(CalendarYear).find({ select: { year: true } }),
    ds.getRepository(CalendarDay).find({
      select: { date: true, kind: true },
      where: { kind: In(["holiday", "makeup_workday"]) },
    }),
  ]);
  const pure = bindCalendar({
    years: new Set(years.map((y) => y.year)),
    days: new Map(days.map((d) => [d.date, d.kind])),
  });
  const cal: WorkCalendar = {
    years: pure.years,
    covers: pure.covers,
    dayKind: refusing(pure.dayKind),
    isWorkday: refusing(pure.isWorkday),
    addWorkdays: refusing(pure.addWorkdays),
    workdaysBetween: refusing(pure.workdaysBetween),
    nextWorkdayOnOrAfter: refusing(pure.nextWorkdayOnOrAfter),
  };
  cache.set(ds, { stamp, cal });
  return cal;
}

/** the year a CALENDAR_YEAR_MISSING error names, or null for any other error */
export function missingCalendarYear(err: unknown): number | null {
  if (err instanceof CalendarYearMissingError) return err.year;
  if (err instanceof AppError && err.code === "CALENDAR_YEAR_MISSING") {
    return (err.details as { year?: number } | undefined)?.year ?? null;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// the supervisors' alert when a year is missing

/**
 * Raises 节假日数据缺失 for a year in the supervisors' inbox (admins see it too), once per year whatever
 * raises it: the year-end check, a deadline, an overdue-review sweep.
 */
export async function raiseCalendarMissingAlert(
  m: EntityManager,
  year: number,
  neededFor: string,
  now = new Date(),
): Promise<void> {
  await raiseAlert(m, {
    kind: "calendar_missing",
    audience: SUPERVISOR_AUDIENCE,
    dedupeKey: `calendar_missing:${year}`,
    subjectType: "calendar_year",
    subjectId: year,
    stationId: null,
    title: `节假日数据缺失：${year}年`,
    body: `${year}年的国务院节假日安排尚未导入，${neededFor}无法按工作日计算。请系统管理员在“节假日日历”中从数据包导入或上传该年安排。`,
    data: { year, neededFor },
    at: now,
  });
}

/** the years that should be loaded now and are not: this year, and next year in this year's last 45 days */
export async function missingYears(ds: DataSource, now = new Date()): Promise<number[]> {
  const today = shanghaiDate(now);
  const year = Number(today.slice(0, 4));
  const wanted = [year];
  if (daysBetween(today, `${year}-12-31`) < CALENDAR_NEXT_YEAR_WARN_DAYS) wanted.push(year + 1);
  const have = await ds.getRepository(CalendarYear).findBy({ year: In(wanted) });
  return wanted.filter((y) => !have.some((h) => h.year === y));
}

/** The periodic check: raises the alert for each year `missingYears` names (idempotent). */
export async function checkCalendarCoverage(ds: DataSource, now = new Date()): Promise<number[]> {
  const missing = await missingYears(ds, now);
  for (const y of missing) {
    await raiseCalendarMissingAlert(
      ds.manager,
      y,
      y === Number(shanghaiDate(now).slice(0, 4)) ? "本年度的期限和超时提醒" : "跨年的期限和超时提醒",
      now,
    );
  }
  if (missing.length) logger.warn({ years: missing }, "holiday calendar missing");
  return missing;
}

// ---------------------------------------------------------------------------------------------------------
// loading a year

/** Replaces (or creates) a year's days in one transaction: a failure leaves the previous days untouched. */
async function storeYear(
  ds: DataSource,
  year: number,
  days: CalendarDayRow[],
  source: CalendarSource,
  sourceDetail: string | null,
  staffId: number | null,
  now = new Date(),
): Promise<{ replaced: boolean }> {
  const replaced = await ds.transaction(async (m) => {
    const before = await m.getRepository(CalendarYear).findOneBy({ year });
    await m.getRepository(CalendarDay).delete({ year });
    for (let i = 0; i < days.length; i += 200) {
      await m
        .getRepository(CalendarDay)
        .insert(days.slice(i, i + 200).map((d) => ({ ...d, year, source, loadedAt: now })));
    }
    if (before) {
      await m.getRepository(CalendarYear).update({ year }, { source, sourceDetail, loadedBy: staffId, loadedAt: now });
    } else {
      await m.getRepository(CalendarYear).insert({ year, source, sourceDetail, loadedBy: staffId, loadedAt: now });
    }
    return !!before;
  });
  invalidateCalendar(ds);
  logger.info({ year, source, sourceDetail, staffId, replaced }, "holiday calendar year loaded");
  return { replaced };
}

function counts(days: readonly { kind: CalendarDayKind }[]) {
  return {
    holidays: days.filter((d) => d.kind === "holiday").length,
    makeupWorkdays: days.filter((d) => d.kind === "makeup_workday").length,
  };
}

export interface LoadResult {
  year: number;
  replaced: boolean;
  holidays: number;
  makeupWorkdays: number;
  sourceDetail: string | null;
}

/** 从数据包导入: a year from the package (409 CALENDAR_PACKAGE_NO_DATA when it has none). */
export async function loadYearFromPackage(ds: DataSource, year: number, staffId: number | null): Promise<LoadResult> {
  const days = packageYear(year);
  if (!days) throw new AppError("CALENDAR_PACKAGE_NO_DATA", { year, packageYears: packageYears() });
  const { replaced } = await storeYear(ds, year, days, "package", CALENDAR_PACKAGE, staffId);
  return { year, replaced, ...counts(days), sourceDetail: CALENDAR_PACKAGE };
}

/** 上传: an admin's arrangement for a year, JSON rows or CSV; every problem is a 400 and nothing is written. */
export async function uploadYear(
  ds: DataSource,
  year: number,
  input: CalendarUploadInput,
  staffId: number,
): Promise<LoadResult> {
  let rows: { date: string; kind: string; name?: string | null }[];
  // problems name the CSV line (a header line shifts them) or the position in the JSON array
  let lineOf = (i: number) => i;
  if (input.csv !== undefined) {
    const parsed = parseCalendarCsv(input.csv);
    if (!parsed.ok) throw new AppError("CALENDAR_UPLOAD_INVALID", { problems: parsed.problems });
    rows = parsed.rows;
    lineOf = (i) => (i > 0 ? (parsed.lines[i - 1] ?? i) : 0);
  } else {
    rows = input.days ?? [];
  }
  const r = normalizeCalendarYear(year, rows as never);
  if (!r.ok) {
    const problems = r.problems.map((p) => ({ ...p, line: lineOf(p.line) }));
    throw new AppError("CALENDAR_UPLOAD_INVALID", { problems });
  }
  const sourceDetail = input.fileName || null;
  const { replaced } = await storeYear(ds, year, r.days, "upload", sourceDetail, staffId);
  return { year, replaced, ...counts(r.days), sourceDetail };
}

/**
 * At start: the package's years from CALENDAR_SEED_FROM_YEAR on that are not loaded yet. Never replaces
 * a loaded year (an admin's upload wins). Two processes starting together: the loser's insert of the year
 * row fails inside its transaction and changes nothing.
 */
export async function seedCalendarFromPackage(ds: DataSource, fromYear = CALENDAR_SEED_FROM_YEAR): Promise<number[]> {
  const have = new Set((await ds.getRepository(CalendarYear).find({ select: { year: true } })).map((y) => y.year));
  const loaded: number[] = [];
  for (const year of packageYears()) {
    if (year < fromYear || have.has(year)) continue;
    try {
      await storeYear(ds, year, packageYear(year) as CalendarDayRow[], "package", CALENDAR_PACKAGE, null);
      loaded.push(year);
    } catch (err) {
      if (await ds.getRepository(CalendarYear).existsBy({ year })) continue; // another process seeded it
      throw err;
    }
  }
  return loaded;
}

// ---------------------------------------------------------------------------------------------------------
// what the console reads

async function presentYears(ds: DataSource, rows: CalendarYear[]): Promise<CalendarYearView[]> {
  if (!rows.length) return [];
  const staffIds = [...new Set(rows.map((r) => r.loadedBy).filter((x): x is number => x !== null))];
  const staff = staffIds.length ? await ds.getRepository(StaffUser).findBy({ id: In(staffIds) }) : [];
  const names = new Map(staff.map((s) => [s.id, s.displayName]));
  const tallies = (await ds
    .getRepository(CalendarDay)
    .createQueryBuilder("d")
    .select("d.year", "year")
    .addSelect("d.kind", "kind")
    .addSelect("COUNT(*)", "n")
    .where("d.year IN (:...years)", { years: rows.map((r) => r.year) })
    .andWhere("d.kind IN (:...kinds)", { kinds: ["holiday", "makeup_workday"] })
    .groupBy("d.year")
    .addGroupBy("d.kind")
    .getRawMany()) as { year: number | string; kind: string; n: number | string }[];
  const tally = (year: number, kind: string) =>
    Number(tallies.find((t) => Number(t.year) === year && t.kind === kind)?.n ?? 0);
  return rows.map((r) => ({
    year: r.year,
    source: r.source,
    sourceDetail: r.sourceDetail,
    loadedBy: r.loadedBy === null ? null : (names.get(r.loadedBy) ?? `#${r.loadedBy}`),
    loadedAt: r.loadedAt.toISOString(),
    holidays: tally(r.year, "holiday"),
    makeupWorkdays: tally(r.year, "makeup_workday"),
  }));
}

export async function calendarCoverage(ds: DataSource, now = new Date()): Promise<CalendarCoverage> {
  const rows = await ds.getRepository(CalendarYear).find({ order: { year: "ASC" } });
  return {
    items: await presentYears(ds, rows),
    today: shanghaiDate(now),
    packageYears: packageYears(),
    missing: await missingYears(ds, now),
  };
}

export async function calendarDays(ds: DataSource, year: number): Promise<CalendarDaysView> {
  const row = await ds.getRepository(CalendarYear).findOneBy({ year });
  if (!row) return { year, loaded: null, days: [] };
  const days = await ds.getRepository(CalendarDay).find({ where: { year }, order: { date: "ASC" } });
  return {
    year,
    loaded: (await presentYears(ds, [row]))[0] ?? null,
    days: days.map((d) => ({ date: d.date, kind: d.kind, name: d.name })),
  };
}

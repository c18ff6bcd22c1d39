import {
  type CalendarCoverage,
  CalendarCoverageSchema,
  type CalendarDaysView,
  CalendarDaysSchema,
  type CalendarUploadInput,
} from "@warmline/shared";
import { api } from "./api";
import { parseWith } from "./parse";

export type { CalendarCoverage, CalendarDaysView, CalendarUploadInput };

/** 节假日日历: loaded years, the package's years, and the years missing now (节假日数据缺失). */
export async function getCalendarCoverage(signal?: AbortSignal): Promise<CalendarCoverage> {
  return parseWith(CalendarCoverageSchema, await api.get("/api/v1/staff/calendar/years", {}, signal));
}

/** every day of a year (empty with `loaded: null` when the year is not loaded) */
export async function getCalendarDays(year: number, signal?: AbortSignal): Promise<CalendarDaysView> {
  return parseWith(CalendarDaysSchema, await api.get("/api/v1/staff/calendar/days", { year }, signal));
}

/** 从数据包导入 (admins): 409 CALENDAR_PACKAGE_NO_DATA when the package has no such year */
export async function loadCalendarYear(year: number): Promise<CalendarDaysView> {
  return parseWith(CalendarDaysSchema, await api.post(`/api/v1/staff/calendar/years/${year}/load`));
}

/** 上传 (admins): 400 CALENDAR_UPLOAD_INVALID with `details.problems` when the file is wrong; nothing written */
export async function uploadCalendarYear(year: number, input: CalendarUploadInput): Promise<CalendarDaysView> {
  return parseWith(CalendarDaysSchema, await api.post(`/api/v1/staff/calendar/years/${year}/upload`, input));
}

/**
 * Reads a chosen file into an upload: a .json file holds either an array of `{date, kind, name?}` or an
 * object with such a `days` array; anything else is sent as CSV text (`date,kind[,name]` lines).
 */
export function uploadFromFile(name: string, text: string): CalendarUploadInput | { error: string } {
  if (/\.json$/i.test(name)) {
    try {
      const parsed = JSON.parse(text) as unknown;
      const days = Array.isArray(parsed) ? parsed : (parsed as { days?: unknown })?.days;
      if (!Array.isArray(days)) return { error: "JSON 文件应为日期数组，或含 days 数组的对象" };
      return { days: days as CalendarUploadInput["days"], fileName: name };
    } catch {
      return { error: "不是有效的 JSON 文件" };
    }
  }
  return { csv: text, fileName: name };
}

import { describe, expect, it } from "vitest";
import { HOLIDAYS, MAKEUP, OFFICIAL_2025_2026 } from "./testing/officialHolidays";
import {
  addWorkdays,
  CalendarYearMissingError,
  dayKind,
  isWorkday,
  normalizeCalendarYear,
  parseCalendarCsv,
  workdaysBetween,
} from "./workdays";

const cal = OFFICIAL_2025_2026;

describe("addWorkdays: the n-th working day after the start (the start never counts)", () => {
  it.each([
    // 国庆、中秋 2025: 10-01…10-08 off, Sun 9-28 and Sat 10-11 worked
    ["2025-09-26", 1, "2025-09-28", "Fri → the make-up Sunday"],
    ["2025-09-28", 5, "2025-10-11", "9-29, 9-30, 10-09, 10-10, make-up Sat 10-11"],
    ["2025-09-30", 1, "2025-10-09", "the whole holiday skipped"],
    ["2025-09-30", 3, "2025-10-11", "10-09, 10-10, make-up Sat 10-11"],
    ["2025-09-30", 4, "2025-10-13", "Sun 10-12 is a rest day"],
    ["2025-10-01", 5, "2025-10-14", "approved on a holiday: 10-09, 10-10, 10-11, 10-13, 10-14"],
    // 元旦 2026 across the year end: 1-01…1-03 off, Sun 1-04 worked
    ["2025-12-31", 1, "2026-01-04", "the make-up Sunday after New Year"],
    ["2025-12-31", 2, "2026-01-05", "then Monday"],
    // 春节 2026: 2-15…2-23 off, Sat 2-14 and Sat 2-28 worked
    ["2026-02-12", 2, "2026-02-14", "Fri 2-13, make-up Sat 2-14"],
    ["2026-02-13", 5, "2026-02-27", "2-14, then 2-24…2-27 after the holiday"],
    ["2026-02-13", 6, "2026-02-28", "the second make-up Saturday"],
    ["2026-02-13", 7, "2026-03-02", "Sun 3-01 rests"],
    // 劳动节 2026: 5-01…5-05 off, Sat 5-09 worked
    ["2026-04-30", 1, "2026-05-06", "the five days off skipped"],
    ["2026-04-30", 5, "2026-05-11", "5-06, 5-07, 5-08, make-up Sat 5-09, Mon 5-11"],
    // ordinary weeks
    ["2026-03-06", 1, "2026-03-09", "Fri → Mon"],
    ["2026-03-04", 0, "2026-03-04", "zero days: the start itself"],
  ] as const)("%s + %i working days = %s (%s)", (start: string, n: number, due: string, _why: string) => {
    expect(addWorkdays(cal, start, n)).toBe(due);
    expect(workdaysBetween(cal, start, due)).toBe(n);
  });
});

describe("isWorkday and dayKind", () => {
  it.each([
    ["2025-09-28", true, "makeup_workday"],
    ["2025-10-06", false, "holiday"],
    ["2025-10-08", false, "holiday"],
    ["2025-10-11", true, "makeup_workday"],
    ["2025-10-12", false, "restday"],
    ["2026-01-03", false, "holiday"],
    ["2026-01-04", true, "makeup_workday"],
    ["2026-02-14", true, "makeup_workday"],
    ["2026-02-23", false, "holiday"],
    ["2026-02-24", true, "workday"],
    ["2026-05-04", false, "holiday"],
    ["2026-05-09", true, "makeup_workday"],
    ["2026-05-10", false, "restday"],
  ] as const)("%s → working %s (%s)", (date, working, kind) => {
    expect(isWorkday(cal, date)).toBe(working);
    expect(dayKind(cal, date)).toBe(kind);
  });
});

describe("workdaysBetween counts (a, b]", () => {
  it("across 国庆 2025 and 春节 2026", () => {
    expect(workdaysBetween(cal, "2025-09-26", "2025-10-12")).toBe(6); // 9-28, 9-29, 9-30, 10-09, 10-10, 10-11
    expect(workdaysBetween(cal, "2026-02-14", "2026-02-23")).toBe(0);
    expect(workdaysBetween(cal, "2026-02-20", "2026-02-10")).toBe(0);
  });
});

describe("a year without data is refused, never guessed as Mon–Fri", () => {
  it("a deadline running into 2027 throws CalendarYearMissingError naming 2027", () => {
    expect(addWorkdays(cal, "2026-12-29", 2)).toBe("2026-12-31"); // stops before the year end: fine
    let err: unknown;
    try {
      addWorkdays(cal, "2026-12-29", 3);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CalendarYearMissingError);
    expect(err).toMatchObject({ code: "CALENDAR_YEAR_MISSING", year: 2027, date: "2027-01-01" });
  });
  it("any look-up in an uncovered year throws, before or after the covered ones", () => {
    expect(() => isWorkday(cal, "2027-03-01")).toThrow(CalendarYearMissingError);
    expect(() => dayKind(cal, "2024-05-01")).toThrow(CalendarYearMissingError);
    expect(() => workdaysBetween(cal, "2026-12-20", "2027-01-04")).toThrow(CalendarYearMissingError);
    expect(() => addWorkdays(cal, "2024-12-31", 0)).toThrow(CalendarYearMissingError);
  });
});

describe("normalizeCalendarYear (uploads)", () => {
  const exceptions2026 = [
    ...HOLIDAYS.filter((d) => d.startsWith("2026")).map((date) => ({ date, kind: "holiday" as const })),
    ...MAKEUP.filter((d) => d.startsWith("2026")).map((date) => ({ date, kind: "makeup_workday" as const })),
  ];
  it("the exceptions form expands to every day of the year", () => {
    const r = normalizeCalendarYear(2026, exceptions2026);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.days).toHaveLength(365);
    const kinds = new Map(r.days.map((d) => [d.date, d.kind]));
    expect(kinds.get("2026-02-14")).toBe("makeup_workday");
    expect(kinds.get("2026-03-07")).toBe("restday");
    expect(kinds.get("2026-03-09")).toBe("workday");
    // the full form of the same year is accepted as it is
    expect(normalizeCalendarYear(2026, r.days)).toEqual(r);
  });
  it.each([
    ["a date of another year", [{ date: "2025-10-01", kind: "holiday" }]],
    ["a repeated date", [exceptions2026[0], exceptions2026[0]]],
    ["a make-up day on a weekday", [{ date: "2026-03-04", kind: "makeup_workday" }]],
    ["an ordinary workday in the exceptions form", [{ date: "2026-03-04", kind: "workday" }]],
    ["a bad date", [{ date: "2026-02-30", kind: "holiday" }]],
    ["nothing at all", []],
    ["no holiday", [{ date: "2026-02-14", kind: "makeup_workday" }]],
  ] as const)("refuses %s, alone or among good rows", (_what, rows) => {
    expect(normalizeCalendarYear(2026, rows as never).ok).toBe(false);
    if (rows.length && rows[0] !== exceptions2026[0] && (rows[0] as { kind: string }).kind !== "makeup_workday") {
      expect(normalizeCalendarYear(2026, [...exceptions2026, ...(rows as unknown as never[])]).ok).toBe(false);
    }
  });
  it("a full year with a weekday marked rest is refused", () => {
    const r = normalizeCalendarYear(2026, exceptions2026);
    if (!r.ok) throw new Error("setup");
    const days = r.days.map((d) => (d.date === "2026-03-04" ? { ...d, kind: "restday" as const } : d));
    const bad = normalizeCalendarYear(2026, days);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems[0]?.message).toContain("2026-03-04");
  });
});

describe("parseCalendarCsv", () => {
  it("reads English or Chinese kinds, with a header and slashes", () => {
    const r = parseCalendarCsv("日期,类型,名称\n2026/2/14,调休上班,春节\n2026-02-15,holiday,春节\n");
    expect(r).toEqual({
      ok: true,
      rows: [
        { date: "2026-02-14", kind: "makeup_workday", name: "春节" },
        { date: "2026-02-15", kind: "holiday", name: "春节" },
      ],
      lines: [2, 3],
    });
  });
  it("names the line of an unknown kind", () => {
    expect(parseCalendarCsv("2026-02-15,holiday\n2026-02-16,vacation")).toEqual({
      ok: false,
      problems: [{ line: 2, message: "无法识别的类型：vacation" }],
    });
  });
});

import { STAFF_ROLES } from "@warmline/shared";
import { AuditLog } from "@warmline/server/src/modules/audit";
import {
  CalendarDay,
  CalendarYear,
  checkCalendarCoverage,
  seedCalendarFromPackage,
  workCalendar,
} from "@warmline/server/src/modules/calendar";
import { StaffAlert } from "@warmline/server/src/modules/alerts";
import { DEMO_PASSWORD, seedStaff } from "@warmline/server/src/seed/demo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

/**
 * 节假日日历 on MariaDB: the package's years seeded at start, coverage and days, loading a year from the
 * package and uploading one (JSON and CSV, both forms), bad uploads refused with nothing written, the
 * working-day service refusing an uncovered year, and the once-per-year missing-data alert.
 */

let srv: TestServer;
type Staff = Awaited<ReturnType<typeof staffLogin>>;
let admin: Staff;
let supervisor: Staff;
let legal: Staff;

beforeAll(async () => {
  srv = await startTestServer();
  // what the calendar module's start does in a process that runs jobs
  expect(await seedCalendarFromPackage(srv.deps.ds)).toEqual([2024, 2025, 2026]);
  expect(await seedCalendarFromPackage(srv.deps.ds)).toEqual([]); // a second start loads nothing
  await seedStaff(srv.deps.ds);
  [admin, supervisor, legal] = await Promise.all(
    ["admin", "supervisor", "legal_officer"].map((u) => staffLogin(srv.url, u, DEMO_PASSWORD)),
  );
  expect(STAFF_ROLES).toContain("legal_officer");
});
afterAll(async () => srv?.close());

/** 2027 as a notice might arrange it (a made-up year for the upload tests: the State Council has not published it) */
const EXCEPTIONS_2027 = [
  { date: "2027-01-01", kind: "holiday", name: "元旦" },
  { date: "2027-02-05", kind: "holiday", name: "春节" },
  { date: "2027-02-08", kind: "holiday", name: "春节" },
  { date: "2027-02-06", kind: "holiday", name: "春节" },
  { date: "2027-02-07", kind: "holiday", name: "春节" },
  { date: "2027-02-20", kind: "makeup_workday", name: "春节" },
];

const fingerprint = async () => {
  const ds = srv.deps.ds;
  const [days, years, audits] = await Promise.all([
    ds.getRepository(CalendarDay).count(),
    ds.getRepository(CalendarYear).find({ order: { year: "ASC" } }),
    ds.getRepository(AuditLog).count(),
  ]);
  return { days, years: years.map((y) => `${y.year}:${y.source}:${y.loadedAt.toISOString()}`), audits };
};

describe("coverage and days", () => {
  it("the seeded years are listed with their source, counts and the package's years", async () => {
    const res = await supervisor.api.get("/api/v1/staff/calendar/years");
    expect(res.status).toBe(200);
    expect(res.body.items.map((y: { year: number }) => y.year)).toEqual([2024, 2025, 2026]);
    const y2025 = res.body.items[1];
    expect(y2025).toMatchObject({ source: "package", sourceDetail: "chinese-days@1.5.7", loadedBy: null });
    // 2025: 1 + 8 + 3 + 5 + 3 + 8 holidays, 5 make-up working days (国办发明电〔2024〕12号)
    expect([y2025.holidays, y2025.makeupWorkdays]).toEqual([28, 5]);
    expect(res.body.packageYears).toContain(2026);
    expect(res.body.packageYears).not.toContain(2027);
  });

  it("a year's days: every date once, holidays and make-up days named", async () => {
    const res = await legal.api.get("/api/v1/staff/calendar/days?year=2025");
    expect(res.status).toBe(200);
    expect(res.body.days).toHaveLength(365);
    const byDate = new Map(res.body.days.map((d: { date: string }) => [d.date, d]));
    expect(byDate.get("2025-09-28")).toEqual({ date: "2025-09-28", kind: "makeup_workday", name: "国庆节" });
    expect(byDate.get("2025-10-06")).toMatchObject({ kind: "holiday" });
    expect(byDate.get("2025-10-12")).toEqual({ date: "2025-10-12", kind: "restday", name: null });
    const none = await legal.api.get("/api/v1/staff/calendar/days?year=2027");
    expect(none.body).toEqual({ year: 2027, loaded: null, days: [] });
    const bad = await legal.api.get("/api/v1/staff/calendar/days?year=abc");
    expect([bad.status, bad.body.error.code]).toEqual([400, "VALIDATION_FAILED"]);
  });
});

describe("the working-day service", () => {
  it("counts across 国庆 from the table and refuses 2027 with 节假日数据缺失", async () => {
    const cal = await workCalendar(srv.deps.ds);
    expect(cal.addWorkdays("2025-09-28", 5)).toBe("2025-10-11");
    expect(cal.addWorkdays("2026-04-30", 5)).toBe("2026-05-11");
    let err: unknown;
    try {
      cal.addWorkdays("2026-12-29", 3);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: "CALENDAR_YEAR_MISSING", status: 409, details: { year: 2027 } });
    expect((err as Error).message).toContain("节假日数据缺失");
  });
});

describe("loading a year", () => {
  it("from the package: only the years it has (2027 → 409 CALENDAR_PACKAGE_NO_DATA, nothing written)", async () => {
    const before = await fingerprint();
    const res = await admin.api.post("/api/v1/staff/calendar/years/2027/load");
    expect([res.status, res.body.error.code]).toEqual([409, "CALENDAR_PACKAGE_NO_DATA"]);
    expect(await fingerprint()).toEqual(before);
    // a year the package has: loaded (replacing the seeded copy), audited, by whom
    const ok = await admin.api.post("/api/v1/staff/calendar/years/2026/load");
    expect(ok.status).toBe(200);
    expect(ok.body.loaded).toMatchObject({ year: 2026, source: "package", holidays: 33, makeupWorkdays: 6 });
    expect(ok.body.loaded.loadedBy).toBeTruthy();
    const log = await srv.deps.ds.getRepository(AuditLog).findOneByOrFail({ action: "calendar.load" });
    expect(log).toMatchObject({ targetType: "calendar_year", targetId: "2026" });
    expect(log.details).toMatchObject({ year: 2026, replaced: true, holidays: 33 });
  });

  it("only an admin may load; a supervisor gets 403", async () => {
    const res = await supervisor.api.post("/api/v1/staff/calendar/years/2026/load");
    expect([res.status, res.body.error.code]).toEqual([403, "FORBIDDEN"]);
  });

  it.each([
    ["a date of another year", { days: [...EXCEPTIONS_2027, { date: "2026-12-31", kind: "holiday" }] }],
    ["a repeated date", { days: [...EXCEPTIONS_2027, EXCEPTIONS_2027[0]] }],
    ["a make-up day on a weekday", { days: [...EXCEPTIONS_2027, { date: "2027-03-03", kind: "makeup_workday" }] }],
    ["an unknown kind", { days: [...EXCEPTIONS_2027, { date: "2027-03-06", kind: "vacation" }] }],
    ["a CSV line with an unknown kind", { csv: "2027-01-01,节假日\n2027-01-02,年假" }],
    ["no holiday at all", { csv: "2027-02-20,调休上班" }],
    [
      "a full year with a day missing",
      {
        days: fullYear2027()
          .slice(1)
          .concat([{ date: "2027-03-03", kind: "restday" }]),
      },
    ],
  ])("an upload with %s is refused (400 CALENDAR_UPLOAD_INVALID) and nothing changes", async (_what, body) => {
    const before = await fingerprint();
    const res = await admin.api.post("/api/v1/staff/calendar/years/2027/upload", body);
    expect([res.status, res.body.error.code]).toEqual([400, "CALENDAR_UPLOAD_INVALID"]);
    expect(res.body.error.message).toContain("节假日数据有误");
    expect(res.body.error.details.problems.length).toBeGreaterThan(0);
    expect(await fingerprint()).toEqual(before);
  });

  it("a CSV problem names the file's line (after the header)", async () => {
    const res = await admin.api.post("/api/v1/staff/calendar/years/2027/upload", {
      csv: "日期,类型,名称\n2027-01-01,节假日,元旦\n2027-03-03,调休上班,\n",
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.problems).toEqual([
      { line: 3, message: "2027-03-03 不是周六或周日，不能是调休上班日" },
    ]);
  });

  it("neither or both of days/csv → 400 VALIDATION_FAILED", async () => {
    for (const body of [{}, { days: EXCEPTIONS_2027, csv: "x" }]) {
      const res = await admin.api.post("/api/v1/staff/calendar/years/2027/upload", body);
      expect([res.status, res.body.error.code]).toEqual([400, "VALIDATION_FAILED"]);
    }
  });

  it("an upload of the holidays and make-up days (JSON) covers the year; the service then counts into it", async () => {
    const res = await admin.api.post("/api/v1/staff/calendar/years/2027/upload", {
      days: EXCEPTIONS_2027,
      fileName: "2027放假安排.json",
    });
    expect(res.status).toBe(200);
    expect(res.body.days).toHaveLength(365);
    expect(res.body.loaded).toMatchObject({
      year: 2027,
      source: "upload",
      sourceDetail: "2027放假安排.json",
      holidays: 5,
      makeupWorkdays: 1,
    });
    const log = await srv.deps.ds.getRepository(AuditLog).findOneByOrFail({ action: "calendar.upload" });
    expect(log.details).toMatchObject({ year: 2027, replaced: false, holidays: 5, makeupWorkdays: 1 });
    // the cache of this process was invalidated: 2026-12-29 + 3 = 12-30, 12-31, (1-01 off, 1-02/1-03 weekend) 1-04
    const cal = await workCalendar(srv.deps.ds);
    expect(cal.addWorkdays("2026-12-29", 3)).toBe("2027-01-04");
    const years = await supervisor.api.get("/api/v1/staff/calendar/years");
    expect(years.body.items.map((y: { year: number }) => y.year)).toEqual([2024, 2025, 2026, 2027]);
  });

  it("a CSV of the whole year replaces it (Chinese kinds); another process's cache sees it by the stamp", async () => {
    const cal0 = await workCalendar(srv.deps.ds);
    expect(cal0.isWorkday("2027-02-20")).toBe(true);
    const lines = fullYear2027().map((d) => {
      // this version moves the make-up day: 2-20 rests, 2-21 (Sunday) is worked
      const kind = d.date === "2027-02-20" ? "restday" : d.date === "2027-02-21" ? "makeup_workday" : d.kind;
      return `${d.date},${{ workday: "工作日", restday: "休息日", holiday: "节假日", makeup_workday: "调休上班" }[kind]},${d.name ?? ""}`;
    });
    const res = await admin.api.post("/api/v1/staff/calendar/years/2027/upload", {
      csv: `日期,类型,名称\n${lines.join("\n")}\n`,
      fileName: "2027.csv",
    });
    expect(res.status).toBe(200);
    expect(res.body.loaded).toMatchObject({ source: "upload", sourceDetail: "2027.csv", makeupWorkdays: 1 });
    const cal = await workCalendar(srv.deps.ds);
    expect(cal.isWorkday("2027-02-20")).toBe(false);
    expect(cal.isWorkday("2027-02-21")).toBe(true);
  });
});

describe("the missing-year alert", () => {
  it("in the last 45 days of a year without next year's data: one alert for that year, however often checked", async () => {
    const ds = srv.deps.ds;
    const count = () => ds.getRepository(StaffAlert).countBy({ kind: "calendar_missing" });
    // 2027 is loaded (above), 2028 is not. 2027-11-16 is 46 days before the year end: nothing yet
    expect(await checkCalendarCoverage(ds, new Date("2027-11-16T04:00:00Z"))).toEqual([]);
    expect(await count()).toBe(0);
    expect(await checkCalendarCoverage(ds, new Date("2027-11-17T04:00:00Z"))).toEqual([2028]);
    expect(await checkCalendarCoverage(ds, new Date("2027-12-20T04:00:00Z"))).toEqual([2028]);
    expect(await count()).toBe(1);
    const alert = await ds.getRepository(StaffAlert).findOneByOrFail({ kind: "calendar_missing" });
    expect(alert).toMatchObject({ audience: "supervisor", subjectType: "calendar_year", subjectId: 2028 });
    expect(alert.title).toBe("节假日数据缺失：2028年");
    // the supervisors (and admins) see it in the inbox
    const inbox = await supervisor.api.get("/api/v1/staff/alerts");
    expect(inbox.body.items.map((a: { kind: string }) => a.kind)).toContain("calendar_missing");
    const adminInbox = await admin.api.get("/api/v1/staff/alerts");
    expect(adminInbox.body.items.map((a: { kind: string }) => a.kind)).toContain("calendar_missing");
    // the coverage the console reads names the missing year at that date too
    const { calendarCoverage } = await import("@warmline/server/src/modules/calendar");
    expect((await calendarCoverage(ds, new Date("2027-12-20T04:00:00Z"))).missing).toEqual([2028]);
  });
});

/** every day of 2027 with EXCEPTIONS_2027 applied (the full form of an upload) */
function fullYear2027() {
  const out: { date: string; kind: string; name?: string | null }[] = [];
  for (let d = new Date("2027-01-01T00:00:00Z"); d.getUTCFullYear() === 2027; d.setUTCDate(d.getUTCDate() + 1)) {
    const date = d.toISOString().slice(0, 10);
    const ex = EXCEPTIONS_2027.find((e) => e.date === date);
    const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
    out.push(ex ? { ...ex } : { date, kind: weekend ? "restday" : "workday", name: null });
  }
  return out;
}

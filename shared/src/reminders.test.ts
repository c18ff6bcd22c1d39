import { describe, expect, it } from "vitest";
import {
  DEFAULT_GRADE_THRESHOLDS as T,
  defaultLadder,
  dueStep,
  gapAllows,
  gradeOf,
  inQuietHours,
  isSoftTrack,
  type LadderDefinition,
  nextDailyTurn,
  nextSendableAt,
  renderReminder,
  suppressionOf,
  templateFor,
  validateLadder,
  visitReason,
} from "./reminders";

const SETTINGS = {
  quietHours: { start: "21:00", end: "08:00" },
  minGapDays: 7,
  ratePerSecond: { subscribe: 50, sms: 20 },
};
const ladder = (): LadderDefinition => defaultLadder(structuredClone(SETTINGS));
/** a UTC instant written in Beijing time */
const bj = (s: string) => new Date(`${s}+08:00`);

describe("gradeOf (hand-worked: due dates across month ends)", () => {
  // [oldest due date, owed fen, as of, grade]
  const table: [string, number, string, string | null][] = [
    ["2026-11-30", 0, "2026-12-01", null], // nothing owed
    ["2026-11-30", 99, "2026-12-01", null], // under minOwedFen (1 yuan)
    ["2026-12-15", 100_00, "2026-12-07", null], // 8 days before due: not yet
    ["2026-12-15", 100_00, "2026-12-08", "notice"], // 7 days before due
    ["2026-01-31", 100_00, "2026-03-01", "notice"], // Jan 31 → Mar 1 = 29 days (Feb has 28)
    ["2026-01-31", 100_00, "2026-03-02", "overdue"], // 30 days
    ["2024-01-31", 100_00, "2024-03-01", "overdue"], // leap year: Jan 31 → Mar 1 2024 = 30 days
    ["2026-01-31", 500_000, "2026-03-02", "key"], // 催缴 by age, 重点 by amount (≥ 5,000 yuan)
    ["2026-01-31", 499_999, "2026-03-02", "overdue"],
    ["2025-11-30", 100_00, "2026-02-28", "key"], // Nov 30 → Feb 28 = 90 days
    ["2025-11-30", 100_00, "2026-02-27", "overdue"], // 89 days
    ["2025-11-30", 100_00, "2026-05-29", "serious"], // 180 days
    ["2025-11-30", 100_00, "2026-05-28", "key"], // 179 days
  ];
  it.each(table)("due %s owed %i on %s → %s", (due, owed, asOf, grade) => {
    expect(gradeOf({ oldestDueDate: due, owedFen: owed }, asOf, T)).toBe(grade);
  });
});

describe("dueStep over the default ladder", () => {
  const steps = ladder().steps;
  const table: [string, number, string | null][] = [
    ["notice", -8, null],
    ["notice", -7, "notice_m7"],
    ["notice", -1, "notice_m7"],
    ["notice", 0, "notice_0"],
    ["notice", 14, "notice_0"],
    ["notice", 15, "notice_15"],
    ["notice", 29, "notice_15"],
    ["overdue", 30, "overdue_30"],
    ["overdue", 59, "overdue_30"],
    ["overdue", 60, "overdue_60"],
    ["key", 31, "key_30"], // a large amount at 31 days
    ["key", 95, "key_90"],
    ["serious", 400, "serious_180"],
  ];
  it.each(table)("%s at age %i → %s", (grade, age, key) => {
    expect(dueStep(steps, grade as "notice", age)?.key ?? null).toBe(key);
  });
});

describe("quiet hours 21:00–08:00 Asia/Shanghai (across midnight)", () => {
  const q = SETTINGS.quietHours;
  const table: [string, string][] = [
    ["2026-12-03T20:59:00", "2026-12-03T20:59:00"], // just before: goes now
    ["2026-12-03T21:00:00", "2026-12-04T08:00:00"], // the window starts: next morning
    ["2026-12-03T23:30:00", "2026-12-04T08:00:00"],
    ["2026-12-31T22:00:00", "2027-01-01T08:00:00"], // across a year end
    ["2027-02-28T23:59:00", "2027-03-01T08:00:00"], // across a month end
    ["2026-12-04T00:10:00", "2026-12-04T08:00:00"], // after midnight: the same day's morning
    ["2026-12-04T07:59:59", "2026-12-04T08:00:00"],
    ["2026-12-04T08:00:00", "2026-12-04T08:00:00"], // the window has ended
  ];
  it.each(table)("due %s → %s", (due, at) => {
    expect(nextSendableAt(bj(due), q).toISOString()).toBe(bj(at).toISOString());
  });
  it("a window within one day (12:00–14:00)", () => {
    const noon = { start: "12:00", end: "14:00" };
    expect(inQuietHours(bj("2026-12-03T11:59:00"), noon)).toBe(false);
    expect(nextSendableAt(bj("2026-12-03T13:00:00"), noon).toISOString()).toBe(bj("2026-12-03T14:00:00").toISOString());
    expect(inQuietHours(bj("2026-12-03T23:00:00"), noon)).toBe(false);
  });
  it("the daily planning turn", () => {
    expect(nextDailyTurn(bj("2026-12-03T08:59:00"), "09:00").toISOString()).toBe(
      bj("2026-12-03T09:00:00").toISOString(),
    );
    expect(nextDailyTurn(bj("2026-12-03T09:00:00"), "09:00").toISOString()).toBe(
      bj("2026-12-04T09:00:00").toISOString(),
    );
    expect(nextDailyTurn(bj("2026-12-31T23:00:00"), "09:00").toISOString()).toBe(
      bj("2027-01-01T09:00:00").toISOString(),
    );
  });
});

describe("one reminder per N days (rate limit window)", () => {
  const table: [string | null, string, number, boolean][] = [
    [null, "2026-12-03", 7, true],
    ["2026-11-26", "2026-12-03", 7, true], // exactly 7 days
    ["2026-11-27", "2026-12-03", 7, false],
    ["2026-02-24", "2026-03-03", 7, true], // across Feb's end: 7 days
    ["2026-02-25", "2026-03-03", 7, false],
    ["2026-12-03", "2026-12-03", 1, false],
  ];
  it.each(table)("last %s, today %s, N=%i → %s", (last, today, n, ok) => {
    expect(gapAllows(last, today, n)).toBe(ok);
  });
});

describe("soft track and suppression", () => {
  it("soft: hardship category, any hardship status, an open heating complaint", () => {
    const base = { hardshipCategory: "none", hardshipStatus: "none", openHeatingComplaint: false } as const;
    expect(isSoftTrack(base)).toBe(false);
    expect(isSoftTrack({ ...base, hardshipCategory: "dibao" })).toBe(true);
    expect(isSoftTrack({ ...base, hardshipStatus: "applying" })).toBe(true);
    expect(isSoftTrack({ ...base, hardshipStatus: "defaulted" })).toBe(true);
    expect(isSoftTrack({ ...base, openHeatingComplaint: true })).toBe(true);
    expect(templateFor({ template: "serious" }, true)).toBe("soft");
    expect(templateFor({ template: "serious" }, false)).toBe("serious");
    expect(visitReason({ grade: "key", review: true }, true)).not.toContain("催缴");
    expect(visitReason({ grade: "key", review: true }, false)).toContain("主管复核");
  });
  it("suppression order", () => {
    const ok = {
      owedFen: 10_000,
      minOwedFen: 100,
      doNotRemind: false,
      openServiceComplaint: false,
      hardshipStatus: "none",
      lastSentDate: null,
      today: "2026-12-03",
      minGapDays: 7,
    } as const;
    expect(suppressionOf(ok)).toBeNull();
    expect(suppressionOf({ ...ok, owedFen: 0 })).toBe("paid");
    expect(suppressionOf({ ...ok, owedFen: 0, doNotRemind: true })).toBe("paid");
    expect(suppressionOf({ ...ok, doNotRemind: true, openServiceComplaint: true })).toBe("do_not_remind");
    expect(suppressionOf({ ...ok, openServiceComplaint: true })).toBe("open_complaint");
    expect(suppressionOf({ ...ok, hardshipStatus: "plan_active" })).toBe("hardship_plan");
    expect(suppressionOf({ ...ok, hardshipStatus: "deferred" })).toBe("hardship_plan");
    expect(suppressionOf({ ...ok, hardshipStatus: "applying" })).toBeNull(); // soft, not silent
    expect(suppressionOf({ ...ok, lastSentDate: "2026-11-30" })).toBe("min_gap");
  });
});

describe("validateLadder", () => {
  const codes = (l: LadderDefinition) => validateLadder(l, T).map((i) => i.code);
  it("the default ladder is valid", () => {
    expect(validateLadder(ladder(), T)).toEqual([]);
  });
  it("overlapping steps (same offset in a grade, same key)", () => {
    const l = ladder();
    l.steps.push({ key: "again", grade: "notice", offsetDays: 15, chain: ["sms"], template: "due" });
    expect(codes(l)).toContain("LADDER_STEPS_OVERLAP");
    const k = ladder();
    k.steps.push({ ...(k.steps[0] as LadderDefinition["steps"][number]), offsetDays: 20 });
    expect(codes(k)).toContain("LADDER_STEPS_OVERLAP");
  });
  it("out-of-order steps", () => {
    const l = ladder();
    const [a, b] = l.steps;
    l.steps[0] = b as LadderDefinition["steps"][number];
    l.steps[1] = a as LadderDefinition["steps"][number];
    expect(codes(l)).toEqual(["LADDER_STEPS_OUT_OF_ORDER"]);
  });
  it("a step where its grade cannot hold, a bad chain", () => {
    const l = ladder();
    (l.steps[3] as { offsetDays: number }).offsetDays = 10; // 催缴 before day 30
    (l.steps[4] as { chain: string[] }).chain = ["sms", "subscribe"];
    expect(codes(l)).toEqual(["LADDER_STEP_OUTSIDE_GRADE", "LADDER_CHAIN_INVALID"]);
  });
  it("empty quiet hours, rate 0", () => {
    const l = ladder();
    l.settings.quietHours = { start: "21:00", end: "21:00" };
    l.settings.ratePerSecond.sms = 0;
    expect(codes(l)).toEqual(["LADDER_QUIET_HOURS_EMPTY", "LADDER_RATE_INVALID"]);
  });
  it("a template missing a placeholder, an unknown one; the soft text needs the installment hint", () => {
    const l = ladder();
    l.templates.due = "请缴费{amount}，咨询{hotline}，{payPath}";
    l.templates.soft = l.templates.soft.replace("{installmentHint}", "");
    l.templates.overdue = `${l.templates.overdue}{foo}`;
    const issues = validateLadder(l, T);
    expect(issues).toEqual([
      { code: "LADDER_TEMPLATE_PLACEHOLDER_MISSING", path: "templates.due", detail: "{season}" },
      { code: "LADDER_TEMPLATE_PLACEHOLDER_UNKNOWN", path: "templates.overdue", detail: "{foo}" },
      { code: "LADDER_TEMPLATE_PLACEHOLDER_MISSING", path: "templates.soft", detail: "{installmentHint}" },
    ]);
  });
});

describe("texts", () => {
  const input = {
    accountNo: "1010110101",
    amountFen: 2_160_00 + 3_24,
    lateFeeFen: 3_24,
    season: "2025-2026",
    asOf: "2026-12-03",
  };
  it("the overdue text: amount with late fee as of the send date, oldest season, how to pay", () => {
    const t = renderReminder(ladder().templates.overdue, input);
    expect(t).toContain("¥2,163.24");
    expect(t).toContain("滞纳金¥3.24");
    expect(t).toContain("2025-2026供热季");
    expect(t).toContain("2026年12月3日");
    expect(t).toContain("0936-4466666");
    expect(t).toContain("小程序");
    expect(t).toContain("缴费专窗");
    expect(t).not.toMatch(/\{\w+\}/);
  });
  it("the soft text mentions 困难缓缴/分期 and never 催缴 or 欠缴", () => {
    const t = renderReminder(ladder().templates.soft, input);
    expect(t).toContain("困难缓缴/分期");
    expect(t).not.toContain("催缴");
    expect(t).not.toContain("欠缴");
  });
});

import { describe, expect, it } from "vitest";
import {
  DEFAULT_LEGAL_DEADLINES,
  filingDateError,
  type LegalCandidateFacts,
  legalCandidateCheck,
  type LegalCondition,
  legalDeadlineStatus,
  legalDeadlines,
  legalTransition,
  surnameOnly,
  typicalCaseSummary,
} from "./legal";
import { OFFICIAL_2025_2026 } from "./testing/officialHolidays";
import { bindCalendar } from "./workdays";

const cal = bindCalendar(OFFICIAL_2025_2026);

describe("legal deadlines from approval: 5 working days to submit, 7 calendar days to start litigation", () => {
  it.each([
    // 国庆、中秋 2025: 10-01…10-08 off; Sun 9-28 and Sat 10-11 worked
    [
      "2025-09-26",
      "2025-10-10",
      "2025-10-09",
      "Fri: 9-28 (make-up Sun), 9-29, 9-30, 10-09, 10-10; +7 = 10-03 holiday → 10-09",
    ],
    [
      "2025-09-30",
      "2025-10-14",
      "2025-10-09",
      "10-09, 10-10, 10-11 (make-up Sat), 10-13, 10-14; +7 = 10-07 holiday → 10-09",
    ],
    ["2025-10-01", "2025-10-14", "2025-10-09", "approved on a holiday; +7 = 10-08 holiday → 10-09"],
    // 春节 2026: 2-15…2-23 off; Sat 2-14 and Sat 2-28 worked
    ["2026-02-10", "2026-02-24", "2026-02-24", "2-11, 2-12, 2-13, 2-14 (make-up Sat), 2-24; +7 = 2-17 holiday → 2-24"],
    ["2026-02-12", "2026-02-26", "2026-02-24", "2-13, 2-14 (make-up Sat), 2-24, 2-25, 2-26; +7 = 2-19 holiday → 2-24"],
    ["2026-02-24", "2026-03-02", "2026-03-03", "2-25, 2-26, 2-27, 2-28 (make-up Sat), 3-02; +7 = Tue 3-03"],
    // 劳动节 2026: 5-01…5-05 off; Sat 5-09 worked
    ["2026-04-29", "2026-05-09", "2026-05-06", "4-30, 5-06, 5-07, 5-08, 5-09 (make-up Sat); +7 = Wed 5-06"],
    ["2026-04-30", "2026-05-11", "2026-05-07", "5-06, 5-07, 5-08, 5-09, Mon 5-11; +7 = 5-07"],
    ["2026-05-02", "2026-05-11", "2026-05-09", "approved on a holiday Sat; +7 = Sat 5-09, a make-up working day"],
    // an ordinary week with a weekend in the litigation period
    ["2026-03-06", "2026-03-13", "2026-03-13", "Fri: 3-09…3-13; +7 = Fri 3-13"],
    ["2026-03-07", "2026-03-13", "2026-03-16", "Sat: 3-09…3-13; +7 = Sat 3-14 → Mon 3-16"],
  ])("approved %s → submit by %s, litigate by %s (%s)", (approved, submit, litigate) => {
    expect(legalDeadlines(cal, approved, DEFAULT_LEGAL_DEADLINES)).toEqual([
      { kind: "submit", due: submit },
      { kind: "litigate", due: litigate },
    ]);
  });

  it("is configurable (3 working days / 10 calendar days)", () => {
    expect(legalDeadlines(cal, "2025-09-30", { submitWorkdays: 3, litigateDays: 10, warnWorkdays: 2 })).toEqual([
      { kind: "submit", due: "2025-10-11" },
      { kind: "litigate", due: "2025-10-10" },
    ]);
  });

  it("refuses a deadline reaching into a year without holiday data, never Mon–Fri", () => {
    // Mon 2026-12-28: 12-29, 12-30, 12-31, then 2027 — not loaded
    expect(legalDeadlines(cal, "2026-12-28", DEFAULT_LEGAL_DEADLINES)).toEqual([
      { kind: "submit", missingYear: 2027 },
      { kind: "litigate", missingYear: 2027 },
    ]);
    // approved inside the uncovered year
    expect(legalDeadlines(cal, "2027-03-01", DEFAULT_LEGAL_DEADLINES)).toEqual([
      { kind: "submit", missingYear: 2027 },
      { kind: "litigate", missingYear: 2027 },
    ]);
    // a week earlier both end in 2026
    expect(legalDeadlines(cal, "2026-12-21", DEFAULT_LEGAL_DEADLINES)).toEqual([
      { kind: "submit", due: "2026-12-28" },
      { kind: "litigate", due: "2026-12-28" },
    ]);
    const [submit] = legalDeadlines(cal, "2026-12-28", DEFAULT_LEGAL_DEADLINES);
    expect(legalDeadlineStatus(cal, submit as never, null, "2026-12-29", 2)).toEqual({
      state: "calendar_missing",
      workdaysLeft: null,
    });
  });

  it("grades a deadline: open, due soon at 2 working days left, breached, met, late", () => {
    const d = { kind: "submit" as const, due: "2026-02-26" };
    // (2-13, 2-26]: 2-14, 2-24, 2-25, 2-26
    expect(legalDeadlineStatus(cal, d, null, "2026-02-13", 2)).toEqual({ state: "open", workdaysLeft: 4 });
    // (2-14, 2-26]: the holiday does not count — 2-24, 2-25, 2-26
    expect(legalDeadlineStatus(cal, d, null, "2026-02-14", 2)).toEqual({ state: "open", workdaysLeft: 3 });
    expect(legalDeadlineStatus(cal, d, null, "2026-02-20", 2)).toEqual({ state: "open", workdaysLeft: 3 });
    expect(legalDeadlineStatus(cal, d, null, "2026-02-24", 2)).toEqual({ state: "due_soon", workdaysLeft: 2 });
    expect(legalDeadlineStatus(cal, d, null, "2026-02-26", 2)).toEqual({ state: "due_soon", workdaysLeft: 0 });
    expect(legalDeadlineStatus(cal, d, null, "2026-02-27", 2)).toEqual({ state: "breached", workdaysLeft: null });
    expect(legalDeadlineStatus(cal, d, "2026-02-26", "2026-03-10", 2).state).toBe("met");
    expect(legalDeadlineStatus(cal, d, "2026-02-27", "2026-03-10", 2).state).toBe("late");
  });
});

const PASSING: LegalCandidateFacts = {
  unpaidPrincipalFen: 345_600,
  oldestUnpaidDueDate: "2025-06-30",
  visits: [
    { date: "2025-12-03", at: "2025-12-03T02:00:00.000Z", kind: "collection", position: "disputes_quality" },
    { date: "2025-12-18", at: "2025-12-18T02:00:00.000Z", kind: "collection", position: "refuses" },
  ],
  hardshipCategory: "none",
  hardshipStatus: "none",
  openComplaints: 0,
  unresolvedColdReadings: 0,
  doNotRemind: false,
};
const ON = "2026-01-05";

describe("the malicious-arrears candidate rule", () => {
  it("holds when every condition holds, with the reasons for", () => {
    const r = legalCandidateCheck(PASSING, ON);
    expect(r.candidate).toBe(true);
    expect(r.reasons.map((x) => [x.condition, x.met])).toEqual([
      ["arrears_age", true],
      ["visits", true],
      ["refusal", true],
      ["no_hardship", true],
      ["no_complaint", true],
      ["no_cold_room", true],
      ["not_held", true],
    ]);
    expect(r.visitDays).toBe(2);
    expect(r.lastPosition).toBe("refuses");
    expect(r.arrearsMonths).toBe(6);
  });

  const failing: [LegalCondition, string, Partial<LegalCandidateFacts>][] = [
    ["arrears_age", "due exactly 6 months before (not more)", { oldestUnpaidDueDate: "2025-07-05" }],
    ["arrears_age", "due 5 months before", { oldestUnpaidDueDate: "2025-08-05" }],
    ["arrears_age", "principal paid (only late fee left)", { unpaidPrincipalFen: 0 }],
    [
      "visits",
      "two visits on the same day",
      {
        visits: [
          { date: "2025-12-18", at: "2025-12-18T01:00:00.000Z", kind: "collection", position: "disputes_quality" },
          { date: "2025-12-18", at: "2025-12-18T06:00:00.000Z", kind: "collection", position: "refuses" },
        ],
      },
    ],
    [
      "visits",
      "one communication and a care visit without a refusal",
      {
        visits: [
          { date: "2025-12-03", at: "2025-12-03T02:00:00.000Z", kind: "care", position: null },
          { date: "2025-12-18", at: "2025-12-18T02:00:00.000Z", kind: "collection", position: "refuses" },
        ],
      },
    ],
    [
      "refusal",
      "the latest position is a promised date",
      {
        visits: [
          ...PASSING.visits,
          { date: "2025-12-28", at: "2025-12-28T02:00:00.000Z", kind: "care", position: "promised" },
        ],
      },
    ],
    ["no_hardship", "a hardship category", { hardshipCategory: "low_income" }],
    ["no_hardship", "an application under review", { hardshipStatus: "applying" }],
    ["no_hardship", "an instalment plan", { hardshipStatus: "plan_active" }],
    ["no_hardship", "a deferral", { hardshipStatus: "deferred" }],
    ["no_complaint", "an open service complaint", { openComplaints: 1 }],
    ["no_cold_room", "an unresolved cold-room reading", { unresolvedColdReadings: 1 }],
    ["not_held", "marked 不宜催缴", { doNotRemind: true }],
  ];
  it.each(failing)("%s failing alone excludes the account (%s)", (condition, _why, change) => {
    const r = legalCandidateCheck({ ...PASSING, ...change }, ON);
    expect(r.candidate).toBe(false);
    expect(r.reasons.filter((x) => !x.met).map((x) => x.condition)).toEqual([condition]);
  });

  it("counts a visit of any kind whose stated position was a refusal", () => {
    const r = legalCandidateCheck(
      {
        ...PASSING,
        visits: [
          { date: "2025-12-03", at: "2025-12-03T02:00:00.000Z", kind: "temp_check", position: "refuses" },
          { date: "2025-12-18", at: "2025-12-18T02:00:00.000Z", kind: "care", position: "refuses" },
        ],
      },
      ON,
    );
    expect(r.candidate).toBe(true);
  });

  it("a longer configured age excludes the same account", () => {
    expect(legalCandidateCheck(PASSING, ON, { minArrearsMonths: 12, minVisits: 2 }).candidate).toBe(false);
    expect(legalCandidateCheck(PASSING, ON, { minArrearsMonths: 6, minVisits: 3 }).candidate).toBe(false);
  });
});

describe("cases", () => {
  it("moves only along the state machine", () => {
    expect(legalTransition("pending_review", "approve")).toBe("approved");
    expect(legalTransition("approved", "file")).toBe("filed");
    expect(legalTransition("exported", "file")).toBe("filed");
    expect(legalTransition("pending_review", "file")).toBeNull();
    expect(legalTransition("filed", "register")).toBe("litigating");
    expect(legalTransition("approved", "register")).toBeNull();
    expect(legalTransition("litigating", "close", "judgment")).toBe("closed");
    expect(legalTransition("approved", "close", "judgment")).toBeNull();
    expect(legalTransition("approved", "close", "paid_in_full")).toBe("closed");
    expect(legalTransition("closed", "close", "withdrawn")).toBeNull();
    expect(legalTransition("approved", "close")).toBeNull();
  });

  it("takes a filing date between approval and today", () => {
    expect(filingDateError("2026-02-24", "2026-02-24", "2026-02-25")).toBeNull();
    expect(filingDateError("2026-02-23", "2026-02-24", "2026-02-25")).toBe("before_approval");
    expect(filingDateError("2026-02-26", "2026-02-24", "2026-02-25")).toBe("future");
  });

  it("anonymizes a typical case: surname, community and building only", () => {
    expect(surnameOnly("张三丰")).toBe("张某");
    expect(surnameOnly("欧阳娜娜")).toBe("欧阳某");
    const text = typicalCaseSummary({
      ownerName: "王建国",
      communityName: "民乐花园",
      buildingName: "3号楼",
      amountFen: 345_600,
      outcome: "judgment",
      closedOn: "2026-03-20",
    });
    expect(text).toContain("民乐花园3号楼住户王某");
    expect(text).toContain("3456.00 元");
    expect(text).toContain("法院判决");
    expect(text).not.toContain("建国");
  });
});

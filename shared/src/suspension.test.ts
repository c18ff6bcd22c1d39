import { describe, expect, it } from "vitest";
import {
  checkSuspensionApplication,
  heatingStatusForSeason,
  openSuspensionSeason,
  type SuspensionRules,
  suspendedFeeFen,
  suspensionActionAllowed,
  suspensionDeadline,
} from "./suspension";

const rules: SuspensionRules = { deadlineMonthDay: "09-30", deadlineOverrides: {}, arrearsRule: "refuse" };
const base = {
  kind: "suspend" as const,
  today: "2026-12-03",
  seasonCode: "2027-2028",
  rules,
  statusForSeason: "active" as const,
  arrearsFen: 0,
  openApplicationExists: false,
};

describe("the season an application is for", () => {
  it.each([
    ["2026-12-03", "2027-2028", "2027-09-30"], // inside 2026-2027: its deadline has passed
    ["2027-01-01", "2027-2028", "2027-09-30"],
    ["2027-09-30", "2027-2028", "2027-09-30"], // the last day is still open
    ["2027-10-01", "2028-2029", "2028-09-30"], // "before 1 Oct": 1 Oct is too late
    ["2026-06-15", "2026-2027", "2026-09-30"],
  ])("on %s → %s (deadline %s)", (today, code, deadline) => {
    expect(openSuspensionSeason(today, rules)).toEqual({ seasonCode: code, deadline });
  });

  it("a per-season override replaces the default day", () => {
    const r = { ...rules, deadlineOverrides: { "2027-2028": "2027-08-31" } };
    expect(suspensionDeadline("2027-2028", r)).toBe("2027-08-31");
    expect(suspensionDeadline("2028-2029", r)).toBe("2028-09-30");
    expect(openSuspensionSeason("2027-09-01", r)).toEqual({ seasonCode: "2028-2029", deadline: "2028-09-30" });
  });
});

describe("checkSuspensionApplication", () => {
  it("accepts a 报停 before the deadline", () => {
    expect(checkSuspensionApplication(base)).toBeNull();
  });

  it("refuses after the deadline, naming the date", () => {
    const r = checkSuspensionApplication({ ...base, seasonCode: "2026-2027" });
    expect(r?.code).toBe("SUSPENSION_DEADLINE_PASSED");
    expect(r?.message).toContain("2026-09-30");
    expect(r?.details).toEqual({ seasonCode: "2026-2027", deadline: "2026-09-30" });
    // the day after the last day
    expect(checkSuspensionApplication({ ...base, today: "2027-10-01" })?.code).toBe("SUSPENSION_DEADLINE_PASSED");
    expect(checkSuspensionApplication({ ...base, today: "2027-09-30" })).toBeNull();
  });

  it("arrears: refused under 'refuse' with the amount, accepted under 'allow'; never for a 复供", () => {
    const r = checkSuspensionApplication({ ...base, arrearsFen: 123_45 });
    expect(r?.code).toBe("SUSPENSION_ARREARS");
    expect(r?.message).toContain("123.45");
    expect(
      checkSuspensionApplication({ ...base, arrearsFen: 1, rules: { ...rules, arrearsRule: "allow" } }),
    ).toBeNull();
    expect(
      checkSuspensionApplication({ ...base, kind: "restart", statusForSeason: "suspended", arrearsFen: 9_999 }),
    ).toBeNull();
  });

  it("报停 of a suspended account and 复供 of an active one are refused; one open application at a time", () => {
    expect(checkSuspensionApplication({ ...base, statusForSeason: "suspended" })?.code).toBe(
      "SUSPENSION_ALREADY_SUSPENDED",
    );
    expect(checkSuspensionApplication({ ...base, kind: "restart" })?.code).toBe("SUSPENSION_NOT_SUSPENDED");
    expect(checkSuspensionApplication({ ...base, openApplicationExists: true })?.code).toBe("SUSPENSION_OPEN_EXISTS");
  });
});

describe("heatingStatusForSeason", () => {
  const changes = [
    { seasonCode: "2027-2028", status: "suspended" as const, at: 1 },
    { seasonCode: "2029-2030", status: "active" as const, at: 2 },
  ];
  it.each([
    ["2026-2027", "active"],
    ["2027-2028", "suspended"],
    ["2028-2029", "suspended"],
    ["2029-2030", "active"],
  ])("%s → %s", (code, status) => {
    expect(heatingStatusForSeason(changes, code, "active")).toBe(status);
  });
  it("falls back to the register's status, and the later change of one season wins", () => {
    expect(heatingStatusForSeason([], "2027-2028", "suspended")).toBe("suspended");
    const same = [
      { seasonCode: "2027-2028", status: "suspended" as const, at: 5 },
      { seasonCode: "2027-2028", status: "active" as const, at: 9 },
    ];
    expect(heatingStatusForSeason(same, "2027-2028", "suspended")).toBe("active");
  });
});

describe("base fee and actions", () => {
  it("base fee: 30 % of the full fee, half up to the fen", () => {
    // 89.62 m² × 21.60 元: 8962 × 2160 / 100 = 193579.2 → 193579 fen; 30 % = 58073.7 → 58074
    expect(suspendedFeeFen(8_962, { unitPriceFen: 2_160, suspensionShareBp: 3_000 })).toBe(58_074);
    expect(suspendedFeeFen(100, { unitPriceFen: 5, suspensionShareBp: 3_000 })).toBe(2); // 5 × 0.3 = 1.5 → 2
  });
  it("transitions", () => {
    expect(suspensionActionAllowed("approve", "pending")).toBe(true);
    expect(suspensionActionAllowed("approve", "approved")).toBe(false);
    expect(suspensionActionAllowed("schedule_visit", "approved")).toBe(true);
    expect(suspensionActionAllowed("confirm_visit", "approved")).toBe(false);
    expect(suspensionActionAllowed("withdraw", "approved")).toBe(false);
  });
});

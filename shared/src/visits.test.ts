import { describe, expect, it } from "vitest";
import {
  assignedOn,
  coverageRate,
  DEFAULT_VISIT_PLAN_CONFIG,
  monthBounds,
  type PlanAssignment,
  type PlanHousehold,
  selectVisitPlan,
  type VisitRuleInput,
  visitIssues,
} from "./visits";

const at = (s: string) => new Date(s);
const NOW = at("2026-12-03T06:00:00Z"); // 14:00 in Shanghai

const base: VisitRuleInput = {
  startedAt: at("2026-12-03T02:00:00Z"),
  endedAt: at("2026-12-03T02:30:00Z"),
  kind: "care",
  outcome: "met_owner",
  indoorTempC10: 205,
  tempMethod: "thermometer",
  position: null,
  photoCount: 1,
};
const paths = (v: Partial<VisitRuleInput>) => visitIssues({ ...base, ...v }, NOW).map((i) => i.path);

describe("visit record rules", () => {
  it("accepts a plain visit", () => {
    expect(visitIssues(base, NOW)).toEqual([]);
  });
  it.each<[string, Partial<VisitRuleInput>, string[]]>([
    ["ended before started", { endedAt: at("2026-12-03T01:59:00Z") }, ["endedAt"]],
    ["longer than 12 hours", { startedAt: at("2026-12-02T13:00:00Z") }, ["endedAt"]],
    [
      "started in the future",
      { startedAt: at("2026-12-03T07:00:00Z"), endedAt: at("2026-12-03T07:10:00Z") },
      ["startedAt", "endedAt"],
    ],
    ["ended 4 minutes ahead (clock skew)", { endedAt: at("2026-12-03T06:04:00Z") }, []],
    ["ended 6 minutes ahead", { endedAt: at("2026-12-03T06:06:00Z") }, ["endedAt"]],
    ["reading −40.1 ℃", { indoorTempC10: -401 }, ["indoorTempC10"]],
    ["reading +40.1 ℃", { indoorTempC10: 401 }, ["indoorTempC10"]],
    ["reading −40.0 ℃ is in range", { indoorTempC10: -400 }, []],
    ["reading without a method", { tempMethod: null }, ["tempMethod"]],
    ["reading with nobody home", { outcome: "nobody_home" }, ["indoorTempC10"]],
    ["催缴沟通, owner met, no position", { kind: "collection" }, ["position"]],
    ["催缴沟通, family met, no position", { kind: "collection", outcome: "met_family" }, ["position"]],
    ["催缴沟通, nobody home, no position", { kind: "collection", outcome: "nobody_home", indoorTempC10: null }, []],
    [
      "position with nobody home",
      { outcome: "nobody_home", indoorTempC10: null, position: { kind: "willing" } },
      ["position"],
    ],
    ["承诺日期 without a date", { position: { kind: "promised" } }, ["position.promisedDate"]],
    [
      "承诺日期 before the visit day",
      { position: { kind: "promised", promisedDate: "2026-12-02" } },
      ["position.promisedDate"],
    ],
    ["承诺日期 on the visit day", { position: { kind: "promised", promisedDate: "2026-12-03" } }, []],
    ["承诺日期 181 days on", { position: { kind: "promised", promisedDate: "2027-06-02" } }, ["position.promisedDate"]],
    [
      "a date on another position",
      { position: { kind: "willing", promisedDate: "2026-12-20" } },
      ["position.promisedDate"],
    ],
    ["异议 without a reason", { position: { kind: "disputes_quality", reason: " " } }, ["position.reason"]],
    ["拒绝缴费 without a reason", { position: { kind: "refuses" } }, ["position.reason"]],
    ["拒绝缴费 with a reason", { position: { kind: "refuses", reason: "认为不该交" } }, []],
    ["7 photos", { photoCount: 7 }, ["photoIds"]],
  ])("%s", (_name, v, expected) => {
    expect(paths(v)).toEqual(expected);
  });
  it("speaks Chinese", () => {
    expect(visitIssues({ ...base, endedAt: at("2026-12-03T01:00:00Z") }, NOW)[0]?.message).toBe(
      "结束时间不能早于开始时间",
    );
  });
});

describe("visit plan selection", () => {
  // community 1: workers 10 (all month) ; community 2: worker 20 until 12-15, then worker 30
  const assignments: PlanAssignment[] = [
    { staffId: 10, communityId: 1, from: "2026-01-01", to: null },
    { staffId: 20, communityId: 2, from: "2026-01-01", to: "2026-12-15" },
    { staffId: 30, communityId: 2, from: "2026-12-16", to: null },
    { staffId: 40, communityId: 3, from: "2026-01-01", to: "2026-11-30" },
  ];
  // hand-worked: community 1 has 5 households, community 2 has 3, community 3 (no worker in Dec) has 1
  const households: PlanHousehold[] = [
    { accountId: 105, communityId: 1, unpaid: false, special: true },
    { accountId: 101, communityId: 1, unpaid: false, special: false },
    { accountId: 102, communityId: 1, unpaid: true, special: false },
    { accountId: 103, communityId: 1, unpaid: true, special: true },
    { accountId: 104, communityId: 1, unpaid: false, special: false },
    { accountId: 201, communityId: 2, unpaid: true, special: false },
    { accountId: 202, communityId: 2, unpaid: false, special: false },
    { accountId: 203, communityId: 2, unpaid: false, special: true },
    { accountId: 301, communityId: 3, unpaid: true, special: false },
  ];
  const cfg = DEFAULT_VISIT_PLAN_CONFIG;
  const rows = (asOf: string, config = cfg, month = "2026-12") =>
    selectVisitPlan({ month, asOf, assignments, households, config }).map(
      (e) => `${e.staffId}:${e.accountId}:${e.priority}:${e.target}`,
    );

  it("puts unpaid first, then special groups, twice a month; others left out by default", () => {
    expect(rows("2026-12-01")).toEqual([
      "10:102:unpaid:2",
      "10:103:unpaid:2", // unpaid and special: unpaid wins
      "10:105:special:2",
      "20:201:unpaid:2",
      "20:203:special:2",
    ]);
  });

  it("adds the others when configured", () => {
    expect(rows("2026-12-01", { ...cfg, includeOthers: true })).toEqual([
      "10:102:unpaid:2",
      "10:103:unpaid:2",
      "10:105:special:2",
      "10:101:other:2",
      "10:104:other:2",
      "20:201:unpaid:2",
      "20:203:special:2",
      "20:202:other:2",
    ]);
  });

  it("cuts a worker's list from the lowest priority up", () => {
    expect(rows("2026-12-01", { ...cfg, includeOthers: true, maxHouseholdsPerWorker: 2 })).toEqual([
      "10:102:unpaid:2",
      "10:103:unpaid:2",
      "20:201:unpaid:2",
      "20:203:special:2",
    ]);
  });

  it("hands a community to the new worker after a mid-month change", () => {
    expect(rows("2026-12-15")).toEqual([
      "10:102:unpaid:2",
      "10:103:unpaid:2",
      "10:105:special:2",
      "20:201:unpaid:2",
      "20:203:special:2",
    ]);
    expect(rows("2026-12-16")).toEqual([
      "10:102:unpaid:2",
      "10:103:unpaid:2",
      "10:105:special:2",
      "30:201:unpaid:2",
      "30:203:special:2",
    ]);
  });

  it("builds a future month as of its first day, and a past month as of its last", () => {
    // built on 2026-11-20 for December: worker 40's assignment to community 3 has ended by 12-01
    expect(rows("2026-11-20")).toEqual(rows("2026-12-01"));
    expect(rows("2027-03-01", cfg, "2027-01")).toContain("30:201:unpaid:2");
    // November: community 3 still has worker 40, community 2 has worker 20
    expect(rows("2026-11-10", cfg, "2026-11")).toContain("40:301:unpaid:2");
  });

  it("shares a community with two workers in turn", () => {
    const both: PlanAssignment[] = [...assignments, { staffId: 11, communityId: 1, from: "2026-12-01", to: null }];
    const r = selectVisitPlan({ month: "2026-12", asOf: "2026-12-01", assignments: both, households, config: cfg })
      .filter((e) => e.communityId === 1)
      .map((e) => `${e.staffId}:${e.accountId}`);
    // community 1 targets by account id: 102, 103, 105 → workers 10, 11, 10
    expect(r).toEqual(["10:102", "10:105", "11:103"]);
  });

  it("plans nothing outside the visit months (Nov–Feb)", () => {
    expect(rows("2026-03-05", cfg, "2026-03")).toEqual([]);
    expect(rows("2026-10-05", cfg, "2026-10")).toEqual([]);
  });

  it("knows month bounds and who is assigned on a day", () => {
    expect(monthBounds("2027-02")).toEqual({ first: "2027-02-01", last: "2027-02-28" });
    expect(monthBounds("2026-12")).toEqual({ first: "2026-12-01", last: "2026-12-31" });
    expect(assignedOn(assignments, 2, "2026-12-15")).toEqual([20]);
    expect(assignedOn(assignments, 2, "2026-12-16")).toEqual([30]);
    expect(coverageRate(0, 0)).toBe(1);
    expect(coverageRate(3, 4)).toBe(0.75);
  });
});

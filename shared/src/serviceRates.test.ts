import { describe, expect, it } from "vitest";
import type { ServiceRatesQuery } from "./api/tickets";
import {
  meetsUnreachableRule,
  readFollowUp,
  SERVICE_RATE_DEFINITION,
  SERVICE_RATE_DEFINITIONS,
  SERVICE_RATE_SCOPE,
} from "./serviceRates";
import type { TicketEventType } from "./tickets/constants";
import { type RateTicket, rateRows, ratePercent, ticketOutcome } from "./tickets/rates";

/** a Shanghai wall-clock time "2026-12-01 09:00" as an instant */
const sh = (s: string) => new Date(`${s.replace(" ", "T")}:00+08:00`);
const iso = (s: string) => sh(s).toISOString();
const NOW = sh("2026-12-05 12:00");
const RANGE: ServiceRatesQuery = { from: "2026-12-01", to: "2026-12-05", groupBy: "month" };

function ticket(
  id: number,
  events: [TicketEventType, string, Record<string, unknown>?][],
  incidentId: number | null = null,
): RateTicket {
  const ev = events.map(([type, at, data]) => ({ type, at: sh(at), data: data ?? null }));
  return {
    id,
    createdAt: ev[0].at,
    stationId: 1,
    stationName: "城东换热站",
    channel: "hotline",
    category: "no_heat", // 一般: 30 min to respond, 60 min to resolve, on service time (in season: round the clock)
    incidentId,
    events: ev,
  };
}

/**
 * The hand-worked set, at NOW = 12-05 12:00 (Shanghai). What each ticket contributes:
 *
 *      story                                           应响应 及时  应办结 按时办结  联系上 解决 满意(基本)  无法联系
 *  A   all well; leads the incident I joins               1     1     1      1        1     1    1           .
 *  B   基本满意 (new fields), solved                      1     1     1      1        1     1    1 (1)       .
 *  C   solved but 不满意 (new fields), not reopened       1     1     1      1        1     1    0           .
 *  D   无法联系: 3 failed calls on 2 days, result by SMS  1     1     1      1        .     .    .           1
 *      1 min after 处理完成
 *  E   "无法联系" with 2 calls on 1 day (not the rule):   1     1     1      0        .     .    .           .
 *      not followed up, the reply window (48 h) is over
 *  F   不满意 → reopened; 2nd cycle resolved in 50 min,   1     1     1      1        1     1    1           .
 *      then satisfied
 *  G   responded after 40 min; resolved, follow-up not    1     0     0      0        .     .    .           .
 *      yet due (2 h 10 min ago)
 *  H   created 15 min ago, nothing yet: no clock is due   0     0     0      0        .     .    .           .
 *  I   duplicate of A (linked into A's incident)          in no rate; duplicates = 1
 *  J   不满意 (old record: no `solved`) → reopened, the   1     1     1      0        1     0    0           .
 *      new cycle never resolved
 *  K   resolved after 80 min, satisfied: 满意 but late    1     1     1      0        1     1    1           .
 *
 *  totals (11 tickets, 1 duplicate):                     9     8     8      5        6     5    4 (1)       1
 *  响应率 8/9 = 88.9%   办结率 5/8 = 62.5%   解决率 5/6 = 83.3%   满意率 4/6 = 66.7%
 *
 * Before these definitions 办结 meant "closed by a satisfied follow-up" (C and D never counted, K did) over all
 * tickets, and 无法联系 did not exist.
 */
const A = ticket(
  1,
  [
    ["created", "2026-12-01 09:00"],
    ["responded", "2026-12-01 09:10"],
    ["resolved", "2026-12-01 09:50"],
    ["followed_up", "2026-12-01 14:00", { satisfied: true, score: 5 }],
    ["closed", "2026-12-01 14:00"],
  ],
  1,
);
const SET: RateTicket[] = [
  A,
  ticket(2, [
    ["created", "2026-12-01 10:00"],
    ["responded", "2026-12-01 10:20"],
    ["resolved", "2026-12-01 10:55"],
    [
      "followed_up",
      "2026-12-02 09:00",
      { outcome: "reached", solved: true, level: "basic", satisfied: true, score: 3 },
    ],
    ["closed", "2026-12-02 09:00"],
  ]),
  ticket(3, [
    ["created", "2026-12-01 11:00"],
    ["responded", "2026-12-01 11:05"],
    ["resolved", "2026-12-01 11:45"],
    ["followed_up", "2026-12-01 16:00", { outcome: "reached", solved: true, level: "unsatisfied", satisfied: false }],
    ["closed", "2026-12-01 16:00"],
  ]),
  ticket(4, [
    ["created", "2026-12-01 12:00"],
    ["responded", "2026-12-01 12:10"],
    ["resolved", "2026-12-01 12:50"],
    [
      "followed_up",
      "2026-12-03 10:00",
      {
        outcome: "unreachable",
        attempts: [iso("2026-12-01 15:00"), iso("2026-12-01 19:00"), iso("2026-12-02 10:00")],
        smsAt: iso("2026-12-01 12:51"),
      },
    ],
    ["closed", "2026-12-03 10:00"],
  ]),
  ticket(5, [
    ["created", "2026-12-01 13:00"],
    ["responded", "2026-12-01 13:10"],
    ["resolved", "2026-12-01 13:40"],
    [
      "followed_up",
      "2026-12-01 18:00",
      {
        outcome: "unreachable",
        attempts: [iso("2026-12-01 15:00"), iso("2026-12-01 17:00")],
        smsAt: iso("2026-12-01 13:41"),
      },
    ],
  ]),
  ticket(6, [
    ["created", "2026-12-02 09:00"],
    ["responded", "2026-12-02 09:05"],
    ["resolved", "2026-12-02 09:40"],
    ["followed_up", "2026-12-02 12:00", { satisfied: false, score: 2 }],
    ["reopened", "2026-12-02 12:00"],
    ["responded", "2026-12-02 12:10"],
    ["resolved", "2026-12-02 12:50"],
    ["followed_up", "2026-12-02 16:00", { satisfied: true, score: 5 }],
    ["closed", "2026-12-02 16:00"],
  ]),
  ticket(7, [
    ["created", "2026-12-05 09:00"],
    ["responded", "2026-12-05 09:40"],
    ["resolved", "2026-12-05 09:50"],
  ]),
  ticket(8, [["created", "2026-12-05 11:45"]]),
  ticket(
    9,
    [
      ["created", "2026-12-01 09:05"],
      ["responded", "2026-12-01 09:06"],
    ],
    1,
  ),
  ticket(10, [
    ["created", "2026-12-02 14:00"],
    ["responded", "2026-12-02 14:10"],
    ["resolved", "2026-12-02 14:50"],
    ["followed_up", "2026-12-02 18:00", { satisfied: false, score: 1 }],
    ["reopened", "2026-12-02 18:00"],
  ]),
  ticket(11, [
    ["created", "2026-12-03 10:00"],
    ["responded", "2026-12-03 10:05"],
    ["resolved", "2026-12-03 11:20"],
    ["followed_up", "2026-12-03 15:00", { satisfied: true, score: 4 }],
    ["closed", "2026-12-03 15:00"],
  ]),
];

describe("the four rates on a hand-worked set", () => {
  it("gives each ticket its outcome", () => {
    const o = SET.map((t) => ticketOutcome(t, NOW));
    const col = <K extends keyof (typeof o)[number]>(k: K) => o.map((x) => x[k]);
    //                                 A      B      C      D      E      F      G      H      I      J      K
    expect(col("duplicate")).toEqual([false, false, false, false, false, false, false, false, true, false, false]);
    expect(col("responseDue")).toEqual([true, true, true, true, true, true, true, false, true, true, true]);
    expect(col("respondedInTime")).toEqual([true, true, true, true, true, true, false, false, true, true, true]);
    // I's own outcome is worked out like any other; the counts leave it out (duplicate)
    expect(col("completionDue")).toEqual([true, true, true, true, true, true, false, false, true, true, true]);
    expect(col("completed")).toEqual([true, true, true, true, false, true, false, false, false, false, false]);
    expect(col("followUp")).toEqual([
      "reached",
      "reached",
      "reached",
      "unreachable",
      "none",
      "reached",
      "none",
      "none",
      "none",
      "reached",
      "reached",
    ]);
    expect(col("solved")).toEqual([true, true, true, false, false, true, false, false, false, false, true]);
    expect(col("satisfied")).toEqual([true, true, false, false, false, true, false, false, false, false, true]);
    expect(col("basicSatisfied")).toEqual([false, true, false, false, false, false, false, false, false, false, false]);
  });

  it("counts the table's totals and rates", () => {
    const { total } = rateRows(SET, RANGE, NOW);
    expect(total).toEqual({
      key: "total",
      label: "合计",
      tickets: 11,
      duplicates: 1,
      responseDue: 9,
      respondedInTime: 8,
      completionDue: 8,
      completed: 5,
      followedUp: 6,
      solved: 5,
      satisfied: 4,
      basicSatisfied: 1,
      unreachable: 1,
      responseRate: 8 / 9,
      completionRate: 5 / 8,
      solveRate: 5 / 6,
      satisfactionRate: 4 / 6,
    });
    expect(ratePercent(total.respondedInTime, total.responseDue)).toBe("88.9%");
    expect(ratePercent(total.completed, total.completionDue)).toBe("62.5%");
    expect(ratePercent(total.solved, total.followedUp)).toBe("83.3%");
    expect(ratePercent(total.satisfied, total.followedUp)).toBe("66.7%");
  });

  it("办结 is not 满意: a late but satisfied ticket is not completed, an unreachable one replied by SMS is", () => {
    const o = SET.map((t) => ticketOutcome(t, NOW));
    expect([o[10].satisfied, o[10].completed]).toEqual([true, false]); // K
    expect([o[3].followUp, o[3].completed]).toEqual(["unreachable", true]); // D
    expect([o[2].satisfied, o[2].completed]).toEqual([false, true]); // C
  });

  it("a reply later than 48 h after the resolution is not in time; a pending one becomes due when the window closes", () => {
    const late = ticket(20, [
      ["created", "2026-12-01 09:00"],
      ["responded", "2026-12-01 09:10"],
      ["resolved", "2026-12-01 09:50"],
      ["followed_up", "2026-12-03 09:51", { satisfied: true, score: 5 }],
      ["closed", "2026-12-03 09:51"],
    ]);
    expect(ticketOutcome(late, NOW)).toMatchObject({ completionDue: true, completed: false, satisfied: true });
    const g = SET[6];
    expect(ticketOutcome(g, sh("2026-12-07 09:50")).completionDue).toBe(false);
    expect(ticketOutcome(g, sh("2026-12-07 09:51")).completionDue).toBe(true);
  });

  it("the SMS of an unreachable resident must also be sent within the reply window", () => {
    const d = SET[3];
    const smsLate = {
      ...d,
      events: d.events.map((e) =>
        e.type === "followed_up" ? { ...e, data: { ...e.data, smsAt: iso("2026-12-03 13:00") } } : e,
      ),
    };
    expect(ticketOutcome(smsLate, NOW)).toMatchObject({ followUp: "unreachable", completed: false });
    const noSms = {
      ...d,
      events: d.events.map((e) => (e.type === "followed_up" ? { ...e, data: { ...e.data, smsAt: null } } : e)),
    };
    expect(ticketOutcome(noSms, NOW)).toMatchObject({ followUp: "unreachable", completed: false });
  });
});

describe("the 无法联系 rule", () => {
  it("wants 3 failed calls on 2 different Shanghai dates", () => {
    expect(meetsUnreachableRule([sh("2026-12-01 09:00"), sh("2026-12-01 15:00"), sh("2026-12-02 09:00")])).toBe(true);
    expect(meetsUnreachableRule([sh("2026-12-01 09:00"), sh("2026-12-01 15:00"), sh("2026-12-01 20:00")])).toBe(false);
    expect(meetsUnreachableRule([sh("2026-12-01 09:00"), sh("2026-12-02 09:00")])).toBe(false);
    // 23:30 and 00:30 Shanghai are two dates, though the same UTC date
    expect(meetsUnreachableRule([sh("2026-12-01 20:00"), sh("2026-12-01 23:30"), sh("2026-12-02 00:30")])).toBe(true);
  });

  it("reads follow-up records, old and new", () => {
    expect(readFollowUp({ satisfied: true, score: 5 })).toEqual({ kind: "reached", solved: true, level: "satisfied" });
    expect(readFollowUp({ satisfied: false, score: 1 })).toEqual({
      kind: "reached",
      solved: false,
      level: "unsatisfied",
    });
    expect(readFollowUp({ satisfied: false, solved: true, level: "unsatisfied" })).toEqual({
      kind: "reached",
      solved: true,
      level: "unsatisfied",
    });
    expect(readFollowUp({ outcome: "unreachable", attempts: ["x", iso("2026-12-01 09:00")] })).toEqual({
      kind: "incomplete",
    });
    expect(
      readFollowUp({
        outcome: "unreachable",
        attempts: [iso("2026-12-01 09:00"), iso("2026-12-01 15:00"), iso("2026-12-02 09:00")],
      }),
    ).toEqual({ kind: "unreachable", smsAt: null });
  });
});

describe("the definitions", () => {
  it("name each rate with its numerator, denominator and target", () => {
    expect(SERVICE_RATE_DEFINITIONS.map((d) => d.name)).toEqual(["响应率", "办结率", "解决率", "满意率"]);
    expect(SERVICE_RATE_DEFINITION.completion.target).toBe("超98%");
    for (const d of SERVICE_RATE_DEFINITIONS) {
      expect(d.numerator.length).toBeGreaterThan(10);
      expect(d.denominator.length).toBeGreaterThan(10);
    }
    expect(SERVICE_RATE_SCOPE.join("")).toContain("至少3次");
    expect(SERVICE_RATE_DEFINITION.completion.numerator).toContain("48小时");
  });
});

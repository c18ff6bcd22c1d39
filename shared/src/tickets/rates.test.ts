import { describe, expect, it } from "vitest";
import type { ServiceRatesQuery, ServiceRatesView } from "../api/tickets";
import type { TicketEventType } from "./constants";
import { isoWeek, periodLabel, type RateTicket, rateRangeProblem, rateRows, ratePercent, ticketOutcome } from "./rates";

/** a Shanghai wall-clock time "2026-11-27 23:30" as an instant */
const sh = (s: string) => new Date(`${s.replace(" ", "T")}:00+08:00`);
const NOW = sh("2026-12-05 08:00");
const STATIONS: Record<number, string> = { 1: "城东换热站", 2: "城西换热站" };

let nextId = 1;
function ticket(
  station: 1 | 2 | null,
  channel: RateTicket["channel"],
  category: RateTicket["category"],
  events: [TicketEventType, string, Record<string, unknown>?][],
): RateTicket {
  const ev = events.map(([type, at, data]) => ({ type, at: sh(at), data: data ?? null }));
  return {
    id: nextId++,
    createdAt: ev[0].at,
    stationId: station,
    stationName: station === null ? null : STATIONS[station],
    channel,
    category,
    events: ev,
  };
}
const ok = { satisfied: true, score: 5 };
const notOk = { satisfied: false, score: 1 };

/**
 * The hand-worked set (range 2026-11-23 Mon … 2026-11-30 Mon), what each ticket contributes at NOW (every
 * clock has run out by then, so every ticket is due for both 响应 and 办结; 一般 grade: 60 min to resolve):
 *                                            响应及时  按时办结  回访联系上  已解决  满意
 * T1 11-23 城东 wechat   all well                 1        1          1        1      1
 * T2 11-24 城东 hotline  responded after 45 min,  0        0          1        1      1
 *                        resolved after 90 min
 * T3 11-25 城西 wechat   unsatisfied, reopened,   1        0          1        1      1   (first cycle counts
 *                        second cycle resolved 120 min after the reopening              for the response)
 * T4 11-26 城西 alipay   unsatisfied, reopened    1        0          1        0      0
 * T5 11-27 none 12345    resolved, no follow-up   1        0          0        0      0
 * T6 11-27 城东 wechat   23:30 Shanghai (15:30Z)  1        0          0        0      0
 * T7 11-28 none hotline  00:30 Shanghai (16:30Z on 11-27), paused before the response: 15 min used,
 *                        resolved with 35 min used 1       1          1        1      1
 * T8 11-29 城西 visit    Sunday 23:50: ISO week 48 1       1          1        1      1
 * T9 11-30 城东 wechat   Monday 00:10: week 49, never responded
 *                                                 0        0          0        0      0
 * outside the range: 11-22 23:59 and 12-01 00:00 Shanghai.
 */
const T = [
  ticket(1, "wechat", "cold_room", [
    ["created", "2026-11-23 09:00"],
    ["responded", "2026-11-23 09:10"],
    ["resolved", "2026-11-23 10:00"],
    ["followed_up", "2026-11-24 10:00", ok],
    ["closed", "2026-11-24 10:00"],
  ]),
  ticket(1, "hotline", "no_heat", [
    ["created", "2026-11-24 10:00"],
    ["responded", "2026-11-24 10:45"],
    ["resolved", "2026-11-24 11:30"],
    ["followed_up", "2026-11-25 10:00", ok],
    ["closed", "2026-11-25 10:00"],
  ]),
  ticket(2, "wechat", "cold_room", [
    ["created", "2026-11-25 08:00"],
    ["responded", "2026-11-25 08:05"],
    ["resolved", "2026-11-25 09:00"],
    ["followed_up", "2026-11-25 12:00", notOk],
    ["reopened", "2026-11-25 12:00"],
    ["responded", "2026-11-25 12:50"],
    ["resolved", "2026-11-25 14:00"],
    ["followed_up", "2026-11-26 10:00", ok],
    ["closed", "2026-11-26 10:00"],
  ]),
  ticket(2, "alipay", "billing", [
    ["created", "2026-11-26 14:00"],
    ["responded", "2026-11-26 14:20"],
    ["resolved", "2026-11-26 15:00"],
    ["followed_up", "2026-11-27 10:00", notOk],
    ["reopened", "2026-11-27 10:00"],
    ["responded", "2026-11-27 10:10"],
  ]),
  ticket(null, "12345", "leak", [
    ["created", "2026-11-27 10:00"],
    ["responded", "2026-11-27 10:05"],
    ["resolved", "2026-11-27 11:00"],
  ]),
  ticket(1, "wechat", "cold_room", [
    ["created", "2026-11-27 23:30"],
    ["responded", "2026-11-27 23:40"],
  ]),
  ticket(null, "hotline", "inquiry", [
    ["created", "2026-11-28 00:30"],
    ["paused", "2026-11-28 00:35", { reason: "居民要求早上再联系" }],
    ["resumed", "2026-11-28 08:00"],
    ["responded", "2026-11-28 08:10"],
    ["resolved", "2026-11-28 08:30"],
    ["followed_up", "2026-11-28 15:00", ok],
    ["closed", "2026-11-28 15:00"],
  ]),
  ticket(2, "visit", "noise", [
    ["created", "2026-11-29 23:50"],
    ["responded", "2026-11-29 23:55"],
    ["resolved", "2026-11-30 00:40"],
    ["followed_up", "2026-11-30 10:00", ok],
    ["closed", "2026-11-30 10:00"],
  ]),
  ticket(1, "wechat", "no_heat", [["created", "2026-11-30 00:10"]]),
  // outside the range
  ticket(1, "wechat", "cold_room", [
    ["created", "2026-11-22 23:59"],
    ["responded", "2026-11-23 00:05"],
  ]),
  ticket(2, "hotline", "leak", [["created", "2026-12-01 00:00"]]),
];

const q = (groupBy: ServiceRatesQuery["groupBy"]): ServiceRatesQuery => ({
  from: "2026-11-23",
  to: "2026-11-30",
  groupBy,
});
/** [key, tickets, responseDue, respondedInTime, completionDue, completed, followedUp, solved, satisfied] */
const counts = (v: ServiceRatesView) =>
  v.rows.map((r) => [
    r.key,
    r.tickets,
    r.responseDue,
    r.respondedInTime,
    r.completionDue,
    r.completed,
    r.followedUp,
    r.solved,
    r.satisfied,
  ]);

describe("ticketOutcome", () => {
  it("applies each rule", () => {
    const o = T.map((t) => ticketOutcome(t, NOW));
    expect(o.map((x) => x.respondedInTime)).toEqual([
      true,
      false,
      true,
      true,
      true,
      true,
      true,
      true,
      false,
      true,
      false,
    ]);
    expect(o.map((x) => x.completed)).toEqual([
      true,
      false,
      false,
      false,
      false,
      false,
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(o.map((x) => x.completionDue)).toEqual(Array(11).fill(true));
    expect(o.map((x) => x.satisfied)).toEqual([true, true, true, false, false, false, true, true, false, false, false]);
    // Shanghai dates, not UTC ones
    expect(o[5].date).toBe("2026-11-27");
    expect(T[5].createdAt.toISOString()).toBe("2026-11-27T15:30:00.000Z");
    expect(o[6].date).toBe("2026-11-28");
    expect(T[6].createdAt.toISOString()).toBe("2026-11-27T16:30:00.000Z");
  });

  it("ignores events after the report time", () => {
    const t = T[4];
    const later = {
      ...t,
      events: [...t.events, { type: "followed_up" as const, at: sh("2026-11-28 09:00"), data: ok }],
    };
    expect(ticketOutcome(later, sh("2026-11-28 08:00")).completed).toBe(false);
    expect(ticketOutcome(later, sh("2026-11-28 08:00")).followUp).toBe("none");
    expect(ticketOutcome(later, sh("2026-11-28 10:00")).completed).toBe(true);
    // a response still open at the report time is not in time once 30 minutes have passed
    expect(ticketOutcome(T[8], sh("2026-11-30 00:30")).respondedInTime).toBe(false);
  });

  it("counts a closed ticket reopened afterwards as not completed (its new cycle is late by then)", () => {
    const t = ticket(1, "wechat", "cold_room", [
      ["created", "2026-11-23 09:00"],
      ["responded", "2026-11-23 09:05"],
      ["resolved", "2026-11-23 09:40"],
      ["followed_up", "2026-11-23 12:00", ok],
      ["closed", "2026-11-23 12:00"],
      ["reopened", "2026-11-24 09:00"],
    ]);
    expect(ticketOutcome(t, NOW).completed).toBe(false);
  });
});

describe("rateRows", () => {
  it("groups by day on Shanghai dates, every day of the range listed", () => {
    const v = rateRows(T, q("day"), NOW);
    expect(counts(v)).toEqual([
      ["2026-11-23", 1, 1, 1, 1, 1, 1, 1, 1],
      ["2026-11-24", 1, 1, 0, 1, 0, 1, 1, 1],
      ["2026-11-25", 1, 1, 1, 1, 0, 1, 1, 1],
      ["2026-11-26", 1, 1, 1, 1, 0, 1, 0, 0],
      ["2026-11-27", 2, 2, 2, 2, 0, 0, 0, 0],
      ["2026-11-28", 1, 1, 1, 1, 1, 1, 1, 1],
      ["2026-11-29", 1, 1, 1, 1, 1, 1, 1, 1],
      ["2026-11-30", 1, 1, 0, 1, 0, 0, 0, 0],
    ]);
    expect(v.rows[4].label).toBe("2026年11月27日（周五）");
    expect(v.total).toEqual({
      key: "total",
      label: "合计",
      tickets: 9,
      duplicates: 0,
      responseDue: 9,
      respondedInTime: 7,
      completionDue: 9,
      completed: 3,
      followedUp: 6,
      solved: 5,
      satisfied: 5,
      basicSatisfied: 0,
      unreachable: 0,
      responseRate: 7 / 9,
      completionRate: 3 / 9,
      solveRate: 5 / 6,
      satisfactionRate: 5 / 6,
    });
    expect(v.rows[7].satisfactionRate).toBeNull();
    expect(v.rows[7].responseRate).toBe(0);
  });

  it("groups by ISO week (Monday key) and by month", () => {
    const w = rateRows(T, q("week"), NOW);
    expect(counts(w)).toEqual([
      ["2026-11-23", 8, 8, 7, 8, 3, 6, 5, 5],
      ["2026-11-30", 1, 1, 0, 1, 0, 0, 0, 0],
    ]);
    expect(w.rows.map((r) => r.label)).toEqual(["2026年第48周 (11-23～11-29)", "2026年第49周 (11-30～12-06)"]);
    const m = rateRows(T, q("month"), NOW);
    expect(counts(m)).toEqual([["2026-11", 9, 9, 7, 9, 3, 6, 5, 5]]);
    expect(m.rows[0].label).toBe("2026年11月");
    const across = rateRows(T, { from: "2026-11-30", to: "2026-12-01", groupBy: "month" }, NOW);
    expect(across.rows.map((r) => [r.key, r.label, r.tickets])).toEqual([
      ["2026-11", "2026年11月", 1],
      ["2026-12", "2026年12月", 1],
    ]);
  });

  it("groups by station (no station last) and by channel (every channel)", () => {
    const s = rateRows(T, q("station"), NOW);
    expect(s.rows.map((r) => r.label)).toEqual(["城东换热站", "城西换热站", "未关联换热站"]);
    expect(counts(s)).toEqual([
      ["1", 4, 4, 2, 4, 1, 2, 2, 2],
      ["2", 3, 3, 3, 3, 1, 3, 2, 2],
      ["none", 2, 2, 2, 2, 1, 1, 1, 1],
    ]);
    const c = rateRows(T, q("channel"), NOW);
    expect(c.rows.map((r) => r.label)).toEqual(["12345转办", "支付宝小程序", "供热热线", "入户走访", "微信小程序"]);
    expect(counts(c)).toEqual([
      ["12345", 1, 1, 1, 1, 0, 0, 0, 0],
      ["alipay", 1, 1, 1, 1, 0, 1, 0, 0],
      ["hotline", 2, 2, 1, 2, 1, 2, 2, 2],
      ["visit", 1, 1, 1, 1, 1, 1, 1, 1],
      ["wechat", 4, 4, 3, 4, 1, 2, 2, 2],
    ]);
    expect(c.total.tickets).toBe(9);
  });

  it("sorts station keys as numbers", () => {
    const a = { ...T[0], id: 100, stationId: 10, stationName: "新区二号换热站" };
    const b = { ...T[0], id: 101, stationId: 2, stationName: "城西换热站" };
    expect(rateRows([a, b], q("station"), NOW).rows.map((r) => r.key)).toEqual(["2", "10"]);
  });

  it("refuses a range with a problem (the caller checks it first)", () => {
    expect(() => rateRows([], { from: "2026-11-30", to: "2026-11-01", groupBy: "day" }, NOW)).toThrow(RangeError);
    expect(() => rateRows([], { from: "2026-01-01", to: "2027-01-02", groupBy: "day" }, NOW)).toThrow(RangeError);
  });
});

describe("rateRangeProblem", () => {
  it("wants real dates, from before to, at most 366 days", () => {
    expect(rateRangeProblem({ from: "2026-11-30", to: "2026-11-01" })).toEqual({
      kind: "invalid",
      fields: [{ path: "to", message: "结束日期不能早于开始日期" }],
    });
    expect(rateRangeProblem({ from: "2026-02-30", to: "2026-13-01" })).toEqual({
      kind: "invalid",
      fields: [
        { path: "from", message: "开始日期无效" },
        { path: "to", message: "结束日期无效" },
      ],
    });
    expect(rateRangeProblem({ from: "2026-11-30", to: "2026-11-30" })).toBeNull();
    expect(rateRangeProblem({ from: "2026-01-01", to: "2027-01-01" })).toBeNull();
    expect(rateRangeProblem({ from: "2026-01-01", to: "2027-01-02" })).toEqual({ kind: "too_long", maxDays: 366 });
  });
});

describe("ISO weeks", () => {
  it("numbers weeks across the turn of the year", () => {
    expect(isoWeek("2026-11-23")).toEqual({ year: 2026, week: 48 });
    expect(isoWeek("2025-12-29")).toEqual({ year: 2026, week: 1 });
    expect(isoWeek("2027-01-01")).toEqual({ year: 2026, week: 53 });
    expect(isoWeek("2027-01-04")).toEqual({ year: 2027, week: 1 });
    expect(periodLabel("week", "2025-12-29")).toBe("2026年第1周 (12-29～01-04)");
  });
});

describe("ratePercent", () => {
  it("rounds percentages half up from the counts", () => {
    expect(ratePercent(7, 9)).toBe("77.8%");
    expect(ratePercent(1, 16)).toBe("6.3%");
    expect(ratePercent(5, 6)).toBe("83.3%");
    expect(ratePercent(9, 9)).toBe("100.0%");
    expect(ratePercent(0, 3)).toBe("0.0%");
    expect(ratePercent(0, 0)).toBe("");
  });
});

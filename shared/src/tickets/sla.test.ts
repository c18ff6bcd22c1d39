import { describe, expect, it } from "vitest";
import type { TicketCategory } from "./constants";
import { assessPriority, indoorFloorC10 } from "./priority";
import { addServiceMs, computeSla, DEFAULT_SLA_POLICY, type SlaEvent, serviceMs } from "./sla";

/** "2026-11-27 10:00" Asia/Shanghai → instant */
const sh = (s: string) => new Date(`${s.replace(" ", "T")}:00+08:00`);
const min = (n: number) => n * 60_000;
type Ev = [SlaEvent["type"], string, SlaEvent["data"]?];
const evs = (list: Ev[]): SlaEvent[] => list.map(([type, at, data]) => ({ type, at: sh(at), data }));
const sla = (list: Ev[], now: string, category: TicketCategory = "no_heat", policy = DEFAULT_SLA_POLICY) =>
  computeSla(category, evs(list), sh(now), policy);

describe("service calendar", () => {
  it("runs around the clock in season and 08:00–18:00 out of season", () => {
    const p = DEFAULT_SLA_POLICY;
    expect(serviceMs(p, sh("2026-11-27 23:00").getTime(), sh("2026-11-28 01:00").getTime())).toBe(min(120));
    // 15 Apr is the last season day: 23:50–24:00 counts, then nothing until 16 Apr 08:00
    expect(serviceMs(p, sh("2027-04-15 23:50").getTime(), sh("2027-04-16 08:20").getTime())).toBe(min(30));
    expect(new Date(addServiceMs(p, sh("2027-04-15 23:50").getTime(), min(30)))).toEqual(sh("2027-04-16 08:20"));
    // out of season at night: the clock starts at 08:00
    expect(new Date(addServiceMs(p, sh("2027-06-01 20:00").getTime(), min(30)))).toEqual(sh("2027-06-02 08:30"));
    // 14 Oct 17:50 (off season, 10 min left that day), then 15 Oct from midnight (season)
    expect(new Date(addServiceMs(p, sh("2027-10-14 17:50").getTime(), min(30)))).toEqual(sh("2027-10-15 00:20"));
  });
});

describe("SLA clocks on hand-worked cases", () => {
  it("1. answered within 30 minutes", () => {
    const s = sla(
      [
        ["created", "2026-11-27 10:00"],
        ["responded", "2026-11-27 10:20"],
      ],
      "2026-11-27 10:40",
    );
    expect(s.response).toMatchObject({ usedMs: min(20), breached: false, metAt: sh("2026-11-27 10:20") });
    expect(s.response.dueAt).toEqual(sh("2026-11-27 10:30"));
    expect(s.response.warnAt).toEqual(new Date(sh("2026-11-27 10:22").getTime() + 30_000)); // 75 % = 22.5 min
    expect(s.response.warned).toBe(false);
  });

  it("2. not answered: warned at 22.5 minutes, breached at 30", () => {
    const before = sla([["created", "2026-11-27 10:00"]], "2026-11-27 10:29");
    expect(before.response).toMatchObject({ warned: true, breached: false, remainingMs: min(1) });
    expect(before.response.dueAt).toEqual(sh("2026-11-27 10:30"));
    const after = sla([["created", "2026-11-27 10:00"]], "2026-11-27 10:31");
    expect(after.response).toMatchObject({ breached: true, remainingMs: -min(1) });
  });

  it("3. answered exactly at 30 minutes is in time", () => {
    const s = sla(
      [
        ["created", "2026-11-27 10:00"],
        ["responded", "2026-11-27 10:30"],
      ],
      "2026-11-27 12:00",
    );
    expect(s.response.breached).toBe(false);
  });

  it("4. pause and resume: the waiting time does not count", () => {
    const s = sla(
      [
        ["created", "2026-11-27 10:00"],
        ["responded", "2026-11-27 10:05"],
        ["paused", "2026-11-27 10:20"],
        ["resumed", "2026-11-27 11:00"],
      ],
      "2026-11-27 11:30",
    );
    // resolution (一般, 60 min): 20 min before the pause + 30 after = 50
    expect(s.resolution).toMatchObject({ usedMs: min(50), remainingMs: min(10), paused: false, breached: false });
    expect(s.resolution.dueAt).toEqual(sh("2026-11-27 11:40"));
    expect(s.resolution.warnAt).toEqual(sh("2026-11-27 11:25")); // 45 min used: 20 + 25 after 11:00
    expect(s.resolution.warned).toBe(true);
  });

  it("5. while paused: no due time, no breach", () => {
    const s = sla(
      [
        ["created", "2026-11-27 10:00"],
        ["paused", "2026-11-27 10:10"],
      ],
      "2026-11-27 12:00",
    );
    expect(s.paused).toBe(true);
    expect(s.response).toMatchObject({ usedMs: min(10), paused: true, dueAt: null, warnAt: null, breached: false });
  });

  it("6. a pause after the deadline does not undo the breach", () => {
    const s = sla(
      [
        ["created", "2026-11-27 10:00"],
        ["paused", "2026-11-27 10:40"],
      ],
      "2026-11-27 12:00",
    );
    expect(s.response).toMatchObject({ usedMs: min(40), breached: true, paused: true });
    expect(s.response.dueAt).toEqual(sh("2026-11-27 10:30"));
  });

  it("7. across midnight in season", () => {
    const s = sla([["created", "2026-11-27 23:50"]], "2026-11-28 00:25");
    expect(s.response).toMatchObject({ usedMs: min(35), breached: true });
    expect(s.response.dueAt).toEqual(sh("2026-11-28 00:20"));
    expect(s.resolution.dueAt).toEqual(sh("2026-11-28 00:50"));
  });

  it("8. across the season's end: out-of-season hours start at 08:00", () => {
    const s = sla([["created", "2027-04-15 23:50"]], "2027-04-16 07:00");
    expect(s.response).toMatchObject({ usedMs: min(10), breached: false });
    expect(s.response.dueAt).toEqual(sh("2027-04-16 08:20"));
    expect(s.response.warnAt).toEqual(new Date(sh("2027-04-16 08:12").getTime() + 30_000));
    expect(s.resolution.dueAt).toEqual(sh("2027-04-16 08:50"));
  });

  it("9. across the season's start", () => {
    const s = sla([["created", "2027-10-14 17:50"]], "2027-10-14 23:00");
    expect(s.response.usedMs).toBe(min(10));
    expect(s.response.dueAt).toEqual(sh("2027-10-15 00:20"));
  });

  it("10. an unsatisfied follow-up reopens: new cycle, clocks restart", () => {
    const s = sla(
      [
        ["created", "2026-11-27 10:00"],
        ["responded", "2026-11-27 10:10"],
        ["resolved", "2026-11-27 10:50"],
        ["followed_up", "2026-11-27 11:30"],
        ["reopened", "2026-11-27 11:30"],
      ],
      "2026-11-27 12:10",
    );
    expect(s.cycle).toBe(1);
    expect(s.cycleStartedAt).toEqual(sh("2026-11-27 11:30"));
    expect(s.response).toMatchObject({ metAt: null, usedMs: min(40), breached: true });
    expect(s.resolution).toMatchObject({ metAt: null, usedMs: min(40), remainingMs: min(20), breached: false });
    expect(s.resolution.dueAt).toEqual(sh("2026-11-27 12:30"));
  });

  it("11. a higher grade gives the resolution clock 4 hours", () => {
    const s = sla(
      [
        ["created", "2026-11-27 10:00"],
        ["graded", "2026-11-27 10:30", { grade: "major" }],
      ],
      "2026-11-27 11:30",
    );
    expect(s.grade).toBe("major");
    expect(s.resolution).toMatchObject({ budgetMs: min(240), usedMs: min(90), breached: false });
    expect(s.resolution.dueAt).toEqual(sh("2026-11-27 14:00"));
  });

  it("12. a per-category resolution budget", () => {
    const policy = { ...DEFAULT_SLA_POLICY, categoryResolutionMinutes: { leak: { general: 120 } } };
    expect(sla([["created", "2026-11-27 10:00"]], "2026-11-27 10:00", "leak", policy).resolution.budgetMs).toBe(
      min(120),
    );
    expect(sla([["created", "2026-11-27 10:00"]], "2026-11-27 10:00", "noise", policy).resolution.budgetMs).toBe(
      min(60),
    );
  });

  it("13b. a clock exactly at its budget is not breached, running or met; one minute past it is", () => {
    // created 10:00, 30-minute response budget: due 10:30
    const atDue = sla([["created", "2026-11-27 10:00"]], "2026-11-27 10:30");
    expect(atDue.response).toMatchObject({ usedMs: 30 * 60_000, remainingMs: 0, breached: false });
    const respondedAtDue = sla(
      [
        ["created", "2026-11-27 10:00"],
        ["responded", "2026-11-27 10:30"],
      ],
      "2026-11-27 12:00",
    );
    expect(respondedAtDue.response.breached).toBe(false);
    expect(sla([["created", "2026-11-27 10:00"]], "2026-11-27 10:31").response.breached).toBe(true);
  });

  it("13. cold room: a measurement visit within 24 wall-clock hours", () => {
    const open = sla([["created", "2026-11-27 10:00"]], "2026-11-28 09:59", "cold_room");
    expect(open.measurement).toMatchObject({ breached: false, warned: true });
    expect(open.measurement?.dueAt).toEqual(sh("2026-11-28 10:00"));
    expect(open.measurement?.warnAt).toEqual(sh("2026-11-28 04:00"));
    const late = sla(
      [
        ["created", "2026-11-27 10:00"],
        ["measured", "2026-11-28 10:30"],
      ],
      "2026-11-28 12:00",
      "cold_room",
    );
    expect(late.measurement).toMatchObject({ breached: true, metAt: sh("2026-11-28 10:30") });
    // a pause (waiting for the resident) does not stop it
    const paused = sla(
      [
        ["created", "2026-11-27 10:00"],
        ["paused", "2026-11-27 11:00"],
      ],
      "2026-11-28 10:01",
      "cold_room",
    );
    expect(paused.measurement?.breached).toBe(true);
    expect(sla([["created", "2026-11-27 10:00"]], "2026-11-27 11:00", "leak").measurement).toBeNull();
  });

  it("14. events are taken in time order, and events after now are ignored", () => {
    const s = sla(
      [
        ["responded", "2026-11-27 10:20"],
        ["created", "2026-11-27 10:00"],
        ["resolved", "2026-11-27 13:00"],
      ],
      "2026-11-27 10:50",
    );
    expect(s.response.metAt).toEqual(sh("2026-11-27 10:20"));
    expect(s.resolution).toMatchObject({ metAt: null, usedMs: min(50) });
  });
});

describe("priority", () => {
  it("the indoor floor is 20 °C, 18 °C when it is below -10 °C outside", () => {
    expect(indoorFloorC10(-50)).toBe(200);
    expect(indoorFloorC10(-100)).toBe(200);
    expect(indoorFloorC10(-101)).toBe(180);
    expect(indoorFloorC10(null)).toBe(200);
  });

  it.each([
    [{ indoorC10: 195, outdoorC10: -50 }, "high", true],
    [{ indoorC10: 195, outdoorC10: -120 }, "normal", false], // 19.5 ≥ 18 in extreme cold
    [{ indoorC10: 150, outdoorC10: -50 }, "urgent", true],
    [{ indoorC10: 205, outdoorC10: -50 }, "normal", false],
    [{ indoorC10: 205, outdoorC10: -50, vulnerable: true }, "high", false],
    [{ indoorC10: 190, outdoorC10: -50, vulnerable: true }, "urgent", true],
    [{ indoorC10: null, outdoorC10: null, buildingReports: 3 }, "high", false],
  ])("%o → %s", (over, priority, coldRoom) => {
    const r = assessPriority({ category: "cold_room", vulnerable: false, buildingReports: 1, ...over });
    expect(r.priority).toBe(priority);
    expect(r.coldRoom).toBe(coldRoom);
  });

  it("several reports from one building suggest one incident", () => {
    const r = assessPriority({ category: "no_heat", vulnerable: false, buildingReports: 3 });
    expect(r.suggestIncident).toBe(true);
    expect(r.reasons.join()).toContain("建议合并为同一事件");
    expect(assessPriority({ category: "no_heat", vulnerable: false, buildingReports: 2 }).suggestIncident).toBe(false);
  });
});

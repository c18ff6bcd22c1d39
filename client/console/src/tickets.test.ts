import { describe, expect, it } from "vitest";
import { fromShanghaiLocal, shanghaiDateTimeLocal } from "./format";
import { NOW, at, clock, sla, ticketSummary } from "./test/fixtures";
import {
  compareByTimeLeft,
  fillTemplate,
  formatCountdown,
  formatMinutes,
  formatRate,
  parseTempC10,
  seasonStart,
  slaLevel,
  templateKeyFor,
} from "./tickets";

describe("service desk helpers", () => {
  it("formats countdowns in whole seconds, with days and an overdue prefix", () => {
    expect(formatCountdown(25 * 60_000 + 13_999)).toBe("00:25:13");
    expect(formatCountdown(400)).toBe("00:00:00");
    expect(formatCountdown(-5 * 60_000)).toBe("超时 00:05:00");
    expect(formatCountdown(26 * 3_600_000 + 61_000)).toBe("1天 02:01:01");
    expect(formatMinutes(30)).toBe("30分钟");
    expect(formatMinutes(240)).toBe("4小时");
    expect(formatMinutes(90)).toBe("1小时30分钟");
  });

  it("converts a reading in ℃ to tenths exactly, and refuses what the server would", () => {
    expect(parseTempC10("16.5")).toEqual({ ok: true, c10: 165 });
    expect(parseTempC10(" 18 ")).toEqual({ ok: true, c10: 180 });
    expect(parseTempC10("0.1")).toEqual({ ok: true, c10: 1 });
    expect(parseTempC10("-3.5", "outdoor")).toEqual({ ok: true, c10: -35 });
    expect(parseTempC10("-25", "outdoor")).toEqual({ ok: true, c10: -250 });
    expect(parseTempC10("16.55")).toMatchObject({ ok: false, message: "温度请填写数字，最多一位小数（如 16.5）" });
    expect(parseTempC10("abc").ok).toBe(false);
    expect(parseTempC10("45")).toMatchObject({ ok: false, message: "室内温度读数不合理" });
    expect(parseTempC10("-25")).toMatchObject({ ok: false, message: "室内温度读数不合理" });
    expect(parseTempC10("")).toMatchObject({ ok: false, message: "请填写温度" });
  });

  it("colours a ticket by its clocks now: overdue, paused, warned", () => {
    expect(slaLevel(sla(20), NOW)).toBe("ok");
    // the due time passed since the server computed it
    expect(slaLevel(sla(20), NOW + 21 * 60_000)).toBe("breached");
    // the warning falls at 75 %
    expect(slaLevel(sla(20), NOW + 13 * 60_000)).toBe("warned");
    const paused = sla(20, {
      paused: true,
      next: null,
      response: clock({ clock: "response", paused: true, dueAt: null, warnAt: null }),
    });
    expect(slaLevel(paused, NOW)).toBe("paused");
    // a response met late no longer colours the row
    const metLate = sla(20, {
      response: clock({ clock: "response", metAt: at(-1), breached: true, warned: true }),
      next: { clock: "resolution", dueAt: at(50) },
    });
    expect(slaLevel(metLate, NOW)).toBe("ok");
  });

  it("orders the board by time left, paused last", () => {
    const a = ticketSummary({ id: 1, sla: sla(20) });
    const b = ticketSummary({ id: 2, sla: sla(-5) });
    const c = ticketSummary({ id: 3, sla: sla(5, { paused: true, next: null }) });
    const d = ticketSummary({ id: 4, sla: sla(5) });
    expect([a, b, c, d].sort(compareByTimeLeft).map((t) => t.id)).toEqual([2, 4, 1, 3]);
  });

  it("fills reply templates for the ticket's status", () => {
    expect(templateKeyFor("new")).toBe("responded");
    expect(templateKeyFor("closed")).toBeNull();
    const text = fillTemplate("dispatched", {
      ticketNo: "GD1",
      stationName: "城东换热站",
      dispatchedStationName: "城西换热站",
    });
    expect(text).toBe("您的工单GD1已派至城西换热站，维修人员将尽快上门，请保持电话畅通。");
  });

  it("shows rates, the season's first day and Beijing wall-clock times", () => {
    expect(formatRate(0.8)).toBe("80.0%");
    expect(formatRate(2 / 3)).toBe("66.7%");
    expect(formatRate(null)).toBe("—");
    expect(seasonStart("2026-01-10")).toBe("2025-10-15");
    expect(seasonStart("2025-10-15")).toBe("2025-10-15");
    expect(seasonStart("2025-10-14")).toBe("2024-10-15");
    expect(shanghaiDateTimeLocal(new Date(NOW))).toBe("2026-01-10T15:00");
    expect(fromShanghaiLocal("2026-01-10T15:00")).toBe("2026-01-10T07:00:00.000Z");
    expect(fromShanghaiLocal("nonsense")).toBeNull();
  });
});

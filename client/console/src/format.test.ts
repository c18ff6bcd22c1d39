import { describe, expect, it } from "vitest";
import { formatArea, formatDateTime, orEmpty, shanghaiDate, yesterdayInShanghai } from "./format";

describe("format", () => {
  it("shows UTC instants in Beijing time", () => {
    expect(formatDateTime("2025-11-27T07:22:01.000Z")).toBe("2025-11-27 15:22:01");
    expect(formatDateTime("2025-12-31T16:00:00Z")).toBe("2026-01-01 00:00:00");
  });

  it("passes through what it cannot parse", () => {
    expect(formatDateTime("yesterday")).toBe("yesterday");
    expect(formatDateTime(null)).toBe("—");
  });

  it("formats area with two decimals and empty values as a dash", () => {
    expect(formatArea(86.5)).toBe("86.50");
    expect(orEmpty(null)).toBe("—");
    expect(orEmpty(0)).toBe("0");
  });

  it("takes calendar dates in Beijing, whatever the machine's zone", () => {
    // 2026-01-10 23:30 UTC is already 2026-01-11 07:30 in Beijing
    expect(shanghaiDate(new Date("2026-01-10T23:30:00Z"))).toBe("2026-01-11");
    expect(yesterdayInShanghai(new Date("2026-01-10T23:30:00Z"))).toBe("2026-01-10");
    // 2026-03-01 15:59 UTC is 23:59 on the 1st in Beijing; yesterday crosses the month
    expect(yesterdayInShanghai(new Date("2026-03-01T15:59:00Z"))).toBe("2026-02-28");
    expect(yesterdayInShanghai(new Date("2026-03-01T16:00:00Z"))).toBe("2026-03-01");
  });
});

import { describe, expect, it } from "vitest";
import { formatArea, formatDate, formatDateTime, orDash } from "./format";

describe("formatDateTime", () => {
  it("shows Beijing time whatever the device's zone", () => {
    expect(formatDateTime("2025-11-27T16:05:00Z")).toBe("2025-11-28 00:05");
    expect(formatDateTime("2025-01-01T00:00:00+08:00")).toBe("2025-01-01 00:00");
  });

  it("dashes missing values and keeps unparseable ones", () => {
    expect(formatDateTime(null)).toBe("—");
    expect(formatDateTime("不是时间")).toBe("不是时间");
  });
});

describe("formatArea / orDash", () => {
  it("formats m² with two decimals", () => {
    expect(formatArea(86.5)).toBe("86.50 m²");
    expect(formatArea(null)).toBe("—");
  });

  it("dashes blanks", () => {
    expect(orDash("  ")).toBe("—");
    expect(orDash("3号楼")).toBe("3号楼");
  });
});

describe("formatDate", () => {
  it("is the Beijing date of an instant", () => {
    expect(formatDate("2025-11-27T16:05:00Z")).toBe("2025-11-28");
    expect(formatDate(null)).toBe("—");
    expect(formatDate("不是时间")).toBe("不是时间");
  });
});

import { describe, expect, it } from "vitest";
import {
  fenToYuan,
  isCalendarDate,
  parseShanghaiDateTime,
  parseYuan,
  shanghaiDate,
  shanghaiDateTime,
  yuanToFen,
} from "./alipayFormat";

describe("yuan ↔ fen", () => {
  it.each([
    ["0.01", 1],
    ["0.10", 10],
    ["1.00", 100],
    ["100.10", 10010],
    ["1000001.05", 100000105],
    ["12345678.99", 1234567899],
    ["0.00", 0],
    ["99999999.99", 9999999999],
    ["0.29", 29],
    ["4.35", 435],
  ])("%s yuan ⇄ %i fen, exactly", (yuan, fen) => {
    expect(yuanToFen(yuan)).toBe(fen);
    expect(fenToYuan(fen)).toBe(yuan);
    // the trap the string conversion avoids: floating point multiplication is off for some of these
    expect(Number.isInteger(fen)).toBe(true);
  });

  it("floating point would get some of them wrong (why the conversion is done on strings)", () => {
    expect(Math.floor(0.29 * 100)).toBe(28);
    expect(Math.floor(4.35 * 100)).toBe(434);
    expect(yuanToFen("0.29")).toBe(29);
    expect(yuanToFen("4.35")).toBe(435);
  });

  it("reads one-decimal and whole yuan, and negative bill amounts", () => {
    expect(yuanToFen("1.5")).toBe(150);
    expect(yuanToFen("7")).toBe(700);
    expect(yuanToFen("-0.01")).toBe(-1);
    expect(yuanToFen("-12.30")).toBe(-1230);
    expect(fenToYuan(-1230)).toBe("-12.30");
  });

  it.each(["", ".5", "1.234", "1e3", " 1.00", "1.00 ", "1,00", "abc", "0x10", "--1", "+1.00", "1."])(
    "refuses %j",
    (bad) => {
      expect(parseYuan(bad)).toBeNull();
      expect(() => yuanToFen(bad)).toThrow(RangeError);
    },
  );

  it("refuses fen that are not safe integers", () => {
    expect(() => fenToYuan(1.5)).toThrow(RangeError);
    expect(() => fenToYuan(Number.NaN)).toThrow(RangeError);
    expect(() => fenToYuan(2 ** 53)).toThrow(RangeError);
  });
});

describe("Beijing time", () => {
  it("formats an instant as yyyy-MM-dd HH:mm:ss in UTC+8", () => {
    expect(shanghaiDateTime(new Date("2025-01-31T16:30:05.999Z"))).toBe("2025-02-01 00:30:05");
    expect(shanghaiDate(new Date("2025-01-31T15:59:59Z"))).toBe("2025-01-31");
    expect(shanghaiDate(new Date("2025-01-31T16:00:00Z"))).toBe("2025-02-01");
  });

  it("parses it back, refusing impossible dates", () => {
    expect(parseShanghaiDateTime("2025-02-01 00:30:05")?.toISOString()).toBe("2025-01-31T16:30:05.000Z");
    expect(parseShanghaiDateTime("2025-02-30 00:00:00")).toBeNull();
    expect(parseShanghaiDateTime("2025-02-01 24:00:00")).toBeNull();
    expect(parseShanghaiDateTime("2025-02-01T00:00:00")).toBeNull();
    expect(isCalendarDate("2024-02-29")).toBe(true);
    expect(isCalendarDate("2025-02-29")).toBe(false);
  });
});

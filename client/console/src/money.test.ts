import { describe, expect, it } from "vitest";
import { formatBpPercent, formatLateFeeRate, formatUnitPrice, parsePercentBp, parseYuan } from "./money";

const fen = (text: string) => {
  const r = parseYuan(text);
  if (!r.ok) throw new Error(`refused ${text}: ${r.message}`);
  return r.fen;
};

describe("元 input → fen", () => {
  it("converts exactly, without floating point", () => {
    expect(fen("1234.5")).toBe(123450);
    expect(fen("0.01")).toBe(1);
    expect(fen("1234.56")).toBe(123456);
    expect(fen("86")).toBe(8600);
    expect(fen(" 3785.95 ")).toBe(378595);
    // values that truncating float arithmetic gets wrong (Math.floor(1.15 * 100) is 114)
    expect(fen("1.15")).toBe(115);
    expect(fen("4.35")).toBe(435);
    expect(fen("1005.07")).toBe(100507);
    expect(fen("0")).toBe(0);
  });

  it("refuses more than two decimals and anything that is not a plain amount", () => {
    for (const bad of ["1.234", "0.001", "-1", "+1", "1,234.50", "¥12", "1e3", "12.", ".5", "abc", "", "  ", "1 000"]) {
      const r = parseYuan(bad);
      expect(r.ok, bad).toBe(false);
    }
    expect(parseYuan("1.234")).toEqual({ ok: false, message: "金额格式有误，应为数字，最多两位小数" });
    expect(parseYuan("")).toEqual({ ok: false, message: "请输入金额" });
    expect(parseYuan("1000000000.01")).toEqual({ ok: false, message: "金额过大" });
  });

  it("reads percentages as basis points the same way", () => {
    expect(parsePercentBp("30")).toEqual({ ok: true, fen: 3000 });
    expect(parsePercentBp("25.5")).toEqual({ ok: true, fen: 2550 });
    expect(parsePercentBp("100")).toEqual({ ok: true, fen: 10000 });
    expect(parsePercentBp("100.01").ok).toBe(false);
    expect(parsePercentBp("3.333").ok).toBe(false);
  });

  it("shows rates, shares and unit prices", () => {
    expect(formatBpPercent(3000)).toBe("30%");
    expect(formatBpPercent(2550)).toBe("25.5%");
    expect(formatBpPercent(5)).toBe("0.05%");
    expect(formatLateFeeRate(5)).toBe("万分之5/日");
    expect(formatLateFeeRate(0)).toBe("不收取");
    expect(formatUnitPrice(2500)).toBe("25.00 元/m²");
    expect(formatUnitPrice(5)).toBe("0.05 元/m²");
  });
});

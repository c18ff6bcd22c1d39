import { describe, expect, it } from "vitest";
import { fenToCapitals } from "./capitals";

describe("fenToCapitals", () => {
  // Given table, each worked out by hand against the PBOC rules.
  it.each([
    [1, "壹分"], // 0.01
    [10, "壹角"], // 0.10
    [11, "壹角壹分"], // 0.11
    [100, "壹元整"], // 1.00
    [1000, "壹拾元整"], // 10.00
    [1550, "壹拾伍元伍角"], // 15.50
    [10010, "壹佰元零壹角"], // 100.10
    [10005, "壹佰元零伍分"], // 100.05
    [168032, "壹仟陆佰捌拾元零叁角贰分"], // 1,680.32 (the PBOC example)
    [10500000, "壹拾万伍仟元整"], // 105,000.00
    [100000105, "壹佰万零壹元零伍分"], // 1,000,001.05
    [10000000000, "壹亿元整"], // 100,000,000.00
    [10001000000, "壹亿零壹万元整"], // 100,010,000.00
    [200340, "贰仟零叁元肆角"], // 2,003.40
    [-10000, "负壹佰元整"], // -100.00
    [0, "零元整"], // 0
  ])("fen %i → %s", (fen, capitals) => {
    expect(fenToCapitals(fen)).toBe(capitals);
  });

  // More, also by hand.
  it.each([
    [5, "伍分"], // 0.05
    [50, "伍角"], // 0.50
    [101, "壹元零壹分"], // 1.01: 元 digit 1, 角 0, 分 1
    [110, "壹元壹角"], // 1.10: 元 digit non-zero, so no 零 before 角
    [1010, "壹拾元零壹角"], // 10.10: 元 digit 0
    [1900, "壹拾玖元整"], // 19.00: 10–19 start with 壹拾
    [205200, "贰仟零伍拾贰元整"], // 2,052.00: the demo heating bill
    [3000000, "叁万元整"], // 30,000.00: zeros at the end of a group are silent
    [3000100, "叁万零壹元整"], // 30,001.00
    [10050000, "壹拾万零伍佰元整"], // 100,500.00: the lower group starts with a zero
    [10100000, "壹拾万壹仟元整"], // 101,000.00: lower group starts with a non-zero digit, no 零
    [100001000, "壹佰万零壹拾元整"], // 1,000,010.00: 壹拾 inside a number
    [10000010000, "壹亿零壹佰元整"], // 100,000,100.00
    [101000000000, "壹拾亿壹仟万元整"], // 1,010,000,000.00
    [100000000000000, "壹万亿元整"], // 1,000,000,000,000.00: the part above 亿 holds 万
    [120000000000000, "壹万贰仟亿元整"], // 1,200,000,000,000.00
    [-1, "负壹分"], // -0.01
    [-205200, "负贰仟零伍拾贰元整"], // a red invoice reversing the demo bill
    [
      Number.MAX_SAFE_INTEGER, // 90,071,992,547,409.91 = 900719 亿 9254 万 7409 元 9 角 1 分
      "玖拾万零柒佰壹拾玖亿玖仟贰佰伍拾肆万柒仟肆佰零玖元玖角壹分",
    ],
  ])("fen %i → %s", (fen, capitals) => {
    expect(fenToCapitals(fen)).toBe(capitals);
  });

  it("rejects anything but a safe whole number of fen", () => {
    for (const bad of [0.5, 1.01, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, -(2 ** 53)]) {
      expect(() => fenToCapitals(bad)).toThrow(Error);
    }
  });
});

import { describe, expect, it } from "vitest";
import { maskIdNumber, maskName, maskPhone, normalizePhone } from "./mask";

describe("masking", () => {
  it.each([
    ["13812345678", "138********"],
    ["138 1234 5678", "138********"],
    ["09364466666", "093********"],
    ["1234", "****"],
    ["1234567", "*******"],
    [null, null],
    ["", null],
  ])("maskPhone(%s) = %s", (input, expected) => {
    expect(maskPhone(input)).toBe(expected);
  });

  it.each([
    ["62072219880101123X", "620***************"],
    ["620722880101123", "620************"],
  ])("maskIdNumber(%s) = %s", (input, expected) => {
    expect(maskIdNumber(input)).toBe(expected);
  });

  it("never returns the full value for a long enough input", () => {
    expect(maskPhone("13900001111")).not.toContain("13900001111");
    expect(maskIdNumber("620722199001011234")).not.toContain("199001");
  });

  it("never shows a binding factor: no digit of the phone's last 4, no character of the ID's last 6", () => {
    for (const phone of ["13912345678", "+86 139 1234 5678", "0936-4466789", "19800000009"]) {
      const masked = maskPhone(phone) as string;
      expect(masked).not.toMatch(/\d{4}$/);
      expect(masked.slice(-4)).toBe("****");
    }
    for (const id of ["62072219880101123X", "620722198801019876", "620722880101123"]) {
      expect((maskIdNumber(id) as string).slice(-6)).toBe("******");
    }
  });

  it.each([
    ["王建国", "王*国"],
    ["王芳", "王*"],
    ["欧阳娜娜", "欧**娜"],
    ["李", "李"],
  ])("maskName(%s) = %s", (input, expected) => {
    expect(maskName(input)).toBe(expected);
  });

  it("normalizes phones", () => {
    expect(normalizePhone("+86 138-1234-5678")).toBe("13812345678");
    expect(normalizePhone("0936-4466666")).toBe("09364466666");
  });
});

import { describe, expect, it } from "vitest";
import { isPasswordAcceptable, PASSWORD_MIN_LENGTH, passwordProblems } from "./password";

describe("password rules", () => {
  it("accepts a long password with three kinds of character", () => {
    expect(passwordProblems("Heat-Pump42x", "zhangsan")).toEqual([]);
    expect(passwordProblems("green tea 4 two", "zhangsan")).toEqual([]); // lower, digit, symbol (spaces)
    expect(isPasswordAcceptable("Kx9#mT2q!w", "tech01")).toBe(true);
  });

  it(`needs at least ${PASSWORD_MIN_LENGTH} characters`, () => {
    expect(passwordProblems("Ab3#xyz9", "u")).toEqual([`密码至少需要 ${PASSWORD_MIN_LENGTH} 位`]);
    expect(passwordProblems("Ab3#xyz9qq", "u")).toEqual([]);
  });

  it("needs 3 of upper case, lower case, digits and symbols", () => {
    const msg = "密码需包含大写字母、小写字母、数字、符号中的至少 3 种";
    expect(passwordProblems("abcdefghxyzk", "u")).toContain(msg);
    expect(passwordProblems("kettlekettle42", "u")).toContain(msg);
    expect(passwordProblems("Kettlekettle42", "u")).not.toContain(msg);
  });

  it("refuses a password that contains the user name, whatever its case", () => {
    expect(passwordProblems("Tech01-Spring!", "tech01")).toEqual(["密码不能包含用户名"]);
    expect(passwordProblems("xTECH01x-Spring!", "Tech01")).toEqual(["密码不能包含用户名"]);
    expect(passwordProblems("Tech01-Spring!", "other")).toEqual([]);
  });

  it("refuses common passwords and their obvious variants", () => {
    for (const p of [
      "Password123!",
      "P@ssw0rd2026",
      "Qwerty12345!",
      "1qaz2wsx3edc",
      "Admin@123456",
      "Warmline@2026",
      "12345678!@#$",
    ])
      expect(passwordProblems(p, "u"), p).toContain("密码过于常见，容易被猜到，请换一个");
  });

  it("reports every broken rule at once", () => {
    expect(passwordProblems("admin", "admin")).toHaveLength(4);
  });
});

import { describe, expect, it } from "vitest";
import { InvoiceTitleInputSchema } from "../api/invoices";
import { isValidTaxId, isValidUscc } from "./taxId";

describe("统一社会信用代码", () => {
  // check characters computed separately (a throwaway script) with the GB 32100-2015 weights (weights 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28)
  it.each([
    ["91620722MA73XB0T5L", true],
    ["12620722438960012B", true],
    ["91620722MA74WL0019", true],
    ["91620722MA73XB0T5R", false], // wrong check character
    ["91620722MA73XB0T5", false], // too short
    ["91620722MA73XB0I5L", false], // I is not in the alphabet
    ["91620722ma73xb0t5l", false], // lower case (the schema upper-cases first)
  ])("%s → %s", (code, ok) => {
    expect(isValidUscc(code)).toBe(ok);
  });

  it("older 15/17/20-character numbers are accepted without a check character", () => {
    expect(isValidTaxId("620722123456789")).toBe(true);
    expect(isValidTaxId("62072212345678901234")).toBe(true);
    expect(isValidTaxId("6207221234567890")).toBe(false);
  });

  it("a 单位 title needs a valid number, a 个人 title none; lower case is upper-cased", () => {
    expect(InvoiceTitleInputSchema.safeParse({ kind: "company", name: "民乐县第一中学" }).success).toBe(false);
    const ok = InvoiceTitleInputSchema.parse({ kind: "company", name: "某公司", taxId: "91620722ma73xb0t5l" });
    expect(ok.taxId).toBe("91620722MA73XB0T5L");
    expect(
      InvoiceTitleInputSchema.safeParse({ kind: "personal", name: "王建国", taxId: "91620722MA73XB0T5L" }).success,
    ).toBe(false);
    expect(InvoiceTitleInputSchema.parse({ kind: "personal", name: "王建国", email: "" }).email).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { InvoiceTitleInputSchema } from "../api/invoices";
import { isValidOrgCode, isValidTaxId, isValidUscc } from "./taxId";

describe("统一社会信用代码", () => {
  // Real codes: 9144030071526726XG (深圳市腾讯计算机系统有限公司), 91330100716105852F (阿里巴巴（中国）有限公司).
  // Made-up ones were built by hand: organisation code check (GB 11714, weights 3 7 9 10 5 8 4 2, C = 11 − Σ mod 11,
  // 10 → X, 11 → 0), then the USCC check over positions 1–17 (weights 1 3 9 27 … 28, C = 31 − Σ mod 31).
  it.each([
    ["9144030071526726XG", true],
    ["91330100716105852F", true],
    ["91620722MA73XB0TXY", true], // org MA73XB0T: 22·3+10·7+7·9+3·10+33·5+11·8+0·4+29·2 = 540, 540 mod 11 = 1 → X
    ["12620722438960014H", true], // 事业单位 (1 1… is 机关; 1 2 is 事业单位)
    ["91620722MA73XB0T5L", false], // USCC check right, but the organisation code's check must be X, not 5
    ["91620722MA73XB0TXR", false], // wrong final check character
    ["000000000000000000", false], // no registration authority 0 (its own checks would pass: all zeros)
    ["9A620722MA73XB0TX?", false],
    ["94620722MA73XB0TXY", false], // 工商 has categories 1–3 only
    ["91990722MA73XB0TXY", false], // no province 99
    ["9144030071526726X", false], // 17 characters: a USCC that lost its check character
    ["91620722MA73XB0I5L", false], // I is not in the alphabet
    ["91620722ma73xb0txy", false], // lower case (the schema upper-cases first)
  ])("%s → %s", (code, ok) => {
    expect(isValidUscc(code)).toBe(ok);
    expect(isValidTaxId(code)).toBe(ok);
  });

  it("the organisation code's own check character (GB 11714)", () => {
    expect(isValidOrgCode("71526726X")).toBe(true); // 7·3+1·7+5·9+2·10+6·5+7·8+2·4+6·2 = 199, 199 mod 11 = 1 → 10 → X
    expect(isValidOrgCode("716105852")).toBe(true); // Σ = 174, 174 mod 11 = 9 → 2
    expect(isValidOrgCode("716105853")).toBe(false);
    expect(isValidOrgCode("00000000X")).toBe(false); // Σ = 0 → 11 → 0
    expect(isValidOrgCode("000000000")).toBe(true);
  });

  it("older tax registration numbers: area + organisation code (15), ID number + 2 digits (17, 20)", () => {
    // 12345678: 3+14+27+40+25+48+28+16 = 201, 201 mod 11 = 3 → 8
    expect(isValidTaxId("620722123456788")).toBe(true);
    expect(isValidTaxId("620722123456789")).toBe(false);
    expect(isValidTaxId("990722123456788")).toBe(false); // no province 99
    // 62072219800101001 → check 5 (ISO 7064 MOD 11-2), + sequence 01
    expect(isValidTaxId("62072219800101001501")).toBe(true);
    expect(isValidTaxId("62072219800101001601")).toBe(false);
    expect(isValidTaxId("62072280010100101")).toBe(true); // old 15-digit ID (1980-01-01) + 01
    expect(isValidTaxId("62072280023100101")).toBe(false); // 1980-02-31
    expect(isValidTaxId("6207221234567890")).toBe(false);
    expect(isValidTaxId("91620722MA73XB0TX")).toBe(false); // a USCC short of one character is no old number
  });

  it("a 单位 title needs a valid number, a 个人 title none; lower case is upper-cased", () => {
    expect(InvoiceTitleInputSchema.safeParse({ kind: "company", name: "民乐县第一中学" }).success).toBe(false);
    const ok = InvoiceTitleInputSchema.parse({ kind: "company", name: "某公司", taxId: "91620722ma73xb0txy" });
    expect(ok.taxId).toBe("91620722MA73XB0TXY");
    expect(
      InvoiceTitleInputSchema.safeParse({ kind: "personal", name: "王建国", taxId: "91620722MA73XB0TXY" }).success,
    ).toBe(false);
    expect(InvoiceTitleInputSchema.parse({ kind: "personal", name: "王建国", email: "" }).email).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { includedTax, invoiceItems, totals, unitPriceExTax } from "./items";

const line = {
  seasonCode: "2026-2027",
  heatedArea: 8_550, // 85.50 m²
  unitPriceFen: 2_400,
  billAmountFen: 205_200,
  suspended: false,
  principalFen: 205_200,
  lateFeeFen: 0,
};

describe("invoice lines", () => {
  it("a whole bill shows area and unit price; residential heating is exempt", () => {
    const items = invoiceItems([line], { taxCode: "1100301030000000000", sign: 1, rule: { treatment: "exempt" } });
    expect(items).toEqual([
      {
        name: "*供热*供暖费",
        spec: "2026-2027供热季",
        unit: "平方米",
        quantity: "85.50",
        unitPrice: "24.00",
        amountFen: 205_200,
        taxTreatment: "exempt",
        taxRateBp: 0,
        taxFen: 0,
        taxCode: "1100301030000000000",
      },
    ]);
  });

  it("a part payment and a late fee: amounts alone, late fee on its own line", () => {
    const items = invoiceItems([{ ...line, principalFen: 100_000, lateFeeFen: 1_234 }], {
      taxCode: "1",
      sign: 1,
    });
    expect(items.map((i) => [i.name, i.quantity, i.unitPrice, i.amountFen])).toEqual([
      ["*供热*供暖费", null, null, 100_000],
      ["*供热*供暖费滞纳金", null, null, 1_234],
    ]);
    expect(totals(items)).toEqual({ totalFen: 101_234, taxFen: 0 });
  });

  it("a suspended account's base fee has no area × price", () => {
    const [i] = invoiceItems([{ ...line, suspended: true, billAmountFen: 61_560, principalFen: 61_560 }], {
      taxCode: "1",
      sign: 1,
    });
    expect(i).toMatchObject({ quantity: null, unitPrice: null, amountFen: 61_560 });
  });

  it("taxable at 9 %: tax included in the amount, rounded half up; unit price printed without tax", () => {
    // 205,200 × 900 / 10,900 = 16,943.119… → 16,943
    expect(includedTax(205_200, { treatment: "taxable", rateBp: 900 })).toBe(16_943);
    // 109 × 900 / 10,900 = 9 exactly; 1 fen → 0.0825… → 0
    expect(includedTax(109, { treatment: "taxable", rateBp: 900 })).toBe(9);
    expect(includedTax(1, { treatment: "taxable", rateBp: 900 })).toBe(0);
    expect(includedTax(-205_200, { treatment: "taxable", rateBp: 900 })).toBe(-16_943);
    // 24.00 / 1.09 = 22.018348623… → 22.018349
    expect(unitPriceExTax(2_400, { treatment: "taxable", rateBp: 900 })).toBe("22.018349");
    // 10.90 / 1.09 = 10 exactly
    expect(unitPriceExTax(1_090, { treatment: "taxable", rateBp: 900 })).toBe("10.00");
    expect(unitPriceExTax(2_400, { treatment: "exempt" })).toBe("24.00");
  });

  it("a red invoice takes the money back as negative lines", () => {
    const items = invoiceItems([{ ...line, principalFen: 7_000, lateFeeFen: 500 }], {
      taxCode: "1",
      sign: -1,
      rule: { treatment: "taxable", rateBp: 900 },
    });
    expect(items.map((i) => [i.amountFen, i.taxFen])).toEqual([
      [-7_000, -578], // 7,000 × 900 / 10,900 = 577.98 → 578
      [-500, -41], // 500 × 900 / 10,900 = 41.28 → 41
    ]);
    expect(totals(items)).toEqual({ totalFen: -7_500, taxFen: -619 });
  });
});

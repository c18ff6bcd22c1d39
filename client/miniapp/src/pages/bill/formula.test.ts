import { describe, expect, it } from "vitest";
import { billFormula, seasonTitle } from "./formula";

describe("billFormula", () => {
  it("shows area × unit price = amount, rounded half up to the fen", () => {
    expect(billFormula({ heatedArea: 86.5, unitPriceFen: 2160 })).toEqual({
      text: "86.50 m² × ¥21.60/m² = ¥1,868.40",
      fullFen: 186_840,
    });
    // 0.05 m² × ¥0.21 = 1.05 fen → 1 fen; 0.15 × 0.21 = 3.15 → 3; 0.25 × 0.21 = 5.25 → 5; 0.5 × 0.21 = 10.5 → 11
    expect(billFormula({ heatedArea: 0.5, unitPriceFen: 21 }).fullFen).toBe(11);
    expect(billFormula({ heatedArea: 120.33, unitPriceFen: 2900 }).fullFen).toBe(348_957);
  });

  it("names the season", () => {
    expect(seasonTitle("2026-2027")).toBe("2026-2027 供热季");
  });
});

import { describe, expect, it } from "vitest";
import {
  accrueLateFee,
  allocateOldestFirst,
  type BillBalance,
  billStatus,
  correctedBalance,
  owedAt,
  seasonAmountFen,
} from "./bill";
import { addDays, daysBetween, shanghaiDate, shanghaiMidnight } from "./dates";
import { fenToYuan, formatYuan, roundHalfUp, yuanToFen } from "./money";
import { defaultDueDate, periodOf, seasonCalendar, SeasonCodeSchema, seasonCodeFor } from "./season";

describe("money", () => {
  it.each([
    [1, "0.01"],
    [1000, "10.00"],
    [10010, "100.10"],
    [100000105, "1000001.05"],
    [0, "0.00"],
    [-250, "-2.50"],
  ])("fen %i ↔ yuan %s", (fen, yuan) => {
    expect(fenToYuan(fen)).toBe(yuan);
    expect(yuanToFen(yuan)).toBe(fen);
  });

  it("reads yuan without floating point error and refuses junk", () => {
    expect(yuanToFen("0.1")).toBe(10);
    expect(yuanToFen("19.99")).toBe(1999);
    expect(yuanToFen("1234567.89")).toBe(123456789);
    expect(() => yuanToFen("1.234")).toThrow();
    expect(() => yuanToFen("1e3")).toThrow();
    expect(formatYuan(123456789)).toBe("¥1,234,567.89");
  });

  it("rounds half up", () => {
    expect([roundHalfUp(149, 100), roundHalfUp(150, 100), roundHalfUp(151, 100), roundHalfUp(0, 7)]).toEqual([
      1, 2, 2, 0,
    ]);
  });
});

describe("season calendar", () => {
  it("has the three periods of DOMAIN.md", () => {
    const c = seasonCalendar("2025-2026");
    expect(c.startDate).toBe("2025-10-15");
    expect(c.endDate).toBe("2026-04-15");
    expect(periodOf("2025-2026", "2025-10-15")).toBe("early_cold");
    expect(periodOf("2025-2026", "2025-11-15")).toBe("early_cold");
    expect(periodOf("2025-2026", "2025-11-16")).toBe("deep_cold");
    expect(periodOf("2025-2026", "2026-02-15")).toBe("deep_cold");
    expect(periodOf("2025-2026", "2026-02-16")).toBe("late_cold");
    expect(periodOf("2025-2026", "2026-04-15")).toBe("late_cold");
    expect(periodOf("2025-2026", "2026-04-16")).toBeNull();
    expect(periodOf("2025-2026", "2025-10-14")).toBeNull();
  });

  it("names seasons and finds the season of a date", () => {
    expect(SeasonCodeSchema.safeParse("2025-2026").success).toBe(true);
    expect(SeasonCodeSchema.safeParse("2025-2027").success).toBe(false);
    expect(seasonCodeFor("2025-10-15")).toBe("2025-2026");
    expect(seasonCodeFor("2025-10-14")).toBe("2024-2025");
    expect(seasonCodeFor("2026-03-01")).toBe("2025-2026");
    expect(defaultDueDate("2025-2026")).toBe("2025-10-14");
  });
});

describe("Shanghai business dates", () => {
  it("turns instants into Shanghai dates across UTC midnight", () => {
    expect(shanghaiDate(new Date("2025-11-30T15:59:59Z"))).toBe("2025-11-30");
    expect(shanghaiDate(new Date("2025-11-30T16:00:00Z"))).toBe("2025-12-01");
    expect(shanghaiMidnight("2025-12-01").toISOString()).toBe("2025-11-30T16:00:00.000Z");
  });

  it("counts days across month and leap-year ends", () => {
    expect(daysBetween("2025-10-14", "2025-11-13")).toBe(30);
    expect(daysBetween("2028-02-28", "2028-03-01")).toBe(2);
    expect(addDays("2025-12-31", 1)).toBe("2026-01-01");
  });
});

describe("bill amount", () => {
  const tariff = { unitPriceFen: 2_160, suspensionShareBp: 3_000 }; // 21.60 元/m², base fee 30 %

  it.each([
    // area in 1/100 m², expected fen: 89.62 m² × 21.60 = 1935.792 元 → 1935.79
    [8_962, false, 193_579],
    // 100.00 m² × 21.60 = 2160.00
    [10_000, false, 216_000],
    // 0.25 m² × 21.60 = 5.40
    [25, false, 540],
    // 0.03 m² × 21.60 = 0.648 → 0.65 (half up)
    [3, false, 65],
    // suspended: 30 % of 1935.79 = 580.737 → 580.74
    [8_962, true, 58_074],
  ])("area %i, suspended %s → %i fen", (area, suspended, fen) => {
    expect(seasonAmountFen(area, tariff, suspended)).toBe(fen);
  });

  it("rounds a half fen up", () => {
    // 0.05 m² × 0.10 元 = 0.005 元 → 0.01
    expect(seasonAmountFen(5, { unitPriceFen: 10, suspensionShareBp: 0 }, false)).toBe(1);
  });
});

describe("late fee (滞纳金)", () => {
  const policy = { rateBpPerDay: 5, capBp: 10_000 }; // 万分之五 per day, at most the principal
  const bill: BillBalance = {
    amountFen: 200_000,
    paidFen: 0,
    waivedFen: 0,
    lateFeeAccruedFen: 0,
    lateFeePaidFen: 0,
    lateFeeWaivedFen: 0,
    lateFeeAccruedUntil: null,
    dueDate: "2025-10-14",
    lateFeeExempt: false,
  };

  it("is nothing on or before the due date", () => {
    expect(owedAt(bill, "2025-10-01", policy).lateFee).toBe(0);
    expect(owedAt(bill, "2025-10-14", policy).lateFee).toBe(0);
  });

  it("accrues per day after the due date", () => {
    // 1 day: 2000.00 × 0.0005 = 1.00
    expect(owedAt(bill, "2025-10-15", policy)).toMatchObject({ principal: 200_000, lateFee: 100, total: 200_100 });
    // 30 days: 30.00
    expect(owedAt(bill, "2025-11-13", policy).lateFee).toBe(3_000);
  });

  it("restarts on the smaller principal after a partial payment", () => {
    // 10 days on 2000.00 = 10.00; then 1000.00 of principal paid (plus the 10.00 fee); 10 more days on 1000.00 = 5.00
    const at10 = accrueLateFee(bill, "2025-10-24", policy);
    expect(at10.lateFeeAccruedFen).toBe(1_000);
    const paid = { ...at10, paidFen: 100_000, lateFeePaidFen: 1_000 };
    expect(owedAt(paid, "2025-11-03", policy)).toMatchObject({ principal: 100_000, lateFee: 500 });
  });

  it("never exceeds the cap", () => {
    const capped = { rateBpPerDay: 5, capBp: 1_000 }; // at most 10 % of the principal
    expect(owedAt(bill, "2027-10-14", capped).lateFee).toBe(20_000);
  });

  it("is waived for an exempt (hardship plan) bill", () => {
    expect(owedAt({ ...bill, lateFeeExempt: true }, "2026-01-01", policy).lateFee).toBe(0);
  });

  it("rounds each step half up to the fen", () => {
    // 1 day on 0.99 元: 0.000495 元 → 0.00; 2 days: 0.00099 → 0.00; 11 days: 0.005445 → 0.01
    const small = { ...bill, amountFen: 99 };
    expect(owedAt(small, "2025-10-15", policy).lateFee).toBe(0);
    expect(owedAt(small, "2025-10-25", policy).lateFee).toBe(1);
  });
});

describe("allocation", () => {
  const bills = [
    { id: 3, seasonStart: "2025-10-15", principal: 200_000, lateFee: 0 },
    { id: 1, seasonStart: "2023-10-15", principal: 50_000, lateFee: 12_000 },
    { id: 2, seasonStart: "2024-10-15", principal: 180_000, lateFee: 9_000 },
  ];

  it("pays old arrears first, each bill's late fee with it", () => {
    const { lines, leftoverFen } = allocateOldestFirst(bills, 100_000);
    expect(lines).toEqual([
      { billId: 1, principalFen: 50_000, lateFeeFen: 12_000 },
      { billId: 2, principalFen: 29_000, lateFeeFen: 9_000 },
    ]);
    expect(leftoverFen).toBe(0);
  });

  it("pays everything exactly and reports any excess", () => {
    const total = 200_000 + 62_000 + 189_000;
    expect(allocateOldestFirst(bills, total).lines).toHaveLength(3);
    expect(allocateOldestFirst(bills, total + 1).leftoverFen).toBe(1);
  });

  it("gives the status of a bill", () => {
    const b: BillBalance = {
      amountFen: 100,
      paidFen: 0,
      waivedFen: 0,
      lateFeeAccruedFen: 0,
      lateFeePaidFen: 0,
      lateFeeWaivedFen: 0,
      lateFeeAccruedUntil: null,
      dueDate: "2025-10-14",
      lateFeeExempt: false,
    };
    expect(billStatus(b)).toBe("unpaid");
    expect(billStatus({ ...b, paidFen: 40 })).toBe("partial");
    expect(billStatus({ ...b, paidFen: 100 })).toBe("paid");
    expect(billStatus({ ...b, paidFen: 100, lateFeeAccruedFen: 5 })).toBe("partial");
    expect(billStatus({ ...b, waivedFen: 100 })).toBe("waived");
    // exempt from late fees (an approved hardship plan): principal paid means 已缴清 even with a fee accrued before
    expect(billStatus({ ...b, paidFen: 100, lateFeeAccruedFen: 5, lateFeeExempt: true })).toBe("paid");
    expect(billStatus({ ...b, paidFen: 60, lateFeeAccruedFen: 5, lateFeeExempt: true })).toBe("partial");
  });
});

describe("bill correction (账单更正)", () => {
  const policy = { rateBpPerDay: 5, capBp: 1_000 }; // cap: 10 % of the amount
  // 100 m² × 25.00 元 = 2,500.00 元; 40 days overdue at 万分之五 on 250,000 fen = 5,000 fen accrued
  const base: BillBalance = {
    amountFen: 250_000,
    paidFen: 50_000,
    waivedFen: 0,
    lateFeeAccruedFen: 5_000,
    lateFeePaidFen: 1_000,
    lateFeeWaivedFen: 0,
    lateFeeAccruedUntil: "2025-11-23",
    dueDate: "2025-10-14",
    lateFeeExempt: false,
  };

  it("lowers the unpaid late fee in proportion to the principal owed, rounded down", () => {
    // area 100 → 80 m²: 200,000 fen; owed principal 200,000 → 150,000 (×0.75); unpaid late fee 4,000 → 3,000
    const next = correctedBalance(base, 200_000, policy);
    expect(next).toMatchObject({ amountFen: 200_000, paidFen: 50_000, lateFeeAccruedFen: 4_000 });
    // owed 200,000 → 150,001 of 200,000: 4,000 × 150,001 / 200,000 = 3,000.02 → 3,000
    expect(correctedBalance(base, 200_001, policy)?.lateFeeAccruedFen).toBe(1_000 + 3_000);
  });

  it("keeps the late fee under the cap of the new amount", () => {
    // to 60,000 fen: owed 10,000 of 200,000 → unpaid late fee 4,000 × 0.05 = 200 (cap 6,000 − 1,000 paid does not bind)
    expect(correctedBalance(base, 60_000, policy)?.lateFeeAccruedFen).toBe(1_000 + 200);
    // unpaid late fee 23,000: to 120,000 → owed 70,000 of 200,000 → 8,050 (cap 12,000 − 1,000 = 11,000 does not bind)
    const heavy = { ...base, lateFeeAccruedFen: 24_000 };
    expect(correctedBalance(heavy, 120_000, policy)?.lateFeeAccruedFen).toBe(1_000 + 8_050);
    // to exactly what is paid: nothing owed, no unpaid late fee left
    expect(correctedBalance(heavy, 50_000, policy)?.lateFeeAccruedFen).toBe(1_000);
    // the cap binds: 20,000 of late fee already paid, 5,000 unpaid; to 200,000 the proportion keeps 4,000 but the
    // cap is 20,000, all of it already paid, so nothing more is owed
    const paidLate = { ...base, paidFen: 0, lateFeeAccruedFen: 25_000, lateFeePaidFen: 20_000 };
    expect(correctedBalance(paidLate, 200_000, policy)?.lateFeeAccruedFen).toBe(20_000);
    // to 220,000: proportion 5,000 × 220/250 = 4,400, cap 22,000 − 20,000 = 2,000 binds
    expect(correctedBalance(paidLate, 220_000, policy)?.lateFeeAccruedFen).toBe(22_000);
  });

  it("accrues nothing retroactively when the amount rises", () => {
    const next = correctedBalance(base, 300_000, policy);
    expect(next).toMatchObject({ amountFen: 300_000, lateFeeAccruedFen: 5_000, lateFeeAccruedUntil: "2025-11-23" });
    // from the correction date on the higher principal accrues: 1 day × 250,000 owed × 5 / 10,000 = 125
    expect(owedAt(next as BillBalance, "2025-11-24", policy).lateFee).toBe(4_000 + 125);
  });

  it("refuses an amount below what is already paid or waived", () => {
    expect(correctedBalance(base, 49_999, policy)).toBeNull();
    expect(correctedBalance({ ...base, waivedFen: 10_000 }, 59_999, policy)).toBeNull();
    expect(correctedBalance({ ...base, waivedFen: 10_000 }, 60_000, policy)?.amountFen).toBe(60_000);
  });
});

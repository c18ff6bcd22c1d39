import { describe, expect, it } from "vitest";
import { accrueLateFee, type BillBalance, owedAt } from "./billing/bill";
import {
  addMonthsClamped,
  allocateToInstalments,
  deferralStanding,
  deferredDueDate,
  graceEnd,
  hardshipStatusOf,
  instalmentSchedule,
  lateFeeAfterDefault,
  planStanding,
  termsError,
} from "./hardship";

/** Every number in these tables is worked by hand (see the comments), not computed by the code under test. */

describe("addMonthsClamped", () => {
  it.each([
    ["2025-12-15", 1, "2026-01-15"],
    ["2026-01-31", 1, "2026-02-28"], // 2026 is not a leap year
    ["2028-01-31", 1, "2028-02-29"], // 2028 is
    ["2026-01-31", 2, "2026-03-31"], // counted from the start, not chained through 28 Feb
    ["2025-11-30", 3, "2026-02-28"],
    ["2027-11-30", 3, "2028-02-29"],
    ["2028-02-29", 12, "2029-02-28"],
    ["2025-10-31", 1, "2025-11-30"],
    ["2025-12-31", 2, "2026-02-28"],
  ])("%s + %i months = %s", (from, n, to) => {
    expect(addMonthsClamped(from, n)).toBe(to);
  });
});

describe("instalment schedules (remainder fen on the first instalment)", () => {
  it.each([
    // principal, count, start, spacing, expected [amount, due]…
    [
      100000,
      2,
      "2025-12-15",
      1,
      [
        [50000, "2026-01-15"],
        [50000, "2026-02-15"],
      ],
    ],
    // 100001 / 2 = 50000 r 1 → the first takes the extra fen
    [
      100001,
      2,
      "2025-12-15",
      1,
      [
        [50001, "2026-01-15"],
        [50000, "2026-02-15"],
      ],
    ],
    // 100000 / 3 = 33333 r 1; start on 31 Jan: Feb clamps to the 28th, Mar and Apr keep the 31st / 30th
    [
      100000,
      3,
      "2026-01-31",
      1,
      [
        [33334, "2026-02-28"],
        [33333, "2026-03-31"],
        [33333, "2026-04-30"],
      ],
    ],
    // 100001 / 3 = 33333 r 2; across the year end into a leap February
    [
      100001,
      3,
      "2027-11-30",
      1,
      [
        [33335, "2027-12-30"],
        [33333, "2028-01-30"],
        [33333, "2028-02-29"],
      ],
    ],
    // the smallest principal that splits: 5 / 3 = 1 r 2; from 29 Jan 2028: 29 Feb exists that year
    [
      5,
      3,
      "2028-01-29",
      1,
      [
        [3, "2028-02-29"],
        [1, "2028-03-29"],
        [1, "2028-04-29"],
      ],
    ],
    // every two months
    [
      90000,
      3,
      "2025-12-31",
      2,
      [
        [30000, "2026-02-28"],
        [30000, "2026-04-30"],
        [30000, "2026-06-30"],
      ],
    ],
    // odd fen over 2: 12345 / 2 = 6172 r 1
    [
      12345,
      2,
      "2026-03-31",
      1,
      [
        [6173, "2026-04-30"],
        [6172, "2026-05-31"],
      ],
    ],
  ] as const)("%i fen in %i from %s (every %i month)", (principal, count, start, spacing, expected) => {
    const s = instalmentSchedule(principal, count, start, spacing);
    expect(s.map((i) => [i.amountFen, i.dueDate])).toEqual(expected);
    expect(s.map((i) => i.seq)).toEqual(expected.map((_, k) => k + 1));
    expect(s.reduce((a, i) => a + i.amountFen, 0)).toBe(principal);
  });

  it("refuses counts outside 2–3 and principals that cannot be split", () => {
    expect(() => instalmentSchedule(100000, 1, "2025-12-15")).toThrow();
    expect(() => instalmentSchedule(100000, 4, "2025-12-15")).toThrow();
    expect(() => instalmentSchedule(2, 3, "2025-12-15")).toThrow();
    expect(() => instalmentSchedule(100.5, 2, "2025-12-15")).toThrow();
    expect(termsError({ kind: "instalments", count: 1 })).toBe("HARDSHIP_INSTALMENT_COUNT");
    expect(termsError({ kind: "instalments", count: 4 })).toBe("HARDSHIP_INSTALMENT_COUNT");
    expect(termsError({ kind: "instalments", count: 2.5 })).toBe("HARDSHIP_INSTALMENT_COUNT");
    expect(termsError({ kind: "instalments", count: 3 })).toBeNull();
    expect(termsError({ kind: "deferral", months: 0 })).toBe("HARDSHIP_DEFERRAL_MONTHS");
    expect(termsError({ kind: "deferral", months: 4 })).toBe("HARDSHIP_DEFERRAL_MONTHS");
    expect(termsError({ kind: "deferral", months: 3 })).toBeNull();
  });
});

describe("deferral due dates", () => {
  it.each([
    // bill due, start (approval), months → new due
    ["2025-11-15", "2025-11-30", 3, "2026-02-28"],
    ["2027-11-15", "2027-11-30", 3, "2028-02-29"], // leap February
    ["2027-11-15", "2028-02-29", 1, "2028-03-29"],
    ["2025-11-15", "2025-12-31", 2, "2026-02-28"],
    ["2025-11-15", "2025-12-15", 1, "2026-01-15"],
    // the bill's own due date is later than the deferral: it stays
    ["2026-03-20", "2025-12-15", 1, "2026-03-20"],
  ])("bill due %s, approved %s, %i months → %s", (due, start, months, expected) => {
    expect(deferredDueDate(due, start, months)).toBe(expected);
  });

  it("never more than 3 months", () => {
    expect(() => deferredDueDate("2025-11-15", "2025-12-15", 4)).toThrow();
    expect(() => deferredDueDate("2025-11-15", "2025-12-15", 0)).toThrow();
  });
});

describe("payments against instalments and the grace period", () => {
  const plan = [
    { seq: 1, amountFen: 100000, dueDate: "2026-01-15" },
    { seq: 2, amountFen: 100000, dueDate: "2026-02-15" },
    { seq: 3, amountFen: 100000, dueDate: "2026-03-15" },
  ];

  it("counts overpayment toward the next instalments", () => {
    expect(allocateToInstalments([100000, 100000, 100000], 0)).toEqual([0, 0, 0]);
    expect(allocateToInstalments([100000, 100000, 100000], 150000)).toEqual([100000, 50000, 0]);
    expect(allocateToInstalments([100000, 100000, 100000], 400000)).toEqual([100000, 100000, 100000]);
  });

  it("grace ends 15 days after the due date, month ends included", () => {
    expect(graceEnd("2026-02-15", 15)).toBe("2026-03-02");
    expect(graceEnd("2028-02-15", 15)).toBe("2028-03-01");
    expect(graceEnd("2026-01-31", 0)).toBe("2026-01-31");
  });

  it.each([
    // paid since start, as of → standing
    [0, "2026-01-15", { status: "active", nextSeq: 1, nextDueDate: "2026-01-15", late: false }],
    [0, "2026-01-16", { status: "active", nextSeq: 1, nextDueDate: "2026-01-15", late: true }],
    [0, "2026-01-30", { status: "active", nextSeq: 1, nextDueDate: "2026-01-15", late: true }], // last day of grace
    [0, "2026-01-31", { status: "defaulted", missedSeq: 1, missedDueDate: "2026-01-15" }],
    [150000, "2026-03-02", { status: "active", nextSeq: 2, nextDueDate: "2026-02-15", late: true }],
    [150000, "2026-03-03", { status: "defaulted", missedSeq: 2, missedDueDate: "2026-02-15" }],
    [200000, "2026-03-03", { status: "active", nextSeq: 3, nextDueDate: "2026-03-15", late: false }],
    [300000, "2026-12-31", { status: "completed" }],
  ] as const)("paid %i fen, on %s", (paid, asOf, expected) => {
    expect(planStanding(plan, paid, asOf, 15)).toEqual(expected);
  });

  it("a deferral defaults only after its due date plus grace", () => {
    expect(deferralStanding("2026-03-15", 300000, "2026-03-30", 15).status).toBe("active");
    expect(deferralStanding("2026-03-15", 300000, "2026-03-31", 15).status).toBe("defaulted");
    expect(deferralStanding("2026-03-15", 0, "2026-03-31", 15).status).toBe("completed");
  });
});

describe("late fees under waiver, deferral and default (bill 3,000.00 due 2025-11-15, 万分之五 per day)", () => {
  const policy = { rateBpPerDay: 5, capBp: 10_000 };
  const bill: BillBalance = {
    amountFen: 300000,
    paidFen: 0,
    waivedFen: 0,
    lateFeeAccruedFen: 0,
    lateFeePaidFen: 0,
    lateFeeWaivedFen: 0,
    lateFeeAccruedUntil: null,
    dueDate: "2025-11-15",
    lateFeeExempt: false,
  };
  // 2025-11-15 → 2025-12-15 is 30 days: 300000 × 5/10000 × 30 = 4500 fen
  const atApproval = accrueLateFee(bill, "2025-12-15", policy);
  // approval: what has accrued is waived (recorded), the bill is exempt while the plan is in good standing
  const approved: BillBalance = { ...atApproval, lateFeeWaivedFen: atApproval.lateFeeAccruedFen, lateFeeExempt: true };

  it("without a plan, 30 days cost 45.00", () => {
    expect(atApproval.lateFeeAccruedFen).toBe(4500);
    expect(owedAt(bill, "2025-12-15", policy).lateFee).toBe(4500);
  });

  it("waiver: nothing owed from approval on, however long the plan runs", () => {
    expect(owedAt(approved, "2026-03-15", policy)).toMatchObject({ principal: 300000, lateFee: 0 });
    // paying the first instalment on 2026-01-10 leaves no late fee either
    const paidFirst = { ...accrueLateFee(approved, "2026-01-10", policy), paidFen: 100000 };
    expect(owedAt(paidFirst, "2026-02-10", policy)).toMatchObject({ principal: 200000, lateFee: 0 });
  });

  it("deferral by 3 months to 2026-03-15: no fee in between; paid in full in time, none at all", () => {
    const deferred = { ...approved, dueDate: "2026-03-15" };
    expect(owedAt(deferred, "2026-03-15", policy).lateFee).toBe(0);
    const settled = { ...accrueLateFee(deferred, "2026-03-10", policy), paidFen: 300000 };
    expect(owedAt(settled, "2026-06-01", policy).total).toBe(0);
  });

  it("deferral in default: the fee resumes from the deferred due date (16 days × 150.00 = 24.00 on 2026-03-31)", () => {
    // 300000 × 5/10000 × 16 = 2400
    expect(lateFeeAfterDefault(300000, "2026-03-15", "2026-03-31", policy, 300000)).toBe(2400);
    const resumed = { ...approved, dueDate: "2026-03-15", lateFeeExempt: false, lateFeeAccruedUntil: "2026-03-15" };
    expect(owedAt(resumed, "2026-03-31", policy).lateFee).toBe(2400);
  });

  it("instalments in default: first paid on time, second missed (due 2026-02-15) → 28 days on 2,000.00 = 28.00 by 2026-03-15", () => {
    // 200000 × 5/10000 × 28 = 2800; the 1,000.00 paid on time on 2026-01-10 carries nothing, and the
    // 45.00 waived at approval stays waived
    expect(lateFeeAfterDefault(200000, "2026-02-15", "2026-03-15", policy, 300000)).toBe(2800);
    const paidFirst = { ...accrueLateFee(approved, "2026-01-10", policy), paidFen: 100000 };
    const resumed = { ...paidFirst, lateFeeExempt: false, lateFeeAccruedUntil: "2026-02-15" };
    const owed = owedAt(resumed, "2026-03-15", policy);
    expect(owed).toMatchObject({ principal: 200000, lateFee: 2800 });
    expect(owed.balance.lateFeeWaivedFen).toBe(4500);
    // without the plan the same household would owe 56 days on 3,000.00 (11-15 → 01-10: 84.00) plus
    // 64 days on 2,000.00 (01-10 → 03-15: 64.00) = 148.00; under the defaulted plan it owes 28.00
    const noPlan = { ...accrueLateFee(bill, "2026-01-10", policy), paidFen: 100000 };
    expect(owedAt(noPlan, "2026-03-15", policy).lateFee).toBe(8400 + 6400);
  });

  it("the cap still holds after default (cap 10 % of 100.00 = 10.00)", () => {
    expect(lateFeeAfterDefault(10000, "2026-01-01", "2026-12-31", { rateBpPerDay: 50, capBp: 1000 }, 10000)).toBe(1000);
  });
});

describe("hardshipStatusOf", () => {
  it.each([
    [false, null, "none"],
    [true, null, "applying"],
    [false, { kind: "instalments", status: "active" }, "plan_active"],
    [false, { kind: "deferral", status: "active" }, "deferred"],
    [false, { kind: "instalments", status: "defaulted" }, "defaulted"],
    [true, { kind: "instalments", status: "defaulted" }, "applying"],
    [false, { kind: "instalments", status: "completed" }, "none"],
  ] as const)("open=%s plan=%j → %s", (open, plan, expected) => {
    expect(hardshipStatusOf(open, plan)).toBe(expected);
  });
});

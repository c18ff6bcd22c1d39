import { describe, expect, it } from "vitest";
import { addDays } from "./billing/dates";
import {
  type AgingBucket,
  agingBucket,
  agingCutoffs,
  collectionRate,
  dayOfSeason,
  forecastCollection,
  type ForecastInput,
  seasonLength,
  targetFen,
} from "./collection";

describe("collection rate (hand-worked)", () => {
  it.each([
    [0, 0, null],
    [0, 10_000, 0],
    [9_530, 10_000, 95.3],
    [96_950, 100_000, 97], // 96.95 rounds half up
    [96_949, 100_000, 96.9],
    [1, 3, 33.3],
    [2, 3, 66.7],
    [10_000, 10_000, 100],
  ])("%i / %i = %s %%", (collected, receivable, expected) => {
    expect(collectionRate(collected, receivable)).toBe(expected);
  });

  it.each([
    [1_000_001, 97, 970_001], // 970 000.97 rounds up to the fen
    [100_000, 97.5, 97_500],
    [100_000, 100, 100_000],
    [0, 97, 0],
  ])("target of %i at %s %% = %i", (receivable, pct, expected) => {
    expect(targetFen(receivable, pct)).toBe(expected);
  });
});

describe("arrears aging as of 2026-12-04 (hand-worked)", () => {
  const asOf = "2026-12-04";
  it.each<[string, number, AgingBucket]>([
    ["2026-12-10", 0, "d0_30"], // not yet due
    ["2026-12-04", 0, "d0_30"],
    ["2026-11-04", 30, "d0_30"],
    ["2026-11-03", 31, "d31_90"],
    ["2026-09-05", 90, "d31_90"],
    ["2026-09-04", 91, "d91_180"],
    ["2026-06-07", 180, "d91_180"],
    ["2026-06-06", 181, "d180_plus"],
    ["2025-10-14", 416, "d180_plus"],
  ])("oldest due %s (%i days) → %s", (due, _days, bucket) => {
    expect(agingBucket(due, asOf)).toBe(bucket);
  });

  it("the SQL cut-offs put every due date in the same bucket as the rule", () => {
    const cut = agingCutoffs(asOf);
    expect(cut).toEqual({ d0_30: "2026-11-04", d31_90: "2026-09-05", d91_180: "2026-06-07" });
    for (let i = -400; i <= 10; i++) {
      const due = addDays(asOf, i);
      const bySql =
        due >= cut.d0_30 ? "d0_30" : due >= cut.d31_90 ? "d31_90" : due >= cut.d91_180 ? "d91_180" : "d180_plus";
      expect(bySql, due).toBe(agingBucket(due, asOf));
    }
  });
});

describe("day of season", () => {
  it("day 1 is the start date; pre-season days are 0 and below; 2026-2027 has 183 days", () => {
    expect(dayOfSeason("2026-10-15", "2026-10-15")).toBe(1);
    expect(dayOfSeason("2026-10-15", "2026-10-14")).toBe(0);
    expect(dayOfSeason("2026-10-15", "2026-12-04")).toBe(51);
    expect(seasonLength("2026-10-15", "2027-04-15")).toBe(183);
    expect(seasonLength("2027-10-15", "2028-04-15")).toBe(184); // leap February
  });
});

describe("forecast (hand-worked)", () => {
  const base: ForecastInput = {
    receivableFen: 1_000_000,
    collectedFen: 400_000,
    day: 40,
    seasonDays: 183,
    previous: null,
    targetPct: 97,
    unpaidHouseholds: 30,
    unpaidFen: 600_000,
  };

  it("no last season: linear to the season end, capped at the receivable", () => {
    const f = forecastCollection(base);
    expect(f).toMatchObject({
      method: "linear",
      factor: 183 / 40,
      projectedFen: 1_000_000, // 400 000 × 4.575 = 1 830 000, capped
      projectedRate: 100,
      targetFen: 970_000,
      gapFen: 570_000,
      averageUnpaidFen: 20_000,
      householdsNeeded: 29, // 570 000 / 20 000 = 28.5
      reachable: true,
      onTrack: true,
    });
    expect(f.inputs).toEqual(base);
    expect(f.explanation).toContain("线性");
  });

  it("last season's shape: collected × final / day-N of last season", () => {
    const f = forecastCollection({
      ...base,
      collectedFen: 600_000,
      day: 50,
      previous: { atDayFen: 500_000, finalFen: 800_000 },
      unpaidHouseholds: 40,
      unpaidFen: 350_000,
    });
    expect(f).toMatchObject({
      method: "last_season_shape",
      factor: 1.6,
      projectedFen: 960_000,
      projectedRate: 96,
      targetFen: 970_000,
      gapFen: 370_000,
      averageUnpaidFen: 8_750,
      householdsNeeded: 43, // 370 000 / 8 750 = 42.3
      reachable: false, // all unpaid households together owe only 350 000
      onTrack: false,
    });
    expect(f.explanation).toContain("上季同期");
    expect(f.explanation).toContain("无法达到");
  });

  it("last season with nothing collected by day N falls back to linear", () => {
    const f = forecastCollection({ ...base, previous: { atDayFen: 0, finalFen: 900_000 } });
    expect(f.method).toBe("linear");
  });

  it("after the season end the projection is what was collected", () => {
    const f = forecastCollection({
      ...base,
      collectedFen: 955_000,
      day: 200,
      previous: { atDayFen: 1, finalFen: 2 },
      unpaidHouseholds: 10,
      unpaidFen: 45_000,
    });
    expect(f).toMatchObject({
      method: "season_over",
      factor: 1,
      projectedFen: 955_000,
      projectedRate: 95.5,
      gapFen: 15_000,
      averageUnpaidFen: 4_500,
      householdsNeeded: 4, // 15 000 / 4 500 = 3.3
      reachable: true,
      onTrack: false,
    });
  });

  it("a season that has reached the target needs nobody", () => {
    const f = forecastCollection({ ...base, collectedFen: 980_000, unpaidHouseholds: 2, unpaidFen: 20_000 });
    expect(f).toMatchObject({ gapFen: 0, householdsNeeded: 0, reachable: true, onTrack: true });
  });
});

import { describe, expect, it } from "vitest";
import { packageYear, packageYears } from "./packageData";

/**
 * The package is checked against the State Council notices, written here by hand: 国办发明电〔2024〕12号
 * (2025) and 国办发明电〔2025〕7号 (2026). If a package update changes a year, this fails.
 */
const OFFICIAL: Record<number, { holidays: [string, string][]; makeup: string[] }> = {
  2025: {
    holidays: [
      ["01-01", "01-01"],
      ["01-28", "02-04"],
      ["04-04", "04-06"],
      ["05-01", "05-05"],
      ["05-31", "06-02"],
      ["10-01", "10-08"],
    ],
    makeup: ["01-26", "02-08", "04-27", "09-28", "10-11"],
  },
  2026: {
    holidays: [
      ["01-01", "01-03"],
      ["02-15", "02-23"],
      ["04-04", "04-06"],
      ["05-01", "05-05"],
      ["06-19", "06-21"],
      ["09-25", "09-27"],
      ["10-01", "10-07"],
    ],
    makeup: ["01-04", "02-14", "02-28", "05-09", "09-20", "10-10"],
  },
};

function expand(year: number, [from, to]: [string, string]): string[] {
  const out: string[] = [];
  for (
    let d = new Date(`${year}-${from}T00:00:00Z`);
    d <= new Date(`${year}-${to}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1)
  ) {
    out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

describe("chinese-days package data against the State Council notices", () => {
  it("covers 2025 and 2026 and not 2027", () => {
    expect(packageYears()).toEqual(expect.arrayContaining([2024, 2025, 2026]));
    expect(packageYears()).not.toContain(2027);
    expect(packageYear(2027)).toBeNull();
  });
  it.each([2025, 2026])("%i: the same holidays and make-up working days, every day listed once", (year) => {
    const days = packageYear(year);
    expect(days).toHaveLength(365);
    const official = OFFICIAL[year] as (typeof OFFICIAL)[number];
    expect(days?.filter((d) => d.kind === "holiday").map((d) => d.date)).toEqual(
      official.holidays.flatMap((r) => expand(year, r)),
    );
    expect(days?.filter((d) => d.kind === "makeup_workday").map((d) => d.date)).toEqual(
      official.makeup.map((md) => `${year}-${md}`),
    );
  });
  it("names the holidays in Chinese", () => {
    const days = packageYear(2025) ?? [];
    expect(days.find((d) => d.date === "2025-10-01")?.name).toBe("国庆节");
    expect(days.find((d) => d.date === "2025-09-28")?.name).toBe("国庆节");
    expect(days.find((d) => d.date === "2025-01-29")?.name).toBe("春节");
  });
});

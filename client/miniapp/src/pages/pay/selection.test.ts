import { describe, expect, it } from "vitest";
import {
  isOldestFirst,
  keepSelection,
  openBillsOldestFirst,
  selectAll,
  selectionTotalFen,
  selectThrough,
  toggleBill,
} from "./selection";

const bill = (id: number, seasonCode: string, owedFen: number) => ({
  id,
  seasonCode,
  dueDate: `${seasonCode.slice(0, 4)}-12-31`,
  owedFen,
});

// given newest first and with a paid season in between, as a server might
const ALL = [
  bill(30, "2026-2027", 200_000),
  bill(20, "2025-2026", 0),
  bill(15, "2024-2025", 150_500),
  bill(10, "2023-2024", 90_025),
];
const open = openBillsOldestFirst(ALL);

describe("openBillsOldestFirst", () => {
  it("keeps bills with money owed, oldest season first", () => {
    expect(open.map((b) => b.id)).toEqual([10, 15, 30]);
  });

  it("orders two bills of one season by due date, then id", () => {
    const same = [
      { id: 9, seasonCode: "2025-2026", dueDate: "2026-01-31", owedFen: 1 },
      { id: 8, seasonCode: "2025-2026", dueDate: "2026-01-31", owedFen: 1 },
      { id: 7, seasonCode: "2025-2026", dueDate: "2026-03-31", owedFen: 1 },
    ];
    expect(openBillsOldestFirst(same).map((b) => b.id)).toEqual([8, 9, 7]);
  });
});

describe("toggleBill", () => {
  it("selecting a bill selects every older one", () => {
    expect(toggleBill(open, [], 30)).toEqual([10, 15, 30]);
    expect(toggleBill(open, [], 15)).toEqual([10, 15]);
    expect(toggleBill(open, [10], 15)).toEqual([10, 15]);
  });

  it("deselecting a bill deselects every newer one", () => {
    expect(toggleBill(open, [10, 15, 30], 15)).toEqual([10]);
    expect(toggleBill(open, [10, 15, 30], 10)).toEqual([]);
    expect(toggleBill(open, [10, 15, 30], 30)).toEqual([10, 15]);
  });

  it("repairs a selection with a gap and ignores unknown ids", () => {
    expect(toggleBill(open, [10, 30], 999)).toEqual([10]);
    expect(toggleBill(open, [10, 30], 15)).toEqual([10, 15]);
  });
});

describe("selectAll / selectThrough", () => {
  it("全部缴清 selects every open bill", () => {
    expect(selectAll(open)).toEqual([10, 15, 30]);
  });

  it("selects up to a chosen bill, or everything when it is not open", () => {
    expect(selectThrough(open, 15)).toEqual([10, 15]);
    expect(selectThrough(open, 20)).toEqual([10, 15, 30]);
    expect(selectThrough(open, null)).toEqual([10, 15, 30]);
  });
});

describe("keepSelection", () => {
  it("keeps what is still a run of the oldest open bills after the bills changed", () => {
    expect(keepSelection(open, [10, 15])).toEqual([10, 15]);
    // the oldest was paid elsewhere meanwhile: the rest of the run stays chosen
    expect(keepSelection(open.slice(1), [10, 15])).toEqual([15]);
    expect(keepSelection(open.slice(1), [10])).toEqual([]);
    // an older bill appeared (e.g. a correction): a selection that skips it is not kept
    expect(keepSelection(open, [15, 30])).toEqual([]);
    expect(keepSelection(open, [15, 10, 30])).toEqual([10, 15, 30]);
  });
});

describe("isOldestFirst", () => {
  it("accepts runs of the oldest bills only", () => {
    expect(isOldestFirst(open, [])).toBe(true);
    expect(isOldestFirst(open, [10, 15])).toBe(true);
    expect(isOldestFirst(open, [15, 10])).toBe(true);
    expect(isOldestFirst(open, [15])).toBe(false);
    expect(isOldestFirst(open, [10, 30])).toBe(false);
    expect(isOldestFirst(open, [10, 10])).toBe(false);
  });
});

describe("selectionTotalFen", () => {
  it("adds what is owed on the selected bills, in fen", () => {
    expect(selectionTotalFen(open, [10, 15])).toBe(240_525);
    expect(selectionTotalFen(open, [])).toBe(0);
  });
});

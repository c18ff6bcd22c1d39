import { describe, expect, it } from "vitest";
import { planAmountsDue } from "./hardship";

const three = [
  { seq: 1, amountFen: 33_334 },
  { seq: 2, amountFen: 33_333 },
  { seq: 3, amountFen: 33_333 },
];

describe("planAmountsDue (按计划缴费)", () => {
  it("offers the first instalment's rest, and the whole rest of the plan as the most", () => {
    expect(planAmountsDue(three, 0)).toEqual({ nextSeq: 1, nextFen: 33_334, remainingFen: 100_000 });
    expect(planAmountsDue(three, 10_000)).toEqual({ nextSeq: 1, nextFen: 23_334, remainingFen: 90_000 });
  });
  it("money beyond an instalment counts toward the next ones", () => {
    expect(planAmountsDue(three, 33_334)).toEqual({ nextSeq: 2, nextFen: 33_333, remainingFen: 66_666 });
    expect(planAmountsDue(three, 50_000)).toEqual({ nextSeq: 2, nextFen: 16_667, remainingFen: 50_000 });
    expect(planAmountsDue(three, 99_999)).toEqual({ nextSeq: 3, nextFen: 1, remainingFen: 1 });
  });
  it("nothing is due once every instalment is paid (or overpaid)", () => {
    expect(planAmountsDue(three, 100_000)).toEqual({ nextSeq: null, nextFen: 0, remainingFen: 0 });
    expect(planAmountsDue(three, 120_000)).toEqual({ nextSeq: null, nextFen: 0, remainingFen: 0 });
  });
});

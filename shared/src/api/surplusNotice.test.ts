import { describe, expect, it } from "vitest";
import { surplusNotice } from "./payments";

const NOW = Date.parse("2026-12-03T04:00:00.000Z"); // 12:00 in Beijing

describe("surplusNotice (what a resident is told about money that paid no bill)", () => {
  it("says how much, why, and in how many hours it goes back", () => {
    const text = surplusNotice(
      { amountFen: 463_463, state: "scheduled", refundAt: "2026-12-04T04:00:00.000Z", billsAlreadyPaid: true },
      NOW,
    );
    expect(text).toBe(
      "本次付款中 ¥4,634.63 未抵扣任何账单（账单已缴清），将于24小时后（12月4日 12:00前）原路退回，无需操作。",
    );
  });

  it("names a closed order as the reason, and the supervisor's and final states", () => {
    const base = { amountFen: 100, refundAt: null, billsAlreadyPaid: false };
    expect(surplusNotice({ ...base, state: "awaiting_supervisor" }, NOW)).toContain(
      "（订单已关闭），工作人员核实后将原路退回",
    );
    expect(surplusNotice({ ...base, state: "refunding" }, NOW)).toMatch(/正在原路退回。$/);
    expect(surplusNotice({ ...base, state: "refunded" }, NOW)).toMatch(/已原路退回。$/);
    expect(surplusNotice({ ...base, state: "resolved" }, NOW)).toMatch(/已由工作人员处理。$/);
  });
});

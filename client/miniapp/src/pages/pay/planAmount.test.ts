import { describe, expect, it } from "vitest";
import { planAmountFen } from "./planAmount";

const due = { fen: 33_334, remainingFen: 100_000 };

describe("planAmountFen (按计划缴费)", () => {
  it("the next instalment, everything left, or a typed amount in yuan", () => {
    expect(planAmountFen("next", "", due)).toEqual({ fen: 33_334 });
    expect(planAmountFen("all", "", due)).toEqual({ fen: 100_000 });
    expect(planAmountFen("custom", "500", due)).toEqual({ fen: 50_000 });
    expect(planAmountFen("custom", " 500.5 ", due)).toEqual({ fen: 50_050 });
    expect(planAmountFen("custom", "0.01", due)).toEqual({ fen: 1 });
    expect(planAmountFen("custom", "1000.00", due)).toEqual({ fen: 100_000 });
  });
  it("refuses what the server would refuse, in Chinese", () => {
    expect(planAmountFen("custom", "", due)).toEqual({ error: "请输入缴费金额" });
    expect(planAmountFen("custom", "0", due)).toEqual({ error: "缴费金额至少0.01元" });
    expect(planAmountFen("custom", "1.234", due)).toHaveProperty("error", "金额格式不正确，最多两位小数，如 300.50");
    expect(planAmountFen("custom", "-5", due)).toHaveProperty("error");
    expect(planAmountFen("custom", "1000.01", due)).toEqual({ error: "缴费金额不能超过计划剩余应缴 ¥1,000.00" });
  });
});

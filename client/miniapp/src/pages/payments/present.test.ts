import { describe, expect, it } from "vitest";
import { allocationText, channelLabel, isOffline } from "./present";

describe("payment presentation", () => {
  it("labels channels and tells offline payments (with receipts) apart", () => {
    expect(channelLabel({ channel: "assisted" })).toBe("网格员代缴");
    expect(channelLabel({ channel: "wechat" })).toBe("微信支付");
    expect(isOffline({ channel: "cash" })).toBe(true);
    expect(isOffline({ channel: "alipay" })).toBe(false);
  });

  it("splits an allocation into 本金 and 滞纳金", () => {
    expect(allocationText({ principalFen: 100_000, lateFeeFen: 500 })).toBe("本金 ¥1,000.00 · 滞纳金 ¥5.00");
    expect(allocationText({ principalFen: 100_000, lateFeeFen: 0 })).toBe("本金 ¥1,000.00");
    expect(allocationText({ principalFen: 0, lateFeeFen: 500 })).toBe("滞纳金 ¥5.00");
  });
});

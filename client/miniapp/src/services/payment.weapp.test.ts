import type { CreatedPayment } from "@warmline/shared";
import { beforeEach, describe, expect, it, vi } from "vitest";

const taro = vi.hoisted(() => ({ requestPayment: vi.fn() }));
vi.mock("@tarojs/taro", () => ({ default: taro }));

import { platformPayment, wechatPayParams } from "./payment.weapp";

const JSAPI = {
  appId: "wx-app",
  timeStamp: "1764201600",
  nonceStr: "n0nce",
  package: "prepay_id=wx201410272009395522657a690389285100",
  signType: "RSA",
  paySign: "c2lnbg==",
};

const order = (clientParams: Record<string, string>): CreatedPayment => ({
  id: 12,
  outTradeNo: "WL12",
  vendor: "wechat",
  amountFen: 186_840,
  expireAt: "2026-11-20T02:30:00.000Z",
  clientParams,
  cashierUrl: null,
});

beforeEach(() => {
  taro.requestPayment.mockReset();
});

describe("wechatPayParams", () => {
  it("passes timeStamp, nonceStr, package, signType and paySign (not appId)", () => {
    expect(wechatPayParams(JSAPI)).toEqual({
      timeStamp: "1764201600",
      nonceStr: "n0nce",
      package: "prepay_id=wx201410272009395522657a690389285100",
      signType: "RSA",
      paySign: "c2lnbg==",
    });
  });

  it("refuses incomplete or unknown parameters", () => {
    const { paySign: _, ...noSign } = JSAPI;
    expect(wechatPayParams(noSign)).toBeNull();
    expect(wechatPayParams({ ...JSAPI, signType: "SHA1" })).toBeNull();
  });
});

describe("WeChat platformPayment", () => {
  it("offers WeChat Pay only", () => {
    expect(platformPayment.vendors).toEqual(["wechat"]);
  });

  it("opens wx.requestPayment with the mapped parameters", async () => {
    taro.requestPayment.mockResolvedValue({ errMsg: "requestPayment:ok" });
    await expect(platformPayment.pay(order(JSAPI))).resolves.toEqual({ kind: "submitted" });
    expect(taro.requestPayment).toHaveBeenCalledWith(wechatPayParams(JSAPI));
  });

  it("tells a cancel from a failure", async () => {
    taro.requestPayment.mockRejectedValueOnce({ errMsg: "requestPayment:fail cancel" });
    await expect(platformPayment.pay(order(JSAPI))).resolves.toEqual({ kind: "cancelled" });
    taro.requestPayment.mockRejectedValueOnce({ errMsg: "requestPayment:fail system error" });
    await expect(platformPayment.pay(order(JSAPI))).resolves.toMatchObject({ kind: "failed" });
  });

  it("does not open the sheet without complete parameters", async () => {
    await expect(platformPayment.pay(order({ tradeNO: "2026" }))).resolves.toMatchObject({ kind: "failed" });
    expect(taro.requestPayment).not.toHaveBeenCalled();
  });
});

import type { CreatedPayment } from "@warmline/shared";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { cashierUrlWithReturn, payResultUrl, platformPayment } from "./payment.h5";

const order = (cashierUrl: string | null): CreatedPayment => ({
  id: 21,
  outTradeNo: "WL21",
  vendor: "alipay",
  amountFen: 100,
  expireAt: "2026-11-20T02:30:00.000Z",
  clientParams: {},
  cashierUrl,
});

beforeEach(() => {
  window.history.replaceState(null, "", "/h5/#/pages/pay/index?accountId=3");
});

describe("payResultUrl", () => {
  it("is the hash route of the result page on this app's address", () => {
    expect(payResultUrl({ origin: "http://host:8080", pathname: "/h5/" }, 21)).toBe(
      "http://host:8080/h5/#/pages/pay-result/index?id=21",
    );
  });
});

describe("cashierUrlWithReturn", () => {
  it("appends return_url, encoded, to the cashier's own query", () => {
    const url = cashierUrlWithReturn(
      "/sandbox/alipay/cashier?trade_no=T1",
      "http://h/h5/#/pages/pay-result/index?id=2",
    );
    expect(url).toBe(
      "/sandbox/alipay/cashier?trade_no=T1&return_url=http%3A%2F%2Fh%2Fh5%2F%23%2Fpages%2Fpay-result%2Findex%3Fid%3D2",
    );
    const parsed = new URL(url, "http://h");
    expect(parsed.searchParams.get("trade_no")).toBe("T1");
    expect(parsed.searchParams.get("return_url")).toBe("http://h/h5/#/pages/pay-result/index?id=2");
    expect(parsed.hash).toBe("");
  });

  it("starts a query when the cashier URL has none", () => {
    expect(cashierUrlWithReturn("http://c/cashier", "r")).toBe("http://c/cashier?return_url=r");
  });
});

describe("H5 platformPayment", () => {
  it("offers both vendors", () => {
    expect(platformPayment.vendors).toEqual(["wechat", "alipay"]);
  });

  it("sends the browser to the cashier with this app's result page as return_url", async () => {
    const assign = vi.spyOn(window.location, "assign").mockImplementation(() => undefined);
    await expect(platformPayment.pay(order("http://api.test/sandbox/wechat/cashier?prepay_id=wx1"))).resolves.toEqual({
      kind: "redirected",
    });
    const target = new URL(String(assign.mock.calls[0][0]));
    expect(target.pathname).toBe("/sandbox/wechat/cashier");
    expect(target.searchParams.get("prepay_id")).toBe("wx1");
    expect(target.searchParams.get("return_url")).toBe(`${window.location.origin}/h5/#/pages/pay-result/index?id=21`);
  });

  it("cannot pay without a cashier page", async () => {
    const assign = vi.spyOn(window.location, "assign").mockImplementation(() => undefined);
    await expect(platformPayment.pay(order(null))).resolves.toMatchObject({ kind: "failed" });
    expect(assign).not.toHaveBeenCalled();
  });
});

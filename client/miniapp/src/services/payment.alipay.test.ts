import type { CreatedPayment } from "@warmline/shared";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { alipayOutcome, alipayTradeParams, platformPayment } from "./payment.alipay";

type TradePayOptions = {
  tradeNO: string;
  success?: (res: { resultCode: string }) => void;
  fail?: (res: { resultCode?: string }) => void;
};

const tradePay = vi.fn<(options: TradePayOptions) => void>();

const order = (clientParams: Record<string, string>): CreatedPayment => ({
  id: 13,
  outTradeNo: "WL13",
  vendor: "alipay",
  amountFen: 90_025,
  expireAt: "2026-11-20T02:30:00.000Z",
  clientParams,
  cashierUrl: null,
});

beforeEach(() => {
  tradePay.mockReset();
  vi.stubGlobal("my", { tradePay });
});

describe("alipayTradeParams", () => {
  it("passes the trade number as tradeNO", () => {
    expect(alipayTradeParams({ tradeNO: "2026112022001400001", outTradeNo: "WL13" })).toEqual({
      tradeNO: "2026112022001400001",
    });
    expect(alipayTradeParams({ outTradeNo: "WL13" })).toBeNull();
  });
});

describe("alipayOutcome", () => {
  it("maps my.tradePay result codes; only the server decides success", () => {
    expect(alipayOutcome("9000")).toEqual({ kind: "submitted" });
    expect(alipayOutcome("8000")).toEqual({ kind: "submitted" });
    expect(alipayOutcome("6004")).toEqual({ kind: "submitted" });
    expect(alipayOutcome("6001")).toEqual({ kind: "cancelled" });
    expect(alipayOutcome("4000")).toMatchObject({ kind: "failed" });
    expect(alipayOutcome("6002")).toMatchObject({ kind: "failed" });
    expect(alipayOutcome(undefined)).toMatchObject({ kind: "failed" });
  });
});

describe("Alipay platformPayment", () => {
  it("offers Alipay only", () => {
    expect(platformPayment.vendors).toEqual(["alipay"]);
  });

  it("calls my.tradePay with the tradeNO and reports its result", async () => {
    tradePay.mockImplementation((options) => options.success?.({ resultCode: "9000" }));
    await expect(platformPayment.pay(order({ tradeNO: "T-1" }))).resolves.toEqual({ kind: "submitted" });
    expect(tradePay.mock.calls[0][0]).toMatchObject({ tradeNO: "T-1" });

    tradePay.mockImplementation((options) => options.success?.({ resultCode: "6001" }));
    await expect(platformPayment.pay(order({ tradeNO: "T-1" }))).resolves.toEqual({ kind: "cancelled" });

    tradePay.mockImplementation((options) => options.fail?.({}));
    await expect(platformPayment.pay(order({ tradeNO: "T-1" }))).resolves.toMatchObject({ kind: "failed" });
  });

  it("does not open the cashier without a tradeNO", async () => {
    await expect(platformPayment.pay(order({}))).resolves.toMatchObject({ kind: "failed" });
    expect(tradePay).not.toHaveBeenCalled();
  });
});

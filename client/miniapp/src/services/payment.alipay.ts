import type { CreatedPayment } from "@warmline/shared";
import type { PayOutcome, PlatformPayment } from "./payment";

/** my.tradePay's parameters: the trade number from alipay.trade.create. Null when it is missing. */
export function alipayTradeParams(clientParams: Record<string, string>): { tradeNO: string } | null {
  const tradeNO = clientParams.tradeNO;
  return tradeNO ? { tradeNO } : null;
}

/**
 * my.tradePay's resultCode: 9000 paid, 8000 processing, 6004 unknown (all confirmed by the server),
 * 6001 cancelled by the resident, 4000/6002/others failed.
 */
export function alipayOutcome(resultCode: string | number | undefined): PayOutcome {
  switch (String(resultCode ?? "")) {
    case "9000":
    case "8000":
    case "6004":
      return { kind: "submitted" };
    case "6001":
      return { kind: "cancelled" };
    case "6002":
      return { kind: "failed", message: "网络连接出错，请检查网络后重试" };
    default:
      return { kind: "failed", message: "支付宝支付未完成，请稍后重试" };
  }
}

function tradePay(params: { tradeNO: string }): Promise<PayOutcome> {
  return new Promise((resolve) => {
    my.tradePay({
      ...params,
      success: (res) => resolve(alipayOutcome(res.resultCode)),
      fail: (res) => resolve(alipayOutcome(res?.resultCode)),
    });
  });
}

/** Alipay mini-program: the cashier opened by my.tradePay. */
export const platformPayment: PlatformPayment = {
  vendors: ["alipay"],
  async pay(order: CreatedPayment) {
    const params = alipayTradeParams(order.clientParams);
    if (!params) return { kind: "failed", message: "支付参数不完整，请稍后重试" };
    return tradePay(params);
  },
};

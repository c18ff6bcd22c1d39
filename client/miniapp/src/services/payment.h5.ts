import type { CreatedPayment } from "@warmline/shared";
import { PAGES } from "../constants";
import type { PlatformPayment } from "./payment";

/** The H5 result page of payment `id`: http://host/h5/#/pages/pay-result/index?id=12 */
export function payResultUrl(location: { origin: string; pathname: string }, id: number): string {
  return `${location.origin}${location.pathname}#${PAGES.payResult}?id=${encodeURIComponent(String(id))}`;
}

/**
 * The cashier page with return_url appended. The cashier sends the browser back there with out_trade_no
 * and result=paid|cancelled added inside the hash.
 */
export function cashierUrlWithReturn(cashierUrl: string, returnUrl: string): string {
  const separator = cashierUrl.includes("?") ? "&" : "?";
  return `${cashierUrl}${separator}return_url=${encodeURIComponent(returnUrl)}`;
}

/** H5: no native payment sheet; the browser goes to the vendor's cashier page and comes back. */
export const platformPayment: PlatformPayment = {
  vendors: ["wechat", "alipay"],
  pay(order: CreatedPayment) {
    if (!order.cashierUrl) {
      return Promise.resolve({ kind: "failed", message: "当前无法在浏览器中完成支付，请在微信或支付宝小程序中缴费" });
    }
    window.location.assign(cashierUrlWithReturn(order.cashierUrl, payResultUrl(window.location, order.id)));
    return Promise.resolve({ kind: "redirected" });
  },
};

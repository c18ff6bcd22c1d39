import Taro from "@tarojs/taro";
import type { CreatedPayment } from "@warmline/shared";
import type { PayOutcome, PlatformPayment } from "./payment";

const SIGN_TYPES = ["MD5", "HMAC-SHA256", "RSA"] as const;
type SignType = (typeof SIGN_TYPES)[number];

export interface WechatPayParams {
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: SignType;
  paySign: string;
}

/**
 * wx.requestPayment's parameters from the server's JSAPI pay-params (appId is not one of them: the
 * mini-program's own appId is used). Null when a field is missing.
 */
export function wechatPayParams(clientParams: Record<string, string>): WechatPayParams | null {
  const { timeStamp, nonceStr, paySign } = clientParams;
  const pkg = clientParams.package;
  const signType = (clientParams.signType || "RSA") as SignType;
  if (!timeStamp || !nonceStr || !pkg || !paySign || !SIGN_TYPES.includes(signType)) return null;
  return { timeStamp, nonceStr, package: pkg, signType, paySign };
}

/** wx.requestPayment rejects with errMsg "requestPayment:fail cancel" when the resident closes the sheet. */
export function wechatOutcome(err: unknown): PayOutcome {
  const errMsg = err && typeof err === "object" ? String((err as { errMsg?: unknown }).errMsg ?? "") : "";
  if (/cancel/i.test(errMsg)) return { kind: "cancelled" };
  return { kind: "failed", message: "微信支付未完成，请稍后重试" };
}

/** WeChat mini-program: the JSAPI payment sheet. */
export const platformPayment: PlatformPayment = {
  vendors: ["wechat"],
  async pay(order: CreatedPayment) {
    const params = wechatPayParams(order.clientParams);
    if (!params) return { kind: "failed", message: "支付参数不完整，请稍后重试" };
    try {
      await Taro.requestPayment(params);
      return { kind: "submitted" };
    } catch (err) {
      return wechatOutcome(err);
    }
  },
};

import type { VendorSandbox } from "../vendor";
import type { WechatPaySandbox } from "./gateway";
import { mountWechatPaySandbox } from "./routes";

export interface WechatPaySandboxes {
  /** the WeChat Pay gateway, created on first use (its keys may have to be generated first) */
  wechatPay(): Promise<WechatPaySandbox>;
}

/** WeChat Pay API v3, its H5 cashier and test controls under /sandbox/wechatpay (see routes.ts). */
export const wechatPaySandbox: VendorSandbox<WechatPaySandboxes> = {
  vendor: "wechat-pay",
  mount(router, { config, opts, keys }) {
    return { wechatPay: mountWechatPaySandbox(router, config, { now: opts.now, keys }).sandbox };
  },
};

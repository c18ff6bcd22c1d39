import type { Config } from "../config";
import { createAlipayPayClient } from "./alipay/alipayPay";
import type { PaymentVendor, PaymentVendorClient } from "./payments";
import type { VendorKeySource } from "./vendorKeys";
import { createWechatPayClient } from "./wechat-pay/client";

/** The payment vendors of this deployment: both, against the sandboxes or the real gateways. */
export async function createPaymentClients(
  config: Config,
  keys: VendorKeySource,
): Promise<Partial<Record<PaymentVendor, PaymentVendorClient>>> {
  const [wechat, alipay] = await Promise.all([
    createWechatPayClient(config, keys),
    createAlipayPayClient(config, keys),
  ]);
  return { wechat, alipay };
}

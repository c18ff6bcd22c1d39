import type { Config } from "../config";
import { type AlipayKeys, configuredAlipayKeys } from "./alipay/keys";
import { configuredWechatPayKeys, type WechatPayKeys } from "./wechat-pay/keys";

/**
 * Where the vendor clients get their keys, each set resolved on first use. In production every key is
 * configured (`configuredVendorKeys`); with SANDBOX_VENDORS=true the composition root passes the
 * sandboxes' source instead, which fills what the configuration leaves out with generated keys.
 */
export interface VendorKeySource {
  alipay(): Promise<AlipayKeys>;
  wechatPay(): Promise<WechatPayKeys>;
}

/** The configured keys only: a missing one is an error naming its variable, raised when the set is first used. */
export function configuredVendorKeys(config: Config): VendorKeySource {
  return {
    alipay: once(async () => configuredAlipayKeys(config)),
    wechatPay: once(async () => configuredWechatPayKeys(config)),
  };
}

/** `make` run on the first call and its result shared; a failure is not kept, the next call tries again. */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | null = null;
  return () => {
    result ??= make().catch((err: unknown) => {
      result = null;
      throw err;
    });
    return result;
  };
}

import type { Config } from "../config";
import { logger } from "../lib/logger";
import { AlipayLogin } from "./alipay/alipayLogin";
import { resolveAlipayKeys } from "./alipay/keys";
import type { LoginExchanger } from "./login";
import { SANDBOX_PATHS } from "./sandbox";
import { WechatMiniProgramLogin } from "./wechat-mp/wechatLogin";

/**
 * The sign-in clients for both vendors. Sandbox or real vendor is configuration only: the endpoints come
 * from WECHAT_API_BASE / ALIPAY_GATEWAY (default: this server's /sandbox mounts), the Alipay keys from
 * ALIPAY_PRIVATE_KEY / ALIPAY_PUBLIC_KEY (generated and kept under DATA_DIR in sandbox mode).
 */
export async function createLoginExchangers(
  config: Config,
): Promise<{ wechat: LoginExchanger; alipay: LoginExchanger }> {
  if (!config.sandboxVendors) {
    // with the sandboxes unmounted, the default endpoints point at nothing
    const local = (url: string, prefix: string) => url.startsWith(`${config.publicUrl}${prefix}`);
    const unset = [
      local(config.wechat.apiBase, SANDBOX_PATHS.wechat) && "WECHAT_API_BASE (https://api.weixin.qq.com)",
      local(config.alipay.gateway, SANDBOX_PATHS.alipay) && "ALIPAY_GATEWAY (https://openapi.alipay.com/gateway.do)",
    ].filter(Boolean);
    if (unset.length > 0) {
      throw new Error(
        `SANDBOX_VENDORS=false but ${unset.join(" and ")} not set: it would point at the disabled sandbox`,
      );
    }
  }
  const keys = await resolveAlipayKeys(config);
  logger.info(
    {
      sandboxVendors: config.sandboxVendors,
      wechatApi: new URL(config.wechat.apiBase).origin,
      alipayGateway: new URL(config.alipay.gateway).origin,
      alipayKeys: keys.source,
    },
    "vendor sign-in clients ready",
  );
  return {
    wechat: new WechatMiniProgramLogin(config.wechat),
    alipay: new AlipayLogin({
      appId: config.alipay.appId,
      privateKey: keys.appPrivateKey,
      alipayPublicKey: keys.alipayPublicKey,
      gateway: config.alipay.gateway,
    }),
  };
}

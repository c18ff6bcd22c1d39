import { AlipaySdk } from "alipay-sdk";

/** The alipay-sdk client both Alipay integrations use: RSA2 with PKCS#8 keys, snake_case answers. */
export function alipaySdk(opts: {
  appId: string;
  privateKey: string;
  alipayPublicKey: string;
  gateway: string;
  timeoutMs: number;
}): AlipaySdk {
  return new AlipaySdk({
    appId: opts.appId,
    privateKey: opts.privateKey,
    keyType: "PKCS8",
    signType: "RSA2",
    alipayPublicKey: opts.alipayPublicKey,
    gateway: opts.gateway,
    endpoint: new URL(opts.gateway).origin,
    timeout: opts.timeoutMs,
    camelcase: false,
  });
}

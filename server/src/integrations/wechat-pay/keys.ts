import { createPublicKey, type KeyObject, X509Certificate } from "node:crypto";
import type { Config } from "../../config";
import { readPrivateKey, readPublicKey } from "../alipay/keys";
import { normalizeSerial } from "./signing";

/** Everything the WeChat Pay client needs. */
export interface WechatPayKeys {
  merchantSerial: string;
  merchantPrivateKey: KeyObject;
  merchantPublicKey: KeyObject;
  apiV3Key: string;
  /** platform certificates trusted for WeChat Pay's signatures: serial (upper-case hex) → public key */
  platformCerts: Map<string, KeyObject>;
  /** the WeChat Pay public key (微信支付公钥) and its id, when in public-key mode */
  wechatpayPublicKey: { id: string; key: KeyObject } | null;
  /** where each came from, for the start-up log ("generated": by the sandboxes, SANDBOX_VENDORS=true) */
  source: Record<"merchant" | "apiV3Key" | "platform" | "publicKey", "configured" | "generated" | "none">;
}

/** The keys WeChat Pay's signatures are verified with, as configured (either may be absent). */
export interface WechatPayVerificationKeys {
  /** WECHATPAY_PLATFORM_CERTS: serial → public key */
  platformCerts: Map<string, KeyObject> | null;
  /** WECHATPAY_PUBLIC_KEY with its WECHATPAY_PUBLIC_KEY_ID */
  publicKey: { id: string; key: KeyObject } | null;
}

/** Reads WECHATPAY_PLATFORM_CERTS and WECHATPAY_PUBLIC_KEY(+_ID); a public key without its id (or back) is an error. */
export function configuredVerificationKeys(config: Config): WechatPayVerificationKeys {
  const c = config.wechatPay;
  if (Boolean(c.publicKey) !== Boolean(c.publicKeyId)) {
    throw new Error(
      c.publicKey
        ? "WECHATPAY_PUBLIC_KEY_ID is required with WECHATPAY_PUBLIC_KEY (the PUB_KEY_ID_… shown next to the key)"
        : "WECHATPAY_PUBLIC_KEY is required with WECHATPAY_PUBLIC_KEY_ID",
    );
  }
  return {
    platformCerts: c.platformCerts ? readPlatformCerts(c.platformCerts) : null,
    publicKey:
      c.publicKey && c.publicKeyId
        ? { id: c.publicKeyId, key: readPublicKey(c.publicKey, "WECHATPAY_PUBLIC_KEY") }
        : null,
  };
}

/**
 * The configured WeChat Pay keys: WECHATPAY_MERCHANT_PRIVATE_KEY, WECHATPAY_MERCHANT_SERIAL,
 * WECHATPAY_APIV3_KEY and WECHATPAY_PLATFORM_CERTS and/or WECHATPAY_PUBLIC_KEY (+ WECHATPAY_PUBLIC_KEY_ID)
 * are required: a missing one is an error naming it. With SANDBOX_VENDORS=true the sandboxes generate
 * what is not configured instead (server/src/sandboxes/keys.ts).
 */
export function configuredWechatPayKeys(config: Config): WechatPayKeys {
  const c = config.wechatPay;
  const verification = configuredVerificationKeys(config);
  const missing = [
    !c.privateKey && "WECHATPAY_MERCHANT_PRIVATE_KEY",
    !c.merchantSerial && "WECHATPAY_MERCHANT_SERIAL",
    !c.apiV3Key && "WECHATPAY_APIV3_KEY",
    !verification.platformCerts && !verification.publicKey && "WECHATPAY_PLATFORM_CERTS or WECHATPAY_PUBLIC_KEY",
  ].filter((v): v is string => typeof v === "string");
  if (missing.length > 0 || !c.privateKey || !c.merchantSerial || !c.apiV3Key) {
    throw new Error(`WeChat Pay needs ${missing.join(", ")} when SANDBOX_VENDORS=false`);
  }
  const merchant = readPrivateKey(c.privateKey, "WECHATPAY_MERCHANT_PRIVATE_KEY");
  return {
    merchantSerial: normalizeSerial(c.merchantSerial),
    merchantPrivateKey: merchant,
    merchantPublicKey: createPublicKey(merchant),
    apiV3Key: c.apiV3Key,
    platformCerts: verification.platformCerts ?? new Map(),
    wechatpayPublicKey: verification.publicKey,
    source: {
      merchant: "configured",
      apiV3Key: "configured",
      platform: verification.platformCerts ? "configured" : "none",
      publicKey: verification.publicKey ? "configured" : "none",
    },
  };
}

/** Every PEM certificate in the text: serial → public key. */
export function readPlatformCerts(raw: string): Map<string, KeyObject> {
  const text = raw.replace(/\\n/g, "\n");
  const pems = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (pems.length === 0) throw new Error("WECHATPAY_PLATFORM_CERTS holds no PEM certificate");
  const out = new Map<string, KeyObject>();
  for (const pem of pems) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(pem);
    } catch {
      throw new Error("WECHATPAY_PLATFORM_CERTS holds a certificate that cannot be read");
    }
    if (cert.publicKey.asymmetricKeyType !== "rsa") throw new Error("WECHATPAY_PLATFORM_CERTS: not an RSA certificate");
    out.set(normalizeSerial(cert.serialNumber), cert.publicKey);
  }
  return out;
}

import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import type { Config } from "../../config";

/** The RSA keys of the Alipay client (PEM: private keys PKCS8, public keys SPKI). */
export interface AlipayKeys {
  /** signs our requests (ALIPAY_PRIVATE_KEY, 应用私钥) */
  appPrivateKey: string;
  /** derived from appPrivateKey: what Alipay (or the sandbox gateway) verifies our requests with */
  appPublicKey: string;
  /** verifies Alipay's responses (ALIPAY_PUBLIC_KEY, 支付宝公钥) */
  alipayPublicKey: string;
  /** where each side came from, for the start-up log ("generated": by the sandboxes, SANDBOX_VENDORS=true) */
  source: { app: "configured" | "generated"; alipay: "configured" | "generated" };
}

/**
 * The configured keys: ALIPAY_PRIVATE_KEY and ALIPAY_PUBLIC_KEY are both required (an error names the
 * missing ones). With SANDBOX_VENDORS=true the sandboxes generate what is not configured instead
 * (server/src/sandboxes/keys.ts).
 */
export function configuredAlipayKeys(config: Config): AlipayKeys {
  const { privateKey, alipayPublicKey } = config.alipay;
  const missing = [!privateKey && "ALIPAY_PRIVATE_KEY", !alipayPublicKey && "ALIPAY_PUBLIC_KEY"].filter(Boolean);
  if (missing.length > 0 || !privateKey || !alipayPublicKey) {
    throw new Error(
      `Alipay sign-in needs ${missing.join(" and ")} when SANDBOX_VENDORS=false ` +
        "(the app's RSA private key and Alipay's public key, PEM or base64)",
    );
  }
  const app = readPrivateKey(privateKey, "ALIPAY_PRIVATE_KEY");
  return {
    appPrivateKey: pkcs8(app),
    appPublicKey: spki(createPublicKey(app)),
    alipayPublicKey: spki(readPublicKey(alipayPublicKey, "ALIPAY_PUBLIC_KEY")),
    source: { app: "configured", alipay: "configured" },
  };
}

export const pkcs8 = (k: KeyObject) => k.export({ type: "pkcs8", format: "pem" }) as string;
export const spki = (k: KeyObject) => k.export({ type: "spki", format: "pem" }) as string;

/** Environment variables often carry PEMs with literal "\n" sequences. */
const unescapeNewlines = (raw: string) => raw.replace(/\\n/g, "\n").trim();
const isPem = (s: string) => s.startsWith("-----BEGIN ");

/** Reads a configured RSA private key: PEM (PKCS8 or PKCS1) or bare base64 DER as Alipay's key tool prints it. */
export function readPrivateKey(raw: string, envName: string): KeyObject {
  const text = unescapeNewlines(raw);
  const attempts: (() => KeyObject)[] = isPem(text)
    ? [() => createPrivateKey(text)]
    : [
        () => createPrivateKey({ key: Buffer.from(text, "base64"), format: "der", type: "pkcs8" }),
        () => createPrivateKey({ key: Buffer.from(text, "base64"), format: "der", type: "pkcs1" }),
      ];
  return firstRsaKey(attempts, `${envName} is not a readable RSA private key (PEM, or base64 PKCS8/PKCS1)`);
}

/** Reads a configured RSA public key: PEM (SPKI or PKCS1) or bare base64 DER. */
export function readPublicKey(raw: string, envName: string): KeyObject {
  const text = unescapeNewlines(raw);
  const attempts: (() => KeyObject)[] = isPem(text)
    ? [() => createPublicKey(text)]
    : [
        () => createPublicKey({ key: Buffer.from(text, "base64"), format: "der", type: "spki" }),
        () => createPublicKey({ key: Buffer.from(text, "base64"), format: "der", type: "pkcs1" }),
      ];
  return firstRsaKey(attempts, `${envName} is not a readable RSA public key (PEM, or base64 SPKI/PKCS1)`);
}

function firstRsaKey(attempts: (() => KeyObject)[], message: string): KeyObject {
  for (const attempt of attempts) {
    try {
      const key = attempt();
      if (key.asymmetricKeyType === "rsa") return key;
    } catch {
      // try the next encoding; the key itself is never put into the error
    }
  }
  throw new Error(message);
}

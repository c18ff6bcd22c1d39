import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  type KeyObject,
  randomBytes,
  randomUUID,
  X509Certificate,
} from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { Config } from "../../config";
import { readPrivateKey, readPublicKey, SANDBOX_KEY_DIR } from "../alipay/keys";
import { PUBLIC_KEY_ID_PREFIX } from "./signing";
import { createSelfSignedCertificate, normalizeSerial } from "./x509";

const generateRsa = promisify(generateKeyPair);

/** A key WeChat Pay signs with, and the sandbox's private half of it. */
export interface SandboxSigner {
  /** Wechatpay-Serial: the platform certificate serial or the PUB_KEY_ID_… */
  serial: string;
  privateKey: KeyObject;
}

/** Everything the WeChat Pay client (and the sandbox gateway) needs. */
export interface WechatPayKeys {
  merchantSerial: string;
  merchantPrivateKey: KeyObject;
  merchantPublicKey: KeyObject;
  apiV3Key: string;
  /** platform certificates trusted for WeChat Pay's signatures: serial (upper-case hex) → public key */
  platformCerts: Map<string, KeyObject>;
  /** the WeChat Pay public key (微信支付公钥) and its id, when in public-key mode */
  wechatpayPublicKey: { id: string; key: KeyObject } | null;
  /** the sandbox's signing keys (platform certificate key, public-key-mode key); null outside sandbox mode */
  sandbox: { platform: SandboxSigner & { certificatePem: string }; publicKey: SandboxSigner } | null;
  source: Record<"merchant" | "apiV3Key" | "platform" | "publicKey", "configured" | "generated" | "none">;
}

/**
 * Resolves the WeChat Pay keys from the configuration.
 * - Outside sandbox mode WECHATPAY_MERCHANT_PRIVATE_KEY, WECHATPAY_MERCHANT_SERIAL, WECHATPAY_APIV3_KEY and
 *   WECHATPAY_PLATFORM_CERTS and/or WECHATPAY_PUBLIC_KEY (+ WECHATPAY_PUBLIC_KEY_ID) are required: a missing
 *   one is an error naming it.
 * - In sandbox mode a configured value wins; missing ones are generated once and kept in
 *   `${dataDir}/sandbox-keys/` (merchant key + certificate, platform key + self-signed certificate, a
 *   public-key-mode key pair, the APIv3 key), so restarts and other processes reuse them. The client then
 *   trusts both the sandbox's platform certificate and its public key, so either signing mode verifies.
 */
export async function resolveWechatPayKeys(config: Config): Promise<WechatPayKeys> {
  const c = config.wechatPay;
  if (Boolean(c.publicKey) !== Boolean(c.publicKeyId)) {
    throw new Error(
      c.publicKey
        ? "WECHATPAY_PUBLIC_KEY_ID is required with WECHATPAY_PUBLIC_KEY (the PUB_KEY_ID_… shown next to the key)"
        : "WECHATPAY_PUBLIC_KEY is required with WECHATPAY_PUBLIC_KEY_ID",
    );
  }
  const configuredCerts = c.platformCerts ? readPlatformCerts(c.platformCerts) : null;
  const configuredPublicKey =
    c.publicKey && c.publicKeyId
      ? { id: c.publicKeyId, key: readPublicKey(c.publicKey, "WECHATPAY_PUBLIC_KEY") }
      : null;

  if (!config.sandboxVendors) {
    const missing = [
      !c.privateKey && "WECHATPAY_MERCHANT_PRIVATE_KEY",
      !c.merchantSerial && "WECHATPAY_MERCHANT_SERIAL",
      !c.apiV3Key && "WECHATPAY_APIV3_KEY",
      !configuredCerts && !configuredPublicKey && "WECHATPAY_PLATFORM_CERTS or WECHATPAY_PUBLIC_KEY",
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
      platformCerts: configuredCerts ?? new Map(),
      wechatpayPublicKey: configuredPublicKey,
      sandbox: null,
      source: {
        merchant: "configured",
        apiV3Key: "configured",
        platform: configuredCerts ? "configured" : "none",
        publicKey: configuredPublicKey ? "configured" : "none",
      },
    };
  }

  const dir = await ensureKeyDir(path.join(config.dataDir, SANDBOX_KEY_DIR));
  const platform = await loadOrCreateKeyAndCert(dir, "wechatpay-platform", {
    O: "Tenpay.com",
    OU: "Tenpay.com CA Center",
    CN: "Tenpay.com Root CA (Warmline sandbox)",
    C: "CN",
  });
  const pubKeyPair = await loadOrCreateKey(dir, "wechatpay-pubkey");
  const pubKeyId = sandboxPublicKeyId(c.mchId, pubKeyPair);

  let merchantKey: KeyObject;
  let merchantSerial: string;
  if (c.privateKey) {
    merchantKey = readPrivateKey(c.privateKey, "WECHATPAY_MERCHANT_PRIVATE_KEY");
    // a configured key without its serial: the sandbox accepts any serial consistently derived from it
    merchantSerial = normalizeSerial(c.merchantSerial ?? derivedSerial(merchantKey));
  } else {
    const merchant = await loadOrCreateKeyAndCert(dir, "wechatpay-merchant", {
      C: "CN",
      O: "暖线供热服务（沙箱商户）",
      OU: "Warmline sandbox",
      CN: c.mchId,
    });
    merchantKey = merchant.privateKey;
    merchantSerial = normalizeSerial(c.merchantSerial ?? merchant.serial);
  }
  const apiV3Key = c.apiV3Key ?? (await loadOrCreateApiV3Key(dir));

  const sandboxPlatformCerts = new Map([[platform.serial, createPublicKey(platform.privateKey)]]);
  return {
    merchantSerial,
    merchantPrivateKey: merchantKey,
    merchantPublicKey: createPublicKey(merchantKey),
    apiV3Key,
    platformCerts: configuredCerts ?? sandboxPlatformCerts,
    wechatpayPublicKey: configuredPublicKey ?? { id: pubKeyId, key: createPublicKey(pubKeyPair) },
    sandbox: {
      platform: { serial: platform.serial, privateKey: platform.privateKey, certificatePem: platform.certificatePem },
      publicKey: { serial: pubKeyId, privateKey: pubKeyPair },
    },
    source: {
      merchant: c.privateKey ? "configured" : "generated",
      apiV3Key: c.apiV3Key ? "configured" : "generated",
      platform: configuredCerts ? "configured" : "generated",
      publicKey: configuredPublicKey ? "configured" : "generated",
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

/** PUB_KEY_ID_01<mchid><16 digits>: stable for one key and merchant (real ids look the same). */
export function sandboxPublicKeyId(mchId: string, key: KeyObject): string {
  const spki = createPublicKey(key).export({ type: "spki", format: "der" });
  const digits = BigInt(`0x${createHash("sha256").update(spki).digest("hex").slice(0, 15)}`)
    .toString()
    .padStart(16, "0")
    .slice(-16);
  return `${PUBLIC_KEY_ID_PREFIX}01${mchId}${digits}`;
}

function derivedSerial(key: KeyObject): string {
  const spki = createPublicKey(key).export({ type: "spki", format: "der" });
  return createHash("sha1").update(spki).digest("hex").toUpperCase();
}

async function ensureKeyDir(dir: string): Promise<string> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await fs.writeFile(path.join(dir, ".gitignore"), "*\n", { flag: "w" });
  return dir;
}

/**
 * Reads `file`, creating it with `make()` first if absent. Published with link(), which fails when the
 * name exists, so two processes starting at once end up with the same content.
 */
async function loadOrCreate(file: string, make: () => Promise<string>): Promise<string> {
  const existing = await readIfExists(file);
  if (existing !== null) return existing;
  const tmp = `${file}.${randomUUID()}.tmp`;
  await fs.writeFile(tmp, await make(), { mode: 0o600 });
  try {
    await fs.link(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  } finally {
    await fs.rm(tmp, { force: true });
  }
  return fs.readFile(file, "utf8");
}

async function newRsaKey(): Promise<string> {
  const { privateKey } = await generateRsa("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return privateKey;
}

function pemBlock(text: string, label: string, file: string): string {
  const m = new RegExp(`-----BEGIN ${label}-----[\\s\\S]+?-----END ${label}-----`).exec(text);
  if (!m) throw new Error(`${file} lacks a ${label}: delete it to generate new sandbox keys`);
  return `${m[0]}\n`;
}

async function loadOrCreateKey(dir: string, name: string): Promise<KeyObject> {
  const file = path.join(dir, `${name}-private.pem`);
  const text = await loadOrCreate(file, newRsaKey);
  const key = parsePrivate(pemBlock(text, "PRIVATE KEY", file), file);
  await fs.writeFile(
    path.join(dir, `${name}-public.pem`),
    createPublicKey(key).export({ type: "spki", format: "pem" }) as string,
  );
  return key;
}

/** Key and certificate in one file, so a racing process can never pair a key with another's certificate. */
async function loadOrCreateKeyAndCert(
  dir: string,
  name: string,
  subject: Parameters<typeof createSelfSignedCertificate>[0]["subject"],
): Promise<{ privateKey: KeyObject; certificatePem: string; serial: string }> {
  const file = path.join(dir, `${name}.pem`);
  const text = await loadOrCreate(file, async () => {
    const keyPem = await newRsaKey();
    const privateKey = createPrivateKey(keyPem);
    const now = Date.now();
    const serial = randomBytes(20);
    serial[0] &= 0x7f; // positive, 40 hex digits like WeChat's serials
    serial[0] |= 0x10;
    const certPem = createSelfSignedCertificate({
      privateKey,
      publicKey: createPublicKey(privateKey),
      subject,
      serial,
      notBefore: new Date(now - 24 * 3600_000),
      notAfter: new Date(now + 5 * 365 * 24 * 3600_000),
    });
    return `${keyPem}${certPem}`;
  });
  const privateKey = parsePrivate(pemBlock(text, "PRIVATE KEY", file), file);
  const certificatePem = pemBlock(text, "CERTIFICATE", file);
  const cert = new X509Certificate(certificatePem);
  if (!cert.checkPrivateKey(privateKey)) throw new Error(`${file}: the certificate does not match the key`);
  await fs.writeFile(path.join(dir, `${name}-cert.pem`), certificatePem);
  return { privateKey, certificatePem, serial: normalizeSerial(cert.serialNumber) };
}

async function loadOrCreateApiV3Key(dir: string): Promise<string> {
  const file = path.join(dir, "wechatpay-apiv3.key");
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const text = await loadOrCreate(file, async () => {
    // rejection sampling keeps the characters uniform
    let key = "";
    while (key.length < 32) {
      for (const b of randomBytes(64)) if (b < 248 && key.length < 32) key += alphabet[b % 62];
    }
    return `${key}\n`;
  });
  const key = text.trim();
  if (!/^[\x21-\x7e]{32}$/.test(key)) throw new Error(`${file} is not a 32-character APIv3 key: delete it`);
  return key;
}

function parsePrivate(pem: string, file: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch {
    throw new Error(`${file} is not a readable private key: delete it to generate new sandbox keys`);
  }
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

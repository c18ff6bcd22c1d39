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
import type { Config } from "../config";
import { type AlipayKeys, pkcs8, readPrivateKey, readPublicKey, spki } from "../integrations/alipay/keys";
import { once, type VendorKeySource } from "../integrations/vendorKeys";
import { configuredVerificationKeys, type WechatPayKeys } from "../integrations/wechat-pay/keys";
import { normalizeSerial, PUBLIC_KEY_ID_PREFIX } from "../integrations/wechat-pay/signing";
import { createSelfSignedCertificate } from "./wechat-pay/x509";

const generateRsa = promisify(generateKeyPair);

/** Folder (below DATA_DIR) where sandbox mode keeps the keys it generated. */
export const SANDBOX_KEY_DIR = "sandbox-keys";

/** A key WeChat Pay signs with, and the sandbox's private half of it. */
export interface SandboxSigner {
  /** Wechatpay-Serial: the platform certificate serial or the PUB_KEY_ID_… */
  serial: string;
  privateKey: KeyObject;
}

/** The Alipay keys in sandbox mode. */
export interface AlipaySandboxKeys {
  /** what the client uses: configured keys win, missing ones are generated */
  client: AlipayKeys;
  /** the sandbox gateway's own signing key ("Alipay's private key", PKCS8 PEM), always generated */
  alipayPrivateKey: string;
}

/** The WeChat Pay keys in sandbox mode. */
export interface WechatPaySandboxKeys {
  /** what the client uses: configured keys win, missing ones are generated */
  client: WechatPayKeys;
  /** the sandbox's platform certificate key and certificate */
  platform: SandboxSigner & { certificatePem: string };
  /** the sandbox's public-key-mode key (微信支付公钥) and its PUB_KEY_ID_… */
  publicKey: SandboxSigner;
}

/** The vendor keys with SANDBOX_VENDORS=true: the clients' (VendorKeySource) and the sandboxes' own. */
export interface SandboxKeys extends VendorKeySource {
  alipaySandbox(): Promise<AlipaySandboxKeys>;
  wechatPaySandbox(): Promise<WechatPaySandboxKeys>;
}

/**
 * The keys of sandbox mode. A configured key wins; a missing one is generated once and kept in
 * `${dataDir}/sandbox-keys/`, so restarts and the other processes of one deployment (api, worker) reuse
 * it: for Alipay the app key pair and the sandbox gateway's pair; for WeChat Pay the merchant key and
 * certificate, the platform key and its self-signed certificate, a public-key-mode key pair and the APIv3
 * key. The WeChat Pay client then trusts both the sandbox's platform certificate and its public key, so
 * either signing mode verifies. Each set is resolved on first use.
 */
export function sandboxVendorKeys(config: Config): SandboxKeys {
  if (!config.sandboxVendors) throw new Error("sandbox keys asked for with SANDBOX_VENDORS=false");
  const alipaySandbox = once(() => alipayKeys(config));
  const wechatPaySandbox = once(() => wechatPayKeys(config));
  return {
    alipaySandbox,
    wechatPaySandbox,
    alipay: async () => (await alipaySandbox()).client,
    wechatPay: async () => (await wechatPaySandbox()).client,
  };
}

async function alipayKeys(config: Config): Promise<AlipaySandboxKeys> {
  const { privateKey, alipayPublicKey } = config.alipay;
  const dir = await ensureKeyDir(path.join(config.dataDir, SANDBOX_KEY_DIR));
  const app = privateKey ? readPrivateKey(privateKey, "ALIPAY_PRIVATE_KEY") : await loadOrCreateKey(dir, "app");
  const sandboxAlipay = await loadOrCreateKey(dir, "alipay");
  return {
    client: {
      appPrivateKey: pkcs8(app),
      appPublicKey: spki(createPublicKey(app)),
      alipayPublicKey: alipayPublicKey
        ? spki(readPublicKey(alipayPublicKey, "ALIPAY_PUBLIC_KEY"))
        : spki(createPublicKey(sandboxAlipay)),
      source: { app: privateKey ? "configured" : "generated", alipay: alipayPublicKey ? "configured" : "generated" },
    },
    alipayPrivateKey: pkcs8(sandboxAlipay),
  };
}

async function wechatPayKeys(config: Config): Promise<WechatPaySandboxKeys> {
  const c = config.wechatPay;
  const configured = configuredVerificationKeys(config);
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
    client: {
      merchantSerial,
      merchantPrivateKey: merchantKey,
      merchantPublicKey: createPublicKey(merchantKey),
      apiV3Key,
      platformCerts: configured.platformCerts ?? sandboxPlatformCerts,
      wechatpayPublicKey: configured.publicKey ?? { id: pubKeyId, key: createPublicKey(pubKeyPair) },
      source: {
        merchant: c.privateKey ? "configured" : "generated",
        apiV3Key: c.apiV3Key ? "configured" : "generated",
        platform: configured.platformCerts ? "configured" : "generated",
        publicKey: configured.publicKey ? "configured" : "generated",
      },
    },
    platform: { serial: platform.serial, privateKey: platform.privateKey, certificatePem: platform.certificatePem },
    publicKey: { serial: pubKeyId, privateKey: pubKeyPair },
  };
}

/** PUB_KEY_ID_01<mchid><16 digits>: stable for one key and merchant (real ids look the same). */
export function sandboxPublicKeyId(mchId: string, key: KeyObject): string {
  const spkiDer = createPublicKey(key).export({ type: "spki", format: "der" });
  const digits = BigInt(`0x${createHash("sha256").update(spkiDer).digest("hex").slice(0, 15)}`)
    .toString()
    .padStart(16, "0")
    .slice(-16);
  return `${PUBLIC_KEY_ID_PREFIX}01${mchId}${digits}`;
}

function derivedSerial(key: KeyObject): string {
  const spkiDer = createPublicKey(key).export({ type: "spki", format: "der" });
  return createHash("sha1").update(spkiDer).digest("hex").toUpperCase();
}

async function ensureKeyDir(dir: string): Promise<string> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  // keeps the keys out of git even when DATA_DIR points inside a repository
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

/** A new RSA-2048 private key, PKCS8 PEM. */
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

/** `<name>-private.pem`, created first if absent; `<name>-public.pem` is re-derived from it, never read back. */
async function loadOrCreateKey(dir: string, name: string): Promise<KeyObject> {
  const file = path.join(dir, `${name}-private.pem`);
  const key = parsePrivate(await loadOrCreate(file, newRsaKey), file);
  await fs.writeFile(path.join(dir, `${name}-public.pem`), spki(createPublicKey(key)));
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

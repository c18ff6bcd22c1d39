import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { Config } from "../../config";

const generateRsa = promisify(generateKeyPair);

/** The RSA keys of one Alipay set-up (PEM: private keys PKCS8, public keys SPKI). */
export interface AlipayKeys {
  /** signs our requests (ALIPAY_PRIVATE_KEY, 应用私钥) */
  appPrivateKey: string;
  /** derived from appPrivateKey: what Alipay (or the sandbox gateway) verifies our requests with */
  appPublicKey: string;
  /** verifies Alipay's responses (ALIPAY_PUBLIC_KEY, 支付宝公钥) */
  alipayPublicKey: string;
  /** the sandbox gateway's own signing key; null outside sandbox mode */
  sandboxAlipayPrivateKey: string | null;
  /** where each side came from, for the start-up log */
  source: { app: "configured" | "generated"; alipay: "configured" | "generated" };
}

/** Folder (below DATA_DIR) where sandbox mode keeps the key pairs it generated. */
export const SANDBOX_KEY_DIR = "sandbox-keys";

/**
 * The keys the Alipay client and the sandbox gateway should use.
 * - Outside sandbox mode both ALIPAY_PRIVATE_KEY and ALIPAY_PUBLIC_KEY must be configured.
 * - In sandbox mode a configured key wins; a missing one comes from an RSA-2048 pair generated once and
 *   kept in `${dataDir}/sandbox-keys/` so restarts (and other processes) reuse it. The sandbox gateway
 *   always signs with its generated "sandbox Alipay" key, so a configured ALIPAY_PUBLIC_KEY only fits a
 *   real (or vendor-sandbox) gateway.
 */
export async function resolveAlipayKeys(config: Config): Promise<AlipayKeys> {
  const { privateKey, alipayPublicKey } = config.alipay;
  if (!config.sandboxVendors) {
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
      sandboxAlipayPrivateKey: null,
      source: { app: "configured", alipay: "configured" },
    };
  }

  const dir = await ensureKeyDir(path.join(config.dataDir, SANDBOX_KEY_DIR));
  const app = privateKey ? readPrivateKey(privateKey, "ALIPAY_PRIVATE_KEY") : await loadOrCreatePair(dir, "app");
  const sandboxAlipay = await loadOrCreatePair(dir, "alipay");
  return {
    appPrivateKey: pkcs8(app),
    appPublicKey: spki(createPublicKey(app)),
    alipayPublicKey: alipayPublicKey
      ? spki(readPublicKey(alipayPublicKey, "ALIPAY_PUBLIC_KEY"))
      : spki(createPublicKey(sandboxAlipay)),
    sandboxAlipayPrivateKey: pkcs8(sandboxAlipay),
    source: { app: privateKey ? "configured" : "generated", alipay: alipayPublicKey ? "configured" : "generated" },
  };
}

const pkcs8 = (k: KeyObject) => k.export({ type: "pkcs8", format: "pem" }) as string;
const spki = (k: KeyObject) => k.export({ type: "spki", format: "pem" }) as string;

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

async function ensureKeyDir(dir: string): Promise<string> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  // keeps the keys out of git even when DATA_DIR points inside a repository
  await fs.writeFile(path.join(dir, ".gitignore"), "*\n", { flag: "w" });
  return dir;
}

/**
 * Reads `<name>-private.pem`, creating it first if absent. The file is published with link(), which
 * fails when the name exists, so two processes starting at once end up with the same key.
 */
async function loadOrCreatePair(dir: string, name: string): Promise<KeyObject> {
  const file = path.join(dir, `${name}-private.pem`);
  let pem = await readIfExists(file);
  if (pem === null) {
    const { privateKey } = await generateRsa("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    const tmp = `${file}.${randomUUID()}.tmp`;
    await fs.writeFile(tmp, privateKey, { mode: 0o600 });
    try {
      await fs.link(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    } finally {
      await fs.rm(tmp, { force: true });
    }
    pem = await fs.readFile(file, "utf8");
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new Error(`${file} is not a readable private key: delete it to generate a new sandbox key pair`);
  }
  // the public half, for whoever wants to look at it; always re-derived, never read back
  await fs.writeFile(path.join(dir, `${name}-public.pem`), spki(createPublicKey(key)));
  return key;
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

import { createPrivateKey, createPublicKey, createSign, createVerify, generateKeyPairSync } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../config";
import { readPrivateKey, resolveAlipayKeys } from "./keys";

const dirs: string[] = [];
function tmp() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warmline-keys-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const matches = (privatePem: string, publicPem: string) => {
  const sig = createSign("RSA-SHA256").update("x").sign(privatePem, "base64");
  return createVerify("RSA-SHA256").update("x").verify(publicPem, sig, "base64");
};

describe("sandbox key pairs", () => {
  it("generates two RSA-2048 pairs once, keeps them under DATA_DIR/sandbox-keys and reuses them", async () => {
    const dataDir = tmp();
    const config = loadConfig({ DATA_DIR: dataDir });
    const first = await resolveAlipayKeys(config);
    const dir = path.join(dataDir, "sandbox-keys");
    expect(fs.readdirSync(dir).sort()).toEqual([
      ".gitignore",
      "alipay-private.pem",
      "alipay-public.pem",
      "app-private.pem",
      "app-public.pem",
    ]);
    expect(fs.readFileSync(path.join(dir, ".gitignore"), "utf8")).toBe("*\n");
    expect(fs.statSync(path.join(dir, "app-private.pem")).mode & 0o077).toBe(0);
    expect(fs.readFileSync(path.join(dir, "app-private.pem"), "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(fs.readFileSync(path.join(dir, "alipay-public.pem"), "utf8")).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(createPrivateKey(first.appPrivateKey).asymmetricKeyDetails?.modulusLength).toBe(2048);

    // the client's private key pairs with what the sandbox verifies; the sandbox's with what the client trusts
    expect(matches(first.appPrivateKey, first.appPublicKey)).toBe(true);
    expect(matches(first.sandboxAlipayPrivateKey!, first.alipayPublicKey)).toBe(true);
    expect(first.appPublicKey).not.toBe(first.alipayPublicKey);
    expect(first.source).toEqual({ app: "generated", alipay: "generated" });

    const again = await resolveAlipayKeys(loadConfig({ DATA_DIR: dataDir }));
    expect(again).toEqual(first);
  });

  it("starting twice at once still ends with one key per name", async () => {
    const config = loadConfig({ DATA_DIR: tmp() });
    const [a, b, c] = await Promise.all([
      resolveAlipayKeys(config),
      resolveAlipayKeys(config),
      resolveAlipayKeys(config),
    ]);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it("uses a configured app key in sandbox mode (PKCS1 base64, as Alipay's key tool prints it)", async () => {
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pkcs1Base64 = (pair.privateKey.export({ type: "pkcs1", format: "der" }) as Buffer).toString("base64");
    const keys = await resolveAlipayKeys(loadConfig({ DATA_DIR: tmp(), ALIPAY_PRIVATE_KEY: pkcs1Base64 }));
    expect(keys.source).toEqual({ app: "configured", alipay: "generated" });
    expect(keys.appPublicKey).toBe(pair.publicKey.export({ type: "spki", format: "pem" }));
    expect(keys.appPrivateKey).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });
});

describe("configured keys outside sandbox mode", () => {
  it("names both missing variables", async () => {
    const config = loadConfig({ DATA_DIR: tmp(), SANDBOX_VENDORS: "false" });
    await expect(resolveAlipayKeys(config)).rejects.toThrow(/ALIPAY_PRIVATE_KEY and ALIPAY_PUBLIC_KEY/);
    const onlyPrivate = loadConfig({
      DATA_DIR: tmp(),
      SANDBOX_VENDORS: "false",
      ALIPAY_PRIVATE_KEY: generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
        type: "pkcs8",
        format: "pem",
      }) as string,
    });
    await expect(resolveAlipayKeys(onlyPrivate)).rejects.toThrow(/needs ALIPAY_PUBLIC_KEY when/);
  });

  it("reads PEMs with escaped newlines and generates nothing", async () => {
    const app = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const alipay = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const escaped = (pem: string) => pem.trim().replace(/\n/g, "\\n");
    const dataDir = tmp();
    const keys = await resolveAlipayKeys(
      loadConfig({
        DATA_DIR: dataDir,
        SANDBOX_VENDORS: "false",
        ALIPAY_PRIVATE_KEY: escaped(app.privateKey.export({ type: "pkcs1", format: "pem" }) as string),
        ALIPAY_PUBLIC_KEY: escaped(alipay.publicKey.export({ type: "spki", format: "pem" }) as string),
      }),
    );
    expect(keys.sandboxAlipayPrivateKey).toBeNull();
    expect(keys.alipayPublicKey).toBe(alipay.publicKey.export({ type: "spki", format: "pem" }));
    expect(keys.appPublicKey).toBe(createPublicKey(app.privateKey).export({ type: "spki", format: "pem" }));
    expect(fs.existsSync(path.join(dataDir, "sandbox-keys"))).toBe(false);
  });

  it("says which variable is unreadable without echoing it", () => {
    expect(() => readPrivateKey("bm90LWEta2V5LXNlY3JldA==", "ALIPAY_PRIVATE_KEY")).toThrow(
      /^ALIPAY_PRIVATE_KEY is not a readable RSA private key/,
    );
    try {
      readPrivateKey("bm90LWEta2V5LXNlY3JldA==", "ALIPAY_PRIVATE_KEY");
    } catch (err) {
      expect((err as Error).message).not.toContain("bm90LWEta2V5");
    }
  });
});

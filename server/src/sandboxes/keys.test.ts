import { createPrivateKey, createSign, createVerify } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../config";
import { configuredWechatPayKeys } from "../integrations/wechat-pay/keys";
import { WechatPayVerifier } from "../integrations/wechat-pay/signing";
import { sandboxVendorKeys } from "./keys";
import { seedSandboxKeys, spareKeyPair } from "./testing/keys";

/** Key generation itself: the one place the tests generate sandbox keys instead of using the run's. */

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

describe("Alipay sandbox key pairs", () => {
  it("generates two RSA-2048 pairs once, keeps them under DATA_DIR/sandbox-keys and reuses them", {
    timeout: 60_000,
  }, async () => {
    const dataDir = tmp();
    const config = loadConfig({ WARMLINE_DEV: "true", DATA_DIR: dataDir });
    const first = await sandboxVendorKeys(config).alipaySandbox();
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
    expect(createPrivateKey(first.client.appPrivateKey).asymmetricKeyDetails?.modulusLength).toBe(2048);

    // the client's private key pairs with what the sandbox verifies; the sandbox's with what the client trusts
    expect(matches(first.client.appPrivateKey, first.client.appPublicKey)).toBe(true);
    expect(matches(first.alipayPrivateKey, first.client.alipayPublicKey)).toBe(true);
    expect(first.client.appPublicKey).not.toBe(first.client.alipayPublicKey);
    expect(first.client.source).toEqual({ app: "generated", alipay: "generated" });

    const again = await sandboxVendorKeys(loadConfig({ WARMLINE_DEV: "true", DATA_DIR: dataDir })).alipaySandbox();
    expect(again).toEqual(first);
  });

  it("starting twice at once still ends with one key per name", { timeout: 60_000 }, async () => {
    const config = loadConfig({ WARMLINE_DEV: "true", DATA_DIR: tmp() });
    // three processes starting at once: each with its own key source
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => sandboxVendorKeys(config).alipaySandbox()));
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it("uses a configured app key in sandbox mode (PKCS1 base64, as Alipay's key tool prints it)", async () => {
    const pair = spareKeyPair(0);
    const pkcs1Base64 = (pair.privateKey.export({ type: "pkcs1", format: "der" }) as Buffer).toString("base64");
    // the run's generated keys are there too: the configured one wins
    const dataDir = tmp();
    seedSandboxKeys(dataDir);
    const keys = await sandboxVendorKeys(
      loadConfig({ WARMLINE_DEV: "true", DATA_DIR: dataDir, ALIPAY_PRIVATE_KEY: pkcs1Base64 }),
    ).alipay();
    expect(keys.source).toEqual({ app: "configured", alipay: "generated" });
    expect(keys.appPublicKey).toBe(pair.publicKey.export({ type: "spki", format: "pem" }));
    expect(keys.appPrivateKey).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });
});

describe("WeChat Pay sandbox keys", () => {
  it("generates sandbox keys once, reuses them, and serves configured keys outside sandbox mode", {
    timeout: 60_000,
  }, async () => {
    const dir = tmp();
    const c = loadConfig({ WARMLINE_DEV: "true", DATA_DIR: dir });
    // two processes starting at once, then a restart: each with its own key source
    const [a, b] = await Promise.all([
      sandboxVendorKeys(c).wechatPaySandbox(),
      sandboxVendorKeys(c).wechatPaySandbox(),
    ]);
    const again = await sandboxVendorKeys(c).wechatPaySandbox();
    for (const k of [b, again]) {
      expect(k.client.merchantSerial).toBe(a.client.merchantSerial);
      expect(k.client.apiV3Key).toBe(a.client.apiV3Key);
      expect(k.platform.serial).toBe(a.platform.serial);
      expect(k.client.wechatpayPublicKey?.id).toBe(a.client.wechatpayPublicKey?.id);
    }
    expect(a.client.apiV3Key).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(a.client.merchantSerial).toMatch(/^[0-9A-F]{40}$/);
    expect(a.client.wechatpayPublicKey?.id).toMatch(/^PUB_KEY_ID_011900000001\d{16}$/);
    expect(a.publicKey.serial).toBe(a.client.wechatpayPublicKey?.id);
    expect(a.client.source).toEqual({
      merchant: "generated",
      apiV3Key: "generated",
      platform: "generated",
      publicKey: "generated",
    });
    const keyDir = path.join(dir, "sandbox-keys");
    expect(fs.readFileSync(path.join(keyDir, ".gitignore"), "utf8")).toBe("*\n");
    expect((fs.statSync(path.join(keyDir, "wechatpay-platform.pem")).mode & 0o777).toString(8)).toBe("600");

    // the generated files are what a production set-up would configure
    const real = loadConfig({
      WARMLINE_DEV: "true",
      DATA_DIR: tmp(),
      SANDBOX_VENDORS: "false",
      WECHATPAY_MERCHANT_PRIVATE_KEY: fs.readFileSync(path.join(keyDir, "wechatpay-merchant.pem"), "utf8"),
      WECHATPAY_MERCHANT_SERIAL: a.client.merchantSerial,
      WECHATPAY_APIV3_KEY: a.client.apiV3Key,
      WECHATPAY_PLATFORM_CERTS: fs
        .readFileSync(path.join(keyDir, "wechatpay-platform-cert.pem"), "utf8")
        .replace(/\n/g, "\\n"),
    });
    const k = configuredWechatPayKeys(real);
    expect(k.merchantSerial).toBe(a.client.merchantSerial);
    expect([...k.platformCerts.keys()]).toEqual([a.platform.serial]);
    expect(k.wechatpayPublicKey).toBeNull();
    expect(new WechatPayVerifier(k.platformCerts, null).keyFor(a.platform.serial)).not.toBeNull();
  });
});

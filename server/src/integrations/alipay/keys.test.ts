import { createPublicKey } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../config";
import { spareKeyPair } from "../../sandboxes/testing/keys";
import { configuredAlipayKeys, readPrivateKey } from "./keys";

const dirs: string[] = [];
function tmp() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warmline-keys-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe("configured keys outside sandbox mode", () => {
  it("names both missing variables", () => {
    const config = loadConfig({ WARMLINE_DEV: "true", DATA_DIR: tmp(), SANDBOX_VENDORS: "false" });
    expect(() => configuredAlipayKeys(config)).toThrow(/ALIPAY_PRIVATE_KEY and ALIPAY_PUBLIC_KEY/);
    const onlyPrivate = loadConfig({
      WARMLINE_DEV: "true",
      DATA_DIR: tmp(),
      SANDBOX_VENDORS: "false",
      ALIPAY_PRIVATE_KEY: spareKeyPair(0).privateKey.export({
        type: "pkcs8",
        format: "pem",
      }) as string,
    });
    expect(() => configuredAlipayKeys(onlyPrivate)).toThrow(/needs ALIPAY_PUBLIC_KEY when/);
  });

  it("reads PEMs with escaped newlines and generates nothing", () => {
    const app = spareKeyPair(0);
    const alipay = spareKeyPair(1);
    const escaped = (pem: string) => pem.trim().replace(/\n/g, "\\n");
    const dataDir = tmp();
    const keys = configuredAlipayKeys(
      loadConfig({
        WARMLINE_DEV: "true",
        DATA_DIR: dataDir,
        SANDBOX_VENDORS: "false",
        ALIPAY_PRIVATE_KEY: escaped(app.privateKey.export({ type: "pkcs1", format: "pem" }) as string),
        ALIPAY_PUBLIC_KEY: escaped(alipay.publicKey.export({ type: "spki", format: "pem" }) as string),
      }),
    );
    expect(keys.source).toEqual({ app: "configured", alipay: "configured" });
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

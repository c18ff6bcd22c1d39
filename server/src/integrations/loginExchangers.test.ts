import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config";
import { createSandboxApp, sandboxVendorKeys } from "../sandboxes";
import { seedSandboxKeys } from "../sandboxes/testing/keys";
import { createLoginExchangers } from "./loginExchangers";
import { configuredVendorKeys } from "./vendorKeys";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "warmline-exchangers-"));
seedSandboxKeys(dataDir);
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer(createSandboxApp(loadConfig({ WARMLINE_DEV: "true", DATA_DIR: dataDir })).callback());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function mint(provider: "wechat" | "alipay", body: Record<string, string>): Promise<string> {
  const res = await fetch(`${base}/sandbox/${provider}/test/codes`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return ((await res.json()) as { code: string }).code;
}

describe("createLoginExchangers", () => {
  it("in sandbox mode with nothing configured, both clients sign in against the sandboxes", async () => {
    const config = loadConfig({ WARMLINE_DEV: "true", DATA_DIR: dataDir, PUBLIC_URL: base });
    const login = await createLoginExchangers(config, sandboxVendorKeys(config));
    expect(await login.wechat.exchange(await mint("wechat", { openid: "o_cfg" }))).toMatchObject({
      provider: "wechat",
      subject: "o_cfg",
    });
    expect(await login.alipay.exchange(await mint("alipay", { userId: "2088000000000077" }))).toMatchObject({
      provider: "alipay",
      subject: "2088000000000077",
    });
  });

  it("outside sandbox mode refuses to start without the Alipay keys, naming them", async () => {
    const config = loadConfig({
      WARMLINE_DEV: "true",
      DATA_DIR: dataDir,
      SANDBOX_VENDORS: "false",
      WECHAT_API_BASE: "https://api.weixin.qq.com",
      ALIPAY_GATEWAY: "https://openapi.alipay.com/gateway.do",
    });
    await expect(createLoginExchangers(config, configuredVendorKeys(config))).rejects.toThrow(
      /ALIPAY_PRIVATE_KEY and ALIPAY_PUBLIC_KEY/,
    );
  });

  it("outside sandbox mode refuses endpoints that still point at the disabled sandbox", async () => {
    const config = loadConfig({ WARMLINE_DEV: "true", DATA_DIR: dataDir, SANDBOX_VENDORS: "false" });
    await expect(createLoginExchangers(config, configuredVendorKeys(config))).rejects.toThrow(
      /WECHAT_API_BASE .* and ALIPAY_GATEWAY/,
    );
  });
});

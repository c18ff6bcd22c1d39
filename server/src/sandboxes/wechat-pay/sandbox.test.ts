import { X509Certificate } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config";
import { createSandboxApp } from "../index";
import { seedSandboxKeys, spareKeyPair } from "../testing/keys";
import { NotificationDispatcher, WECHAT_RETRY_SCHEDULE_S } from "./notifications";
import { createSelfSignedCertificate } from "./x509";

/** The WeChat Pay sandbox's own parts; the client against it: integrations/wechat-pay/*.test.ts. */

const tmpDirs: string[] = [];
const tmp = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warmline-wxpay-sandbox-"));
  tmpDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

describe("self-signed certificates (sandbox platform certificate)", () => {
  it("are valid X.509 that node reads back: serial, subject, signature", () => {
    const { privateKey, publicKey } = spareKeyPair(0);
    const serial = Buffer.from("F157F09EFDC096DE15EBE81A47057A7232F1B8E1", "hex"); // high bit set
    const pem = createSelfSignedCertificate({
      privateKey,
      publicKey,
      subject: { C: "CN", O: "财付通支付科技有限公司", CN: "Tenpay.com Root CA" },
      serial,
      notBefore: new Date("2025-01-01T00:00:00Z"),
      notAfter: new Date("2055-01-01T00:00:00Z"), // GeneralizedTime after 2049
    });
    const cert = new X509Certificate(pem);
    expect(cert.serialNumber.toUpperCase().replace(/^0+/, "")).toBe("F157F09EFDC096DE15EBE81A47057A7232F1B8E1");
    expect(cert.subject).toContain("O=财付通支付科技有限公司");
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.verify(publicKey)).toBe(true);
    expect(cert.checkPrivateKey(privateKey)).toBe(true);
    expect(new Date(cert.validTo).getUTCFullYear()).toBe(2055);
  });
});

describe("notification retries", () => {
  it("follow WeChat's 15-step schedule and then give up", async () => {
    expect(WECHAT_RETRY_SCHEDULE_S.reduce((a, b) => a + b, 0)).toBe(86_640); // about 24 hours
    let hits = 0;
    const always500 = http.createServer((_req, res) => {
      hits++;
      res.writeHead(500).end();
    });
    await new Promise<void>((r) => always500.listen(0, "127.0.0.1", () => r()));
    const url = `http://127.0.0.1:${(always500.address() as AddressInfo).port}/n`;
    const dispatcher = new NotificationDispatcher({ retryScale: 0.00001 });
    try {
      const { delivery } = dispatcher.dispatch({
        url,
        notificationId: "n1",
        event: "TRANSACTION.SUCCESS",
        outTradeNo: "WL1",
        body: "{}",
        sign: () => ({ "content-type": "application/json" }),
      });
      const until = Date.now() + 10_000;
      while (delivery.state === "pending" && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      expect(delivery.state).toBe("gave_up");
      expect(delivery.attempts).toHaveLength(1 + WECHAT_RETRY_SCHEDULE_S.length);
      expect(hits).toBe(16);
    } finally {
      dispatcher.reset();
      always500.closeAllConnections();
      await new Promise((r) => always500.close(r));
    }
  });
});

describe("mounting", () => {
  it("mountSandboxes serves the WeChat Pay sandbox under /sandbox/wechatpay", { timeout: 60_000 }, async () => {
    const dataDir = tmp();
    seedSandboxKeys(dataDir);
    const app = createSandboxApp(loadConfig({ WARMLINE_DEV: "true", DATA_DIR: dataDir }));
    const server = http.createServer(app.callback());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const page = await fetch(`${base}/sandbox/wechatpay/cashier?prepay_id=wx_unknown`);
      expect(page.status).toBe(404);
      expect(await page.text()).toContain("订单不存在或已失效");
      const api = await fetch(`${base}/sandbox/wechatpay/v3/pay/transactions/out-trade-no/WL0001?mchid=1900000001`);
      expect(api.status).toBe(401);
      expect(await api.json()).toMatchObject({ code: "SIGN_ERROR" });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

/**
 * Test support for the Alipay payment tests (imported by *.test.ts only): the real sandbox mounted the
 * way app.ts mounts it (behind the app's body parser) on port 0, a notification receiver, and helpers.
 */
import { generateKeyPairSync } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import Router from "@koa/router";
import Koa from "koa";
import { type Config, loadConfig } from "../../config";
import { bodyParser } from "../../http/body";
import { type AlipayPayClient, createAlipayPayClient } from "../../integrations/alipay/alipayPay";
import type { AlipayKeys } from "../../integrations/alipay/keys";
import { mountSandboxes, type Sandboxes } from "../index";
import { type SandboxKeys, sandboxVendorKeys } from "../keys";
import { seedSandboxKeys } from "./keys";
import { closeServer, listen } from "./server";

/** A sandbox test route's answer: parsed JSON whose shape each test asserts itself. */
// biome-ignore lint/suspicious/noExplicitAny: the sandboxes' test routes answer untyped JSON; tests check what they read
export type SandboxJson = any;

export { closeServer, listen };

export interface AlipayHarness {
  base: string;
  gateway: string;
  /** the server's configuration, PUBLIC_URL pointing at the sandbox */
  config: Config;
  /** the client's keys */
  keys: AlipayKeys;
  /** the sandbox gateway's signing key ("Alipay's private key", PKCS8 PEM) */
  alipayPrivateKey: string;
  /** the key source the server would hand the clients */
  vendorKeys: SandboxKeys;
  sandboxes: Sandboxes;
  client(): Promise<AlipayPayClient>;
  /** POST JSON to a sandbox path, e.g. /sandbox/alipay/test/pay */
  post(path: string, body: unknown, method?: string): Promise<{ status: number; json: SandboxJson }>;
  close(): Promise<void>;
}

export async function startAlipaySandbox(
  opts: { notifyScale?: number; now?: () => number } = {},
): Promise<AlipayHarness> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "warmline-alipay-pay-"));
  seedSandboxKeys(dataDir);
  const app = new Koa({ proxy: true });
  const router = new Router();
  const sandboxes = mountSandboxes(router, loadConfig({ WARMLINE_DEV: "true", DATA_DIR: dataDir }), {
    now: opts.now,
    alipayNotifyScale: opts.notifyScale,
  });
  app.use(bodyParser());
  app.use(router.routes());
  app.use(router.allowedMethods());
  const server = http.createServer(app.callback());
  const base = await listen(server);
  const config = loadConfig({ WARMLINE_DEV: "true", DATA_DIR: dataDir, PUBLIC_URL: base });
  const vendorKeys = sandboxVendorKeys(config);
  const { client: keys, alipayPrivateKey } = await vendorKeys.alipaySandbox();
  await sandboxes.alipayGateway();
  return {
    base,
    gateway: config.alipay.gateway,
    config,
    keys,
    alipayPrivateKey,
    vendorKeys,
    sandboxes,
    client: () => createAlipayPayClient(config, vendorKeys),
    async post(p, body, method = "POST") {
      const res = await fetch(`${base}${p}`, {
        method,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : null };
    },
    async close() {
      sandboxes.alipayTrades.reset();
      await closeServer(server);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ReceivedRequest {
  headers: http.IncomingHttpHeaders;
  rawBody: Buffer;
  at: number;
}

/** An HTTP server standing in for our notify_url; `answer` decides each response. */
export async function startReceiver(
  answer: (req: ReceivedRequest) => Promise<{ status: number; type: string; body: string }>,
): Promise<{ url: string; received: ReceivedRequest[]; close(): Promise<void> }> {
  const received: ReceivedRequest[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const entry = { headers: req.headers, rawBody: Buffer.concat(chunks), at: Date.now() };
    received.push(entry);
    try {
      const out = await answer(entry);
      res.writeHead(out.status, { "content-type": out.type });
      res.end(out.body);
    } catch {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end("error");
    }
  });
  const url = await listen(server);
  return { url: `${url}/notify/alipay`, received, close: () => closeServer(server) };
}

/** Polls until `check` returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined | false, timeoutMs = 5000, what = "condition"): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A throwaway RSA key pair (1024 bits: only ever used to make signatures that must not verify). */
export function strangerKeys(): { privateKey: string; publicKey: string } {
  const pair = generateKeyPairSync("rsa", { modulusLength: 1024 });
  return {
    privateKey: pair.privateKey.export({ type: "pkcs8", format: "pem" }) as string,
    publicKey: pair.publicKey.export({ type: "spki", format: "pem" }) as string,
  };
}

let serial = 0;
/** A fresh out_trade_no per call. */
export function outNo(prefix = "WL"): string {
  serial += 1;
  return `${prefix}${Date.now()}${String(serial).padStart(4, "0")}${Math.floor(Math.random() * 1000)}`;
}

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
import { mountSandboxes, type Sandboxes } from "../sandbox";
import { type AlipayPayClient, createAlipayPayClient } from "./alipayPay";
import { type AlipayKeys, resolveAlipayKeys, SANDBOX_KEY_DIR } from "./keys";
import { closeServer, listen } from "../testServer";

export { closeServer, listen };

export interface AlipayHarness {
  base: string;
  gateway: string;
  /** the server's configuration, PUBLIC_URL pointing at the sandbox */
  config: Config;
  keys: AlipayKeys;
  sandboxes: Sandboxes;
  client(): Promise<AlipayPayClient>;
  /** POST JSON to a sandbox path, e.g. /sandbox/alipay/test/pay */
  post(path: string, body: unknown, method?: string): Promise<{ status: number; json: any }>;
  close(): Promise<void>;
}

const KEY_CACHE = path.join(os.tmpdir(), "warmline-alipay-test-keys-v1");

/**
 * Sandbox key pairs generated once for all test files (under a mkdir lock) and copied into each test's
 * DATA_DIR: RSA-2048 generation in every file at once starves the other test files of CPU.
 */
async function sharedSandboxKeys(): Promise<string> {
  const keyDir = path.join(KEY_CACHE, SANDBOX_KEY_DIR);
  const ready = () => ["app", "alipay"].every((n) => fs.existsSync(path.join(keyDir, `${n}-private.pem`)));
  const lock = `${KEY_CACHE}.lock`;
  const until = Date.now() + 60_000;
  while (!ready()) {
    try {
      fs.mkdirSync(lock);
    } catch {
      // another test file is generating them; a lock older than a minute was left behind by a crash
      const held = fs.statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 60_000) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() > until) throw new Error("timed out waiting for the shared Alipay test keys");
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    try {
      await resolveAlipayKeys(loadConfig({ DATA_DIR: KEY_CACHE }));
    } finally {
      fs.rmSync(lock, { recursive: true, force: true });
    }
  }
  return keyDir;
}

export async function startAlipaySandbox(
  opts: { notifyScale?: number; now?: () => number } = {},
): Promise<AlipayHarness> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "warmline-alipay-pay-"));
  const cached = await sharedSandboxKeys();
  fs.mkdirSync(path.join(dataDir, SANDBOX_KEY_DIR), { recursive: true, mode: 0o700 });
  for (const name of ["app-private.pem", "alipay-private.pem"]) {
    fs.copyFileSync(path.join(cached, name), path.join(dataDir, SANDBOX_KEY_DIR, name));
  }
  const app = new Koa({ proxy: true });
  const router = new Router();
  const sandboxes = mountSandboxes(router, loadConfig({ DATA_DIR: dataDir }), {
    now: opts.now,
    alipayNotifyScale: opts.notifyScale,
  });
  app.use(bodyParser());
  app.use(router.routes());
  app.use(router.allowedMethods());
  const server = http.createServer(app.callback());
  const base = await listen(server);
  const config = loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: base });
  const keys = await resolveAlipayKeys(config);
  await sandboxes.alipayGateway();
  return {
    base,
    gateway: config.alipay.gateway,
    config,
    keys,
    sandboxes,
    client: () => createAlipayPayClient(config),
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

import { createVerify } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { AlipaySdk } from "alipay-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config";
import { AppError } from "../../http/errors";
import { createSandboxApp, sandboxVendorKeys } from "../../sandboxes";
import { seedSandboxKeys, spareKeyPair } from "../../sandboxes/testing/keys";
import { listen } from "../../sandboxes/testing/server";
import { AlipayLogin, OAUTH_TOKEN_METHOD } from "./alipayLogin";
import type { AlipayKeys } from "./keys";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "warmline-alipay-"));
seedSandboxKeys(dataDir);
const sandboxConfig = loadConfig({ WARMLINE_DEV: "true", DATA_DIR: dataDir });
let clock = Date.now();
let sandbox: http.Server;
let base: string;
let gateway: string;
let keys: AlipayKeys;

const close = (server: http.Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

function client(overrides: Partial<ConstructorParameters<typeof AlipayLogin>[0]> = {}) {
  return new AlipayLogin({
    appId: sandboxConfig.alipay.appId,
    privateKey: keys.appPrivateKey,
    alipayPublicKey: keys.alipayPublicKey,
    gateway,
    ...overrides,
  });
}

async function mint(body: Record<string, string> = {}): Promise<{ code: string; userId: string; openId: string }> {
  const res = await fetch(`${base}/sandbox/alipay/test/codes`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { code: string; userId: string; openId: string };
}

async function failureCode(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return (err as AppError).code;
}

/** An SDK that does not verify answers, to look at what the sandbox says. */
function rawSdk(privateKey = keys.appPrivateKey, appId = sandboxConfig.alipay.appId) {
  return new AlipaySdk({ appId, privateKey, keyType: "PKCS8", gateway, camelcase: false });
}

/** A man in the middle between the client and the sandbox that rewrites answers. */
async function tamperingProxy(rewrite: (body: string) => string): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const upstream = await fetch(`${base}${req.url}`, {
      method: req.method,
      headers: { "content-type": req.headers["content-type"] ?? "" },
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    const text = await upstream.text();
    res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "text/plain" });
    res.end(rewrite(text));
  });
  const url = await listen(server);
  return { url: `${url}/sandbox/alipay/gateway.do`, server };
}

beforeAll(async () => {
  sandbox = http.createServer(createSandboxApp(sandboxConfig, { now: () => clock }).callback());
  base = await listen(sandbox);
  gateway = `${base}/sandbox/alipay/gateway.do`;
  keys = await sandboxVendorKeys(sandboxConfig).alipay();
});
afterAll(async () => {
  await close(sandbox);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("Alipay login against the sandbox gateway", () => {
  it("exchanges a minted code for the user_id through the real SDK", async () => {
    const { code } = await mint({ userId: "2088000000000001", nickname: "李四" });
    expect(await client().exchange(code)).toEqual({
      provider: "alipay",
      subject: "2088000000000001",
      unionId: null,
      nickname: "李四",
    });
  });

  it("refuses a code the second time → LOGIN_CODE_INVALID (signed isv.code-invalid)", async () => {
    const { code } = await mint();
    await client().exchange(code);
    expect(await failureCode(client().exchange(code))).toBe("LOGIN_CODE_INVALID");
  });

  it("refuses an unknown code → LOGIN_CODE_INVALID, with Alipay's error_response", async () => {
    expect(await failureCode(client().exchange("4b203fe6c11548bcabd8da5bb087a83b"))).toBe("LOGIN_CODE_INVALID");
    const raw = await rawSdk().exec(OAUTH_TOKEN_METHOD, { grant_type: "authorization_code", code: "nope" });
    expect(raw).toEqual({
      code: "40002",
      msg: "Invalid Arguments",
      sub_code: "isv.code-invalid",
      sub_msg: "授权码code无效",
    });
  });

  it("refuses an expired code", async () => {
    const { code } = await mint();
    clock += 5 * 60_000 + 1;
    try {
      expect(await failureCode(client().exchange(code))).toBe("LOGIN_CODE_INVALID");
    } finally {
      clock = Date.now();
    }
  });

  it("treats a wrong app id as our provider error (isv.invalid-app-id)", async () => {
    const { code, userId } = await mint();
    expect(await failureCode(client({ appId: "2021009999999999" }).exchange(code))).toBe("LOGIN_PROVIDER_ERROR");
    const raw = await rawSdk(keys.appPrivateKey, "2021009999999999").exec(OAUTH_TOKEN_METHOD, {
      grant_type: "authorization_code",
      code,
    });
    expect(raw.sub_code).toBe("isv.invalid-app-id");
    expect((await client().exchange(code)).subject).toBe(userId); // the code was not spent
  });

  it("rejects a request signed with another app key (isv.invalid-signature) → LOGIN_PROVIDER_ERROR", async () => {
    const other = spareKeyPair(0).privateKey.export({
      type: "pkcs8",
      format: "pem",
    }) as string;
    const { code, userId } = await mint();
    expect(await failureCode(client({ privateKey: other }).exchange(code))).toBe("LOGIN_PROVIDER_ERROR");
    const raw = await rawSdk(other).exec(OAUTH_TOKEN_METHOD, { grant_type: "authorization_code", code });
    expect(raw).toMatchObject({ code: "40002", msg: "Invalid Arguments", sub_code: "isv.invalid-signature" });
    expect((await client().exchange(code)).subject).toBe(userId);
  });

  it("answers an unknown method with isv.invalid-method", async () => {
    const raw = await rawSdk().exec("alipay.trade.nonexistent", { bizContent: { out_trade_no: "1" } });
    expect(raw).toMatchObject({ code: "40002", sub_code: "isv.invalid-method" });
  });

  it("does not believe an answer signed with another key (wrong ALIPAY_PUBLIC_KEY)", async () => {
    const stranger = spareKeyPair(1).publicKey.export({
      type: "spki",
      format: "pem",
    }) as string;
    const { code } = await mint();
    expect(await failureCode(client({ alipayPublicKey: stranger }).exchange(code))).toBe("LOGIN_PROVIDER_ERROR");
  });

  it("unreachable gateway → LOGIN_PROVIDER_ERROR", async () => {
    const server = http.createServer();
    const url = await listen(server);
    await close(server);
    expect(await failureCode(client({ gateway: `${url}/gateway.do` }).exchange("abc"))).toBe("LOGIN_PROVIDER_ERROR");
  });

  it("no answer within the timeout → LOGIN_PROVIDER_ERROR", async () => {
    const server = http.createServer(() => {});
    const url = await listen(server);
    try {
      const started = Date.now();
      expect(await failureCode(client({ gateway: `${url}/gateway.do`, timeoutMs: 300 }).exchange("abc"))).toBe(
        "LOGIN_PROVIDER_ERROR",
      );
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await close(server);
    }
  });
});

describe("Alipay answer signatures", () => {
  it("signs the exact text of the *_response value with the sandbox key (RSA-SHA256, base64)", async () => {
    const { code } = await mint({ userId: "2088000000000002" });
    const captured: string[] = [];
    const proxy = await tamperingProxy((body) => {
      captured.push(body);
      return body;
    });
    try {
      expect((await client({ gateway: proxy.url }).exchange(code)).subject).toBe("2088000000000002");
    } finally {
      await close(proxy.server);
    }
    const body = captured[0];
    const m = /^\{"alipay_system_oauth_token_response":(\{.*\}),"sign":"([A-Za-z0-9+/=]+)"\}$/.exec(body);
    expect(m).not.toBeNull();
    const [, signed, sign] = m!;
    expect(JSON.parse(signed)).toMatchObject({
      user_id: "2088000000000002",
      access_token: expect.any(String),
      expires_in: expect.any(Number),
      refresh_token: expect.any(String),
      re_expires_in: expect.any(Number),
      auth_start: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
      open_id: expect.any(String),
    });
    expect(createVerify("RSA-SHA256").update(signed, "utf8").verify(keys.alipayPublicKey, sign, "base64")).toBe(true);
  });

  it.each([
    ["a swapped user_id", (b: string) => b.replace(/"user_id":"[^"]*"/, '"user_id":"2088999999999999"')],
    [
      "a flipped byte in sign",
      (b: string) => b.replace(/"sign":"(.)/, (_m, c: string) => `"sign":"${c === "A" ? "B" : "A"}`),
    ],
    ["no sign at all", (b: string) => b.replace(/,"sign":"[^"]*"/, "")],
  ])("a tampered success answer (%s) → LOGIN_PROVIDER_ERROR", async (_name, rewrite) => {
    const { code } = await mint({ userId: "2088000000000003" });
    const proxy = await tamperingProxy(rewrite);
    try {
      expect(await failureCode(client({ gateway: proxy.url }).exchange(code))).toBe("LOGIN_PROVIDER_ERROR");
    } finally {
      await close(proxy.server);
    }
  });

  it("a forged 'code invalid' answer (bad sign) is a provider error, not a code error", async () => {
    const proxy = await tamperingProxy((b) => b.replace("授权码code无效", "授权码无效"));
    try {
      expect(await failureCode(client({ gateway: proxy.url }).exchange("unknown-code"))).toBe("LOGIN_PROVIDER_ERROR");
    } finally {
      await close(proxy.server);
    }
  });

  it("the untouched answer through the same proxy still signs in (the proxy is not the cause)", async () => {
    const { code } = await mint({ userId: "2088000000000004" });
    const proxy = await tamperingProxy((b) => b);
    try {
      expect((await client({ gateway: proxy.url }).exchange(code)).subject).toBe("2088000000000004");
      expect(await failureCode(client({ gateway: proxy.url }).exchange(code))).toBe("LOGIN_CODE_INVALID");
    } finally {
      await close(proxy.server);
    }
  });
});

import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config";
import { AppError } from "../../http/errors";
import { logger, setLogger } from "../../lib/logger";
import { createSandboxApp } from "../../sandboxes";
import { WechatMiniProgramLogin } from "./wechatLogin";
import { listen } from "../../sandboxes/testing/server";

const originalLogger = logger;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "warmline-wechat-"));
let clock = Date.now();
let sandbox: http.Server;
let base: string;

const close = (server: http.Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** A client configured the way the server is: PUBLIC_URL → apiBase …/sandbox/wechat */
function client(overrides: Partial<{ appId: string; secret: string; apiBase: string; timeoutMs: number }> = {}) {
  const config = loadConfig({ WARMLINE_DEV: "true", DATA_DIR: dataDir, PUBLIC_URL: base });
  return new WechatMiniProgramLogin({ ...config.wechat, ...overrides });
}

async function mint(body: Record<string, string> = {}): Promise<{ code: string; openid: string }> {
  const res = await fetch(`${base}/sandbox/wechat/test/codes`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { code: string; openid: string };
}

async function rawJscode2session(params: Record<string, string>) {
  const res = await fetch(`${base}/sandbox/wechat/sns/jscode2session?${new URLSearchParams(params)}`);
  return (await res.json()) as Record<string, unknown>;
}

async function failureCode(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return (err as AppError).code;
}

beforeAll(async () => {
  const config = loadConfig({ WARMLINE_DEV: "true", DATA_DIR: dataDir });
  sandbox = http.createServer(createSandboxApp(config, { now: () => clock }).callback());
  base = await listen(sandbox);
});
afterAll(async () => {
  await close(sandbox);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("WeChat mini-program login against the sandbox", () => {
  it("exchanges a minted code for the openid, unionid and nickname", async () => {
    const { code } = await mint({ openid: "o_resident_1", unionid: "u_resident_1", nickname: "张三" });
    expect(await client().exchange(code)).toEqual({
      provider: "wechat",
      subject: "o_resident_1",
      unionId: "u_resident_1",
      nickname: "张三",
    });
  });

  it("gives a random openid when none is asked for", async () => {
    const a = await mint();
    const b = await mint();
    expect(a.openid).not.toBe(b.openid);
    expect((await client().exchange(a.code)).subject).toBe(a.openid);
  });

  it("refuses a code the second time (40163 from the vendor, LOGIN_CODE_INVALID to us)", async () => {
    const { code } = await mint();
    await client().exchange(code);
    expect(await failureCode(client().exchange(code))).toBe("LOGIN_CODE_INVALID");
    const raw = await rawJscode2session({
      appid: "wx_sandbox_appid",
      secret: "sandbox-secret",
      js_code: code,
      grant_type: "authorization_code",
    });
    expect(raw.errcode).toBe(40163);
    expect(raw.errmsg).toMatch(/^code been used, rid: /);
  });

  it("refuses an unknown code with 40029 → LOGIN_CODE_INVALID", async () => {
    expect(await failureCode(client().exchange("0a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P"))).toBe("LOGIN_CODE_INVALID");
    const raw = await rawJscode2session({
      appid: "wx_sandbox_appid",
      secret: "sandbox-secret",
      js_code: "nope",
      grant_type: "authorization_code",
    });
    expect(raw).toMatchObject({ errcode: 40029 });
  });

  it("refuses a code older than 5 minutes", async () => {
    const { code } = await mint();
    clock += 5 * 60_000 + 1;
    try {
      expect(await failureCode(client().exchange(code))).toBe("LOGIN_CODE_INVALID");
    } finally {
      clock = Date.now();
    }
  });

  it("accepts a code just inside its 5 minutes", async () => {
    const { code, openid } = await mint();
    clock += 5 * 60_000 - 1000;
    try {
      expect((await client().exchange(code)).subject).toBe(openid);
    } finally {
      clock = Date.now();
    }
  });

  it("treats a wrong appid or secret as our provider error (40013 / 40125), without burning the code", async () => {
    const { code, openid } = await mint();
    expect(await failureCode(client({ appId: "wx_other" }).exchange(code))).toBe("LOGIN_PROVIDER_ERROR");
    expect(await failureCode(client({ secret: "wrong-secret" }).exchange(code))).toBe("LOGIN_PROVIDER_ERROR");
    expect(
      await rawJscode2session({ appid: "wx_other", secret: "x", js_code: code, grant_type: "authorization_code" }),
    ).toMatchObject({ errcode: 40013 });
    expect(
      await rawJscode2session({
        appid: "wx_sandbox_appid",
        secret: "x",
        js_code: code,
        grant_type: "authorization_code",
      }),
    ).toMatchObject({ errcode: 40125 });
    expect((await client().exchange(code)).subject).toBe(openid);
  });

  it("sends the code URL-encoded (a code cannot smuggle parameters)", async () => {
    const { code, openid } = await mint();
    expect(await failureCode(client().exchange(`${code}&appid=wx_sandbox_appid`))).toBe("LOGIN_CODE_INVALID");
    expect((await client().exchange(code)).subject).toBe(openid);
  });

  it("refuses an empty code without calling WeChat", async () => {
    expect(await failureCode(client({ apiBase: "http://127.0.0.1:9" }).exchange("  "))).toBe("LOGIN_CODE_INVALID");
  });
});

describe("WeChat login when the vendor misbehaves", () => {
  const stubs: http.Server[] = [];
  async function stub(handler: http.RequestListener): Promise<string> {
    const server = http.createServer(handler);
    stubs.push(server);
    return listen(server);
  }
  afterEach(async () => {
    for (const s of stubs.splice(0)) {
      s.closeAllConnections();
      await close(s);
    }
    setLogger(originalLogger);
  });

  it("unreachable host → LOGIN_PROVIDER_ERROR", async () => {
    const server = http.createServer();
    const url = await listen(server);
    await close(server); // the port is now closed
    expect(await failureCode(client({ apiBase: url }).exchange("abc"))).toBe("LOGIN_PROVIDER_ERROR");
  });

  it("no answer within the timeout → LOGIN_PROVIDER_ERROR", async () => {
    const url = await stub(() => {
      /* never answers */
    });
    const started = Date.now();
    expect(await failureCode(client({ apiBase: url, timeoutMs: 300 }).exchange("abc"))).toBe("LOGIN_PROVIDER_ERROR");
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it.each([
    ["system busy (-1)", 200, '{"errcode":-1,"errmsg":"system error"}'],
    ["quota (45011)", 200, '{"errcode":45011,"errmsg":"api minute-quota reach limit"}'],
    ["an HTML error page", 200, "<html>502 Bad Gateway</html>"],
    ["HTTP 502", 502, '{"openid":"o","session_key":"k"}'],
    ["an answer without session_key", 200, '{"openid":"o_x"}'],
    ["a JSON array", 200, "[]"],
  ])("%s → LOGIN_PROVIDER_ERROR", async (_name, status, body) => {
    const url = await stub((_req, res) => {
      res.writeHead(status, { "content-type": "text/plain" });
      res.end(body);
    });
    expect(await failureCode(client({ apiBase: url }).exchange("abc"))).toBe("LOGIN_PROVIDER_ERROR");
  });

  it("follows no redirect (the URL carries the secret)", async () => {
    let followed = false;
    const elsewhere = await stub(() => {
      followed = true;
    });
    const url = await stub((_req, res) => {
      res.writeHead(302, { location: `${elsewhere}/steal` });
      res.end();
    });
    expect(await failureCode(client({ apiBase: url }).exchange("abc"))).toBe("LOGIN_PROVIDER_ERROR");
    expect(followed).toBe(false);
  });

  it("calls exactly GET /sns/jscode2session with appid, secret, js_code and grant_type", async () => {
    let seen: URL | null = null;
    let method = "";
    const url = await stub((req, res) => {
      seen = new URL(req.url ?? "/", "http://x");
      method = req.method ?? "";
      res.end('{"session_key":"c2Vzc2lvbg==","openid":"o_seen","unionid":"u_seen"}');
    });
    const identity = await client({ apiBase: `${url}/`, appId: "wx123", secret: "s3cr3t" }).exchange("c0de+/=");
    expect(identity).toEqual({ provider: "wechat", subject: "o_seen", unionId: "u_seen", nickname: null });
    expect(method).toBe("GET");
    expect(seen!.pathname).toBe("/sns/jscode2session");
    expect(Object.fromEntries(seen!.searchParams)).toEqual({
      appid: "wx123",
      secret: "s3cr3t",
      js_code: "c0de+/=",
      grant_type: "authorization_code",
    });
  });

  it("never logs the code, the secret or the session_key", async () => {
    const lines: string[] = [];
    setLogger(
      pino(
        { level: "debug" },
        new Writable({
          write(chunk, _enc, cb) {
            lines.push(String(chunk));
            cb();
          },
        }),
      ),
    );
    const secret = "very-secret-value";
    const code = "the-users-code-123";
    const url = await stub((req, res) => {
      const q = new URL(req.url ?? "/", "http://x").searchParams;
      // a vendor that echoes everything back in its error message
      res.end(
        JSON.stringify({ errcode: 45011, errmsg: `limit for ${q.get("secret")} ${q.get("js_code")} key=sk_123` }),
      );
    });
    await failureCode(client({ apiBase: url, secret }).exchange(code));
    const timedOut = await stub(() => {});
    await failureCode(client({ apiBase: timedOut, secret, timeoutMs: 100 }).exchange(code));
    const fine = await stub((_req, res) => res.end('{"openid":"o_fine","session_key":"SESSION-KEY-42"}'));
    expect((await client({ apiBase: fine, secret }).exchange(code)).subject).toBe("o_fine");
    const log = lines.join("");
    expect(log).toContain("wechat login exchange failed");
    expect(log).toContain("45011");
    expect(log).not.toContain(secret);
    expect(log).not.toContain(code);
    expect(log).not.toContain("SESSION-KEY-42");
  });
});

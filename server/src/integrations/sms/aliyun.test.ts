import { createHmac } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import Router from "@koa/router";
import Koa from "koa";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config";
import { bodyParser } from "../../http/body";
import { createSandboxApp } from "../../sandboxes";
import { AliyunSmsClient, type AliyunSmsOptions, aliyunSignature, createSmsClient, percentEncode } from "./aliyun";
import { normaliseMobile, SmsRejectedError, SmsUnavailableError } from "./provider";
import { mountSmsSandbox, SMS_SANDBOX_PATH, type SmsSandbox } from "../../sandboxes/sms/sandbox";
import { SMS_TEMPLATE_TEXTS } from "./templates";
import { closeServer, listen } from "../../sandboxes/testing/server";

const KEY_ID = "test-key-id";
const KEY_SECRET = "test-key-secret-0123";
const SIGN = "民乐县供热中心";
const PROGRESS = "SMS_100000001";
const FOLLOW_UP = "SMS_100000002";

let server: http.Server;
let base: string;
let sandbox: SmsSandbox;
const wire: { body: string; headers: Headers }[] = [];

beforeAll(async () => {
  // mounted the way app.ts mounts the sandboxes: behind the app's body parser (which parses the form)
  const app = new Koa();
  const router = new Router();
  sandbox = mountSmsSandbox(router, {
    accessKeyId: KEY_ID,
    accessKeySecret: KEY_SECRET,
    signName: SIGN,
    templates: { [PROGRESS]: SMS_TEMPLATE_TEXTS.ticket_progress, [FOLLOW_UP]: SMS_TEMPLATE_TEXTS.follow_up_due },
    slowMs: 800,
  });
  app.use(bodyParser());
  app.use(router.routes());
  server = http.createServer(app.callback());
  base = await listen(server);
});
afterAll(() => closeServer(server));
afterEach(() => {
  sandbox.reset();
  wire.length = 0;
});

function client(over: Partial<AliyunSmsOptions> = {}) {
  return new AliyunSmsClient({
    apiBase: `${base}${SMS_SANDBOX_PATH}`,
    accessKeyId: KEY_ID,
    accessKeySecret: KEY_SECRET,
    signName: SIGN,
    timeoutMs: 3000,
    fetch: async (input, init) => {
      wire.push({ body: String(init?.body ?? ""), headers: new Headers(init?.headers) });
      return fetch(input, init);
    },
    ...over,
  });
}

const progress = {
  ticketNo: "GD20261120K3F9QZ",
  status: "已派单",
  time: "2026-11-20 10:30",
  detail: "已派至城东换热站，维修人员将尽快上门，请保持电话畅通。",
};

async function caught(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e,
  );
}

async function rejected(p: Promise<unknown>): Promise<SmsRejectedError> {
  const err = await caught(p);
  expect(err).toBeInstanceOf(SmsRejectedError);
  return err as SmsRejectedError;
}

describe("signature v1", () => {
  it("matches Aliyun's documented SendSms example", () => {
    const params = {
      AccessKeyId: "testId",
      Action: "SendSms",
      Format: "XML",
      OutId: "123",
      PhoneNumbers: "15300000001",
      RegionId: "cn-hangzhou",
      SignName: "阿里云短信测试专用",
      SignatureMethod: "HMAC-SHA1",
      SignatureNonce: "45e25e9b-0a6f-4070-8c85-2956eda1b466",
      SignatureVersion: "1.0",
      TemplateCode: "SMS_71390007",
      TemplateParam: '{"customer":"test"}',
      Timestamp: "2017-07-12T02:42:19Z",
      Version: "2017-05-25",
    };
    expect(aliyunSignature("testSecret", "GET", params)).toBe("zJDF+Lrzhj/ThnlvIToysFRq6t4=");
  });

  it("percent-encodes as RFC 3986 (space %20, * %2A, ~ kept, ! ' ( ) encoded)", () => {
    expect(percentEncode("a b*c~d!e'f(g)h+i/")).toBe("a%20b%2Ac~d%21e%27f%28g%29h%2Bi%2F");
    expect(percentEncode("供热")).toBe("%E4%BE%9B%E7%83%AD");
  });
});

describe("SendSms against the sandbox", () => {
  it("sends a signed form POST; the sandbox renders the template with the signature", async () => {
    const { bizId } = await client().send("13800138000", PROGRESS, progress, "ticket:12:34:dispatched");
    expect(bizId).toMatch(/^\d{10,20}$/);

    const sent = new URLSearchParams(wire[0]!.body);
    expect(wire[0]!.headers.get("content-type")).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(sent)).toMatchObject({
      Action: "SendSms",
      Version: "2017-05-25",
      Format: "JSON",
      AccessKeyId: KEY_ID,
      SignatureMethod: "HMAC-SHA1",
      SignatureVersion: "1.0",
      PhoneNumbers: "13800138000",
      SignName: SIGN,
      TemplateCode: PROGRESS,
      OutId: "ticket:12:34:dispatched",
    });
    expect(JSON.parse(sent.get("TemplateParam") ?? "")).toEqual(progress);
    expect(sent.get("Timestamp")).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    // computed here independently: POST&%2F&encode(sorted, encoded pairs)
    const params = Object.fromEntries([...sent].filter(([k]) => k !== "Signature"));
    const canonical = Object.keys(params)
      .sort()
      .map((k) => `${percentEncode(k)}=${percentEncode(params[k] as string)}`)
      .join("&");
    const want = createHmac("sha1", `${KEY_SECRET}&`)
      .update(`POST&%2F&${percentEncode(canonical)}`)
      .digest("base64");
    expect(sent.get("Signature")).toBe(want);

    expect(sandbox.messages).toEqual([
      expect.objectContaining({
        bizId,
        phone: "13800138000",
        templateCode: PROGRESS,
        outId: "ticket:12:34:dispatched",
        text: "【民乐县供热中心】您的供热工单GD20261120K3F9QZ已派单（2026-11-20 10:30）。已派至城东换热站，维修人员将尽快上门，请保持电话畅通。详情可在“暖线”小程序中查看。",
      }),
    ]);
    const listed = (await (await fetch(`${base}/sandbox/sms/test/messages?phone=13800138000`)).json()) as {
      messages: { bizId: string }[];
    };
    expect(listed.messages.map((m) => m.bizId)).toEqual([bizId]);
  });

  it("refuses wrong credentials, a tampered body and a stale clock", async () => {
    expect(
      (await rejected(client({ accessKeySecret: "not-the-secret" }).send("13800138000", FOLLOW_UP, progress))).code,
    ).toBe("SignatureDoesNotMatch");
    expect((await rejected(client({ accessKeyId: "other" }).send("13800138000", FOLLOW_UP, progress))).code).toBe(
      "InvalidAccessKeyId.NotFound",
    );
    const tamper: typeof fetch = async (input, init) =>
      fetch(input, { ...init, body: String(init?.body).replace("13800138000", "13900139000") });
    expect((await rejected(client({ fetch: tamper }).send("13800138000", FOLLOW_UP, progress))).code).toBe(
      "SignatureDoesNotMatch",
    );
    const stale = client({ now: () => Date.now() - 3600_000 });
    expect((await rejected(stale.send("13800138000", FOLLOW_UP, progress))).code).toBe("InvalidTimeStamp.Expired");
    expect(sandbox.messages).toHaveLength(0);
  });

  it("refuses what the platform refuses: bad numbers, unknown templates, missing or long variables, another signature", async () => {
    const c = client();
    expect((await rejected(c.send("0936-4466666", PROGRESS, progress))).code).toBe("isv.MOBILE_NUMBER_ILLEGAL");
    expect((await rejected(c.send("13800138000", "SMS_999", progress))).code).toBe("isv.SMS_TEMPLATE_ILLEGAL");
    const { detail: _, ...noDetail } = progress;
    expect((await rejected(c.send("13800138000", PROGRESS, noDetail))).code).toBe("isv.TEMPLATE_MISSING_PARAMETERS");
    expect((await rejected(c.send("13800138000", PROGRESS, { ...progress, detail: "很".repeat(36) }))).code).toBe(
      "isv.PARAM_LENGTH_LIMIT",
    );
    expect((await rejected(client({ signName: "别的签名" }).send("13800138000", PROGRESS, progress))).code).toBe(
      "isv.SMS_SIGNATURE_ILLEGAL",
    );
    expect(sandbox.messages).toHaveLength(0);
  });

  it("failure injection: unavailable and throttle are transient, reject is not; slow answers time out", async () => {
    const post = (body: unknown) =>
      fetch(`${base}/sandbox/sms/test/fail-next`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await post({ mode: "nonsense" })).status).toBe(400);
    expect((await post({ mode: "unavailable" })).status).toBe(200);
    expect(await caught(client().send("13800138000", FOLLOW_UP, progress))).toBeInstanceOf(SmsUnavailableError);
    await post({ mode: "throttle" });
    expect(await caught(client().send("13800138000", FOLLOW_UP, progress))).toBeInstanceOf(SmsUnavailableError);
    await post({ mode: "reject" });
    expect((await rejected(client().send("13800138000", FOLLOW_UP, progress))).code).toBe("isv.AMOUNT_NOT_ENOUGH");
    await post({ mode: "slow", delayMs: 600 });
    const slow = await caught(client({ timeoutMs: 150 }).send("13800138000", FOLLOW_UP, progress));
    expect(slow).toBeInstanceOf(SmsUnavailableError);
    expect((slow as Error).message).toMatch(/timeout/);
    const closed = http.createServer();
    const url = await listen(closed);
    await closeServer(closed);
    expect(await caught(client({ apiBase: url }).send("13800138000", FOLLOW_UP, progress))).toBeInstanceOf(
      SmsUnavailableError,
    );
    expect((await client().send("13800138000", FOLLOW_UP, progress)).bizId).toBeTruthy();
    // the slow request was processed too (as a real platform would): one message, one slow one
    await new Promise((r) => setTimeout(r, 700));
    expect(sandbox.messages.length).toBeGreaterThanOrEqual(1);
    expect((await post({})).status).toBe(400);
    expect((await fetch(`${base}/sandbox/sms/test/reset`, { method: "POST" })).status).toBe(200);
    expect(sandbox.messages).toHaveLength(0);
  });

  it("a nonce is used once: a replayed request is refused", async () => {
    let saved: { input: string; body: string } | null = null;
    const record: typeof fetch = async (input, init) => {
      saved = { input: String(input), body: String(init?.body) };
      return fetch(input, init);
    };
    await client({ fetch: record }).send("13800138000", FOLLOW_UP, progress);
    const replay = await fetch(saved!.input, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: saved!.body,
    });
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as { Code: string }).Code).toBe("SignatureNonceUsed");
    expect(sandbox.messages).toHaveLength(1);
  });
});

describe("numbers", () => {
  it("normalises mainland mobiles and refuses the rest", () => {
    expect(normaliseMobile("138 0013 8000")).toBe("13800138000");
    expect(normaliseMobile("+86 138-0013-8000")).toBe("13800138000");
    expect(normaliseMobile("8613800138000")).toBe("13800138000");
    expect(normaliseMobile("0936-4466666")).toBeNull();
    expect(normaliseMobile("12345678901")).toBeNull();
    expect(normaliseMobile("")).toBeNull();
    expect(normaliseMobile(null)).toBeNull();
  });
});

describe("mounted by mountSandboxes, configured from the environment", () => {
  it("serves /sandbox/sms with config.sms's credentials, signature name and template codes", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "warmline-sms-"));
    const srv = http.createServer(createSandboxApp(loadConfig({ WARMLINE_DEV: "true", DATA_DIR: dataDir })).callback());
    try {
      const url = await listen(srv);
      const config = loadConfig({ WARMLINE_DEV: "true", DATA_DIR: dataDir, PUBLIC_URL: url });
      expect(config.sms.apiBase).toBe(`${url}/sandbox/sms`);
      expect(config.sms.signName).toBe("民乐县供热中心");
      const { bizId } = await createSmsClient(config).send("13800138000", config.sms.templates.follow_up_due, {
        ticketNo: "GD20261120K3F9QZ",
        time: "2026-11-20 10:30",
      });
      const listed = (await (await fetch(`${url}/sandbox/sms/test/messages`)).json()) as {
        messages: { bizId: string; text: string }[];
      };
      expect(listed.messages).toEqual([
        expect.objectContaining({
          bizId,
          text: "【民乐县供热中心】您的供热工单GD20261120K3F9QZ已于2026-11-20 10:30处理完成，问题解决了吗？请在“暖线”小程序中评价，或致电0936-4466666反馈。",
        }),
      ]);
    } finally {
      await closeServer(srv);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("outside sandbox mode points at Aliyun and needs real keys in production", () => {
    const config = loadConfig({ WARMLINE_DEV: "true", DATA_DIR: os.tmpdir(), SANDBOX_VENDORS: "false" });
    expect(config.sms.apiBase).toBe("https://dysmsapi.aliyuncs.com");
    expect(() =>
      loadConfig({
        NODE_ENV: "production",
        DATA_DIR: os.tmpdir(),
        TOKEN_SECRET: "x".repeat(40),
        PII_KEYS: `k1:${"a".repeat(64)}`,
        PII_INDEX_KEY: "b".repeat(64),
      }),
    ).toThrow(/SMS_ACCESS_KEY_ID: is required in production/);
  });
});

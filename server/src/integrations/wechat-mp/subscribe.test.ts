import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import Router from "@koa/router";
import Koa from "koa";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config";
import { bodyParser } from "../../http/body";
import { MessageRejectedError, MessageUnavailableError, type TemplateMessage } from "../messaging";
import { createSandboxApp } from "../../sandboxes";
import { mountWechatSubscribeSandbox, WechatSandboxSubscribe } from "../../sandboxes/wechat-mp/subscribe";
import { WechatSubscribeClient, type WechatSubscribeOptions, wechatFieldValue } from "./subscribe";
import { closeServer, listen } from "../../sandboxes/testing/server";

const APP_ID = "wx_test_app";
const SECRET = "test-secret-value";
const TEMPLATE = "tpl-ticket-progress";

let clock = Date.now();
let server: http.Server;
let base: string;
let sandbox: WechatSandboxSubscribe;
/** every request the client sent */
const wire: { method: string; url: string; body: string }[] = [];

beforeAll(async () => {
  // mounted the way app.ts mounts the sandboxes: behind the app's body parser
  const app = new Koa();
  const router = new Router();
  sandbox = new WechatSandboxSubscribe({ appId: APP_ID, secret: SECRET, templateIds: [TEMPLATE], now: () => clock });
  mountWechatSubscribeSandbox(router, "/sandbox/wechat", sandbox);
  app.use(bodyParser());
  app.use(router.routes());
  server = http.createServer(app.callback());
  base = await listen(server);
});
afterAll(() => closeServer(server));
afterEach(() => {
  sandbox.reset();
  wire.length = 0;
  clock = Date.now();
});

function client(over: Partial<WechatSubscribeOptions> = {}) {
  return new WechatSubscribeClient({
    appId: APP_ID,
    secret: SECRET,
    apiBase: `${base}/sandbox/wechat`,
    miniprogramState: "trial",
    timeoutMs: 2000,
    now: () => clock,
    fetch: async (input, init) => {
      wire.push({ method: init?.method ?? "GET", url: String(input), body: String(init?.body ?? "") });
      return fetch(input, init);
    },
    ...over,
  });
}

const message = (over: Partial<TemplateMessage> = {}): TemplateMessage => ({
  to: "o_resident_1",
  templateId: TEMPLATE,
  page: "pages/ticket/index?id=12",
  data: {
    character_string1: "GD20261120K3F9QZ",
    thing2: "已派单",
    time3: "2026-11-20 10:30",
    thing4: "已派至城东换热站",
  },
  ...over,
});

async function caught(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e,
  );
}

describe("WeChat subscribe messages against the sandbox", () => {
  it("gets a token, then sends {touser, template_id, page, data:{k:{value}}, miniprogram_state}", async () => {
    const outcome = await client().send(message());
    expect(outcome).toMatchObject({ status: "sent" });
    expect(outcome.status === "sent" && outcome.vendorMessageId).toMatch(/^\d+$/);

    expect(wire.map((w) => [w.method, new URL(w.url).pathname])).toEqual([
      ["POST", "/sandbox/wechat/cgi-bin/stable_token"],
      ["POST", "/sandbox/wechat/cgi-bin/message/subscribe/send"],
    ]);
    // the secret travels in the body, not in a URL a proxy might log
    expect(new URL(wire[0]!.url).search).toBe("");
    expect(JSON.parse(wire[0]!.body)).toEqual({
      grant_type: "client_credential",
      appid: APP_ID,
      secret: SECRET,
      force_refresh: false,
    });
    expect(new URL(wire[1]!.url).searchParams.get("access_token")).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(JSON.parse(wire[1]!.body)).toEqual({
      touser: "o_resident_1",
      template_id: TEMPLATE,
      page: "pages/ticket/index?id=12",
      data: {
        character_string1: { value: "GD20261120K3F9QZ" },
        thing2: { value: "已派单" },
        time3: { value: "2026-11-20 10:30" },
        thing4: { value: "已派至城东换热站" },
      },
      miniprogram_state: "trial",
      lang: "zh_CN",
    });
    expect(sandbox.messages).toEqual([
      expect.objectContaining({ touser: "o_resident_1", templateId: TEMPLATE, miniprogramState: "trial" }),
    ]);
    // and the test listing over HTTP
    const listed = (await (await fetch(`${base}/sandbox/wechat/test/messages?touser=o_resident_1`)).json()) as {
      messages: { data: Record<string, string> }[];
    };
    expect(listed.messages[0]?.data.thing2).toBe("已派单");
  });

  it("caches the token until shortly before it expires; concurrent sends share one token request", async () => {
    const c = client();
    await Promise.all([c.send(message()), c.send(message()), c.send(message())]);
    await c.send(message());
    expect(sandbox.tokensIssued).toBe(1);
    clock += 7200_000 - 4 * 60_000; // inside the 5-minute margin
    await c.send(message());
    expect(sandbox.tokensIssued).toBe(2);
    expect(sandbox.messages).toHaveLength(5);
  });

  it("two processes share the stable token: neither invalidates the other's", async () => {
    const api = client();
    const worker = client();
    await api.send(message());
    await worker.send(message({ to: "o_resident_2" }));
    await api.send(message({ to: "o_resident_3" }));
    expect(sandbox.tokensIssued).toBe(1);
    expect(await api.accessToken()).toBe(await worker.accessToken());
    // a token fetched the old way (cgi-bin/token) elsewhere does not end the stable one either
    const legacy = await fetch(
      `${base}/sandbox/wechat/cgi-bin/token?grant_type=client_credential&appid=${APP_ID}&secret=${SECRET}`,
    );
    expect(legacy.status).toBe(200);
    clock += 10 * 60_000;
    expect((await worker.send(message({ to: "o_resident_4" }))).status).toBe("sent");
    // the stable one and the legacy one: the stable token was not asked for again
    expect(sandbox.tokensIssued).toBe(2);
    expect(sandbox.messages.map((m) => m.touser)).toEqual([
      "o_resident_1",
      "o_resident_2",
      "o_resident_3",
      "o_resident_4",
    ]);
  });

  it("fetches a new token when WeChat says it expired (42001) and sends once", async () => {
    const c = client();
    await c.send(message());
    const res = await fetch(`${base}/sandbox/wechat/test/expire-tokens`, { method: "POST" });
    expect(res.status).toBe(200);
    expect((await c.send(message({ to: "o_resident_2" }))).status).toBe("sent");
    expect(sandbox.tokensIssued).toBe(2);
    expect(sandbox.messages.map((m) => m.touser)).toEqual(["o_resident_1", "o_resident_2"]);
  });

  it("43101 (refused / no consent left) set through the test hook → refused, nothing recorded", async () => {
    const hook = await fetch(`${base}/sandbox/wechat/test/refuse`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ openid: "o_refuser" }),
    });
    expect(hook.status).toBe(200);
    const outcome = await client().send(message({ to: "o_refuser" }));
    expect(outcome).toMatchObject({ status: "refused", code: "43101" });
    expect(sandbox.messages).toHaveLength(0);
    // others are not affected
    expect((await client().send(message())).status).toBe("sent");
  });

  it("cuts thing values to 20 characters (WeChat refuses longer ones with 47003)", async () => {
    const long = "您的工单已派至城东第一换热站维修一班，维修人员将尽快上门，请保持电话畅通";
    expect([...wechatFieldValue("thing4", long)]).toHaveLength(20);
    expect(wechatFieldValue("time3", long)).toBe(long);
    expect((await client().send(message({ data: { ...message().data, thing4: long } }))).status).toBe("sent");
    expect([...(sandbox.messages[0]?.data.thing4 ?? "")]).toHaveLength(20);
  });

  it("refuses bad data and unknown templates → MessageRejectedError (not retried)", async () => {
    const bad = await caught(client().send(message({ data: { ...message().data, character_string1: "工单号" } })));
    expect(bad).toBeInstanceOf(MessageRejectedError);
    expect((bad as MessageRejectedError).code).toBe("47003");
    const tpl = await caught(client().send(message({ templateId: "no-such-template" })));
    expect((tpl as MessageRejectedError).code).toBe("40037");
    const page = await caught(client().send(message({ page: "/pages/ticket/index" })));
    expect((page as MessageRejectedError).code).toBe("41030");
    expect(sandbox.messages).toHaveLength(0);
  });

  it("a wrong secret is a configuration error (40125 → MessageRejectedError), never logged", async () => {
    const err = await caught(client({ secret: "wrong-secret" }).send(message()));
    expect(err).toBeInstanceOf(MessageRejectedError);
    expect((err as MessageRejectedError).code).toBe("40125");
    expect((err as Error).message).not.toContain("wrong-secret");
    expect((await caught(client({ appId: "wx_other" }).send(message()))) as MessageRejectedError).toMatchObject({
      code: "40013",
    });
  });

  it("busy (-1), HTTP 500, a closed port and a timeout → MessageUnavailableError (retried later)", async () => {
    const c = client();
    sandbox.failNext("busy");
    expect(await caught(c.send(message()))).toBeInstanceOf(MessageUnavailableError); // on the token request
    await c.send(message());
    const fail = await fetch(`${base}/sandbox/wechat/test/fail-next`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ mode: "http_500" }),
    });
    expect(fail.status).toBe(200);
    expect(await caught(c.send(message()))).toBeInstanceOf(MessageUnavailableError);
    expect(sandbox.messages).toHaveLength(1);

    const closed = http.createServer();
    const url = await listen(closed);
    await closeServer(closed);
    expect(await caught(client({ apiBase: url }).send(message()))).toBeInstanceOf(MessageUnavailableError);
    const silent = http.createServer(() => {});
    const silentUrl = await listen(silent);
    try {
      const err = await caught(client({ apiBase: silentUrl, timeoutMs: 200 }).send(message()));
      expect(err).toBeInstanceOf(MessageUnavailableError);
      expect((err as Error).message).toMatch(/timeout/);
    } finally {
      await closeServer(silent);
    }
  });
});

describe("mounted by mountSandboxes, configured from the environment", () => {
  it("serves /sandbox/wechat/cgi-bin with config.wechat's credentials and the configured templates", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "warmline-wx-sub-"));
    const srv = http.createServer(createSandboxApp(loadConfig({ WARMLINE_DEV: "true", DATA_DIR: dataDir })).callback());
    try {
      const url = await listen(srv);
      const config = loadConfig({ WARMLINE_DEV: "true", DATA_DIR: dataDir, PUBLIC_URL: url });
      const c = new WechatSubscribeClient({
        ...config.wechat,
        miniprogramState: config.messages.wechat.miniprogramState,
      });
      const templateId = config.messages.wechat.templates.follow_up_due;
      expect((await c.send(message({ templateId }))).status).toBe("sent");
      const listed = (await (await fetch(`${url}/sandbox/wechat/test/messages`)).json()) as {
        messages: { templateId: string; miniprogramState: string }[];
      };
      expect(listed.messages).toEqual([expect.objectContaining({ templateId, miniprogramState: "formal" })]);
      expect((await fetch(`${url}/sandbox/wechat/test/messages`, { method: "DELETE" })).status).toBe(200);
    } finally {
      await closeServer(srv);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

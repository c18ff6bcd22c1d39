import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import Router from "@koa/router";
import Koa from "koa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Config, loadConfig } from "../config";
import { bodyParser } from "../http/body";
import { AlipayLogin } from "../integrations/alipay/alipayLogin";
import { WechatMiniProgramLogin } from "../integrations/wechat-mp/wechatLogin";
import { mountSandboxes } from "./index";
import { sandboxVendorKeys } from "./keys";
import { checkRedirect, withLoginResult } from "./pages";
import { seedSandboxKeys } from "./testing/keys";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "warmline-sandbox-"));
seedSandboxKeys(dataDir);
let server: http.Server;
let base: string;
let config: Config;

beforeAll(async () => {
  // mounted the way app.ts does it: behind the app's body parser, on the app's router
  const app = new Koa({ proxy: true });
  const router = new Router();
  mountSandboxes(router, loadConfig({ WARMLINE_DEV: "true", DATA_DIR: dataDir }));
  app.use(bodyParser());
  app.use(router.routes());
  server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  config = loadConfig({ WARMLINE_DEV: "true", DATA_DIR: dataDir, PUBLIC_URL: base });
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const H5_RETURN = () => `${base}/h5/#/pages/login/index?from=home`;

function pageUrl(provider: string, params: Record<string, string>) {
  return `${base}/sandbox/${provider}/h5-login?${new URLSearchParams(params)}`;
}

async function submit(provider: string, fields: Record<string, string>): Promise<Response> {
  return fetch(`${base}/sandbox/${provider}/h5-login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
}

/** Signs in through the H5 page and returns what the app page receives in its hash query. */
async function signInViaPage(provider: "wechat" | "alipay", identity: string, state = "s1") {
  const res = await submit(provider, { identity, redirect_uri: H5_RETURN(), state });
  expect(res.status).toBe(302);
  const location = res.headers.get("location") ?? "";
  const [before, hash] = location.split("#");
  expect(before).toBe(`${base}/h5/`);
  const [route, query] = hash.split("?");
  expect(route).toBe("/pages/login/index");
  return Object.fromEntries(new URLSearchParams(query));
}

const wechatClient = () => new WechatMiniProgramLogin(config.wechat);
async function alipayClient() {
  const keys = await sandboxVendorKeys(config).alipay();
  return new AlipayLogin({
    appId: config.alipay.appId,
    privateKey: keys.appPrivateKey,
    alipayPublicKey: keys.alipayPublicKey,
    gateway: config.alipay.gateway,
  });
}

describe("H5 sign-in page", () => {
  it.each([
    ["wechat", "#07C160", "微信"],
    ["alipay", "#1677FF", "支付宝"],
  ])(
    "%s: GET serves the marked, vendor-coloured page with the identity field and 确认登录",
    async (provider, color, name) => {
      const res = await fetch(pageUrl(provider, { redirect_uri: H5_RETURN(), state: "abc" }));
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      const html = await res.text();
      expect(html).toContain("沙箱登录（开发测试用）");
      expect(html).toMatch(/<input id="sandbox-identity" name="identity" type="text" value="测试用户"/);
      expect(html).toMatch(/<button type="submit">确认登录<\/button>/);
      expect(html).toContain(color);
      expect(html).toContain(`${name}授权登录`);
      expect(html).toContain('name="viewport"');
      expect(html).toContain(`action="/sandbox/${provider}/h5-login"`);
    },
  );

  it("HTML-escapes everything it echoes", async () => {
    const evil = `"><script>alert(1)</script>`;
    const res = await fetch(pageUrl("wechat", { redirect_uri: `${H5_RETURN()}&x=${evil}`, state: evil }));
    const html = await res.text();
    expect(html).not.toContain("<script>");
    expect(html).toContain("&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;");
  });

  it("POST signs in and redirects with code, provider and state inside the hash query, keeping its params", async () => {
    const q = await signInViaPage("wechat", "王五", "st-42");
    expect(q).toMatchObject({ from: "home", provider: "wechat", state: "st-42" });
    const identity = await wechatClient().exchange(q.code);
    expect(identity.subject).toMatch(/^sandbox_[0-9a-f]{20}$/);
    expect(identity.nickname).toBe("王五");
  });

  it("the same identity signs in as the same openid every time; another name is someone else", async () => {
    const a = await wechatClient().exchange((await signInViaPage("wechat", "赵六")).code);
    const b = await wechatClient().exchange((await signInViaPage("wechat", " 赵六 ")).code);
    const c = await wechatClient().exchange((await signInViaPage("wechat", "钱七")).code);
    expect(b.subject).toBe(a.subject);
    expect(b.unionId).toBe(a.unionId);
    expect(c.subject).not.toBe(a.subject);
  });

  it("Alipay: the page's code is exchanged through the gateway (behind the app's body parser) for a stable user_id", async () => {
    const client = await alipayClient();
    const first = await signInViaPage("alipay", "孙八", "x");
    expect(first.provider).toBe("alipay");
    const a = await client.exchange(first.code);
    const b = await client.exchange((await signInViaPage("alipay", "孙八")).code);
    expect(a).toMatchObject({ provider: "alipay", nickname: "孙八" });
    expect(b.subject).toBe(a.subject);
    expect((await client.exchange((await signInViaPage("alipay", "周九")).code)).subject).not.toBe(a.subject);
  });

  it("a redirect_uri without a hash gets the result in its query", async () => {
    const res = await submit("wechat", { identity: "测试用户", redirect_uri: `${base}/cb?x=1`, state: "s" });
    const location = new URL(res.headers.get("location") ?? "");
    expect(location.pathname).toBe("/cb");
    expect(location.searchParams.get("x")).toBe("1");
    expect(location.searchParams.get("provider")).toBe("wechat");
    expect(location.searchParams.get("state")).toBe("s");
    expect(location.searchParams.get("code")).toBeTruthy();
  });

  it("GET with an identity signs in too", async () => {
    const res = await fetch(pageUrl("alipay", { redirect_uri: H5_RETURN(), state: "g", identity: "测试用户" }), {
      redirect: "manual",
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toContain("provider=alipay");
  });

  it.each([
    ["a foreign host", "http://evil.example/h5/#/pages/login/index"],
    ["a look-alike host", "http://127.0.0.1.evil.example/h5/"],
    ["a scheme-relative address", "//evil.example/h5/"],
    ["javascript:", "javascript:alert(1)//127.0.0.1"],
    ["credentials", "http://evil.example@127.0.0.1/h5/"],
    ["nothing", ""],
  ])("refuses %s as redirect_uri with a 400 page and no redirect", async (_name, redirectUri) => {
    for (const res of [
      await fetch(pageUrl("wechat", { redirect_uri: redirectUri, state: "s" }), { redirect: "manual" }),
      await submit("wechat", { identity: "测试用户", redirect_uri: redirectUri, state: "s" }),
    ]) {
      expect(res.status).toBe(400);
      expect(res.headers.get("location")).toBeNull();
      expect(await res.text()).toContain("沙箱登录（开发测试用）");
    }
  });

  it("refuses an empty identity with the form again", async () => {
    const res = await submit("wechat", { identity: "   ", redirect_uri: H5_RETURN(), state: "s" });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("确认登录");
    expect(html).toContain("请输入");
  });
});

describe("redirect helpers", () => {
  it("adds to an existing hash query and replaces stale values", () => {
    const url = new URL("http://h/h5/#/pages/login/index?code=old&keep=1");
    expect(withLoginResult(url, { code: "c1", provider: "wechat", state: "s" })).toBe(
      "http://h/h5/#/pages/login/index?code=c1&keep=1&provider=wechat&state=s",
    );
    expect(
      withLoginResult(new URL("http://h/h5/#/pages/login/index"), { code: "c", provider: "alipay", state: "s" }),
    ).toBe("http://h/h5/#/pages/login/index?code=c&provider=alipay&state=s");
  });

  it("compares host names, any port, case-insensitively", () => {
    expect(checkRedirect("http://LOCALHOST:10086/h5/", { hostname: "localhost" }).ok).toBe(true);
    expect(checkRedirect("https://app.example.cn/h5/", { hostname: "app.example.cn" }).ok).toBe(true);
    expect(checkRedirect("https://app.example.cn.evil/h5/", { hostname: "app.example.cn" }).ok).toBe(false);
  });
});

describe("test code endpoints", () => {
  it("refuses a malformed request", async () => {
    const res = await fetch(`${base}/sandbox/wechat/test/codes`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ openid: 42 }),
    });
    expect(res.status).toBe(400);
  });
});

describe("mountSandboxes", () => {
  it("refuses to mount when sandbox vendors are off", () => {
    const off = loadConfig({ WARMLINE_DEV: "true", DATA_DIR: dataDir, SANDBOX_VENDORS: "false" });
    expect(() => mountSandboxes(new Router(), off)).toThrow(/SANDBOX_VENDORS=false/);
  });
});

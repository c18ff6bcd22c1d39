import Router from "@koa/router";
import Koa, { type Context } from "koa";
import { z } from "zod";
import type { Config } from "../config";
import { logger } from "../lib/logger";
import { jsonInput, readText } from "./sandboxBody";
import { resolveAlipayKeys } from "./alipay/keys";
import { AlipaySandboxGateway } from "./alipay/sandboxGateway";
import { AlipaySandboxMessages, mountAlipayMessageSandbox } from "./alipay/sandboxMessages";
import { AlipaySandboxOAuth } from "./alipay/sandboxOAuth";
import { mountAlipayPaySandbox } from "./alipay/sandboxPayRoutes";
import { AlipaySandboxTrades } from "./alipay/sandboxTrade";
import { type EInvoiceSandbox, mountEInvoiceSandbox } from "./e-invoice/sandbox";
import { mountSmsSandbox, type SmsSandbox } from "./sms/sandbox";
import { SMS_TEMPLATE_TEXTS } from "./sms/templates";
import { WechatSandboxLogin } from "./wechat-mp/sandboxLogin";
import { mountWechatSubscribeSandbox, WechatSandboxSubscribe } from "./wechat-mp/sandboxSubscribe";
import { mountWechatPaySandbox } from "./wechat-pay/sandboxRoutes";

/**
 * Local stand-ins for the vendors' sign-in services, for development and tests (SANDBOX_VENDORS=true):
 *   /sandbox/wechat/sns/jscode2session   WeChat's code → openid exchange
 *   /sandbox/alipay/gateway.do           Alipay's OpenAPI 2.0 gateway (method table: oauth.token, trade.*, bill)
 *   /sandbox/alipay/cashier              Alipay's H5 cashier stand-in; /sandbox/alipay/test/* drives payments
 *   /sandbox/{wechat,alipay}/h5-login    a sign-in page for the H5 build, standing in for the vendor's
 *   /sandbox/{wechat,alipay}/test/codes  mint a login code for a chosen identity (tests, scripts)
 *   /sandbox/wechatpay/…                 WeChat Pay API v3 and its cashier (see wechat-pay/sandboxRoutes.ts)
 *   /sandbox/einvoice/open/v1/services   the e-invoice platform (Nuonuo-style open API); /sandbox/einvoice/test/*
 *                                        injects failures, lists and resets invoices (see e-invoice/sandbox.ts)
 *   /sandbox/wechat/cgi-bin/…            access token and subscribe messages (wechat-mp/sandboxSubscribe.ts)
 *   alipay.open.app.mini.templatemessage.send on the Alipay gateway, /sandbox/alipay/test/messages
 *   /sandbox/sms/                        the SMS platform (Aliyun SendSms style, sms/sandbox.ts)
 * Anyone who can reach these can sign in as anyone: they must never be mounted in production.
 */
export const SANDBOX_PATHS = {
  wechat: "/sandbox/wechat",
  alipay: "/sandbox/alipay",
  einvoice: "/sandbox/einvoice",
  sms: "/sandbox/sms",
} as const;

/** the vendors with a sign-in page */
type Provider = "wechat" | "alipay";

export interface SandboxOptions {
  /** clock for code expiry (tests) */
  now?: () => number;
  /** lifetime of issued codes; 5 minutes by default */
  codeTtlMs?: number;
  /** multiplies the Alipay sandbox's notification retry delays; config.alipay.sandboxNotifyScale by default */
  alipayNotifyScale?: number;
  /** how long the e-invoice sandbox keeps an invoice "issuing"; 300 ms by default */
  einvoiceResultDelayMs?: number;
}

export interface Sandboxes {
  wechat: WechatSandboxLogin;
  alipayOAuth: AlipaySandboxOAuth;
  /** the Alipay payment sandbox's trades, notifications and bills */
  alipayTrades: AlipaySandboxTrades;
  /** the Alipay gateway, created on first use (its key pairs may have to be generated first) */
  alipayGateway(): Promise<AlipaySandboxGateway>;
  /** the e-invoice platform: its invoices, deliveries and failure injection */
  einvoice: EInvoiceSandbox;
  /** WeChat subscribe messages sent, refusals, token expiry */
  wechatSubscribe: WechatSandboxSubscribe;
  /** Alipay template messages sent, refusals */
  alipayMessages: AlipaySandboxMessages;
  /** the SMS platform: messages sent, failure injection */
  sms: SmsSandbox;
}

/** Mounts the sandboxes on the app's router, under /sandbox/{wechat,alipay,wechatpay,einvoice}. */
export function mountSandboxes(router: Router, config: Config, opts: SandboxOptions = {}): Sandboxes {
  if (!config.sandboxVendors) throw new Error("mountSandboxes called with SANDBOX_VENDORS=false");
  const wechat = new WechatSandboxLogin({ ...config.wechat, ...opts });
  const alipayOAuth = new AlipaySandboxOAuth({ appId: config.alipay.appId, ...opts });
  const alipayTrades = new AlipaySandboxTrades({
    appId: config.alipay.appId,
    sellerId: config.alipay.sellerId ?? "2088000000000001",
    now: opts.now,
    notifyScale: opts.alipayNotifyScale ?? config.alipay.sandboxNotifyScale,
    billPath: `${SANDBOX_PATHS.alipay}/bill/download`,
    publicUrl: config.publicUrl,
  });
  const alipayMessages = new AlipaySandboxMessages({
    templateIds: Object.values(config.messages.alipay.templates),
    now: opts.now,
  });
  let gateway: Promise<AlipaySandboxGateway> | null = null;
  const alipayGateway = () => {
    gateway ??= createGateway(config, alipayOAuth, alipayTrades, alipayMessages).catch((err: unknown) => {
      gateway = null;
      throw err;
    });
    return gateway;
  };
  const W = SANDBOX_PATHS.wechat;
  const A = SANDBOX_PATHS.alipay;

  router.get(`${W}/sns/jscode2session`, (ctx) => {
    ctx.set("Cache-Control", "no-store");
    // WeChat sends this answer as text/plain; clients must not rely on the content type
    ctx.type = "text/plain; charset=utf-8";
    ctx.body = JSON.stringify(wechat.jscode2session(new URLSearchParams(ctx.querystring)));
  });

  const gatewayRoute = async (ctx: Context) => {
    const params = Object.fromEntries(new URLSearchParams(ctx.querystring));
    if (ctx.method === "POST" && ctx.request.is("application/x-www-form-urlencoded")) {
      for (const [k, v] of new URLSearchParams(await readText(ctx))) if (!(k in params)) params[k] = v;
    }
    const text = await (await alipayGateway()).handle(params, { origin: `${ctx.protocol}://${ctx.host}` });
    ctx.set("Cache-Control", "no-store");
    ctx.type = "application/json; charset=utf-8";
    ctx.body = text;
  };
  router.post(`${A}/gateway.do`, gatewayRoute);
  router.get(`${A}/gateway.do`, gatewayRoute);

  mountAlipayPaySandbox(router, A, { trades: alipayTrades, ready: alipayGateway });
  mountAlipayMessageSandbox(router, A, alipayMessages);

  const wechatSubscribe = new WechatSandboxSubscribe({
    appId: config.wechat.appId,
    secret: config.wechat.secret,
    templateIds: Object.values(config.messages.wechat.templates),
    now: opts.now,
  });
  mountWechatSubscribeSandbox(router, W, wechatSubscribe);

  router.post(`${W}/test/codes`, async (ctx) => {
    const input = await jsonInput(ctx, WechatCodeRequest);
    if (!input) return;
    const { code, user } = wechat.issueCode(input);
    ctx.body = { code, openid: user.openid };
  });
  router.post(`${A}/test/codes`, async (ctx) => {
    const input = await jsonInput(ctx, AlipayCodeRequest);
    if (!input) return;
    const { code, user } = alipayOAuth.issueCode(input);
    ctx.body = { code, userId: user.userId, openId: user.openId };
  });

  const issue = (provider: Provider, identity: string) =>
    provider === "wechat"
      ? wechat.issueCode(wechat.userFor(identity)).code
      : alipayOAuth.issueCode(alipayOAuth.userFor(identity)).code;
  for (const provider of ["wechat", "alipay"] as const) {
    const path = `${SANDBOX_PATHS[provider]}/h5-login`;
    router.get(path, (ctx) => h5Login(ctx, provider, path, ctx.query, false, issue));
    router.post(path, async (ctx) => {
      const form = ctx.request.is("application/x-www-form-urlencoded")
        ? Object.fromEntries(new URLSearchParams(await readText(ctx)))
        : {};
      h5Login(ctx, provider, path, { ...ctx.query, ...form }, true, issue);
    });
  }

  mountWechatPaySandbox(router, config, { now: opts.now });
  // the e-invoice sandbox keeps the real clock: its requests carry the client's real timestamps
  const einvoice = mountEInvoiceSandbox(router, {
    appKey: config.einvoice.appKey,
    appSecret: config.einvoice.appSecret,
    accessToken: config.einvoice.accessToken,
    sellerTaxId: config.invoices.seller.taxId,
    resultDelayMs: opts.einvoiceResultDelayMs,
  });
  // the SMS sandbox keeps the real clock: requests carry the client's real timestamps
  const sms = mountSmsSandbox(router, {
    accessKeyId: config.sms.accessKeyId,
    accessKeySecret: config.sms.accessKeySecret,
    signName: config.sms.signName,
    templates: {
      [config.sms.templates.ticket_progress]: SMS_TEMPLATE_TEXTS.ticket_progress,
      [config.sms.templates.follow_up_due]: SMS_TEMPLATE_TEXTS.follow_up_due,
    },
  });
  return { wechat, alipayOAuth, alipayTrades, alipayGateway, einvoice, wechatSubscribe, alipayMessages, sms };
}

/** A Koa app serving only the sandboxes, for running them on their own port (tests, scripts). */
export function createSandboxApp(config: Config, opts: SandboxOptions = {}): Koa {
  const app = new Koa();
  const router = new Router();
  mountSandboxes(router, config, opts);
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

async function createGateway(
  config: Config,
  oauth: AlipaySandboxOAuth,
  trades: AlipaySandboxTrades,
  messages: AlipaySandboxMessages,
): Promise<AlipaySandboxGateway> {
  const keys = await resolveAlipayKeys(config);
  if (!keys.sandboxAlipayPrivateKey) throw new Error("the Alipay sandbox needs its generated key pair");
  if (keys.source.alipay === "configured") {
    logger.warn(
      "ALIPAY_PUBLIC_KEY is configured: answers of the local Alipay sandbox (signed with its own key) will not verify",
    );
  }
  const gateway = new AlipaySandboxGateway({
    appId: config.alipay.appId,
    appPublicKey: keys.appPublicKey,
    alipayPrivateKey: keys.sandboxAlipayPrivateKey,
  });
  oauth.registerOn(gateway);
  trades.registerOn(gateway, keys.sandboxAlipayPrivateKey);
  messages.registerOn(gateway);
  return gateway;
}

// ---- test code minting -------------------------------------------------------------------------

const id64 = z.string().trim().min(1).max(64);
const WechatCodeRequest = z.object({ openid: id64.optional(), unionid: id64.optional(), nickname: id64.optional() });
const AlipayCodeRequest = z.object({ userId: id64.optional(), nickname: id64.optional() });

// ---- H5 sign-in page ---------------------------------------------------------------------------

const VENDOR = {
  wechat: { name: "微信", color: "#07C160", dark: "#06AD56", mark: "微", subject: "openid" },
  alipay: { name: "支付宝", color: "#1677FF", dark: "#0E5FD8", mark: "支", subject: "user_id" },
} as const;

const DEFAULT_IDENTITY = "测试用户";
const MAX_IDENTITY = 32;
const MAX_STATE = 512;

type Query = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * GET shows the page; POST (or GET with `identity`) signs in: derives a stable user from the identity
 * name, issues a code and redirects to redirect_uri with code, provider and state added — inside the
 * hash when redirect_uri has one (the H5 build uses hash routing).
 */
function h5Login(
  ctx: Context,
  provider: Provider,
  action: string,
  q: Query,
  submit: boolean,
  issue: (provider: Provider, identity: string) => string,
): void {
  ctx.set("Cache-Control", "no-store");
  ctx.set(
    "Content-Security-Policy",
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
  );
  const rawRedirect = one(q.redirect_uri) ?? "";
  const state = one(q.state) ?? "";
  const redirect = checkRedirect(rawRedirect, ctx);
  if (!redirect.ok || state.length > MAX_STATE) {
    ctx.status = 400;
    ctx.type = "text/html; charset=utf-8";
    ctx.body = page(
      provider,
      `<div class="card"><p class="error">${escapeHtml(redirect.ok ? "state 参数过长" : redirect.reason)}</p></div>`,
    );
    return;
  }
  const submitted = one(q.identity);
  if (submitted === undefined && !submit) {
    ctx.type = "text/html; charset=utf-8";
    ctx.body = page(provider, form(provider, action, rawRedirect, state, DEFAULT_IDENTITY));
    return;
  }
  const identity = (submitted ?? "").normalize("NFC").trim();
  if (!identity || [...identity].length > MAX_IDENTITY) {
    ctx.status = 400;
    ctx.type = "text/html; charset=utf-8";
    ctx.body = page(
      provider,
      form(
        provider,
        action,
        rawRedirect,
        state,
        identity || DEFAULT_IDENTITY,
        `请输入 1–${MAX_IDENTITY} 个字的测试身份名称`,
      ),
    );
    return;
  }
  const code = issue(provider, identity);
  ctx.redirect(withLoginResult(redirect.url, { code, provider, ...(state ? { state } : {}) }));
}

type RedirectCheck = { ok: true; url: URL } | { ok: false; reason: string };

/** Only http(s) addresses on the host this page was requested from (any port): no open redirect. */
export function checkRedirect(raw: string, ctx: Pick<Context, "hostname">): RedirectCheck {
  const refuse = (reason: string): RedirectCheck => ({ ok: false, reason });
  if (!raw) return refuse("缺少 redirect_uri 参数");
  if (raw.length > 2048) return refuse("redirect_uri 过长");
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse("redirect_uri 不是完整的网址");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return refuse("redirect_uri 只能是 http(s) 地址");
  if (url.username || url.password) return refuse("redirect_uri 不能包含用户名或密码");
  if (!ctx.hostname || url.hostname.toLowerCase() !== ctx.hostname.toLowerCase()) {
    return refuse("回跳地址无效：只允许返回本站（与本页同一主机）的地址");
  }
  return { ok: true, url };
}

/**
 * Adds the sign-in result to a redirect address: into the query inside the hash when there is a hash
 * (`…/h5/#/pages/login/index?x=1` → `…#/pages/login/index?x=1&code=…`), else into the normal query.
 */
export function withLoginResult(target: URL, result: Record<string, string>): string {
  const url = new URL(target);
  if (url.hash) {
    const fragment = url.hash.slice(1);
    const at = fragment.indexOf("?");
    const route = at < 0 ? fragment : fragment.slice(0, at);
    const params = new URLSearchParams(at < 0 ? "" : fragment.slice(at + 1));
    for (const [k, v] of Object.entries(result)) params.set(k, v);
    url.hash = `${route}?${params}`;
  } else {
    for (const [k, v] of Object.entries(result)) url.searchParams.set(k, v);
  }
  return url.toString();
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function form(
  provider: Provider,
  action: string,
  redirectUri: string,
  state: string,
  identity: string,
  error?: string,
) {
  const v = VENDOR[provider];
  const target = new URL(redirectUri);
  return `<form class="card" method="post" action="${escapeHtml(action)}">
  ${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}
  <label for="sandbox-identity">测试身份名称</label>
  <input id="sandbox-identity" name="identity" type="text" value="${escapeHtml(identity)}" maxlength="${MAX_IDENTITY}" required autocomplete="off" enterkeyhint="go">
  <p class="hint">同一名称每次都登录为同一位居民（${v.subject} 由名称推导）；换一个名称即可模拟另一位居民。</p>
  <input type="hidden" name="redirect_uri" value="${escapeHtml(redirectUri)}">
  <input type="hidden" name="state" value="${escapeHtml(state)}">
  <button type="submit">确认登录</button>
  <p class="target">登录后返回 ${escapeHtml(target.host)}</p>
</form>`;
}

function page(provider: Provider, content: string): string {
  const v = VENDOR[provider];
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="robots" content="noindex">
<title>${v.name}沙箱登录（开发测试用）</title>
<style>
*{box-sizing:border-box}
body{margin:0;min-height:100vh;background:#f5f6f7;color:#1f2329;font:16px/1.5 -apple-system,BlinkMacSystemFont,"PingFang SC","Hiragino Sans GB","Microsoft YaHei",sans-serif}
.banner{background:#fff7e6;color:#ad4e00;border-bottom:1px solid #ffd591;padding:8px 16px;font-size:14px;text-align:center;font-weight:600}
header{background:${v.color};color:#fff;text-align:center;padding:28px 16px 40px}
.mark{width:60px;height:60px;margin:0 auto 12px;border-radius:50%;background:#fff;color:${v.color};font-size:28px;font-weight:700;line-height:60px}
h1{margin:0;font-size:21px;font-weight:600}
header p{margin:6px 0 0;font-size:14px;opacity:.9}
main{max-width:440px;margin:-24px auto 0;padding:0 16px 32px}
.card{background:#fff;border-radius:12px;padding:20px 16px;box-shadow:0 2px 12px rgba(0,0,0,.06)}
label{display:block;font-size:14px;color:#646a73;margin-bottom:8px}
input[type=text]{width:100%;font-size:17px;padding:12px;border:1px solid #dee0e3;border-radius:8px;background:#fff;color:inherit}
input[type=text]:focus{outline:2px solid ${v.color};border-color:transparent}
.hint{font-size:13px;color:#8f959e;margin:8px 0 20px}
button{width:100%;font-size:17px;padding:13px;border:0;border-radius:8px;background:${v.color};color:#fff;font-weight:600;cursor:pointer}
button:active{background:${v.dark}}
.error{margin:0 0 16px;padding:10px 12px;border-radius:8px;background:#fff1f0;color:#cf1322;font-size:14px}
.target{margin:14px 0 0;font-size:12px;color:#8f959e;text-align:center;word-break:break-all}
</style>
</head>
<body>
<div class="banner" role="note">沙箱登录（开发测试用）· 不连接真实的${v.name}</div>
<header><div class="mark" aria-hidden="true">${v.mark}</div><h1>${v.name}授权登录</h1><p>暖线供热服务 申请获取你的${v.name}身份</p></header>
<main>
${content}
</main>
</body>
</html>`;
}

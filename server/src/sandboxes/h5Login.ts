import type Router from "@koa/router";
import type { Context } from "koa";
import { SANDBOX_PATHS } from "../integrations/sandboxPaths";
import { checkRedirect, escapeHtml, withLoginResult } from "./pages";
import { readText } from "./sandboxBody";

/** the vendors with a sign-in page */
type Provider = "wechat" | "alipay";

/**
 * The H5 sign-in page of a vendor, /sandbox/{wechat,alipay}/h5-login, standing in for the vendor's: the
 * H5 build sends residents here, and the page returns them with a login code `issue` minted for the
 * identity they typed.
 */
export function mountH5Login(router: Router, provider: Provider, issue: (identity: string) => string): void {
  const path = `${SANDBOX_PATHS[provider]}/h5-login`;
  router.get(path, (ctx) => h5Login(ctx, provider, path, ctx.query, false, issue));
  router.post(path, async (ctx) => {
    const form = ctx.request.is("application/x-www-form-urlencoded")
      ? Object.fromEntries(new URLSearchParams(await readText(ctx)))
      : {};
    h5Login(ctx, provider, path, { ...ctx.query, ...form }, true, issue);
  });
}

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
  issue: (identity: string) => string,
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
  const code = issue(identity);
  ctx.redirect(withLoginResult(redirect.url, { code, provider, ...(state ? { state } : {}) }));
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

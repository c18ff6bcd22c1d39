import type { Context } from "koa";

/** Helpers shared by the sandboxes' HTML pages (sign-in, cashiers). */

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

import { createHash } from "node:crypto";
import type { Context, Next } from "koa";
import helmet from "koa-helmet";

/**
 * The policy of everything that is not one of our pages (the API, files, assets): nothing may load, and
 * nothing may frame it. Pages set their own (appPolicy below; the landing page and the sandbox pages theirs).
 */
const API_DIRECTIVES = {
  defaultSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

/** one year, the usual value for a site served over HTTPS only */
const HSTS_MAX_AGE_S = 365 * 24 * 3600;

/**
 * Security headers on every answer (helmet): a Content-Security-Policy, X-Frame-Options DENY,
 * X-Content-Type-Options nosniff, Referrer-Policy same-origin, Cross-Origin-Opener/Resource-Policy
 * same-origin and the rest of helmet's defaults; Strict-Transport-Security only on requests that came over
 * HTTPS (directly, or through a proxy that TRUST_PROXY names and that says so in X-Forwarded-Proto).
 */
export function securityHeaders() {
  const headers = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: API_DIRECTIVES },
    strictTransportSecurity: false,
    // the apps load only their own files; nothing needs cross-origin isolation
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: "same-origin" },
    xFrameOptions: { action: "deny" },
  });
  const hsts = helmet.strictTransportSecurity({ maxAge: HSTS_MAX_AGE_S, includeSubDomains: true });
  return async (ctx: Context, next: Next) => {
    if (ctx.secure) return headers(ctx, () => hsts(ctx, next));
    return headers(ctx, next);
  };
}

/** sha256 sources of a page's inline scripts (<script> without src), for its script-src */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const [, attrs = "", body = ""] = m;
    if (/\ssrc\s*=/i.test(` ${attrs}`) || body === "") continue;
    hashes.push(`'sha256-${createHash("sha256").update(body, "utf8").digest("base64")}'`);
  }
  return hashes;
}

/**
 * The Content-Security-Policy of a built single-page app (the H5 mini-program, the console): scripts only
 * from its own origin plus the inline scripts of its index.html by hash; styles from its own origin and
 * inline (Ant Design and Taro set styles at run time; styles cannot run code); images also as data: and
 * blob: (chosen photos before upload); API calls to its own origin only; no plugins; never framed.
 */
export function appPolicy(indexHtml: string): string {
  return [
    "default-src 'self'",
    ["script-src 'self'", ...inlineScriptHashes(indexHtml)].join(" "),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "media-src 'self' blob:",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** the policy of a page with inline styles and no scripts at all (landing page, sandbox pages) */
export const STATIC_PAGE_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

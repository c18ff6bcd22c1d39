import fs from "node:fs";
import path from "node:path";
import type { Context, Next } from "koa";
import send from "koa-send";
import { appPolicy, STATIC_PAGE_POLICY } from "./securityHeaders";

/** the app's Content-Security-Policy from its index.html, read again whenever the build changes */
function policyOf(indexFile: string): () => string {
  let cached: { mtimeMs: number; policy: string } | null = null;
  return () => {
    const { mtimeMs } = fs.statSync(indexFile);
    if (cached?.mtimeMs !== mtimeMs) cached = { mtimeMs, policy: appPolicy(fs.readFileSync(indexFile, "utf8")) };
    return cached.policy;
  };
}

/**
 * Serves a built single-page client under a URL prefix. Unknown paths without a file extension fall back
 * to index.html (client-side routing). A missing build answers a Chinese hint instead of a bare 404.
 * The page carries the app's Content-Security-Policy (securityHeaders.ts appPolicy).
 */
export function serveClient(prefix: string, root: string, title: string) {
  const policy = policyOf(path.join(root, "index.html"));
  return async (ctx: Context, next: Next) => {
    if (ctx.method !== "GET" && ctx.method !== "HEAD") return next();
    if (ctx.path === prefix) return ctx.redirect(`${prefix}/`);
    if (!ctx.path.startsWith(`${prefix}/`)) return next();
    if (!fs.existsSync(path.join(root, "index.html"))) {
      ctx.status = 503;
      ctx.type = "html";
      ctx.body = `<!doctype html><meta charset="utf-8"><title>${title}</title><p>${title}尚未构建。请在项目根目录运行 <code>pnpm build</code> 后重试。</p>`;
      return;
    }
    const rel = decodeURIComponent(ctx.path.slice(prefix.length + 1)) || "index.html";
    const isAsset = path.extname(rel) !== "";
    // bundlers put a content hash in these names (Vite: assets/name-AbC123xy.js; Taro: js/app.1a2b3c4d.js)
    const hashed = isAsset && (rel.startsWith("assets/") || /[.-][0-9A-Za-z_-]{8,}\.[a-z0-9]+$/.test(rel));
    try {
      await send(ctx, isAsset ? rel : "index.html", {
        root,
        maxage: hashed ? 365 * 24 * 3600 * 1000 : 0,
        immutable: hashed,
      });
    } catch (err) {
      if ((err as { status?: number }).status === 404) {
        ctx.status = 404;
        ctx.body = "Not Found";
        return;
      }
      throw err;
    }
    // the app's page: at its own address (/h5/, /h5/index.html) and for client-side routes
    if (!isAsset || rel === "index.html") {
      ctx.set("Cache-Control", "no-cache");
      ctx.set("Content-Security-Policy", policy());
    }
  };
}

/** Landing page at / with links to both apps. */
export function landingPage(ctx: Context, next: Next) {
  if (ctx.path !== "/" || ctx.method !== "GET") return next();
  ctx.set("Content-Security-Policy", STATIC_PAGE_POLICY);
  ctx.type = "html";
  ctx.body = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>暖线 · 民乐县供热服务平台</title>
<style>body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:640px;margin:48px auto;padding:0 16px;color:#333}h1{color:#d9480f}a{display:block;margin:12px 0;font-size:18px;color:#d9480f}</style></head>
<body><h1>暖线 · 民乐县供热服务平台</h1><p>居民缴费、报修与供热服务，工作人员热线、工单与收费管理。</p>
<a href="/h5/">居民端（H5 小程序）</a><a href="/console/">工作人员管理台</a><a href="/api/v1/openapi.json">接口文档（OpenAPI）</a><a href="/api/v1/health">健康检查</a></body></html>`;
}

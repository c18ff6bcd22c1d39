import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import Koa from "koa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trustProxy } from "./proxy";
import { appPolicy, inlineScriptHashes, securityHeaders } from "./securityHeaders";
import { landingPage, serveClient } from "./static";

const INLINE = "(() => { document.documentElement.style.fontSize = '20px'; })();";
const root = fs.mkdtempSync(path.join(os.tmpdir(), "warmline-csp-"));
const servers: http.Server[] = [];
let plain = "";
let behindProxy = "";

async function start(trust: boolean): Promise<string> {
  const app = new Koa();
  if (trust) trustProxy(app, { mode: "hops", hops: 1 });
  app.use(securityHeaders());
  app.use(landingPage);
  app.use(serveClient("/h5", root, "居民端 H5"));
  app.use((ctx) => {
    ctx.body = { ok: true };
  });
  const server = http.createServer(app.callback());
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  fs.writeFileSync(
    path.join(root, "index.html"),
    `<!doctype html><html><head><script>${INLINE}</script><script defer src="/h5/js/app.1a2b3c4d.js"></script></head><body><div id="app"></div></body></html>`,
  );
  fs.mkdirSync(path.join(root, "js"));
  fs.writeFileSync(path.join(root, "js/app.1a2b3c4d.js"), "console.log(1)");
  plain = await start(false);
  behindProxy = await start(true);
});
afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  fs.rmSync(root, { recursive: true, force: true });
});

const directives = (csp: string | null) =>
  new Map(
    (csp ?? "")
      .split(";")
      .map((d) => d.trim().split(/\s+/) as [string, ...string[]])
      .map(([k, ...v]) => [k, v]),
  );

describe("security headers", () => {
  it("the API: nothing loads, nothing frames it, no sniffing, same-origin referrers", async () => {
    const res = await fetch(`${plain}/api/v1/health`);
    const csp = directives(res.headers.get("content-security-policy"));
    expect(csp.get("default-src")).toEqual(["'none'"]);
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
    expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    expect(res.headers.get("strict-transport-security")).toBeNull(); // plain HTTP
  });

  it("an app page allows its own files and its inline script by hash only, and is never framed", async () => {
    for (const p of ["/h5/", "/h5/pages/home"]) {
      const res = await fetch(`${plain}${p}`);
      expect(res.status).toBe(200);
      const csp = directives(res.headers.get("content-security-policy"));
      const hash = `'sha256-${createHash("sha256").update(INLINE).digest("base64")}'`;
      expect(csp.get("script-src")).toEqual(["'self'", hash]);
      expect(csp.get("script-src")).not.toContain("'unsafe-inline'");
      expect(csp.get("script-src")).not.toContain("'unsafe-eval'");
      expect(csp.get("default-src")).toEqual(["'self'"]);
      expect(csp.get("object-src")).toEqual(["'none'"]);
      expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
    expect(inlineScriptHashes('<script src="/a.js"></script><script type="module">x()</script>')).toHaveLength(1);
    expect(appPolicy("<p>no scripts</p>")).toMatch(/script-src 'self';/);
    const landing = await fetch(`${plain}/`);
    expect(directives(landing.headers.get("content-security-policy")).get("script-src")).toBeUndefined();
    expect(directives(landing.headers.get("content-security-policy")).get("default-src")).toEqual(["'none'"]);
  });

  it("sends HSTS only over HTTPS: through a trusted proxy that says so, never on a client's word", async () => {
    const https = { "x-forwarded-proto": "https" };
    expect(
      (await fetch(`${plain}/api/v1/health`, { headers: https })).headers.get("strict-transport-security"),
    ).toBeNull();
    const viaProxy = await fetch(`${behindProxy}/api/v1/health`, { headers: https });
    expect(viaProxy.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
    const page = await fetch(`${behindProxy}/h5/`, { headers: https });
    expect(page.headers.get("strict-transport-security")).toMatch(/^max-age=31536000/);
  });
});

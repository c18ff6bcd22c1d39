import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/browser";
import { freePort, ROOT, type ServerProcess, startServerProcess } from "../support/process";

/** Issue 10 at the process level: safe defaults, file permissions, and the apps under their CSP. */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "warmline-hardening-"));
const dataDir = path.join(tmp, "data"); // does not exist yet: the server creates it
let server: ServerProcess;
let browser: Browser;
let closeBrowser: (() => Promise<void>) | undefined;

beforeAll(async () => {
  server = await startServerProcess({ DATA_DIR: dataDir, SEED_DEMO: "true" }); // WARMLINE_DEV=true, like npm start
  const b = await launchBrowser();
  browser = b.browser;
  closeBrowser = b.close;
});
afterAll(async () => {
  await closeBrowser?.();
  await server?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** `node server/src/main.ts` with nothing but the given environment (no NODE_ENV, no WARMLINE_DEV). */
async function bareStart(env: Record<string, string>) {
  const port = await freePort();
  const proc = spawn(process.execPath, ["--import", "tsx", "server/src/main.ts", "all"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout?.on("data", (d) => (out += d));
  proc.stderr?.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => proc.on("exit", (code) => r(code)));
  const outcome = await Promise.race([exited, new Promise<"running">((r) => setTimeout(() => r("running"), 30_000))]);
  if (outcome === "running") {
    proc.kill("SIGKILL");
    await exited;
  }
  return { outcome, output: out };
}

describe("safe defaults (issue 10.3)", () => {
  it("a bare `node server/src/main.ts` runs the production rules: no public development secrets, no sandboxes", async () => {
    const bare = await bareStart({ DATA_DIR: path.join(tmp, "bare") });
    expect(bare.outcome, bare.output).toBe(1);
    expect(bare.output).toMatch(/configuration error: TOKEN_SECRET: is required in production \(missing\)/);
    expect(bare.output).toMatch(/configuration error: PII_KEYS: is required in production/);
    expect(bare.output).not.toMatch(/DEVELOPMENT MODE/);
    const sandboxes = await bareStart({ DATA_DIR: path.join(tmp, "bare"), SANDBOX_VENDORS: "true" });
    expect(sandboxes.outcome).toBe(1);
    expect(sandboxes.output).toMatch(/SANDBOX_VENDORS: must not be enabled in production/);
    // NODE_ENV=development alone is not enough either: only WARMLINE_DEV=true turns the development defaults on
    const nodeEnv = await bareStart({ DATA_DIR: path.join(tmp, "bare"), NODE_ENV: "development" });
    expect(nodeEnv.outcome).toBe(1);
    expect(nodeEnv.output).toMatch(/TOKEN_SECRET: is required in production/);
  });

  it("the development defaults (npm start, the tests) print a loud banner", () => {
    expect(server.output()).toMatch(/开发模式 \/ DEVELOPMENT MODE \(WARMLINE_DEV=true\)/);
    expect(server.output()).toMatch(/Never run a real deployment like this/);
  });
});

describe("file permissions (issue 10.7)", () => {
  it("the data folder is 0700 and the SQLite database with its WAL files 0600", () => {
    const mode = (p: string) => (fs.statSync(p).mode & 0o777).toString(8);
    expect(mode(dataDir)).toBe("700");
    for (const f of ["warmline.sqlite", "warmline.sqlite-wal", "warmline.sqlite-shm"]) {
      expect(mode(path.join(dataDir, f)), f).toBe("600");
    }
    for (const f of fs.readdirSync(dataDir, { recursive: true }) as string[]) {
      expect(fs.statSync(path.join(dataDir, f)).mode & 0o077, f).toBe(0); // nothing in it for others
    }
  });
});

/** Collects CSP violations of a page (the listener is installed before any of the page's own scripts). */
async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript({
    content: `window.__csp = [];
      document.addEventListener("securitypolicyviolation", (e) =>
        window.__csp.push(e.effectiveDirective + " " + e.blockedURI + " " + e.sourceFile + ":" + e.lineNumber));`,
  });
  const messages: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) messages.push(m.text());
  });
  return async () => {
    const inPage = (await page.evaluate("window.__csp || []")) as string[];
    // zod probes whether eval is allowed (new Function in a try) and falls back: not a failure
    return [
      ...inPage.filter((v) => !/^script-src eval /.test(v)),
      ...messages.filter((m) => !/evaluat\w* a string as JavaScript/i.test(m)),
    ];
  };
}

describe("the apps under their Content-Security-Policy (issue 10.6)", () => {
  it("the H5 app loads, signs in through the sandbox and shows its home page with no violation", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: "zh-CN" });
    const violations = await watchCsp(page);
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const res = await page.goto(`${server.url}/h5/`);
    const csp = res?.headers()["content-security-policy"] ?? "";
    expect(csp).toMatch(/script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')*;/);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    await page.locator(".page-login").waitFor();
    await page.getByText("微信登录", { exact: true }).click();
    await page.waitForURL(/\/sandbox\/wechat\/h5-login/);
    await page.fill("#sandbox-identity", "CSP测试居民");
    await page.getByText("确认登录", { exact: true }).click();
    await page.locator(".page-home").waitFor();
    await page.getByText("您还没有绑定供热户号").waitFor();
    expect(await violations()).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("the console loads, signs in and shows the account desk with no violation", async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 860 }, locale: "zh-CN" });
    const violations = await watchCsp(page);
    const res = await page.goto(`${server.url}/console/`);
    expect(res?.headers()["content-security-policy"]).toMatch(/frame-ancestors 'none'/);
    await page.waitForURL(/\/console\/login/);
    await page.fill("#username", "hotline_agent");
    await page.fill("#password", "Warmline@2026");
    await page.getByRole("button", { name: "登录" }).click();
    await page.waitForURL(/\/console\/accounts/);
    await page.fill("#account-search", "1010110101");
    await page.getByRole("button", { name: "查询" }).click();
    await page.locator("tr", { hasText: "1010110101" }).first().click();
    await page.locator(".account-detail", { hasText: "金山花园" }).waitFor();
    expect(await violations()).toEqual([]);
    await page.close();
  });

  it("no page of ours can be framed by another site", async () => {
    for (const p of ["/", "/h5/", "/console/", "/api/v1/health"]) {
      const res = await fetch(`${server.url}${p}`);
      expect(res.headers.get("content-security-policy"), p).toMatch(/frame-ancestors 'none'/);
      expect(res.headers.get("x-frame-options"), p).toBe("DENY");
    }
  });
});

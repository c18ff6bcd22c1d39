import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { launchBrowser } from "./browser";
import { type ServerProcess, startServerProcess } from "./process";

/**
 * For a browser test file: the product on its embedded default (own process, empty data folder, demo
 * county) and a headless Chromium, started before the tests and stopped after them.
 */
export function useProductAndBrowser(): { server: ServerProcess; browser: Browser } {
  const ctx = {} as { server: ServerProcess; browser: Browser };
  let closeBrowser: (() => Promise<void>) | undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "warmline-e2e-"));
  beforeAll(async () => {
    ctx.server = await startServerProcess({ DATA_DIR: dataDir, SEED_DEMO: "true" });
    const b = await launchBrowser();
    ctx.browser = b.browser;
    closeBrowser = b.close;
  });
  afterAll(async () => {
    await closeBrowser?.();
    await ctx.server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  return ctx;
}

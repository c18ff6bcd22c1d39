import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { launchBrowser } from "./browser";
import { type ServerProcess, startServerProcess } from "./process";

/**
 * For a browser test file: the product on its embedded default (own process, empty data folder, demo
 * county) and a headless Chromium, started before the tests and stopped after them. `env` adds or
 * overrides the server's settings (e.g. quiet hours away from the hour the test runs at).
 */
export function useProductAndBrowser(env: Record<string, string> = {}): { server: ServerProcess; browser: Browser } {
  const ctx = {} as { server: ServerProcess; browser: Browser };
  let closeBrowser: (() => Promise<void>) | undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "warmline-e2e-"));
  beforeAll(async () => {
    ctx.server = await startServerProcess({ DATA_DIR: dataDir, SEED_DEMO: "true", ...env });
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

/** Sign in to the H5 mini-program through the WeChat sandbox and bind an account by owner name. */
export async function residentWithAccount(
  page: Page,
  baseUrl: string,
  identity: string,
  accountNo: string,
  ownerName: string,
): Promise<void> {
  await page.goto(`${baseUrl}/h5/`);
  await page.locator(".page-login").waitFor();
  await page.getByText("微信登录", { exact: true }).click();
  await page.waitForURL(/\/sandbox\/wechat\/h5-login/);
  await page.fill("#sandbox-identity", identity);
  await page.getByText("确认登录", { exact: true }).click();
  await page.locator(".page-home").waitFor();
  await page.getByText("绑定户号", { exact: true }).click();
  await page.locator(".page-bind").waitFor();
  await page.fill("#accountNo", accountNo);
  await page.fill("#factorValue", ownerName);
  await page.getByText("绑定", { exact: true }).click();
  await page.locator(".page-accounts .account-card", { hasText: accountNo }).waitFor();
}

/**
 * Picks an option of an antd Select: opens it and waits for the option in the visible dropdown, opening it
 * again when a click on a still-animating modal did not open it (seen on a loaded machine).
 */
export async function chooseOption(page: Page, select: Locator, text: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await select.click({ force: true });
    const option = page.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option", {
      hasText: text,
    });
    try {
      await option.first().waitFor({ timeout: 5_000 });
      await option.first().click();
      return;
    } catch (err) {
      if (attempt >= 3) throw err;
      await page.keyboard.press("Escape");
    }
  }
}

import path from "node:path";
import { describe, expect, it } from "vitest";
import { ARTIFACTS } from "../support/browser";
import { useProductAndBrowser } from "../support/e2e";

const ctx = useProductAndBrowser();

describe("resident H5 mini-program", () => {
  it("signs in through the WeChat sandbox page and binds an account", async () => {
    // a phone-sized page, as the mini-program runs
    const page = await ctx.browser.newPage({
      viewport: { width: 390, height: 844 },
      locale: "zh-CN",
      deviceScaleFactor: 2,
    });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${ctx.server.url}/h5/`);
    await page.locator(".page-login").waitFor();
    await page.getByText("微信登录", { exact: true }).click();

    await page.waitForURL(/\/sandbox\/wechat\/h5-login/);
    await page.fill("#sandbox-identity", "端到端测试居民");
    await page.getByText("确认登录", { exact: true }).click();

    await page.locator(".page-home").waitFor();
    await page.getByText("您还没有绑定供热户号").waitFor();
    await page.getByText("绑定户号", { exact: true }).click();

    await page.locator(".page-bind").waitFor();
    await page.fill("#accountNo", "1010110101");
    await page.fill("#factorValue", "王建");
    await page.getByText("绑定", { exact: true }).click();
    await page.getByText(/户号或验证信息不正确.*还可尝试 4 次/).waitFor();

    await page.fill("#factorValue", "王建国");
    await page.getByText("绑定", { exact: true }).click();
    await page.locator(".page-accounts .account-card", { hasText: "1010110101" }).waitFor();
    await page.waitForTimeout(600); // Taro H5 slides the new page in
    await page.screenshot({ path: path.join(ARTIFACTS, "miniapp-accounts.png") });

    // a title bar with the page's name (and the tab's title); a back button once there is somewhere to go back to
    expect(await page.locator(".taro-navigation-bar-show .taro-navigation-bar-title").textContent()).toBe("我的户号");
    expect(await page.title()).toBe("我的户号");
    await page.locator(".page-accounts .account-card", { hasText: "1010110101" }).click();
    await page.locator(".page-account").waitFor();
    await page.waitForTimeout(600);
    expect(await page.locator(".taro-navigation-bar-show .taro-navigation-bar-title").textContent()).toBe("户号详情");
    await page.screenshot({ path: path.join(ARTIFACTS, "miniapp-account-titlebar.png") });
    await page.locator(".taro-navigation-bar-show .taro-navigation-bar-back").click();
    await page.locator(".page-accounts").waitFor();
    const icon = await fetch(`${ctx.server.url}/h5/favicon.ico`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get("content-type")).toContain("icon");

    // the bound account is the resident's: the API says so too
    const token = await page.evaluate(() => {
      // runs in the page: the browser's localStorage (this file is type-checked without the DOM library)
      const store = (globalThis as unknown as { localStorage: Record<string, string> }).localStorage;
      for (const k of Object.keys(store)) {
        const v = store[k] ?? "";
        const m = /"(eyJ[^"]+)"/.exec(v) ?? /^(eyJ\S+)$/.exec(v);
        if (m) return m[1];
      }
      return null;
    });
    expect(token).toBeTruthy();
    const mine = await (
      await fetch(`${ctx.server.url}/api/v1/me/accounts`, { headers: { authorization: `Bearer ${token}` } })
    ).json();
    expect((mine as { items: { accountNo: string }[] }).items.map((a) => a.accountNo)).toEqual(["1010110101"]);
    expect(errors).toEqual([]);
    await page.close();
  });
});

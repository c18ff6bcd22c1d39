import path from "node:path";
import { describe, expect, it } from "vitest";
import { ARTIFACTS } from "../support/browser";
import { useProductAndBrowser } from "../support/e2e";

const ctx = useProductAndBrowser();

describe("staff console", () => {
  it("a hotline agent signs in, finds an account by 户号 and opens it (masked)", async () => {
    const page = await ctx.browser.newPage({ viewport: { width: 1366, height: 860 }, locale: "zh-CN" });
    await page.goto(`${ctx.server.url}/console/`);
    await page.waitForURL(/\/console\/login/);
    await page.fill("#username", "hotline_agent");
    await page.fill("#password", "wrong-password");
    await page.getByRole("button", { name: "登录" }).click();
    await page
      .getByText(/用户名或密码错误/)
      .first()
      .waitFor();

    await page.fill("#password", "Warmline@2026");
    await page.getByRole("button", { name: "登录" }).click();
    await page.waitForURL(/\/console\/accounts/);

    await page.fill("#account-search", "1010110101");
    await page.getByRole("button", { name: "查询" }).click();
    const row = page.locator("tr", { hasText: "1010110101" }).first();
    await row.waitFor();
    expect(await row.textContent()).toContain("王*国");
    expect(await row.textContent()).toContain("138****1234");
    await row.click();
    await page.locator(".account-detail", { hasText: "金山花园" }).waitFor();
    const detail = await page.locator(".account-detail").textContent();
    expect(detail).toContain("1010110101");
    expect(detail).toContain("金山花园");
    expect(detail).not.toContain("13893641234");
    await page.screenshot({ path: path.join(ARTIFACTS, "console-account-detail.png"), fullPage: true });
    await page.close();
  });
});

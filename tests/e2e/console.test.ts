import path from "node:path";
import type { Browser, Page } from "playwright-core";
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
    expect(await row.textContent()).toContain("138********");
    await row.click();
    await page.locator(".account-detail", { hasText: "金山花园" }).waitFor();
    const detail = await page.locator(".account-detail").textContent();
    expect(detail).toContain("1010110101");
    expect(detail).toContain("金山花园");
    expect(detail).not.toContain("13893641234");
    await page.screenshot({ path: path.join(ARTIFACTS, "console-account-detail.png"), fullPage: true });
    await page.close();
  });

  it("every list fits a 1440×900 screen beside the menu: no table scrolls sideways, for the role that uses it", async () => {
    // role → the pages it works on; each is loaded once, measured and photographed
    const desks: Record<string, string[]> = {
      hotline_agent: ["/accounts?q=1010110", "/hotline", "/follow-ups"],
      dispatcher: ["/sla-board", "/reports/service"],
      cashier: ["/payments", "/invoices"],
      supervisor: ["/payments/flagged", "/reconciliation", "/seasons", "/audit", "/alerts"],
    };
    const overflowing: string[] = [];
    for (const [role, paths] of Object.entries(desks)) {
      const page = await signIn(ctx.browser, role);
      for (const p of paths) {
        await page.goto(`${ctx.server.url}/console${p}`);
        overflowing.push(...(await measure(page, `${role}${p}`)));
      }
      await page.close();
    }

    // one account's tabs (bills, payments, invoices and titles) and the cashier's bills, as a cashier
    const page = await signIn(ctx.browser, "cashier");
    await page.goto(`${ctx.server.url}/console/accounts?q=1010110101`);
    await page.locator("tr", { hasText: "1010110101" }).first().click();
    await page.waitForURL(/\/console\/accounts\/\d+$/);
    const accountId = page.url().split("/").pop();
    overflowing.push(...(await measure(page, "cashier/account-bills")));
    for (const [tab, name] of [
      ["缴费记录", "payments"],
      ["发票", "invoices"],
    ]) {
      await page.getByRole("tab", { name: tab }).click();
      overflowing.push(...(await measure(page, `cashier/account-${name}`)));
    }
    await page.goto(`${ctx.server.url}/console/cashier?account=${accountId}`);
    overflowing.push(...(await measure(page, "cashier/cashier")));
    await page.close();

    expect(overflowing).toEqual([]);
  });
});

async function signIn(browser: Browser, role: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: "zh-CN" });
  await page.goto(`${ctx.server.url}/console/login`);
  await page.fill("#username", role);
  await page.fill("#password", "Warmline@2026");
  await page.getByRole("button", { name: "登录" }).click();
  await page.waitForURL((u) => !u.pathname.endsWith("/login"));
  return page;
}

/** The little of the DOM the checks below use (this file is type-checked without the DOM library). */
interface Box {
  scrollWidth: number;
  clientWidth: number;
  textContent: string | null;
  querySelector(selector: string): Box | null;
  querySelectorAll(selector: string): ArrayLike<Box> & Iterable<Box>;
  getClientRects(): { length: number };
}
type Doc = Box & { documentElement: Box };

/** In the page: the lists have their rows, or say they are empty. */
function listsReady(): boolean {
  // sent to the page as source: nothing outside the function is in scope there
  const dom = (globalThis as unknown as { document: Doc }).document;
  const content = dom.querySelector(".app-content");
  if (!content || content.querySelector(".ant-spin-spinning, .ant-skeleton")) return false;
  const tables = [...content.querySelectorAll(".ant-table-wrapper")].filter((t) => t.getClientRects().length);
  return tables.every((t) => t.querySelector(".ant-table-row, .ant-table-placeholder"));
}

/** In the page: every visible table whose content is wider than its box, and the page when it scrolls sideways. */
function overflowing(): string[] {
  const dom = (globalThis as unknown as { document: Doc }).document;
  const out: string[] = [];
  const doc = dom.documentElement;
  if (doc.scrollWidth > doc.clientWidth) out.push(`the page is ${doc.scrollWidth} px wide`);
  for (const t of dom.querySelectorAll(".ant-table-wrapper")) {
    if (!t.getClientRects().length) continue;
    const box = t.querySelector(".ant-table-content, .ant-table-body") ?? t;
    if (box.scrollWidth > box.clientWidth) {
      const heads = [...t.querySelectorAll("thead th")].map((th) => th.textContent).filter(Boolean);
      out.push(`table ${heads.join("/")}: ${box.scrollWidth} px in ${box.clientWidth} px`);
    }
  }
  return out;
}

/** Once the page's lists are shown: what does not fit, as "page: what", and a full-page screenshot. */
async function measure(page: Page, name: string): Promise<string[]> {
  await page.waitForFunction(listsReady);
  await page.screenshot({
    path: path.join(ARTIFACTS, `console-1440-${name.replace(/[^\w-]+/g, "_")}.png`),
    fullPage: true,
    animations: "disabled", // a tab that was just opened, shown as it ends up
  });
  const found = await page.evaluate(overflowing);
  return found.map((f) => `${name}: ${f}`);
}

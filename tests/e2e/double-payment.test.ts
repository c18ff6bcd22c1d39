import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ARTIFACTS } from "../support/browser";
import { residentWithAccount, useProductAndBrowser } from "../support/e2e";

/** the product on its embedded default (demo county) and a headless Chromium; a busy machine may need minutes */
const ctx = useProductAndBrowser();
const SHOTS = ARTIFACTS;
fs.mkdirSync(SHOTS, { recursive: true });
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `dblpay-${name}.png`) });

/** 去缴费 → WeChat → 确认支付: the browser leaves for the sandbox cashier; returns its URL. */
async function toCashier(page: Page, accountNo: string): Promise<string> {
  await page.locator(".page-accounts .account-card", { hasText: accountNo }).click();
  await page.getByText("账单", { exact: true }).first().click();
  await page.locator(".page-bills .bill-card").first().waitFor();
  await page.locator(".page-bills").getByText("去缴费", { exact: true }).click();
  await page.locator(".page-pay .pay-bill.is-selected").first().waitFor();
  await page.locator(".vendor-wechat").click();
  await page.getByText("确认支付", { exact: true }).click();
  await page.waitForURL(/\/sandbox\/wechatpay\/cashier/);
  return page.url();
}

async function staffApi(username: string) {
  const login = await fetch(`${ctx.server.url}/api/v1/auth/staff/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password: "Warmline@2026" }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  return async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${ctx.server.url}${p}`, {
      method,
      headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, never> };
  };
}

interface OrderRow {
  id: number;
  outTradeNo: string;
  accountId: number;
  amountFen: number;
  status: string;
}

describe("the double payment of issue 11", () => {
  it("Back from the cashier and 确认支付 again reuse the one order; its cashier, opened again after paying, takes nothing", async () => {
    const page = await ctx.browser.newPage({ viewport: { width: 390, height: 844 }, locale: "zh-CN" });
    await residentWithAccount(page, ctx.server.url, "重复缴费的居民", "1010110201", "马福禄");
    const firstCashier = await toCashier(page, "1010110201");
    await shot(page, "cashier-first");
    // on the cashier press Back, then 确认支付 again
    await page.goBack();
    await page.locator(".page-pay").waitFor();
    await page.getByText("确认支付", { exact: true }).click();
    await page.waitForURL(/\/sandbox\/wechatpay\/cashier/);
    const secondCashier = page.url();
    const staff = await staffApi("supervisor");
    const orders = async () =>
      ((await staff("GET", "/api/v1/staff/payments?q=1010110201")).body.items as unknown as OrderRow[]) ?? [];
    // one order: the second cashier is the first one's
    expect(await orders()).toHaveLength(1);
    expect(new URL(secondCashier).searchParams.get("prepay_id") ?? secondCashier).toBe(
      new URL(firstCashier).searchParams.get("prepay_id") ?? firstCashier,
    );
    // pay
    await page.getByText("确认支付", { exact: true }).click();
    await page.locator(".page-pay-result").waitFor();
    await page.getByText("缴费成功", { exact: true }).waitFor({ timeout: 30_000 });
    // open the first cashier page again → pay: impossible, the order is paid
    await page.goto(firstCashier);
    await page.getByText("该订单已支付").waitFor();
    expect(await page.locator("button[value=pay]").count()).toBe(0);
    await shot(page, "cashier-reopened");
    const after = await orders();
    expect(after).toHaveLength(1);
    expect(after[0].status).toBe("paid");
    await page.close();
  });

  it("money that still arrives for bills already paid is told plainly, is not 缴费成功 and waits for no invoice", async () => {
    const page = await ctx.browser.newPage({ viewport: { width: 390, height: 844 }, locale: "zh-CN" });
    await residentWithAccount(page, ctx.server.url, "多付款的居民", "1010110102", "李秀英");
    await toCashier(page, "1010110102");
    // meanwhile the same bills are paid at the bank window
    const desk = await staffApi("cashier");
    const pending = (await desk("GET", "/api/v1/staff/payments?q=1010110102")).body.items as unknown as OrderRow[];
    expect(pending).toHaveLength(1);
    const offline = await desk("POST", "/api/v1/staff/payments/offline", {
      accountId: pending[0].accountId,
      method: "cash",
      amountFen: pending[0].amountFen,
      receiptNo: "YH-E2E-DBL-1",
    });
    expect(offline.status).toBe(201);
    // the cashier page left open takes the money
    await page.getByText("确认支付", { exact: true }).click();
    await page.locator(".page-pay-result").waitFor();
    await page.getByText("款项已到账，未抵扣账单", { exact: true }).waitFor({ timeout: 30_000 });
    const notice = (await page.locator(".surplus-notice").textContent()) ?? "";
    expect(notice).toContain("未抵扣任何账单（账单已缴清）");
    expect(notice).toMatch(/将于\d+小时后.*原路退回/);
    expect(await page.getByText("缴费成功", { exact: true }).count()).toBe(0);
    await page.waitForTimeout(2_000); // longer than the invoice wait's first question
    expect(await page.locator(".invoice-wait").count()).toBe(0);
    expect((await page.locator(".page-pay-result").textContent()) ?? "").not.toContain("申请中");
    await shot(page, "result-surplus");
    // the payment history marks it
    await page.getByText("缴费记录", { exact: true }).click();
    await page.locator(".page-payments .surplus-note").waitFor();
    expect(await page.locator(".page-payments .surplus-note").textContent()).toContain("未抵扣任何账单");
    await page.waitForTimeout(600);
    await shot(page, "history-surplus");
    await page.close();

    // staff see it among 异常款项 with what the resident was told, and can refund it there
    const desk2 = await ctx.browser.newPage({ viewport: { width: 1366, height: 900 }, locale: "zh-CN" });
    await desk2.goto(`${ctx.server.url}/console/login`);
    await desk2.fill("#username", "supervisor");
    await desk2.fill("#password", "Warmline@2026");
    await desk2.getByRole("button", { name: "登录" }).click();
    await desk2.waitForURL((u) => !u.pathname.endsWith("/login"));
    await desk2.goto(`${ctx.server.url}/console/payments/flagged`);
    const row = desk2.locator("tr", { hasText: pending[0].outTradeNo });
    await row.getByRole("button", { name: "处理" }).click();
    await desk2.getByText("居民已获告知", { exact: false }).first().waitFor();
    await desk2.getByRole("button", { name: "处理异常款" }).click();
    await desk2.getByText("余款处理（居民已获告知）").waitFor();
    await desk2.waitForTimeout(500);
    expect(await desk2.locator(".ant-modal").textContent()).toContain("原路退回");
    await shot(desk2, "console-resolve");
    await desk2.close();
  });
});

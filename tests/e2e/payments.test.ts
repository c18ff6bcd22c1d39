import path from "node:path";
import { describe, expect, it } from "vitest";
import { ARTIFACTS } from "../support/browser";
import { residentWithAccount, useProductAndBrowser } from "../support/e2e";

const ctx = useProductAndBrowser();

describe("paying the heating fee", () => {
  it("a resident pays two bills in the H5 mini-program through the sandbox cashier and sees them paid", async () => {
    const page = await ctx.browser.newPage({ viewport: { width: 390, height: 844 }, locale: "zh-CN" });
    await residentWithAccount(page, ctx.server.url, "缴费测试居民", "1010110101", "王建国");
    await page.locator(".page-accounts .account-card", { hasText: "1010110101" }).click();
    await page.getByText("账单", { exact: true }).first().click();
    await page.locator(".page-bills .bill-card").first().waitFor();
    expect(await page.locator(".page-bills .bill-card").count()).toBe(2);
    await page.locator(".page-bills").getByText("去缴费", { exact: true }).click();
    await page.locator(".page-pay .pay-bill.is-selected").nth(1).waitFor();
    await page.locator(".vendor-wechat").click();
    // signed in with WeChat: Alipay is not offered (the vendor needs the payer's own id)
    expect(await page.locator(".vendor-alipay").count()).toBe(0);
    // how a payment is applied is said before the money is taken
    expect(await page.locator(".page-pay .allocation-rule").textContent()).toContain("先抵扣滞纳金，再抵扣本金");
    await page.getByText("确认支付", { exact: true }).click();

    await page.waitForURL(/\/sandbox\/wechatpay\/cashier/);
    await page.screenshot({ path: path.join(ARTIFACTS, "wechat-cashier.png") });
    await page.getByText("确认支付", { exact: true }).click();

    await page.locator(".page-pay-result").waitFor();
    await page.getByText("缴费成功", { exact: true }).waitFor({ timeout: 30_000 });
    await page.waitForTimeout(600);
    await page.screenshot({ path: path.join(ARTIFACTS, "miniapp-pay-success.png") });

    // the e-invoice follows within seconds; the resident opens it
    await page.getByText("查看电子发票", { exact: true }).click({ timeout: 30_000 });
    await page.locator(".page-invoice").waitFor();
    await page.getByText("已开具", { exact: true }).waitFor({ timeout: 30_000 });
    const detail = (await page.locator(".page-invoice").textContent()) ?? "";
    expect(detail).toContain("王建国");
    expect(detail).toMatch(/\d{20}/);
    await page.waitForTimeout(600); // the page transition
    await page.screenshot({ path: path.join(ARTIFACTS, "miniapp-invoice.png") });
    const pdfResponse = page.context().waitForEvent("response", (r) => r.url().includes("/api/v1/files/"));
    await page.getByText("查看发票", { exact: true }).click();
    const pdf = await pdfResponse;
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    // Chromium hands the tab's bytes to its PDF viewer; fetch the same link to look at them
    const bytes = Buffer.from(await (await fetch(pdf.url())).arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");

    await page.goto(`${ctx.server.url}/h5/#/pages/bills/index?accountId=1`);
    await page.locator(".page-bills .bill-card").nth(1).waitFor();
    const cards = await page.locator(".page-bills .bill-card").allTextContents();
    expect(cards).toHaveLength(2);
    for (const c of cards) expect(c).toContain("已缴清");
    await page.close();
  });

  it("a cashier takes a payment in the console and the resident sees it in the payment history", async () => {
    const page = await ctx.browser.newPage({ viewport: { width: 1366, height: 900 }, locale: "zh-CN" });
    await page.goto(`${ctx.server.url}/console/login`);
    await page.fill("#username", "cashier");
    await page.fill("#password", "Warmline@2026");
    await page.getByRole("button", { name: "登录" }).click();
    await page.waitForURL(/\/console\/(accounts|cashier)/);
    await page.goto(`${ctx.server.url}/console/cashier`);
    await page.fill("#cashier-search", "1010110102");
    await page.keyboard.press("Enter");
    await page.locator("#pay-amount").waitFor();
    await page.fill("#pay-amount", "500");
    await page.fill("#receipt-no", "YH-E2E-0001");
    await page.getByRole("button", { name: "确认收款" }).click();
    const receipt = page.locator(".receipt");
    await receipt.waitFor();
    const text = (await receipt.textContent()) ?? "";
    expect(text).toContain("1010110102");
    expect(text).toContain("YH-E2E-0001");
    expect(text).toContain("500.00");
    await page.screenshot({ path: path.join(ARTIFACTS, "console-receipt.png"), fullPage: true });
    // the receipt as a PDF, and the payment's e-invoice issued within seconds
    const receiptPdf = page.context().waitForEvent("response", (r) => r.url().includes("/api/v1/files/r."));
    await page.getByRole("button", { name: "打印收据PDF" }).click();
    expect((await receiptPdf).headers()["content-type"]).toBe("application/pdf");
    await page.locator(".cashier-invoice", { hasText: "已开具" }).waitFor({ timeout: 30_000 });
    await page.close();

    const phone = await ctx.browser.newPage({ viewport: { width: 390, height: 844 }, locale: "zh-CN" });
    await residentWithAccount(phone, ctx.server.url, "看缴费记录的居民", "1010110102", "李秀英");
    await phone.locator(".page-accounts .account-card", { hasText: "1010110102" }).click();
    await phone.getByText("缴费记录", { exact: true }).first().click();
    await phone.locator(".page-payments", { hasText: "YH-E2E-0001" }).waitFor();
    expect(await phone.locator(".page-payments").textContent()).toContain("500.00");
    await phone.close();
  });
});

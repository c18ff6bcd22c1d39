import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ARTIFACTS } from "../support/browser";
import { residentWithAccount, useProductAndBrowser } from "../support/e2e";

/**
 * Issue 12 in the browser: a resident applies for hardship relief in the H5 mini-program with a certificate
 * photo; the community reviewer and then the centre reviewer approve it in the console; the resident opens
 * the plan, pays the first instalment through the sandbox cashier and sees it paid.
 * The demo household 王建国 (1010110101) owes both seasons and has no application in the demo seed.
 */

const ctx = useProductAndBrowser();
fs.mkdirSync(ARTIFACTS, { recursive: true });
const shot = (page: Page, name: string, fullPage = true) =>
  page.screenshot({ path: path.join(ARTIFACTS, `hardship-${name}.png`), fullPage });

/** a 1×1 PNG: the certificate photo */
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
  "hex",
);

async function staffPage(browser: Browser, username: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: "zh-CN" });
  await page.goto(`${ctx.server.url}/console/login`);
  await page.fill("#username", username);
  await page.fill("#password", "Warmline@2026");
  await page.getByRole("button", { name: "登录" }).click();
  await page.waitForURL((u) => !u.pathname.endsWith("/login"));
  return page;
}

/** From the queue to the application, the review with a reason, until the status tag changes. */
async function review(
  browser: Browser,
  who: string,
  queue: string,
  applicationNo: string,
  step: string,
  reason: string,
) {
  const page = await staffPage(browser, who);
  await page.goto(`${ctx.server.url}/console/hardship/${queue}`);
  await page.getByRole("link", { name: applicationNo }).click();
  await page.locator(".hardship-detail-page").waitFor();
  await page.getByRole("button", { name: step }).click();
  const modal = page.locator(".ant-modal").filter({ hasText: "提交审核结果" });
  await modal.locator("textarea").fill(reason);
  await shot(page, `console-${queue}-review`, false);
  await modal.getByRole("button", { name: "提交审核结果" }).click();
  await modal.waitFor({ state: "hidden" });
  return page;
}

describe("hardship relief end to end (issue 12)", () => {
  it("apply in the H5 app with a certificate photo → 社区初审 → 供热中心复核 → pay the first instalment at the sandbox cashier", async () => {
    const phone = await ctx.browser.newPage({ viewport: { width: 390, height: 844 }, locale: "zh-CN" });
    const errors: string[] = [];
    phone.on("pageerror", (e) => errors.push(e.message));
    await residentWithAccount(phone, ctx.server.url, "申请分期的居民", "1010110101", "王建国");
    await phone.locator(".page-accounts .account-card", { hasText: "1010110101" }).click();
    await phone.locator(".page-account .hardship-entry[data-state=none]").waitFor();
    await phone.waitForTimeout(600); // Taro H5 slides the page in
    await shot(phone, "account-entry");

    // the form, with the eligibility text first
    await phone.locator(".page-account .hardship-entry").click();
    await phone.locator(".page-hardship-apply .hardship-bill").first().waitFor();
    const eligibility = (await phone.locator(".hardship-eligibility").textContent()) ?? "";
    for (const words of [
      "低保",
      "特困供养",
      "残疾",
      "行动不便或失能",
      "2期或3期",
      "最长3个月",
      "社区初审",
      "供热中心复核",
      "困难不拒缴",
    ]) {
      expect(eligibility).toContain(words);
    }
    expect(await phone.locator(".page-hardship-apply .hardship-bill.is-selected").count()).toBe(2); // all unpaid bills
    await phone.waitForTimeout(600);
    await shot(phone, "apply-form");

    // nothing filled in: the shared schema's Chinese messages under the fields
    await phone.getByText("提交申请", { exact: true }).click();
    await phone.getByText("请选择困难类别").waitFor();
    await phone.getByText("联系电话格式不正确").waitFor();
    await shot(phone, "apply-errors");
    await phone.locator(".category-grid").scrollIntoViewIfNeeded();
    await shot(phone, "apply-errors-top");

    await phone.locator(".category-dibao").click();
    await phone.getByText("提交申请", { exact: true }).click();
    await phone.getByText("请上传证件照片或扫描件（低保证、特困供养证或残疾证）").waitFor(); // 低保 needs the certificate
    await phone.fill("#certificateNo", "DB6207221234");
    const chooser = phone.waitForEvent("filechooser");
    await phone.locator(".certificate-add").click();
    await (await chooser).setFiles({ name: "dibao.png", mimeType: "image/png", buffer: PNG });
    const tile = phone.locator(".page-hardship-apply .photo-tile:not(.photo-add)").first();
    await tile.waitFor();
    await phone
      .locator(".page-hardship-apply .photo-tile[data-state=done], .photo-tile[data-state=failed]")
      .first()
      .waitFor();
    const uploadError = await phone.locator(".page-hardship-apply .photo-error-text").allTextContents();
    expect(uploadError).toEqual([]);
    expect(await tile.getAttribute("data-state")).toBe("done");
    await phone.locator(".term-count-3").click();
    await phone.fill("#hardshipPhone", "13912345678");
    await phone.locator(".certificate-add").scrollIntoViewIfNeeded();
    await shot(phone, "apply-filled");
    await phone.getByText("提交申请", { exact: true }).click();

    await phone.locator(".page-hardship-detail .app-status[data-status=pending_community]").waitFor();
    const applicationId = Number(new URL(phone.url().replace("#", "")).searchParams.get("id"));
    expect(applicationId).toBeGreaterThan(0);
    const summary = (await phone.locator(".hardship-summary").textContent()) ?? "";
    expect(summary).toContain("待社区初审");
    expect(summary).toContain("分3期缴纳");
    expect(summary).toContain("DB6*********"); // masked
    expect(await phone.locator(".hardship-summary .hardship-file").count()).toBe(1);
    expect(await phone.locator(".hardship-timeline .timeline-submitted").count()).toBe(1);
    expect(await phone.getByText("撤回申请", { exact: true }).count()).toBe(1); // before the final decision
    await phone.waitForTimeout(600);
    await shot(phone, "detail-pending");
    const applicationNo = ((await phone.locator(".hardship-summary .card-title").textContent()) ?? "").match(
      /KN\d{8}-\d{6}/,
    )?.[0];
    expect(applicationNo).toBeTruthy();

    // the two reviews, by two people, in the console
    const first = await review(
      ctx.browser,
      "community_reviewer",
      "community",
      applicationNo as string,
      "社区初审",
      "经入户核实，低保证件真实有效",
    );
    await first.getByText("待供热中心复核").first().waitFor();
    await first.close();
    const second = await review(
      ctx.browser,
      "center_reviewer",
      "center",
      applicationNo as string,
      "供热中心复核",
      "符合分期条件，同意分3期",
    );
    await second.getByText("已批准").first().waitFor();
    await shot(second, "console-approved");
    await second.close();

    // the resident sees the decision, the timeline and the plan
    await phone.reload();
    await phone.locator(".page-hardship-detail .hardship-plan[data-plan-status=active]").waitFor();
    expect(await phone.locator(".hardship-plan .instalment").count()).toBe(3);
    expect(await phone.locator(".hardship-plan .instalment[data-status=unpaid]").count()).toBe(3);
    for (const type of ["community_approved", "center_approved"]) {
      const step = (await phone.locator(`.hardship-timeline .timeline-${type}`).textContent()) ?? "";
      expect(step).toContain("理由：");
    }
    expect(await phone.getByText("撤回申请", { exact: true }).count()).toBe(0);
    const firstAmount = (
      (await phone.locator(".instalment[data-seq='1'] .instalment-amount").textContent()) ?? ""
    ).trim();
    expect(firstAmount).toMatch(/^¥[\d,]+\.\d{2}$/);
    await phone.waitForTimeout(600);
    await shot(phone, "detail-plan");
    await phone.locator(".hardship-timeline").scrollIntoViewIfNeeded();
    await shot(phone, "detail-timeline");

    // pay this instalment: the pay page offers exactly the first instalment, then the sandbox cashier
    await phone.locator(".plan-pay").click();
    await phone.locator(".page-pay .plan-pay-card .plan-choice-next.is-selected").waitFor();
    expect(await phone.locator(".page-pay .plan-choice-next .pay-bill-amount").textContent()).toBe(firstAmount);
    expect(await phone.locator(".page-pay .total-amount").textContent()).toBe(firstAmount);
    expect(await phone.locator(".page-pay .pay-bill[data-bill-id]").count()).toBe(0); // no bill picking here
    await phone.locator(".vendor-wechat").click();
    await phone.waitForTimeout(600);
    await shot(phone, "pay-plan");
    // another amount: more than the plan still owes is refused before any order
    await phone.locator(".plan-choice-custom").click();
    await phone.fill("#planAmount", "99999");
    await phone.getByText("确认支付", { exact: true }).click();
    await phone.getByText(/^缴费金额不能超过计划剩余应缴 ¥[\d,]+\.\d{2}$/).waitFor();
    await shot(phone, "pay-plan-custom");
    await phone.locator(".plan-choice-next").click();
    expect(await phone.locator(".page-pay .total-amount").textContent()).toBe(firstAmount);
    await phone.getByText("确认支付", { exact: true }).click();
    await phone.waitForURL(/\/sandbox\/wechatpay\/cashier/);
    await phone.getByText("确认支付", { exact: true }).click();
    await phone.locator(".page-pay-result").waitFor();
    await phone.getByText("缴费成功", { exact: true }).waitFor({ timeout: 30_000 });
    await shot(phone, "pay-success");

    // back on the plan: the first instalment is paid, the next one is offered
    await phone.goto(`${ctx.server.url}/h5/#/pages/hardship/detail/index?id=${applicationId}`);
    await phone.locator(".hardship-plan .instalment[data-seq='1'][data-status=paid]").waitFor();
    expect(await phone.locator(".instalment[data-seq='1'] .instalment-status").textContent()).toBe("已缴清");
    expect(await phone.locator(".hardship-plan .instalment[data-status=unpaid]").count()).toBe(2);
    expect(await phone.locator(".plan-pay").textContent()).toContain("缴纳第2期");
    await phone.waitForTimeout(600);
    await shot(phone, "detail-paid");
    // the account page shows the plan's state and leads back to it
    await phone.goto(`${ctx.server.url}/h5/#/pages/account/index?id=1`);
    const entry = phone.locator(".page-account .hardship-entry[data-state=approved]");
    await entry.waitFor();
    await phone.getByText(/第2期应缴 ¥[\d,]+\.\d{2}，截止 \d{4}-\d{2}-\d{2}/).waitFor();
    await entry.scrollIntoViewIfNeeded();
    await phone.waitForTimeout(600);
    await shot(phone, "account-plan");
    await entry.click();
    await phone.locator(".page-hardship-detail .hardship-plan").waitFor();
    expect(errors).toEqual([]);
    await phone.close();
  });
});

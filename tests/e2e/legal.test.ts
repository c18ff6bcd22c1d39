import fs from "node:fs";
import path from "node:path";
import { shanghaiDate } from "@warmline/shared";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import type { Browser, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ARTIFACTS } from "../support/browser";
import { useProductAndBrowser } from "../support/e2e";
import { staffLogin } from "../support/http";

const ctx = useProductAndBrowser();

const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "latin1");

async function signIn(browser: Browser, role: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: "zh-CN" });
  await page.goto(`${ctx.server.url}/console/login`);
  await page.fill("#username", role);
  await page.fill("#password", DEMO_PASSWORD);
  await page.getByRole("button", { name: "登录" }).click();
  await page.waitForURL((u) => !u.pathname.endsWith("/login"));
  return page;
}

/**
 * 法务 desk in the browser (the demo county, whose fixed households keep last season's bills open): after two
 * recorded 催缴沟通 visits ending in a refusal the household is a candidate; the legal officer opens a case from
 * the list, the supervisor approves it, the legal officer builds the litigation packet, downloads it once
 * (a ZIP) and records the filing with a PDF scan.
 */
describe("法务 desk", () => {
  it("candidate → case → approval → packet download → filing with its scan", async () => {
    const sup = await staffLogin(ctx.server.url, "supervisor", DEMO_PASSWORD);
    const accountId = 1;
    const now = Date.now();
    for (const [daysAgo, kind, reason] of [
      [30, "other", "说要和家人商量"],
      [9, "refuses", "认为不该交暖气费"],
    ] as const) {
      const at = new Date(now - daysAgo * 86_400_000);
      const r = await sup.api.post("/api/v1/staff/visits", {
        accountId,
        startedAt: at.toISOString(),
        endedAt: new Date(at.getTime() + 20 * 60_000).toISOString(),
        kind: "collection",
        outcome: "met_owner",
        position: { kind, reason },
      });
      expect(r.status, r.text).toBe(201);
    }

    const legal = await signIn(ctx.browser, "legal_officer");
    await legal.goto(`${ctx.server.url}/console/legal/candidates`);
    await legal.getByRole("button", { name: /重新计算/ }).click();
    const row = legal.locator("tr.ant-table-row", { hasText: "1010110101" });
    await row.waitFor();
    expect(await row.textContent()).toContain("拒绝缴费");
    await row.getByRole("button", { name: /立案审查/ }).click();
    await legal
      .locator(".ant-modal-confirm")
      .getByRole("button", { name: /立案审查/ })
      .click();
    await legal.waitForURL(/\/console\/legal\/cases\/\d+$/);
    const caseUrl = legal.url();
    await legal.locator(".ant-card-head .ant-tag", { hasText: "待审查" }).waitFor();
    // the legal officer may not approve under the default configuration: no button
    expect(await legal.getByRole("button", { name: /批准移交/ }).count()).toBe(0);

    const boss = await signIn(ctx.browser, "supervisor");
    await boss.goto(caseUrl);
    await boss.getByRole("button", { name: /批准移交/ }).click();
    await boss
      .locator(".ant-modal-confirm")
      .getByRole("button", { name: /批准移交/ })
      .click();
    await boss.locator(".ant-card-head .ant-tag", { hasText: "已批准移交" }).waitFor();
    await boss.close();

    await legal.reload();
    await legal.getByText("提交法院", { exact: true }).first().waitFor();

    // 诉讼材料包: built by the job (progress polled), downloaded once through its link
    const panel = legal.locator(".legal-packet-panel");
    await panel.getByRole("button", { name: /生成材料包/ }).click();
    await panel.locator(".ant-tag", { hasText: "已生成" }).waitFor({ timeout: 60_000 });
    expect(await panel.locator(".packet-sha256").first().textContent()).toMatch(/[0-9a-f]{64}/);
    await panel.getByRole("button", { name: /下载（仅限一次）/ }).click();
    const confirm = legal.locator(".ant-modal-confirm", { hasText: "只能使用一次" });
    const [download] = await Promise.all([
      legal.waitForEvent("download"),
      confirm.getByRole("button", { name: /下\s*载/ }).click(),
    ]);
    const zipPath = await download.path();
    const zip = fs.readFileSync(zipPath);
    expect(zip.subarray(0, 2).toString("latin1")).toBe("PK");
    expect(download.suggestedFilename()).toMatch(/^FW\d+-packet-\d+\.zip$/);
    await panel.getByText(/已下载.*链接已失效/).waitFor();
    await legal.locator(".ant-card-head .ant-tag", { hasText: "材料已导出" }).waitFor();
    await panel.screenshot({ path: path.join(ARTIFACTS, "console-legal-packet.png") });
    await legal.getByRole("button", { name: /登记提交法院/ }).click();
    const dialog = legal.locator(".ant-modal", { hasText: "登记提交法院" });
    await dialog.getByPlaceholder("如：民乐县人民法院").fill("民乐县人民法院");
    await dialog.locator("input[type=date]").fill(shanghaiDate(new Date()));
    await dialog.locator("input:not([type=date]):not([type=file])").nth(1).fill("(2026)甘0722收88号");
    await dialog
      .locator("input[type=file]")
      .setInputFiles({ name: "回执.pdf", mimeType: "application/pdf", buffer: PDF });
    await dialog.getByRole("button", { name: /保\s*存/ }).click();
    await legal.locator(".ant-card-head .ant-tag", { hasText: "已提交法院" }).waitFor();
    const text = (await legal.locator(".app-content").textContent()) ?? "";
    expect(text).toContain("民乐县人民法院");
    expect(text).toContain("按期完成");
    await legal.screenshot({ path: path.join(ARTIFACTS, "console-legal-case-filed.png"), fullPage: true });
    await legal.close();
  }, 240_000);
});

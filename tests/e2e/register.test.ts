import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ARTIFACTS } from "../support/browser";
import { useProductAndBrowser } from "../support/e2e";

const ctx = useProductAndBrowser();
const SHOTS = ARTIFACTS;

const header = "户号,小区,楼栋,单元,门牌号,地址,供热面积（㎡）,用户类别,户主姓名,联系电话,身份证号";
const rows = [
  // a demo household: its area changes (an update with a field diff)
  "1010110101,金山花园,,,,,,,,,",
  // two new households, one in a community the county does not have yet
  "7700000001,金山花园,,,,金山花园新建1号,88.5,居民,陈志强,13912345678,11010519491231002X",
  "7700000002,滨河新苑,A座,1,101,滨河新苑A座1单元101,120,非居民,滨河超市,0936-4466666,",
  // errors: bad ID check digit, implausible area
  "7700000003,金山花园,,,,金山花园新建3号,85,居民,刘强,13912345679,620722198503150019",
  "7700000004,金山花园,,,,金山花园新建4号,8500,居民,马丽,,",
];

async function signIn(role: string): Promise<Page> {
  const page = await ctx.browser.newPage({ viewport: { width: 1440, height: 900 }, locale: "zh-CN" });
  await page.goto(`${ctx.server.url}/console/login`);
  await page.fill("#username", role);
  await page.fill("#password", "Warmline@2026");
  await page.getByRole("button", { name: "登录" }).click();
  await page.waitForURL((u) => !u.pathname.endsWith("/login"));
  return page;
}

describe("台账导入 in the console", () => {
  it("an admin uploads a register file, reads the report and applies it", async () => {
    const page = await signIn("admin");
    await page.getByRole("menuitem", { name: /台账导入/ }).click();
    await page.waitForURL(/\/console\/register$/);

    // the first row (the demo household) is completed from its account detail: address and a new area
    const dir = fs.mkdtempSync(path.join(ARTIFACTS, "register-"));
    const file = path.join(dir, "民乐台账.csv");
    fs.writeFileSync(
      file,
      `\uFEFF${[header, rows[0].replace(",,,,,,,,,", ",,,,金山花园1号楼1单元101,99.5,居民,王建国,,"), ...rows.slice(1)].join("\r\n")}`,
    );
    await page.locator(".register-import input[type=file]").setInputFiles(file);

    const report = page.locator(".register-report");
    await report.waitFor();
    const text = () => report.textContent();
    await expect.poll(text).toContain("校验报告");
    // the error rows are listed first, with the row number and reason
    await report.getByText("身份证号校验位不正确").waitFor();
    expect(await text()).toContain("供热面积8500㎡不在合理范围（5～1000㎡）");
    expect(await text()).toContain("滨河新苑");
    await page.screenshot({ path: path.join(SHOTS, "register-report.png"), fullPage: true });
    // the update's field-by-field diff
    await report.getByText(/^更新 1$/).click();
    await report.getByText("供热面积：").first().waitFor();
    expect(await text()).toContain("99.50㎡");
    await page.screenshot({ path: path.join(SHOTS, "register-report-update.png"), fullPage: true });

    // refused until the error rows are skipped and the new community is confirmed
    const apply = report.getByRole("button", { name: /执行导入/ });
    expect(await apply.isDisabled()).toBe(true);
    await report.getByText(/跳过 2 个错误行/).click();
    await report.getByText("确认新建上述小区和楼栋").click();
    await apply.click();
    await report.getByText("导入完成").waitFor({ timeout: 30_000 });
    expect(await text()).toMatch(/新增 2，更新 1/);
    // the list of imports follows the job
    await page.locator(".register-import tr", { hasText: "民乐台账.csv" }).getByText("导入完成").waitFor();
    await page.screenshot({ path: path.join(SHOTS, "register-applied.png"), fullPage: true });

    // the imported household is there, masked
    await page.goto(`${ctx.server.url}/console/accounts?q=7700000001`);
    const row = page.locator("tr", { hasText: "7700000001" }).first();
    await row.waitFor();
    expect(await row.textContent()).toContain("陈*强");
    await row.click();
    await page.getByRole("button", { name: "修改信息" }).waitFor();
    await page.getByRole("button", { name: "修改信息" }).click();
    const modal = page.locator(".ant-modal", { hasText: "修改账户信息" });
    await modal.waitFor();
    await page.waitForTimeout(600); // the modal's opening animation
    await modal.getByLabel("供热面积（㎡）").fill("90.25");
    await modal.getByLabel("修改原因").fill("入户复测面积");
    await page.screenshot({ path: path.join(SHOTS, "register-account-edit.png") });
    await modal.getByRole("button", { name: "保存" }).click();
    await page.getByText("账户信息已修改，已记入审计日志").waitFor();
    await page.locator(".account-detail", { hasText: "90.25" }).first().waitFor();
    fs.rmSync(dir, { recursive: true, force: true });
    await page.close();
  }, 120_000);
});

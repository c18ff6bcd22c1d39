import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ARTIFACTS } from "../support/browser";
import { useProductAndBrowser } from "../support/e2e";

/** The product on its embedded default (own process, empty data folder, demo county) and a headless Chromium. */
const ctx = useProductAndBrowser();

const SHOTS = ARTIFACTS;
const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SHOTS, `staffadm-${name}.png`), fullPage: true, animations: "disabled" });

async function newPage(browser: Browser): Promise<Page> {
  return browser.newPage({ viewport: { width: 1440, height: 900 }, locale: "zh-CN" });
}

async function signIn(page: Page, username: string, password: string) {
  await page.goto(`${ctx.server.url}/console/login`);
  await page.fill("#username", username);
  await page.fill("#password", password);
  await page.getByRole("button", { name: "登录" }).click();
}

/**
 * The dropdown of the antd Select whose input has this id (it holds the a11y listbox `<id>_list`). Scoped so a
 * multi-select's list that is still open, or still fading out, is never taken for this one's.
 */
const dropdownOf = (page: Page, id: string) =>
  page.locator(".ant-select-dropdown", { has: page.locator(`[id="${id}_list"]`) });

/** picks an option of the antd Select whose input has this id, by typing its text */
async function choose(page: Page, id: string, text: string) {
  await page.locator(`#${id}`).click();
  await page.locator(`#${id}`).fill(text);
  await dropdownOf(page, id).locator(".ant-select-item-option", { hasText: text }).first().click();
}

/** the antd Select of this id: the first option it offers (its list closed again before the next step) */
async function chooseFirst(page: Page, id: string): Promise<string> {
  await page.locator(`#${id}`).click();
  const option = dropdownOf(page, id).locator(".ant-select-item-option").first();
  const text = (await option.textContent()) ?? "";
  await option.click();
  await dropdownOf(page, id)
    .locator(".ant-select-item-option")
    .first()
    .waitFor({ state: "hidden", timeout: 5_000 })
    .catch(() => undefined);
  return text;
}

describe("员工管理 (admin, console 1440×900)", () => {
  it("creates a technician, resets the password, the user must change it, disabling ends the session; the last admin stays", async () => {
    const admin = await newPage(ctx.browser);
    await signIn(admin, "admin", "Warmline@2026");
    await admin.waitForURL((u) => !u.pathname.endsWith("/login"));
    await admin.getByRole("menuitem", { name: /员工管理/ }).click();
    await admin.waitForURL(/\/console\/staff/);
    await admin.locator("tr.ant-table-row", { hasText: "hotline_agent" }).waitFor();
    expect(await admin.locator(".staff-table").textContent()).toContain("系统管理员");
    // the list fits beside the menu without a sideways scroll
    const box = admin.locator(".staff-table .ant-table-content, .staff-table .ant-table-body").first();
    const [sw, cw] = await box.evaluate((el) => [el.scrollWidth, el.clientWidth]);
    expect(sw).toBeLessThanOrEqual(cw);
    await shot(admin, "list");

    // 新建: a technician needs a station
    await admin.getByRole("button", { name: /新建工作人员/ }).click();
    const dialog = admin.locator(".ant-modal", { hasText: "新建工作人员" });
    await dialog.getByLabel("用户名").fill("tech_e2e");
    await dialog.getByLabel("姓名").fill("测试维修员");
    await dialog.getByLabel("手机号（选填）").fill("13900002222");
    // the pick is checked (a click on a list still opening can miss) by its tag in the roles form item (the
    // dropdown is rendered elsewhere); Escape closes the roles list only while it is open: with the list
    // already shut it would close the dialog
    const tag = dialog.locator(".ant-form-item", { has: admin.locator("#roles") }).getByText("维修员", { exact: true });
    for (let attempt = 0; attempt < 3; attempt++) {
      await choose(admin, "roles", "维修员");
      // waited for before another try: a second click on a picked option would take it off again
      if (
        await tag.waitFor({ timeout: 3_000 }).then(
          () => true,
          () => false,
        )
      )
        break;
    }
    await tag.waitFor();
    if (await dropdownOf(admin, "roles").isVisible()) await admin.keyboard.press("Escape");
    await dropdownOf(admin, "roles")
      .waitFor({ state: "hidden", timeout: 5_000 })
      .catch(() => undefined);
    await dialog.getByRole("button", { name: "创建" }).click();
    await dialog.getByText("调度员、维修员需要指定所属换热站").first().waitFor();
    const station = await chooseFirst(admin, "stationId");
    await dialog.getByText("手动设置").click();
    await dialog.getByLabel("临时密码").fill("tech_e2e-1");
    await dialog.getByRole("button", { name: "创建" }).click();
    await dialog.getByText("密码不能包含用户名").first().waitFor();
    await dialog.getByLabel("临时密码").fill("Kettle-Blue-42");
    await shot(admin, "create-form");
    await dialog.getByRole("button", { name: "创建" }).click();
    const row = admin.locator("tr.ant-table-row", { hasText: "tech_e2e" });
    await row.waitFor();
    expect(await row.textContent()).toContain(station);
    expect(await row.textContent()).toContain("待改密码");
    expect(await row.textContent()).toContain("139********");

    // 重置密码: a generated one, shown once
    await row.getByRole("button", { name: "重置密码" }).click();
    const reset = admin.locator(".ant-modal", { hasText: "重置密码：" });
    await reset.getByRole("button", { name: /重\s?置/ }).click();
    const temp = ((await admin.locator(".temporary-password").first().textContent()) ?? "").trim();
    expect(temp).toMatch(/^\S{12}$/);
    await shot(admin, "temporary-password");
    await admin.getByRole("button", { name: "我已记下" }).click();

    // the technician signs in with it and is held on 修改密码
    const tech = await newPage(ctx.browser);
    await signIn(tech, "tech_e2e", "Kettle-Blue-42");
    await tech.getByText("用户名或密码错误").first().waitFor(); // the reset replaced the first password
    await tech.fill("#password", temp);
    await tech.getByRole("button", { name: "登录" }).click();
    await tech.waitForURL(/\/console\/change-password/);
    await tech.getByText("请先设置自己的新密码").waitFor();
    await shot(tech, "forced-change");
    await tech.goto(`${ctx.server.url}/console/accounts`);
    await tech.waitForURL(/\/console\/change-password/);
    await tech.locator("#currentPassword").fill(temp);
    await tech.locator("#newPassword").fill("Radiator-7-Warm");
    await tech.locator("#confirmPassword").fill("Radiator-7-Warm");
    await tech.getByRole("button", { name: /确认修改/ }).click();
    await tech.waitForURL((u) => !u.pathname.includes("change-password") && !u.pathname.endsWith("/login"));
    await tech.locator(".app-staff-name", { hasText: "测试维修员" }).waitFor();

    // the admin disables the technician: their open console stops working
    await admin.reload();
    const row2 = admin.locator("tr.ant-table-row", { hasText: "tech_e2e" });
    await row2.getByRole("button", { name: /^停\s?用$/ }).click();
    await admin
      .locator(".ant-popconfirm")
      .getByRole("button", { name: /^停\s?用$/ })
      .click();
    await row2.getByText("已停用").waitFor();
    await tech.goto(`${ctx.server.url}/console/accounts`);
    await tech.waitForURL(/\/console\/login/);
    await tech.fill("#username", "tech_e2e");
    await tech.fill("#password", "Radiator-7-Warm");
    await tech.getByRole("button", { name: "登录" }).click();
    await tech
      .getByText(/账号已停用/)
      .first()
      .waitFor();

    // the only admin cannot disable themselves: the guard's message is shown
    const self = admin.locator("tr.ant-table-row", { hasText: "系统管理员·" }).filter({ hasText: /^admin/ });
    await self
      .first()
      .getByRole("button", { name: /^停\s?用$/ })
      .click();
    await admin
      .locator(".ant-popconfirm")
      .getByRole("button", { name: /^停\s?用$/ })
      .click();
    await admin.getByText("这是最后一位在用的系统管理员，不能停用或取消其管理员角色").first().waitFor();
    await shot(admin, "last-admin");
    expect(await self.first().textContent()).toContain("正常");

    // every step is in the audit log, in words
    await admin.goto(`${ctx.server.url}/console/audit`);
    for (const label of ["新建工作人员账号", "重置工作人员密码", "修改本人密码", "停用工作人员账号"])
      await admin.getByText(label).first().waitFor();
    await tech.close();
    await admin.close();
  }, 180_000);
});

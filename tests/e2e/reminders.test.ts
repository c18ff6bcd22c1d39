import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ARTIFACTS } from "../support/browser";
import { residentWithAccount, useProductAndBrowser } from "../support/e2e";

/**
 * Issue 13 in the browser: a supervisor starts a reminder campaign over the demo county in the console and
 * watches its progress until it is done; a demo household's resident sees the arrears notice (amount with
 * the late fee, oldest season, 去缴费) and the reminder text in the H5 app; the account's 催缴记录 tab in the
 * console lists the same reminder with its channel and the SMS platform's message id. An admin's ladder
 * save with an empty quiet-hours window is refused with the server's message.
 *
 * Quiet hours (default 21:00–08:00 Beijing) would hold every send back at night: the product under test
 * gets a one-hour window two hours from now (REMINDER_QUIET_HOURS), the daily planning turn twelve hours
 * away (so no daily campaign takes the households first), and fast send rates.
 */

/** "HH:MM" in Beijing time, `hours` from now */
function clock(hours: number): string {
  return new Date(Date.now() + 8 * 3600_000 + hours * 3600_000).toISOString().slice(11, 16);
}

const ctx = useProductAndBrowser({
  REMINDER_QUIET_HOURS: `${clock(2)}-${clock(3)}`,
  REMINDER_PLAN_TIME: clock(12),
  REMINDER_RATE_SMS: "500",
  REMINDER_RATE_SUBSCRIBE: "500",
});
/** screenshots (console 1440×900, H5 390×844) beside the other browser tests' unless REMINDER_SHOTS_DIR says */
const SHOTS = process.env.REMINDER_SHOTS_DIR ?? ARTIFACTS;
fs.mkdirSync(SHOTS, { recursive: true });
const shot = (page: Page, name: string, fullPage = false) =>
  page.screenshot({ path: path.join(SHOTS, `h8-${name}.png`), fullPage });

/** the three demo households (README): 户号 and owner name; all owe last season's and this season's fees */
const HOUSEHOLDS = [
  { accountNo: "1010110101", owner: "王建国" },
  { accountNo: "1010110102", owner: "李秀英" },
  { accountNo: "1010110201", owner: "马福禄" },
];

async function staffPage(username: string): Promise<Page> {
  const page = await ctx.browser.newPage({ viewport: { width: 1440, height: 900 }, locale: "zh-CN" });
  await page.goto(`${ctx.server.url}/console/login`);
  await page.fill("#username", username);
  await page.fill("#password", "Warmline@2026");
  await page.getByRole("button", { name: "登录" }).click();
  await page.waitForURL((u) => !u.pathname.endsWith("/login"));
  return page;
}

async function staffApi(username = "supervisor"): Promise<<T>(path: string) => Promise<T>> {
  const login = await fetch(`${ctx.server.url}/api/v1/auth/staff/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password: "Warmline@2026" }),
  });
  const token = ((await login.json()) as { accessToken: string }).accessToken;
  return async <T>(p: string) => {
    const res = await fetch(`${ctx.server.url}${p}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status, p).toBe(200);
    return (await res.json()) as T;
  };
}

interface ReminderRow {
  id: number;
  campaignId: number | null;
  status: string;
  channel: string | null;
  text: string | null;
  vendorMessageId: string | null;
}

describe("arrears reminders", () => {
  it("a supervisor runs a campaign to the end; the resident sees the notice and the reminder; 催缴记录 lists it", async () => {
    // ---- console: 催缴活动 --------------------------------------------------------------------------
    const sup = await staffPage("supervisor");
    await sup.getByRole("menuitem", { name: /催缴活动/ }).click();
    await sup.waitForURL(/\/console\/reminders\/campaigns$/);
    await sup.locator(".reminder-campaigns").getByText("暂无催缴批次").waitFor();
    await sup.getByRole("button", { name: /立即发起催缴/ }).click();
    const confirm = sup.locator(".ant-modal-confirm", { hasText: "立即发起一次催缴提醒？" });
    await confirm.waitFor();
    await confirm.getByRole("button", { name: /发\s?起/ }).click();
    const row = sup.locator("tr.ant-table-row").first();
    await row.locator("text=手动发起").waitFor();
    const campaignId = Number((await row.locator("td").first().textContent())?.replace("#", ""));
    expect(campaignId).toBeGreaterThan(0);
    // the counts move while it runs (asked for again every 2 s): some reminders planned, then ending
    const counts = async () => {
      const m = /(\d+)\/(\d+)/.exec((await row.locator(".campaign-progress").textContent()) ?? "");
      return m ? { ended: Number(m[1]), total: Number(m[2]) } : null;
    };
    for (const end = Date.now() + 120_000; !((await counts())?.total ?? 0); ) {
      expect(Date.now() < end, "reminders planned within 2 minutes").toBe(true);
      await sup.waitForTimeout(500);
    }
    await shot(sup, "console-campaign-running");
    await row.locator(".ant-tag", { hasText: "已完成" }).waitFor({ timeout: 240_000 });
    const final = await counts();
    expect(final?.total).toBeGreaterThan(0);
    expect(final?.ended).toBe(final?.total);
    await shot(sup, "console-campaign-done");

    // ---- which demo household got a message (one with an open service complaint is rightly suppressed) ----
    const api = await staffApi();
    let chosen: { accountNo: string; owner: string; id: number; reminder: ReminderRow } | null = null;
    for (const h of HOUSEHOLDS) {
      const found = await api<{ items: { id: number }[] }>(`/api/v1/staff/accounts?q=${h.accountNo}`);
      const id = found.items[0]?.id as number;
      const list = await api<{ items: ReminderRow[] }>(`/api/v1/staff/accounts/${id}/reminders`);
      const sent = list.items.find(
        (r) => r.campaignId === campaignId && (r.status === "sent" || r.status === "delivered") && r.channel === "sms",
      );
      if (sent) {
        chosen = { ...h, id, reminder: sent };
        break;
      }
    }
    expect(chosen, "a demo household was sent a reminder by SMS").not.toBeNull();
    const { accountNo, owner, id, reminder } = chosen as NonNullable<typeof chosen>;
    expect(reminder.text).toContain(accountNo);
    expect(reminder.text).toContain("0936-4466666");

    // ---- H5: the arrears notice on the home page and the account page, and the reminder -----------------
    const h5 = await ctx.browser.newPage({ viewport: { width: 390, height: 844 }, locale: "zh-CN", isMobile: true });
    await residentWithAccount(h5, ctx.server.url, "reminder-resident", accountNo, owner);
    await h5.goto(`${ctx.server.url}/h5/#/pages/home/index`);
    const notice = h5.locator(".page-home .arrears-notice");
    await notice.waitFor({ timeout: 30_000 });
    const noticeText = (await notice.textContent()) ?? "";
    expect(noticeText).toMatch(/¥[\d,]+\.\d{2}/);
    expect(noticeText).toContain("含滞纳金");
    expect(noticeText).toMatch(/最早欠费：\d{4}-\d{4}供热季/);
    expect(noticeText).toContain("去缴费");
    await shot(h5, "h5-home-arrears");

    await notice.getByText("查看收到的提醒 ›").click();
    const item = h5.locator(".page-reminders .reminder-item").first();
    await item.waitFor({ timeout: 30_000 });
    expect(await item.textContent()).toContain(reminder.text as string);
    expect(await item.textContent()).toContain("短信");
    await h5.waitForTimeout(600); // Taro's page slides in
    await shot(h5, "h5-reminders", true);

    // 去缴费 opens the account's bills, where the pay button is
    await h5.goto(`${ctx.server.url}/h5/#/pages/account/index?id=${id}`);
    const accountNotice = h5.locator(".page-account .arrears-notice");
    await accountNotice.waitFor({ timeout: 30_000 });
    await h5.waitForTimeout(600);
    await shot(h5, "h5-account-arrears");
    await accountNotice.getByText("去缴费", { exact: true }).click();
    await h5.waitForURL(/pages\/bills\/index\?accountId=/);

    // ---- console: the account's 催缴记录 -----------------------------------------------------------------
    await sup.goto(`${ctx.server.url}/console/accounts/${id}`);
    await sup.getByRole("tab", { name: "催缴记录" }).click();
    const record = sup.locator(".account-reminders tr.ant-table-row", { hasText: reminder.vendorMessageId as string });
    await record.waitFor({ timeout: 30_000 });
    const recordText = (await record.textContent()) ?? "";
    expect(recordText).toMatch(/已发送|已送达/);
    expect(recordText).toContain("短信");
    expect(recordText).toContain((reminder.text as string).slice(0, 20));
    await shot(sup, "console-account-reminders", true);

    // ---- a hardship household: soft wording and the way to 困难缓缴/分期, not 催缴 words -----------------
    const login = await fetch(`${ctx.server.url}/api/v1/auth/staff/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "supervisor", password: "Warmline@2026" }),
    });
    const token = ((await login.json()) as { accessToken: string }).accessToken;
    const flagged = await fetch(`${ctx.server.url}/api/v1/staff/accounts/${id}/hardship-flags`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ hardshipCategory: "dibao", specialGroups: [], reason: "浏览器测试：低保户" }),
    });
    expect(flagged.status).toBe(200);
    await h5.goto(`${ctx.server.url}/h5/#/pages/home/index`);
    await h5.reload();
    const soft = h5.locator(".page-home .arrears-notice.is-soft");
    await soft.waitFor({ timeout: 30_000 });
    const softText = (await soft.textContent()) ?? "";
    expect(softText).toContain("缴费提示");
    expect(softText).not.toContain("欠费提醒");
    expect(softText).not.toContain("尽快缴纳");
    expect(softText).toContain("困难缓缴/分期");
    await shot(h5, "h5-home-arrears-soft");
    await soft.getByText("申请困难缓缴/分期 ›").click();
    await h5.waitForURL(/pages\/hardship\/apply\/index\?accountId=/);
  }, 420_000);

  it("an admin's ladder with an empty quiet-hours window is refused with the server's message; visit tasks list", async () => {
    const admin = await staffPage("admin");
    await admin.getByRole("menuitem", { name: /催缴阶梯/ }).click();
    await admin.locator(".ladder-grade-overdue tr.ant-table-row").first().waitFor();
    await shot(admin, "console-ladder", true);
    const start = await admin.getByLabel("免打扰开始").inputValue();
    await admin.getByLabel("免打扰结束").fill(start);
    await admin.getByLabel("修改说明").fill("浏览器测试：空的免打扰时段");
    await admin.getByRole("button", { name: /保存为新版本/ }).click();
    const problems = admin.locator(".ladder-problems");
    await problems.waitFor();
    expect(await problems.textContent()).toContain("免打扰时段：免打扰时段的开始和结束时间不能相同");
    await problems.scrollIntoViewIfNeeded();
    await shot(admin, "console-ladder-refused");

    // 走访任务: the campaign of the test before made some (households without a phone go on to a visit task)
    await admin.goto(`${ctx.server.url}/console/visit-tasks`);
    const tasks = admin.locator(".visit-tasks tr.ant-table-row");
    const empty = admin.locator(".visit-tasks").getByText("暂无待走访任务");
    await tasks.first().or(empty).waitFor();
    await shot(admin, "console-visit-tasks");
    expect(await tasks.count(), "visit tasks from the campaign").toBeGreaterThan(0);
    {
      const first = tasks.first();
      const accountNo = (await first.locator("td").first().textContent()) ?? "";
      await first.getByRole("button", { name: /完成/ }).click();
      const dialog = admin.locator(".ant-modal", { hasText: "完成走访任务" });
      await dialog.getByLabel("走访情况").fill("已上门，户主表示月底前到银行窗口缴清");
      await dialog.getByRole("button", { name: /^完\s?成$/ }).click();
      await admin.getByText("走访任务已完成，已记入审计日志").waitFor();
      await admin.locator(".visit-tasks .ant-segmented").getByText("已完成").click();
      const done = admin.locator(".visit-tasks tr.ant-table-row", { hasText: accountNo });
      await done.waitFor();
      expect(await done.textContent()).toContain("已上门，户主表示月底前到银行窗口缴清");
      await shot(admin, "console-visit-task-done");
    }
  }, 120_000);
});

import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ARTIFACTS } from "../support/browser";
import { useProductAndBrowser } from "../support/e2e";

const ctx = useProductAndBrowser();

async function consoleAs(browser: Browser, base: string, username: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: "zh-CN" });
  await page.goto(`${base}/console/login`);
  await page.fill("#username", username);
  await page.fill("#password", "Warmline@2026");
  await page.getByRole("button", { name: "登录" }).click();
  await page.waitForURL((u) => !u.pathname.endsWith("/login"));
  return page;
}

async function supervisorToken(): Promise<string> {
  const login = await fetch(`${ctx.server.url}/api/v1/auth/staff/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "supervisor", password: "Warmline@2026" }),
  });
  return ((await login.json()) as { accessToken: string }).accessToken;
}

/** today's 三率 figures through the API, as the supervisor */
async function rates(day: string) {
  const accessToken = await supervisorToken();
  const res = await fetch(`${ctx.server.url}/api/v1/staff/reports/service-rates?from=${day}&to=${day}&groupBy=day`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { total: Record<string, number> }).total;
}

async function clickModalOk(page: Page) {
  await page.locator(".ant-modal-footer .ant-btn-primary").last().click();
  await page.locator(".ant-modal-wrap").last().waitFor({ state: "hidden" });
}

describe("service desk, end to end", () => {
  it("a cold-room report from the H5 app is answered, measured, resolved, rated and counted", async () => {
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const baseline = await rates(today);
    // the resident reports a cold room
    const phone = await ctx.browser.newPage({ viewport: { width: 390, height: 844 }, locale: "zh-CN" });
    await phone.goto(`${ctx.server.url}/h5/`);
    await phone.locator(".page-login").waitFor();
    await phone.getByText("微信登录", { exact: true }).click();
    await phone.waitForURL(/\/sandbox\/wechat\/h5-login/);
    await phone.fill("#sandbox-identity", "报修的居民");
    await phone.getByText("确认登录", { exact: true }).click();
    await phone.locator(".page-home").waitFor();
    await phone.getByText("绑定户号", { exact: true }).click();
    await phone.locator(".page-bind").waitFor();
    await phone.fill("#accountNo", "1010110201");
    await phone.fill("#factorValue", "马福禄");
    await phone.getByText("绑定", { exact: true }).click();
    await phone.locator(".page-accounts .account-card", { hasText: "1010110201" }).waitFor();
    await phone.goto(`${ctx.server.url}/h5/#/pages/home/index`);
    await phone.getByText("我要报修", { exact: true }).first().click();
    await phone.locator(".page-report").waitFor();
    await phone.getByText("室温不达标", { exact: true }).first().click();
    await phone.fill("#indoorTemp", "16.5");
    await phone.fill("#ticketDescription", "卧室暖气片上冷下热，室温只有16度多");
    // 联系电话: prefilled with the account's register phone, masked; the resident gives another number
    const contact = phone.locator("#contactPhone");
    await expect.poll(() => contact.inputValue()).toMatch(/^1\d{2}\*{8}$/);
    await phone
      .locator(".contact-phone-field")
      .getByText(/默认使用户号预留的电话/)
      .waitFor();
    await phone.screenshot({ path: path.join(ARTIFACTS, "miniapp-report-contact-phone.png"), fullPage: true });
    await contact.click();
    await expect.poll(() => contact.inputValue()).toBe("");
    await contact.fill("0936-12");
    await phone.getByText("提交", { exact: true }).click();
    await phone
      .locator(".contact-phone-field .error-text", { hasText: "请填写正确的手机号或带区号的固定电话" })
      .waitFor();
    await contact.fill("0936-4466888");
    await phone.getByText("提交", { exact: true }).click();
    await phone.locator(".page-ticket").waitFor();
    await phone.getByText("待响应", { exact: true }).first().waitFor();
    await phone.locator(".sla-countdown").first().waitFor();
    const ticketText = (await phone.locator(".page-ticket").textContent()) ?? "";
    const ticketNo = /GD\d{8}[0-9A-Z]{6}/.exec(ticketText)?.[0] as string;
    expect(ticketNo).toBeTruthy();
    await phone.waitForTimeout(600);
    await phone.screenshot({ path: path.join(ARTIFACTS, "miniapp-ticket-new.png") });

    // the hotline agent sees it on the SLA board and makes first contact
    const agent = await consoleAs(ctx.browser, ctx.server.url, "hotline_agent");
    await agent.goto(`${ctx.server.url}/console/sla-board`);
    const row = agent.locator(`.sla-board-table tr[data-ticket-no="${ticketNo}"]`);
    await row.waitFor({ timeout: 30_000 });
    await agent.screenshot({ path: path.join(ARTIFACTS, "console-sla-board.png") });
    await row.click();
    await agent.waitForURL(/\/console\/tickets\/\d+/);
    const ticketUrl = agent.url();
    await agent.getByRole("button", { name: "首次响应" }).click();
    await agent.fill("#respond-note", "已电话联系，预约今天上门");
    await clickModalOk(agent);
    await agent.getByText("已响应", { exact: true }).first().waitFor();
    await agent.close();

    // the resident is offered 已恢复正常 while the work goes on
    await phone.reload();
    await phone.locator(".restored-card").waitFor({ timeout: 30_000 });
    await phone.waitForTimeout(600);
    await phone.screenshot({ path: path.join(ARTIFACTS, "miniapp-ticket-restored-card.png"), fullPage: true });

    // the floor depends on the outdoor temperature of the last 3 hours, and the demo season's readings follow
    // the calendar (below −10 ℃ on a cold day → 18 ℃): a reading of −5 ℃ taken now makes it 20 ℃ whatever
    // the day the suite runs on
    const outdoor = await fetch(`${ctx.server.url}/api/v1/staff/outdoor-readings`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${await supervisorToken()}` },
      body: JSON.stringify({ tempC10: -50, source: "manual" }),
    });
    expect(outdoor.status).toBe(201);

    // a technician measures the room: still 17.2 ℃, so 处理完成 is refused with the reason until a reading
    // at the floor is recorded after the visit
    const tech = await consoleAs(ctx.browser, ctx.server.url, "technician");
    await tech.goto(ticketUrl);
    await tech.getByRole("button", { name: "入户测温" }).click();
    await tech.fill("#measure-temp", "17.2");
    await clickModalOk(tech);
    await tech
      .getByText(/入户测温：室温17\.2℃/)
      .first()
      .waitFor();
    await tech.getByRole("button", { name: "处理完成" }).click();
    const notice = tech.locator(".ticket-action-resolve .cold-room-notice");
    await notice.waitFor();
    expect(await notice.textContent()).toContain("最近一次测温17.2℃，低于标准20.0℃");
    expect(await tech.locator(".ant-modal-footer .ant-btn-primary").last().isDisabled()).toBe(true);
    await tech.screenshot({ path: path.join(ARTIFACTS, "console-resolve-refused.png") });
    await notice.getByRole("button", { name: "录入测温" }).click();
    await tech.locator(".ticket-action-measure").waitFor();
    await tech.fill("#measure-temp", "20.5");
    await clickModalOk(tech);
    await tech
      .getByText(/入户测温：室温20\.5℃/)
      .first()
      .waitFor();
    await tech.getByRole("button", { name: "处理完成" }).click();
    await tech.fill("#resolve-note", "排除暖气片内空气，室温回升至20.5℃");
    await clickModalOk(tech);
    await tech.getByText("已处理待回访", { exact: true }).first().waitFor();
    await tech.screenshot({ path: path.join(ARTIFACTS, "console-ticket-detail.png"), fullPage: true });
    await tech.close();

    // the follow-up queue shows the agent the number to call: masked, one click (no reason asked) shows it
    // with a 拨打 link; the ticket detail does the same
    const caller = await consoleAs(ctx.browser, ctx.server.url, "hotline_agent");
    await caller.goto(`${ctx.server.url}/console/follow-ups`);
    // oldest first: the ticket just resolved is on the last page, after the demo season's waiting ones
    const waiting = await caller.getByText(/^待回访 \d+ 件$/).textContent();
    const lastPage = Math.ceil(Number(/\d+/.exec(waiting ?? "")?.[0]) / 10);
    await caller.goto(`${ctx.server.url}/console/follow-ups?page=${lastPage}&pageSize=10`);
    const card = caller.locator(`.follow-up-item[data-ticket-no="${ticketNo}"]`);
    await card.waitFor({ timeout: 30_000 });
    expect(await card.locator(".contact-phone-number").textContent()).toBe("093*********");
    expect(await card.locator(".contact-phone-call").count()).toBe(0);
    await card.screenshot({ path: path.join(ARTIFACTS, "console-follow-up-phone-masked.png") });
    await card.getByRole("button", { name: /查看完整号码/ }).click();
    const dial = card.getByRole("link", { name: /拨打/ });
    await dial.waitFor();
    expect(await dial.getAttribute("href")).toBe("tel:09364466888");
    expect(await card.locator(".contact-phone-number").textContent()).toContain("0936-4466888");
    expect(await caller.locator(".ant-modal").count()).toBe(0);
    await caller.screenshot({ path: path.join(ARTIFACTS, "console-follow-ups.png") });
    await caller.goto(ticketUrl);
    const detailPhone = caller.locator(".ticket-detail .contact-phone");
    await detailPhone.getByRole("button", { name: /查看完整号码/ }).click();
    await detailPhone.getByRole("link", { name: /拨打/ }).waitFor();
    await caller.screenshot({ path: path.join(ARTIFACTS, "console-ticket-detail-phone.png") });
    await caller.close();
    // each view is one audit row
    const sup = await consoleAs(ctx.browser, ctx.server.url, "supervisor");
    await sup.goto(`${ctx.server.url}/console/audit`);
    await sup.getByText("查看工单联系电话").first().waitFor({ timeout: 30_000 });
    expect(await sup.getByText("查看工单联系电话").count()).toBeGreaterThanOrEqual(2);
    await sup.close();

    // the resident rates it
    await phone.reload();
    await phone.locator(".page-ticket").waitFor();
    await phone.getByText("已处理待回访", { exact: true }).first().waitFor({ timeout: 30_000 });
    await phone.getByText("满意", { exact: true }).click();
    await phone.locator('.rate-star[data-score="5"]').click();
    await phone.getByText("提交评价", { exact: true }).click();
    await phone.getByText("已办结", { exact: true }).first().waitFor();
    await phone.waitForTimeout(600);
    await phone.screenshot({ path: path.join(ARTIFACTS, "miniapp-ticket-closed.png") });
    await phone.close();

    // the three-rates report counts it: today's figures moved by exactly this ticket
    const after = await rates(today);
    expect(after.tickets - baseline.tickets).toBe(1);
    expect(after.respondedInTime - baseline.respondedInTime).toBe(1);
    expect(after.completed - baseline.completed).toBe(1);
    expect(after.satisfied - baseline.satisfied).toBe(1);
    const reporter = await consoleAs(ctx.browser, ctx.server.url, "supervisor");
    await reporter.goto(`${ctx.server.url}/console/reports/service`);
    await reporter.locator(".service-rates-table").waitFor();
    await reporter.screenshot({ path: path.join(ARTIFACTS, "console-service-rates.png"), fullPage: true });
    await reporter.close();
  });

  it("late tickets of the demo season reach the supervisor's 升级提醒; one is acknowledged with a note", async () => {
    // the SLA sweeper runs at each minute's turn after start and escalates the seeded late tickets
    const login = await fetch(`${ctx.server.url}/api/v1/auth/staff/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "supervisor", password: "Warmline@2026" }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const openCount = async () => {
      const res = await fetch(`${ctx.server.url}/api/v1/staff/alerts/summary`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { open: number }).open;
    };
    const deadline = Date.now() + 90_000;
    let open = await openCount();
    while (open === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 2_000));
      open = await openCount();
    }
    expect(open).toBeGreaterThan(0);

    const page = await consoleAs(ctx.browser, ctx.server.url, "supervisor");
    const bell = page.getByRole("button", { name: "升级提醒" });
    await bell.waitFor();
    await page.locator(".app-alert-bell .ant-badge-count", { hasText: String(open) }).waitFor();
    await bell.click();
    await page.waitForURL(/\/console\/alerts/);
    // the inbox holds other kinds too (e.g. 节假日数据缺失 for next year): take the late tickets' rows
    const rows = page.locator(".alerts-table tbody tr.ant-table-row", { has: page.locator(".ticket-no") });
    await rows.first().waitFor();
    const first = rows.first();
    const ticketNo = (await first.locator(".ticket-no").textContent())?.trim() ?? "";
    expect(ticketNo).toMatch(/^GD\d{8}[0-9A-Z]+$/);
    expect(await first.textContent()).toMatch(/已超时/);
    await page.screenshot({ path: path.join(ARTIFACTS, "console-alerts.png"), fullPage: true });

    await first.getByRole("button", { name: "已知悉" }).click();
    const dialog = page.locator(".ant-modal", { hasText: "确认已知悉" });
    await dialog.waitFor();
    await dialog.getByLabel("督办备注").fill("已电话督促调度，尽快联系住户");
    await clickModalOk(page);
    await page.getByText("已确认").first().waitFor();
    // the bell counts one fewer (no count at all when that was the last one)
    await page
      .locator(".app-alert-bell .ant-badge-count", { hasText: String(open - 1) })
      .or(page.locator(".app-alert-bell:not(:has(.ant-badge-count))"))
      .first()
      .waitFor();
    expect(await openCount()).toBe(open - 1);

    await page.locator(".alerts-state").getByText("已处理").click();
    const acked = page.locator(".alerts-table tbody tr", { hasText: "已电话督促调度，尽快联系住户" });
    await acked.waitFor();
    expect(await acked.textContent()).toContain("专班主管");
    await page.close();
  });
});

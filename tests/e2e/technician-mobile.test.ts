import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ARTIFACTS } from "../support/browser";
import { useProductAndBrowser } from "../support/e2e";

/**
 * A technician on a phone (390×844): signs in, lands on 我的工单, finds the ticket just dispatched to them in
 * due-time order, opens it and records the arrival and a measurement, and the page never scrolls sideways.
 */
const ctx = useProductAndBrowser();
const PASSWORD = "Warmline@2026";
const PHONE = { width: 390, height: 844 };

async function shot(page: Page, name: string, fullPage = false) {
  await page.waitForTimeout(400); // drawers and modals slide in
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage });
}

async function api(token: string | null, method: string, url: string, body?: unknown) {
  const res = await fetch(`${ctx.server.url}/api/v1${url}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function login(username: string) {
  const r = await api(null, "POST", "/auth/staff/login", { username, password: PASSWORD });
  return { token: r.accessToken as string, id: (r.staff as { id: number }).id };
}

/** In the page (sent as source): how wide the document is. */
function pageWidth(): number {
  return (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement
    .scrollWidth;
}

/** the widest thing on the page must fit the screen: no sideways scrolling */
async function expectNoSidewaysScroll(page: Page, what: string) {
  const { scrollWidth, clientWidth } = await page.evaluate(() => {
    // sent to the page as source: the DOM is the page's
    const root = (
      globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
    ).document.documentElement;
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth };
  });
  expect(scrollWidth, `${what}: page is ${scrollWidth} px wide`).toBeLessThanOrEqual(PHONE.width);
  expect(clientWidth).toBeLessThanOrEqual(PHONE.width);
}

async function clickModalOk(page: Page) {
  await page.locator(".ant-modal-footer .ant-btn-primary").last().click();
  await page.locator(".ant-modal-wrap").last().waitFor({ state: "hidden" });
}

describe("technician on a phone", () => {
  it("lands on 我的工单, opens the ticket dispatched to them and records arrival and a measurement at 390 px", async () => {
    // a caller's cold room: answered by the hotline, dispatched to the technician 王师傅
    const agent = await login("hotline_agent");
    const dispatcher = await login("dispatcher");
    const tech = await login("technician");
    const created = await api(agent.token, "POST", "/staff/tickets", {
      channel: "hotline",
      callerPhone: "13893612345",
      contactName: "马先生",
      address: "民乐县城关镇新华路12号院3号楼2单元402室",
      category: "cold_room",
      indoorTempC10: 160,
      description: "卧室暖气片不热，室温只有16度",
    });
    const id = created.id as number;
    const ticketNo = created.ticketNo as string;
    await api(agent.token, "POST", `/staff/tickets/${id}/respond`, { note: "已电话联系，预约今天上门" });
    const stations = (await api(dispatcher.token, "GET", "/staff/stations")).items as { id: number }[];
    await api(dispatcher.token, "POST", `/staff/tickets/${id}/dispatch`, {
      stationId: stations[0].id,
      crew: "维修一班",
      technicianId: tech.id,
    });

    const page = await ctx.browser.newPage({ viewport: PHONE, locale: "zh-CN", isMobile: true, hasTouch: true });
    await page.goto(`${ctx.server.url}/console/login`);
    await page.fill("#username", "technician");
    await page.fill("#password", PASSWORD);
    await page.getByRole("button", { name: "登录" }).click();

    // home is 我的工单, not the account search
    await page.waitForURL(/\/console\/my-tickets/);
    const cards = page.locator('.my-ticket-list[data-tab="open"] .my-ticket-link');
    const mine = page.locator(`.my-ticket-list[data-tab="open"] .my-ticket-link[data-ticket-no="${ticketNo}"]`);
    await mine.waitFor();
    expect(await mine.textContent()).toContain("新华路12号院3号楼2单元402室");
    expect(await mine.textContent()).toContain("室温不达标");
    expect(await mine.locator(".sla-countdown").count()).toBe(1);
    // sorted by the next due time: overdue first, then the least time left, no running clock last
    const due = await cards.evaluateAll((els) =>
      els.map((e) => (e as unknown as { dataset: { due?: string } }).dataset.due ?? null),
    );
    const times = due.map((d) => (d ? Date.parse(d) : Number.POSITIVE_INFINITY));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // nothing of the whole SLA board: every card is a ticket dispatched to this technician
    const board = await api(tech.token, "GET", "/staff/my-tickets?tab=open&pageSize=100");
    expect(await cards.count()).toBe((board.items as unknown[]).length);
    await expectNoSidewaysScroll(page, "我的工单");
    await shot(page, "mine-390-my-tickets");

    // the menu is a drawer from the header
    await page.getByRole("button", { name: "打开菜单" }).click();
    const drawer = page.locator(".app-drawer");
    await drawer.getByRole("menuitem", { name: /我的工单/ }).waitFor();
    expect(await drawer.getByRole("menuitem", { name: /SLA 看板/ }).count()).toBe(0);
    await expectNoSidewaysScroll(page, "drawer");
    await shot(page, "mine-390-drawer");
    await page.keyboard.press("Escape");
    await drawer.locator(".ant-drawer-content").waitFor({ state: "hidden" });

    // tap the card: the ticket, its steps, usable at phone width
    await mine.scrollIntoViewIfNeeded();
    await mine.click();
    await page.waitForURL(new RegExp(`/console/tickets/${id}$`));
    await page.locator(`.ticket-detail[data-ticket-no="${ticketNo}"]`).waitFor();
    await expectNoSidewaysScroll(page, "ticket detail");
    await shot(page, "mine-390-ticket-detail", true);

    await page.getByRole("button", { name: "到场" }).click();
    await expectNoSidewaysScroll(page, "到场 dialog");
    await clickModalOk(page);
    await page.locator('.ticket-detail[data-status="on_site"]').waitFor();

    await page.getByRole("button", { name: "入户测温" }).click();
    await page.fill("#measure-temp", "17.2");
    await expectNoSidewaysScroll(page, "入户测温 dialog");
    const dialog = page.locator(".ant-modal").last();
    const box = await dialog.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= PHONE.width, "the dialog fits the screen").toBe(true);
    await shot(page, "mine-390-measure-dialog");
    await clickModalOk(page);
    await page
      .getByText(/入户测温：室温17\.2℃/)
      .first()
      .waitFor();
    await expectNoSidewaysScroll(page, "ticket detail after the measurement");
    await shot(page, "mine-390-ticket-measured", true);

    // back on 我的工单 the ticket is still open (on site), and the server has both steps
    const detail = await api(tech.token, "GET", `/staff/tickets/${id}`);
    expect(detail.status).toBe("on_site");
    const types = (detail.events as { type: string }[]).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["on_site", "measured"]));
    await page.close();
  });

  it("at 1440×900 the same technician keeps the sider menu, and 我的工单 and the ticket fit", async () => {
    const page = await ctx.browser.newPage({ viewport: { width: 1440, height: 900 }, locale: "zh-CN" });
    await page.goto(`${ctx.server.url}/console/login`);
    await page.fill("#username", "technician");
    await page.fill("#password", PASSWORD);
    await page.getByRole("button", { name: "登录" }).click();
    await page.waitForURL(/\/console\/my-tickets/);
    await page
      .locator(".app-sider")
      .getByRole("menuitem", { name: /我的工单/ })
      .waitFor();
    expect(await page.getByRole("button", { name: "打开菜单" }).count()).toBe(0);
    await page.locator('.my-ticket-list[data-tab="open"] .my-ticket-link').first().waitFor();
    const wide = await page.evaluate(pageWidth);
    expect(wide).toBeLessThanOrEqual(1440);
    await shot(page, "mine-1440-my-tickets");
    await page.locator('.my-ticket-list[data-tab="open"] .my-ticket-link').first().click();
    await page.locator(".ticket-detail[data-ticket-no]").waitFor();
    expect(await page.evaluate(pageWidth)).toBeLessThanOrEqual(1440);
    await shot(page, "mine-1440-ticket-detail", true);
    await page.close();
  });
});

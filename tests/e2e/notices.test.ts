import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ARTIFACTS } from "../support/browser";
import { chooseOption, residentWithAccount, useProductAndBrowser } from "../support/e2e";

const ctx = useProductAndBrowser();
/** screenshots (console 1440×900, H5 390×844): beside the other browser tests' unless NOTICE_SHOTS_DIR says */
const SHOTS = process.env.NOTICE_SHOTS_DIR ?? ARTIFACTS;

async function signIn(role: string): Promise<Page> {
  const page = await ctx.browser.newPage({ viewport: { width: 1440, height: 900 }, locale: "zh-CN" });
  await page.goto(`${ctx.server.url}/console/login`);
  await page.fill("#username", role);
  await page.fill("#password", "Warmline@2026");
  await page.getByRole("button", { name: "登录" }).click();
  await page.waitForURL((u) => !u.pathname.endsWith("/login"));
  return page;
}

async function staffApi(): Promise<(path: string, body?: unknown) => Promise<unknown>> {
  const login = await fetch(`${ctx.server.url}/api/v1/auth/staff/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "supervisor", password: "Warmline@2026" }),
  });
  const token = ((await login.json()) as { accessToken: string }).accessToken;
  return async (path, body) => {
    const res = await fetch(`${ctx.server.url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return res.json();
  };
}

/** a demo account's id, its building's station (as the account desk shows it) and its phone's last 4 digits */
async function accountFacts(accountNo: string): Promise<{ station: string; phoneTail: string }> {
  const call = await staffApi();
  const found = (await call(`/api/v1/staff/accounts?q=${accountNo}`)) as { items: { id: number }[] };
  const id = found.items[0]?.id;
  const detail = (await call(`/api/v1/staff/accounts/${id}`)) as { stationName: string };
  const revealed = (await call(`/api/v1/staff/accounts/${id}/reveal`, {
    fields: ["phone"],
    reason: "浏览器测试：居民以手机尾号绑定",
  })) as { phone: string };
  return { station: detail.stationName, phoneTail: String(revealed.phone).slice(-4) };
}

/** a resident signed in on H5 and bound (through the API, with the phone's last 4 digits) to an account */
async function residentByPhone(identity: string, accountNo: string, phoneTail: string): Promise<Page> {
  const page = await ctx.browser.newPage({ viewport: { width: 390, height: 844 }, locale: "zh-CN", isMobile: true });
  await page.goto(`${ctx.server.url}/h5/`);
  await page.locator(".page-login").waitFor();
  await page.getByText("微信登录", { exact: true }).click();
  await page.waitForURL(/\/sandbox\/wechat\/h5-login/);
  await page.fill("#sandbox-identity", identity);
  await page.getByText("确认登录", { exact: true }).click();
  await page.locator(".page-home").waitFor();
  // Taro's H5 storage: localStorage["warmline.tokens"] = {"data": <the stored value>}
  const token = (await page.evaluate(`(() => {
    const v = JSON.parse(localStorage.getItem("warmline.tokens"));
    const d = v && v.data !== undefined ? v.data : v;
    return (typeof d === "string" ? JSON.parse(d) : d).accessToken;
  })()`)) as string;
  const bound = await fetch(`${ctx.server.url}/api/v1/me/accounts`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ accountNo, factor: "phone_tail", value: phoneTail }),
  });
  expect(bound.status).toBe(201);
  await page.goto(`${ctx.server.url}/h5/#/pages/home/index`);
  await page.reload();
  await page.locator(".page-home .home-notices").waitFor();
  return page;
}

async function resident(identity: string, accountNo: string, owner: string): Promise<Page> {
  const page = await ctx.browser.newPage({ viewport: { width: 390, height: 844 }, locale: "zh-CN", isMobile: true });
  await residentWithAccount(page, ctx.server.url, identity, accountNo, owner);
  await page.goto(`${ctx.server.url}/h5/#/pages/home/index`);
  await page.locator(".page-home .home-notices").waitFor();
  return page;
}

describe("供热公告", () => {
  it("staff publish an outage notice for a station; its residents see it on the H5 home page, others do not", async () => {
    // 1010110101 (王建国) is in building 1 of 金山花园; 1010210101 in building 2, served by another station
    const { station } = await accountFacts("1010110101");
    const elsewhere = await accountFacts("1010210101");
    expect(station).toBeTruthy();
    expect(elsewhere.station).not.toBe(station);
    const staff = await signIn("supervisor");

    await staff.getByRole("menuitem", { name: /供热公告/ }).click();
    await staff.waitForURL(/\/console\/notices$/);
    await staff.getByRole("button", { name: /发布公告/ }).click();
    const dialog = staff.locator(".ant-modal").filter({ hasText: "发布公告" });
    await dialog.getByLabel("标题").fill("管网抢修临时停热");
    await chooseOption(staff, dialog.locator("#kind"), "停热检修");
    await dialog.getByText("指定换热站", { exact: true }).click();
    await chooseOption(staff, dialog.locator("#stationIds"), station);
    await staff.keyboard.press("Escape");
    await dialog
      .getByLabel("正文")
      .fill("因管网抢修，**今日 9:00–18:00** 临时停热。\n\n- 请关好门窗，注意保暖\n- 如有疑问请致电热线");
    await dialog.getByRole("switch").click();
    await dialog.locator(".notice-preview strong", { hasText: "今日 9:00–18:00" }).waitFor();
    await staff.screenshot({ path: path.join(SHOTS, "h6-console-notice-form.png") });
    await dialog.getByRole("button", { name: /^发\s?布$/ }).click();
    const row = staff.locator("tr.ant-table-row", { hasText: "管网抢修临时停热" });
    await row.waitFor();
    expect(await row.textContent()).toContain(`指定换热站：${station}`);
    expect(await row.textContent()).toContain("发布中");
    await staff.screenshot({ path: path.join(SHOTS, "h6-console-notices.png") });

    // a resident bound to an account in that station: on the home page, pinned, with its kind tag
    const home = await resident("notice-inside", "1010110101", "王建国");
    const item = home.locator(".home-notices .notice-row", { hasText: "管网抢修临时停热" });
    await item.waitFor({ timeout: 15_000 });
    expect(await item.textContent()).toContain("停热检修");
    expect(await item.textContent()).toContain("置顶");
    expect(await home.locator(".season-card").textContent()).toContain("0936-4466666");
    expect(await home.locator("a.hotline-tel").getAttribute("href")).toBe("tel:09364466666");
    await home.screenshot({ path: path.join(SHOTS, "h6-h5-home-inside.png") });
    await item.click();
    const detail = home.locator(".page-notice .notice-detail");
    await detail.waitFor();
    expect(await detail.locator(".notice-bold").first().textContent()).toBe("今日 9:00–18:00");
    expect(await detail.textContent()).toContain("请关好门窗，注意保暖");
    await home.waitForTimeout(600); // Taro's page slides in
    await home.screenshot({ path: path.join(SHOTS, "h6-h5-notice-detail.png") });

    // a resident elsewhere: the home page without it (the season and the hotline are there all the same)
    const other = await residentByPhone("notice-outside", "1010210101", elsewhere.phoneTail);
    await other.locator(".season-card").waitFor();
    // the list has loaded (a row or 暂无公告) before its absence means anything
    await other.locator(".home-notices .notice-row, .home-notices .empty").first().waitFor();
    expect(await other.locator(".home-notices").textContent()).not.toContain("管网抢修临时停热");
    expect(await other.locator(".season-card").textContent()).toContain("0936-4466666");
    await other.screenshot({ path: path.join(SHOTS, "h6-h5-home-outside.png") });
  });
});

import fs from "node:fs";
import path from "node:path";
import { crc32, deflateSync } from "node:zlib";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useProductAndBrowser } from "../support/e2e";

/**
 * 入户走访 on a phone (390×844, issue 14): a grid worker signs in, opens today's list, records a visit with a
 * photo and a low reading, loses the connection before saving, comes back and saves the draft (once); the
 * supervisor then sees the worker's progress and the special-group coverage figure.
 */
const ctx = useProductAndBrowser();
const PASSWORD = "Warmline@2026";
const PHONE = { width: 390, height: 844 };
const SHOTS = "/tmp/wl/shots";

async function shot(page: Page, name: string, fullPage = false) {
  await page.waitForTimeout(400); // drawers slide in
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
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

/** A 640×480 PNG of one colour (a "photo" the browser then shrinks and re-encodes as JPEG). */
function png(w = 640, h = 480): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const typed = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    typed.copy(out, 4);
    out.writeUInt32BE(crc32(typed), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.from([0, ...Array.from({ length: w }, () => [180, 120, 90]).flat()]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.concat(Array.from({ length: h }, () => row)))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

async function expectNoSidewaysScroll(page: Page, what: string) {
  const width = await page.evaluate(
    () =>
      (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement
        .scrollWidth,
  );
  expect(width, `${what}: page is ${width} px wide`).toBeLessThanOrEqual(PHONE.width);
}

describe("grid worker on a phone", () => {
  it("records a visit with a photo and a reading, offline first, then saves the draft; the supervisor sees progress", async () => {
    const sup = await login("supervisor");
    const grid = await login("grid_worker");
    const communities = (await api(sup.token, "GET", "/staff/communities")) as unknown as
      | { items: { id: number; name: string }[] }
      | { id: number; name: string }[];
    const list = Array.isArray(communities) ? communities : communities.items;
    const community = list[0] as { id: number; name: string };
    await api(sup.token, "PUT", `/staff/visit-assignments/${grid.id}`, { communityIds: [community.id] });

    const context = await ctx.browser.newContext({
      viewport: PHONE,
      locale: "zh-CN",
      isMobile: true,
      hasTouch: true,
      timezoneId: "Asia/Shanghai",
    });
    const page = await context.newPage();
    await page.goto(`${ctx.server.url}/console/login`);
    await page.fill("#username", "grid_worker");
    await page.fill("#password", PASSWORD);
    await page.getByRole("button", { name: "登录" }).click();
    await page.waitForURL(/\/console\/(?!login)/);
    await page.goto(`${ctx.server.url}/console/visits`);
    const cards = page.locator(".visit-card");
    await cards.first().waitFor({ timeout: 60_000 });
    expect(await page.locator(".visits-group-title").first().textContent()).toContain(community.name);
    await expectNoSidewaysScroll(page, "今日走访");
    await shot(page, "h5-visits-today");

    const accountNo = (await cards.first().getAttribute("data-account-no")) as string;
    await cards.first().click();
    const form = page.locator(".visit-form");
    await form.waitFor();
    await page.getByText("见到户主", { exact: true }).click();
    await page.fill("#visit-temp", "16.5");
    await page.locator('[data-testid="visit-photo-input"]').setInputFiles({
      name: "room.png",
      mimeType: "image/png",
      buffer: png(),
    });
    await form.locator(".visit-photo img").first().waitFor();
    await form.locator("textarea").first().fill("卧室暖气片不热");
    // an unpaid household: the visit is a 催缴沟通, which needs the resident's position
    await page.getByRole("button", { name: /保存走访记录/ }).click();
    await page.getByText("催缴沟通且见到住户时，须记录住户的缴费态度").waitFor();
    await page.locator("#visit-position").click();
    await page.locator('.ant-select-item-option[title="愿意缴费"]').click();
    await expectNoSidewaysScroll(page, "登记走访");
    await shot(page, "h5-visit-form");

    // the connection drops before saving: nothing is lost, the draft waits on the phone
    await context.setOffline(true);
    await page.getByRole("button", { name: /保存走访记录/ }).click();
    await page.locator('[data-testid="visit-error"]').waitFor();
    expect(await page.locator('[data-testid="visit-error"]').textContent()).toContain("草稿");
    await shot(page, "h5-visit-offline");
    const before = (await api(grid.token, "GET", `/staff/visits?pageSize=100`)) as { total: number };
    expect(before.total).toBe(0);

    // back online: the list shows the draft waiting; after a reload it is still there; 提交草稿 sends it once
    await context.setOffline(false);
    await page.goto(`${ctx.server.url}/console/visits`);
    const banner = page.getByText("有1条走访草稿待提交");
    await banner.waitFor();
    await shot(page, "h5-visits-draft-pending");
    await page.getByRole("button", { name: /提交草稿/ }).click();
    await page.getByText("已提交1条草稿").waitFor();
    await banner.waitFor({ state: "hidden" });
    await page.getByRole("button", { name: /提交草稿/ }).waitFor({ state: "detached" });

    const after = (await api(grid.token, "GET", `/staff/visits?pageSize=100`)) as {
      total: number;
      items: { accountNo: string; indoorTempC10: number; photos: unknown[]; effects: { kind: string }[] }[];
    };
    expect(after.total).toBe(1);
    expect(after.items[0]).toMatchObject({ accountNo, indoorTempC10: 165 });
    expect(after.items[0]?.photos).toHaveLength(1);
    expect(after.items[0]?.effects.map((e) => e.kind)).toEqual(["cold_room_ticket"]);
    await cards.first().waitFor();
    await shot(page, "h5-visits-after-save");

    // the supervisor's 走访进度: the worker's progress and the special-group coverage figure
    const supPage = await (
      await ctx.browser.newContext({ viewport: PHONE, locale: "zh-CN", isMobile: true, hasTouch: true })
    ).newPage();
    await supPage.goto(`${ctx.server.url}/console/login`);
    await supPage.fill("#username", "supervisor");
    await supPage.fill("#password", PASSWORD);
    await supPage.getByRole("button", { name: "登录" }).click();
    await supPage.waitForURL(/\/console\/(?!login)/);
    await supPage.goto(`${ctx.server.url}/console/visit-progress`);
    await supPage.getByText("特殊群体缴费覆盖率").waitFor();
    await supPage.locator(".ant-table-row").first().waitFor();
    const progress = (await api(sup.token, "GET", "/staff/visit-plans/progress")) as {
      workers: { staffId: number; name: string; visits: number }[];
    };
    const row = progress.workers.find((w) => w.staffId === grid.id);
    expect(row?.visits).toBe(1);
    const text = (await supPage.locator(".visit-progress-page").textContent()) ?? "";
    expect(text).toContain(row?.name);
    expect(text).toContain("按网格员");
    expect(text).toMatch(/目标100%/);
    await shot(supPage, "h5-visit-progress", true);
    await supPage.setViewportSize({ width: 1440, height: 900 });
    await shot(supPage, "console-visit-progress-1440");
    await context.close();
  }, 240_000);
  it("the resident signs on the phone (kept in the draft), then the worker corrects the record from 走访记录", async () => {
    const sup = await login("supervisor");
    const grid = await login("grid_worker");
    const communities = (await api(sup.token, "GET", "/staff/communities")) as unknown as
      | { items: { id: number }[] }
      | { id: number }[];
    const community = (Array.isArray(communities) ? communities : communities.items)[0] as { id: number };
    await api(sup.token, "PUT", `/staff/visit-assignments/${grid.id}`, { communityIds: [community.id] });

    const context = await ctx.browser.newContext({
      viewport: PHONE,
      locale: "zh-CN",
      isMobile: true,
      hasTouch: true,
      timezoneId: "Asia/Shanghai",
    });
    const page = await context.newPage();
    await page.goto(`${ctx.server.url}/console/login`);
    await page.fill("#username", "grid_worker");
    await page.fill("#password", PASSWORD);
    await page.getByRole("button", { name: "登录" }).click();
    await page.waitForURL(/\/console\/(?!login)/);
    await page.goto(`${ctx.server.url}/console/visits`);
    // a household not visited today
    const card = page
      .locator(".visit-card")
      .filter({ hasNot: page.getByText("今日已走访") })
      .first();
    await card.waitFor({ timeout: 60_000 });
    const accountNo = (await card.getAttribute("data-account-no")) as string;
    await card.click();
    const form = page.locator(".visit-form");
    await form.waitFor();
    await page.getByText("见到户主", { exact: true }).click();
    await page.fill("#visit-temp", "20.5");
    const chosen = form.locator(".ant-select", { hasText: "愿意缴费" });
    for (let attempt = 0; attempt < 3 && !(await chosen.isVisible()); attempt++) {
      await page.locator("#visit-position").click();
      await page.locator('.ant-select-item-option[title="愿意缴费"]').click();
      await page.waitForTimeout(300);
    }
    await chosen.waitFor();

    const pad = form.locator('[data-testid="signature-canvas"]');
    await pad.waitFor();
    /** one stroke across the pad (drawn again if the drawer was still settling and it did not take) */
    const sign = async () => {
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          // the form re-renders while the drawer settles: the canvas can be replaced between two steps
          await pad.scrollIntoViewIfNeeded({ timeout: 5_000 });
          await page.waitForTimeout(300);
          const box = await pad.boundingBox({ timeout: 5_000 });
          if (!box) continue;
          await page.mouse.move(box.x + 30, box.y + box.height * 0.7);
          await page.mouse.down();
          for (let i = 1; i <= 12; i++)
            await page.mouse.move(box.x + 30 + i * 22, box.y + box.height * (0.7 - 0.4 * Math.sin(i / 2)), {
              steps: 2,
            });
          await page.mouse.up();
        } catch (err) {
          if (attempt >= 4) throw err;
          await page.waitForTimeout(500);
          continue;
        }
        if (await form.getByText("已签名").isVisible()) return;
      }
    };
    await form.getByText("请住户在框内签名").waitFor();
    await sign();
    await form.getByText("已签名").waitFor();
    await expectNoSidewaysScroll(page, "签名");
    await shot(page, "h5-visit-signed");
    // 重签 clears it; sign again
    await form.getByRole("button", { name: /重签/ }).click();
    await form.getByText("请住户在框内签名").waitFor();
    await sign();
    await form.getByText("已签名").waitFor();

    // the signature is part of the draft: a reload and reopening keep it (drawn back on the pad)
    const drafted = await page.evaluate(() => {
      const ls = (
        globalThis as unknown as {
          localStorage: { length: number; key(i: number): string | null; getItem(k: string): string | null };
        }
      ).localStorage;
      for (let i = 0; i < ls.length; i++) {
        const k = ls.key(i) ?? "";
        if (k.startsWith("warmline.visitDraft.")) return JSON.parse(ls.getItem(k) ?? "{}").signature?.dataUrl ?? "";
      }
      return "";
    });
    expect(drafted).toMatch(/^data:image\/png;base64,/);
    await page.reload();
    await page.locator(`.visit-card[data-account-no="${accountNo}"]`).click();
    await form.waitFor();
    await form.getByText("已签名").waitFor();
    await chosen.waitFor(); // the rest of the draft came back too
    const inked = await pad.evaluate((c) => {
      const canvas = c as unknown as {
        width: number;
        height: number;
        getContext(k: "2d"): { getImageData(...a: number[]): { data: Uint8ClampedArray } };
      };
      const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) n++;
      return n;
    });
    expect(inked, "the saved signature is drawn back").toBeGreaterThan(50);

    await page.getByRole("button", { name: /保存走访记录/ }).click();
    const savedOrError = await Promise.race([
      page
        .getByText("走访记录已保存")
        .first()
        .waitFor()
        .then(() => null),
      page
        .locator('[data-testid="visit-error"]')
        .waitFor()
        .then(() => page.locator('[data-testid="visit-error"]').textContent()),
    ]);
    expect(savedOrError, "the visit with its signature is saved").toBeNull();
    const mine = (await api(grid.token, "GET", "/staff/visits?pageSize=100")) as {
      items: {
        id: number;
        accountId: number;
        accountNo: string;
        indoorTempC10: number;
        photos: { role: string; url: string; mime: string }[];
      }[];
    };
    const saved = mine.items.find((v) => v.accountNo === accountNo);
    expect(saved).toMatchObject({ indoorTempC10: 205 });
    const signature = saved?.photos.find((p) => p.role === "signature");
    expect(signature?.mime).toBe("image/png");
    const img = await fetch(`${ctx.server.url}${signature?.url}`);
    expect(img.status).toBe(200);
    expect(img.headers.get("content-type")).toBe("image/png");

    // 更正 from the account's 走访记录: the form comes pre-filled, the original stays visible as 已更正
    const visitId = saved?.id as number;
    await page.goto(`${ctx.server.url}/console/accounts/${saved?.accountId}`);
    // six tabs do not fit 390 px: the last ones scroll off the tab bar (or sit behind its … menu), so the
    // tab is pressed where it is rather than through the hover menu
    await page.locator(".account-money .ant-tabs-tab").first().waitFor();
    await shot(page, "h5-account-tabs");
    await page.getByRole("tab", { name: "走访记录" }).dispatchEvent("click");
    const row = page.locator(`.account-visit[data-visit-id="${visitId}"]`);
    await row.waitFor();
    expect(await row.locator('img[alt="住户签名"]').count()).toBe(1);
    await row.getByRole("button", { name: /更正/ }).click();
    const dlg = page.locator(".visit-correction-modal");
    await dlg.waitFor();
    expect(await dlg.locator("#fix-temp").inputValue()).toBe("20.5");
    await dlg.locator("#fix-temp").fill("18.5");
    await dlg.locator("#fix-reason").fill("温度读数记错，复测为18.5℃");
    await shot(page, "h5-visit-correction-form");
    await dlg.getByRole("button", { name: /保存更正/ }).click();
    await dlg.waitFor({ state: "hidden" });
    const corrected = page.locator(".account-visit", { hasText: "温度读数记错" });
    await corrected.waitFor();
    const original = corrected.locator(`.account-visit-superseded[data-visit-id="${visitId}"]`);
    await original.waitFor();
    expect(await original.textContent()).toContain("已更正");
    expect(await original.textContent()).toContain("20.5℃");
    expect(await corrected.textContent()).toContain("18.5℃");
    expect(await corrected.textContent()).toContain("更正记录");
    const tabBox = await page.locator(".account-visits").boundingBox();
    expect(tabBox?.width ?? 999).toBeLessThanOrEqual(PHONE.width);
    await corrected.scrollIntoViewIfNeeded();
    await shot(page, "h5-account-visits-corrected");
    await shot(page, "h5-account-visits-corrected-full", true);

    const chain = (await api(grid.token, "GET", `/staff/visits/${visitId}`)) as {
      supersededById: number | null;
      history: { id: number; indoorTempC10: number }[];
    };
    expect(chain.supersededById).not.toBeNull();
    expect(chain.history.map((h) => h.indoorTempC10)).toEqual([205, 185]);

    // 特殊群体 on the phone: the household (flagged now) shows with 代缴, which opens the offline payment form
    await api(sup.token, "PUT", `/staff/accounts/${saved?.accountId}/hardship-flags`, {
      hardshipCategory: "none",
      specialGroups: ["elderly_alone"],
      reason: "走访核实独居",
    });
    await page.goto(`${ctx.server.url}/console/special-groups`);
    await page.getByTestId("coverage-note").waitFor();
    const special = page.locator("tr.ant-table-row", { hasText: accountNo });
    await special.waitFor();
    await shot(page, "h5-special-groups");
    const pay = special.getByRole("button", { name: /代缴/ });
    if (await pay.count()) {
      await pay.click();
      await page.waitForURL(/\/console\/cashier\?account=/);
      await page.getByRole("radio", { name: "网格员代缴" }).waitFor({ state: "attached" });
      expect(await page.getByRole("radio", { name: "网格员代缴" }).isChecked()).toBe(true);
      await page.getByRole("button", { name: "确认收款" }).waitFor();
      await shot(page, "h5-special-groups-assisted-pay");
    }
    await context.close();
  }, 240_000);
});

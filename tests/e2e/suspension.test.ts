import { deflateSync } from "node:zlib";
import { shanghaiDate } from "@warmline/shared";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useProductAndBrowser, residentWithAccount } from "../support/e2e";
import { client, staffLogin } from "../support/http";

const ctx = useProductAndBrowser();
const SHOTS = process.env.SHOTS_DIR ?? "/tmp/wl/shots";
const ACCOUNT_NO = "1010110101";
/** a 160×120 PNG (a grey "valve" with an orange seal) standing in for the photo of the sealed valve */
const PNG = solidPng(160, 120);

function solidPng(w: number, h: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = (crcTable[(c ^ x) & 0xff] as number) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows: number[] = [];
  for (let y = 0; y < h; y++) {
    rows.push(0);
    for (let x = 0; x < w; x++) {
      const seal = Math.abs(x - w / 2) < 18 && Math.abs(y - h / 2) < 18;
      rows.push(...(seal ? [232, 89, 12] : [134, 142, 150]));
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.from(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** the season whose deadline ("before 1 Oct" of its first year) is still open today */
function openSeason() {
  const today = shanghaiDate(new Date());
  const y = Number(today.slice(0, 4)) + (today.slice(5) > "09-30" ? 1 : 0);
  return { code: `${y}-${y + 1}`, deadline: `${y}-09-30` };
}

async function consoleLogin(page: Page, role: string) {
  await page.goto(`${ctx.server.url}/console/login`);
  await page.fill("#username", role);
  await page.fill("#password", DEMO_PASSWORD);
  await page.getByRole("button", { name: /登\s*录/ }).click();
  await page.waitForURL((u) => !u.pathname.endsWith("/login"));
}

describe("报停 from the H5 mini-program, approved in the console", () => {
  it("a resident applies for 报停 (after settling arrears) and sees it approved after a dispatcher approves", async () => {
    const { code, deadline } = openSeason();
    const phone = await ctx.browser.newPage({
      viewport: { width: 390, height: 844 },
      locale: "zh-CN",
      deviceScaleFactor: 2,
    });
    const errors: string[] = [];
    phone.on("pageerror", (e) => errors.push(e.message));
    await residentWithAccount(phone, ctx.server.url, "报停测试居民", ACCOUNT_NO, "王建国");
    await phone.locator(".page-accounts .account-card", { hasText: ACCOUNT_NO }).click();
    await phone.locator(".page-account").waitFor();
    await phone.locator(".page-account .suspension-entry").click();
    await phone.locator(".page-suspension .suspension-rules").waitFor();
    await phone.waitForTimeout(600); // Taro H5 slides the new page in
    const rules = await phone.locator(".page-suspension .suspension-rules").textContent();
    expect(rules).toContain(code);
    expect(rules).toContain(deadline);
    expect(rules).toContain("30%");
    await phone.screenshot({ path: `${SHOTS}/h7-miniapp-suspension-form.png`, fullPage: true });

    // the demo household owes last seasons' fees: 报停 is refused until they are paid (the default rule)
    await phone.fill("#suspensionReason", "房屋空置，全家外出务工");
    await phone.getByText("提交报停申请", { exact: true }).click();
    await phone.locator(".page-suspension .submit-error", { hasText: "请先缴清欠费" }).waitFor();
    await phone.screenshot({ path: `${SHOTS}/h7-miniapp-suspension-arrears.png`, fullPage: true });

    // the household pays at the window
    const cashier = await staffLogin(ctx.server.url, "cashier", DEMO_PASSWORD);
    const found = await cashier.api.get(`/api/v1/staff/accounts?q=${ACCOUNT_NO}`);
    const accountId = found.body.items[0].id as number;
    const bills = await cashier.api.get(`/api/v1/staff/accounts/${accountId}/bills`);
    const paid = await cashier.api.post("/api/v1/staff/payments/offline", {
      accountId,
      method: "cash",
      amountFen: bills.body.totalOwedFen,
      receiptNo: "E2E-SUSPENSION-1",
    });
    expect(paid.status, paid.text).toBe(201);

    await phone.getByText("提交报停申请", { exact: true }).click();
    await phone.locator(".page-suspension .app-item .app-status", { hasText: "待审核" }).waitFor();
    await phone.screenshot({ path: `${SHOTS}/h7-miniapp-suspension-pending.png`, fullPage: true });

    // a dispatcher approves it on the 报停/复供 desk
    const desk = await ctx.browser.newPage({ viewport: { width: 1440, height: 900 }, locale: "zh-CN" });
    desk.on("pageerror", (e) => errors.push(e.message));
    await consoleLogin(desk, "dispatcher");
    await desk.goto(`${ctx.server.url}/console/suspensions?status=pending`);
    const row = desk.locator(".suspension-desk tr", { hasText: ACCOUNT_NO });
    await row.waitFor();
    await desk.screenshot({ path: `${SHOTS}/h7-console-suspension-queue.png` });
    await row.getByRole("button", { name: "办理" }).click();
    await desk.getByText(`${code}（申请截止 ${deadline}）`).waitFor();
    await desk
      .getByRole("button", { name: /批\s*准/ })
      .first()
      .click();
    await desk.locator(".ant-drawer .ant-tag", { hasText: "已批准" }).waitFor();
    await desk.screenshot({ path: `${SHOTS}/h7-console-suspension-approved.png` });

    // the resident sees it approved, and the next season as 报停
    await phone.reload();
    await phone.locator(".page-suspension .app-item .app-status", { hasText: "已批准" }).waitFor();
    const status = await phone.locator(".page-suspension .heating-status").textContent();
    expect(status).toContain(`下一供热季 ${code}`);
    expect(status).toContain("报停");
    await phone.screenshot({ path: `${SHOTS}/h7-miniapp-suspension-approved.png`, fullPage: true });

    // the API agrees, and the account page shows the heating status
    const dispatcher = await staffLogin(ctx.server.url, "dispatcher", DEMO_PASSWORD);
    const api = client(ctx.server.url, dispatcher.accessToken);
    const h = await api.get(`/api/v1/staff/accounts/${accountId}/heating-status`);
    expect(h.body.next).toMatchObject({ seasonCode: code, status: "suspended" });
    await desk.goto(`${ctx.server.url}/console/accounts/${accountId}`);
    const card = desk.locator(".account-heating");
    await card.waitFor();
    await card.scrollIntoViewIfNeeded();
    expect(await card.textContent()).toContain(`下一供热季 ${code}`);
    await desk.screenshot({ path: `${SHOTS}/h7-console-account-heating.png`, fullPage: true });

    // the valve visit: sent to the technician, who confirms it on a phone with the sealed-valve photo
    const tech = await staffLogin(ctx.server.url, "technician", DEMO_PASSWORD);
    const appId = h.body.applications[0].id as number;
    const visit = await api.post(`/api/v1/staff/suspensions/${appId}/valve-visit`, {
      technicianId: tech.staff.id,
      scheduledDate: deadline,
    });
    expect(visit.status, visit.text).toBe(200);
    const field = await ctx.browser.newPage({
      viewport: { width: 390, height: 844 },
      locale: "zh-CN",
      deviceScaleFactor: 2,
    });
    field.on("pageerror", (e) => errors.push(e.message));
    await consoleLogin(field, "technician");
    await field.goto(`${ctx.server.url}/console/suspensions?open=${appId}`);
    await field.getByText("上门关阀加封任务").waitFor();
    await field.locator(".ant-drawer input[type=file]").setInputFiles({
      name: "valve.png",
      mimeType: "image/png",
      buffer: PNG,
    });
    await field.locator(".ant-drawer img[alt='阀门照片']").waitFor();
    await field.getByRole("button", { name: "确认办结" }).click();
    await field.locator(".ant-drawer .ant-tag", { hasText: "已办结" }).waitFor();
    await field.screenshot({ path: `${SHOTS}/h7-console-valve-task-phone.png`, fullPage: true });
    await field.close();
    expect(errors).toEqual([]);
    await desk.close();
    await phone.close();
  });
});

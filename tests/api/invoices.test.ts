import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HeatingAccount } from "@warmline/server/src/modules/accounts";
import { invoicePdfKey, Invoice, issueInvoiceJob } from "@warmline/server/src/modules/invoices";
import { PaymentOrder } from "@warmline/server/src/modules/payments";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { seasonsWithBills } from "../support/billing";
import { seedSmallCounty } from "../support/county";
import { client, residentLogin, staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";
import { until } from "../support/wait";

let srv: TestServer;
let county: Awaited<ReturnType<typeof seedSmallCounty>>;
let sup: Awaited<ReturnType<typeof staffLogin>>;
let cashier: Awaited<ReturnType<typeof staffLogin>>;
const sandbox = () => client(srv.url);

beforeAll(async () => {
  srv = await startTestServer({ INVOICE_ISSUE_ATTEMPTS: "2", INVOICE_POLL_S: "0.2", EINVOICE_TIMEOUT_MS: "1500" });
  county = await seedSmallCounty(srv.deps, 40);
  sup = await seasonsWithBills(srv.url, ["2026-2027"]);
  cashier = await staffLogin(srv.url, "cashier", DEMO_PASSWORD);
});
afterAll(async () => srv?.close());

const accounts = () => county.rows.filter((a) => a.status === "active");
let next = 0;
const freshAccount = () => accounts()[next++] as (typeof county.rows)[number];

async function boundResident(account: { accountNo: string; ownerName: string }) {
  const me = await residentLogin(srv.url);
  const bound = await me.api.post("/api/v1/me/accounts", {
    accountNo: account.accountNo,
    factor: "owner_name",
    value: account.ownerName,
  });
  expect(bound.status).toBe(201);
  return me;
}

async function invoiceOf(paymentOrderId: number, status = "issued"): Promise<Invoice> {
  return until(async () => {
    const inv = await srv.deps.ds.getRepository(Invoice).findOneBy({ sourceKey: `pay:${paymentOrderId}` });
    return inv?.status === status ? inv : null;
  }, 15_000);
}

async function cashPayment(accountId: number, extra: Record<string, unknown> = {}, amountFen = 5_000) {
  const paid = await cashier.api.post("/api/v1/staff/payments/offline", {
    accountId,
    method: "cash",
    amountFen,
    receiptNo: `R-${accountId}-${Date.now()}`,
    ...extra,
  });
  expect(paid.status).toBe(201);
  return paid.body as { id: number; outTradeNo: string };
}

async function platformRecords(orderNoPrefix: string): Promise<{ orderNo: string }[]> {
  const res = await sandbox().get("/sandbox/einvoice/test/invoices");
  expect(res.status).toBe(200);
  const list = res.body.invoices as { orderNo: string }[];
  return list.filter((r) => r.orderNo.startsWith(orderNoPrefix));
}

function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(path.join(tmpdir(), "wl-inv-"));
  const file = path.join(dir, "x.pdf");
  writeFileSync(file, pdf);
  return execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
}

describe("issuance after payment", () => {
  it("a WeChat payment gets its invoice in seconds; the resident opens the PDF, nobody else can", async () => {
    const account = freshAccount();
    const me = await boundResident(account);
    const order = await me.api.post("/api/v1/me/payments", { accountId: account.id, vendor: "wechat" });
    expect(order.status).toBe(201);
    await sandbox().post("/sandbox/wechatpay/test/pay", { out_trade_no: order.body.outTradeNo, notify: true });
    const status = await until(async () => {
      const s = await me.api.get(`/api/v1/me/payments/${order.body.id}`);
      return s.body.status === "paid" && s.body.invoiceId ? s.body : null;
    });
    const inv = await invoiceOf(order.body.id);
    expect(status.invoiceId).toBe(inv.id);
    // the platform's copy names the account too, and the platform texts it to the holder's mobile
    const row = await srv.deps.ds.getRepository(HeatingAccount).findOneByOrFail({ id: account.id });
    const mobile = srv.deps.vault.decrypt(row.phoneEnc as string);
    const atPlatform = await sandbox().get("/sandbox/einvoice/test/invoices");
    const record = (atPlatform.body.invoices as { orderNo: string; remark: string; serialNo: string }[]).find(
      (r) => r.orderNo === inv.orderNo,
    );
    expect(record?.remark).toBe(`户号：${account.accountNo}  地址：${row.address}`);
    expect(atPlatform.body.deliveries).toContainEqual(
      expect.objectContaining({ serialNo: record?.serialNo, phone: mobile, mail: null }),
    );

    const detail = await me.api.get(`/api/v1/me/invoices/${inv.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      kind: "blue",
      status: "issued",
      buyerKind: "personal",
      buyerName: account.ownerName,
      totalFen: order.body.amountFen,
      taxFen: 0,
      related: [],
    });
    expect(detail.body.invoiceNo).toMatch(/^\d{20}$/);
    expect(detail.body.items[0]).toMatchObject({ name: "*供热*供暖费", taxTreatment: "exempt", unit: "平方米" });
    const list = await me.api.get(`/api/v1/me/accounts/${account.id}/invoices`);
    expect(list.body.items.map((i: { id: number }) => i.id)).toEqual([inv.id]);
    // 我的消息: the resident is told the invoice is there (once, however often the job runs)
    const notices = await until(async () => {
      const n = await me.api.get("/api/v1/me/notifications");
      const found = n.body.items.filter((x: { kind: string }) => x.kind === "invoice_issued");
      return found.length ? found : null;
    });
    expect(notices).toHaveLength(1);
    expect(notices[0].title).toBe("电子发票已开具");
    expect(notices[0].body).toContain(detail.body.invoiceNo);
    expect(notices[0].body).toContain(account.accountNo);
    const paid = (await me.api.get("/api/v1/me/notifications")).body.items.filter(
      (x: { kind: string }) => x.kind === "payment_paid",
    );
    expect(paid).toHaveLength(1);
    expect(paid[0].title).toBe("缴费成功");
    expect(paid[0].body).toContain(order.body.outTradeNo);

    const link = await me.api.post(`/api/v1/me/invoices/${inv.id}/link`);
    expect(link.status).toBe(200);
    expect(link.body.url).toMatch(/^\/api\/v1\/files\//);
    const file = await fetch(`${srv.url}${link.body.url}`);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("application/pdf");
    const pdf = Buffer.from(await file.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const text = pdfText(pdf);
    expect(text).toContain("供暖费");
    expect(text).toContain(account.ownerName);
    expect(text).toContain(detail.body.invoiceNo);
    // the issued document is kept: the account's new address does not change it, a second view is the same file
    expect(await srv.deps.storage.get(invoicePdfKey(detail.body.invoiceNo))).toEqual(pdf);
    await srv.deps.ds.getRepository(HeatingAccount).update({ id: account.id }, { address: "民乐县新地址1号" });
    const again = Buffer.from(await (await fetch(`${srv.url}${link.body.url}`)).arrayBuffer());
    expect(again).toEqual(pdf);
    expect(pdfText(again)).not.toContain("新地址");

    // sent to an e-mail address through the platform; a bad address is refused with a Chinese message
    const badEmail = await me.api.post(`/api/v1/me/invoices/${inv.id}/email`, { email: "不是邮箱" });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    const sent = await me.api.post(`/api/v1/me/invoices/${inv.id}/email`, { email: "wang@example.com" });
    expect(sent.status).toBe(204);
    const platform = await sandbox().get("/sandbox/einvoice/test/invoices");
    expect(JSON.stringify(platform.body.deliveries)).toContain("wang@example.com");

    // another resident: the invoice does not exist for them
    const other = await residentLogin(srv.url);
    for (const res of [
      await other.api.get(`/api/v1/me/invoices/${inv.id}`),
      await other.api.post(`/api/v1/me/invoices/${inv.id}/link`),
      await other.api.post(`/api/v1/me/invoices/${inv.id}/email`, { email: "a@example.com" }),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("INVOICE_NOT_FOUND");
    }
    expect((await other.api.get(`/api/v1/me/accounts/${account.id}/invoices`)).status).toBe(404);
  });

  it("the issuing job run twice, at once, makes one invoice at the platform and one here", async () => {
    const account = freshAccount();
    const paid = await cashPayment(account.id);
    const inv = await invoiceOf(paid.id);
    const job = issueInvoiceJob(() => srv.deps);
    await Promise.all([
      job.handle({ paymentOrderId: paid.id }, { ds: srv.deps.ds, outboxId: 0, attempt: 1 }),
      job.handle({ paymentOrderId: paid.id }, { ds: srv.deps.ds, outboxId: 0, attempt: 1 }),
    ]);
    expect(await srv.deps.ds.getRepository(Invoice).countBy({ paymentOrderId: paid.id })).toBe(1);
    expect(await platformRecords(`FPP${paid.id}S`)).toHaveLength(1);
    const again = await srv.deps.ds.getRepository(Invoice).findOneByOrFail({ id: inv.id });
    expect(again.invoiceNo).toBe(inv.invoiceNo);
  });

  it("a platform that answers too late is asked again with the same number: still one invoice", async () => {
    const account = freshAccount();
    // the platform takes the request but answers after our 1.5 s timeout, and issues only 4 s later
    await sandbox().post("/sandbox/einvoice/test/result-delay", { ms: 4_000 });
    await sandbox().post("/sandbox/einvoice/test/fail-next", { mode: "slow", count: 1, delayMs: 2_500 });
    const paid = await cashPayment(account.id);
    const inv = await invoiceOf(paid.id);
    await sandbox().post("/sandbox/einvoice/test/result-delay", { ms: 300 });
    expect(inv.attempts).toBe(2);
    expect(await platformRecords(`FPP${paid.id}S`)).toHaveLength(1);
    expect(await srv.deps.ds.getRepository(Invoice).countBy({ paymentOrderId: paid.id })).toBe(1);
  });

  it("an unreachable platform is retried, then the invoice shows as failed to staff, who reissue it", async () => {
    const account = freshAccount();
    await sandbox().post("/sandbox/einvoice/test/fail-next", { mode: "unavailable", count: 2 });
    const paid = await cashPayment(account.id);
    const failed = await invoiceOf(paid.id, "failed");
    expect(failed.attempts).toBe(2);
    expect(failed.failReason).toContain("多次无响应");

    const search = await sup.api.get("/api/v1/staff/invoices?status=failed");
    expect(search.status).toBe(200);
    expect(search.body.items.map((i: { id: number }) => i.id)).toContain(failed.id);
    const payment = await sup.api.get(`/api/v1/staff/payments/${paid.id}`);
    expect(payment.body).toMatchObject({ invoiceId: failed.id, invoiceStatus: "failed" });

    expect((await sup.api.post(`/api/v1/staff/invoices/${failed.id}/reissue`, { reason: "短" })).status).toBe(400);
    const agent = await staffLogin(srv.url, "hotline_agent", DEMO_PASSWORD);
    expect(
      (await agent.api.post(`/api/v1/staff/invoices/${failed.id}/reissue`, { reason: "平台恢复后重开" })).status,
    ).toBe(403);
    const re = await sup.api.post(`/api/v1/staff/invoices/${failed.id}/reissue`, { reason: "平台恢复后重开" });
    expect(re.status).toBe(200);
    expect(re.body.status).toBe("queued");
    const issued = await invoiceOf(paid.id);
    expect(issued.orderNo).toBe(`FPP${paid.id}S2`);
    expect(
      (await sup.api.post(`/api/v1/staff/invoices/${failed.id}/reissue`, { reason: "再重开一次" })).body.error.code,
    ).toBe("INVOICE_NOT_REISSUABLE");
    expect(await platformRecords(`FPP${paid.id}S`)).toHaveLength(1);
  });

  it("a refusal by the platform fails the invoice at once with its reason; a corrected title is reissued", async () => {
    const account = freshAccount();
    await sandbox().post("/sandbox/einvoice/test/fail-next", { mode: "reject", count: 1 });
    const paid = await cashPayment(account.id);
    const failed = await invoiceOf(paid.id, "failed");
    expect(failed.attempts).toBe(1);
    expect(failed.failReason).toBeTruthy();
    const re = await sup.api.post(`/api/v1/staff/invoices/${failed.id}/reissue`, {
      reason: "更正抬头后重开",
      title: { kind: "company", name: "民乐县某某商贸有限公司", taxId: "91620722MA73XB0TXY" },
    });
    expect(re.status).toBe(200);
    const issued = await invoiceOf(paid.id);
    expect(issued.buyer).toMatchObject({ kind: "company", taxId: "91620722MA73XB0TXY" });
  });

  it("a result that comes back failed from the platform is shown to staff", async () => {
    const account = freshAccount();
    await sandbox().post("/sandbox/einvoice/test/fail-next", { mode: "fail_result", count: 1 });
    const paid = await cashPayment(account.id);
    const failed = await invoiceOf(paid.id, "failed");
    expect(failed.failReason).toContain("开具失败");
  });
});

describe("tax treatment", () => {
  it("a non-residential account's whole bill: 9 % included, area and price on the invoice", async () => {
    const account = county.rows.find((a) => a.status === "active" && a.category === "non_residential");
    expect(account, "the small county has a non-residential account").toBeTruthy();
    const id = (account as { id: number }).id;
    const bills = await cashier.api.get(`/api/v1/staff/accounts/${id}/bills`);
    const owed = bills.body.totalOwedFen as number;
    const paid = await cashPayment(id, {}, owed);
    const inv = await invoiceOf(paid.id);
    expect(inv.totalFen).toBe(owed);
    // the whole principal with area × price, and the late fee owed on its own line
    expect(inv.items[0]).toMatchObject({ taxTreatment: "taxable", taxRateBp: 900, unit: "平方米" });
    expect(inv.items[0]?.quantity).toMatch(/^\d+\.\d\d$/);
    for (const it of inv.items) expect(it.taxFen).toBe(Math.floor((2 * it.amountFen * 900 + 10_900) / (2 * 10_900)));
    expect(inv.taxFen).toBe(inv.items.reduce((t, it) => t + it.taxFen, 0));
    expect(inv.taxFen).toBeGreaterThan(0);
  });
});

describe("titles", () => {
  it("residents keep titles, pick one when paying, and cannot touch another resident's", async () => {
    const account = freshAccount();
    const me = await boundResident(account);
    const bad = await me.api.post("/api/v1/me/invoice-titles", {
      kind: "company",
      name: "某公司",
      taxId: "91620722MA73XB0T5X",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("VALIDATION_FAILED");
    expect(JSON.stringify(bad.body.error)).toContain("纳税人识别号");
    const noTax = await me.api.post("/api/v1/me/invoice-titles", { kind: "company", name: "某公司" });
    expect(noTax.status).toBe(400);
    const t = await me.api.post("/api/v1/me/invoice-titles", {
      kind: "company",
      name: "民乐县暖线科技有限公司",
      taxId: "91620722ma73xb0txy",
      email: "fp@example.com",
      isDefault: true,
    });
    expect(t.status).toBe(201);
    expect(t.body).toMatchObject({ taxId: "91620722MA73XB0TXY", isDefault: true, owner: "resident" });
    const p = await me.api.post("/api/v1/me/invoice-titles", { kind: "personal", name: "王小明", isDefault: true });
    const list = await me.api.get("/api/v1/me/invoice-titles");
    expect(list.body.items.filter((x: { isDefault: boolean }) => x.isDefault).map((x: { id: number }) => x.id)).toEqual(
      [p.body.id],
    );
    const other = await residentLogin(srv.url);
    expect(
      (await other.api.put(`/api/v1/me/invoice-titles/${t.body.id}`, { kind: "personal", name: "张三" })).status,
    ).toBe(404);
    expect((await other.api.delete(`/api/v1/me/invoice-titles/${t.body.id}`)).status).toBe(404);
    expect(
      (
        await other.api.post("/api/v1/me/payments", {
          accountId: account.id,
          vendor: "wechat",
          invoiceTitleId: t.body.id,
        })
      ).status,
    ).toBe(404);

    const order = await me.api.post("/api/v1/me/payments", {
      accountId: account.id,
      vendor: "wechat",
      invoiceTitleId: t.body.id,
    });
    expect(order.status).toBe(201);
    // the title edited after paying: the invoice keeps what was chosen
    await me.api.put(`/api/v1/me/invoice-titles/${t.body.id}`, { kind: "personal", name: "改过的名字" });
    await sandbox().post("/sandbox/wechatpay/test/pay", { out_trade_no: order.body.outTradeNo, notify: true });
    const inv = await invoiceOf(order.body.id);
    expect(inv.buyer).toEqual({
      kind: "company",
      name: "民乐县暖线科技有限公司",
      taxId: "91620722MA73XB0TXY",
      email: "fp@example.com",
    });
    expect((await me.api.delete(`/api/v1/me/invoice-titles/${t.body.id}`)).status).toBe(204);
  });

  it("个人（户主姓名）can be chosen for one payment although a company title is the default", async () => {
    const account = freshAccount();
    const me = await boundResident(account);
    const t = await me.api.post("/api/v1/me/invoice-titles", {
      kind: "company",
      name: "民乐县暖线科技有限公司",
      taxId: "91620722ma73xb0txy",
      isDefault: true,
    });
    expect(t.status).toBe(201);
    // omitted: the default title is on the order
    const byDefault = await me.api.post("/api/v1/me/payments", { accountId: account.id, vendor: "wechat" });
    expect(byDefault.status).toBe(201);
    const orders = srv.deps.ds.getRepository(PaymentOrder);
    expect((await orders.findOneByOrFail({ id: byDefault.body.id })).invoiceBuyer).toMatchObject({ kind: "company" });
    // null: the owner's name, on the invoice too
    const order = await me.api.post("/api/v1/me/payments", {
      accountId: account.id,
      vendor: "wechat",
      invoiceTitleId: null,
    });
    expect(order.status).toBe(201);
    expect((await orders.findOneByOrFail({ id: order.body.id })).invoiceBuyer).toBeNull();
    await sandbox().post("/sandbox/wechatpay/test/pay", { out_trade_no: order.body.outTradeNo, notify: true });
    const inv = await invoiceOf(order.body.id);
    expect(inv.buyer).toMatchObject({ kind: "personal", name: account.ownerName, taxId: null });
    expect(
      (await me.api.post("/api/v1/me/payments", { accountId: account.id, vendor: "wechat", invoiceTitleId: 0 })).status,
    ).toBe(400);
  });

  it("a cashier types a title at the window: saved to the account, used on the invoice", async () => {
    const account = freshAccount();
    const paid = await cashPayment(account.id, {
      invoiceTitle: { kind: "company", name: "民乐县第一中学", taxId: "12620722438960014H" },
    });
    const titles = await cashier.api.get(`/api/v1/staff/accounts/${account.id}/invoice-titles`);
    expect(titles.body.items).toHaveLength(1);
    expect(titles.body.items[0]).toMatchObject({ name: "民乐县第一中学", owner: "account" });
    const inv = await invoiceOf(paid.id);
    expect(inv.buyer.name).toBe("民乐县第一中学");
    // the resident of that account sees the staff-saved title when paying
    const me = await boundResident(account);
    const mine = await me.api.get(`/api/v1/me/invoice-titles?accountId=${account.id}`);
    expect(mine.body.items.map((x: { name: string }) => x.name)).toContain("民乐县第一中学");
  });
});

describe("red-letter reversal", () => {
  it("a partial refund issues a red invoice for the refunded amount, linked to the original", async () => {
    const account = freshAccount();
    const paid = await cashPayment(account.id, {}, 20_000);
    const blue = await invoiceOf(paid.id);
    expect(blue.totalFen).toBe(20_000);
    // a part payment: the amounts alone, no area × price that would not multiply out
    expect(blue.items.every((i) => i.quantity === null && i.unitPrice === null)).toBe(true);
    const refund = await sup.api.post(`/api/v1/staff/payments/${paid.id}/refunds`, {
      amountFen: 7_500,
      reason: "多收费用退回",
    });
    expect(refund.body.status).toBe("succeeded");
    const red = await until(async () => {
      const r = await srv.deps.ds.getRepository(Invoice).findOneBy({ sourceKey: `refund:${refund.body.id}` });
      return r?.status === "issued" ? r : null;
    }, 15_000);
    expect(red).toMatchObject({ kind: "red", totalFen: -7_500, originalInvoiceId: blue.id });
    const detail = await sup.api.get(`/api/v1/staff/invoices/${blue.id}`);
    expect(detail.body.reversedFen).toBe(-7_500);
    expect(detail.body.related.map((r: { id: number; kind: string }) => [r.id, r.kind])).toEqual([[red.id, "red"]]);
    const link = await sup.api.post(`/api/v1/staff/invoices/${red.id}/link`);
    const text = pdfText(Buffer.from(await (await fetch(`${srv.url}${link.body.url}`)).arrayBuffer()));
    expect(text).toContain(blue.invoiceNo as string);
    expect(text).toContain("-75.00");
  });
});

describe("documents", () => {
  it("a cash payment has a printable receipt; an online one has none; forged and expired links are refused", async () => {
    const account = freshAccount();
    const paid = await cashPayment(account.id);
    const link = await cashier.api.post(`/api/v1/staff/payments/${paid.id}/receipt-link`);
    expect(link.status).toBe(200);
    const file = await fetch(`${srv.url}${link.body.url}`);
    expect(file.headers.get("content-type")).toBe("application/pdf");
    const text = pdfText(Buffer.from(await file.arrayBuffer()));
    expect(text).toContain("缴费收据");
    expect(text).toContain(account.accountNo);

    const forged = link.body.url.replace(
      /\.([A-Za-z0-9_-]{43})\.pdf$/,
      (_: string, sig: string) => `.${sig.slice(0, -1)}${sig.endsWith("A") ? "B" : "A"}.pdf`,
    );
    const refused = await client(srv.url).get(forged);
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe("FILE_LINK_INVALID");
    const otherId = link.body.url.replace(/\/r\.(\d+)\./, (_: string, id: string) => `/r.${Number(id) + 1}.`);
    expect((await client(srv.url).get(otherId)).status).toBe(404);
    expect((await client(srv.url).get("/api/v1/files/nonsense")).status).toBe(404);

    // an invoice still being issued has no PDF yet
    const inv = await invoiceOf(paid.id);
    await srv.deps.ds.getRepository(Invoice).update({ id: inv.id }, { status: "submitted" });
    const notReady = await sup.api.post(`/api/v1/staff/invoices/${inv.id}/link`);
    expect(notReady.status).toBe(409);
    expect(notReady.body.error.code).toBe("INVOICE_NOT_READY");
    await srv.deps.ds.getRepository(Invoice).update({ id: inv.id }, { status: "issued" });
  });

  it("a result callback with a bad signature is refused and changes nothing", async () => {
    const res = await client(srv.url).post(
      "/api/v1/notify/einvoice",
      { orderNo: "FPP1S1", serialNo: "x", status: "2", invoiceNo: "12345678901234567890" },
      { "x-nuonuo-sign": "AAAA", appkey: "sandbox-app-key" },
    );
    expect(res.status).toBe(400);
  });
});

import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HeatingAccount } from "@warmline/server/src/modules/accounts";
import { StaffAlert } from "@warmline/server/src/modules/alerts";
import { documentKey, fetchInvoiceDocuments, Invoice, issueInvoiceJob } from "@warmline/server/src/modules/invoices";
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

/**
 * Waits until no earlier invoice is still fetching its documents: a fault injected into the sandbox goes to
 * whichever download comes next, and a job left over from an earlier test must not take it.
 */
async function documentsSettled(): Promise<void> {
  await until(async () => (await srv.deps.ds.getRepository(Invoice).countBy({ docStatus: "fetching" })) === 0, 30_000);
}

/** the invoice once its documents are kept (the platform's, or a sandbox specimen) */
async function withDocuments(id: number, docStatus = "stored", ms = 15_000): Promise<Invoice> {
  return until(async () => {
    const inv = await srv.deps.ds.getRepository(Invoice).findOneBy({ id });
    return inv?.docStatus === docStatus ? inv : null;
  }, ms);
}

interface PlatformRecord {
  orderNo: string;
  serialNo: string;
  invoiceNo: string;
  totalFen: number;
  checkCode: string;
  qrCode: string;
  pdfUrl: string | null;
  ofdUrl: string | null;
  remark: string;
}

async function platformRecord(orderNo: string): Promise<PlatformRecord> {
  const res = await sandbox().get("/sandbox/einvoice/test/invoices");
  const found = (res.body.invoices as PlatformRecord[]).find((r) => r.orderNo === orderNo);
  if (!found) throw new Error(`no platform record for ${orderNo}`);
  return found;
}

async function cashPayment(accountId: number, extra: Record<string, unknown> = {}, amountFen = 5_000) {
  const paid = await cashier.api.post("/api/v1/staff/payments/offline", {
    accountId,
    method: "cash",
    amountFen,
    receiptNo: `R-${accountId}-${Date.now()}`,
    ...extra,
  });
  expect(paid.status, JSON.stringify(paid.body)).toBe(201);
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
    const issued = await invoiceOf(order.body.id);
    expect(status.invoiceId).toBe(issued.id);
    const inv = await withDocuments(issued.id);
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
    // the platform's document, kept: here the sandbox's specimen, which says so on its face
    expect(text).toContain("沙箱样张，非正式发票");
    expect(await srv.deps.storage.get(documentKey(detail.body.invoiceNo, "pdf"))).toEqual(pdf);
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
    const reissued = await invoiceOf(paid.id);
    expect(reissued.orderNo).toBe(`FPP${paid.id}S2`);
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
    await withDocuments(red.id);
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
    const inv = await withDocuments((await invoiceOf(paid.id)).id);
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

/** a fresh account that still owes at least 50 yuan (another test may have paid one off in full) */
async function payableAccount() {
  for (;;) {
    const a = freshAccount();
    const bills = await cashier.api.get(`/api/v1/staff/accounts/${a.id}/bills`);
    if ((bills.body.totalOwedFen as number) >= 20_000) return a;
  }
}

describe("the platform's QR content and documents (数电)", () => {
  it("keeps the QR content as the platform returned it: field 7 empty, field 8 the platform's code, 价税合计", async () => {
    const account = await payableAccount();
    const paid = await cashPayment(account.id, {}, 12_345);
    const inv = await withDocuments((await invoiceOf(paid.id)).id);
    const record = await platformRecord(inv.orderNo);
    // what the platform sent, stored and shown as it is
    expect(inv.qrCode).toBe(record.qrCode);
    expect(inv.checkCode).toBe("");
    const fields = (inv.qrCode as string).split(",");
    expect(fields).toHaveLength(8);
    const issuedOn = new Date((inv.issuedAt as Date).getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    expect(fields.slice(0, 7)).toEqual(["01", "32", "", inv.invoiceNo, "123.45", issuedOn.replace(/-/g, ""), ""]);
    expect(fields[7]).toMatch(/^[0-9A-F]{4}$/);
    const detail = await sup.api.get(`/api/v1/staff/invoices/${inv.id}`);
    expect(detail.body).toMatchObject({ qrCode: record.qrCode, docStatus: "stored", hasOfd: true, docError: null });
    expect(inv.pdfUrl).toBe(record.pdfUrl);
    expect(inv.ofdUrl).toBe(record.ofdUrl);
  });

  it("serves the platform's own PDF and OFD bytes, kept in the file storage", async () => {
    const account = await payableAccount();
    const paid = await cashPayment(account.id);
    const inv = await withDocuments((await invoiceOf(paid.id)).id);
    const record = await platformRecord(inv.orderNo);
    const platformPdf = Buffer.from(await (await fetch(record.pdfUrl as string)).arrayBuffer());
    const platformOfd = Buffer.from(await (await fetch(record.ofdUrl as string)).arrayBuffer());

    const link = await sup.api.post(`/api/v1/staff/invoices/${inv.id}/link`);
    expect(link.status).toBe(200);
    const served = Buffer.from(await (await fetch(`${srv.url}${link.body.url}`)).arrayBuffer());
    // the same bytes as the platform's document (a render of ours would differ: fonts, time, ids)
    expect(served).toEqual(await srv.deps.storage.get(inv.pdfKey as string));
    expect(served.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdfText(served)).toContain(inv.invoiceNo as string);
    expect(pdfText(served)).toBe(pdfText(platformPdf));

    const ofdLink = await sup.api.post(`/api/v1/staff/invoices/${inv.id}/link?kind=ofd`);
    expect(ofdLink.status).toBe(200);
    expect(ofdLink.body.url).toMatch(/\.ofd$/);
    const ofd = await fetch(`${srv.url}${ofdLink.body.url}`);
    expect(ofd.headers.get("content-type")).toBe("application/ofd");
    expect(Buffer.from(await ofd.arrayBuffer())).toEqual(platformOfd);
    expect((await sup.api.post(`/api/v1/staff/invoices/${inv.id}/link?kind=doc`)).status).toBe(400);
  });

  it("a download that fails is retried by the job: meanwhile 已开具 with 版式文件获取中 and no link", async () => {
    const account = await payableAccount();
    const me = await boundResident(account);
    await documentsSettled();
    await sandbox().post("/sandbox/einvoice/test/doc-fail-next", { mode: "unavailable", count: 1 });
    const paid = await cashPayment(account.id);
    const inv = await invoiceOf(paid.id);
    const first = await until(async () => {
      const r = await srv.deps.ds.getRepository(Invoice).findOneBy({ id: inv.id });
      return r && r.docAttempts >= 1 && r.docStatus === "fetching" && r.docError ? r : null;
    });
    expect(first.docError).toContain("HTTP 503");
    const view = await me.api.get(`/api/v1/me/invoices/${inv.id}`);
    expect(view.body).toMatchObject({ status: "issued", docStatus: "fetching", hasOfd: false });
    const noLink = await me.api.post(`/api/v1/me/invoices/${inv.id}/link`);
    expect(noLink.status).toBe(409);
    expect(noLink.body.error).toMatchObject({
      code: "INVOICE_DOCUMENT_PENDING",
      message: expect.stringContaining("版式文件获取中"),
    });
    // the outbox retries (2 s backoff) and the second download is kept
    const kept = await withDocuments(inv.id);
    expect(kept.docAttempts).toBe(2);
    expect(kept.docError).toBeNull();
    const link = await me.api.post(`/api/v1/me/invoices/${inv.id}/link`);
    expect(link.status).toBe(200);
    expect((await fetch(`${srv.url}${link.body.url}`)).status).toBe(200);
  });

  it("something that is not the document is not stored: an alert for the supervisors, then a retry", async () => {
    const account = await payableAccount();
    await documentsSettled();
    await sandbox().post("/sandbox/einvoice/test/doc-fail-next", { mode: "wrong_type", count: 1 });
    const paid = await cashPayment(account.id);
    const inv = await invoiceOf(paid.id);
    const alert = await until(() =>
      srv.deps.ds.getRepository(StaffAlert).findOneBy({ kind: "invoice_document", subjectId: inv.id }),
    );
    expect(alert.title).toContain(inv.invoiceNo as string);
    expect(alert.body).toContain("text/html");
    const rejected = await srv.deps.ds.getRepository(Invoice).findOneByOrFail({ id: inv.id });
    if (rejected.docStatus !== "stored") {
      // between the rejection and the retry the row says why, unless the retry has already begun (error cleared)
      if (rejected.docError !== null) expect(rejected.docError).toContain("不合格");
      expect(await srv.deps.storage.get(documentKey(inv.invoiceNo as string, "pdf"))).toBeNull();
    }
    const kept = await withDocuments(inv.id);
    const stored = (await srv.deps.storage.get(kept.pdfKey as string)) as Buffer;
    expect(stored.subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("the sandbox platform without documents: a stand-in rendered here, marked 沙箱样张", async () => {
    const account = await payableAccount();
    await documentsSettled();
    await sandbox().post("/sandbox/einvoice/test/doc-fail-next", { mode: "no_document", count: 1 });
    const paid = await cashPayment(account.id);
    const inv = await withDocuments((await invoiceOf(paid.id)).id, "specimen");
    expect(inv.pdfUrl).toBeNull();
    expect(inv.pdfKey).toBe(documentKey(inv.invoiceNo as string, "pdf", true));
    const detail = await sup.api.get(`/api/v1/staff/invoices/${inv.id}`);
    expect(detail.body).toMatchObject({ docStatus: "specimen", hasOfd: false });
    const link = await sup.api.post(`/api/v1/staff/invoices/${inv.id}/link`);
    const file = await fetch(`${srv.url}${link.body.url}`);
    expect(file.headers.get("content-disposition")).toContain("specimen");
    const text = pdfText(Buffer.from(await file.arrayBuffer()));
    expect(text).toContain("沙箱样张，非正式发票");
    expect(text).toContain(inv.invoiceNo as string);
    expect((await sup.api.post(`/api/v1/staff/invoices/${inv.id}/link?kind=ofd`)).status).toBe(404);
  });

  it("a real platform that names no document is asked again, never stood in for; the job is idempotent", async () => {
    const account = await payableAccount();
    await documentsSettled();
    await sandbox().post("/sandbox/einvoice/test/doc-fail-next", { mode: "no_document", count: 1 });
    const paid = await cashPayment(account.id);
    // stop the sandbox fallback from running first: the invoice as a real platform would leave it
    const issued = await invoiceOf(paid.id);
    await until(async () => {
      const r = await srv.deps.ds.getRepository(Invoice).findOneBy({ id: issued.id });
      return r?.docStatus === "specimen" ? r : null;
    });
    await srv.deps.ds
      .getRepository(Invoice)
      .update({ id: issued.id }, { docStatus: "fetching", pdfKey: null, docAttempts: 0, docError: null });
    const p = srv.deps.einvoice;
    const real = {
      ...srv.deps,
      einvoice: {
        name: p.name,
        sandbox: false,
        issue: (r: Parameters<typeof p.issue>[0]) => p.issue(r),
        query: (o: string) => p.query(o),
        deliver: (s: string, to: { email?: string; phone?: string }) => p.deliver(s, to),
        download: (u: string, k: "pdf" | "ofd") => p.download(u, k),
        parseCallback: (b: string, h: Record<string, string | string[] | undefined>) => p.parseCallback(b, h),
      },
    };
    await expect(fetchInvoiceDocuments(real, issued.id)).rejects.toThrow(/尚未提供版式文件/);
    const waiting = await srv.deps.ds.getRepository(Invoice).findOneByOrFail({ id: issued.id });
    expect(waiting).toMatchObject({ docStatus: "fetching", pdfKey: null });
    expect(waiting.docError).toContain("尚未提供");
    expect((await sup.api.post(`/api/v1/staff/invoices/${issued.id}/link`)).body.error.code).toBe(
      "INVOICE_DOCUMENT_PENDING",
    );

    // the platform now names its documents: two runs at once keep one copy, stored once
    const record = await platformRecord(issued.orderNo);
    await srv.deps.ds
      .getRepository(Invoice)
      .update({ id: issued.id }, { pdfUrl: `${srv.url}/sandbox/einvoice/files/${"x".repeat(32)}.pdf` });
    expect(record.pdfUrl).toBeNull();
    await expect(fetchInvoiceDocuments(real, issued.id)).rejects.toThrow(/HTTP 404/);
    // a document from another invoice of the platform stands for "now available" here
    const other = await withDocuments((await invoiceOf((await cashPayment((await payableAccount()).id)).id)).id);
    await srv.deps.ds.getRepository(Invoice).update({ id: issued.id }, { pdfUrl: other.pdfUrl, ofdUrl: other.ofdUrl });
    await Promise.all([fetchInvoiceDocuments(real, issued.id), fetchInvoiceDocuments(real, issued.id)]);
    const kept = await srv.deps.ds.getRepository(Invoice).findOneByOrFail({ id: issued.id });
    expect(kept).toMatchObject({ docStatus: "stored", docError: null });
    expect(kept.pdfKey).toBe(documentKey(issued.invoiceNo as string, "pdf"));
    // the platform renders each download afresh (its creation time differs): compare what it says
    const stored = (await srv.deps.storage.get(kept.pdfKey as string)) as Buffer;
    expect(pdfText(stored)).toBe(pdfText((await srv.deps.storage.get(other.pdfKey as string)) as Buffer));
    expect(await srv.deps.storage.get(kept.ofdKey as string)).toEqual(
      await srv.deps.storage.get(other.ofdKey as string),
    );
  });

  it("staff start the fetch again after the job gave up", async () => {
    const account = await payableAccount();
    const paid = await cashPayment(account.id);
    const inv = await withDocuments((await invoiceOf(paid.id)).id);
    expect((await sup.api.post(`/api/v1/staff/invoices/${inv.id}/refetch-documents`)).body.docStatus).toBe("stored");
    await srv.deps.ds
      .getRepository(Invoice)
      .update({ id: inv.id }, { docStatus: "failed", pdfKey: null, ofdKey: null, docError: "版式文件获取失败：x" });
    const agent = await staffLogin(srv.url, "hotline_agent", DEMO_PASSWORD);
    expect((await agent.api.post(`/api/v1/staff/invoices/${inv.id}/refetch-documents`)).status).toBe(403);
    const again = await sup.api.post(`/api/v1/staff/invoices/${inv.id}/refetch-documents`);
    expect(again.status).toBe(200);
    expect(again.body.docStatus).toBe("fetching");
    expect((await sup.api.post(`/api/v1/staff/invoices/${inv.id}/refetch-documents`)).body.error.code).toBe(
      "INVOICE_DOCUMENT_PENDING",
    );
    await withDocuments(inv.id);
  });
});

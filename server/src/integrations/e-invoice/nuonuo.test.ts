import { createHmac } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import Router from "@koa/router";
import { type InvoiceItem, roundHalfUp } from "@warmline/shared";
import Koa from "koa";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config";
import { bodyParser } from "../../http/body";
import { mountSandboxes } from "../../sandboxes";
import {
  createNuonuoProvider,
  DOCUMENT_MAX_BYTES,
  downloadDocument,
  issueResultOf,
  NuonuoProvider,
  type NuonuoProviderOptions,
  nuonuoSign,
} from "./nuonuo";
import {
  DocumentRejectedError,
  DocumentUnavailableError,
  EInvoiceRejectedError,
  EInvoiceUnavailableError,
  type IssueRequest,
  type IssueResult,
} from "./provider";
import {
  EINVOICE_API_PATH,
  type EInvoiceSandbox,
  mountEInvoiceSandbox,
  SANDBOX_DOCUMENT_MARK,
  SANDBOX_FAIL_CAUSE,
} from "../../sandboxes/e-invoice/sandbox";
import { closeServer, listen } from "../../sandboxes/testing/server";

const APP_KEY = "test-app-key";
const APP_SECRET = "test-app-secret-0123";
const ACCESS_TOKEN = "test-access-token";
const SELLER_TAX_ID = "91620722MA73XB0TXY";
const COMPANY_TAX_ID = "91620702MA71ABCD8D";
const TAX_CODE = "1100301030000000000";

let server: http.Server;
let base: string;
let sandbox: EInvoiceSandbox;
/** every request the client sent, as it went over the wire */
const wire: { headers: Headers; body: string }[] = [];

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}
let receiver: http.Server;
let receiverUrl: string;
const received: Received[] = [];
/** HTTP statuses the callback receiver answers, in turn; 200 when used up */
let receiverAnswers: number[] = [];

beforeAll(async () => {
  // mounted the way app.ts mounts the sandboxes: behind the app's body parser
  const app = new Koa();
  const router = new Router();
  sandbox = mountEInvoiceSandbox(router, {
    appKey: APP_KEY,
    appSecret: APP_SECRET,
    accessToken: ACCESS_TOKEN,
    sellerTaxId: SELLER_TAX_ID,
    resultDelayMs: 80,
    slowMs: 1500,
    callbackRetryDelaysMs: [30, 60],
    renderPdf: async (r) => specimenPdf(r.invoiceNo ?? ""),
  });
  app.use(bodyParser());
  app.use(router.routes());
  app.use(router.allowedMethods());
  server = http.createServer(app.callback());
  base = await listen(server);

  receiver = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
    res.writeHead(receiverAnswers.shift() ?? 200, { "content-type": "application/json" });
    res.end('{"code":"0000"}');
  });
  receiverUrl = `${await listen(receiver)}/api/v1/notify/einvoice`;
});
afterAll(async () => {
  sandbox.close();
  await closeServer(server);
  await closeServer(receiver);
});
afterEach(() => {
  sandbox.reset();
  sandbox.setResultDelay(80);
  wire.length = 0;
  received.length = 0;
  receiverAnswers = [];
});

function provider(over: Partial<NuonuoProviderOptions> = {}): NuonuoProvider {
  return new NuonuoProvider({
    apiBase: `${base}${EINVOICE_API_PATH}`,
    appKey: APP_KEY,
    appSecret: APP_SECRET,
    accessToken: ACCESS_TOKEN,
    sellerTaxId: SELLER_TAX_ID,
    timeoutMs: 3000,
    fetch: async (input, init) => {
      wire.push({ headers: new Headers(init?.headers), body: String(init?.body ?? "") });
      return fetch(input, init);
    },
    ...over,
  });
}

/** what the sandbox serves as an invoice's PDF in these tests (a stand-in for the renderer) */
function specimenPdf(invoiceNo: string): Buffer {
  return Buffer.from(`%PDF-1.4\n% ${SANDBOX_DOCUMENT_MARK} ${invoiceNo}\n${"0".repeat(64)}\n%%EOF\n`, "utf8");
}

let serial = 0;
const orderNo = () => `WL${Date.now().toString(36)}${(serial++).toString().padStart(4, "0")}`.toUpperCase();

/** a heating line: exempt by default; taxable lines carry the tax inside the amount */
function item(amountFen: number, opts: Partial<InvoiceItem> & { rateBp?: number } = {}): InvoiceItem {
  const { rateBp = 0, ...o } = opts;
  const taxable = rateBp > 0;
  const abs = Math.abs(amountFen);
  const taxAbs = taxable ? abs - roundHalfUp(abs * 10_000, 10_000 + rateBp) : 0;
  return {
    name: "*供热*供暖费",
    spec: "2026-2027供热季",
    unit: null,
    quantity: null,
    unitPrice: null,
    amountFen,
    taxTreatment: taxable ? "taxable" : "exempt",
    taxRateBp: rateBp,
    taxFen: Math.sign(amountFen) * taxAbs,
    taxCode: TAX_CODE,
    ...o,
  };
}

function blue(items: InvoiceItem[], over: Partial<IssueRequest> = {}): IssueRequest {
  return {
    orderNo: orderNo(),
    kind: "blue",
    original: null,
    buyerKind: "personal",
    buyer: { name: "张三", taxId: null },
    seller: { name: "民乐县城区集中供热中心", taxId: SELLER_TAX_ID, address: "甘肃省张掖市民乐县洪水镇供热路1号" },
    clerk: "暖线系统",
    items,
    totalFen: items.reduce((s, i) => s + i.amountFen, 0),
    pushEmail: null,
    pushPhone: null,
    callbackUrl: null,
    remark: "户号1010110101",
    ...over,
  };
}

function red(of: { invoiceNo: string; buyer?: IssueRequest["buyer"] }, items: InvoiceItem[]): IssueRequest {
  return blue(items, {
    kind: "red",
    original: { invoiceNo: of.invoiceNo, issuedAt: new Date() },
    ...(of.buyer ? { buyer: of.buyer } : {}),
  });
}

/** the orders of every requestBillingNew sent, oldest first */
const sentOrders = () =>
  wire
    .filter((w) => w.headers.get("method") === "nuonuo.OpeMplatform.requestBillingNew")
    .map((w) => JSON.parse(w.body).order);

async function settle(p: NuonuoProvider, no: string, timeoutMs = 3000): Promise<IssueResult> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await p.query(no);
    if (r && r.status !== "pending") return r;
    if (Date.now() > until) throw new Error(`invoice ${no} still ${r?.status ?? "unknown"}`);
    await new Promise((res) => setTimeout(res, 20));
  }
}

async function issued(p: NuonuoProvider, req: IssueRequest) {
  const { serialNo } = await p.issue(req);
  const r = await settle(p, req.orderNo);
  if (r.status !== "issued" || r.serialNo !== serialNo) throw new Error(`expected issued, got ${JSON.stringify(r)}`);
  return r;
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e,
  );
}

async function rejected(p: Promise<unknown>): Promise<EInvoiceRejectedError> {
  const err = await caught(p);
  expect(err).toBeInstanceOf(EInvoiceRejectedError);
  return err as EInvoiceRejectedError;
}

async function waitFor<T>(check: () => T | undefined | false, what: string, timeoutMs = 3000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("the protocol on the wire", () => {
  it("signs base64(HMAC-SHA1(appSecret, a=services&l=v1&p=open&k&i&n&t&f)) over the exact body", async () => {
    const p = provider();
    const req = blue([item(12_345)]);
    await p.issue(req);
    const sent = wire[0];
    const h = (n: string) => sent.headers.get(n) ?? "";
    expect(h("method")).toBe("nuonuo.OpeMplatform.requestBillingNew");
    expect(h("accessToken")).toBe(ACCESS_TOKEN);
    expect(h("userTax")).toBe(SELLER_TAX_ID);
    expect(h("appKey")).toBe(APP_KEY);
    expect(h("senid")).toMatch(/^[0-9a-f]{32}$/);
    expect(h("nonce")).toMatch(/^\d{8}$/);
    expect(Math.abs(Number(h("timestamp")) - Date.now() / 1000)).toBeLessThan(5);
    // computed here independently of nuonuoSign
    const text = `a=services&l=v1&p=open&k=${APP_KEY}&i=${h("senid")}&n=${h("nonce")}&t=${h("timestamp")}&f=${sent.body}`;
    expect(h("X-Nuonuo-Sign")).toBe(createHmac("sha1", APP_SECRET).update(text, "utf8").digest("base64"));

    const { order } = JSON.parse(sent.body);
    expect(order).toMatchObject({
      orderNo: req.orderNo,
      invoiceType: "1",
      invoiceLine: "pc",
      buyerName: "张三",
      buyerTaxNum: "",
      naturalPersonFlag: "1",
      salerTaxNum: SELLER_TAX_ID,
      clerk: "暖线系统",
      pushMode: "-1",
      callBackUrl: "",
      remark: "户号1010110101",
    });
    expect(order.invoiceDate).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(order.invoiceDetail).toEqual([
      {
        goodsName: "*供热*供暖费",
        goodsCode: TAX_CODE,
        specType: "2026-2027供热季",
        unit: "",
        num: "",
        price: "",
        withTaxFlag: "1",
        taxIncludedAmount: "123.45",
        taxExcludedAmount: "123.45",
        tax: "0.00",
        taxRate: "0",
        favouredPolicyFlag: "1",
        favouredPolicyName: "免税",
        zeroRateFlag: "1",
        invoiceLineProperty: "0",
      },
    ]);
  });

  it("answers a wrong appSecret with E9106 签名错误 → EInvoiceRejectedError, and issues nothing", async () => {
    const req = blue([item(100)]);
    const err = await rejected(provider({ appSecret: "not-the-secret" }).issue(req));
    expect(err.code).toBe("E9106");
    expect(err.message).toBe("签名错误");
    expect(sandbox.records()).toHaveLength(0);
  });

  it("refuses a tampered body (the signature covers it) and other credentials", async () => {
    const tamper: typeof fetch = async (input, init) => {
      const body = String(init?.body).replace('"123.45"', '"123.46"');
      return fetch(input, { ...init, body });
    };
    expect((await rejected(provider({ fetch: tamper }).issue(blue([item(12_345)])))).code).toBe("E9106");
    expect((await rejected(provider({ accessToken: "stolen" }).issue(blue([item(1)])))).code).toBe("E9102");
    expect((await rejected(provider({ appKey: "other-app" }).issue(blue([item(1)])))).code).toBe("E9101");
    expect((await rejected(provider({ sellerTaxId: COMPANY_TAX_ID }).issue(blue([item(1)])))).code).toBe("E9107");
    const stale = provider({ now: () => Date.now() - 3600_000 });
    expect((await rejected(stale.issue(blue([item(1)])))).code).toBe("E9103");
    expect(sandbox.records()).toHaveLength(0);
  });
});

describe("blue invoices", () => {
  it("issue → pending → issued: a 20-digit 数电 number, no 校验码, the platform's QR content and documents", async () => {
    const p = provider();
    const req = blue([item(256_800)], {
      buyerKind: "company",
      buyer: { name: "民乐县某某商贸有限公司", taxId: COMPANY_TAX_ID },
    });
    sandbox.setResultDelay(60_000); // pending until completePending(), however slow the machine
    const { serialNo } = await p.issue(req);
    expect(serialNo).toMatch(/^\d{20}$/);
    expect(await p.query(req.orderNo)).toEqual({ status: "pending", serialNo });
    expect(await p.query(req.orderNo)).toEqual({ status: "pending", serialNo });
    sandbox.completePending();

    const before = Date.now();
    const r = await settle(p, req.orderNo);
    if (r.status !== "issued") throw new Error(`not issued: ${JSON.stringify(r)}`);
    const yy = String(new Date(Date.now() + 8 * 3600_000).getUTCFullYear()).slice(2);
    expect(r.invoiceNo).toMatch(new RegExp(`^${yy}622\\d{15}$`));
    // 数电: no 校验码; the QR content is the platform's: field 7 empty, field 8 its own 4-character code,
    // the amount is 价税合计 and the date the Beijing issue date
    expect(r.checkCode).toBe("");
    const ymd = new Date(r.issuedAt.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, "");
    expect(r.qrCode).toMatch(new RegExp(`^01,32,,${r.invoiceNo},2568\\.00,${ymd},,[0-9A-F]{4}$`));
    const rec0 = sandbox.byOrderNo(req.orderNo);
    expect(r.qrCode).toBe(rec0?.qrCode);
    expect(r.documents.pdfUrl).toMatch(new RegExp(`^${base}/sandbox/einvoice/files/[A-Za-z0-9_-]{32}\\.pdf$`));
    expect(r.documents.ofdUrl).toBe(r.documents.pdfUrl?.replace(/\.pdf$/, ".ofd"));
    expect(r.documents.xmlUrl).toBeNull();
    const pdf = await p.download(r.documents.pdfUrl as string, "pdf");
    expect(pdf.mime).toBe("application/pdf");
    expect(pdf.bytes).toEqual(specimenPdf(r.invoiceNo));
    const ofd = await p.download(r.documents.ofdUrl as string, "ofd");
    expect(ofd.mime).toBe("application/ofd");
    expect(ofd.bytes.subarray(0, 4).toString("latin1")).toBe("PK\u0003\u0004");
    expect(ofd.bytes.toString("utf8")).toContain(SANDBOX_DOCUMENT_MARK);
    expect(ofd.bytes.toString("utf8")).toContain("OFD.xml");
    expect(r.serialNo).toBe(serialNo);
    expect(r.issuedAt.getTime()).toBeGreaterThan(before - 1000);
    expect(r.issuedAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await p.queryBySerial(serialNo)).toEqual(r);

    const rec = sandbox.byOrderNo(req.orderNo);
    expect(rec).toMatchObject({ kind: "blue", buyerTaxNum: COMPANY_TAX_ID, naturalPerson: false, totalFen: 256_800 });
  });

  it("numbers invoices in sequence", async () => {
    const p = provider();
    const a = await issued(p, blue([item(100)]));
    const b = await issued(p, blue([item(200)]));
    expect(BigInt(b.invoiceNo) - BigInt(a.invoiceNo)).toBe(1n);
  });

  it("the same orderNo twice is one invoice with one serial, before and after it is issued", async () => {
    const p = provider();
    const req = blue([item(5000)]);
    const [first, second] = await Promise.all([p.issue(req), p.issue(req)]);
    expect(second.serialNo).toBe(first.serialNo);
    const r = await settle(p, req.orderNo);
    expect(r.status).toBe("issued");
    expect((await p.issue(req)).serialNo).toBe(first.serialNo);
    expect(sandbox.records()).toHaveLength(1);
  });

  it("query of an unknown orderNo is null", async () => {
    expect(await provider().query("NO-SUCH-ORDER")).toBeNull();
    expect(await provider().queryBySerial("00000000000000000000")).toBeNull();
  });

  it("carries amounts exactly: 0.01 and 1000001.05 yuan, quantity × price, a 9 % line", async () => {
    const p = provider();
    const big = item(100_000_105, { rateBp: 900 });
    const req = blue([
      item(1),
      big,
      item(205_200, { unit: "平方米", quantity: "85.50", unitPrice: "24.00", taxTreatment: "non_taxable" }),
    ]);
    await issued(p, req);
    const lines = JSON.parse(wire[0].body).order.invoiceDetail;
    expect(lines.map((l: { taxIncludedAmount: string }) => l.taxIncludedAmount)).toEqual([
      "0.01",
      "1000001.05",
      "2052.00",
    ]);
    // 1000001.05 × 9 / 109 = 82568.89 (half up), computed in fen by the test's item()
    expect(big.taxFen).toBe(8_256_889);
    expect(lines[1]).toMatchObject({
      taxRate: "0.09",
      favouredPolicyFlag: "0",
      zeroRateFlag: "",
      tax: "82568.89",
      taxExcludedAmount: "917432.16",
    });
    expect(lines[2]).toMatchObject({ num: "85.50", price: "24.00", favouredPolicyName: "不征税", zeroRateFlag: "2" });
    const rec = sandbox.byOrderNo(req.orderNo)!;
    expect(rec.lines.map((l) => l.amountFen)).toEqual([1, 100_000_105, 205_200]);
    expect(rec.lines[1].taxFen).toBe(big.taxFen);
    expect(rec.totalFen).toBe(1 + 100_000_105 + 205_200);
    // and in the sandbox's listing over HTTP
    const res = await fetch(`${base}/sandbox/einvoice/test/invoices`);
    const listed = (await res.json()) as { invoices: { orderNo: string; totalFen: number }[] };
    expect(listed.invoices.find((i) => i.orderNo === req.orderNo)?.totalFen).toBe(100_205_306);
  });

  it("refuses what the platform refuses", async () => {
    const p = provider();
    const company = { buyerKind: "company" as const, buyer: { name: "民乐县某某商贸有限公司", taxId: null } };
    const noTaxId = await rejected(p.issue(blue([item(100)], company)));
    expect(noTaxId.code).toBe("E1004");
    expect(noTaxId.message).toBe("购方为单位时，购方税号不能为空");
    const badTaxId = { ...company, buyer: { ...company.buyer, taxId: "91620702MA71ABCD1X" } };
    expect((await rejected(p.issue(blue([item(100)], badTaxId)))).code).toBe("E1005");
    // a tax amount that does not fit the rate
    expect((await rejected(p.issue(blue([item(10_900, { rateBp: 900, taxFen: 100 })])))).code).toBe("E1103");
    // quantity × price off by more than 0.01
    const off = item(205_202, { quantity: "85.50", unitPrice: "24.00" });
    expect((await rejected(p.issue(blue([off])))).code).toBe("E1104");
    expect((await rejected(p.issue(blue([item(100)], { seller: { name: "x", taxId: COMPANY_TAX_ID } })))).code).toBe(
      "E1006",
    );
    expect((await rejected(p.issue(blue([item(100)], { orderNo: "X".repeat(21) })))).code).toBe("E1001");
    expect(sandbox.records()).toHaveLength(0);
  });

  it("checks the total against the lines before sending anything", async () => {
    const req = { ...blue([item(100), item(200)]), totalFen: 301 };
    const err = await rejected(provider().issue(req));
    expect(err.code).toBe("LOCAL_TOTAL_MISMATCH");
    expect(wire).toHaveLength(0);
  });
});

describe("issued results as Nuonuo returns them", () => {
  // the shape of a real queryInvoiceResult entry of a 数电普票 (a public sample; addresses shortened)
  const entry = {
    serialNo: "24080518065402849336",
    orderNo: "1820393299983601664",
    status: "2",
    statusMsg: "开票完成（最终状态）",
    failCause: "",
    pdfUrl: "https://inv.jss.com.cn/fp2/LwTeg.pdf",
    ofdUrl: "https://inv.jss.com.cn/fp2/LwTeg.ofd",
    pictureUrl: "nnfp.jss.com.cn/955r7q2Jk2-R37K",
    invoiceTime: 1722852414000,
    invoiceCode: "",
    invoiceNo: "20882408051806541460",
    allElectronicInvoiceNumber: "20882408051806541460",
    exTaxAmount: "0.01",
    taxAmount: "0.00",
    orderAmount: "0.01",
    invoiceKind: "电子发票(普通发票)",
    checkCode: "",
    qrCode: "01,32,,20882408051806541460,0.01,20240805,,649C",
  };

  it("keep the platform's QR content and document addresses exactly as given", () => {
    expect(issueResultOf(entry)).toEqual({
      status: "issued",
      serialNo: entry.serialNo,
      invoiceNo: "20882408051806541460",
      issuedAt: new Date(1722852414000),
      checkCode: "",
      qrCode: "01,32,,20882408051806541460,0.01,20240805,,649C",
      documents: { pdfUrl: entry.pdfUrl, ofdUrl: entry.ofdUrl, xmlUrl: null },
    });
  });

  it("数电纸票: the 20-digit number is the identity; junk addresses and QR contents are dropped", () => {
    const r = issueResultOf({
      ...entry,
      invoiceNo: "12345678",
      pdfUrl: "javascript:alert(1)",
      ofdUrl: "",
      qrCode: "01,32,\n<script>",
    });
    expect(r).toMatchObject({
      invoiceNo: "20882408051806541460",
      qrCode: null,
      documents: { pdfUrl: null, ofdUrl: null, xmlUrl: null },
    });
  });
});

describe("documents", () => {
  const served = (
    body: ConstructorParameters<typeof Response>[0] | null,
    headers: Record<string, string>,
    status = 200,
  ) => (async () => new Response(body, { status, headers })) as unknown as typeof fetch;
  const PDF = Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(200, 0x20)]);

  it("a PDF served as application/pdf (or octet-stream) is taken; the bytes are the platform's", async () => {
    const a = await downloadDocument("https://x.example/a.pdf", "pdf", {
      fetch: served(PDF, { "content-type": "application/pdf; charset=binary" }),
    });
    expect(a).toEqual({ kind: "pdf", bytes: PDF, mime: "application/pdf" });
    const b = await downloadDocument("https://x.example/a.pdf", "pdf", {
      fetch: served(PDF, { "content-type": "application/octet-stream" }),
    });
    expect(b.bytes).toEqual(PDF);
  });

  it("the wrong type, wrong bytes, too small or too large are rejected, never returned", async () => {
    const cases: [ConstructorParameters<typeof Response>[0], Record<string, string>][] = [
      ["<html>维护中</html>".repeat(10), { "content-type": "text/html; charset=utf-8" }],
      [Buffer.concat([Buffer.from("GIF89a"), Buffer.alloc(200)]), { "content-type": "application/pdf" }],
      [Buffer.from("%PDF-1.7"), { "content-type": "application/pdf" }],
      [PDF, { "content-type": "application/pdf", "content-length": String(DOCUMENT_MAX_BYTES + 1) }],
      [PDF, {}],
    ];
    for (const [body, headers] of cases) {
      await expect(
        downloadDocument("https://x.example/a.pdf", "pdf", { fetch: served(body, headers) }),
        JSON.stringify(headers),
      ).rejects.toBeInstanceOf(DocumentRejectedError);
    }
    // an OFD must be a ZIP package
    await expect(
      downloadDocument("https://x.example/a.ofd", "ofd", { fetch: served(PDF, { "content-type": "application/ofd" }) }),
    ).rejects.toBeInstanceOf(DocumentRejectedError);
    // a real platform's documents come over https only
    await expect(downloadDocument("http://x.example/a.pdf", "pdf", { fetch: served(PDF, {}) })).rejects.toBeInstanceOf(
      DocumentRejectedError,
    );
  });

  it("404, 503 and network errors are unavailable (retried later)", async () => {
    for (const status of [404, 503, 429]) {
      await expect(
        downloadDocument("https://x.example/a.pdf", "pdf", { fetch: served("busy", {}, status) }),
      ).rejects.toBeInstanceOf(DocumentUnavailableError);
    }
    const broken = (async () => {
      throw new TypeError("fetch failed");
    }) as unknown as typeof fetch;
    await expect(downloadDocument("https://x.example/a.pdf", "pdf", { fetch: broken })).rejects.toBeInstanceOf(
      DocumentUnavailableError,
    );
  });

  it("the sandbox's document faults: 503, an HTML page, an invoice without documents", async () => {
    const p = provider();
    const r = await issued(p, blue([item(1000)]));
    if (r.status !== "issued") throw new Error("not issued");
    sandbox.failNextDocument("unavailable");
    await expect(p.download(r.documents.pdfUrl as string, "pdf")).rejects.toBeInstanceOf(DocumentUnavailableError);
    sandbox.failNextDocument("wrong_type");
    await expect(p.download(r.documents.pdfUrl as string, "pdf")).rejects.toBeInstanceOf(DocumentRejectedError);
    expect((await p.download(r.documents.pdfUrl as string, "pdf")).bytes).toEqual(specimenPdf(r.invoiceNo));
    expect(sandbox.downloads.map((d) => d.status)).toEqual([503, 200, 200]);
    sandbox.failNextDocument("no_document");
    const bare = await issued(p, blue([item(1000)]));
    expect(bare).toMatchObject({ status: "issued", documents: { pdfUrl: null, ofdUrl: null } });
    if (bare.status === "issued") expect(bare.qrCode).toMatch(/^01,32,,\d{20},10\.00,\d{8},,[0-9A-F]{4}$/);
    // an unknown token is 404
    const unknown = `${base}/sandbox/einvoice/files/${"A".repeat(32)}.pdf`;
    await expect(p.download(unknown, "pdf")).rejects.toBeInstanceOf(DocumentUnavailableError);
  });

  it("the client knows a sandbox platform by its address", () => {
    expect(provider().sandbox).toBe(true);
    expect(provider({ apiBase: "https://sdk.nuonuo.com/open/v1/services" }).sandbox).toBe(false);
  });
});

describe("result callbacks", () => {
  it("posts a signed callback (retried after a failure) that parseCallback verifies", async () => {
    const p = provider();
    receiverAnswers = [500];
    const req = blue([item(8800)], { callbackUrl: receiverUrl });
    const { serialNo } = await p.issue(req);
    await waitFor(() => received.length >= 2, "the retried callback");
    const r = await settle(p, req.orderNo);
    expect(r.status).toBe("issued");

    const cb = received[1];
    expect(cb.headers.method).toBe("nuonuo.callback");
    expect(cb.headers.accesstoken).toBeUndefined();
    expect(JSON.parse(cb.body)).toMatchObject({ orderNo: req.orderNo, serialNo, status: "2" });
    expect(p.parseCallback(cb.body, cb.headers)).toEqual(r);
    // the first (refused) attempt was signed the same way
    expect(p.parseCallback(received[0].body, received[0].headers)).toEqual(r);
    const attempts = await waitFor(
      () =>
        sandbox.byOrderNo(req.orderNo)?.callbacks.length === 2 ? sandbox.byOrderNo(req.orderNo)?.callbacks : false,
      "two recorded attempts",
    );
    expect(attempts.map((a) => a.status)).toEqual([500, 200]);
  });

  it("rejects tampered or foreign callbacks", async () => {
    const p = provider();
    const req = blue([item(8800)], { callbackUrl: receiverUrl });
    await p.issue(req);
    const cb = await waitFor(() => received[0], "the callback");
    expect(p.parseCallback(cb.body, cb.headers)).not.toBeNull();

    // one byte of the body flipped
    const bytes = Buffer.from(cb.body, "utf8");
    const at = bytes.indexOf(Buffer.from('"status":"2"')) + 10;
    bytes[at] ^= 0x01; // "2" → "3"
    expect(p.parseCallback(bytes.toString("utf8"), cb.headers)).toBeNull();
    // one character of the signature flipped
    const sig = String(cb.headers["x-nuonuo-sign"]);
    const flipped = `${sig[0] === "A" ? "B" : "A"}${sig.slice(1)}`;
    expect(p.parseCallback(cb.body, { ...cb.headers, "x-nuonuo-sign": flipped })).toBeNull();
    // a receiver holding another secret, another app key
    expect(provider({ appSecret: "another-secret-123" }).parseCallback(cb.body, cb.headers)).toBeNull();
    expect(provider({ appKey: "another-app" }).parseCallback(cb.body, cb.headers)).toBeNull();
    // re-signed by someone with the right key but for another seller, or as an API call
    const resigned = (over: Record<string, string>, body = cb.body) => {
      const h = { ...cb.headers, ...over } as Record<string, string>;
      h["x-nuonuo-sign"] = nuonuoSign(APP_SECRET, {
        appKey: h.appkey,
        senid: h.senid,
        nonce: h.nonce,
        timestamp: h.timestamp,
        body,
      });
      return h;
    };
    expect(p.parseCallback(cb.body, resigned({}))).not.toBeNull();
    expect(p.parseCallback(cb.body, resigned({ usertax: COMPANY_TAX_ID }))).toBeNull();
    expect(p.parseCallback(cb.body, resigned({ method: "nuonuo.OpeMplatform.requestBillingNew" }))).toBeNull();
    expect(p.parseCallback(cb.body, resigned({ timestamp: String(Math.floor(Date.now() / 1000) - 3600) }))).toBeNull();
    // missing headers, not JSON
    expect(p.parseCallback(cb.body, {})).toBeNull();
    expect(p.parseCallback("not json", resigned({}, "not json"))).toBeNull();
    expect(
      p.parseCallback('{"serialNo":"1","status":"99"}', resigned({}, '{"serialNo":"1","status":"99"}')),
    ).toBeNull();
  });

  it("gives up after the retries without throwing out of the timers", async () => {
    const closed = http.createServer();
    const url = await listen(closed);
    await closeServer(closed);
    const req = blue([item(100)], { callbackUrl: `${url}/gone` });
    await provider().issue(req);
    const attempts = await waitFor(
      () =>
        sandbox.byOrderNo(req.orderNo)?.callbacks.length === 3 ? sandbox.byOrderNo(req.orderNo)?.callbacks : false,
      "three failed attempts",
    );
    expect(attempts.every((a) => a.status === null && a.error)).toBe(true);
    await new Promise((r) => setTimeout(r, 150));
    expect(sandbox.byOrderNo(req.orderNo)?.callbacks).toHaveLength(3);
    expect(sandbox.byOrderNo(req.orderNo)?.status).toBe("2");
  });
});

describe("red invoices", () => {
  it("reverse an issued blue invoice, never beyond what is left of it", async () => {
    const p = provider();
    const b = await issued(p, blue([item(10_000)]));
    const r1 = await issued(p, red(b, [item(-3000)]));
    expect(r1.invoiceNo).not.toBe(b.invoiceNo);
    const sent = sentOrders()[1];
    expect(sent).toMatchObject({ invoiceType: "2", invoiceNum: b.invoiceNo, invoiceCode: "" });
    expect(sent.invoiceDetail[0].taxIncludedAmount).toBe("-30.00");
    expect(sandbox.remainingFen(b.invoiceNo)).toBe(7000);

    const over = await rejected(p.issue(red(b, [item(-7001)])));
    expect(over.code).toBe("E1204");
    expect(over.message).toBe("红冲金额（70.01元）超过蓝字发票剩余可冲红金额（70.00元）");
    // the rest, while still issuing, already counts: nothing more can be reversed
    const rest = red(b, [item(-7000)]);
    await p.issue(rest);
    expect((await rejected(p.issue(red(b, [item(-1)])))).code).toBe("E1204");
    // resending the accepted red request is not a second reversal
    await p.issue(rest);
    expect((await settle(p, rest.orderNo)).status).toBe("issued");
    expect(sandbox.remainingFen(b.invoiceNo)).toBe(0);
  });

  it("a failed red invoice frees its amount again", async () => {
    const p = provider();
    const b = await issued(p, blue([item(500)]));
    sandbox.failNext("fail_result");
    const failed = red(b, [item(-500)]);
    await p.issue(failed);
    expect(await settle(p, failed.orderNo)).toMatchObject({ status: "failed" });
    expect((await issued(p, red(b, [item(-500)]))).status).toBe("issued");
  });

  it("must name an issued blue invoice of this seller, for the same buyer", async () => {
    const p = provider();
    expect((await rejected(p.issue(red({ invoiceNo: "26622000000999999999" }, [item(-100)])))).code).toBe("E1202");
    const b = await issued(p, blue([item(1000)]));
    const other = { name: "李四", taxId: null };
    expect((await rejected(p.issue(red({ invoiceNo: b.invoiceNo, buyer: other }, [item(-100)])))).code).toBe("E1205");
    // a red invoice with positive lines
    expect((await rejected(p.issue({ ...red(b, [item(100)]), totalFen: 100 }))).code).toBe("E1106");
    // a red invoice cannot reverse a red one
    const r = await issued(p, red(b, [item(-100)]));
    expect((await rejected(p.issue(red(r, [item(-50)])))).code).toBe("E1202");
  });

  it("sends the quantity negative and the price positive on red lines", async () => {
    const p = provider();
    const line = { unit: "平方米", quantity: "85.50", unitPrice: "24.00" };
    const b = await issued(p, blue([item(205_200, line)]));
    await issued(p, red(b, [item(-205_200, line)]));
    const detail = sentOrders()[1].invoiceDetail[0];
    expect(detail).toMatchObject({ num: "-85.50", price: "24.00", taxIncludedAmount: "-2052.00" });
  });
});

describe("failures", () => {
  it("unavailable (HTTP 503) → EInvoiceUnavailableError, once", async () => {
    const p = provider();
    sandbox.failNext("unavailable");
    const req = blue([item(100)]);
    expect(await caught(p.issue(req))).toBeInstanceOf(EInvoiceUnavailableError);
    expect(sandbox.records()).toHaveLength(0);
    await p.issue(req);
    expect(sandbox.records()).toHaveLength(1);
  });

  it("rate limit (E9500) → EInvoiceUnavailableError, also on queries", async () => {
    const p = provider();
    sandbox.failNext("rate_limit", 2);
    expect(await caught(p.issue(blue([item(100)])))).toBeInstanceOf(EInvoiceUnavailableError);
    expect(await caught(p.query("ANY"))).toBeInstanceOf(EInvoiceUnavailableError);
    expect(await p.query("ANY")).toBeNull();
  });

  it("reject → EInvoiceRejectedError with the platform's code and message", async () => {
    const p = provider();
    sandbox.failNext("reject");
    // a query does not use up a fault meant for issuing
    expect(await p.query("ANY")).toBeNull();
    const err = await rejected(p.issue(blue([item(100)])));
    expect(err.code).toBe("E1301");
    expect(err.message).toBe("销方可用授信额度不足，无法开具");
    expect(sandbox.records()).toHaveLength(0);
  });

  it("fail_result → accepted, then failed with the platform's cause (also in the callback)", async () => {
    const p = provider();
    sandbox.failNext("fail_result");
    const req = blue([item(100)], { callbackUrl: receiverUrl });
    const { serialNo } = await p.issue(req);
    expect(await settle(p, req.orderNo)).toEqual({ status: "failed", serialNo, reason: SANDBOX_FAIL_CAUSE });
    const cb = await waitFor(() => received[0], "the callback");
    expect(p.parseCallback(cb.body, cb.headers)).toEqual({
      status: "failed",
      serialNo,
      reason: "税局系统繁忙，开具失败",
    });
  });

  it("slow → a timeout is EInvoiceUnavailableError; the retry finds the invoice the slow request made", async () => {
    sandbox.failNext("slow", 1, { delayMs: 800 });
    const req = blue([item(100)]);
    const err = await caught(provider({ timeoutMs: 150 }).issue(req));
    expect(err).toBeInstanceOf(EInvoiceUnavailableError);
    expect((err as Error).message).toMatch(/timed out/);
    const again = await provider().issue(req);
    expect(sandbox.records().map((r) => r.serialNo)).toEqual([again.serialNo]);
  });

  it("network errors and HTTP 5xx are unavailable; a wrong endpoint (404) is rejected", async () => {
    const closed = http.createServer();
    const url = await listen(closed);
    await closeServer(closed);
    expect(await caught(provider({ apiBase: `${url}/x` }).issue(blue([item(1)])))).toBeInstanceOf(
      EInvoiceUnavailableError,
    );
    const status =
      (code: number): typeof fetch =>
      async () =>
        new Response("<html>gateway</html>", { status: code });
    expect(await caught(provider({ fetch: status(502) }).query("X"))).toBeInstanceOf(EInvoiceUnavailableError);
    expect(await caught(provider({ fetch: status(200) }).query("X"))).toBeInstanceOf(EInvoiceUnavailableError);
    const notFound = await rejected(provider({ apiBase: `${base}/sandbox/einvoice/nothing` }).query("X"));
    expect(notFound.code).toBe("HTTP_404");
  });
});

describe("delivery", () => {
  it("sends an issued invoice again by e-mail or SMS", async () => {
    const p = provider();
    sandbox.setResultDelay(60_000);
    const { serialNo: pendingSerial } = await p.issue(blue([item(100)]));
    expect((await rejected(p.deliver(pendingSerial, { email: "a@example.com" }))).code).toBe("LOCAL_NOT_ISSUED");
    sandbox.setResultDelay(80);

    const b = await issued(p, blue([item(100)]));
    await p.deliver(b.serialNo, { email: "zhangsan@example.com" });
    await p.deliver(b.serialNo, { phone: "13800000000" });
    expect(sandbox.deliveries).toEqual([
      expect.objectContaining({
        serialNo: b.serialNo,
        invoiceNum: b.invoiceNo,
        mail: "zhangsan@example.com",
        phone: null,
      }),
      expect.objectContaining({ serialNo: b.serialNo, invoiceNum: b.invoiceNo, mail: null, phone: "13800000000" }),
    ]);
    expect((await rejected(p.deliver(b.serialNo, { email: "not-an-address" }))).code).toBe("E1504");
    expect((await rejected(p.deliver(b.serialNo, {}))).code).toBe("LOCAL_NO_RECIPIENT");
    expect((await rejected(p.deliver("00000000000000000000", { email: "a@example.com" }))).code).toBe(
      "LOCAL_UNKNOWN_SERIAL",
    );
  });

  it("passes push e-mail and phone with the order", async () => {
    const p = provider();
    const req = blue([item(100)], { pushEmail: "zhangsan@example.com", pushPhone: "13800000000" });
    await p.issue(req);
    expect(JSON.parse(wire[0].body).order).toMatchObject({
      pushMode: "2",
      email: "zhangsan@example.com",
      buyerPhone: "13800000000",
    });
    expect((await rejected(p.issue(blue([item(100)], { pushPhone: "12345" })))).code).toBe("E1013");
  });
});

describe("test controls over HTTP", () => {
  it("fail-next, invoices and reset", async () => {
    const post = (p: string, body: unknown) =>
      fetch(`${base}/sandbox/einvoice/test/${p}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await post("fail-next", { mode: "nonsense" })).status).toBe(400);
    expect((await post("fail-next", { mode: "reject", count: 1 })).status).toBe(200);
    const p = provider();
    expect((await rejected(p.issue(blue([item(100)])))).code).toBe("E1301");
    const req = blue([item(100)]);
    await p.issue(req);
    const list = (await (await fetch(`${base}/sandbox/einvoice/test/invoices`)).json()) as {
      invoices: { orderNo: string }[];
    };
    expect(list.invoices.map((i) => i.orderNo)).toEqual([req.orderNo]);
    expect((await post("reset", {})).status).toBe(200);
    expect(sandbox.records()).toHaveLength(0);
    expect(await p.query(req.orderNo)).toBeNull();
  });
});

describe("mounted by mountSandboxes, configured from the environment", () => {
  it("serves /sandbox/einvoice with config.einvoice's credentials and the configured seller", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "warmline-einvoice-"));
    const app = new Koa();
    const router = new Router();
    const sandboxes = mountSandboxes(router, loadConfig({ WARMLINE_DEV: "true", DATA_DIR: dataDir }), {
      einvoiceResultDelayMs: 20,
    });
    app.use(bodyParser());
    app.use(router.routes());
    const srv = http.createServer(app.callback());
    try {
      const url = await listen(srv);
      const config = loadConfig({ WARMLINE_DEV: "true", DATA_DIR: dataDir, PUBLIC_URL: url });
      expect(config.einvoice.apiBase).toBe(`${url}/sandbox/einvoice/open/v1/services`);
      const p = createNuonuoProvider(config);
      const req = blue([item(100)], {
        seller: { name: config.invoices.seller.name, taxId: config.invoices.seller.taxId },
      });
      await issued(p, req);
      expect(sandboxes.einvoice.byOrderNo(req.orderNo)?.sellerTaxId).toBe(config.invoices.seller.taxId);
    } finally {
      await closeServer(srv);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

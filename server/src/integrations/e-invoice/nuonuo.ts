/**
 * The e-invoice platform client, speaking a Nuonuo-style open API (诺诺开放平台, 数电普票 "pc"):
 *
 *   POST {apiBase}   JSON body, headers
 *     X-Nuonuo-Sign  base64(HMAC-SHA1(appSecret, "a=services&l=v1&p=open&k={appKey}&i={senid}&n={nonce}&t={timestamp}&f={body}"))
 *     accessToken    the merchant's authorisation
 *     userTax        the seller's tax id (纳税人识别号)
 *     method         nuonuo.OpeMplatform.requestBillingNew | queryInvoiceResult | deliveryInvoice
 *     senid          a random request id (32 hex), nonce (8 digits), timestamp (unix seconds), appKey
 *   answer: HTTP 200 {"code": "E0000" | error code, "describe": "…", "result": …}
 *
 * Result callbacks (our definition; the platform posts them to the order's callBackUrl): a JSON body
 * {orderNo, serialNo, status, invoiceNo, invoiceTime, checkCode, qrCode, pdfUrl, ofdUrl, xmlUrl, failCause}
 * signed with the same header scheme, `method: nuonuo.callback`, no accessToken.
 *
 * An issued 数电 invoice (status 2) comes with what the tax platform made of it (queryInvoiceResult; field
 * names as Nuonuo's answer carries them):
 *   invoiceNo / allElectronicInvoiceNumber  the 20-digit 数电 number; invoiceCode empty
 *   checkCode   empty for 数电 (they have no 校验码)
 *   qrCode      the QR code's content, e.g. "01,32,,24312000000136634917,0.01,20240514,,1DD6":
 *               version 01, type 32 (数电普票; 31 数电专票), code empty, number, 价税合计 (the amount the
 *               bureau checks a 数电 invoice by), date YYYYMMDD, 校验码 empty, and a 4-character code the
 *               tax platform produces. It is used as given, never rebuilt.
 *   pdfUrl, ofdUrl, xmlUrl  the documents (版式文件); with both OFD and PDF the OFD is the original voucher
 *   pictureUrl / imgUrls    a short link / images of the invoice (not used)
 * Documents are downloaded with `download` (a GET of the address; type and size checked).
 *
 * Error mapping:
 *   - network error, timeout, HTTP 5xx / 429, an unreadable answer, a TRANSIENT_CODES code → EInvoiceUnavailableError
 *   - any other non-E0000 code, including the gateway's authentication codes (E9101 unknown appKey,
 *     E9102 bad accessToken, E9103 stale timestamp, E9106 bad signature, E9107 foreign userTax), and
 *     other HTTP 4xx → EInvoiceRejectedError(code, describe): resending the same request with the same
 *     credentials cannot succeed, so a wrong appSecret fails fast instead of burning retries.
 *
 * Amounts travel as yuan strings ("123.45"); they are converted with fenToYuan / yuanToFen only.
 */
import { createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import { fenToYuan, type InvoiceItem } from "@warmline/shared";
import type { Config } from "../../config";
import { SANDBOX_PATHS } from "../sandboxPaths";
import {
  type DocumentKind,
  DocumentRejectedError,
  DocumentUnavailableError,
  type DownloadedDocument,
  type EInvoiceProvider,
  EInvoiceRejectedError,
  EInvoiceUnavailableError,
  type IssueAccepted,
  type IssueRequest,
  type IssueResult,
} from "./provider";

/** the API address points at our local sandbox (its mount path below PUBLIC_URL) */
export function isSandboxApi(apiBase: string): boolean {
  try {
    return new URL(apiBase).pathname.startsWith(`${SANDBOX_PATHS.einvoice}/`);
  } catch {
    return false;
  }
}

// ---- protocol ------------------------------------------------------------------------------------

export const NUONUO_METHODS = {
  issue: "nuonuo.OpeMplatform.requestBillingNew",
  query: "nuonuo.OpeMplatform.queryInvoiceResult",
  deliver: "nuonuo.OpeMplatform.deliveryInvoice",
  callback: "nuonuo.callback",
} as const;

export const NUONUO_OK = "E0000";

/** Codes after which the same request may succeed later: rate limit, platform busy. */
export const NUONUO_TRANSIENT_CODES: ReadonlySet<string> = new Set(["E9500", "E9999"]);

/** Invoice states of queryInvoiceResult and callbacks. */
export const NUONUO_STATUS = {
  issued: "2",
  issuing: "20",
  /** issued, being signed (签章中) */
  signing: "21",
  failed: "22",
  /** issued, signing failed: the platform signs again */
  signFailed: "24",
  voided: "3",
  voiding: "31",
} as const;

/** Header names as sent (HTTP headers are case-insensitive; Node hands them over lowercased). */
export const NUONUO_HEADERS = {
  sign: "X-Nuonuo-Sign",
  accessToken: "accessToken",
  userTax: "userTax",
  method: "method",
  senid: "senid",
  nonce: "nonce",
  timestamp: "timestamp",
  appKey: "appKey",
} as const;

export interface SignatureInput {
  appKey: string;
  senid: string;
  nonce: string;
  timestamp: string;
  /** the exact body text sent */
  body: string;
}

/** base64(HMAC-SHA1(appSecret, "a=services&l=v1&p=open&k=…&i=…&n=…&t=…&f=…")) */
export function nuonuoSign(appSecret: string, s: SignatureInput): string {
  const text = `a=services&l=v1&p=open&k=${s.appKey}&i=${s.senid}&n=${s.nonce}&t=${s.timestamp}&f=${s.body}`;
  return createHmac("sha1", appSecret).update(text, "utf8").digest("base64");
}

/** Compares a received signature with the expected one in constant time. */
export function nuonuoVerify(appSecret: string, s: SignatureInput, signature: string): boolean {
  return safeEqual(nuonuoSign(appSecret, s), signature);
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The signed headers of one request or callback (fresh senid, nonce and timestamp). */
export function nuonuoHeaders(opts: {
  appKey: string;
  appSecret: string;
  method: string;
  body: string;
  accessToken?: string;
  userTax?: string;
  nowMs?: number;
}): Record<string, string> {
  const senid = randomBytes(16).toString("hex");
  const nonce = String(randomInt(10_000_000, 100_000_000));
  const timestamp = String(Math.floor((opts.nowMs ?? Date.now()) / 1000));
  const sign = nuonuoSign(opts.appSecret, { appKey: opts.appKey, senid, nonce, timestamp, body: opts.body });
  const h: Record<string, string> = {
    "Content-Type": "application/json; charset=utf-8",
    [NUONUO_HEADERS.sign]: sign,
    [NUONUO_HEADERS.method]: opts.method,
    [NUONUO_HEADERS.senid]: senid,
    [NUONUO_HEADERS.nonce]: nonce,
    [NUONUO_HEADERS.timestamp]: timestamp,
    [NUONUO_HEADERS.appKey]: opts.appKey,
  };
  if (opts.accessToken !== undefined) h[NUONUO_HEADERS.accessToken] = opts.accessToken;
  if (opts.userTax !== undefined) h[NUONUO_HEADERS.userTax] = opts.userTax;
  return h;
}

/** A header by name, case-insensitively; the first value when repeated. */
export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== want) continue;
    return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

/** 900 basis points → "0.09"; 1300 → "0.13"; 0 → "0" (exact, no floating point). */
export function rateFromBp(bp: number): string {
  if (!Number.isSafeInteger(bp) || bp < 0 || bp >= 10_000) throw new RangeError(`bad tax rate: ${bp} bp`);
  const frac = String(bp).padStart(4, "0").replace(/0+$/, "");
  return frac ? `0.${frac}` : "0";
}

/** "0.09" → 900; null when not a rate below 1 with at most 4 decimals. */
export function bpFromRate(rate: string): number | null {
  const m = /^0(?:\.(\d{1,4}))?$/.exec(rate);
  if (!m) return null;
  return Number((m[1] ?? "").padEnd(4, "0"));
}

/** The protocol's invoice line (发票明细), amounts in yuan. */
export interface NuonuoInvoiceDetail {
  goodsName: string;
  goodsCode: string;
  specType: string;
  unit: string;
  num: string;
  price: string;
  withTaxFlag: "1";
  taxIncludedAmount: string;
  taxExcludedAmount: string;
  tax: string;
  taxRate: string;
  /** "1" uses a preferential policy (免税 / 不征税), "0" not */
  favouredPolicyFlag: "0" | "1";
  favouredPolicyName: string;
  /** "" taxable; "1" exempt (免税); "2" not taxable (不征税) */
  zeroRateFlag: "" | "1" | "2";
  invoiceLineProperty: "0";
}

export interface NuonuoOrder {
  orderNo: string;
  invoiceDate: string;
  buyerName: string;
  buyerTaxNum: string;
  buyerTel: string;
  buyerAddress: string;
  buyerAccount: string;
  /** "1": the buyer is a natural person (个人抬头); "0": an organisation (单位) */
  naturalPersonFlag: "0" | "1";
  salerTaxNum: string;
  salerTel: string;
  salerAddress: string;
  salerAccount: string;
  clerk: string;
  /** -1 none, 0 e-mail, 1 phone, 2 both */
  pushMode: "-1" | "0" | "1" | "2";
  buyerPhone: string;
  email: string;
  /** "1" blue, "2" red */
  invoiceType: "1" | "2";
  invoiceLine: "pc";
  /** red: the reversed blue invoice (数电: no code, a 20-digit number) */
  invoiceCode: string;
  invoiceNum: string;
  /** red: 2 = 开票有误 (the only reason the billing flow has: refunds reverse a wrong / refunded invoice) */
  redReason?: string;
  callBackUrl: string;
  remark: string;
  invoiceDetail: NuonuoInvoiceDetail[];
}

/** One entry of queryInvoiceResult's answer (the fields this client reads; the platform sends more). */
export interface NuonuoInvoiceResult {
  serialNo: string;
  orderNo: string;
  status: string;
  statusMsg?: string;
  failCause?: string;
  invoiceCode?: string;
  invoiceNo?: string;
  invoiceTime?: number | string | null;
  checkCode?: string;
  /** 数电: the 20-digit number, also when invoiceNo is a paper number (数电纸票) */
  allElectronicInvoiceNumber?: string;
  qrCode?: string;
  pdfUrl?: string;
  ofdUrl?: string;
  xmlUrl?: string;
}

/** The body of a result callback (see the file comment). */
export interface NuonuoCallbackBody {
  orderNo: string;
  serialNo: string;
  status: string;
  invoiceNo: string;
  invoiceTime: number | null;
  checkCode: string;
  qrCode: string;
  pdfUrl: string;
  ofdUrl: string;
  xmlUrl: string;
  failCause: string;
}

// ---- mapping -------------------------------------------------------------------------------------

const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** "yyyy-MM-dd HH:mm:ss" in Beijing time */
export function beijingDateTime(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19).replace("T", " ");
}

function detailOf(item: InvoiceItem): NuonuoInvoiceDetail {
  const negative = item.amountFen < 0;
  // the protocol wants the quantity signed like the amount (negative on red lines) and the price positive
  let num = item.quantity?.trim() ?? "";
  let price = item.unitPrice?.trim() ?? "";
  if (price.startsWith("-")) price = price.slice(1);
  if (num) {
    const unsigned = num.replace(/^[-+]/, "");
    num = negative ? `-${unsigned}` : unsigned;
  }
  const exempt = item.taxTreatment === "exempt";
  const nonTaxable = item.taxTreatment === "non_taxable";
  return {
    goodsName: item.name,
    goodsCode: item.taxCode,
    specType: item.spec ?? "",
    unit: item.unit ?? "",
    num,
    price,
    withTaxFlag: "1",
    taxIncludedAmount: fenToYuan(item.amountFen),
    taxExcludedAmount: fenToYuan(item.amountFen - item.taxFen),
    tax: fenToYuan(item.taxFen),
    taxRate: exempt || nonTaxable ? "0" : rateFromBp(item.taxRateBp),
    favouredPolicyFlag: exempt || nonTaxable ? "1" : "0",
    favouredPolicyName: exempt ? "免税" : nonTaxable ? "不征税" : "",
    zeroRateFlag: exempt ? "1" : nonTaxable ? "2" : "",
    invoiceLineProperty: "0",
  };
}

/** The requestBillingNew order for an IssueRequest. */
export function nuonuoOrder(req: IssueRequest, sellerTaxId: string, nowMs: number): NuonuoOrder {
  const email = req.pushEmail?.trim() ?? "";
  const phone = req.pushPhone?.trim() ?? "";
  const red = req.kind === "red";
  return {
    orderNo: req.orderNo,
    invoiceDate: beijingDateTime(nowMs),
    buyerName: req.buyer.name,
    buyerTaxNum: req.buyer.taxId ?? "",
    buyerTel: req.buyer.phone ?? "",
    buyerAddress: req.buyer.address ?? "",
    buyerAccount: req.buyer.bankAccount ?? "",
    naturalPersonFlag: req.buyerKind === "personal" ? "1" : "0",
    salerTaxNum: req.seller.taxId ?? sellerTaxId,
    salerTel: req.seller.phone ?? "",
    salerAddress: req.seller.address ?? "",
    salerAccount: req.seller.bankAccount ?? "",
    clerk: req.clerk,
    pushMode: email && phone ? "2" : email ? "0" : phone ? "1" : "-1",
    buyerPhone: phone,
    email,
    invoiceType: red ? "2" : "1",
    invoiceLine: "pc",
    invoiceCode: "",
    invoiceNum: red ? (req.original?.invoiceNo ?? "") : "",
    ...(red ? { redReason: "2" } : {}),
    callBackUrl: req.callbackUrl ?? "",
    remark: req.remark ?? "",
    invoiceDetail: req.items.map(detailOf),
  };
}

/** the platform's QR content when it is one (printable, one line, at most 200 characters); else null */
export function qrCodeOf(v: unknown): string | null {
  if (typeof v !== "string") return null;
  const t = v.trim();
  return t && t.length <= 200 && /^[\x20-\x7e]+$/.test(t) ? t : null;
}

/** an http(s) address of at most 500 characters; else null */
export function documentUrlOf(v: unknown): string | null {
  if (typeof v !== "string" || !v.trim() || v.length > 500) return null;
  try {
    const u = new URL(v.trim());
    return u.protocol === "https:" || u.protocol === "http:" ? u.toString() : null;
  } catch {
    return null;
  }
}

/** An IssueResult from a query entry or a callback; throws on an unknown status or an incomplete issued one. */
export function issueResultOf(r: {
  serialNo: string;
  status: string;
  statusMsg?: string;
  failCause?: string;
  invoiceNo?: string;
  allElectronicInvoiceNumber?: string;
  invoiceTime?: number | string | null;
  checkCode?: string;
  qrCode?: string;
  pdfUrl?: string;
  ofdUrl?: string;
  xmlUrl?: string;
}): IssueResult {
  const serialNo = r.serialNo;
  switch (r.status) {
    case NUONUO_STATUS.issued: {
      const ms = typeof r.invoiceTime === "string" ? Number(r.invoiceTime) : r.invoiceTime;
      // 数电纸票: invoiceNo is the 8-digit paper number; the 数电 number is the invoice's identity
      const invoiceNo = r.allElectronicInvoiceNumber || r.invoiceNo;
      if (!invoiceNo || typeof ms !== "number" || !Number.isFinite(ms) || ms <= 0) {
        throw new EInvoiceUnavailableError(`platform reports invoice ${serialNo} issued without number or time`);
      }
      return {
        status: "issued",
        serialNo,
        invoiceNo,
        issuedAt: new Date(ms),
        checkCode: r.checkCode ?? "",
        qrCode: qrCodeOf(r.qrCode),
        documents: {
          pdfUrl: documentUrlOf(r.pdfUrl),
          ofdUrl: documentUrlOf(r.ofdUrl),
          xmlUrl: documentUrlOf(r.xmlUrl),
        },
      };
    }
    case NUONUO_STATUS.issuing:
    case NUONUO_STATUS.signing:
    case NUONUO_STATUS.signFailed:
      return { status: "pending", serialNo };
    case NUONUO_STATUS.failed:
      return { status: "failed", serialNo, reason: r.failCause || r.statusMsg || "开票失败" };
    case NUONUO_STATUS.voided:
    case NUONUO_STATUS.voiding:
      return { status: "failed", serialNo, reason: "发票已作废" };
    default:
      throw new EInvoiceUnavailableError(`platform reports invoice ${serialNo} in unknown status ${r.status}`);
  }
}

// ---- the client ----------------------------------------------------------------------------------

export interface NuonuoProviderOptions {
  /** the single endpoint, e.g. https://sdk.nuonuo.com/open/v1/services */
  apiBase: string;
  appKey: string;
  appSecret: string;
  accessToken: string;
  /** the seller's tax id: the userTax header, and salerTaxNum when the request names none */
  sellerTaxId: string;
  fetch?: typeof fetch;
  /** per request; 15 s by default */
  timeoutMs?: number;
  /** accepted clock difference of callbacks, seconds; 600 by default */
  callbackSkewS?: number;
  now?: () => number;
  /** our local sandbox; by default: the API address is below the sandbox's mount path */
  sandbox?: boolean;
  /** per document download; 30 s by default */
  downloadTimeoutMs?: number;
}

/** documents larger than this are refused (a 数电 PDF is tens of kilobytes) */
export const DOCUMENT_MAX_BYTES = 10 * 1024 * 1024;
const DOCUMENT_MIN_BYTES = 64;

/** Content-Types accepted per kind (some platforms serve their files as application/octet-stream). */
export const DOCUMENT_TYPES: Record<DocumentKind, readonly string[]> = {
  pdf: ["application/pdf", "application/octet-stream"],
  ofd: ["application/ofd", "application/octet-stream", "application/zip", "application/x-zip-compressed"],
};
/** what the kept copy is served as */
export const DOCUMENT_MIME: Record<DocumentKind, string> = { pdf: "application/pdf", ofd: "application/ofd" };

/** a PDF starts with "%PDF-"; an OFD is a ZIP package ("PK\x03\x04") */
export function looksLike(kind: DocumentKind, bytes: Buffer): boolean {
  if (kind === "pdf") return bytes.subarray(0, 5).toString("latin1") === "%PDF-";
  return bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
}

/**
 * GETs a document and checks it: HTTP 200, an accepted Content-Type, a size within bounds, the kind's magic
 * bytes. Network errors, timeouts, 404 / 429 / 5xx → DocumentUnavailableError; anything served that is not
 * the document → DocumentRejectedError (never stored).
 */
export async function downloadDocument(
  url: string,
  kind: DocumentKind,
  opts: { fetch?: typeof fetch; timeoutMs?: number; allowHttp?: boolean } = {},
): Promise<DownloadedDocument> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new DocumentRejectedError(`document address is not a URL: ${url.slice(0, 80)}`);
  }
  if (u.protocol !== "https:" && !(opts.allowHttp && u.protocol === "http:")) {
    throw new DocumentRejectedError(`document address must be https: ${u.origin}`);
  }
  const timeoutMs = opts.timeoutMs ?? 30_000;
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(u, { method: "GET", signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new DocumentUnavailableError(
      `document ${kind} unreachable: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => undefined);
    throw new DocumentUnavailableError(`document ${kind} answered HTTP ${res.status}`);
  }
  const type = (res.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (!DOCUMENT_TYPES[kind].includes(type)) {
    await res.body?.cancel().catch(() => undefined);
    throw new DocumentRejectedError(`document ${kind} served as "${type || "(none)"}"`);
  }
  const declared = Number(res.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > DOCUMENT_MAX_BYTES) {
    await res.body?.cancel().catch(() => undefined);
    throw new DocumentRejectedError(`document ${kind} too large: ${declared} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    if (res.body) {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        size += chunk.byteLength;
        if (size > DOCUMENT_MAX_BYTES) {
          await res.body.cancel().catch(() => undefined);
          throw new DocumentRejectedError(`document ${kind} too large: over ${DOCUMENT_MAX_BYTES} bytes`);
        }
        chunks.push(Buffer.from(chunk));
      }
    }
  } catch (err) {
    if (err instanceof DocumentRejectedError) throw err;
    throw new DocumentUnavailableError(`document ${kind} broke off: ${(err as Error).message}`, { cause: err });
  }
  const bytes = Buffer.concat(chunks);
  if (bytes.length < DOCUMENT_MIN_BYTES)
    throw new DocumentRejectedError(`document ${kind} too small: ${bytes.length} bytes`);
  if (Number.isFinite(declared) && declared !== bytes.length) {
    throw new DocumentUnavailableError(`document ${kind} incomplete: ${bytes.length} of ${declared} bytes`);
  }
  if (!looksLike(kind, bytes)) throw new DocumentRejectedError(`document ${kind} is not a ${kind.toUpperCase()} file`);
  return { kind, bytes, mime: DOCUMENT_MIME[kind] };
}

interface Answer {
  code: string;
  describe: string;
  result: unknown;
}

export class NuonuoProvider implements EInvoiceProvider {
  readonly name = "nuonuo";
  readonly sandbox: boolean;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;

  constructor(readonly opts: NuonuoProviderOptions) {
    this.#fetch = opts.fetch ?? fetch;
    this.#now = opts.now ?? Date.now;
    this.sandbox = opts.sandbox ?? isSandboxApi(opts.apiBase);
  }

  download(url: string, kind: DocumentKind): Promise<DownloadedDocument> {
    // the sandbox serves plain http on this machine; a real platform's documents come over https only
    return downloadDocument(url, kind, {
      fetch: this.#fetch,
      timeoutMs: this.opts.downloadTimeoutMs,
      allowHttp: this.sandbox,
    });
  }

  async issue(req: IssueRequest): Promise<IssueAccepted> {
    const sum = req.items.reduce((s, i) => s + i.amountFen, 0);
    if (req.items.length === 0) throw new EInvoiceRejectedError("LOCAL_NO_ITEMS", "发票明细不能为空");
    if (sum !== req.totalFen) {
      throw new EInvoiceRejectedError(
        "LOCAL_TOTAL_MISMATCH",
        `价税合计（${fenToYuan(req.totalFen)}）与明细金额之和（${fenToYuan(sum)}）不符`,
      );
    }
    if (req.kind === "red" && !req.original?.invoiceNo) {
      throw new EInvoiceRejectedError("LOCAL_NO_ORIGINAL", "红字发票须指明对应的蓝字发票");
    }
    const order = nuonuoOrder(req, this.opts.sellerTaxId, this.#now());
    const answer = await this.#call(NUONUO_METHODS.issue, { order });
    const serialNo = (answer.result as { invoiceSerialNum?: unknown } | null)?.invoiceSerialNum;
    if (typeof serialNo !== "string" || !serialNo) {
      throw new EInvoiceUnavailableError("the platform accepted the invoice without a serial number");
    }
    return { serialNo };
  }

  async query(orderNo: string): Promise<IssueResult | null> {
    const found = await this.#query({ orderNos: [orderNo] });
    const entry = found.find((r) => r.orderNo === orderNo) ?? null;
    return entry ? issueResultOf(entry) : null;
  }

  /** The current result by the platform's serial number (发票流水号); null when unknown. */
  async queryBySerial(serialNo: string): Promise<IssueResult | null> {
    const entry = await this.#entryBySerial(serialNo);
    return entry ? issueResultOf(entry) : null;
  }

  async deliver(serialNo: string, to: { email?: string; phone?: string }): Promise<void> {
    const mail = to.email?.trim() ?? "";
    const phone = to.phone?.trim() ?? "";
    if (!mail && !phone) throw new EInvoiceRejectedError("LOCAL_NO_RECIPIENT", "请提供接收发票的邮箱或手机号");
    const entry = await this.#entryBySerial(serialNo);
    if (!entry) throw new EInvoiceRejectedError("LOCAL_UNKNOWN_SERIAL", "开票平台没有这张发票");
    if (entry.status !== NUONUO_STATUS.issued || !entry.invoiceNo) {
      throw new EInvoiceRejectedError("LOCAL_NOT_ISSUED", "发票尚未开具完成，暂不能发送");
    }
    await this.#call(NUONUO_METHODS.deliver, {
      taxnum: this.opts.sellerTaxId,
      invoiceCode: entry.invoiceCode ?? "",
      invoiceNum: entry.invoiceNo,
      ...(phone ? { phone } : {}),
      ...(mail ? { mail } : {}),
    });
  }

  parseCallback(rawBody: string, headers: Record<string, string | string[] | undefined>): IssueResult | null {
    const get = (name: string) => headerValue(headers, name) ?? "";
    const signature = get(NUONUO_HEADERS.sign);
    const appKey = get(NUONUO_HEADERS.appKey);
    const senid = get(NUONUO_HEADERS.senid);
    const nonce = get(NUONUO_HEADERS.nonce);
    const timestamp = get(NUONUO_HEADERS.timestamp);
    if (!signature || !senid || !nonce || !/^\d{1,12}$/.test(timestamp)) return null;
    if (!safeEqual(appKey, this.opts.appKey)) return null;
    if (get(NUONUO_HEADERS.method) !== NUONUO_METHODS.callback) return null;
    if (!nuonuoVerify(this.opts.appSecret, { appKey, senid, nonce, timestamp, body: rawBody }, signature)) return null;
    const skew = this.opts.callbackSkewS ?? 600;
    if (Math.abs(this.#now() / 1000 - Number(timestamp)) > skew) return null;
    const userTax = get(NUONUO_HEADERS.userTax);
    if (userTax && userTax !== this.opts.sellerTaxId) return null;
    let body: Partial<NuonuoCallbackBody>;
    try {
      body = JSON.parse(rawBody) as Partial<NuonuoCallbackBody>;
    } catch {
      return null;
    }
    if (!body || typeof body !== "object" || typeof body.serialNo !== "string" || typeof body.status !== "string") {
      return null;
    }
    try {
      return issueResultOf({
        serialNo: body.serialNo,
        status: body.status,
        failCause: body.failCause,
        invoiceNo: body.invoiceNo,
        invoiceTime: body.invoiceTime,
        checkCode: body.checkCode,
        qrCode: body.qrCode,
        pdfUrl: body.pdfUrl,
        ofdUrl: body.ofdUrl,
        xmlUrl: body.xmlUrl,
      });
    } catch {
      // genuine but unusable (unknown status): the caller polls instead
      return null;
    }
  }

  async #entryBySerial(serialNo: string): Promise<NuonuoInvoiceResult | null> {
    const found = await this.#query({ serialNos: [serialNo] });
    return found.find((r) => r.serialNo === serialNo) ?? null;
  }

  async #query(by: { orderNos?: string[]; serialNos?: string[] }): Promise<NuonuoInvoiceResult[]> {
    const answer = await this.#call(NUONUO_METHODS.query, { ...by, isOfferInvoiceDetail: "0" });
    const list = answer.result ?? [];
    if (!Array.isArray(list)) throw new EInvoiceUnavailableError("queryInvoiceResult answered no list");
    return list.filter(
      (r): r is NuonuoInvoiceResult =>
        !!r && typeof r === "object" && typeof r.serialNo === "string" && typeof r.status === "string",
    );
  }

  /** One signed call; E0000 → the answer, anything else → the mapped error (see the file comment). */
  async #call(method: string, payload: unknown): Promise<Answer> {
    const body = JSON.stringify(payload);
    const headers = nuonuoHeaders({
      appKey: this.opts.appKey,
      appSecret: this.opts.appSecret,
      accessToken: this.opts.accessToken,
      userTax: this.opts.sellerTaxId,
      method,
      body,
      nowMs: this.#now(),
    });
    const timeoutMs = this.opts.timeoutMs ?? 15_000;
    let res: Response;
    let text: string;
    try {
      res = await this.#fetch(this.opts.apiBase, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
      throw new EInvoiceUnavailableError(
        timedOut
          ? `e-invoice platform: ${method} timed out after ${timeoutMs} ms`
          : `e-invoice platform unreachable: ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    }
    if (res.status >= 500 || res.status === 429) {
      throw new EInvoiceUnavailableError(`e-invoice platform: ${method} answered HTTP ${res.status}`);
    }
    let answer: Partial<Answer> | null = null;
    try {
      answer = JSON.parse(text) as Partial<Answer>;
    } catch {
      answer = null;
    }
    if (res.status !== 200) {
      if (answer && typeof answer.code === "string" && NUONUO_TRANSIENT_CODES.has(answer.code)) {
        throw new EInvoiceUnavailableError(`e-invoice platform: ${answer.code} ${answer.describe ?? ""}`);
      }
      throw new EInvoiceRejectedError(
        typeof answer?.code === "string" ? answer.code : `HTTP_${res.status}`,
        typeof answer?.describe === "string" ? answer.describe : `开票平台拒绝了请求（HTTP ${res.status}）`,
      );
    }
    if (!answer || typeof answer !== "object" || typeof answer.code !== "string") {
      throw new EInvoiceUnavailableError(`e-invoice platform: ${method} answered something unreadable`);
    }
    const describe = typeof answer.describe === "string" ? answer.describe : "";
    if (answer.code === NUONUO_OK) return { code: answer.code, describe, result: answer.result ?? null };
    if (NUONUO_TRANSIENT_CODES.has(answer.code)) {
      throw new EInvoiceUnavailableError(`e-invoice platform: ${answer.code} ${describe}`);
    }
    throw new EInvoiceRejectedError(answer.code, describe || "开票平台拒绝了请求");
  }
}

/** The provider configured for this server (config.einvoice, seller tax id of config.invoices). */
export function createNuonuoProvider(
  config: Pick<Config, "einvoice" | "invoices">,
  extra: Pick<NuonuoProviderOptions, "fetch" | "timeoutMs" | "now"> = {},
): NuonuoProvider {
  return new NuonuoProvider({
    apiBase: config.einvoice.apiBase,
    appKey: config.einvoice.appKey,
    appSecret: config.einvoice.appSecret,
    accessToken: config.einvoice.accessToken,
    sellerTaxId: config.invoices.seller.taxId,
    ...extra,
  });
}

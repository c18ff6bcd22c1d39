import { randomBytes, randomInt } from "node:crypto";
import { crc32 } from "node:zlib";
import type Router from "@koa/router";
import { fenToYuan, isValidTaxId, roundHalfUp, yuanToFen } from "@warmline/shared";
import type { Context } from "koa";
import { z } from "zod";
import {
  beijingDateTime,
  bpFromRate,
  headerValue,
  NUONUO_HEADERS,
  NUONUO_METHODS,
  NUONUO_OK,
  NUONUO_STATUS,
  type NuonuoCallbackBody,
  nuonuoHeaders,
  nuonuoVerify,
} from "../../integrations/e-invoice/nuonuo";
import { SANDBOX_PATHS } from "../../integrations/sandboxPaths";
import { readText } from "../sandboxBody";

/** sandbox request bodies are refused above this size */
const BODY_LIMIT = 1024 * 1024;

/**
 * A local stand-in for the e-invoice platform (Nuonuo-style open API, see nuonuo.ts), mounted under
 * /sandbox/einvoice (SANDBOX_VENDORS=true only):
 *   POST /open/v1/services      the API: requestBillingNew, queryInvoiceResult, deliveryInvoice
 *   POST /test/fail-next        inject failures into the next requests ({mode, count?, delayMs?})
 *   POST /test/result-delay     how long invoices stay "issuing" ({ms})
 *   GET  /test/invoices         every invoice record and deliver call
 *   POST /test/reset            forget everything
 *
 * Like the real platform it checks the appKey, timestamp, signature, accessToken and userTax of every
 * request (failures answer HTTP 200 with an error code, e.g. E9106 签名错误), keeps one invoice per orderNo
 * (the same orderNo again answers the first serial), issues asynchronously (status 20 for resultDelayMs,
 * then 2 with a 20-digit 数电 number and check code, or 22 when failing), posts a signed callback to the
 * order's callBackUrl (retried a few times), and refuses what a real platform refuses: a 单位 buyer
 * without tax id, inconsistent line amounts, a red invoice naming no issued blue invoice of this seller or
 * reversing more than is left of it.
 *
 * An issued invoice comes back as Nuonuo's does (see nuonuo.ts): a 20-digit 数电 number, an empty checkCode,
 * the QR content as the tax platform builds it for a 数电普票 — "01,32,,<number>,<价税合计>,<YYYYMMDD>,,<code>",
 * field 7 empty, field 8 a 4-character code of the platform — and the documents' addresses: pdfUrl and ofdUrl
 * under /sandbox/einvoice/files/<random token>.{pdf,ofd} on the origin the request came to. Those documents
 * are specimens: the PDF (rendered by `renderPdf` when given) and the OFD package say "沙箱样张，非正式发票".
 * Without `renderPdf`, or after the no_document fault, an invoice is issued without addresses.
 *   POST /test/doc-fail-next    faults of the document side ({mode: unavailable | wrong_type | no_document, count?})
 *   GET  /files/<token>.pdf|.ofd the documents
 *
 * Error codes are the sandbox's own (the client only relies on E0000 and the transient codes):
 *   E9101 appKey  E9102 accessToken  E9103 timestamp  E9104 method  E9105 malformed  E9106 signature
 *   E9107 userTax  E9500 rate limit  E9999 busy (HTTP 503)  E1xxx business refusals (see `refuse` below)
 * Everything is in memory and lost on restart. It must never be mounted in production.
 */
export const EINVOICE_SANDBOX_PATH = SANDBOX_PATHS.einvoice;
export const EINVOICE_API_PATH = `${EINVOICE_SANDBOX_PATH}/open/v1/services`;

/**
 * Failure injection: unavailable = HTTP 503; rate_limit = E9500; reject = a business refusal (E1301);
 * fail_result = accepted, then status 22 "税局系统繁忙，开具失败"; slow = processed, answered after delayMs.
 * reject and fail_result wait for the next requestBillingNew; the others hit the next request of any method.
 */
export const EINVOICE_FAIL_MODES = ["unavailable", "reject", "fail_result", "slow", "rate_limit"] as const;
export type EInvoiceFailMode = (typeof EINVOICE_FAIL_MODES)[number];

/**
 * Document faults: unavailable = the next downloads answer HTTP 503; wrong_type = they answer 200 with an
 * HTML page (text/html); no_document = the next invoices are issued without pdfUrl / ofdUrl.
 */
export const EINVOICE_DOC_FAIL_MODES = ["unavailable", "wrong_type", "no_document"] as const;
export type EInvoiceDocFailMode = (typeof EINVOICE_DOC_FAIL_MODES)[number];

/** what every sandbox document says about itself */
export const SANDBOX_DOCUMENT_MARK = "沙箱样张，非正式发票";

export const SANDBOX_FAIL_CAUSE = "税局系统繁忙，开具失败";
export const SANDBOX_REJECT = { code: "E1301", describe: "销方可用授信额度不足，无法开具" } as const;

export interface EInvoiceSandboxOptions {
  appKey: string;
  appSecret: string;
  accessToken: string;
  /** the authorised seller (userTax / salerTaxNum) */
  sellerTaxId: string;
  /** how long an accepted invoice stays "issuing" (status 20); 300 ms by default */
  resultDelayMs?: number;
  /** the delay of "slow" answers; 30 s by default (longer than the client's 15 s timeout) */
  slowMs?: number;
  /** waits before the 2nd, 3rd … callback attempt; [1 s, 5 s, 30 s] by default */
  callbackRetryDelaysMs?: number[];
  /** per callback attempt; 5 s by default */
  callbackTimeoutMs?: number;
  /** accepted request clock difference, seconds; 300 by default */
  timestampSkewS?: number;
  now?: () => number;
  fetch?: typeof fetch;
  /** renders an issued record's PDF specimen (must carry SANDBOX_DOCUMENT_MARK); none = no documents */
  renderPdf?: (record: EInvoiceRecord, original?: EInvoiceRecord) => Promise<Buffer>;
}

export interface SandboxLine {
  goodsName: string;
  goodsCode: string;
  specType: string;
  unit: string;
  num: string;
  price: string;
  amountFen: number;
  exTaxFen: number;
  taxFen: number;
  taxRateBp: number;
  policy: "exempt" | "non_taxable" | null;
}

export interface CallbackAttempt {
  at: number;
  url: string;
  attempt: number;
  /** HTTP status, null when the request failed */
  status: number | null;
  error: string | null;
}

export interface EInvoiceRecord {
  serialNo: string;
  orderNo: string;
  kind: "blue" | "red";
  /** "20" issuing, "2" issued, "22" failed */
  status: string;
  statusMsg: string;
  failCause: string;
  invoiceCode: string;
  invoiceNo: string | null;
  /** ms since the epoch */
  invoiceTime: number | null;
  /** "" for 数电 invoices, as on the real platform */
  checkCode: string | null;
  /** the QR content as the tax platform builds it (null until issued) */
  qrCode: string | null;
  /** the documents' addresses (null until issued, or when issued without documents) */
  pdfUrl: string | null;
  ofdUrl: string | null;
  /** the origin the request came to (documents are served there) */
  origin: string | null;
  /** the unguessable name of its documents */
  docToken: string;
  sellerTaxId: string;
  buyerName: string;
  buyerTaxNum: string;
  naturalPerson: boolean;
  totalFen: number;
  taxFen: number;
  lines: SandboxLine[];
  /** red: the blue invoice reversed */
  originalInvoiceNo: string | null;
  pushMode: string;
  email: string;
  buyerPhone: string;
  clerk: string;
  remark: string;
  callbackUrl: string | null;
  callbacks: CallbackAttempt[];
  createdAt: number;
}

export interface DeliveryRecord {
  at: number;
  serialNo: string;
  invoiceNum: string;
  phone: string | null;
  mail: string | null;
}

export interface SandboxApiRequest {
  headers: Record<string, string | string[] | undefined>;
  /** the raw body text, exactly as received */
  body: string;
  /** e.g. "http://127.0.0.1:3000": where documents of invoices requested here are served */
  origin?: string;
}

/** A document as served by GET /files/<token>.<ext>. */
export interface SandboxFile {
  status: number;
  type: string;
  body: Buffer | string;
}

export interface SandboxApiAnswer {
  status: number;
  body: { code: string; describe: string; result: unknown };
}

class Refusal extends Error {
  constructor(
    readonly code: string,
    readonly describe: string,
  ) {
    super(describe);
  }
}
function refuse(code: string, describe: string): never {
  throw new Refusal(code, describe);
}

const answer = (code: string, describe: string, result: unknown = null, status = 200): SandboxApiAnswer => ({
  status,
  body: { code, describe, result },
});

const DEC = /^(-)?(\d{1,12})(?:\.(\d{1,8}))?$/;
/** a decimal string scaled by 10^8, exactly; null when malformed */
function decimal8(s: string): bigint | null {
  const m = DEC.exec(s);
  if (!m) return null;
  const v = BigInt(`${m[2]}${(m[3] ?? "").padEnd(8, "0")}`);
  return m[1] ? -v : v;
}

const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");

export class EInvoiceSandbox {
  readonly #bySerial = new Map<string, EInvoiceRecord>();
  readonly #byOrder = new Map<string, EInvoiceRecord>();
  /** serials whose result must fail (fail_result) */
  readonly #failing = new Set<string>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #faults: { mode: EInvoiceFailMode; left: number; delayMs?: number }[] = [];
  #docFaults: { mode: EInvoiceDocFailMode; left: number }[] = [];
  /** downloads of documents, oldest first (token, ext, HTTP status) */
  readonly downloads: { at: number; token: string; ext: string; status: number }[] = [];
  #invoiceSeq = 0;
  #serialSeq = 0;
  /** bumped by reset(): work of an earlier generation (a callback in flight) stops */
  #generation = 0;
  #resultDelayMs: number;
  #slowMs: number;
  readonly #now: () => number;
  readonly #fetch: typeof fetch;
  /** deliveryInvoice calls, oldest first */
  readonly deliveries: DeliveryRecord[] = [];

  constructor(readonly opts: EInvoiceSandboxOptions) {
    this.#now = opts.now ?? Date.now;
    this.#fetch = opts.fetch ?? ((...args) => fetch(...args));
    this.#resultDelayMs = opts.resultDelayMs ?? 300;
    this.#slowMs = opts.slowMs ?? 30_000;
  }

  // ---- test controls ---------------------------------------------------------------------------

  failNext(mode: EInvoiceFailMode, count = 1, opts: { delayMs?: number } = {}): void {
    if (!Number.isInteger(count) || count < 1) throw new RangeError("count must be a positive integer");
    this.#faults.push({ mode, left: count, delayMs: opts.delayMs });
  }

  failNextDocument(mode: EInvoiceDocFailMode, count = 1): void {
    if (!Number.isInteger(count) || count < 1) throw new RangeError("count must be a positive integer");
    this.#docFaults.push({ mode, left: count });
  }

  #takeDocFault(want: (m: EInvoiceDocFailMode) => boolean): EInvoiceDocFailMode | null {
    const head = this.#docFaults[0];
    if (!head || !want(head.mode)) return null;
    head.left -= 1;
    if (head.left <= 0) this.#docFaults.shift();
    return head.mode;
  }

  setResultDelay(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError("result delay must be ≥ 0");
    this.#resultDelayMs = ms;
  }

  setSlowDelay(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError("slow delay must be ≥ 0");
    this.#slowMs = ms;
  }

  /** finish every invoice still issuing now, instead of after resultDelayMs (tests) */
  completePending(): void {
    for (const r of this.#bySerial.values()) if (r.status === NUONUO_STATUS.issuing) this.#finish(r);
  }

  /** every record, oldest first (copies) */
  records(): EInvoiceRecord[] {
    return [...this.#bySerial.values()].map((r) => structuredClone(r));
  }

  byOrderNo(orderNo: string): EInvoiceRecord | undefined {
    const r = this.#byOrder.get(orderNo);
    return r && structuredClone(r);
  }

  bySerialNo(serialNo: string): EInvoiceRecord | undefined {
    const r = this.#bySerial.get(serialNo);
    return r && structuredClone(r);
  }

  /** what is left to reverse of an issued blue invoice (fen), counting red ones issued or issuing */
  remainingFen(invoiceNo: string): number | null {
    const blue = [...this.#bySerial.values()].find((r) => r.kind === "blue" && r.invoiceNo === invoiceNo);
    return blue ? this.#remaining(blue) : null;
  }

  /** forget every invoice, delivery, injected failure and pending timer */
  reset(): void {
    this.close();
    this.#generation += 1;
    this.#bySerial.clear();
    this.#byOrder.clear();
    this.#failing.clear();
    this.#faults = [];
    this.#docFaults = [];
    this.deliveries.length = 0;
    this.downloads.length = 0;
    this.#resultDelayMs = this.opts.resultDelayMs ?? 300;
    this.#slowMs = this.opts.slowMs ?? 30_000;
  }

  /** stop pending results and callbacks (server shutdown, tests) */
  close(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }

  // ---- the API ---------------------------------------------------------------------------------

  async handle(req: SandboxApiRequest): Promise<SandboxApiAnswer> {
    const get = (name: string) => headerValue(req.headers, name)?.trim() ?? "";
    const sign = get(NUONUO_HEADERS.sign);
    const method = get(NUONUO_HEADERS.method);
    const senid = get(NUONUO_HEADERS.senid);
    const nonce = get(NUONUO_HEADERS.nonce);
    const timestamp = get(NUONUO_HEADERS.timestamp);
    const appKey = get(NUONUO_HEADERS.appKey);
    if (!sign || !method || !senid || !nonce || !timestamp || !appKey) {
      return answer("E9105", "缺少必要的公共请求参数（X-Nuonuo-Sign、method、senid、nonce、timestamp、appKey）");
    }
    if (appKey !== this.opts.appKey) return answer("E9101", "appKey 不存在或应用未上线");
    if (senid.length > 64 || !/^\d{1,10}$/.test(nonce)) return answer("E9105", "senid 或 nonce 格式错误");
    const skew = this.opts.timestampSkewS ?? 300;
    if (!/^\d{1,12}$/.test(timestamp) || Math.abs(this.#now() / 1000 - Number(timestamp)) > skew) {
      return answer("E9103", "请求时间戳已过期，请校准服务器时间");
    }
    if (!nuonuoVerify(this.opts.appSecret, { appKey, senid, nonce, timestamp, body: req.body }, sign)) {
      return answer("E9106", "签名错误");
    }
    if (get(NUONUO_HEADERS.accessToken) !== this.opts.accessToken) {
      return answer("E9102", "accessToken 无效或已过期");
    }
    const userTax = get(NUONUO_HEADERS.userTax);
    if (userTax && userTax !== this.opts.sellerTaxId) return answer("E9107", "userTax 与授权企业税号不符");
    if (!(Object.values(NUONUO_METHODS) as string[]).includes(method) || method === NUONUO_METHODS.callback) {
      return answer("E9104", `请求方法不存在：${method}`);
    }

    const fault = this.#takeFault(method);
    if (fault?.mode === "unavailable") return answer("E9999", "系统繁忙，请稍后重试", null, 503);
    if (fault?.mode === "rate_limit") return answer("E9500", "接口调用频率超限，请稍后重试");
    if (fault?.mode === "reject") return answer(SANDBOX_REJECT.code, SANDBOX_REJECT.describe);

    let out: SandboxApiAnswer;
    try {
      let payload: unknown;
      try {
        payload = JSON.parse(req.body);
      } catch {
        return answer("E9105", "请求报文不是合法的 JSON");
      }
      if (!payload || typeof payload !== "object" || Array.isArray(payload)) {
        return answer("E9105", "请求报文须为 JSON 对象");
      }
      const body = payload as Record<string, unknown>;
      if (method === NUONUO_METHODS.issue) out = this.#issue(body, fault?.mode === "fail_result", req.origin);
      else if (method === NUONUO_METHODS.query) out = this.#query(body);
      else out = this.#deliver(body);
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      out = answer(err.code, err.describe);
    }
    if (fault?.mode === "slow") {
      await new Promise((r) => setTimeout(r, fault.delayMs ?? this.#slowMs));
    }
    return out;
  }

  #takeFault(method: string): { mode: EInvoiceFailMode; delayMs?: number } | null {
    const head = this.#faults[0];
    if (!head) return null;
    if ((head.mode === "reject" || head.mode === "fail_result") && method !== NUONUO_METHODS.issue) return null;
    head.left -= 1;
    if (head.left <= 0) this.#faults.shift();
    return { mode: head.mode, delayMs: head.delayMs };
  }

  // ---- requestBillingNew ---------------------------------------------------------------------------

  #issue(body: Record<string, unknown>, failResult: boolean, origin?: string): SandboxApiAnswer {
    const o = body.order;
    if (!o || typeof o !== "object" || Array.isArray(o)) return refuse("E1000", "缺少开票订单信息（order）");
    const order = o as Record<string, unknown>;
    const orderNo = str(order.orderNo).trim();
    if (!orderNo || orderNo.length > 20) return refuse("E1001", "订单号不能为空，且不能超过20位");
    const existing = this.#byOrder.get(orderNo);
    if (existing) {
      // one invoice per orderNo: a resent request is answered with the first serial
      return answer(NUONUO_OK, "订单号已存在，返回原开票流水号", { invoiceSerialNum: existing.serialNo });
    }
    const record = this.#validate(order, orderNo);
    record.origin = origin ?? null;
    this.#bySerial.set(record.serialNo, record);
    this.#byOrder.set(orderNo, record);
    if (failResult) this.#failing.add(record.serialNo);
    this.#schedule(this.#resultDelayMs, () => this.#finish(record));
    return answer(NUONUO_OK, "开票提交成功", { invoiceSerialNum: record.serialNo });
  }

  #validate(order: Record<string, unknown>, orderNo: string): EInvoiceRecord {
    const invoiceType = str(order.invoiceType);
    if (invoiceType !== "1" && invoiceType !== "2") refuse("E1008", "开票类型错误：1 蓝票，2 红票");
    const kind = invoiceType === "2" ? "red" : "blue";
    if (str(order.invoiceLine) !== "pc") refuse("E1007", "不支持的发票种类（本企业仅开通数电普票 pc）");
    if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(str(order.invoiceDate))) {
      refuse("E1009", "单据时间格式错误，应为 yyyy-MM-dd HH:mm:ss");
    }
    const sellerTaxId = str(order.salerTaxNum).trim();
    if (sellerTaxId !== this.opts.sellerTaxId) refuse("E1006", "销方税号与授权企业不符");
    const clerk = str(order.clerk).trim();
    if (!clerk || clerk.length > 20) refuse("E1010", "开票员不能为空，且不能超过20个字");

    const buyerName = str(order.buyerName).trim();
    if (!buyerName || buyerName.length > 100) refuse("E1003", "购方名称不能为空，且不能超过100个字");
    const buyerTaxNum = str(order.buyerTaxNum).trim();
    const naturalPerson = str(order.naturalPersonFlag) === "1";
    if (!naturalPerson) {
      if (!buyerTaxNum) refuse("E1004", "购方为单位时，购方税号不能为空");
      if (!isValidTaxId(buyerTaxNum)) refuse("E1005", "购方税号格式不正确");
    }

    const pushMode = str(order.pushMode) || "-1";
    const email = str(order.email).trim();
    const buyerPhone = str(order.buyerPhone).trim();
    if (!["-1", "0", "1", "2"].includes(pushMode)) refuse("E1011", "推送方式错误");
    if ((pushMode === "0" || pushMode === "2") && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
      refuse("E1012", "推送方式含邮箱时，推送邮箱不能为空且须格式正确");
    }
    if ((pushMode === "1" || pushMode === "2") && !/^1\d{10}$/.test(buyerPhone)) {
      refuse("E1013", "推送方式含手机时，购方手机不能为空且须格式正确");
    }
    const callbackUrl = str(order.callBackUrl).trim() || null;
    if (callbackUrl && !/^https?:\/\/\S+$/.test(callbackUrl)) refuse("E1014", "回传地址（callBackUrl）格式错误");

    const details = order.invoiceDetail;
    if (!Array.isArray(details) || details.length === 0) refuse("E1002", "发票明细不能为空");
    if ((details as unknown[]).length > 2000) refuse("E1002", "发票明细不能超过2000行");
    const lines = (details as unknown[]).map((d, i) => this.#line(d, i + 1, kind));
    const totalFen = lines.reduce((s, l) => s + l.amountFen, 0);
    const taxFen = lines.reduce((s, l) => s + l.taxFen, 0);
    if (!Number.isSafeInteger(totalFen)) refuse("E1102", "价税合计超出范围");

    let originalInvoiceNo: string | null = null;
    if (kind === "red") {
      const invoiceNum = str(order.invoiceNum).trim();
      if (!invoiceNum) refuse("E1201", "红字发票须填写对应蓝字发票号码");
      const blue = [...this.#bySerial.values()].find(
        (r) => r.kind === "blue" && r.invoiceNo === invoiceNum && r.sellerTaxId === sellerTaxId,
      );
      if (!blue || (str(order.invoiceCode) && str(order.invoiceCode) !== blue.invoiceCode)) {
        return refuse("E1202", `对应的蓝字发票（${invoiceNum}）不存在`);
      }
      if (blue.status !== NUONUO_STATUS.issued) refuse("E1203", "对应的蓝字发票尚未开具成功，不能冲红");
      if (blue.buyerName !== buyerName || blue.buyerTaxNum !== buyerTaxNum) {
        refuse("E1205", "红字发票的购方信息须与蓝字发票一致");
      }
      const left = this.#remaining(blue);
      if (-totalFen > left) {
        refuse("E1204", `红冲金额（${fenToYuan(-totalFen)}元）超过蓝字发票剩余可冲红金额（${fenToYuan(left)}元）`);
      }
      originalInvoiceNo = invoiceNum;
    }

    return {
      serialNo: this.#nextSerial(),
      orderNo,
      kind,
      status: NUONUO_STATUS.issuing,
      statusMsg: "开票中",
      failCause: "",
      invoiceCode: "",
      invoiceNo: null,
      invoiceTime: null,
      checkCode: null,
      qrCode: null,
      pdfUrl: null,
      ofdUrl: null,
      origin: null,
      docToken: randomBytes(24).toString("base64url"),
      sellerTaxId,
      buyerName,
      buyerTaxNum,
      naturalPerson,
      totalFen,
      taxFen,
      lines,
      originalInvoiceNo,
      pushMode,
      email,
      buyerPhone,
      clerk,
      remark: str(order.remark),
      callbackUrl,
      callbacks: [],
      createdAt: this.#now(),
    };
  }

  #line(raw: unknown, n: number, kind: "blue" | "red"): SandboxLine {
    if (!raw || typeof raw !== "object") return refuse("E1100", `第${n}行明细格式错误`);
    const d = raw as Record<string, unknown>;
    const goodsName = str(d.goodsName).trim();
    if (!goodsName || goodsName.length > 90) refuse("E1108", `第${n}行商品名称不能为空，且不能超过90个字`);
    const goodsCode = str(d.goodsCode).trim();
    if (!/^\d{19}$/.test(goodsCode)) refuse("E1107", `第${n}行商品税收分类编码不正确（应为19位数字）`);
    if (str(d.withTaxFlag) !== "1") refuse("E1109", `第${n}行须按含税单价开具（withTaxFlag=1）`);

    const fen = (v: unknown, what: string): number => {
      try {
        return yuanToFen(str(v));
      } catch {
        return refuse("E1101", `第${n}行${what}格式不正确（元，最多两位小数）`);
      }
    };
    const amountFen = fen(d.taxIncludedAmount, "含税金额");
    const taxFen = d.tax === undefined || d.tax === "" ? null : fen(d.tax, "税额");
    const exTaxFen =
      d.taxExcludedAmount === undefined || d.taxExcludedAmount === "" ? null : fen(d.taxExcludedAmount, "不含税金额");
    if (kind === "blue" && amountFen <= 0) refuse("E1106", `第${n}行：蓝字发票的金额须为正数`);
    if (kind === "red" && amountFen >= 0) refuse("E1106", `第${n}行：红字发票的金额须为负数`);

    const bp = bpFromRate(str(d.taxRate));
    if (bp === null) return refuse("E1110", `第${n}行税率格式不正确`);
    const flag = str(d.favouredPolicyFlag) || "0";
    const policyName = str(d.favouredPolicyName);
    const zero = str(d.zeroRateFlag);
    let policy: SandboxLine["policy"] = null;
    if (bp === 0) {
      if (flag === "1" && policyName === "免税" && zero === "1") policy = "exempt";
      else if (flag === "1" && policyName === "不征税" && zero === "2") policy = "non_taxable";
      else if (!(flag === "0" && zero === "3")) {
        refuse("E1105", `第${n}行：零税率须注明优惠政策（免税 / 不征税）及对应的零税率标识`);
      }
    } else if (flag !== "0" || zero) {
      refuse("E1105", `第${n}行：税率与优惠政策标识不符`);
    }

    // the tax: zero at rate 0, else within 0.06 of the net amount × rate
    const tax = taxFen ?? (bp === 0 ? 0 : Math.sign(amountFen) * taxInside(Math.abs(amountFen), bp));
    const net = exTaxFen ?? amountFen - tax;
    if (net + tax !== amountFen) refuse("E1102", `第${n}行：含税金额不等于不含税金额与税额之和`);
    if (bp === 0 && tax !== 0) refuse("E1103", `第${n}行：零税率的税额须为0`);
    if (bp > 0) {
      if (tax !== 0 && Math.sign(tax) !== Math.sign(amountFen)) refuse("E1103", `第${n}行：税额符号与金额不符`);
      const expected = roundHalfUp(Math.abs(net) * bp, 10_000);
      if (Math.abs(Math.abs(tax) - expected) > 6) {
        refuse("E1103", `第${n}行：税额与不含税金额×税率的误差超过0.06元`);
      }
    }

    // quantity × unit price (tax inclusive) must match the amount within 0.01
    const num = str(d.num).trim();
    const price = str(d.price).trim();
    if (!!num !== !!price) refuse("E1104", `第${n}行：数量和单价须同时填写或同时为空`);
    if (num && price) {
      const q = decimal8(num);
      const p = decimal8(price);
      if (q === null || p === null || p <= 0n) return refuse("E1104", `第${n}行数量或单价格式不正确`);
      if (q < 0n !== amountFen < 0) refuse("E1104", `第${n}行：数量的符号须与金额一致（红字为负）`);
      const diff = q * p - BigInt(amountFen) * 10n ** 14n;
      if ((diff < 0n ? -diff : diff) > 10n ** 14n) refuse("E1104", `第${n}行：数量×单价与金额不符（误差超过0.01元）`);
    }
    return {
      goodsName,
      goodsCode,
      specType: str(d.specType),
      unit: str(d.unit),
      num,
      price,
      amountFen,
      exTaxFen: net,
      taxFen: tax,
      taxRateBp: bp,
      policy,
    };
  }

  #remaining(blue: EInvoiceRecord): number {
    let left = blue.totalFen;
    for (const r of this.#bySerial.values()) {
      if (r.kind === "red" && r.originalInvoiceNo === blue.invoiceNo && r.status !== NUONUO_STATUS.failed) {
        left += r.totalFen;
      }
    }
    return left;
  }

  #nextSerial(): string {
    this.#serialSeq = (this.#serialSeq + 1) % 10_000;
    const t = beijingDateTime(this.#now()).replace(/\D/g, "").slice(2); // yyMMddHHmmss
    return `${t}${String(this.#serialSeq).padStart(4, "0")}${String(randomInt(0, 10_000)).padStart(4, "0")}`;
  }

  /** 数电 number: 2-digit year, 62 (Gansu), issuing channel 2, then a 15-digit sequence = 20 digits */
  #nextInvoiceNo(at: number): string {
    this.#invoiceSeq += 1;
    return `${beijingDateTime(at).slice(2, 4)}622${String(this.#invoiceSeq).padStart(15, "0")}`;
  }

  #schedule(ms: number, fn: () => void | Promise<void>): void {
    const generation = this.#generation;
    const t = setTimeout(() => {
      this.#timers.delete(t);
      if (generation !== this.#generation) return;
      try {
        void Promise.resolve(fn()).catch(() => {});
      } catch {
        // never throw out of a timer
      }
    }, ms);
    t.unref?.();
    this.#timers.add(t);
  }

  #finish(record: EInvoiceRecord): void {
    if (record.status !== NUONUO_STATUS.issuing) return;
    const at = this.#now();
    if (this.#failing.delete(record.serialNo)) {
      record.status = NUONUO_STATUS.failed;
      record.statusMsg = "开票失败";
      record.failCause = SANDBOX_FAIL_CAUSE;
    } else {
      record.status = NUONUO_STATUS.issued;
      record.statusMsg = "开票完成（最终状态）";
      record.invoiceNo = this.#nextInvoiceNo(at);
      record.invoiceTime = at;
      // 数电: no 校验码; the QR code carries the number, 价税合计, the date and the platform's own code
      record.checkCode = "";
      record.qrCode = [
        "01",
        "32",
        "",
        record.invoiceNo,
        fenToYuan(record.totalFen),
        beijingDateTime(at).slice(0, 10).replace(/-/g, ""),
        "",
        randomInt(0, 0x10000).toString(16).toUpperCase().padStart(4, "0"),
      ].join(",");
      const withDocs = this.opts.renderPdf && record.origin && !this.#takeDocFault((m) => m === "no_document");
      if (withDocs) {
        const base = `${record.origin}${EINVOICE_SANDBOX_PATH}/files/${record.docToken}`;
        record.pdfUrl = `${base}.pdf`;
        record.ofdUrl = `${base}.ofd`;
      }
      // the push the request asked for (pushMode 0 e-mail, 1 SMS, 2 both), as the platform sends it
      const mail = record.pushMode === "0" || record.pushMode === "2" ? record.email : "";
      const phone = record.pushMode === "1" || record.pushMode === "2" ? record.buyerPhone : "";
      if (mail || phone) {
        this.deliveries.push({
          at,
          serialNo: record.serialNo,
          invoiceNum: record.invoiceNo,
          phone: phone || null,
          mail: mail || null,
        });
      }
    }
    if (record.callbackUrl) void this.#callback(record, 1);
  }

  /** one callback attempt; failures schedule the next per callbackRetryDelaysMs. Never throws. */
  async #callback(record: EInvoiceRecord, attempt: number): Promise<void> {
    const url = record.callbackUrl;
    if (!url) return;
    const generation = this.#generation;
    const entry: CallbackAttempt = { at: this.#now(), url, attempt, status: null, error: null };
    try {
      const body = JSON.stringify(this.callbackBody(record));
      const headers = nuonuoHeaders({
        appKey: this.opts.appKey,
        appSecret: this.opts.appSecret,
        method: NUONUO_METHODS.callback,
        userTax: record.sellerTaxId,
        body,
        nowMs: this.#now(),
      });
      const res = await this.#fetch(url, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.timeout(this.opts.callbackTimeoutMs ?? 5000),
      });
      entry.status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      entry.error = err instanceof Error ? err.message : String(err);
    }
    if (generation !== this.#generation) return;
    record.callbacks.push(entry);
    const ok = entry.status !== null && entry.status >= 200 && entry.status < 300;
    const delays = this.opts.callbackRetryDelaysMs ?? [1000, 5000, 30_000];
    const wait = delays[attempt - 1];
    if (!ok && wait !== undefined) this.#schedule(wait, () => this.#callback(record, attempt + 1));
  }

  /** the callback body the platform posts for a record */
  callbackBody(record: EInvoiceRecord): NuonuoCallbackBody {
    return {
      orderNo: record.orderNo,
      serialNo: record.serialNo,
      status: record.status,
      invoiceNo: record.invoiceNo ?? "",
      invoiceTime: record.invoiceTime,
      checkCode: record.checkCode ?? "",
      qrCode: record.qrCode ?? "",
      pdfUrl: record.pdfUrl ?? "",
      ofdUrl: record.ofdUrl ?? "",
      xmlUrl: "",
      failCause: record.failCause,
    };
  }

  // ---- documents -----------------------------------------------------------------------------------

  /** GET /files/<token>.<ext>: an issued record's PDF or OFD specimen (faults: unavailable, wrong_type) */
  async file(name: string): Promise<SandboxFile> {
    const m = /^([A-Za-z0-9_-]{32})\.(pdf|ofd)$/.exec(name);
    const record = m ? [...this.#bySerial.values()].find((r) => r.docToken === m[1]) : undefined;
    const ext = m?.[2] ?? "";
    const out = await this.#file(record, ext);
    this.downloads.push({ at: this.#now(), token: m?.[1] ?? name.slice(0, 40), ext, status: out.status });
    return out;
  }

  async #file(record: EInvoiceRecord | undefined, ext: string): Promise<SandboxFile> {
    if (!record || record.status !== NUONUO_STATUS.issued || !record.pdfUrl) {
      return { status: 404, type: "text/plain; charset=utf-8", body: "not found" };
    }
    const fault = this.#takeDocFault((mode) => mode !== "no_document");
    if (fault === "unavailable") return { status: 503, type: "text/plain; charset=utf-8", body: "系统繁忙" };
    if (fault === "wrong_type") {
      return {
        status: 200,
        type: "text/html; charset=utf-8",
        body: `<!doctype html><html><body><h1>系统维护中</h1><p>${"请稍后再试。".repeat(20)}</p></body></html>`,
      };
    }
    if (ext === "pdf") {
      const blue = record.originalInvoiceNo
        ? [...this.#bySerial.values()].find((r) => r.kind === "blue" && r.invoiceNo === record.originalInvoiceNo)
        : undefined;
      const render = this.opts.renderPdf as NonNullable<EInvoiceSandboxOptions["renderPdf"]>;
      const pdf = await render(structuredClone(record), blue && structuredClone(blue));
      return { status: 200, type: "application/pdf", body: pdf };
    }
    return { status: 200, type: "application/ofd", body: sandboxOfd(record) };
  }

  // ---- queryInvoiceResult ------------------------------------------------------------------------

  #query(body: Record<string, unknown>): SandboxApiAnswer {
    const list = (v: unknown, what: string): string[] => {
      if (v === undefined || v === null) return [];
      if (!Array.isArray(v) || !v.every((s) => typeof s === "string")) return refuse("E1401", `${what}须为字符串数组`);
      return v as string[];
    };
    const serialNos = list(body.serialNos, "serialNos");
    const orderNos = list(body.orderNos, "orderNos");
    if (serialNos.length === 0 && orderNos.length === 0) refuse("E1401", "发票流水号和订单号不能同时为空");
    if (serialNos.length + orderNos.length > 50) refuse("E1402", "单次查询不能超过50条");
    const found = new Map<string, EInvoiceRecord>();
    for (const s of serialNos) {
      const r = this.#bySerial.get(s);
      if (r) found.set(r.serialNo, r);
    }
    for (const o of orderNos) {
      const r = this.#byOrder.get(o);
      if (r) found.set(r.serialNo, r);
    }
    return answer(
      NUONUO_OK,
      "获取成功",
      [...found.values()].map((r) => ({
        serialNo: r.serialNo,
        orderNo: r.orderNo,
        status: r.status,
        statusMsg: r.statusMsg,
        failCause: r.failCause,
        invoiceCode: r.invoiceCode,
        invoiceNo: r.invoiceNo ?? "",
        invoiceTime: r.invoiceTime,
        checkCode: r.checkCode ?? "",
        allElectronicInvoiceNumber: r.invoiceNo ?? "",
        qrCode: r.qrCode ?? "",
        pdfUrl: r.pdfUrl ?? "",
        ofdUrl: r.ofdUrl ?? "",
        xmlUrl: "",
        invoiceKind: "电子发票(普通发票)",
        invoiceType: r.kind === "red" ? "2" : "1",
        invoiceLine: "pc",
        oldInvoiceCode: "",
        oldInvoiceNo: r.originalInvoiceNo ?? "",
        buyerName: r.buyerName,
        buyerTaxNum: r.buyerTaxNum,
        salerTaxNum: r.sellerTaxId,
        orderAmount: fenToYuan(r.totalFen),
        exTaxAmount: fenToYuan(r.totalFen - r.taxFen),
        taxAmount: fenToYuan(r.taxFen),
        createTime: r.createdAt,
      })),
    );
  }

  // ---- deliveryInvoice ---------------------------------------------------------------------------

  #deliver(body: Record<string, unknown>): SandboxApiAnswer {
    if (str(body.taxnum) !== this.opts.sellerTaxId) refuse("E1501", "税号与授权企业不符");
    const invoiceNum = str(body.invoiceNum).trim();
    const invoiceCode = str(body.invoiceCode).trim();
    const record = [...this.#bySerial.values()].find(
      (r) => r.invoiceNo !== null && r.invoiceNo === invoiceNum && r.invoiceCode === invoiceCode,
    );
    if (!record || record.status !== NUONUO_STATUS.issued) refuse("E1502", "发票不存在或尚未开具成功");
    const phone = str(body.phone).trim();
    const mail = str(body.mail).trim();
    if (!phone && !mail) refuse("E1503", "手机号和邮箱不能同时为空");
    if (mail && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(mail)) refuse("E1504", "邮箱格式不正确");
    if (phone && !/^1\d{10}$/.test(phone)) refuse("E1505", "手机号格式不正确");
    this.deliveries.push({
      at: this.#now(),
      serialNo: (record as EInvoiceRecord).serialNo,
      invoiceNum,
      phone: phone || null,
      mail: mail || null,
    });
    return answer(NUONUO_OK, "发送成功");
  }
}

/**
 * A minimal OFD package (GB/T 33190: a ZIP with OFD.xml at its root, stored uncompressed) whose document
 * information names the invoice and says it is a sandbox specimen. It is enough to be recognised as an OFD
 * file; it is not a full 数电 layout.
 */
export function sandboxOfd(record: Pick<EInvoiceRecord, "invoiceNo" | "qrCode" | "totalFen">): Buffer {
  const esc = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const ofdXml = `<?xml version="1.0" encoding="UTF-8"?>
<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.1" DocType="OFD">
  <ofd:DocBody>
    <ofd:DocInfo>
      <ofd:DocID>${esc(record.invoiceNo ?? "")}</ofd:DocID>
      <ofd:Title>${SANDBOX_DOCUMENT_MARK} ${esc(record.invoiceNo ?? "")}</ofd:Title>
      <ofd:Abstract>${SANDBOX_DOCUMENT_MARK}</ofd:Abstract>
      <ofd:CustomDatas>
        <ofd:CustomData Name="发票号码">${esc(record.invoiceNo ?? "")}</ofd:CustomData>
        <ofd:CustomData Name="价税合计">${fenToYuan(record.totalFen)}</ofd:CustomData>
        <ofd:CustomData Name="二维码">${esc(record.qrCode ?? "")}</ofd:CustomData>
      </ofd:CustomDatas>
    </ofd:DocInfo>
    <ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>
  </ofd:DocBody>
</ofd:OFD>
`;
  const docXml = `<?xml version="1.0" encoding="UTF-8"?>
<ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:CommonData><ofd:MaxUnitID>1</ofd:MaxUnitID></ofd:CommonData><ofd:Pages/></ofd:Document>
`;
  return storedZip([
    ["OFD.xml", Buffer.from(ofdXml, "utf8")],
    ["Doc_0/Document.xml", Buffer.from(docXml, "utf8")],
  ]);
}

/** a ZIP archive of the given files, stored (no compression), UTF-8 names */
function storedZip(files: [string, Buffer][]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of files) {
    const n = Buffer.from(name, "utf8");
    const crc = crc32(data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt32LE(0, 10); // time, date
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    local.writeUInt16LE(0, 28);
    parts.push(local, n, data);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x0800, 8);
    c.writeUInt16LE(0, 10);
    c.writeUInt32LE(0, 12);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(data.length, 20);
    c.writeUInt32LE(data.length, 24);
    c.writeUInt16LE(n.length, 28);
    c.writeUInt32LE(offset, 42);
    central.push(c, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}

/** amount − round(amount × 10000 / (10000 + bp)): the tax inside a tax-inclusive amount */
function taxInside(absAmount: number, bp: number): number {
  return absAmount - roundHalfUp(absAmount * 10_000, 10_000 + bp);
}

// ---- routes --------------------------------------------------------------------------------------

const FailNextInput = z.object({
  mode: z.enum(EINVOICE_FAIL_MODES),
  count: z.number().int().min(1).max(1000).optional(),
  delayMs: z.number().int().min(0).max(600_000).optional(),
});
const DocFailNextInput = z.object({
  mode: z.enum(EINVOICE_DOC_FAIL_MODES),
  count: z.number().int().min(1).max(1000).optional(),
});
const DelayInput = z.object({ ms: z.number().int().min(0).max(600_000) });

/** Mounts the sandbox platform and its test controls under /sandbox/einvoice (see the file comment). */
export function mountEInvoiceSandbox(
  router: Router,
  opts: EInvoiceSandboxOptions | { sandbox: EInvoiceSandbox },
): EInvoiceSandbox {
  const sb = "sandbox" in opts ? opts.sandbox : new EInvoiceSandbox(opts);
  const P = EINVOICE_SANDBOX_PATH;

  router.post(EINVOICE_API_PATH, async (ctx) => {
    // where this request came to (koa 3's ctx.origin is the Origin header, not this)
    const origin = `${ctx.protocol}://${ctx.host}`;
    const out = await sb.handle({ headers: ctx.headers, body: await readText(ctx, BODY_LIMIT), origin });
    ctx.set("Cache-Control", "no-store");
    ctx.status = out.status;
    ctx.type = "application/json; charset=utf-8";
    ctx.body = JSON.stringify(out.body);
  });

  const control =
    <T>(schema: z.ZodType<T> | null, fn: (input: T, ctx: Context) => unknown) =>
    async (ctx: Context) => {
      ctx.set("Cache-Control", "no-store");
      let input: unknown = {};
      const text = await readText(ctx, BODY_LIMIT);
      try {
        if (text.trim()) input = JSON.parse(text);
      } catch {
        ctx.status = 400;
        ctx.body = { code: "PARAM_ERROR", message: "请求体不是 JSON" };
        return;
      }
      const parsed = schema ? schema.safeParse(input) : { success: true as const, data: input as T };
      if (!parsed.success) {
        ctx.status = 400;
        ctx.body = {
          code: "PARAM_ERROR",
          message: "参数错误",
          issues: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
        };
        return;
      }
      ctx.body = (await fn(parsed.data, ctx)) ?? { ok: true };
    };

  router.post(
    `${P}/test/fail-next`,
    control(FailNextInput, (input) => {
      sb.failNext(input.mode, input.count ?? 1, { delayMs: input.delayMs });
    }),
  );
  router.get(`${P}/files/:name`, async (ctx) => {
    const out = await sb.file(String(ctx.params.name ?? ""));
    ctx.set("Cache-Control", "no-store");
    ctx.status = out.status;
    ctx.type = out.type;
    ctx.body = out.body;
  });
  router.post(
    `${P}/test/doc-fail-next`,
    control(DocFailNextInput, (input) => {
      sb.failNextDocument(input.mode, input.count ?? 1);
    }),
  );
  router.post(
    `${P}/test/result-delay`,
    control(DelayInput, (input) => {
      sb.setResultDelay(input.ms);
    }),
  );
  router.get(
    `${P}/test/invoices`,
    control(null, () => ({ invoices: sb.records(), deliveries: sb.deliveries, downloads: sb.downloads })),
  );
  router.post(
    `${P}/test/reset`,
    control(null, () => {
      sb.reset();
    }),
  );
  return sb;
}

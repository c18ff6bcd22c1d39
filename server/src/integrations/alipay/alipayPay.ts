import { AlipayRequestError, type AlipaySdk } from "alipay-sdk";
import { alipaySdk } from "./sdk";
import type { Config } from "../../config";
import { logger } from "../../lib/logger";
import {
  type BillRow,
  type CreatedTrade,
  type CreateTradeInput,
  NotificationRejected,
  type PaymentVendorClient,
  PaymentVendorError,
  type RefundInput,
  type RefundResult,
  type VendorTrade,
  type VendorTradeState,
  type VerifiedNotification,
} from "../payments";
import { SANDBOX_PATHS } from "../sandboxPaths";
import type { VendorKeySource } from "../vendorKeys";
import { BillFormatError, parseTradeBill } from "./alipayBill";
import {
  fenToYuan,
  isCalendarDate,
  parseShanghaiDateTime,
  parseYuan,
  shanghaiDateTime,
  isRecord,
  parseObject,
} from "./alipayFormat";
import { parseNotifyForm } from "./alipayNotify";

/** The OpenAPI 2.0 methods the payment client calls. */
export const ALIPAY_PAY_METHODS = {
  create: "alipay.trade.create",
  query: "alipay.trade.query",
  close: "alipay.trade.close",
  refund: "alipay.trade.refund",
  refundQuery: "alipay.trade.fastpay.refund.query",
  billUrl: "alipay.data.dataservice.bill.downloadurl.query",
} as const;

/** Path (below the sandbox's /sandbox/alipay) of the H5 cashier page that stands in for Alipay's payment sheet. */
export const SANDBOX_CASHIER_PATH = "cashier";

export interface AlipayPayOptions {
  appId: string;
  /** our app's RSA private key, PKCS8 PEM */
  privateKey: string;
  /** Alipay's RSA public key (SPKI PEM): answers and notifications are verified with it */
  alipayPublicKey: string;
  /** OpenAPI 2.0 gateway, e.g. https://openapi.alipay.com/gateway.do or the local sandbox */
  gateway: string;
  /** the merchant's PID (2088…): notifications must name it as seller_id */
  sellerId: string;
  /** sandbox only: the cashier page; createTrade then returns `${cashierUrl}?trade_no=…` */
  cashierUrl?: string | null;
  timeoutMs?: number;
  /** largest bill file accepted, bytes */
  billMaxBytes?: number;
}

/** Alipay's money limits for one trade: 0.01 to 100,000,000.00 yuan. */
const MAX_TRADE_FEN = 10_000_000_000;
/** Alipay's subject may not contain these (“不可使用特殊字符，如 /，=，& 等”): replaced by full-width forms. */
const SUBJECT_SPECIALS: Record<string, string> = { "/": "／", "=": "＝", "&": "＆" };
/** a real Alipay user_id; anything else is sent as buyer_open_id */
const USER_ID = /^2088\d{12}$/;
const OUT_NO = /^[0-9A-Za-z_-]{1,64}$/;

const STATES: Record<string, VendorTradeState> = {
  TRADE_SUCCESS: "PAID",
  TRADE_FINISHED: "PAID",
  WAIT_BUYER_PAY: "NOT_PAID",
  TRADE_CLOSED: "CLOSED",
};

type Answer = Record<string, unknown>;

/**
 * 支付宝小程序支付 (JSAPI_PAY) on alipay-sdk 4.14: trade.create → trade_no for my.tradePay, query, close,
 * refund (synchronous at Alipay), the daily trade bill, and asynchronous notifications. Every answer's
 * signature is verified, error answers included; whatever Alipay refuses becomes a PaymentVendorError
 * whose code is Alipay's sub_code (e.g. ACQ.TRADE_NOT_EXIST).
 */
export class AlipayPayClient implements PaymentVendorClient {
  readonly vendor = "alipay" as const;
  readonly #sdk: AlipaySdk;
  readonly #opts: AlipayPayOptions;

  constructor(opts: AlipayPayOptions) {
    if (!opts.alipayPublicKey) throw new Error("AlipayPayClient needs Alipay's public key to verify answers");
    if (!opts.sellerId) throw new Error("AlipayPayClient needs the merchant's seller id (PID)");
    this.#opts = opts;
    this.#sdk = alipaySdk({ ...opts, alipayPublicKey: opts.alipayPublicKey, timeoutMs: opts.timeoutMs ?? 10_000 });
  }

  async createTrade(input: CreateTradeInput): Promise<CreatedTrade> {
    checkOutNo(input.outTradeNo, "outTradeNo");
    checkFen(input.amountFen, "amountFen");
    if (!input.payerId) throw new TypeError("payerId (the buyer's user_id or open_id) is required");
    if (!(input.expireAt instanceof Date) || Number.isNaN(input.expireAt.getTime())) {
      throw new TypeError("expireAt must be a valid Date");
    }
    const answer = await this.#call(ALIPAY_PAY_METHODS.create, {
      notify_url: input.notifyUrl,
      bizContent: {
        out_trade_no: input.outTradeNo,
        total_amount: fenToYuan(input.amountFen),
        subject: subjectOf(input.description),
        product_code: "JSAPI_PAY",
        ...(USER_ID.test(input.payerId) ? { buyer_id: input.payerId } : { buyer_open_id: input.payerId }),
        time_expire: shanghaiDateTime(input.expireAt),
      },
    });
    this.#sameTrade(ALIPAY_PAY_METHODS.create, answer, input.outTradeNo);
    const tradeNo = text(answer.trade_no);
    if (!tradeNo) throw this.#invalid(ALIPAY_PAY_METHODS.create, "no trade_no in the answer");
    const cashier = this.#opts.cashierUrl;
    return {
      vendorRef: tradeNo,
      clientParams: { tradeNO: tradeNo },
      ...(cashier ? { cashierUrl: `${cashier}?${new URLSearchParams({ trade_no: tradeNo })}` } : {}),
    };
  }

  async queryTrade(outTradeNo: string): Promise<VendorTrade | null> {
    checkOutNo(outTradeNo, "outTradeNo");
    let answer: Answer;
    try {
      answer = await this.#call(ALIPAY_PAY_METHODS.query, { bizContent: { out_trade_no: outTradeNo } });
    } catch (err) {
      if (err instanceof PaymentVendorError && err.code === "ACQ.TRADE_NOT_EXIST") return null;
      throw err;
    }
    this.#sameTrade(ALIPAY_PAY_METHODS.query, answer, outTradeNo);
    const status = text(answer.trade_status);
    const total = parseYuan(text(answer.total_amount));
    if (total === null) throw this.#invalid(ALIPAY_PAY_METHODS.query, "no total_amount in the answer");
    const paidAt = parseShanghaiDateTime(text(answer.send_pay_date));
    let state = STATES[status] ?? "UNKNOWN";
    // TRADE_CLOSED is both "closed unpaid" and "fully refunded after payment"; only a paid trade has a send_pay_date
    if (state === "CLOSED" && paidAt) state = "REFUNDED";
    const paid = state === "PAID" || state === "REFUNDED";
    return {
      outTradeNo,
      state,
      transactionId: paid ? text(answer.trade_no) || null : null,
      amountFen: paid ? total : null,
      paidAt: paid ? paidAt : null,
      // trade.query answers carry neither app_id nor seller_id: Alipay answers a signed request only with the
      // calling app's own trades, so the signed answer itself says the trade is this app's (and merchant's)
      merchant: { appId: this.#opts.appId, sellerId: text(answer.seller_id) || this.#opts.sellerId },
      raw: answer,
    };
  }

  async closeTrade(outTradeNo: string): Promise<void> {
    checkOutNo(outTradeNo, "outTradeNo");
    try {
      const answer = await this.#call(ALIPAY_PAY_METHODS.close, { bizContent: { out_trade_no: outTradeNo } });
      this.#sameTrade(ALIPAY_PAY_METHODS.close, answer, outTradeNo);
    } catch (err) {
      // closing twice: Alipay refuses with ACQ.TRADE_STATUS_ERROR; an already closed trade is what was asked for
      if (err instanceof PaymentVendorError && err.code === "ACQ.TRADE_STATUS_ERROR") {
        const trade = await this.queryTrade(outTradeNo);
        if (trade?.state === "CLOSED") return;
      }
      throw err;
    }
  }

  async refund(input: RefundInput): Promise<RefundResult> {
    checkOutNo(input.outTradeNo, "outTradeNo");
    checkOutNo(input.outRefundNo, "outRefundNo");
    checkFen(input.refundFen, "refundFen");
    if (input.refundFen > input.totalFen) throw new RangeError("refundFen exceeds totalFen");
    // alipay.trade.refund has no notify_url: refund notifications go to the payment's notify_url
    const answer = await this.#call(ALIPAY_PAY_METHODS.refund, {
      bizContent: {
        out_trade_no: input.outTradeNo,
        refund_amount: fenToYuan(input.refundFen),
        out_request_no: input.outRefundNo,
        ...(input.reason ? { refund_reason: [...input.reason].slice(0, 256).join("") } : {}),
      },
    });
    this.#sameTrade(ALIPAY_PAY_METHODS.refund, answer, input.outTradeNo);
    const tradeNo = text(answer.trade_no);
    const refundId = `${tradeNo}:${input.outRefundNo}`;
    if (answer.fund_change === "Y") return { refundId, status: "SUCCESS", raw: answer };
    // fund_change=N: nothing moved by *this* call, e.g. a repeated out_request_no; the refund query tells
    const found = await this.#queryRefund(input.outTradeNo, input.outRefundNo);
    if (found.status === "REFUND_SUCCESS") {
      if (found.amountFen !== input.refundFen) {
        throw new PaymentVendorError(
          "alipay",
          "REFUND_AMOUNT_MISMATCH",
          `refund ${input.outRefundNo} was made for ${found.amountFen} fen, not ${input.refundFen}`,
        );
      }
      return { refundId, status: "SUCCESS", raw: { refund: answer, query: found.raw } };
    }
    return { refundId, status: "PROCESSING", raw: { refund: answer, query: found.raw } };
  }

  async downloadBill(date: string): Promise<BillRow[]> {
    if (!isCalendarDate(date)) throw new RangeError(`bill date must be YYYY-MM-DD, got ${JSON.stringify(date)}`);
    const answer = await this.#call(ALIPAY_PAY_METHODS.billUrl, {
      bizContent: { bill_type: "trade", bill_date: date },
    });
    const url = text(answer.bill_download_url);
    if (!/^https?:\/\//i.test(url)) throw this.#invalid(ALIPAY_PAY_METHODS.billUrl, "no bill_download_url");
    const file = await this.#fetchBill(url);
    try {
      return parseTradeBill(file);
    } catch (err) {
      if (err instanceof BillFormatError) throw new PaymentVendorError("alipay", "BILL_FORMAT", err.message);
      throw err;
    }
  }

  async verifyNotification(req: {
    headers: Record<string, string | string[] | undefined>;
    rawBody: Buffer;
  }): Promise<VerifiedNotification> {
    const contentType = header(req.headers, "content-type");
    const params = parseNotifyForm(req.rawBody, contentType);
    if (!params.sign) throw new NotificationRejected("BAD_SIGNATURE", "alipay notification without sign");
    if (params.sign_type && params.sign_type !== "RSA2") {
      throw new NotificationRejected("BAD_SIGNATURE", `alipay notification signed with ${params.sign_type}`);
    }
    if (!this.#notifySignatureValid(params)) {
      throw new NotificationRejected("BAD_SIGNATURE", "alipay notification signature does not verify");
    }
    const malformed = (why: string) => new NotificationRejected("MALFORMED", `alipay notification: ${why}`);
    if (!params.app_id || !params.seller_id) throw malformed("no app_id or seller_id");
    if (params.app_id !== this.#opts.appId || params.seller_id !== this.#opts.sellerId) {
      throw new NotificationRejected(
        "FOREIGN_MERCHANT",
        `alipay notification for app ${params.app_id} / seller ${params.seller_id}`,
      );
    }
    if (params.notify_type && params.notify_type !== "trade_status_sync") {
      throw malformed(`notify_type ${params.notify_type}`);
    }
    const outTradeNo = params.out_trade_no;
    const tradeNo = params.trade_no;
    if (!outTradeNo || !tradeNo) throw malformed("no out_trade_no or trade_no");

    if (params.refund_fee !== undefined || params.gmt_refund !== undefined || params.out_biz_no !== undefined) {
      const outRefundNo = params.out_biz_no;
      if (!outRefundNo) throw malformed("refund notification without out_biz_no");
      if (params.refund_fee !== undefined && parseYuan(params.refund_fee) === null) throw malformed("bad refund_fee");
      // refund_fee is the trade's refunded total so far, not this refund's amount: ask for that one
      const found = await this.#queryRefund(outTradeNo, outRefundNo);
      if (found.status !== "REFUND_SUCCESS" || found.amountFen === null) {
        throw new PaymentVendorError(
          "alipay",
          "REFUND_NOT_FOUND",
          `notified refund ${outRefundNo} of ${outTradeNo} is not a successful refund at Alipay`,
        );
      }
      return {
        kind: "refund",
        outTradeNo,
        outRefundNo,
        refundId: `${tradeNo}:${outRefundNo}`,
        status: "SUCCESS",
        refundFen: found.amountFen,
        raw: params,
      };
    }

    const state = STATES[params.trade_status ?? ""];
    if (!state) throw malformed(`trade_status ${params.trade_status ?? "(none)"}`);
    const total = parseYuan(params.total_amount ?? "");
    if (total === null) throw malformed("bad total_amount");
    const paid = state === "PAID";
    return {
      kind: "payment",
      trade: {
        outTradeNo,
        state,
        transactionId: paid ? tradeNo : null,
        amountFen: paid ? total : null,
        paidAt: paid ? parseShanghaiDateTime(params.gmt_payment ?? "") : null,
        merchant: { appId: params.app_id, sellerId: params.seller_id },
        raw: params,
      },
    };
  }

  notificationAnswer(ok: boolean): { status: number; type: string; body: string } {
    // Alipay retries (4m, 10m, 10m, 1h, 2h, 6h, 15h) until the body is exactly "success"
    return { status: 200, type: "text/plain", body: ok ? "success" : "fail" };
  }

  // ---- internals --------------------------------------------------------------------------------

  /** One verified gateway call; answers other than code 10000 become PaymentVendorError(sub_code). */
  async #call(method: string, params: Record<string, unknown>): Promise<Answer> {
    let answer: unknown;
    try {
      // the SDK stamps `timestamp` in the process's local zone; Alipay reads it as Beijing time
      answer = await this.#sdk.exec(
        method,
        { ...params, timestamp: shanghaiDateTime(Date.now()) },
        { validateSign: true },
      );
    } catch (err) {
      throw this.#fromSdkError(method, err);
    }
    if (!isRecord(answer)) throw this.#invalid(method, "answer is not an object");
    if (answer.code !== "10000") throw this.#refused(method, answer);
    return answer;
  }

  /**
   * alipay-sdk 4.14 throws for every answer it cannot verify. Answers under `error_response` (gateway-level
   * refusals) always fail its check, which looks for the method's own key, so they are verified again here
   * over their error_response text before being believed.
   */
  #fromSdkError(method: string, err: unknown): PaymentVendorError {
    if (err instanceof AlipayRequestError) {
      if (err.message.startsWith("HttpClient Request error")) {
        return new PaymentVendorError("alipay", "NETWORK_ERROR", `${method}: request failed (${causeCode(err)})`);
      }
      const raw = err.responseDataRaw;
      if (err.message.startsWith("HTTP 请求错误")) {
        return new PaymentVendorError("alipay", "HTTP_ERROR", `${method}: ${err.message.split(",")[1]?.trim() ?? ""}`);
      }
      const parsed = raw ? parseObject(raw) : null;
      const error = parsed?.error_response;
      if (raw && isRecord(error)) {
        if (typeof parsed?.sign === "string" && this.#responseSignValid(raw, "error_response", parsed.sign)) {
          return this.#refused(method, error);
        }
        return this.#badSignature(method, "error answer");
      }
      if (err.message.startsWith("验签失败")) return this.#badSignature(method, "answer");
      return this.#invalid(method, err.message.split(",")[0]);
    }
    // a success answer without any `sign` makes node:crypto reject the missing signature argument
    if ((err as { code?: unknown })?.code === "ERR_INVALID_ARG_TYPE")
      return this.#badSignature(method, "unsigned answer");
    return this.#invalid(method, (err as Error)?.name ?? "error");
  }

  #responseSignValid(raw: string, key: string, sign: string): boolean {
    try {
      this.#sdk.checkResponseSign(raw, key, sign, "");
      return true;
    } catch {
      return false;
    }
  }

  #notifySignatureValid(params: Record<string, string>): boolean {
    // empty values are not signed by Alipay (its own SDKs skip them); alipay-sdk would include them
    const signed = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== ""));
    try {
      return this.#sdk.checkNotifySignV2(signed);
    } catch {
      return false;
    }
  }

  #badSignature(method: string, what: string): PaymentVendorError {
    logger.warn({ vendor: "alipay", method, reason: `${what} with a bad or missing signature` }, "alipay call failed");
    return new PaymentVendorError(
      "alipay",
      "INVALID_RESPONSE_SIGNATURE",
      `${method}: ${what} signature does not verify`,
    );
  }

  #invalid(method: string, why: string): PaymentVendorError {
    return new PaymentVendorError("alipay", "INVALID_RESPONSE", `${method}: ${why}`);
  }

  #refused(method: string, body: Answer): PaymentVendorError {
    const code = text(body.sub_code) || text(body.code) || "UNKNOWN";
    const msg = (text(body.sub_msg) || text(body.msg)).slice(0, 200);
    return new PaymentVendorError("alipay", code, `${method}: ${code}${msg ? ` ${msg}` : ""}`);
  }

  /** An answer about another trade than the one asked about is not believed. */
  #sameTrade(method: string, answer: Answer, outTradeNo: string): void {
    if (answer.out_trade_no !== undefined && answer.out_trade_no !== outTradeNo) {
      throw this.#invalid(method, `answer is about out_trade_no ${String(answer.out_trade_no)}`);
    }
  }

  async #queryRefund(
    outTradeNo: string,
    outRequestNo: string,
  ): Promise<{ status: string | null; amountFen: number | null; raw: Answer }> {
    const answer = await this.#call(ALIPAY_PAY_METHODS.refundQuery, {
      bizContent: { out_trade_no: outTradeNo, out_request_no: outRequestNo, query_options: ["gmt_refund_pay"] },
    });
    this.#sameTrade(ALIPAY_PAY_METHODS.refundQuery, answer, outTradeNo);
    if (answer.out_request_no !== undefined && answer.out_request_no !== outRequestNo) {
      throw this.#invalid(ALIPAY_PAY_METHODS.refundQuery, "answer is about another refund");
    }
    // no refund_status in a success answer: Alipay has no such refund (not received, or failed)
    return {
      status: text(answer.refund_status) || null,
      amountFen: parseYuan(text(answer.refund_amount)),
      raw: answer,
    };
  }

  async #fetchBill(url: string): Promise<Buffer> {
    const limit = this.#opts.billMaxBytes ?? 50 * 1024 * 1024;
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(this.#opts.timeoutMs ?? 30_000) });
    } catch (err) {
      throw new PaymentVendorError(
        "alipay",
        "BILL_DOWNLOAD_FAILED",
        `bill download failed (${causeCode(err as Error)})`,
      );
    }
    if (res.status !== 200 || !res.body) {
      await res.body?.cancel();
      throw new PaymentVendorError("alipay", "BILL_DOWNLOAD_FAILED", `bill download answered HTTP ${res.status}`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += chunk.length;
      if (size > limit) {
        await res.body.cancel().catch(() => {});
        throw new PaymentVendorError("alipay", "BILL_DOWNLOAD_FAILED", `bill file larger than ${limit} bytes`);
      }
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
  }
}

/**
 * The payment client for the configured Alipay set-up. In sandbox mode against the local sandbox gateway,
 * createTrade also returns the sandbox cashier page for H5.
 */
export async function createAlipayPayClient(config: Config, keySource: VendorKeySource): Promise<AlipayPayClient> {
  const keys = await keySource.alipay();
  const { appId, gateway, sellerId } = config.alipay;
  if (!sellerId) {
    throw new Error("Alipay payments need ALIPAY_SELLER_ID (the merchant's PID, 2088…) when SANDBOX_VENDORS=false");
  }
  return new AlipayPayClient({
    appId,
    privateKey: keys.appPrivateKey,
    alipayPublicKey: keys.alipayPublicKey,
    gateway,
    sellerId,
    cashierUrl: sandboxCashierUrl(config),
  });
}

/** The local cashier page when the gateway is this server's Alipay sandbox; null otherwise. */
export function sandboxCashierUrl(config: Config): string | null {
  if (!config.sandboxVendors) return null;
  const gateway = new URL(config.alipay.gateway);
  if (!gateway.pathname.endsWith(`${SANDBOX_PATHS.alipay}/gateway.do`)) return null;
  return new URL(SANDBOX_CASHIER_PATH, gateway).toString().split("?")[0];
}

function subjectOf(description: string): string {
  const cleaned = description.replace(/[/=&]/g, (c) => SUBJECT_SPECIALS[c] ?? c).trim();
  if (!cleaned) throw new TypeError("description (the Alipay subject) is required");
  return [...cleaned].slice(0, 256).join("");
}

function checkFen(fen: number, name: string): void {
  if (!Number.isSafeInteger(fen) || fen < 1 || fen > MAX_TRADE_FEN) {
    throw new RangeError(`${name} must be an integer number of fen between 1 and ${MAX_TRADE_FEN}, got ${fen}`);
  }
}

function checkOutNo(no: string, name: string): void {
  if (typeof no !== "string" || !OUT_NO.test(no)) {
    throw new TypeError(`${name} must be 1–64 letters, digits, '_' or '-', got ${JSON.stringify(no)}`);
  }
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === name) return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

const text = (v: unknown): string => (typeof v === "string" ? v : "");

function causeCode(err: Error): string {
  const cause = (err.cause ?? err) as { code?: unknown; name?: unknown };
  return String(cause?.code ?? cause?.name ?? "unknown");
}

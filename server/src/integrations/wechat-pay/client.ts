import { createHash, type KeyObject } from "node:crypto";
import { isBizDate } from "@warmline/shared";
import Pay from "wechatpay-node-v3";
import type { Output } from "wechatpay-node-v3/dist/lib/interface-v2";
import type { IPayRequest } from "wechatpay-node-v3/dist/lib/pay-request.interface";
import { z } from "zod";
import type { Config } from "../../config";
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
import { parseTradeBill, TradeBillFormatError } from "./bill";
import { aesGcmDecrypt, header, nonceStr, parseRfc3339, rfc3339Shanghai, WechatPayVerifier } from "./signing";

/** The SDK's requests always name this origin; the injected HTTP layer maps it onto the configured base. */
export const WECHATPAY_API_ORIGIN = "https://api.mch.weixin.qq.com";

export interface WechatPayClientOptions {
  mchId: string;
  appId: string;
  /** https://api.mch.weixin.qq.com, or the local sandbox (…/sandbox/wechatpay) */
  apiBase: string;
  merchantSerial: string;
  merchantPrivateKey: KeyObject;
  apiV3Key: string;
  /** trusted platform certificates: serial → public key */
  platformCerts: Map<string, KeyObject>;
  /** the WeChat Pay public key (微信支付公钥) and its PUB_KEY_ID_… */
  wechatpayPublicKey: { id: string; key: KeyObject } | null;
  /** accepted clock difference for notification and response timestamps (seconds), 300 by default */
  notifySkewS?: number;
  /** sandbox only: createTrade returns `${cashierBase}/cashier?prepay_id=…` as cashierUrl */
  cashierBase?: string;
  /** real WeChat Pay accepts only https notify URLs; the sandbox also takes http */
  allowHttpNotifyUrl?: boolean;
  timeoutMs?: number;
  now?: () => number;
}

/** out_trade_no / out_refund_no: 6–32 of letters, digits, _-|*@ (WeChat's rule; keeps URLs unambiguous) */
const MERCHANT_NO = /^[0-9A-Za-z_\-|*@]{6,32}$/;

/**
 * WeChat Pay API v3 for JSAPI/mini-program payments (直连商户).
 *
 * Requests are built and signed by wechatpay-node-v3 (its endpoint methods, getSignature and
 * getAuthorization), with two repairs: nonces come from the CSPRNG instead of Math.random, and its HTTP
 * client is replaced (createHttp) by one that talks to the configured API base and verifies every
 * response's Wechatpay-* signature before the SDK sees it. Notifications are verified and decrypted here
 * with node:crypto (the SDK's verifySign/decipher_gcm skip the GCM tag, fetch unknown certificates and know
 * no public-key mode). Amounts are fen; errors are PaymentVendorError with WeChat's `code`.
 */
export class WechatPayClient implements PaymentVendorClient {
  readonly vendor = "wechat" as const;
  readonly #sdk: SignedPay;
  readonly #verifier: WechatPayVerifier;
  readonly #now: () => number;
  readonly #skewS: number;

  constructor(private readonly opts: WechatPayClientOptions) {
    this.#now = opts.now ?? Date.now;
    this.#skewS = opts.notifySkewS ?? 300;
    this.#verifier = new WechatPayVerifier(opts.platformCerts, opts.wechatpayPublicKey);
    this.#sdk = new SignedPay(opts, this.#now);
    this.#sdk.createHttp(
      new VerifyingHttp({
        apiBase: opts.apiBase.replace(/\/$/, ""),
        verifier: this.#verifier,
        now: this.#now,
        skewS: this.#skewS,
        timeoutMs: opts.timeoutMs ?? 10_000,
      }),
    );
  }

  async createTrade(input: CreateTradeInput): Promise<CreatedTrade> {
    checkMerchantNo(input.outTradeNo, "outTradeNo");
    checkFen(input.amountFen, "amountFen");
    if (!input.description || Buffer.byteLength(input.description, "utf8") > 127) {
      throw invalid("description must be 1–127 bytes");
    }
    if (!input.payerId || input.payerId.length > 128) throw invalid("payerId (openid) is required");
    this.#checkNotifyUrl(input.notifyUrl);
    if (Number.isNaN(input.expireAt.getTime())) throw invalid("expireAt is not a date");

    const res = await this.#sdk.transactions_jsapi({
      description: input.description,
      out_trade_no: input.outTradeNo,
      time_expire: rfc3339Shanghai(input.expireAt),
      notify_url: input.notifyUrl,
      amount: { total: input.amountFen, currency: "CNY" },
      payer: { openid: input.payerId },
    });
    if (res.status !== 200) throw vendorError(res);
    // on success the SDK replaces the answer with its own pay-params (Math.random nonce): keep only prepay_id
    const pkg: unknown = res.data?.package;
    const prepayId = typeof pkg === "string" && pkg.startsWith("prepay_id=") ? pkg.slice(10) : "";
    if (!/^[0-9A-Za-z_-]{1,64}$/.test(prepayId)) throw badResponse("jsapi answer lacks prepay_id");
    return {
      vendorRef: prepayId,
      clientParams: this.payParams(prepayId),
      ...(this.opts.cashierBase
        ? { cashierUrl: `${this.opts.cashierBase}/cashier?prepay_id=${encodeURIComponent(prepayId)}` }
        : {}),
    };
  }

  /**
   * What wx.requestPayment takes: paySign is RSA-SHA256 (merchant key, the SDK's sha256WithRsa) over
   * `appId\ntimeStamp\nnonceStr\npackage\n`.
   */
  payParams(prepayId: string): Record<string, string> {
    const appId = this.opts.appId;
    const timeStamp = String(Math.floor(this.#now() / 1000));
    const nonce = nonceStr();
    const pkg = `prepay_id=${prepayId}`;
    return {
      appId,
      timeStamp,
      nonceStr: nonce,
      package: pkg,
      signType: "RSA",
      paySign: this.#sdk.sha256WithRsa(`${appId}\n${timeStamp}\n${nonce}\n${pkg}\n`),
    };
  }

  async queryTrade(outTradeNo: string): Promise<VendorTrade | null> {
    checkMerchantNo(outTradeNo, "outTradeNo");
    const res = await this.#sdk.query({ out_trade_no: outTradeNo });
    if (res.status === 404 && errorCode(res) === "ORDER_NOT_EXIST") return null;
    if (res.status !== 200) throw vendorError(res);
    const parsed = TransactionSchema.safeParse(res.data);
    if (!parsed.success) throw badResponse("query answer is not a transaction");
    if (parsed.data.out_trade_no !== outTradeNo) throw badResponse("query answer is for another order");
    try {
      return toVendorTrade(parsed.data, res.data);
    } catch (err) {
      if (err instanceof ResourceProblem) throw badResponse(err.message);
      throw err;
    }
  }

  async closeTrade(outTradeNo: string): Promise<void> {
    checkMerchantNo(outTradeNo, "outTradeNo");
    const res = await this.#sdk.close(outTradeNo);
    if (res.status === 204 || res.status === 200) return;
    // never created at WeChat Pay: nothing can be paid, which is what closing is for
    if (res.status === 404 && errorCode(res) === "ORDER_NOT_EXIST") return;
    throw vendorError(res);
  }

  async refund(input: RefundInput): Promise<RefundResult> {
    checkMerchantNo(input.outTradeNo, "outTradeNo");
    checkMerchantNo(input.outRefundNo, "outRefundNo");
    checkFen(input.refundFen, "refundFen");
    checkFen(input.totalFen, "totalFen");
    if (input.refundFen > input.totalFen) throw invalid("refundFen exceeds totalFen");
    this.#checkNotifyUrl(input.notifyUrl);
    const res = await this.#sdk.refunds({
      out_trade_no: input.outTradeNo,
      out_refund_no: input.outRefundNo,
      ...(input.reason ? { reason: input.reason.slice(0, 80) } : {}),
      notify_url: input.notifyUrl,
      amount: { refund: input.refundFen, total: input.totalFen, currency: "CNY" },
    });
    if (res.status !== 200) throw vendorError(res);
    const parsed = RefundAnswerSchema.safeParse(res.data);
    if (!parsed.success) throw badResponse("refund answer lacks refund_id or status");
    if (parsed.data.out_refund_no !== input.outRefundNo) throw badResponse("refund answer is for another refund");
    const status = parsed.data.status;
    return {
      refundId: parsed.data.refund_id,
      status: status === "SUCCESS" ? "SUCCESS" : status === "PROCESSING" ? "PROCESSING" : "FAILED",
      raw: res.data,
    };
  }

  async downloadBill(date: string): Promise<BillRow[]> {
    if (!isBizDate(date)) throw invalid("date must be YYYY-MM-DD");
    const res = await this.#sdk.tradebill({ bill_date: date, bill_type: "ALL" });
    // no trades that day: WeChat has no bill to give
    if (res.status === 400 && errorCode(res) === "NO_STATEMENT_EXIST") return [];
    if (res.status !== 200) throw vendorError(res);
    const parsed = BillAnswerSchema.safeParse(res.data);
    if (!parsed.success) throw badResponse("tradebill answer lacks download_url or hash");
    const { download_url: url, hash_type: hashType, hash_value: hashValue } = parsed.data;
    // the download carries our Authorization: only ever to WeChat Pay's own API host
    if (!url.startsWith(`${WECHATPAY_API_ORIGIN}/v3/billdownload/`)) throw badResponse("unexpected download_url");
    const file = await this.#sdk.downloadBill(url);
    if (file.status !== 200 || !Buffer.isBuffer(file.data)) throw vendorError(file);
    const digest = createHash(hashType === "SHA1" ? "sha1" : "sha256")
      .update(file.data)
      .digest("hex");
    if (digest !== hashValue.toLowerCase())
      throw new PaymentVendorError("wechat", "BILL_HASH_MISMATCH", "账单文件摘要不符");
    try {
      return parseTradeBill(file.data.toString("utf8"));
    } catch (err) {
      if (err instanceof TradeBillFormatError) throw new PaymentVendorError("wechat", "BILL_MALFORMED", err.message);
      throw err;
    }
  }

  /**
   * Verifies a notification on its raw bytes: Wechatpay-Serial picks the key (a PUB_KEY_ID_… → the WeChat
   * Pay public key, else the platform certificate with that serial; an unknown serial is never fetched),
   * RSA-SHA256 over `timestamp\nnonce\nbody\n`, the timestamp within the allowed skew, then AES-256-GCM
   * decryption of the resource with the APIv3 key (tag checked), then the business checks.
   */
  async verifyNotification(req: {
    headers: Record<string, string | string[] | undefined>;
    rawBody: Buffer;
  }): Promise<VerifiedNotification> {
    const failure = this.#verifier.check(req.headers, req.rawBody, this.#now(), this.#skewS);
    if (failure) throw rejected(failure, header(req.headers, "wechatpay-serial"));

    let envelope: z.output<typeof EnvelopeSchema>;
    try {
      envelope = EnvelopeSchema.parse(JSON.parse(req.rawBody.toString("utf8")));
    } catch {
      throw rejected("MALFORMED");
    }
    const { resource } = envelope;
    let plaintext: string;
    try {
      plaintext = aesGcmDecrypt(
        this.opts.apiV3Key,
        resource.nonce,
        resource.associated_data ?? "",
        resource.ciphertext,
      );
    } catch {
      throw rejected("BAD_CIPHERTEXT");
    }
    let decoded: unknown;
    try {
      decoded = JSON.parse(plaintext);
    } catch {
      throw rejected("MALFORMED");
    }

    if (envelope.event_type === "TRANSACTION.SUCCESS") {
      if (resource.original_type !== "transaction") throw rejected("MALFORMED");
      const tx = TransactionSchema.safeParse(decoded);
      if (!tx.success) throw rejected("MALFORMED");
      if (tx.data.mchid !== this.opts.mchId || tx.data.appid !== this.opts.appId) throw rejected("FOREIGN_MERCHANT");
      if (tx.data.amount?.currency !== "CNY") throw rejected("BAD_CURRENCY");
      let trade: VendorTrade;
      try {
        trade = toVendorTrade(tx.data, decoded);
      } catch (err) {
        if (err instanceof ResourceProblem) throw rejected(err.reason);
        throw err;
      }
      if (trade.state !== "PAID") throw rejected("MALFORMED");
      return { kind: "payment", trade };
    }

    const refundStatus = REFUND_EVENTS[envelope.event_type];
    if (refundStatus) {
      if (resource.original_type !== "refund") throw rejected("MALFORMED");
      const r = RefundResourceSchema.safeParse(decoded);
      if (!r.success || r.data.refund_status !== refundStatus) throw rejected("MALFORMED");
      if (r.data.mchid !== this.opts.mchId) throw rejected("FOREIGN_MERCHANT");
      return {
        kind: "refund",
        outTradeNo: r.data.out_trade_no,
        outRefundNo: r.data.out_refund_no,
        refundId: r.data.refund_id,
        status: refundStatus,
        refundFen: r.data.amount.refund,
        raw: decoded,
      };
    }
    throw rejected("UNSUPPORTED_EVENT");
  }

  /** 200 with no body accepts; anything else makes WeChat Pay deliver again later. */
  notificationAnswer(ok: boolean): { status: number; type: string; body: string } {
    return ok
      ? { status: 200, type: "text/plain; charset=utf-8", body: "" }
      : {
          status: 400,
          type: "application/json; charset=utf-8",
          body: JSON.stringify({ code: "FAIL", message: "失败" }),
        };
  }

  #checkNotifyUrl(url: string): void {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw invalid("notifyUrl is not a URL");
    }
    const ok = parsed.protocol === "https:" || (this.opts.allowHttpNotifyUrl && parsed.protocol === "http:");
    if (!ok || parsed.search || url.length > 255) {
      throw invalid("notifyUrl must be an https URL without query parameters (≤ 255 characters)");
    }
  }
}

/** A client for the configured merchant (keys configured or, in sandbox mode, generated by the sandboxes). */
export async function createWechatPayClient(
  config: Config,
  keySource: VendorKeySource,
  opts: Pick<WechatPayClientOptions, "now" | "timeoutMs"> = {},
): Promise<WechatPayClient> {
  const keys = await keySource.wechatPay();
  const c = config.wechatPay;
  return new WechatPayClient({
    mchId: c.mchId,
    appId: c.appId,
    apiBase: c.apiBase,
    merchantSerial: keys.merchantSerial,
    merchantPrivateKey: keys.merchantPrivateKey,
    apiV3Key: keys.apiV3Key,
    platformCerts: keys.platformCerts,
    wechatpayPublicKey: keys.wechatpayPublicKey,
    notifySkewS: c.notifySkewS,
    // the H5 cashier page exists only on the local sandbox
    ...(config.sandboxVendors && c.apiBase.endsWith(SANDBOX_PATHS.wechatpay)
      ? { cashierBase: c.apiBase, allowHttpNotifyUrl: true }
      : {}),
    ...opts,
  });
}

// ---- the SDK, repaired -----------------------------------------------------------------------------

/** wechatpay-node-v3 with CSPRNG nonces and canonical URLs taken relative to the API origin. */
class SignedPay extends Pay {
  readonly #now: () => number;

  constructor(opts: WechatPayClientOptions, now: () => number) {
    super({
      appid: opts.appId,
      mchid: opts.mchId,
      serial_no: opts.merchantSerial,
      // the SDK insists on a "publicKey" (it would read the serial from the merchant certificate); with
      // serial_no given it is never used
      publicKey: Buffer.from(opts.merchantPrivateKey.export({ type: "pkcs8", format: "pem" }) as string),
      privateKey: Buffer.from(opts.merchantPrivateKey.export({ type: "pkcs8", format: "pem" }) as string),
      userAgent: "warmline-wechatpay/1 (wechatpay-node-v3 2.2.1)",
    });
    this.#now = now;
  }

  protected override buildAuthorization(method: string, url: string, params?: Record<string, unknown>): string {
    const nonce = nonceStr();
    const timestamp = String(Math.floor(this.#now() / 1000));
    const canonical = url.startsWith(WECHATPAY_API_ORIGIN) ? url.slice(WECHATPAY_API_ORIGIN.length) : url;
    return this.getAuthorization(nonce, timestamp, this.getSignature(method, nonce, timestamp, canonical, params));
  }
}

interface HttpOptions {
  apiBase: string;
  verifier: WechatPayVerifier;
  now: () => number;
  skewS: number;
  timeoutMs: number;
}

/**
 * The SDK's HTTP client: fetch against the configured base, Wechatpay-* response signatures verified
 * (required on 2xx; checked on errors when present, since WeChat Pay does not sign every error), JSON
 * parsed. Bill files are not signed by WeChat Pay: they are returned as bytes for the hash check.
 */
class VerifyingHttp implements IPayRequest {
  constructor(private readonly o: HttpOptions) {}

  post(url: string, params: Record<string, unknown>, headers: Record<string, unknown>): Promise<Output> {
    // the same JSON.stringify the SDK signed
    return this.#send("POST", url, JSON.stringify(params), headers);
  }

  get(url: string, headers: Record<string, unknown>): Promise<Output> {
    return this.#send("GET", url, undefined, headers);
  }

  upload(): Promise<Output> {
    return Promise.reject(new PaymentVendorError("wechat", "UNSUPPORTED", "uploads are not used"));
  }

  async #send(
    method: string,
    url: string,
    body: string | undefined,
    sdkHeaders: Record<string, unknown>,
  ): Promise<Output> {
    if (!url.startsWith(`${WECHATPAY_API_ORIGIN}/`)) {
      throw new PaymentVendorError("wechat", "BAD_URL", "refusing a request outside WeChat Pay's API");
    }
    const path = url.slice(WECHATPAY_API_ORIGIN.length);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(sdkHeaders)) {
      // fetch negotiates and undoes compression itself
      if (k.toLowerCase() !== "accept-encoding") headers[k] = String(v);
    }
    let res: Response;
    let bytes: Buffer;
    try {
      res = await fetch(`${this.o.apiBase}${path}`, {
        method,
        headers,
        body,
        redirect: "error",
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
      bytes = Buffer.from(await res.arrayBuffer());
    } catch (err) {
      const e = err as { name?: string; cause?: { code?: string } };
      const timeout = e?.name === "TimeoutError" || e?.name === "AbortError";
      throw new PaymentVendorError(
        "wechat",
        timeout ? "TIMEOUT" : "NETWORK_ERROR",
        timeout ? "WeChat Pay did not answer in time" : `WeChat Pay unreachable (${e?.cause?.code ?? e?.name})`,
      );
    }

    if (path.startsWith("/v3/billdownload/") && res.status === 200) return { status: 200, data: bytes };

    const resHeaders: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      resHeaders[k] = v;
    });
    const ok = res.status >= 200 && res.status < 300;
    if (ok || resHeaders["wechatpay-signature"] !== undefined) {
      const failure = this.o.verifier.check(resHeaders, bytes, this.o.now(), this.o.skewS);
      if (failure) {
        throw new PaymentVendorError(
          "wechat",
          "RESPONSE_UNVERIFIED",
          `WeChat Pay's answer failed verification (${failure})`,
        );
      }
    }
    if (bytes.length === 0) return { status: res.status, data: undefined };
    try {
      return { status: res.status, data: JSON.parse(bytes.toString("utf8")) };
    } catch {
      if (ok) throw badResponse(`HTTP ${res.status} answer is not JSON`);
      return { status: res.status, data: undefined };
    }
  }
}

// ---- answers -------------------------------------------------------------------------------------

const Fen = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const TransactionSchema = z.object({
  appid: z.string(),
  mchid: z.string(),
  out_trade_no: z.string(),
  transaction_id: z.string().optional(),
  trade_type: z.string().optional(),
  trade_state: z.string(),
  trade_state_desc: z.string().optional(),
  success_time: z.string().optional(),
  payer: z.object({ openid: z.string().optional() }).optional(),
  amount: z
    .object({
      total: Fen.optional(),
      payer_total: Fen.optional(),
      currency: z.string().optional(),
      payer_currency: z.string().optional(),
    })
    .optional(),
});
type Transaction = z.output<typeof TransactionSchema>;

const RefundAnswerSchema = z.object({
  refund_id: z.string().min(1),
  out_refund_no: z.string(),
  status: z.enum(["SUCCESS", "CLOSED", "PROCESSING", "ABNORMAL"]),
});

const BillAnswerSchema = z.object({
  download_url: z.string(),
  hash_type: z.enum(["SHA1", "SHA256"]),
  hash_value: z.string().regex(/^[0-9a-fA-F]{40,64}$/),
});

const EnvelopeSchema = z.object({
  id: z.string(),
  create_time: z.string(),
  resource_type: z.literal("encrypt-resource"),
  event_type: z.string(),
  summary: z.string().optional(),
  resource: z.object({
    original_type: z.string(),
    algorithm: z.literal("AEAD_AES_256_GCM"),
    ciphertext: z.string().min(1),
    associated_data: z.string().optional(),
    nonce: z.string().min(1).max(64),
  }),
});

const RefundResourceSchema = z.object({
  mchid: z.string(),
  out_trade_no: z.string(),
  transaction_id: z.string(),
  out_refund_no: z.string(),
  refund_id: z.string(),
  refund_status: z.enum(["SUCCESS", "CLOSED", "ABNORMAL"]),
  success_time: z.string().optional(),
  amount: z.object({ total: Fen, refund: Fen, payer_total: Fen.optional(), payer_refund: Fen.optional() }),
});

const REFUND_EVENTS: Record<string, "SUCCESS" | "CLOSED" | "ABNORMAL" | undefined> = {
  "REFUND.SUCCESS": "SUCCESS",
  "REFUND.CLOSED": "CLOSED",
  "REFUND.ABNORMAL": "ABNORMAL",
};

const TRADE_STATES: Record<string, VendorTradeState> = {
  SUCCESS: "PAID",
  NOTPAY: "NOT_PAID",
  USERPAYING: "NOT_PAID",
  CLOSED: "CLOSED",
  REVOKED: "CLOSED",
  PAYERROR: "CLOSED",
  REFUND: "REFUNDED",
};

class ResourceProblem extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** A transaction (query answer or decrypted notification) as a VendorTrade; paid ones must be complete. */
function toVendorTrade(tx: Transaction, raw: unknown): VendorTrade {
  const state = TRADE_STATES[tx.trade_state] ?? "UNKNOWN";
  const settled = state === "PAID" || state === "REFUNDED";
  let amountFen: number | null = null;
  let paidAt: Date | null = null;
  if (settled) {
    const total = tx.amount?.total;
    paidAt = parseRfc3339(tx.success_time);
    if (!tx.transaction_id || total === undefined || total < 1 || !paidAt) {
      throw new ResourceProblem("MALFORMED", "paid transaction lacks transaction_id, amount or success_time");
    }
    if (tx.amount?.currency !== undefined && tx.amount.currency !== "CNY") {
      throw new ResourceProblem("BAD_CURRENCY", "transaction is not in CNY");
    }
    // the order amount (what the order asked for); payer_total is in raw should coupons ever be used
    amountFen = total;
  }
  return {
    outTradeNo: tx.out_trade_no,
    state,
    transactionId: settled ? (tx.transaction_id ?? null) : null,
    amountFen,
    paidAt,
    merchant: { mchId: tx.mchid, appId: tx.appid },
    raw,
  };
}

// ---- errors --------------------------------------------------------------------------------------

function errorCode(res: Output): string | undefined {
  const code = (res.data as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

function vendorError(res: Output): PaymentVendorError {
  const data = res.data as { code?: unknown; message?: unknown } | undefined;
  const code = typeof data?.code === "string" && data.code ? data.code : `HTTP_${res.status}`;
  const message = typeof data?.message === "string" ? data.message.slice(0, 200) : `HTTP ${res.status}`;
  return new PaymentVendorError("wechat", code, message);
}

const badResponse = (message: string) => new PaymentVendorError("wechat", "BAD_RESPONSE", message);
const invalid = (message: string) => new PaymentVendorError("wechat", "INVALID_INPUT", message);

function checkMerchantNo(value: string, what: string): void {
  if (!MERCHANT_NO.test(value)) throw invalid(`${what} must be 6–32 characters of 0-9A-Za-z_-|*@`);
}

function checkFen(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 1) throw invalid(`${what} must be a positive whole number of fen`);
}

const REASONS: Record<string, string> = {
  MALFORMED: "通知格式错误",
  UNKNOWN_SERIAL: "未知的证书序列号或公钥ID",
  BAD_SIGNATURE: "签名验证失败",
  STALE_TIMESTAMP: "通知时间戳超出允许范围",
  BAD_CIPHERTEXT: "通知密文解密失败",
  FOREIGN_MERCHANT: "通知不属于本商户",
  BAD_CURRENCY: "币种不是人民币",
  UNSUPPORTED_EVENT: "不支持的通知类型",
};

function rejected(reason: string, serial?: string): NotificationRejected {
  const detail = reason === "UNKNOWN_SERIAL" && serial ? ` (${serial.slice(0, 64)})` : "";
  return new NotificationRejected(reason, `${REASONS[reason] ?? reason}${detail}`);
}

import { createHash, type KeyObject, randomBytes, randomInt } from "node:crypto";
import { isBizDate, shanghaiDate, shanghaiMidnight } from "@warmline/shared";
import { z } from "zod";
import type { BillRow } from "../../integrations/payments";
import { renderTradeBill, type TradeBillLine } from "./bill";
import type { SandboxSigner } from "../keys";
import {
  type BuildFaults,
  buildNotification,
  type Delivery,
  NotificationDispatcher,
  type NotificationEvent,
  notificationBody,
  signNotification,
} from "./notifications";
import {
  nonceStr,
  normalizeSerial,
  parseAuthorization,
  parseRfc3339,
  rfc3339Shanghai,
  rsaSign,
  rsaVerify,
} from "../../integrations/wechat-pay/signing";

/** How the sandbox signs: with its platform certificate key or with its WeChat Pay public-key-mode key. */
export type SignerMode = "platform" | "publicKey";

/** Deliberately broken API answers (tests of the client's response verification). */
export const RESPONSE_FAULTS = ["bad_signature", "tampered_body", "unknown_serial", "stale_timestamp"] as const;
export type ResponseFault = (typeof RESPONSE_FAULTS)[number];

/** Deliberately broken payment notifications (tests of the notify endpoint). */
export const NOTIFICATION_FAULTS = [
  "bad_signature",
  "old_timestamp",
  "flipped_ciphertext",
  "foreign_mchid",
  "foreign_appid",
  "wrong_amount",
  "unknown_serial",
  "malformed",
] as const;
export type NotificationFault = (typeof NOTIFICATION_FAULTS)[number];

export interface WechatPaySandboxOptions {
  mchId: string;
  appId: string;
  /** the merchant API keys whose request signatures are accepted: serial → public key */
  merchants: Map<string, KeyObject>;
  platform: SandboxSigner;
  publicKey: SandboxSigner;
  apiV3Key: string;
  /** shown on the cashier page */
  merchantName?: string;
  now?: () => number;
  /** notification retry delays are multiplied by this (tests) */
  retryScale?: number;
  /** a refund turns from PROCESSING to SUCCESS (and is notified) after this long; 1 s by default */
  refundDelayMs?: number;
}

export interface ApiRequest {
  method: string;
  /** path and query as signed: /v3/pay/transactions/jsapi, /v3/…?mchid=… */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface ApiAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** An error the gateway answers with WeChat's shape: {"code": "...", "message": "..."}. */
export class SandboxError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface SandboxRefund {
  outRefundNo: string;
  refundId: string;
  refundFen: number;
  reason: string | null;
  notifyUrl: string | null;
  status: "PROCESSING" | "SUCCESS";
  createdAt: number;
  successAt: number | null;
}

export interface SandboxOrder {
  outTradeNo: string;
  prepayId: string;
  appId: string;
  mchId: string;
  description: string;
  openid: string;
  totalFen: number;
  notifyUrl: string;
  attach: string | null;
  timeExpire: number | null;
  createdAt: number;
  closed: boolean;
  transactionId: string | null;
  paidAt: number | null;
  refunds: SandboxRefund[];
}

/** A bill row a test prepares (BillRow's fields; missing ids are made up). */
export interface PreparedBillRow {
  outTradeNo: string;
  transactionId?: string;
  amountFen: number;
  state: BillRow["state"];
  refundFen?: number;
  at?: Date;
  description?: string;
}

const MERCHANT_NO = /^[0-9A-Za-z_\-|*@]{6,32}$/;
const AUTH_SKEW_S = 300;

/**
 * A local stand-in for WeChat Pay's API v3 (直连商户 JSAPI): checks the merchant's request signatures,
 * keeps orders and refunds in memory, signs every answer like WeChat Pay (platform certificate or
 * public-key mode), sends encrypted, signed notifications with WeChat's retry schedule, and serves trade
 * bills. Everything is in memory and lost on restart.
 */
export class WechatPaySandbox {
  readonly #orders = new Map<string, SandboxOrder>();
  readonly #byPrepayId = new Map<string, SandboxOrder>();
  readonly #refunds = new Map<string, { order: SandboxOrder; refund: SandboxRefund }>();
  readonly #bills = new Map<string, { rows?: PreparedBillRow[]; csv?: string }>();
  readonly #billFiles = new Map<string, { content: Buffer; expiresAt: number }>();
  /** the last notification per order: resend delivers the same envelope again, freshly signed */
  readonly #lastNotification = new Map<string, { id: string; body: string; event: NotificationEvent; url: string }>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #dispatcher: NotificationDispatcher;
  readonly #now: () => number;
  readonly #merchants = new Map<string, KeyObject>();
  mode: {
    responses: SignerMode;
    notifications: SignerMode;
    responseFault: ResponseFault | null;
    /** false: refunds settle without their REFUND.SUCCESS notification (a lost notification) */
    refundNotifications: boolean;
  } = {
    responses: "platform",
    notifications: "platform",
    responseFault: null,
    refundNotifications: true,
  };

  constructor(readonly opts: WechatPaySandboxOptions) {
    this.#now = opts.now ?? Date.now;
    this.#dispatcher = new NotificationDispatcher({ retryScale: opts.retryScale, now: this.#now });
    for (const [serial, key] of opts.merchants) this.#merchants.set(normalizeSerial(serial), key);
  }

  get merchantName(): string {
    return this.opts.merchantName ?? "暖线供热服务";
  }

  // ---- the API ---------------------------------------------------------------------------------

  /** Answers one API request (signature checked first); every answer but 401 is signed. */
  async handle(req: ApiRequest): Promise<ApiAnswer> {
    const authError = this.#checkAuthorization(req);
    if (authError) return this.#answer(401, { code: "SIGN_ERROR", message: authError }, false);
    try {
      const { status, body, raw } = this.#dispatch(req);
      if (raw) {
        // bill files are not signed by WeChat Pay either: the tradebill answer carries their hash
        return { status, headers: { "content-type": "text/plain; charset=utf-8" }, body: raw };
      }
      return this.#answer(status, body, true);
    } catch (err) {
      if (err instanceof SandboxError) return this.#answer(err.status, { code: err.code, message: err.message }, true);
      throw err;
    }
  }

  #checkAuthorization(req: ApiRequest): string | null {
    const raw = req.headers.authorization;
    const auth = parseAuthorization(Array.isArray(raw) ? undefined : raw);
    if (!auth) return "Authorization 头缺失或格式错误";
    if (auth.mchid !== this.opts.mchId) return "商户号与签名不符";
    const key = this.#merchants.get(normalizeSerial(auth.serial_no));
    if (!key || !/^[0-9A-Fa-f]{1,64}$/.test(auth.serial_no)) return "商户证书序列号有误";
    if (!/^\d{1,12}$/.test(auth.timestamp) || Math.abs(this.#now() / 1000 - Number(auth.timestamp)) > AUTH_SKEW_S) {
      return "签名时间戳已过期";
    }
    if (auth.nonce_str.length > 32) return "随机串过长";
    const ok = rsaVerify(
      [req.method.toUpperCase(), req.url, auth.timestamp, auth.nonce_str, req.body],
      auth.signature,
      key,
    );
    return ok ? null : "签名错误，请检查后再试";
  }

  #answer(status: number, json: unknown, sign: boolean): ApiAnswer {
    let body = Buffer.from(json === undefined ? "" : JSON.stringify(json), "utf8");
    const headers: Record<string, string> = { "request-id": randomBytes(16).toString("hex") };
    if (json !== undefined) headers["content-type"] = "application/json; charset=utf-8";
    if (sign) {
      const fault = this.mode.responseFault;
      const signer = this.signer(this.mode.responses);
      const timestamp = String(Math.floor(this.#now() / 1000) - (fault === "stale_timestamp" ? 3600 : 0));
      const nonce = nonceStr();
      let signature = rsaSign([timestamp, nonce, body], signer.privateKey);
      if (fault === "bad_signature")
        signature = rsaSign([timestamp, nonce, Buffer.concat([body, body])], signer.privateKey);
      // a man in the middle changes the text after WeChat Pay signed it
      if (fault === "tampered_body" && body.length > 0)
        body = Buffer.from(body.toString("utf8").replace(/\d/, (d) => (d === "9" ? "8" : "9")));
      Object.assign(headers, {
        "wechatpay-timestamp": timestamp,
        "wechatpay-nonce": nonce,
        "wechatpay-signature": signature,
        "wechatpay-serial": fault === "unknown_serial" ? "7A3C1E0F00000000000000000000000000000000" : signer.serial,
        "wechatpay-signature-type": "WECHATPAY2-SHA256-RSA2048",
      });
    }
    return { status, headers, body };
  }

  signer(mode: SignerMode): SandboxSigner {
    return mode === "publicKey" ? this.opts.publicKey : this.opts.platform;
  }

  #dispatch(req: ApiRequest): { status: number; body?: unknown; raw?: Buffer } {
    const url = new URL(req.url, "http://sandbox.invalid");
    const path = url.pathname;
    const q = url.searchParams;
    const method = req.method.toUpperCase();
    const on = (verb: string, re: RegExp) => (method === verb ? re.exec(path) : null);
    if (method === "POST" && path === "/v3/pay/transactions/jsapi") return this.#jsapi(this.#json(req));
    const queryByNo = on("GET", /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)$/);
    if (queryByNo) {
      this.#checkMchidParam(q.get("mchid"));
      return { status: 200, body: this.#transactionJson(this.#order(decodeURIComponent(queryByNo[1]))) };
    }
    const queryById = on("GET", /^\/v3\/pay\/transactions\/id\/([^/]+)$/);
    if (queryById) {
      this.#checkMchidParam(q.get("mchid"));
      const id = decodeURIComponent(queryById[1]);
      const order = [...this.#orders.values()].find((o) => o.transactionId === id);
      if (!order) throw new SandboxError(404, "ORDER_NOT_EXIST", "订单不存在");
      return { status: 200, body: this.#transactionJson(order) };
    }
    const close = on("POST", /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)\/close$/);
    if (close) {
      const body = this.#json(req) as { mchid?: unknown };
      this.#checkMchidParam(typeof body.mchid === "string" ? body.mchid : null);
      this.#close(decodeURIComponent(close[1]));
      return { status: 204 };
    }
    if (method === "POST" && path === "/v3/refund/domestic/refunds") return this.#refund(this.#json(req));
    const refundQuery = on("GET", /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/);
    if (refundQuery) {
      const found = this.#refunds.get(decodeURIComponent(refundQuery[1]));
      if (!found) throw new SandboxError(404, "RESOURCE_NOT_EXISTS", "退款单不存在");
      return { status: 200, body: this.#refundJson(found.order, found.refund) };
    }
    if (method === "GET" && path === "/v3/bill/tradebill") return this.#tradebill(q);
    if (method === "GET" && path === "/v3/billdownload/file") {
      const file = this.#billFiles.get(q.get("token") ?? "");
      if (!file || file.expiresAt < this.#now()) throw new SandboxError(400, "PARAM_ERROR", "账单下载链接无效或已过期");
      return { status: 200, raw: file.content };
    }
    throw new SandboxError(404, "NOT_FOUND", "请求的资源不存在");
  }

  #json(req: ApiRequest): Record<string, unknown> {
    try {
      const v: unknown = JSON.parse(req.body.toString("utf8"));
      if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      // answered below
    }
    throw new SandboxError(400, "PARAM_ERROR", "请求体不是JSON对象");
  }

  #checkMchidParam(mchid: string | null): void {
    if (mchid !== this.opts.mchId) throw new SandboxError(400, "PARAM_ERROR", "mchid 参数与请求商户号不一致");
  }

  #order(outTradeNo: string): SandboxOrder {
    const order = this.#orders.get(outTradeNo);
    if (!order) throw new SandboxError(404, "ORDER_NOT_EXIST", "订单不存在");
    return order;
  }

  #jsapi(raw: Record<string, unknown>): { status: number; body: unknown } {
    const body = parseOr400(JsapiSchema, raw);
    if (body.mchid !== this.opts.mchId) throw new SandboxError(400, "PARAM_ERROR", "mchid 与请求商户号不一致");
    if (body.appid !== this.opts.appId) throw new SandboxError(400, "APPID_MCHID_NOT_MATCH", "appid和mch_id不匹配");
    if ((body.amount.currency ?? "CNY") !== "CNY") throw new SandboxError(400, "PARAM_ERROR", "仅支持人民币（CNY）");
    let timeExpire: number | null = null;
    if (body.time_expire !== undefined) {
      const at = parseRfc3339(body.time_expire);
      if (!at) throw new SandboxError(400, "PARAM_ERROR", "time_expire 不是 RFC3339 格式");
      timeExpire = at.getTime();
    }
    const existing = this.#orders.get(body.out_trade_no);
    if (existing) {
      if (existing.paidAt !== null) throw new SandboxError(400, "ORDERPAID", "该订单已支付");
      if (existing.closed) throw new SandboxError(400, "ORDERCLOSED", "当前订单已关闭，请重新下单");
      const same =
        existing.totalFen === body.amount.total &&
        existing.openid === body.payer.openid &&
        existing.description === body.description &&
        existing.appId === body.appid;
      if (!same) throw new SandboxError(400, "INVALID_REQUEST", "订单号重复");
      return { status: 200, body: { prepay_id: existing.prepayId } };
    }
    if (timeExpire !== null && timeExpire <= this.#now()) {
      throw new SandboxError(400, "INVALID_REQUEST", "time_expire 已过期，请重新设置订单失效时间");
    }
    const order: SandboxOrder = {
      outTradeNo: body.out_trade_no,
      prepayId: `wx${compactTime(this.#now())}${randomBytes(11).toString("hex").slice(0, 20)}`,
      appId: body.appid,
      mchId: body.mchid,
      description: body.description,
      openid: body.payer.openid,
      totalFen: body.amount.total,
      notifyUrl: body.notify_url,
      attach: body.attach ?? null,
      timeExpire,
      createdAt: this.#now(),
      closed: false,
      transactionId: null,
      paidAt: null,
      refunds: [],
    };
    this.#orders.set(order.outTradeNo, order);
    this.#byPrepayId.set(order.prepayId, order);
    return { status: 200, body: { prepay_id: order.prepayId } };
  }

  #close(outTradeNo: string): void {
    const order = this.#order(outTradeNo);
    if (order.paidAt !== null) throw new SandboxError(400, "ORDERPAID", "订单已支付，不能关闭");
    order.closed = true;
  }

  /** trade_state as WeChat reports it. Past time_expire an unpaid order stays NOTPAY until closed. */
  tradeState(order: SandboxOrder): "SUCCESS" | "NOTPAY" | "CLOSED" | "REFUND" {
    if (order.paidAt !== null) return order.refunds.length > 0 ? "REFUND" : "SUCCESS";
    return order.closed ? "CLOSED" : "NOTPAY";
  }

  #transactionJson(order: SandboxOrder): Record<string, unknown> {
    const state = this.tradeState(order);
    const paid = order.paidAt !== null;
    return {
      appid: order.appId,
      mchid: order.mchId,
      out_trade_no: order.outTradeNo,
      ...(paid ? { transaction_id: order.transactionId } : {}),
      trade_type: "JSAPI",
      trade_state: state,
      trade_state_desc: TRADE_STATE_DESC[state],
      ...(paid ? { bank_type: "OTHERS", success_time: rfc3339Shanghai(new Date(order.paidAt ?? 0)) } : {}),
      attach: order.attach ?? "",
      payer: { openid: order.openid },
      amount: paid
        ? { total: order.totalFen, payer_total: order.totalFen, currency: "CNY", payer_currency: "CNY" }
        : { total: order.totalFen, currency: "CNY", payer_currency: "CNY" },
    };
  }

  #refund(raw: Record<string, unknown>): { status: number; body: unknown } {
    const body = parseOr400(RefundSchema, raw);
    let order: SandboxOrder | undefined;
    if (body.out_trade_no) order = this.#orders.get(body.out_trade_no);
    else if (body.transaction_id)
      order = [...this.#orders.values()].find((o) => o.transactionId === body.transaction_id);
    else throw new SandboxError(400, "PARAM_ERROR", "out_trade_no 与 transaction_id 必须填一个");
    if (!order) throw new SandboxError(404, "RESOURCE_NOT_EXISTS", "订单不存在");
    if (order.paidAt === null) throw new SandboxError(400, "INVALID_REQUEST", "订单未支付，不能退款");
    if (body.amount.currency !== "CNY") throw new SandboxError(400, "PARAM_ERROR", "仅支持人民币（CNY）");
    if (body.amount.total !== order.totalFen) {
      throw new SandboxError(400, "PARAM_ERROR", "订单金额或退款金额与之前请求不一致，请核实后再试");
    }
    const existing = this.#refunds.get(body.out_refund_no);
    if (existing) {
      if (existing.order !== order || existing.refund.refundFen !== body.amount.refund) {
        throw new SandboxError(400, "INVALID_REQUEST", "退款单号重复，且与原退款请求参数不一致");
      }
      return { status: 200, body: this.#refundJson(order, existing.refund) };
    }
    const refunded = order.refunds.reduce((sum, r) => sum + r.refundFen, 0);
    if (body.amount.refund > order.totalFen - refunded) {
      throw new SandboxError(400, "INVALID_REQUEST", "申请退款金额超过订单可退金额");
    }
    const refund: SandboxRefund = {
      outRefundNo: body.out_refund_no,
      refundId: `50300${compactTime(this.#now()).slice(0, 8)}${digits(16)}`,
      refundFen: body.amount.refund,
      reason: body.reason ?? null,
      notifyUrl: body.notify_url ?? null,
      status: "PROCESSING",
      createdAt: this.#now(),
      successAt: null,
    };
    order.refunds.push(refund);
    this.#refunds.set(refund.outRefundNo, { order, refund });
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.settleRefund(refund.outRefundNo);
    }, this.opts.refundDelayMs ?? 1000);
    timer.unref();
    this.#timers.add(timer);
    return { status: 200, body: this.#refundJson(order, refund) };
  }

  /** The refund reaches the payer: SUCCESS, and a REFUND.SUCCESS notification when it had a notify_url. */
  settleRefund(outRefundNo: string): void {
    const found = this.#refunds.get(outRefundNo);
    if (!found || found.refund.status === "SUCCESS") return;
    const { order, refund } = found;
    refund.status = "SUCCESS";
    refund.successAt = this.#now();
    if (refund.notifyUrl && this.mode.refundNotifications)
      this.#send(order, "REFUND.SUCCESS", refund.notifyUrl, this.#refundResource(order, refund));
  }

  #refundJson(order: SandboxOrder, refund: SandboxRefund): Record<string, unknown> {
    return {
      refund_id: refund.refundId,
      out_refund_no: refund.outRefundNo,
      transaction_id: order.transactionId,
      out_trade_no: order.outTradeNo,
      channel: "ORIGINAL",
      user_received_account: "支付用户零钱",
      ...(refund.successAt !== null ? { success_time: rfc3339Shanghai(new Date(refund.successAt)) } : {}),
      create_time: rfc3339Shanghai(new Date(refund.createdAt)),
      status: refund.status,
      funds_account: "AVAILABLE",
      amount: {
        total: order.totalFen,
        refund: refund.refundFen,
        payer_total: order.totalFen,
        payer_refund: refund.refundFen,
        settlement_refund: refund.refundFen,
        settlement_total: order.totalFen,
        discount_refund: 0,
        currency: "CNY",
      },
    };
  }

  #refundResource(order: SandboxOrder, refund: SandboxRefund): Record<string, unknown> {
    return {
      mchid: order.mchId,
      out_trade_no: order.outTradeNo,
      transaction_id: order.transactionId,
      out_refund_no: refund.outRefundNo,
      refund_id: refund.refundId,
      refund_status: refund.status,
      success_time: rfc3339Shanghai(new Date(refund.successAt ?? this.#now())),
      user_received_account: "支付用户零钱",
      amount: {
        total: order.totalFen,
        refund: refund.refundFen,
        payer_total: order.totalFen,
        payer_refund: refund.refundFen,
      },
    };
  }

  #tradebill(q: URLSearchParams): { status: number; body: unknown } {
    const date = q.get("bill_date") ?? "";
    if (!isBizDate(date)) throw new SandboxError(400, "PARAM_ERROR", "bill_date 格式应为 YYYY-MM-DD");
    const type = q.get("bill_type") ?? "ALL";
    if (!["ALL", "SUCCESS", "REFUND"].includes(type)) throw new SandboxError(400, "PARAM_ERROR", "bill_type 无效");
    if (q.get("tar_type")) throw new SandboxError(400, "PARAM_ERROR", "沙箱不提供压缩账单（tar_type）");
    const text = this.billText(date, type as "ALL" | "SUCCESS" | "REFUND");
    if (text === null) throw new SandboxError(400, "NO_STATEMENT_EXIST", "账单文件不存在");
    const content = Buffer.from(text, "utf8");
    const token = randomBytes(24).toString("base64url");
    this.#billFiles.set(token, { content, expiresAt: this.#now() + 5 * 60_000 });
    return {
      status: 200,
      body: {
        // WeChat Pay's own host, as the real API answers; the client maps it onto its API base
        download_url: `https://api.mch.weixin.qq.com/v3/billdownload/file?token=${token}`,
        hash_type: "SHA1",
        hash_value: createHash("sha1").update(content).digest("hex"),
      },
    };
  }

  /** The bill for a Shanghai date: prepared rows/CSV if a test set them, else the day's trades here. */
  billText(date: string, type: "ALL" | "SUCCESS" | "REFUND" = "ALL"): string | null {
    const prepared = this.#bills.get(date);
    if (prepared?.csv !== undefined) return prepared.csv;
    let lines: TradeBillLine[];
    if (prepared?.rows) {
      lines = prepared.rows.map((r) => this.#preparedLine(date, r));
    } else {
      lines = [];
      for (const o of this.#orders.values()) {
        if (o.paidAt !== null && shanghaiDate(new Date(o.paidAt)) === date) {
          lines.push(this.#line(o, "SUCCESS", o.paidAt));
        }
        for (const r of o.refunds) {
          if (r.successAt !== null && shanghaiDate(new Date(r.successAt)) === date) {
            lines.push({
              ...this.#line(o, "REFUND", r.successAt),
              refundId: r.refundId,
              outRefundNo: r.outRefundNo,
              refundFen: r.refundFen,
            });
          }
        }
      }
      lines.sort((a, b) => a.at.getTime() - b.at.getTime());
    }
    lines = lines.filter((l) => type === "ALL" || l.state === type);
    return lines.length === 0 ? null : renderTradeBill(lines);
  }

  #line(o: SandboxOrder, state: "SUCCESS" | "REFUND", at: number): TradeBillLine {
    return {
      at: new Date(at),
      appId: o.appId,
      mchId: o.mchId,
      transactionId: o.transactionId ?? "",
      outTradeNo: o.outTradeNo,
      openid: o.openid,
      state,
      totalFen: o.totalFen,
      description: o.description,
    };
  }

  #preparedLine(date: string, r: PreparedBillRow): TradeBillLine {
    const known = this.#orders.get(r.outTradeNo);
    const state = r.state === "PAID" ? "SUCCESS" : "REFUND";
    return {
      at: r.at ?? new Date(shanghaiMidnight(date).getTime() + 12 * 3600_000),
      appId: this.opts.appId,
      mchId: this.opts.mchId,
      transactionId: r.transactionId ?? known?.transactionId ?? transactionIdAt(this.#now()),
      outTradeNo: r.outTradeNo,
      openid: known?.openid ?? "sandbox_bill_openid",
      state,
      totalFen: r.amountFen,
      refundFen: r.refundFen ?? 0,
      refundId: `50300${date.replaceAll("-", "")}${digits(16)}`,
      outRefundNo: `R${r.outTradeNo}`.slice(0, 32),
      description: r.description ?? known?.description ?? "沙箱账单",
    };
  }

  // ---- test controls and the cashier -------------------------------------------------------------

  /** past time_expire: can no longer be paid (WeChat still reports NOTPAY until it is closed) */
  expired(order: SandboxOrder): boolean {
    return order.timeExpire !== null && order.timeExpire <= this.#now();
  }

  orderByPrepayId(prepayId: string): SandboxOrder | undefined {
    return this.#byPrepayId.get(prepayId);
  }

  orderByOutTradeNo(outTradeNo: string): SandboxOrder | undefined {
    return this.#orders.get(outTradeNo);
  }

  /**
   * The payer pays: the order becomes SUCCESS and (unless notify is false, a lost callback) the
   * TRANSACTION.SUCCESS notification goes to its notify_url. Paying a paid order changes nothing.
   */
  pay(outTradeNo: string, opts: { notify?: boolean } = {}): SandboxOrder {
    const order = this.#order(outTradeNo);
    if (order.paidAt !== null) return order;
    if (order.closed) throw new SandboxError(400, "ORDERCLOSED", "订单已关闭，无法支付");
    if (this.expired(order)) throw new SandboxError(400, "ORDER_EXPIRED", "订单已过期，无法支付");
    order.paidAt = this.#now();
    order.transactionId = transactionIdAt(order.paidAt);
    if (opts.notify !== false) {
      this.#send(order, "TRANSACTION.SUCCESS", order.notifyUrl, this.#transactionJson(order));
    }
    return order;
  }

  #send(order: SandboxOrder, event: NotificationEvent, url: string, resource: Record<string, unknown>): Delivery {
    const { id, body } = notificationBody({
      event,
      resource,
      apiV3Key: this.opts.apiV3Key,
      signer: this.signer(this.mode.notifications),
      nowMs: this.#now(),
    });
    this.#lastNotification.set(order.outTradeNo, { id, body, event, url });
    return this.#deliver(order.outTradeNo, { id, body, event, url });
  }

  #deliver(outTradeNo: string, n: { id: string; body: string; event: NotificationEvent; url: string }): Delivery {
    const mode = this.mode.notifications;
    return this.#dispatcher.dispatch({
      url: n.url,
      notificationId: n.id,
      event: n.event,
      outTradeNo,
      body: n.body,
      sign: () => signNotification(n.body, this.signer(mode), this.#now()),
    }).delivery;
  }

  /** Delivers the order's last notification again (same id and ciphertext, signed afresh), with retries. */
  resend(outTradeNo: string): Delivery {
    const last = this.#lastNotification.get(outTradeNo);
    if (!last) throw new SandboxError(404, "NOTIFICATION_NOT_EXIST", "该订单还没有发出过通知");
    return this.#deliver(outTradeNo, last);
  }

  /**
   * A TRANSACTION.SUCCESS notification for a paid order, broken as `fault` says (or intact when null),
   * signed in `signer` mode. Not sent: see deliverOnce.
   */
  paymentNotification(
    outTradeNo: string,
    fault: NotificationFault | null,
    signer: SignerMode = this.mode.notifications,
  ): { id: string; body: string; headers: Record<string, string> } {
    const order = this.#order(outTradeNo);
    if (order.paidAt === null) throw new SandboxError(409, "ORDER_NOT_PAID", "订单尚未支付：先调用 /test/pay");
    const resource = this.#transactionJson(order);
    const amount = resource.amount as Record<string, unknown>;
    if (fault === "foreign_mchid") resource.mchid = "1900009999";
    if (fault === "foreign_appid") resource.appid = "wx0000000000foreign";
    if (fault === "wrong_amount")
      resource.amount = { ...amount, total: order.totalFen + 1, payer_total: order.totalFen + 1 };
    const faults: BuildFaults = {
      badSignature: fault === "bad_signature",
      timestampOffsetS: fault === "old_timestamp" ? -360 : 0,
      flipCiphertext: fault === "flipped_ciphertext",
      ...(fault === "unknown_serial" ? { serial: "6B0D1C2E3F405162738495A6B7C8D9EAFB0C1D2E" } : {}),
      ...(fault === "malformed" ? { rawBody: '{"id":"EV-1","resource_type":"encrypt-resource",' } : {}),
    };
    return buildNotification(
      {
        event: "TRANSACTION.SUCCESS",
        resource,
        apiV3Key: this.opts.apiV3Key,
        signer: this.signer(signer),
        nowMs: this.#now(),
      },
      faults,
    );
  }

  /** Sends a (possibly faulty) notification once, no retries; resolves with the receiver's answer. */
  async deliverOnce(
    outTradeNo: string,
    url: string,
    n: { id: string; body: string; headers: Record<string, string> },
  ): Promise<Delivery> {
    const { delivery, firstAttempt } = this.#dispatcher.dispatch({
      url,
      notificationId: n.id,
      event: "FAULT",
      outTradeNo,
      body: n.body,
      sign: () => n.headers,
      retry: false,
    });
    await firstAttempt;
    return delivery;
  }

  deliveries(outTradeNo?: string): Delivery[] {
    return this.#dispatcher.list({ outTradeNo });
  }

  /** Prepares the trade bill of a date: rows (rendered in WeChat's format) or a raw CSV text. */
  setBill(date: string, bill: { rows?: PreparedBillRow[]; csv?: string }): void {
    if (!isBizDate(date)) throw new SandboxError(400, "PARAM_ERROR", "date 格式应为 YYYY-MM-DD");
    this.#bills.set(date, bill);
  }

  /** Forgets all orders, refunds, bills and notifications and stops pending retries. */
  reset(): void {
    this.close();
    this.#orders.clear();
    this.#byPrepayId.clear();
    this.#refunds.clear();
    this.#bills.clear();
    this.#billFiles.clear();
    this.#lastNotification.clear();
    this.mode = { responses: "platform", notifications: "platform", responseFault: null, refundNotifications: true };
  }

  /** Stops timers (retries, refund settlement). */
  close(): void {
    this.#dispatcher.reset();
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}

const TRADE_STATE_DESC = {
  SUCCESS: "支付成功",
  NOTPAY: "未支付",
  CLOSED: "订单已关闭",
  REFUND: "转入退款",
} as const;

const JsapiSchema = z.object({
  appid: z.string().min(1).max(32),
  mchid: z.string().min(1).max(32),
  description: z
    .string()
    .min(1)
    .refine((s) => Buffer.byteLength(s, "utf8") <= 127, "description 超过 127 字节"),
  out_trade_no: z.string().regex(MERCHANT_NO, "out_trade_no 应为 6–32 位字母、数字或 _-|*@"),
  time_expire: z.string().optional(),
  attach: z.string().max(128).optional(),
  notify_url: z
    .string()
    .max(255)
    .refine((s) => /^https?:\/\/[^?#\s]+$/.test(s), "notify_url 应为不带参数的 http(s) 地址"),
  goods_tag: z.string().optional(),
  amount: z.object({ total: z.number().int().min(1), currency: z.string().optional() }),
  payer: z.object({ openid: z.string().min(1).max(128) }),
});

const RefundSchema = z.object({
  out_trade_no: z.string().optional(),
  transaction_id: z.string().optional(),
  out_refund_no: z.string().regex(MERCHANT_NO, "out_refund_no 应为 6–64 位字母、数字或 _-|*@"),
  reason: z.string().max(80).optional(),
  notify_url: z
    .string()
    .max(255)
    .refine((s) => /^https?:\/\/[^?#\s]+$/.test(s), "notify_url 应为不带参数的 http(s) 地址")
    .optional(),
  amount: z.object({ refund: z.number().int().min(1), total: z.number().int().min(1), currency: z.string() }),
});

function parseOr400<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new SandboxError(400, "PARAM_ERROR", `参数错误：${issue.path.join(".") || "body"} ${issue.message}`);
}

/** yyyyMMddHHmmss in Beijing time */
function compactTime(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace(/\D/g, "");
}

function digits(n: number): string {
  let s = "";
  while (s.length < n) s += String(randomInt(0, 10));
  return s;
}

/** 4200 + 6 digits + yyyyMMdd + 10 digits = 28 digits, like WeChat's transaction ids */
function transactionIdAt(ms: number): string {
  return `4200${digits(6)}${compactTime(ms).slice(0, 8)}${digits(10)}`;
}

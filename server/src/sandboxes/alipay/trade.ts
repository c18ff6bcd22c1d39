import { createSign, generateKeyPairSync, randomBytes, randomInt } from "node:crypto";
import { logger } from "../../lib/logger";
import {
  fenToYuan,
  isCalendarDate,
  parseShanghaiDateTime,
  parseYuan,
  shanghaiDate,
  shanghaiDateTime,
} from "../../integrations/alipay/alipayFormat";
import { notifySignContent } from "../../integrations/alipay/alipayNotify";
import { type BillFileFormat, type RenderedBill, renderTradeBill, type SandboxBillRow } from "./bill";
import type { AlipaySandboxGateway, GatewayAnswer, GatewayCall } from "./gateway";

/** Alipay's notification retry delays after a failed delivery: 4m, 10m, 10m, 1h, 2h, 6h, 15h. */
export const NOTIFY_RETRY_DELAYS_MS = [4, 10, 10, 60, 120, 360, 900].map((m) => m * 60_000);

/** How long a bill download address stays valid (Alipay: 30 seconds). */
const BILL_URL_TTL_MS = 30_000;
const MAX_TRADE_FEN = 10_000_000_000;
const OUT_NO = /^[0-9A-Za-z_-]{1,64}$/;
const YUAN_STRICT = /^\d{1,9}(\.\d{1,2})?$/;

export type SandboxTradeStatus = "WAIT_BUYER_PAY" | "TRADE_SUCCESS" | "TRADE_FINISHED" | "TRADE_CLOSED";

export interface SandboxRefund {
  outRequestNo: string;
  amountFen: number;
  reason: string;
  at: number;
}

export interface SandboxTrade {
  tradeNo: string;
  outTradeNo: string;
  totalFen: number;
  subject: string;
  buyerId: string | null;
  buyerOpenId: string | null;
  buyerLogonId: string;
  notifyUrl: string | null;
  createdAt: number;
  /** from time_expire; unpaid trades close at this instant */
  expireAt: number | null;
  status: SandboxTradeStatus;
  paidAt: number | null;
  closedAt: number | null;
  refunds: SandboxRefund[];
  refundedFen: number;
}

export interface NotifyAttempt {
  at: number;
  /** HTTP status of the receiver's answer; null when it could not be reached */
  status: number | null;
  /** the answer body (first 1 KiB); null when it could not be reached */
  body: string | null;
  error?: string;
}

export interface NotifyDelivery {
  id: number;
  outTradeNo: string;
  kind: "payment" | "refund" | "faulty";
  url: string;
  params: Record<string, string>;
  /** the exact form body sent */
  body: string;
  attempts: NotifyAttempt[];
  /** the receiver answered exactly "success" */
  done: boolean;
  /** retries left on the schedule (false for one-shot deliveries) */
  retrying: boolean;
}

/** Ways a test can spoil a notification. All but bad_sign/tampered/no_sign are correctly signed. */
export const NOTIFICATION_FAULTS = [
  "bad_sign",
  "tampered",
  "no_sign",
  "foreign_app_id",
  "foreign_seller_id",
  "wrong_total_amount",
] as const;
export type NotificationFault = (typeof NOTIFICATION_FAULTS)[number];

export interface AlipaySandboxTradeOptions {
  appId: string;
  /** the merchant PID the sandbox writes as seller_id (ALIPAY_SELLER_ID) */
  sellerId: string;
  /** clock for trade times and expiry (tests) */
  now?: () => number;
  /** multiplies NOTIFY_RETRY_DELAYS_MS (tests: e.g. 1/1000 turns 4 minutes into 240 ms) */
  notifyScale?: number;
  /** how long one delivery may take before it counts as failed */
  notifyTimeoutMs?: number;
  /** where the bill download route is mounted, e.g. /sandbox/alipay/bill/download */
  billPath: string;
  /** base address for bill URLs when a gateway call does not say where it came to */
  publicUrl: string;
}

export class SandboxTradeError extends Error {
  constructor(
    readonly code: "TRADE_NOT_EXIST" | "TRADE_NOT_PAYABLE" | "NO_NOTIFICATION" | "NOT_READY",
    message: string,
  ) {
    super(message);
  }
}

const ok = (body: Record<string, unknown>): GatewayAnswer => ({ body: { code: "10000", msg: "Success", ...body } });
const refuse = (subCode: string, subMsg: string, extra: Record<string, unknown> = {}): GatewayAnswer => ({
  body: { code: "40004", msg: "Business Failed", sub_code: subCode, sub_msg: subMsg, ...extra },
});
const invalid = (what: string) => refuse("ACQ.INVALID_PARAMETER", `参数无效：${what}`);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

/**
 * The sandbox's side of 支付宝小程序支付: in-memory trades behind the gateway methods alipay.trade.create /
 * query / close / refund / fastpay.refund.query and alipay.data.dataservice.bill.downloadurl.query, the
 * "buyer pays" step (cashier page, test routes), and asynchronous notifications signed with the sandbox
 * Alipay key and re-sent on Alipay's schedule until the receiver answers exactly `success`.
 */
export class AlipaySandboxTrades {
  readonly #trades = new Map<string, SandboxTrade>();
  readonly #byTradeNo = new Map<string, string>();
  readonly #deliveries: NotifyDelivery[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #bills = new Map<string, { rows: SandboxBillRow[] | null; format: BillFileFormat }>();
  readonly #billFiles = new Map<string, { date: string; expiresAt: number }>();
  readonly #now: () => number;
  #signingKey: string | null = null;
  #strangerKey: string | null = null;
  #nextDelivery = 1;

  constructor(private readonly opts: AlipaySandboxTradeOptions) {
    this.#now = opts.now ?? Date.now;
  }

  /** Adds the trade methods to a gateway; notifications are signed with the sandbox Alipay private key. */
  registerOn(gateway: AlipaySandboxGateway, alipayPrivateKey: string): void {
    this.#signingKey = alipayPrivateKey;
    gateway
      .register("alipay.trade.create", (call) => this.#create(call))
      .register("alipay.trade.query", (call) => this.#query(call))
      .register("alipay.trade.close", (call) => this.#close(call))
      .register("alipay.trade.refund", (call) => this.#refund(call))
      .register("alipay.trade.fastpay.refund.query", (call) => this.#refundQuery(call))
      .register("alipay.data.dataservice.bill.downloadurl.query", (call) => this.#billUrl(call));
  }

  get sellerId(): string {
    return this.opts.sellerId;
  }

  /** The trade (its expiry applied), by out_trade_no. */
  get(outTradeNo: string): SandboxTrade | undefined {
    const trade = this.#trades.get(outTradeNo);
    if (trade) this.#expire(trade);
    return trade;
  }

  /** The trade (its expiry applied), by Alipay's trade_no. */
  byTradeNo(tradeNo: string): SandboxTrade | undefined {
    const out = this.#byTradeNo.get(tradeNo);
    return out === undefined ? undefined : this.get(out);
  }

  /**
   * The buyer pays (cashier page, test route). With notify (the default) the payment notification goes
   * out; the promise waits for its first delivery attempt. notify:false is a lost callback.
   */
  async pay(
    outTradeNo: string,
    opts: { notify?: boolean; buyerLogonId?: string } = {},
  ): Promise<{ trade: SandboxTrade; delivery: NotifyDelivery | null }> {
    const trade = this.#mustGet(outTradeNo);
    if (trade.status !== "WAIT_BUYER_PAY") {
      throw new SandboxTradeError("TRADE_NOT_PAYABLE", `trade ${outTradeNo} is ${trade.status}`);
    }
    trade.status = "TRADE_SUCCESS";
    trade.paidAt = this.#now();
    if (opts.buyerLogonId) trade.buyerLogonId = opts.buyerLogonId;
    const delivery = opts.notify === false ? null : await this.#notify(trade, "payment", this.#paymentParams(trade));
    return { trade, delivery };
  }

  /**
   * A notification about the trade as Alipay would send it now (payment, or the last refund with
   * `refund: true`), optionally spoilt by a fault; not sent. For tests that call verifyNotification directly.
   */
  buildNotification(
    outTradeNo: string,
    opts: { fault?: NotificationFault; refund?: boolean; extra?: Record<string, string> } = {},
  ): { params: Record<string, string>; body: string; contentType: string } {
    const trade = this.#mustGet(outTradeNo);
    const last = trade.refunds.at(-1);
    if (opts.refund && !last) throw new SandboxTradeError("NO_NOTIFICATION", `trade ${outTradeNo} has no refund`);
    const params = {
      ...(opts.refund && last ? this.#refundParams(trade, last) : this.#paymentParams(trade)),
      ...opts.extra,
    };
    const signed = this.#spoil(params, opts.fault);
    return { params: signed, body: encodeForm(signed), contentType: FORM_TYPE };
  }

  /** Posts a spoilt notification to the trade's notify_url once (no retries) and reports the answer. */
  async sendFaulty(outTradeNo: string, fault: NotificationFault): Promise<NotifyDelivery> {
    const trade = this.#mustGet(outTradeNo);
    if (!trade.notifyUrl) throw new SandboxTradeError("NO_NOTIFICATION", `trade ${outTradeNo} has no notify_url`);
    const { params, body } = this.buildNotification(outTradeNo, { fault });
    const delivery = this.#newDelivery(trade, "faulty", params, body, false);
    await this.#attempt(delivery);
    return delivery;
  }

  /** Sends the trade's last notification again (fresh notify_time and signature), with the retry schedule. */
  async resendLast(outTradeNo: string): Promise<NotifyDelivery> {
    const trade = this.#mustGet(outTradeNo);
    const last = [...this.#deliveries].reverse().find((d) => d.outTradeNo === outTradeNo && d.kind !== "faulty");
    if (!last) throw new SandboxTradeError("NO_NOTIFICATION", `no notification was sent for ${outTradeNo}`);
    const { sign: _s, sign_type: _t, ...unsigned } = last.params;
    const delivery = await this.#notify(trade, last.kind, { ...unsigned, notify_time: shanghaiDateTime(this.#now()) });
    if (!delivery) throw new SandboxTradeError("NO_NOTIFICATION", `trade ${outTradeNo} has no notify_url`);
    return delivery;
  }

  /** Every delivery so far (optionally of one trade), oldest first. */
  deliveries(outTradeNo?: string): NotifyDelivery[] {
    return this.#deliveries.filter((d) => outTradeNo === undefined || d.outTradeNo === outTradeNo);
  }

  /** The rows the bill of a date has: prepared ones, or else those made from the sandbox's trades. */
  billRows(date: string): SandboxBillRow[] {
    return this.#bills.get(date)?.rows ?? this.#generatedBillRows(date);
  }

  /**
   * Fixes what the bill of a date says (rows: null goes back to rows made from the trades) and in which
   * form it is served: "zip" (Alipay's zip of GBK CSVs, the default) or "csv" (the bare GBK detail CSV).
   */
  prepareBill(date: string, rows: SandboxBillRow[] | null, format: BillFileFormat = "zip"): void {
    if (!isCalendarDate(date)) throw new RangeError(`bill date must be YYYY-MM-DD, got ${date}`);
    this.#bills.set(date, { rows: rows ? rows.map((r) => ({ ...r })) : null, format });
  }

  /** The file behind a bill download address; null when unknown or expired. */
  billFile(token: string): RenderedBill | null {
    const file = this.#billFiles.get(token);
    if (!file || file.expiresAt <= this.#now()) return null;
    return renderTradeBill({
      pid: this.opts.sellerId,
      date: file.date,
      rows: this.billRows(file.date),
      format: this.#bills.get(file.date)?.format ?? "zip",
      exportedAt: shanghaiDateTime(this.#now()),
    });
  }

  /** Forgets every trade, notification, prepared bill and pending retry. */
  reset(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#trades.clear();
    this.#byTradeNo.clear();
    this.#deliveries.length = 0;
    this.#bills.clear();
    this.#billFiles.clear();
  }

  // ---- gateway methods --------------------------------------------------------------------------

  #create(call: GatewayCall): GatewayAnswer {
    const b = call.bizContent;
    const outTradeNo = str(b.out_trade_no);
    if (!OUT_NO.test(outTradeNo)) return invalid("out_trade_no");
    const totalText = str(b.total_amount);
    const totalFen = YUAN_STRICT.test(totalText) ? (parseYuan(totalText) ?? -1) : -1;
    if (totalFen < 1 || totalFen > MAX_TRADE_FEN) return invalid("total_amount");
    const subject = str(b.subject);
    if (!subject || [...subject].length > 256) return invalid("subject");
    const buyerId = str(b.buyer_id) || null;
    const buyerOpenId = str(b.buyer_open_id) || null;
    if (!buyerId && !buyerOpenId) return invalid("buyer_id 和 buyer_open_id 不能同时为空");
    let expireAt: number | null = null;
    if (b.time_expire !== undefined) {
      const at = parseShanghaiDateTime(str(b.time_expire));
      if (!at) return invalid("time_expire");
      if (at.getTime() <= this.#now()) return invalid("time_expire 早于当前时间");
      expireAt = at.getTime();
    }
    const notifyUrl = call.params.notify_url || null;
    if (notifyUrl && !/^https?:\/\/[^\s]+$/i.test(notifyUrl)) return invalid("notify_url");

    const existing = this.get(outTradeNo);
    if (existing) {
      if (
        existing.totalFen !== totalFen ||
        existing.buyerId !== buyerId ||
        existing.buyerOpenId !== buyerOpenId ||
        existing.subject !== subject
      ) {
        return refuse("ACQ.CONTEXT_INCONSISTENT", "交易信息被篡改");
      }
      if (existing.status === "TRADE_SUCCESS" || existing.status === "TRADE_FINISHED") {
        return refuse("ACQ.TRADE_HAS_SUCCESS", "交易已被支付");
      }
      if (existing.status === "TRADE_CLOSED") return refuse("ACQ.TRADE_HAS_CLOSE", "交易已经关闭");
      return ok({ out_trade_no: outTradeNo, trade_no: existing.tradeNo });
    }
    const now = this.#now();
    const trade: SandboxTrade = {
      tradeNo: `${shanghaiDate(now).replaceAll("-", "")}22001${randomInt(0, 1e9).toString().padStart(9, "0")}${randomInt(0, 1e6).toString().padStart(6, "0")}`,
      outTradeNo,
      totalFen,
      subject,
      buyerId,
      buyerOpenId,
      buyerLogonId: "186******00",
      notifyUrl,
      createdAt: now,
      expireAt,
      status: "WAIT_BUYER_PAY",
      paidAt: null,
      closedAt: null,
      refunds: [],
      refundedFen: 0,
    };
    this.#trades.set(outTradeNo, trade);
    this.#byTradeNo.set(trade.tradeNo, outTradeNo);
    return ok({ out_trade_no: outTradeNo, trade_no: trade.tradeNo });
  }

  #query(call: GatewayCall): GatewayAnswer {
    const trade = this.#lookup(call);
    if (!trade) {
      return refuse("ACQ.TRADE_NOT_EXIST", "交易不存在", {
        buyer_pay_amount: "0.00",
        invoice_amount: "0.00",
        out_trade_no: str(call.bizContent.out_trade_no),
        point_amount: "0.00",
        receipt_amount: "0.00",
      });
    }
    const paid = trade.paidAt !== null;
    const paidYuan = paid ? fenToYuan(trade.totalFen) : "0.00";
    return ok({
      trade_no: trade.tradeNo,
      out_trade_no: trade.outTradeNo,
      buyer_logon_id: trade.buyerLogonId,
      trade_status: trade.status,
      total_amount: fenToYuan(trade.totalFen),
      buyer_pay_amount: paidYuan,
      point_amount: "0.00",
      invoice_amount: paidYuan,
      receipt_amount: paidYuan,
      ...(paid && trade.paidAt !== null ? { send_pay_date: shanghaiDateTime(trade.paidAt) } : {}),
      ...this.#buyer(trade, "buyer_user_id"),
    });
  }

  #close(call: GatewayCall): GatewayAnswer {
    const trade = this.#lookup(call);
    if (!trade) return refuse("ACQ.TRADE_NOT_EXIST", "交易不存在");
    if (trade.status !== "WAIT_BUYER_PAY") return refuse("ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
    trade.status = "TRADE_CLOSED";
    trade.closedAt = this.#now();
    return ok({ trade_no: trade.tradeNo, out_trade_no: trade.outTradeNo });
  }

  async #refund(call: GatewayCall): Promise<GatewayAnswer> {
    const b = call.bizContent;
    const trade = this.#lookup(call);
    if (!trade) return refuse("ACQ.TRADE_NOT_EXIST", "交易不存在");
    const amountText = str(b.refund_amount);
    const amountFen = YUAN_STRICT.test(amountText) ? (parseYuan(amountText) ?? -1) : -1;
    if (amountFen < 1) return refuse("ACQ.REASON_TRADE_REFUND_FEE_ERR", "退款金额无效");
    // without out_request_no Alipay treats the call as the trade's one full refund
    const outRequestNo = str(b.out_request_no) || trade.outTradeNo;
    if (!OUT_NO.test(outRequestNo)) return invalid("out_request_no");
    const earlier = trade.refunds.find((r) => r.outRequestNo === outRequestNo);
    if (earlier) {
      if (earlier.amountFen !== amountFen) return refuse("ACQ.DISCORDANT_REPEAT_REQUEST", "不一致的请求");
      return ok(this.#refundAnswer(trade, earlier, "N"));
    }
    if (trade.status === "TRADE_FINISHED") return refuse("ACQ.TRADE_HAS_FINISHED", "交易已完结");
    if (trade.paidAt === null) return refuse("ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
    if (amountFen > trade.totalFen - trade.refundedFen) return refuse("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限");
    const refund: SandboxRefund = { outRequestNo, amountFen, reason: str(b.refund_reason), at: this.#now() };
    trade.refunds.push(refund);
    trade.refundedFen += amountFen;
    if (trade.refundedFen === trade.totalFen) {
      trade.status = "TRADE_CLOSED";
      trade.closedAt = refund.at;
    }
    if (trade.notifyUrl) {
      // Alipay answers the refund at once and notifies the trade's notify_url afterwards
      void this.#notify(trade, "refund", this.#refundParams(trade, refund)).catch((err: unknown) =>
        logger.warn({ err, outTradeNo: trade.outTradeNo }, "alipay sandbox refund notification failed"),
      );
    }
    return ok(this.#refundAnswer(trade, refund, "Y"));
  }

  #refundQuery(call: GatewayCall): GatewayAnswer {
    const b = call.bizContent;
    const trade = this.#lookup(call);
    if (!trade) return refuse("ACQ.TRADE_NOT_EXIST", "交易不存在");
    const outRequestNo = str(b.out_request_no);
    if (!outRequestNo) return invalid("out_request_no");
    const refund = trade.refunds.find((r) => r.outRequestNo === outRequestNo);
    // an unknown refund: a success answer without refund data ("未收到退款请求")
    if (!refund) return ok({});
    const options = Array.isArray(b.query_options) ? b.query_options : [];
    return ok({
      trade_no: trade.tradeNo,
      out_trade_no: trade.outTradeNo,
      out_request_no: outRequestNo,
      total_amount: fenToYuan(trade.totalFen),
      refund_amount: fenToYuan(refund.amountFen),
      refund_status: "REFUND_SUCCESS",
      ...(options.includes("gmt_refund_pay") ? { gmt_refund_pay: shanghaiDateTime(refund.at) } : {}),
    });
  }

  #billUrl(call: GatewayCall): GatewayAnswer {
    const b = call.bizContent;
    if (str(b.bill_type) !== "trade") return invalid("bill_type（沙箱只提供 trade 账单）");
    const date = str(b.bill_date);
    if (!isCalendarDate(date)) return invalid("bill_date（沙箱只提供 yyyy-MM-dd 日账单）");
    if (date > shanghaiDate(this.#now())) return refuse("isp.bill_not_exist", "账单不存在");
    const token = randomBytes(16).toString("hex");
    this.#billFiles.set(token, { date, expiresAt: this.#now() + BILL_URL_TTL_MS });
    const base = (call.origin ?? this.opts.publicUrl).replace(/\/$/, "");
    const query = new URLSearchParams({ bizType: "trade", bizDates: date.replaceAll("-", ""), fileId: token });
    return ok({ bill_download_url: `${base}${this.opts.billPath}?${query}` });
  }

  // ---- notifications ----------------------------------------------------------------------------

  #paymentParams(trade: SandboxTrade): Record<string, string> {
    const total = fenToYuan(trade.totalFen);
    const paid = trade.paidAt !== null;
    return {
      gmt_create: shanghaiDateTime(trade.createdAt),
      charset: "utf-8",
      subject: trade.subject,
      ...this.#buyer(trade, "buyer_id"),
      invoice_amount: paid ? total : "0.00",
      notify_id: `${randomBytes(16).toString("hex")}${randomInt(0, 1e6)}`,
      ...(paid ? { fund_bill_list: JSON.stringify([{ amount: total, fundChannel: "ALIPAYACCOUNT" }]) } : {}),
      notify_type: "trade_status_sync",
      trade_status: trade.status,
      receipt_amount: paid ? total : "0.00",
      app_id: this.opts.appId,
      buyer_pay_amount: paid ? total : "0.00",
      seller_id: this.opts.sellerId,
      ...(trade.paidAt !== null ? { gmt_payment: shanghaiDateTime(trade.paidAt) } : {}),
      ...(trade.closedAt !== null ? { gmt_close: shanghaiDateTime(trade.closedAt) } : {}),
      notify_time: shanghaiDateTime(this.#now()),
      version: "1.0",
      out_trade_no: trade.outTradeNo,
      total_amount: total,
      trade_no: trade.tradeNo,
      auth_app_id: this.opts.appId,
      buyer_logon_id: trade.buyerLogonId,
      point_amount: "0.00",
    };
  }

  #refundParams(trade: SandboxTrade, refund: SandboxRefund): Record<string, string> {
    const refundedSoFar = trade.refunds
      .slice(0, trade.refunds.indexOf(refund) + 1)
      .reduce((sum, r) => sum + r.amountFen, 0);
    const closed = refundedSoFar === trade.totalFen;
    const at = new Date(refund.at + 8 * 3600_000).toISOString();
    return {
      ...this.#paymentParams(trade),
      trade_status: closed ? "TRADE_CLOSED" : "TRADE_SUCCESS",
      // the trade's refunded total up to this refund, not this refund's amount
      refund_fee: fenToYuan(refundedSoFar),
      gmt_refund: `${at.slice(0, 10)} ${at.slice(11, 23)}`,
      out_biz_no: refund.outRequestNo,
      ...(closed ? { gmt_close: shanghaiDateTime(refund.at) } : {}),
    };
  }

  /** Signs (or spoils) notification params. */
  #spoil(params: Record<string, string>, fault: NotificationFault | undefined): Record<string, string> {
    const p = { ...params };
    if (fault === "foreign_app_id") {
      p.app_id = "2021009999999999";
      p.auth_app_id = "2021009999999999";
    }
    if (fault === "foreign_seller_id") p.seller_id = "2088999999999999";
    if (fault === "wrong_total_amount") {
      const wrong = fenToYuan((parseYuan(p.total_amount) ?? 0) + 1);
      Object.assign(p, { total_amount: wrong, receipt_amount: wrong, buyer_pay_amount: wrong, invoice_amount: wrong });
    }
    if (fault === "no_sign") return p;
    if (fault === "bad_sign") return signNotification(p, this.#stranger());
    const signed = signNotification(p, this.#key());
    if (fault === "tampered") signed.total_amount = fenToYuan((parseYuan(signed.total_amount) ?? 0) + 100);
    return signed;
  }

  async #notify(
    trade: SandboxTrade,
    kind: NotifyDelivery["kind"],
    params: Record<string, string>,
  ): Promise<NotifyDelivery | null> {
    if (!trade.notifyUrl) return null;
    const signed = signNotification(params, this.#key());
    const delivery = this.#newDelivery(trade, kind, signed, encodeForm(signed), true);
    await this.#attempt(delivery);
    return delivery;
  }

  #newDelivery(
    trade: SandboxTrade,
    kind: NotifyDelivery["kind"],
    params: Record<string, string>,
    body: string,
    retrying: boolean,
  ): NotifyDelivery {
    const delivery: NotifyDelivery = {
      id: this.#nextDelivery++,
      outTradeNo: trade.outTradeNo,
      kind,
      url: trade.notifyUrl ?? "",
      params,
      body,
      attempts: [],
      done: false,
      retrying,
    };
    this.#deliveries.push(delivery);
    return delivery;
  }

  async #attempt(delivery: NotifyDelivery): Promise<void> {
    const attempt: NotifyAttempt = { at: this.#now(), status: null, body: null };
    try {
      const res = await fetch(delivery.url, {
        method: "POST",
        headers: { "content-type": FORM_TYPE },
        body: delivery.body,
        redirect: "manual",
        signal: AbortSignal.timeout(this.opts.notifyTimeoutMs ?? 15_000),
      });
      attempt.status = res.status;
      attempt.body = (await res.text()).slice(0, 1024);
    } catch (err) {
      attempt.error = String((err as { cause?: { code?: unknown } })?.cause?.code ?? (err as Error)?.name ?? err);
    }
    delivery.attempts.push(attempt);
    // Alipay's rule: anything but the exact 7 characters "success" is a failure
    if (attempt.body === "success") {
      delivery.done = true;
      delivery.retrying = false;
      return;
    }
    const delay = NOTIFY_RETRY_DELAYS_MS[delivery.attempts.length - 1];
    if (!delivery.retrying || delay === undefined) {
      delivery.retrying = false;
      return;
    }
    const timer = setTimeout(
      () => {
        this.#timers.delete(timer);
        if (this.#deliveries.includes(delivery)) void this.#attempt(delivery);
      },
      Math.max(1, Math.round(delay * (this.opts.notifyScale ?? 1))),
    );
    timer.unref();
    this.#timers.add(timer);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  #key(): string {
    if (!this.#signingKey) throw new SandboxTradeError("NOT_READY", "the Alipay sandbox gateway is not set up yet");
    return this.#signingKey;
  }

  /** A key Alipay never signs with, for bad_sign notifications. */
  #stranger(): string {
    // 1024 bits: it only ever makes signatures that must not verify
    this.#strangerKey ??= generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({
      type: "pkcs8",
      format: "pem",
    }) as string;
    return this.#strangerKey;
  }

  #mustGet(outTradeNo: string): SandboxTrade {
    const trade = this.get(outTradeNo);
    if (!trade) throw new SandboxTradeError("TRADE_NOT_EXIST", `no trade ${outTradeNo}`);
    return trade;
  }

  #lookup(call: GatewayCall): SandboxTrade | undefined {
    const out = str(call.bizContent.out_trade_no);
    const tradeNo = str(call.bizContent.trade_no);
    const trade = out ? this.get(out) : tradeNo ? this.byTradeNo(tradeNo) : undefined;
    if (trade && tradeNo && trade.tradeNo !== tradeNo) return undefined;
    return trade;
  }

  #expire(trade: SandboxTrade): void {
    if (trade.status === "WAIT_BUYER_PAY" && trade.expireAt !== null && trade.expireAt <= this.#now()) {
      trade.status = "TRADE_CLOSED";
      trade.closedAt = trade.expireAt;
    }
  }

  #buyer(trade: SandboxTrade, userKey: "buyer_id" | "buyer_user_id"): Record<string, string> {
    return {
      ...(trade.buyerId ? { [userKey]: trade.buyerId } : {}),
      ...(trade.buyerOpenId ? { buyer_open_id: trade.buyerOpenId } : {}),
    };
  }

  #refundAnswer(trade: SandboxTrade, refund: SandboxRefund, fundChange: "Y" | "N"): Record<string, unknown> {
    return {
      trade_no: trade.tradeNo,
      out_trade_no: trade.outTradeNo,
      buyer_logon_id: trade.buyerLogonId,
      fund_change: fundChange,
      refund_fee: fenToYuan(trade.refundedFen),
      send_back_fee: fenToYuan(refund.amountFen),
      gmt_refund_pay: shanghaiDateTime(refund.at),
      ...this.#buyer(trade, "buyer_user_id"),
    };
  }

  #generatedBillRows(date: string): SandboxBillRow[] {
    const rows: { at: number; row: SandboxBillRow }[] = [];
    for (const trade of this.#trades.values()) {
      const base = {
        trade_no: trade.tradeNo,
        out_trade_no: trade.outTradeNo,
        subject: trade.subject,
        gmt_create: shanghaiDateTime(trade.createdAt),
        total_amount: fenToYuan(trade.totalFen),
        buyer_logon_id: trade.buyerLogonId,
      };
      if (trade.paidAt !== null && shanghaiDate(trade.paidAt) === date) {
        rows.push({
          at: trade.paidAt,
          row: {
            ...base,
            biz_type: "交易",
            gmt_finish: shanghaiDateTime(trade.paidAt),
            receipt_amount: fenToYuan(trade.totalFen),
          },
        });
      }
      for (const refund of trade.refunds) {
        if (shanghaiDate(refund.at) !== date) continue;
        rows.push({
          at: refund.at,
          row: {
            ...base,
            biz_type: "退款",
            gmt_finish: shanghaiDateTime(refund.at),
            receipt_amount: fenToYuan(-refund.amountFen),
            out_request_no: refund.outRequestNo,
          },
        });
      }
    }
    return rows.sort((a, b) => a.at - b.at).map((r) => r.row);
  }
}

const FORM_TYPE = "application/x-www-form-urlencoded; charset=utf-8";

/** Adds sign_type=RSA2 and the RSA-SHA256 `sign` over notifySignContent, as Alipay signs notifications. */
export function signNotification(params: Record<string, string>, alipayPrivateKey: string): Record<string, string> {
  const { sign: _sign, sign_type: _type, ...rest } = params;
  const sign = createSign("RSA-SHA256").update(notifySignContent(rest), "utf8").sign(alipayPrivateKey, "base64");
  return { ...rest, sign_type: "RSA2", sign };
}

/** The form body: names and values percent-encoded as UTF-8. */
export function encodeForm(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join("&");
}

/**
 * What the payment module needs from a payment vendor (WeChat Pay v3, Alipay). Amounts are integer fen;
 * yuan strings exist only inside the vendor clients. Vendor clients throw PaymentVendorError for anything
 * the vendor refuses or that cannot be reached; they never return partially parsed answers.
 */
export type PaymentVendor = "wechat" | "alipay";

export interface CreateTradeInput {
  outTradeNo: string;
  amountFen: number;
  /** shown to the payer, e.g. "民乐县供热费 2025-2026 户号1010110101" (≤ 127 bytes for WeChat) */
  description: string;
  /** WeChat: the payer's openid; Alipay: the buyer's user_id (or open_id) */
  payerId: string;
  /** the order expires at the vendor at this instant */
  expireAt: Date;
  notifyUrl: string;
}

export interface CreatedTrade {
  /** WeChat: prepay_id; Alipay: trade_no */
  vendorRef: string;
  /** what the mini-program passes to wx.requestPayment / my.tradePay (WeChat: appId, timeStamp, nonceStr, package, signType, paySign; Alipay: tradeNO) */
  clientParams: Record<string, string>;
  /** H5 only (sandboxes): the cashier page that stands in for the vendor's payment sheet */
  cashierUrl?: string;
}

export type VendorTradeState = "PAID" | "NOT_PAID" | "CLOSED" | "REFUNDED" | "UNKNOWN";

export interface VendorTrade {
  outTradeNo: string;
  state: VendorTradeState;
  /** WeChat transaction_id / Alipay trade_no; present once paid */
  transactionId: string | null;
  /** what the payer paid, fen */
  amountFen: number | null;
  paidAt: Date | null;
  /** the merchant/app the vendor says the trade belongs to (mchid+appid / app_id+seller_id) */
  merchant: { mchId?: string; appId?: string; sellerId?: string };
  raw: unknown;
}

export interface RefundInput {
  outTradeNo: string;
  outRefundNo: string;
  refundFen: number;
  totalFen: number;
  reason: string;
  notifyUrl: string;
}

export interface RefundResult {
  refundId: string;
  /** SUCCESS when the vendor refunded at once (Alipay), PROCESSING when a notification will follow (WeChat) */
  status: "SUCCESS" | "PROCESSING" | "FAILED";
  raw: unknown;
}

/** A verified, decoded vendor notification. */
export type VerifiedNotification =
  | { kind: "payment"; trade: VendorTrade }
  | {
      kind: "refund";
      outTradeNo: string;
      outRefundNo: string;
      refundId: string;
      status: "SUCCESS" | "CLOSED" | "ABNORMAL";
      refundFen: number;
      raw: unknown;
    };

/** One row of a vendor's daily trade bill (对账单). */
export interface BillRow {
  outTradeNo: string;
  transactionId: string;
  amountFen: number;
  state: "PAID" | "REFUND";
  refundFen: number;
  at: Date;
}

export interface PaymentVendorClient {
  readonly vendor: PaymentVendor;
  createTrade(input: CreateTradeInput): Promise<CreatedTrade>;
  queryTrade(outTradeNo: string): Promise<VendorTrade | null>;
  closeTrade(outTradeNo: string): Promise<void>;
  refund(input: RefundInput): Promise<RefundResult>;
  /** the vendor's trade bill for one Asia/Shanghai business date (YYYY-MM-DD) */
  downloadBill(date: string): Promise<BillRow[]>;
  /**
   * Verify and decode a notification from its raw HTTP request. Throws NotificationRejected (with a
   * reason code) for a bad signature, a stale timestamp, a tampered ciphertext, a foreign merchant …
   */
  verifyNotification(req: {
    headers: Record<string, string | string[] | undefined>;
    rawBody: Buffer;
  }): Promise<VerifiedNotification>;
  /** the HTTP answer the vendor requires for an accepted / rejected notification */
  notificationAnswer(ok: boolean): { status: number; type: string; body: string };
}

export class PaymentVendorError extends Error {
  constructor(
    readonly vendor: PaymentVendor,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class NotificationRejected extends Error {
  constructor(
    /** BAD_SIGNATURE | STALE_TIMESTAMP | BAD_CIPHERTEXT | UNKNOWN_SERIAL | FOREIGN_MERCHANT | MALFORMED */
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

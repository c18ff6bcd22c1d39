import { formatYuan } from "../billing/money";
import { z } from "zod";
import { InvoiceTitleInputSchema } from "./invoices";

export const PAYMENT_CHANNELS = ["wechat", "alipay", "cash", "card", "transfer", "assisted"] as const;
export type PaymentChannelCode = (typeof PAYMENT_CHANNELS)[number];
export const PAYMENT_CHANNEL_LABELS: Record<PaymentChannelCode, string> = {
  wechat: "微信支付",
  alipay: "支付宝",
  cash: "现金",
  card: "银行卡",
  transfer: "转账",
  assisted: "网格员代缴",
};
export const PAYMENT_STATUS_LABELS: Record<string, string> = {
  created: "待支付",
  paid: "已支付",
  closed: "已关闭",
  expired: "已过期",
};

export const OFFLINE_METHODS = ["cash", "card", "transfer", "assisted"] as const;

/** 线下收费: a cashier (bank window, service station) or a grid worker (代缴) records money received. */
export const OfflinePaymentSchema = z.object({
  accountId: z.number().int().positive(),
  method: z.enum(OFFLINE_METHODS),
  amountFen: z.number().int().min(1, "缴费金额应大于 0"),
  receiptNo: z.string().trim().min(1, "请填写收据/流水号").max(64),
  /** oldest-first bills to pay; omitted = all open bills, oldest first */
  billIds: z.array(z.number().int().positive()).max(50).optional(),
  /**
   * 按计划缴费 at the window or by 代缴: the money goes to this hardship plan's bills only (late fees waived
   * under the plan), at most what is left of the plan. Not together with billIds.
   */
  planId: z.number().int().positive().optional(),
  /** 发票抬头: one of the account's saved titles, or one typed at the window (saved to the account) */
  invoiceTitleId: z.number().int().positive().optional(),
  invoiceTitle: InvoiceTitleInputSchema.optional(),
});
export type OfflinePaymentInput = z.infer<typeof OfflinePaymentSchema>;

export const AllocationSchema = z.object({
  billId: z.number().int(),
  seasonCode: z.string(),
  principalFen: z.number().int(),
  lateFeeFen: z.number().int(),
});

/**
 * 余款: money of a payment that paid no bill (the bills were already paid, or the order had been closed).
 * scheduled: refunded automatically at refundAt; awaiting_supervisor: a supervisor refunds it; refunding /
 * refunded: the refund is under way / done; resolved: staff applied it otherwise.
 */
export const SURPLUS_STATES = ["scheduled", "awaiting_supervisor", "refunding", "refunded", "resolved"] as const;
export const PaymentSurplusSchema = z.object({
  amountFen: z.number().int(),
  state: z.enum(SURPLUS_STATES),
  /** when the automatic refund is due (scheduled only) */
  refundAt: z.string().nullable(),
  /** the order's bills were paid by other money (else: the order had been closed when the money came) */
  billsAlreadyPaid: z.boolean(),
});
export type PaymentSurplusView = z.infer<typeof PaymentSurplusSchema>;

/** an instant as Beijing wall-clock time, "M月D日 HH:mm" */
function beijingShort(iso: string): string {
  const t = new Date(Date.parse(iso) + 8 * 3600_000).toISOString();
  return `${Number(t.slice(5, 7))}月${Number(t.slice(8, 10))}日 ${t.slice(11, 16)}`;
}

/**
 * What the resident is told about a surplus, in plain words (result page, payment history, 我的消息):
 * how much paid nothing, why, and when and how it comes back.
 */
export function surplusNotice(s: PaymentSurplusView, now = Date.now()): string {
  const head = `本次付款中 ${formatYuan(s.amountFen)} 未抵扣任何账单（${s.billsAlreadyPaid ? "账单已缴清" : "订单已关闭"}）`;
  switch (s.state) {
    case "scheduled": {
      if (!s.refundAt) return `${head}，将原路退回，无需操作。`;
      const hours = Math.max(1, Math.ceil((Date.parse(s.refundAt) - now) / 3600_000));
      return `${head}，将于${hours}小时后（${beijingShort(s.refundAt)}前）原路退回，无需操作。`;
    }
    case "awaiting_supervisor":
      return `${head}，工作人员核实后将原路退回，无需操作；如有疑问请致电 0936-4466666。`;
    case "refunding":
      return `${head}，正在原路退回。`;
    case "refunded":
      return `${head}，已原路退回。`;
    default:
      return `${head}，已由工作人员处理。`;
  }
}

export const PaymentSchema = z.object({
  id: z.number().int(),
  outTradeNo: z.string(),
  accountId: z.number().int(),
  accountNo: z.string(),
  /** 收款单位: the heating centre as it is named on its invoices (INVOICE_SELLER_NAME) */
  payee: z.string(),
  channel: z.enum(PAYMENT_CHANNELS),
  amountFen: z.number().int(),
  refundedFen: z.number().int(),
  status: z.string(),
  receiptNo: z.string().nullable(),
  transactionId: z.string().nullable(),
  paidAt: z.string().nullable(),
  createdAt: z.string(),
  flagged: z.boolean(),
  flagReason: z.string().nullable(),
  unappliedFen: z.number().int(),
  allocations: z.array(AllocationSchema),
  /** the payment's (blue) invoice once requested */
  invoiceId: z.number().int().nullable(),
  invoiceStatus: z.enum(["queued", "submitted", "issued", "failed"]).nullable(),
  /** 余款: money of this payment that paid no bill (online payments only) */
  surplus: PaymentSurplusSchema.nullable(),
});
export type PaymentView = z.infer<typeof PaymentSchema>;
export const PaymentListSchema = z.object({ items: z.array(PaymentSchema) });

export const ONLINE_VENDORS = ["wechat", "alipay"] as const;

/** A resident starts paying: the server computes the amount itself from the chosen bills. */
export const CreatePaymentSchema = z.object({
  accountId: z.number().int().positive(),
  /** the oldest open bills to pay (old arrears first); omitted = all open bills */
  billIds: z.array(z.number().int().positive()).max(50).optional(),
  vendor: z.enum(ONLINE_VENDORS),
  /**
   * 发票抬头: one of the resident's titles or the account's; null = 个人 + the owner's name (even when a title
   * is the default); omitted = the default title, else 个人 + owner name
   */
  invoiceTitleId: z.number().int().positive().nullable().optional(),
  /**
   * 按计划缴费: pay toward this hardship plan of the account (分期/缓缴); the money goes to the plan's bills
   * only. Not together with billIds.
   */
  planId: z.number().int().positive().optional(),
  /**
   * with planId: the amount, 1 fen up to the plan's remaining principal; omitted = the next instalment's rest.
   * Without planId it is ignored: the server computes the amount of the chosen bills.
   */
  amountFen: z.number().int().optional(),
});
export type CreatePaymentInput = z.infer<typeof CreatePaymentSchema>;

export const CreatedPaymentSchema = z.object({
  id: z.number().int(),
  outTradeNo: z.string(),
  vendor: z.enum(ONLINE_VENDORS),
  amountFen: z.number().int(),
  expireAt: z.string(),
  /** for wx.requestPayment (appId, timeStamp, nonceStr, package, signType, paySign) or my.tradePay (tradeNO) */
  clientParams: z.record(z.string(), z.string()),
  /** H5 builds: the sandbox cashier page standing in for the vendor's payment sheet */
  cashierUrl: z.string().nullable(),
});
export type CreatedPayment = z.infer<typeof CreatedPaymentSchema>;

/** The state of one payment as the server knows it (the result page polls this; success only when "paid"). */
export const PaymentStatusSchema = z.object({
  id: z.number().int(),
  outTradeNo: z.string(),
  accountId: z.number().int(),
  amountFen: z.number().int(),
  status: z.enum(["created", "paid", "closed", "expired"]),
  paidAt: z.string().nullable(),
  /** the payment's (blue) invoice once requested */
  invoiceId: z.number().int().nullable(),
  invoiceStatus: z.enum(["queued", "submitted", "issued", "failed"]).nullable(),
  /** an invoice will be issued for this payment (false: nothing of it paid a bill, or staff must decide first) */
  invoiceExpected: z.boolean(),
  /** money of this payment that paid no bill, and what happens to it */
  surplus: PaymentSurplusSchema.nullable(),
});
export type PaymentStatusView = z.infer<typeof PaymentStatusSchema>;

export const PaymentSearchSchema = z.object({
  /** 商户订单号, vendor transaction id, receipt number or 户号 */
  q: z.string().trim().max(64).optional(),
  channel: z.enum(PAYMENT_CHANNELS).optional(),
  status: z.enum(["created", "paid", "closed", "expired"]).optional(),
  flagged: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type PaymentSearchQuery = z.infer<typeof PaymentSearchSchema>;
export const PaymentPageSchema = z.object({
  items: z.array(PaymentSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export const REFUND_STATUSES = ["processing", "succeeded", "failed"] as const;
export const REFUND_STATUS_LABELS: Record<(typeof REFUND_STATUSES)[number], string> = {
  processing: "退款中",
  succeeded: "已退款",
  failed: "退款失败",
};

/** 退款: staff refund all or part of a payment (reason required; supervisor/admin; audited). */
export const CreateRefundSchema = z.object({
  amountFen: z.number().int().min(1, "退款金额应大于 0"),
  reason: z.string().trim().min(4, "请填写退款原因（至少4个字）").max(200),
});
export type CreateRefundInput = z.infer<typeof CreateRefundSchema>;

export const RefundSchema = z.object({
  id: z.number().int(),
  paymentOrderId: z.number().int(),
  outRefundNo: z.string(),
  amountFen: z.number().int(),
  status: z.enum(REFUND_STATUSES),
  reason: z.string(),
  staffUserId: z.number().int().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type RefundView = z.infer<typeof RefundSchema>;
export const RefundListSchema = z.object({ items: z.array(RefundSchema) });

/** What staff do with money that could not be applied (flagged): apply it to the open bills, or refund it. */
export const ResolveFlagSchema = z.object({
  action: z.enum(["allocate", "refund"]),
  reason: z.string().trim().min(4, "请填写处理说明（至少4个字）").max(200),
});
export type ResolveFlagInput = z.infer<typeof ResolveFlagSchema>;

export const RECON_KINDS = ["missing_here", "missing_there", "amount_mismatch"] as const;
export const RECON_KIND_LABELS: Record<(typeof RECON_KINDS)[number], string> = {
  missing_here: "渠道已收款、本系统未入账",
  missing_there: "本系统已入账、渠道无记录",
  amount_mismatch: "金额不一致",
};

/** 对账: compare a vendor's daily bill with our ledger for one Asia/Shanghai date. */
export const StartReconSchema = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "日期格式应为 YYYY-MM-DD"),
  vendor: z.enum(ONLINE_VENDORS),
});
export const ReconItemSchema = z.object({
  id: z.number().int(),
  kind: z.enum(RECON_KINDS),
  outTradeNo: z.string(),
  transactionId: z.string().nullable(),
  vendorAmountFen: z.number().int().nullable(),
  ourAmountFen: z.number().int().nullable(),
  /** auto_settled: paid at the vendor, settled here by the run; flagged: left for staff */
  resolution: z.enum(["auto_settled", "flagged"]),
  note: z.string().nullable(),
});
export const ReconRunSchema = z.object({
  id: z.number().int(),
  vendor: z.enum(ONLINE_VENDORS),
  date: z.string(),
  status: z.enum(["queued", "running", "done", "failed"]),
  vendorCount: z.number().int(),
  ourCount: z.number().int(),
  matched: z.number().int(),
  missingHere: z.number().int(),
  missingThere: z.number().int(),
  amountMismatch: z.number().int(),
  error: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  items: z.array(ReconItemSchema),
});
export type ReconRunView = z.infer<typeof ReconRunSchema>;
export const ReconRunListSchema = z.object({ items: z.array(ReconRunSchema.omit({ items: true })) });

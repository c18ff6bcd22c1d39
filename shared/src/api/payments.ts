import { z } from "zod";

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
});
export type OfflinePaymentInput = z.infer<typeof OfflinePaymentSchema>;

export const AllocationSchema = z.object({
  billId: z.number().int(),
  seasonCode: z.string(),
  principalFen: z.number().int(),
  lateFeeFen: z.number().int(),
});

export const PaymentSchema = z.object({
  id: z.number().int(),
  outTradeNo: z.string(),
  accountId: z.number().int(),
  accountNo: z.string(),
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
});
export type PaymentStatusView = z.infer<typeof PaymentStatusSchema>;

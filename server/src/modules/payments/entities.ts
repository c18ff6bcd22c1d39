import { Entity, Index, JoinColumn, ManyToOne, type Relation } from "typeorm";
import { Bool, CreatedAt, Fen, FkColumn, IdColumn, Instant, Int, Json, Str, Text, UpdatedAt } from "../../db/columns";
import { HeatingAccount } from "../accounts";
import { Bill } from "../billing";

export type PaymentChannel = "wechat" | "alipay" | "cash" | "card" | "transfer" | "assisted";
export type PaymentStatus = "created" | "paid" | "closed" | "expired";

/**
 * 支付订单: one payment of one account, online (WeChat Pay, Alipay) or offline (cash, card, transfer at a
 * bank window or service station; 代缴 by a grid worker). The vendor's transaction id is unique: a vendor
 * payment settles at most one order, once.
 */
@Entity("payment_orders")
@Index(["accountId", "createdAt"])
@Index(["status", "createdAt"])
export class PaymentOrder {
  @IdColumn() id!: number;
  @Index({ unique: true }) @Str(32, { name: "out_trade_no" }) outTradeNo!: string;
  @FkColumn({ name: "account_id" }) accountId!: number;
  @ManyToOne(() => HeatingAccount, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "account_id" })
  account?: Relation<HeatingAccount>;
  @Int({ name: "resident_user_id", nullable: true }) residentUserId!: number | null;
  @Int({ name: "staff_user_id", nullable: true }) staffUserId!: number | null;
  @Str(16) channel!: PaymentChannel;
  @Fen({ name: "amount_fen" }) amountFen!: number;
  @Fen({ name: "refunded_fen", default: 0 }) refundedFen!: number;
  @Index() @Str(16, { default: "created" }) status!: PaymentStatus;
  /** bills the payer chose (oldest-first prefix of the open bills) */
  @Json({ name: "bill_ids" }) billIds!: number[];
  /** WeChat prepay_id / Alipay trade_no */
  @Str(64, { name: "vendor_ref", nullable: true }) vendorRef!: string | null;
  @Index({ unique: true }) @Str(64, { name: "transaction_id", nullable: true }) transactionId!: string | null;
  /** offline: bank or station receipt number */
  @Str(64, { name: "receipt_no", nullable: true }) receiptNo!: string | null;
  @Instant({ name: "expire_at", nullable: true }) expireAt!: Date | null;
  @Instant({ name: "paid_at", nullable: true }) paidAt!: Date | null;
  /** money that could not be applied as ordered (paid after close, overpaid): kept for staff to refund or allocate */
  @Index() @Bool({ default: false }) flagged!: boolean;
  @Str(200, { name: "flag_reason", nullable: true }) flagReason!: string | null;
  @Fen({ name: "unapplied_fen", default: 0 }) unappliedFen!: number;
  /** 发票抬头 chosen when paying (a copy: later edits of the title change nothing); null = the default */
  @Json({ name: "invoice_buyer", nullable: true }) invoiceBuyer!: {
    kind: "personal" | "company";
    name: string;
    taxId: string | null;
    email: string | null;
  } | null;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

/** How a settled payment was split over bills (oldest first, late fee with each bill). */
@Entity("payment_allocations")
@Index(["paymentOrderId", "billId"], { unique: true })
export class PaymentAllocation {
  @IdColumn() id!: number;
  @FkColumn({ name: "payment_order_id" }) paymentOrderId!: number;
  @ManyToOne(() => PaymentOrder, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "payment_order_id" })
  paymentOrder?: Relation<PaymentOrder>;
  @Index() @FkColumn({ name: "bill_id" }) billId!: number;
  @ManyToOne(() => Bill, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "bill_id" })
  bill?: Relation<Bill>;
  @Fen({ name: "principal_fen" }) principalFen!: number;
  @Fen({ name: "late_fee_fen" }) lateFeeFen!: number;
  @CreatedAt() createdAt!: Date;
}

/**
 * The money ledger: one entry per money movement (a settlement, a refund). The unique key on the source
 * makes a replayed callback or a job that runs twice write nothing the second time.
 */
@Entity("ledger_entries")
@Index(["sourceType", "sourceId"], { unique: true })
export class LedgerEntry {
  @IdColumn() id!: number;
  @Str(16, { name: "source_type" }) sourceType!: "payment" | "refund";
  @Int({ name: "source_id" }) sourceId!: number;
  @Index() @Int({ name: "account_id" }) accountId!: number;
  @Str(16) channel!: string;
  /** positive: money in; negative: money out */
  @Fen({ name: "amount_fen" }) amountFen!: number;
  /** Asia/Shanghai business date of the movement */
  @Index() @Str(10, { name: "business_date" }) businessDate!: string;
  @CreatedAt() createdAt!: Date;
}

/**
 * Every vendor notification received. A verified one is kept exactly as it arrived (for audit and replay);
 * one that failed verification only as a small row — the reason, the chosen headers (each cut short), the
 * first bytes of the body, its size and the sender's address — so unsigned junk cannot fill the disk.
 */
@Entity("vendor_notifications")
@Index(["vendor", "createdAt"])
export class VendorNotificationLog {
  @IdColumn() id!: number;
  @Str(16) vendor!: string;
  @Json() headers!: Record<string, unknown>;
  /** the whole body when verified; the first REJECTED_BODY_PREFIX characters otherwise */
  @Text({ name: "raw_body" }) rawBody!: string;
  /** the size of the body as received, bytes */
  @Int({ name: "body_bytes", default: 0 }) bodyBytes!: number;
  /** the sender's address (clientIp) */
  @Str(64, { name: "remote_ip", nullable: true }) remoteIp!: string | null;
  @Bool() verified!: boolean;
  @Str(32, { name: "reject_reason", nullable: true }) rejectReason!: string | null;
  @Str(32, { name: "event_kind", nullable: true }) eventKind!: string | null;
  @Index() @Str(32, { name: "out_trade_no", nullable: true }) outTradeNo!: string | null;
  @Str(64, { name: "transaction_id", nullable: true }) transactionId!: string | null;
  /** what applying it did: settled, replay, flagged, rejected: … */
  @Str(64, { nullable: true }) outcome!: string | null;
  @CreatedAt() createdAt!: Date;
}

export type RefundStatus = "processing" | "succeeded" | "failed";

/** 退款: all or part of a payment returned to the payer; the bills reopen by the amount when it succeeds. */
@Entity("refunds")
export class Refund {
  @IdColumn() id!: number;
  @Index() @FkColumn({ name: "payment_order_id" }) paymentOrderId!: number;
  @ManyToOne(() => PaymentOrder, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "payment_order_id" })
  paymentOrder?: Relation<PaymentOrder>;
  @Index({ unique: true }) @Str(32, { name: "out_refund_no" }) outRefundNo!: string;
  @Fen({ name: "amount_fen" }) amountFen!: number;
  @Str(16, { default: "processing" }) status!: RefundStatus;
  @Str(200) reason!: string;
  @Int({ name: "staff_user_id", nullable: true }) staffUserId!: number | null;
  @Str(64, { name: "vendor_refund_id", nullable: true }) vendorRefundId!: string | null;
  /** how the refund reopened bills: [{ billId, principalFen, lateFeeFen }], and what came out of unapplied money */
  @Json({ nullable: true }) reversals!: { billId: number; principalFen: number; lateFeeFen: number }[] | null;
  @Fen({ name: "from_unapplied_fen", default: 0 }) fromUnappliedFen!: number;
  @Instant({ name: "finished_at", nullable: true }) finishedAt!: Date | null;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

/** 对账 run: one vendor's bill for one business date compared with our ledger. */
@Entity("recon_runs")
@Index(["vendor", "date"])
export class ReconRun {
  @IdColumn() id!: number;
  @Str(16) vendor!: "wechat" | "alipay";
  @Str(10) date!: string;
  @Str(16, { default: "queued" }) status!: "queued" | "running" | "done" | "failed";
  @Int({ name: "vendor_count", default: 0 }) vendorCount!: number;
  @Int({ name: "our_count", default: 0 }) ourCount!: number;
  @Int({ default: 0 }) matched!: number;
  @Int({ name: "missing_here", default: 0 }) missingHere!: number;
  @Int({ name: "missing_there", default: 0 }) missingThere!: number;
  @Int({ name: "amount_mismatch", default: 0 }) amountMismatch!: number;
  @Text({ nullable: true }) error!: string | null;
  @Instant({ name: "finished_at", nullable: true }) finishedAt!: Date | null;
  @CreatedAt() createdAt!: Date;
}

@Entity("recon_items")
export class ReconItem {
  @IdColumn() id!: number;
  @Index() @FkColumn({ name: "run_id" }) runId!: number;
  @Str(24) kind!: "missing_here" | "missing_there" | "amount_mismatch";
  @Str(32, { name: "out_trade_no" }) outTradeNo!: string;
  @Str(64, { name: "transaction_id", nullable: true }) transactionId!: string | null;
  @Fen({ name: "vendor_amount_fen", nullable: true }) vendorAmountFen!: number | null;
  @Fen({ name: "our_amount_fen", nullable: true }) ourAmountFen!: number | null;
  @Str(16) resolution!: "auto_settled" | "flagged";
  @Str(200, { nullable: true }) note!: string | null;
  @CreatedAt() createdAt!: Date;
}

/** how a surplus goes back: the refund job on its way (auto), a supervisor's decision, or done */
export type SurplusStatus = "new" | "scheduled" | "awaiting_supervisor" | "refunding" | "resolved";

/**
 * 余款: money of an online payment that paid no bill — it arrived for bills already paid (a cashier page
 * left open) or for an order already closed. One row per payment (the unique key makes the settlement that
 * finds it, and the job that refunds it, act once). Refunded automatically after SURPLUS_REFUND_HOLD_HOURS
 * through the ordinary refund path, or left to a supervisor (SURPLUS_REFUND_MODE=supervisor).
 */
@Entity("payment_surpluses")
export class PaymentSurplus {
  @IdColumn() id!: number;
  @Index({ unique: true }) @FkColumn({ name: "payment_order_id" }) paymentOrderId!: number;
  @ManyToOne(() => PaymentOrder, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "payment_order_id" })
  paymentOrder?: Relation<PaymentOrder>;
  @Index() @Int({ name: "account_id" }) accountId!: number;
  @Fen({ name: "amount_fen" }) amountFen!: number;
  /** true: the order's bills had been paid by other money; false: the order had been closed */
  @Bool({ name: "bills_already_paid", default: false }) billsAlreadyPaid!: boolean;
  @Str(24, { default: "new" }) status!: SurplusStatus;
  /** auto mode: the automatic refund is due at this instant */
  @Instant({ name: "refund_at", nullable: true }) refundAt!: Date | null;
  /** the refund the job started (its state is the refund's) */
  @Int({ name: "refund_id", nullable: true }) refundId!: number | null;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

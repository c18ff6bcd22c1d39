import { Entity, Index, JoinColumn, ManyToOne, type Relation } from "typeorm";
import { Bool, CreatedAt, Fen, FkColumn, IdColumn, Instant, Int, Json, Str, Text, UpdatedAt } from "../../db/columns";
import { HeatingAccount } from "../accounts/entities";
import { Bill } from "../billing/entities";

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

/** Every vendor notification received, verified or not, exactly as it arrived (for audit and replay). */
@Entity("vendor_notifications")
@Index(["vendor", "createdAt"])
export class VendorNotificationLog {
  @IdColumn() id!: number;
  @Str(16) vendor!: string;
  @Json() headers!: Record<string, unknown>;
  @Text({ name: "raw_body" }) rawBody!: string;
  @Bool() verified!: boolean;
  @Str(32, { name: "reject_reason", nullable: true }) rejectReason!: string | null;
  @Str(32, { name: "event_kind", nullable: true }) eventKind!: string | null;
  @Index() @Str(32, { name: "out_trade_no", nullable: true }) outTradeNo!: string | null;
  @Str(64, { name: "transaction_id", nullable: true }) transactionId!: string | null;
  /** what applying it did: settled, replay, flagged, rejected: … */
  @Str(64, { nullable: true }) outcome!: string | null;
  @CreatedAt() createdAt!: Date;
}

import type { InvoiceDocStatus, InvoiceItem, InvoiceKind, InvoiceStatus, InvoiceTitleKind } from "@warmline/shared";
import { Entity, Index, JoinColumn, ManyToOne, type Relation } from "typeorm";
import { Bool, CreatedAt, Fen, FkColumn, IdColumn, Instant, Int, Json, Str, UpdatedAt } from "../../db/columns";
import { HeatingAccount } from "../accounts";
import { PaymentOrder } from "../payments";

/**
 * 发票抬头. Either a resident's own (residentUserId set; usable for any of their accounts) or an account's,
 * set by staff for a caller or at the window (accountId set). Payments copy the chosen title, so editing
 * or deleting one never changes an invoice already requested.
 */
@Entity("invoice_titles")
@Index(["residentUserId", "createdAt"])
@Index(["accountId", "createdAt"])
export class InvoiceTitle {
  @IdColumn() id!: number;
  @Int({ name: "resident_user_id", nullable: true }) residentUserId!: number | null;
  @Int({ name: "account_id", nullable: true }) accountId!: number | null;
  @Str(16) kind!: InvoiceTitleKind;
  @Str(100) name!: string;
  @Str(20, { name: "tax_id", nullable: true }) taxId!: string | null;
  @Str(100, { nullable: true }) email!: string | null;
  @Bool({ name: "is_default", default: false }) isDefault!: boolean;
  @Int({ name: "staff_user_id", nullable: true }) staffUserId!: number | null;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

/** The buyer as copied onto a payment order and its invoices. */
export interface InvoiceBuyer {
  kind: InvoiceTitleKind;
  name: string;
  taxId: string | null;
  email: string | null;
}

/**
 * 电子发票. A blue invoice per payment (source key "pay:<order id>") and a red one per refund that reverses
 * part of it ("refund:<refund id>"): the unique source key is what makes "one payment → at most one
 * invoice" hold whatever runs twice. The request number sent to the platform (orderNo) is unique too, and
 * the platform itself keeps it unique, so a late answer to an earlier attempt is the same invoice.
 */
@Entity("invoices")
@Index(["status", "createdAt"])
@Index(["accountId", "createdAt"])
export class Invoice {
  @IdColumn() id!: number;
  @Index({ unique: true }) @Str(32, { name: "source_key" }) sourceKey!: string;
  @Str(8) kind!: InvoiceKind;
  @Str(16, { default: "queued" }) status!: InvoiceStatus;
  @Index() @FkColumn({ name: "payment_order_id" }) paymentOrderId!: number;
  @ManyToOne(() => PaymentOrder, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "payment_order_id" })
  paymentOrder?: Relation<PaymentOrder>;
  @FkColumn({ name: "account_id" }) accountId!: number;
  @ManyToOne(() => HeatingAccount, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "account_id" })
  account?: Relation<HeatingAccount>;
  @Int({ name: "refund_id", nullable: true }) refundId!: number | null;
  @Index() @Int({ name: "original_invoice_id", nullable: true }) originalInvoiceId!: number | null;
  /** our request number at the platform; a reissue after a definite failure takes a new one */
  @Index({ unique: true }) @Str(32, { name: "order_no" }) orderNo!: string;
  @Int({ name: "request_seq", default: 1 }) requestSeq!: number;
  /** the platform's serial (发票流水号) once accepted */
  @Str(64, { name: "serial_no", nullable: true }) serialNo!: string | null;
  /** 发票号码 once issued */
  @Index() @Str(32, { name: "invoice_no", nullable: true }) invoiceNo!: string | null;
  @Instant({ name: "issued_at", nullable: true }) issuedAt!: Date | null;
  /** 校验码 as the platform returned it (empty for 数电 invoices) */
  @Str(64, { name: "check_code", nullable: true }) checkCode!: string | null;
  /** the QR code's content exactly as the platform returned it (never built here for a real invoice) */
  @Str(200, { name: "qr_code", nullable: true }) qrCode!: string | null;
  /** where the platform serves the issued documents (as returned; they may expire) */
  @Str(500, { name: "pdf_url", nullable: true }) pdfUrl!: string | null;
  @Str(500, { name: "ofd_url", nullable: true }) ofdUrl!: string | null;
  /**
   * the documents we keep (版式文件): none (not issued) → fetching (版式文件获取中; the invoices.document job
   * downloads them) → stored (the platform's files, in the file storage under pdfKey / ofdKey) or specimen
   * (sandbox platform only: it returned no document, we rendered one marked 沙箱样张); failed after the
   * job's last attempt (docError says why; staff can start it again).
   */
  @Str(16, { name: "doc_status", default: "none" }) docStatus!: InvoiceDocStatus;
  @Str(100, { name: "pdf_key", nullable: true }) pdfKey!: string | null;
  @Str(100, { name: "ofd_key", nullable: true }) ofdKey!: string | null;
  @Int({ name: "doc_attempts", default: 0 }) docAttempts!: number;
  @Str(200, { name: "doc_error", nullable: true }) docError!: string | null;
  @Json() buyer!: InvoiceBuyer;
  @Json() seller!: { name: string; taxId: string; address: string; bankAccount: string };
  @Json() items!: InvoiceItem[];
  @Fen({ name: "total_fen" }) totalFen!: number;
  @Fen({ name: "tax_fen" }) taxFen!: number;
  @Str(200, { name: "fail_reason", nullable: true }) failReason!: string | null;
  /** provider calls made (issue + retries), for staff */
  @Int({ default: 0 }) attempts!: number;
  @Instant({ name: "submitted_at", nullable: true }) submittedAt!: Date | null;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

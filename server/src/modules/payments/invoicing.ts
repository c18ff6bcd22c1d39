import type { InvoiceStatus, InvoiceTitleInput } from "@warmline/shared";
import type { DataSource, EntityManager } from "typeorm";
import { enqueue } from "../../jobs/outbox";
import { enqueuePlanCheck } from "../hardship";
import type { PaymentOrder } from "./entities";

/** the buyer printed on a payment's invoice, kept on the order */
export type InvoiceBuyerSnapshot = NonNullable<PaymentOrder["invoiceBuyer"]>;

/**
 * What payments needs of invoicing, which sits above it (invoices read payments, refunds and their
 * allocations to build invoice lines). The invoices module implements this port and the composition root
 * hands it over as `deps.ports.invoicing`; payments never imports invoices.
 */
export interface InvoicingPort {
  /** the title a resident chose for a payment (or their default; null = 个人, the holder's name) */
  buyerForResident(
    db: EntityManager | DataSource,
    residentUserId: number,
    accountId: number,
    titleId?: number | null,
  ): Promise<InvoiceBuyerSnapshot | null>;
  /** the title for a payment taken by staff: one of the account's, or one typed now (saved to the account) */
  buyerForStaff(
    m: EntityManager,
    accountId: number,
    staffUserId: number,
    input: { invoiceTitleId?: number; invoiceTitle?: InvoiceTitleInput },
  ): Promise<InvoiceBuyerSnapshot | null>;
  /** the blue invoice of each payment that has one */
  invoicesOfPayments(
    db: EntityManager | DataSource,
    paymentOrderIds: number[],
  ): Promise<Map<number, { id: number; status: InvoiceStatus }>>;
}

/** Call in the transaction that settles a payment: its blue invoice follows, once (job of the invoices module). */
export async function requestInvoice(m: EntityManager, paymentOrderId: number): Promise<void> {
  await enqueue(m, "invoices.issue", { paymentOrderId }, { dedupeKey: `invoice:pay:${paymentOrderId}` });
}

/**
 * Call in the transaction that applies a payment to bills (settled online, taken at the counter, flagged
 * money allocated by staff): its blue invoice follows, and the residents of the account are told (我的消息).
 */
export async function paymentApplied(m: EntityManager, order: Pick<PaymentOrder, "id" | "accountId">): Promise<void> {
  const paymentOrderId = order.id;
  await requestInvoice(m, paymentOrderId);
  // an active hardship plan of the account is settled at once (the last instalment closes it)
  await enqueuePlanCheck(m, order.accountId, paymentOrderId);
  await enqueue(m, "notify.payment_paid", { paymentOrderId }, { dedupeKey: `notify:pay:${paymentOrderId}` });
}

/** Call in the transaction that completes a refund: the red invoice follows, once. */
export async function requestReversal(m: EntityManager, refundId: number): Promise<void> {
  await enqueue(m, "invoices.reverse", { refundId }, { dedupeKey: `invoice:refund:${refundId}` });
}

import type { AccountSearchParams } from "../api/accounts";
import type { AuditSearchParams } from "../api/audit";
import type { InvoiceSearchParams } from "../api/invoices";
import type { PaymentSearchParams } from "../api/payments";

/** Query keys in one place, so invalidation and tests agree on them. */
export const queryKeys = {
  me: ["staff", "me"] as const,
  accountSearch: (p: AccountSearchParams) => ["accounts", "search", p] as const,
  account: (id: number) => ["accounts", "detail", id] as const,
  communities: ["communities"] as const,
  auditLogs: (p: AuditSearchParams) => ["audit-logs", p] as const,
  bills: (accountId: number) => ["accounts", "bills", accountId] as const,
  payments: (accountId: number) => ["accounts", "payments", accountId] as const,
  seasons: ["seasons"] as const,
  billRun: (id: number) => ["bill-runs", id] as const,
  /** every payment search (缴费查询 and 异常款项): invalidated together when money moves */
  paymentSearchAll: ["staff-payments", "search"] as const,
  paymentSearch: (p: PaymentSearchParams) => ["staff-payments", "search", p] as const,
  payment: (id: number) => ["staff-payments", "detail", id] as const,
  refunds: (paymentId: number) => ["staff-payments", "refunds", paymentId] as const,
  reconRuns: ["recon-runs", "list"] as const,
  reconRun: (id: number) => ["recon-runs", "detail", id] as const,
  /** every invoice search: invalidated together when an invoice changes */
  invoiceSearchAll: ["invoices", "search"] as const,
  invoiceSearch: (p: InvoiceSearchParams) => ["invoices", "search", p] as const,
  invoice: (id: number) => ["invoices", "detail", id] as const,
  accountInvoices: (accountId: number) => ["accounts", "invoices", accountId] as const,
  invoiceTitles: (accountId: number) => ["accounts", "invoice-titles", accountId] as const,
};

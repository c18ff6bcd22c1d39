import type { AccountSearchParams } from "../api/accounts";
import type { AlertListParams } from "../api/alerts";
import type { AuditSearchParams } from "../api/audit";
import type { InvoiceSearchParams } from "../api/invoices";
import type { PaymentSearchParams } from "../api/payments";
import type { CallSearchParams, ServiceRatesParams, TicketSearchParams } from "../api/tickets";
import type { OutdoorListParams } from "../api/weather";

/** Query keys in one place, so invalidation and tests agree on them. */
export const queryKeys = {
  me: ["staff", "me"] as const,
  accountSearch: (p: AccountSearchParams) => ["accounts", "search", p] as const,
  account: (id: number) => ["accounts", "detail", id] as const,
  communities: ["communities"] as const,
  auditLogs: (p: AuditSearchParams) => ["audit-logs", p] as const,
  bills: (accountId: number) => ["accounts", "bills", accountId] as const,
  payments: (accountId: number) => ["accounts", "payments", accountId] as const,
  billCorrections: (accountId: number) => ["accounts", "bill-corrections", accountId] as const,
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
  /** every ticket list (SLA board, follow-up queue, a caller's open tickets): invalidated when a ticket changes */
  ticketSearchAll: ["tickets", "search"] as const,
  ticketSearch: (p: TicketSearchParams) => ["tickets", "search", p] as const,
  ticket: (id: number) => ["tickets", "detail", id] as const,
  stations: ["stations"] as const,
  callsAll: ["calls"] as const,
  calls: (p: CallSearchParams) => ["calls", p] as const,
  serviceRates: (p: ServiceRatesParams) => ["reports", "service-rates", p] as const,
  /** every page of the escalation inbox: invalidated together when an alert is acknowledged */
  alertsAll: ["alerts", "list"] as const,
  alerts: (p: AlertListParams) => ["alerts", "list", p] as const,
  alertSummary: ["alerts", "summary"] as const,
  /** every outdoor-temperature view (county-wide and per station): invalidated when a reading is recorded */
  outdoorAll: ["outdoor-readings"] as const,
  outdoor: (p: OutdoorListParams) => ["outdoor-readings", p] as const,
};

import {
  type FileLink,
  FileLinkSchema,
  InvoiceDetailSchema,
  type InvoiceDetailView,
  type InvoiceKind,
  InvoiceListSchema,
  InvoicePageSchema,
  InvoiceSchema,
  type InvoiceStatus,
  type InvoiceTitleInput,
  InvoiceTitleListSchema,
  InvoiceTitleSchema,
  type InvoiceTitleView,
  type InvoiceView,
  type ReissueInvoiceInput,
} from "@warmline/shared";
import type { z } from "zod";
import { api } from "./api";
import { parseWith } from "./parse";

export type InvoicePage = z.infer<typeof InvoicePageSchema>;
export type { FileLink, InvoiceDetailView, InvoiceKind, InvoiceStatus, InvoiceTitleView, InvoiceView };

export interface InvoiceSearchParams {
  /** 发票号码, 商户订单号 or 户号 */
  q?: string;
  status?: InvoiceStatus;
  kind?: InvoiceKind;
  page: number;
  pageSize: number;
}

/** 发票管理: blue and red invoices of every account, newest first. */
export async function searchInvoices(p: InvoiceSearchParams, signal?: AbortSignal): Promise<InvoicePage> {
  return parseWith(InvoicePageSchema, await api.get("/api/v1/staff/invoices", { ...p }, signal));
}

/** One invoice with the others of its payment (the blue one and its red ones). */
export async function getInvoice(id: number, signal?: AbortSignal): Promise<InvoiceDetailView> {
  return parseWith(InvoiceDetailSchema, await api.get(`/api/v1/staff/invoices/${id}`, undefined, signal));
}

/** 重新开具 a failed invoice, optionally with a corrected buyer (audited on the server). */
export async function reissueInvoice(id: number, input: ReissueInvoiceInput): Promise<InvoiceView> {
  return parseWith(InvoiceSchema, await api.post(`/api/v1/staff/invoices/${id}/reissue`, input));
}

/**
 * A short-lived link to an issued invoice's kept document: the platform's PDF, or its OFD (the original
 * voucher) when it gave one. 409 INVOICE_DOCUMENT_PENDING while the documents are being fetched.
 */
export async function invoiceLink(id: number, kind: "pdf" | "ofd" = "pdf"): Promise<FileLink> {
  const query = kind === "ofd" ? "?kind=ofd" : "";
  return parseWith(FileLinkSchema, await api.post(`/api/v1/staff/invoices/${id}/link${query}`));
}

/** 重新获取版式文件 after the fetching job gave up (audited on the server). */
export async function refetchInvoiceDocuments(id: number): Promise<InvoiceView> {
  return parseWith(InvoiceSchema, await api.post(`/api/v1/staff/invoices/${id}/refetch-documents`));
}

/** An account's invoices, blue and red, newest first. */
export async function listAccountInvoices(accountId: number, signal?: AbortSignal): Promise<InvoiceView[]> {
  const body = await api.get(`/api/v1/staff/accounts/${accountId}/invoices`, undefined, signal);
  return parseWith(InvoiceListSchema, body).items;
}

/** The titles staff saved for an account (default first). */
export async function listInvoiceTitles(accountId: number, signal?: AbortSignal): Promise<InvoiceTitleView[]> {
  const body = await api.get(`/api/v1/staff/accounts/${accountId}/invoice-titles`, undefined, signal);
  return parseWith(InvoiceTitleListSchema, body).items;
}

export async function createInvoiceTitle(accountId: number, input: InvoiceTitleInput): Promise<InvoiceTitleView> {
  const body = await api.post(`/api/v1/staff/accounts/${accountId}/invoice-titles`, input);
  return parseWith(InvoiceTitleSchema, body);
}

export async function deleteInvoiceTitle(accountId: number, titleId: number): Promise<void> {
  await api.request(`/api/v1/staff/accounts/${accountId}/invoice-titles/${titleId}`, { method: "DELETE" });
}

import {
  type FileLink,
  FileLinkSchema,
  type InvoiceDetailView,
  type InvoiceTitleInput,
  type InvoiceTitleView,
  type InvoiceView,
} from "@warmline/shared";
import { ApiError } from "./errors";
import { request } from "./request";

const TITLES_PATH = "/api/v1/me/invoice-titles";
const id = (n: number) => encodeURIComponent(String(n));

/**
 * 发票抬头: the resident's own titles; with `accountId` (a bound account) also the titles staff saved
 * for that account (owner "account").
 */
export async function listInvoiceTitles(accountId?: number): Promise<InvoiceTitleView[]> {
  const query = accountId === undefined ? "" : `?accountId=${id(accountId)}`;
  const { items } = await request<{ items: InvoiceTitleView[] }>(`${TITLES_PATH}${query}`);
  return items;
}

/** Saves a new title (at most 20: INVOICE_TITLE_LIMIT). isDefault makes it the only default. */
export function createInvoiceTitle(input: InvoiceTitleInput): Promise<InvoiceTitleView> {
  return request<InvoiceTitleView>(TITLES_PATH, { method: "POST", data: input });
}

export function updateInvoiceTitle(titleId: number, input: InvoiceTitleInput): Promise<InvoiceTitleView> {
  return request<InvoiceTitleView>(`${TITLES_PATH}/${id(titleId)}`, { method: "PUT", data: input });
}

export function deleteInvoiceTitle(titleId: number): Promise<void> {
  return request<void>(`${TITLES_PATH}/${id(titleId)}`, { method: "DELETE" });
}

/** A saved title as the body PUT expects, e.g. to make it the default. */
export function titleInput(title: InvoiceTitleView, changes: Partial<InvoiceTitleInput> = {}): InvoiceTitleInput {
  return {
    kind: title.kind,
    name: title.name,
    taxId: title.taxId ?? undefined,
    email: title.email ?? undefined,
    isDefault: title.isDefault,
    ...changes,
  };
}

/** 电子发票 of one bound account: blue and red, newest first. */
export async function listInvoices(accountId: number): Promise<InvoiceView[]> {
  const { items } = await request<{ items: InvoiceView[] }>(`/api/v1/me/accounts/${id(accountId)}/invoices`);
  return items;
}

/** One invoice with `related`: the blue one of the same payment and its red ones. */
export function getInvoice(invoiceId: number): Promise<InvoiceDetailView> {
  return request<InvoiceDetailView>(`/api/v1/me/invoices/${id(invoiceId)}`);
}

/**
 * A short-lived link to the invoice's PDF (409 INVOICE_NOT_READY unless issued). Its `url` is a path on
 * the API's origin that needs no Authorization header: see resolveApiUrl.
 */
export async function getInvoiceLink(invoiceId: number): Promise<FileLink> {
  const body = await request<unknown>(`/api/v1/me/invoices/${id(invoiceId)}/link`, { method: "POST" });
  const parsed = FileLinkSchema.safeParse(body);
  if (!parsed.success || !parsed.data.url) {
    throw new ApiError({ code: "BAD_FILE_LINK", status: 0, message: "发票文件暂时无法打开，请稍后重试" });
  }
  return parsed.data;
}

/** The platform e-mails the invoice (409 INVOICE_NOT_READY if not issued). */
export function sendInvoiceEmail(invoiceId: number, email: string): Promise<void> {
  return request<void>(`/api/v1/me/invoices/${id(invoiceId)}/email`, { method: "POST", data: { email } });
}

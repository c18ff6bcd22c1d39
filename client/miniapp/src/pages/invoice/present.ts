import {
  formatYuan,
  INVOICE_KIND_LABELS,
  INVOICE_STATUS_LABELS,
  INVOICE_TITLE_KIND_LABELS,
  type InvoiceItem,
  type InvoiceKind,
  type InvoiceStatus,
  type InvoiceView,
  SendInvoiceEmailSchema,
} from "@warmline/shared";

/** Waiting for the platform (queued here or submitted there): the resident sees one state, 开具中. */
export function isIssuing(status: InvoiceStatus): boolean {
  return status === "queued" || status === "submitted";
}

/** The status as a resident reads it: 开具中, 已开具, 开具失败. */
export function invoiceStatusLabel(status: InvoiceStatus): string {
  return isIssuing(status) ? "开具中" : (INVOICE_STATUS_LABELS[status] ?? status);
}

/** CSS modifier of the status tag: status-invoice-issuing | -issued | -failed */
export function invoiceStatusClass(status: InvoiceStatus): string {
  return `status-invoice-${isIssuing(status) ? "issuing" : status}`;
}

/**
 * The documents of an issued invoice as the resident sees them: ready (the platform's PDF can be opened),
 * specimen (a sandbox specimen — only in development), fetching (已开具, 版式文件获取中: no button yet) or
 * failed (not obtained yet; staff see to it). "none" before the invoice is issued.
 */
export type InvoiceDocState = "none" | "ready" | "specimen" | "fetching" | "failed";

export function invoiceDocState(invoice: Pick<InvoiceView, "status" | "docStatus">): InvoiceDocState {
  if (invoice.status !== "issued") return "none";
  if (invoice.docStatus === "stored") return "ready";
  if (invoice.docStatus === "specimen") return "specimen";
  if (invoice.docStatus === "failed") return "failed";
  return "fetching";
}

/** a link can be asked for: the platform's PDF (or a sandbox specimen) is kept */
export function canOpenDocument(invoice: Pick<InvoiceView, "status" | "docStatus">): boolean {
  const state = invoiceDocState(invoice);
  return state === "ready" || state === "specimen";
}

export const INVOICE_DOC_FETCHING_NOTE = "发票已开具，版式文件获取中，请稍候，页面将自动刷新";
export const INVOICE_DOC_FAILED_NOTE = "发票已开具，版式文件暂未取得，工作人员正在处理";
export const INVOICE_SPECIMEN_NOTE = "沙箱样张，非正式发票（测试环境）";

/** The detail page refreshes itself while the invoice is being issued or its documents fetched. */
export function needsRefresh(invoice: Pick<InvoiceView, "status" | "docStatus">): boolean {
  return isIssuing(invoice.status) || invoiceDocState(invoice) === "fetching";
}

/** What a failed invoice tells the resident (staff reissue it). */
export const INVOICE_FAILED_NOTE = "开具失败，工作人员正在处理";

export function invoiceKindLabel(kind: InvoiceKind): string {
  return INVOICE_KIND_LABELS[kind] ?? kind;
}

/** Money with its sign in front: red invoices are negative, "-¥1,868.40". */
export function signedYuan(fen: number): string {
  return fen < 0 ? `-${formatYuan(-fen)}` : formatYuan(fen);
}

/** 购买方 as one line: "单位 · 民乐县某某公司" */
export function buyerText(invoice: Pick<InvoiceView, "buyerKind" | "buyerName">): string {
  return `${INVOICE_TITLE_KIND_LABELS[invoice.buyerKind] ?? invoice.buyerKind} · ${invoice.buyerName}`;
}

/** 税率 as printed: 免税, 不征税 or "9%". */
export function taxRateText(item: Pick<InvoiceItem, "taxTreatment" | "taxRateBp">): string {
  if (item.taxTreatment === "exempt") return "免税";
  if (item.taxTreatment === "non_taxable") return "不征税";
  const percent = item.taxRateBp / 100;
  return `${Number.isInteger(percent) ? percent : percent.toFixed(2).replace(/0+$/, "")}%`;
}

/** 数量 × 单价: "85.50 平方米 × ¥24.00"; empty when the invoice leaves them out (a part payment). */
export function quantityText(item: Pick<InvoiceItem, "quantity" | "unit" | "unitPrice">): string {
  if (!item.quantity || !item.unitPrice) return "";
  return `${item.quantity}${item.unit ? ` ${item.unit}` : ""} × ¥${item.unitPrice}`;
}

/** The other invoices of the same payment (the blue one and its red ones), without `self`. */
export function otherInvoices<T extends { id: number }>(self: { id: number; related: T[] }): T[] {
  return self.related.filter((inv) => inv.id !== self.id);
}

export const ISSUING_REFRESH_MS = 3000;
export const ISSUING_SLOW_REFRESH_MS = 10_000;
export const ISSUING_FAST_FOR_MS = 60_000;

/** While 开具中 the detail page asks again: every 3 s for a minute, then every 10 s. */
export function nextRefreshDelay(elapsedMs: number): number {
  return elapsedMs < ISSUING_FAST_FOR_MS ? ISSUING_REFRESH_MS : ISSUING_SLOW_REFRESH_MS;
}

/** The address to send an invoice to, checked with the server's schema (trimmed), or what is wrong with it. */
export function checkInvoiceEmail(text: string): { email: string } | { message: string } {
  const parsed = SendInvoiceEmailSchema.safeParse({ email: text });
  return parsed.success
    ? { email: parsed.data.email }
    : { message: parsed.error.issues[0]?.message ?? "邮箱格式不正确" };
}

/**
 * The message under the address after the resident changed it: gone as soon as it is valid, otherwise
 * what is wrong with it now; nothing when nothing was shown (the next 发送 checks it).
 */
export function recheckInvoiceEmail(shown: string, text: string): string {
  if (!shown) return shown;
  const checked = checkInvoiceEmail(text);
  return "message" in checked ? checked.message : "";
}

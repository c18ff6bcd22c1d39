import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { InvoiceTitleInput, ReissueInvoiceInput } from "@warmline/shared";
import { isApiError } from "../api/api";
import {
  createInvoiceTitle,
  deleteInvoiceTitle,
  getInvoice,
  type InvoiceSearchParams,
  type InvoiceStatus,
  type InvoiceView,
  listAccountInvoices,
  listInvoiceTitles,
  refetchInvoiceDocuments,
  reissueInvoice,
  searchInvoices,
} from "../api/invoices";
import { queryKeys } from "./keys";

const validId = (id: number | null | undefined): id is number =>
  id !== undefined && id !== null && Number.isInteger(id) && id > 0;

/** How often an invoice still with the platform (排队中, 开具中) is asked for again. */
export const INVOICE_POLL_MS = 2000;

/** The platform has not answered yet: the status will change by itself. */
export function isInvoicePending(status: InvoiceStatus | null | undefined): boolean {
  return status === "queued" || status === "submitted";
}

/** Invoices change by themselves (the platform answers later): always fetched fresh when shown. */
export function useInvoiceSearch(p: InvoiceSearchParams) {
  return useQuery({
    queryKey: queryKeys.invoiceSearch(p),
    queryFn: ({ signal }) => searchInvoices(p, signal),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

/** One invoice with its 红字 history; asked again every two seconds while it is being issued. */
export function useInvoice(id: number | null | undefined) {
  return useQuery({
    queryKey: queryKeys.invoice(id ?? 0),
    queryFn: ({ signal }) => getInvoice(id as number, signal),
    enabled: validId(id),
    staleTime: 0,
    refetchInterval: (q) => {
      const e = q.state.error;
      if (isApiError(e) && e.status >= 400 && e.status < 500) return false;
      const d = q.state.data;
      const fetchingDocs = d?.status === "issued" && (d.docStatus === "fetching" || d.docStatus === "none");
      return isInvoicePending(d?.status) || fetchingDocs ? INVOICE_POLL_MS : false;
    },
    refetchIntervalInBackground: true,
  });
}

export function useAccountInvoices(accountId: number | undefined) {
  return useQuery({
    queryKey: queryKeys.accountInvoices(accountId ?? 0),
    queryFn: ({ signal }) => listAccountInvoices(accountId as number, signal),
    enabled: validId(accountId),
    staleTime: 0,
  });
}

/** After an invoice changed: the searches, the invoice, its account's list and its payment. */
export function useInvalidateInvoice() {
  const qc = useQueryClient();
  return (inv: Pick<InvoiceView, "id" | "accountId" | "paymentOrderId">) =>
    Promise.all([
      qc.invalidateQueries({ queryKey: queryKeys.invoiceSearchAll }),
      qc.invalidateQueries({ queryKey: queryKeys.invoice(inv.id) }),
      qc.invalidateQueries({ queryKey: queryKeys.accountInvoices(inv.accountId) }),
      qc.invalidateQueries({ queryKey: queryKeys.payment(inv.paymentOrderId) }),
      qc.invalidateQueries({ queryKey: queryKeys.paymentSearchAll }),
    ]);
}

export function useRefetchInvoiceDocuments() {
  const invalidate = useInvalidateInvoice();
  return useMutation({
    mutationFn: (invoice: InvoiceView) => refetchInvoiceDocuments(invoice.id),
    onSettled: (_data, _error, invoice) => invalidate(invoice),
  });
}

export function useReissueInvoice() {
  const invalidate = useInvalidateInvoice();
  return useMutation({
    mutationFn: ({ invoice, input }: { invoice: InvoiceView; input: ReissueInvoiceInput }) =>
      reissueInvoice(invoice.id, input),
    onSettled: (_data, _error, { invoice }) => invalidate(invoice),
  });
}

export function useInvoiceTitles(accountId: number | undefined) {
  return useQuery({
    queryKey: queryKeys.invoiceTitles(accountId ?? 0),
    queryFn: ({ signal }) => listInvoiceTitles(accountId as number, signal),
    enabled: validId(accountId),
    staleTime: 0,
  });
}

export function useCreateInvoiceTitle(accountId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: InvoiceTitleInput) => createInvoiceTitle(accountId, input),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.invoiceTitles(accountId) }),
  });
}

export function useDeleteInvoiceTitle(accountId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (titleId: number) => deleteInvoiceTitle(accountId, titleId),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.invoiceTitles(accountId) }),
  });
}

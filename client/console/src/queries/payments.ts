import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CreateRefundInput, ResolveFlagInput } from "@warmline/shared";
import { useCallback } from "react";
import { isApiError } from "../api/api";
import {
  createRefund,
  getPayment,
  getReconRun,
  listReconRuns,
  listRefunds,
  type PaymentSearchParams,
  type PaymentView,
  type ReconRunSummary,
  type RefundView,
  resolveFlag,
  searchPayments,
  type StartReconInput,
  startRecon,
} from "../api/payments";
import { queryKeys } from "./keys";

const validId = (id: number | undefined): id is number => id !== undefined && Number.isInteger(id) && id > 0;

/** Payments change with refunds, flag handling and reconciliation: always fetched fresh when shown. */
export function usePaymentSearch(p: PaymentSearchParams) {
  return useQuery({
    queryKey: queryKeys.paymentSearch(p),
    queryFn: ({ signal }) => searchPayments(p, signal),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

/** How often a payment whose invoice is on its way is asked for again. */
export const PAYMENT_INVOICE_POLL_MS = 2000;
/** The invoice is requested a second or two after the payment: ask this many times before giving up. */
const INVOICE_REQUEST_WAIT_POLLS = 15;

/**
 * A paid payment's invoice is still to come: queued or with the platform, or not yet requested (while the
 * payment has been asked for fewer than INVOICE_REQUEST_WAIT_POLLS times).
 */
export function invoiceStillComing(p: PaymentView | undefined, dataUpdateCount: number): boolean {
  if (p?.status !== "paid") return false;
  if (p.invoiceStatus === "queued" || p.invoiceStatus === "submitted") return true;
  return p.invoiceStatus === null && dataUpdateCount < INVOICE_REQUEST_WAIT_POLLS;
}

/** One payment as the server has it now; asked again while its invoice is still to come. */
export function usePayment(paymentId: number | undefined, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: queryKeys.payment(paymentId ?? 0),
    queryFn: ({ signal }) => getPayment(paymentId as number, signal),
    enabled: validId(paymentId) && (options.enabled ?? true),
    staleTime: 0,
    refetchInterval: (q) => {
      const e = q.state.error;
      if (isApiError(e) && e.status >= 400 && e.status < 500) return false;
      return invoiceStillComing(q.state.data, q.state.dataUpdateCount) ? PAYMENT_INVOICE_POLL_MS : false;
    },
    refetchIntervalInBackground: true,
  });
}

/** How many answers the payment query has had (the invoice wait gives up after a number of them). */
export function usePaymentUpdateCount(paymentId: number): number {
  return useQueryClient().getQueryState(queryKeys.payment(paymentId))?.dataUpdateCount ?? 0;
}

export const REFUND_POLL_MS = 2000;

export function hasPendingRefund(refunds: readonly RefundView[] | undefined): boolean {
  return refunds?.some((r) => r.status === "processing") ?? false;
}

/** A payment's refunds; asked again every two seconds while one is still with the vendor (退款中). */
export function useRefunds(paymentId: number | undefined) {
  return useQuery({
    queryKey: queryKeys.refunds(paymentId ?? 0),
    queryFn: ({ signal }) => listRefunds(paymentId as number, signal),
    enabled: validId(paymentId),
    staleTime: 0,
    refetchInterval: (q) => {
      const e = q.state.error;
      if (isApiError(e) && e.status >= 400 && e.status < 500) return false;
      return hasPendingRefund(q.state.data) ? REFUND_POLL_MS : false;
    },
    refetchIntervalInBackground: true,
  });
}

/**
 * After a vendor confirmed a refund: the searches and the household's money are out of date; resolves
 * with the payment as the server has it now (found by its order number), or undefined.
 */
export function useRefreshPayment() {
  const qc = useQueryClient();
  return useCallback(
    async (payment: PaymentRef & { outTradeNo: string }): Promise<PaymentView | undefined> => {
      await Promise.all([
        qc.invalidateQueries({ queryKey: queryKeys.paymentSearchAll }),
        qc.invalidateQueries({ queryKey: queryKeys.bills(payment.accountId) }),
        qc.invalidateQueries({ queryKey: queryKeys.payments(payment.accountId) }),
      ]);
      const page = await searchPayments({ q: payment.outTradeNo, page: 1, pageSize: 5 });
      return page.items.find((p) => p.id === payment.id);
    },
    [qc],
  );
}

/** After money moved on a payment: the searches, its refunds, and its household's bills and payments. */
function useInvalidatePayment() {
  const qc = useQueryClient();
  return (paymentId: number, accountId: number) =>
    Promise.all([
      qc.invalidateQueries({ queryKey: queryKeys.paymentSearchAll }),
      qc.invalidateQueries({ queryKey: queryKeys.refunds(paymentId) }),
      qc.invalidateQueries({ queryKey: queryKeys.bills(accountId) }),
      qc.invalidateQueries({ queryKey: queryKeys.payments(accountId) }),
    ]);
}

/** The payment a refund or flag action is about (its household's money changes too). */
export interface PaymentRef {
  id: number;
  accountId: number;
}

export function useCreateRefund() {
  const invalidate = useInvalidatePayment();
  return useMutation({
    mutationFn: ({ payment, input }: { payment: PaymentRef; input: CreateRefundInput }) =>
      createRefund(payment.id, input),
    onSettled: (_data, _error, { payment }) => invalidate(payment.id, payment.accountId),
  });
}

export function useResolveFlag() {
  const invalidate = useInvalidatePayment();
  return useMutation({
    mutationFn: ({ payment, input }: { payment: PaymentRef; input: ResolveFlagInput }) =>
      resolveFlag(payment.id, input),
    onSettled: (_data, _error, { payment }) => invalidate(payment.id, payment.accountId),
  });
}

export function useReconRuns() {
  return useQuery({ queryKey: queryKeys.reconRuns, queryFn: ({ signal }) => listReconRuns(signal), staleTime: 0 });
}

export function useStartRecon() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: StartReconInput) => startRecon(input),
    onSuccess: (run) => {
      qc.setQueryData(queryKeys.reconRun(run.id), run);
      return qc.invalidateQueries({ queryKey: queryKeys.reconRuns });
    },
  });
}

export const RECON_POLL_MS = 1000;

export function isReconFinished(run: Pick<ReconRunSummary, "status"> | undefined): boolean {
  return run?.status === "done" || run?.status === "failed";
}

/** A reconciliation run with its items, asked for every second until it is done or failed. */
export function useReconRun(runId: number | undefined) {
  return useQuery({
    queryKey: queryKeys.reconRun(runId ?? 0),
    queryFn: ({ signal }) => getReconRun(runId as number, signal),
    enabled: validId(runId),
    staleTime: 0,
    refetchInterval: (q) => {
      if (isReconFinished(q.state.data)) return false;
      // a refusal (404, 403) will not change by asking again; network and 5xx may
      const e = q.state.error;
      if (isApiError(e) && e.status >= 400 && e.status < 500) return false;
      return RECON_POLL_MS;
    },
    refetchIntervalInBackground: true,
  });
}

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { isApiError } from "../api/api";
import type { BillCorrectInput, CreateSeasonInput, OfflinePaymentInput, WaiveInput } from "@warmline/shared";
import {
  type BillRunView,
  correctBill,
  createSeason,
  deleteSeason,
  getBillRun,
  listBillCorrections,
  listBills,
  listPayments,
  listSeasons,
  payOffline,
  startBillRun,
  waiveBill,
} from "../api/billing";
import { queryKeys } from "./keys";

const validId = (id: number | undefined): id is number => id !== undefined && Number.isInteger(id) && id > 0;

/** Bills change with every payment and by the day (late fees): always fetched fresh when shown. */
export function useBills(accountId: number | undefined) {
  return useQuery({
    queryKey: queryKeys.bills(accountId ?? 0),
    queryFn: ({ signal }) => listBills(accountId as number, signal),
    enabled: validId(accountId),
    staleTime: 0,
  });
}

export function usePayments(accountId: number | undefined) {
  return useQuery({
    queryKey: queryKeys.payments(accountId ?? 0),
    queryFn: ({ signal }) => listPayments(accountId as number, signal),
    enabled: validId(accountId),
    staleTime: 0,
  });
}

/** After money moved on an account, its bills and payments are out of date. */
function useInvalidateAccountMoney() {
  const qc = useQueryClient();
  return (accountId: number) => {
    // the correction history is not waited for: a slow or failing list must not hold the money action's button
    void qc.invalidateQueries({ queryKey: queryKeys.billCorrections(accountId) });
    return Promise.all([
      qc.invalidateQueries({ queryKey: queryKeys.bills(accountId) }),
      qc.invalidateQueries({ queryKey: queryKeys.payments(accountId) }),
    ]);
  };
}

export function useBillCorrections(accountId: number | undefined, enabled = true) {
  return useQuery({
    queryKey: queryKeys.billCorrections(accountId ?? 0),
    queryFn: ({ signal }) => listBillCorrections(accountId as number, signal),
    enabled: enabled && validId(accountId),
  });
}

export function useCorrectBill(accountId: number) {
  const invalidate = useInvalidateAccountMoney();
  return useMutation({
    mutationFn: ({ billId, input }: { billId: number; input: BillCorrectInput }) => correctBill(billId, input),
    onSettled: () => invalidate(accountId),
  });
}

export function usePayOffline() {
  const qc = useQueryClient();
  const invalidate = useInvalidateAccountMoney();
  return useMutation({
    mutationFn: (input: OfflinePaymentInput) => payOffline(input),
    onSettled: (_data, _error, input) =>
      Promise.all([
        invalidate(input.accountId),
        // a title typed at the window is saved to the account; the new payment's invoice is on its way
        qc.invalidateQueries({ queryKey: queryKeys.invoiceTitles(input.accountId) }),
        qc.invalidateQueries({ queryKey: queryKeys.accountInvoices(input.accountId) }),
      ]),
  });
}

export function useWaiveBill(accountId: number) {
  const invalidate = useInvalidateAccountMoney();
  return useMutation({
    mutationFn: ({ billId, input }: { billId: number; input: WaiveInput }) => waiveBill(billId, input),
    onSettled: () => invalidate(accountId),
  });
}

export function useSeasons() {
  return useQuery({ queryKey: queryKeys.seasons, queryFn: ({ signal }) => listSeasons(signal) });
}

export function useCreateSeason() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateSeasonInput) => createSeason(input),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.seasons }),
  });
}

export function useDeleteSeason() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (seasonId: number) => deleteSeason(seasonId),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.seasons }),
  });
}

export function useStartBillRun() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (seasonId: number) => startBillRun(seasonId),
    onSuccess: (run) => qc.setQueryData(queryKeys.billRun(run.id), run),
  });
}

export const BILL_RUN_POLL_MS = 1000;

export function isRunFinished(run: BillRunView | undefined): boolean {
  return run?.status === "done" || run?.status === "failed";
}

/** A bill run's progress, asked for every second until it is done or failed. */
export function useBillRun(runId: number | undefined) {
  return useQuery({
    queryKey: queryKeys.billRun(runId ?? 0),
    queryFn: ({ signal }) => getBillRun(runId as number, signal),
    enabled: validId(runId),
    staleTime: 0,
    refetchInterval: (q) => {
      if (isRunFinished(q.state.data)) return false;
      // a refusal (404, 403) will not change by asking again; network and 5xx may
      const e = q.state.error;
      if (isApiError(e) && e.status >= 400 && e.status < 500) return false;
      return BILL_RUN_POLL_MS;
    },
    refetchIntervalInBackground: true,
  });
}

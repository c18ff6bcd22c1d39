import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  createNotice,
  listNotices,
  type NoticeInput,
  type NoticeListParams,
  updateNotice,
  withdrawNotice,
} from "../api/notices";

const ALL = ["notices"] as const;

export function useNotices(p: NoticeListParams) {
  return useQuery({
    queryKey: [...ALL, p] as const,
    queryFn: ({ signal }) => listNotices(p, signal),
    placeholderData: keepPreviousData,
  });
}

/** Publish (no id) or replace (id) a notice; the list is asked for again either way. */
export function useSaveNotice() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id?: number; input: NoticeInput }) =>
      id ? updateNotice(id, input) : createNotice(input),
    onSettled: () => qc.invalidateQueries({ queryKey: ALL }),
  });
}

export function useWithdrawNotice() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, reason }: { id: number; reason: string }) => withdrawNotice(id, reason),
    onSettled: () => qc.invalidateQueries({ queryKey: ALL }),
  });
}

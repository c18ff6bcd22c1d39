import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CenterReviewInput, CommunityReviewInput } from "@warmline/shared";
import {
  accountHardship,
  centerReview,
  communityReview,
  getHardship,
  hardshipSummary,
  type HardshipQueueParams,
  listHardship,
  reinstatePlan,
  withdrawHardship,
} from "../api/hardship";
import { queryKeys } from "./keys";

/** the hardship desk's query keys (kept here: only these pages use them) */
export const hardshipKeys = {
  all: ["hardship"] as const,
  queue: (p: HardshipQueueParams) => ["hardship", "queue", p] as const,
  detail: (id: number) => ["hardship", "detail", id] as const,
  account: (accountId: number) => ["hardship", "account", accountId] as const,
};

export function useHardshipQueue(p: HardshipQueueParams) {
  return useQuery({
    queryKey: hardshipKeys.queue(p),
    queryFn: ({ signal }) => listHardship(p, signal),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

export function useHardshipSummary() {
  return useQuery({
    queryKey: [...hardshipKeys.all, "summary"],
    queryFn: ({ signal }) => hardshipSummary(signal),
    staleTime: 0,
  });
}

export function useHardship(id: number) {
  return useQuery({
    queryKey: hardshipKeys.detail(id),
    queryFn: ({ signal }) => getHardship(id, signal),
    enabled: Number.isInteger(id) && id > 0,
    staleTime: 0,
  });
}

export function useAccountHardship(accountId: number | undefined) {
  return useQuery({
    queryKey: hardshipKeys.account(accountId ?? 0),
    queryFn: ({ signal }) => accountHardship(accountId as number, signal),
    enabled: !!accountId,
    staleTime: 0,
  });
}

export type HardshipStep =
  | { step: "community"; input: CommunityReviewInput }
  | { step: "center"; input: CenterReviewInput }
  | { step: "withdraw"; reason?: string }
  | { step: "reinstate"; planId: number; reason: string };

/**
 * A review step or a withdrawal. Whatever the answer (a 409 means someone else decided first), the queues,
 * the application and the account's bills are out of date.
 */
export function useHardshipStep(id: number, accountId: number | undefined) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (s: HardshipStep) =>
      s.step === "community"
        ? communityReview(id, s.input)
        : s.step === "center"
          ? centerReview(id, s.input)
          : s.step === "reinstate"
            ? reinstatePlan(s.planId, s.reason)
            : withdrawHardship(id, s.reason),
    onSettled: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: hardshipKeys.all }),
        accountId ? qc.invalidateQueries({ queryKey: queryKeys.bills(accountId) }) : undefined,
      ]),
  });
}

import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import type { RevealInput } from "@warmline/shared";
import { type AccountSearchParams, getAccount, listCommunities, revealAccount, searchAccounts } from "../api/accounts";
import { queryKeys } from "./keys";

export function useAccountSearch(p: AccountSearchParams, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: queryKeys.accountSearch(p),
    queryFn: ({ signal }) => searchAccounts(p, signal),
    placeholderData: keepPreviousData,
    enabled: options.enabled ?? true,
  });
}

export function useAccount(id: number) {
  return useQuery({
    queryKey: queryKeys.account(id),
    queryFn: ({ signal }) => getAccount(id, signal),
    enabled: Number.isInteger(id) && id > 0,
  });
}

export function useCommunities() {
  return useQuery({
    queryKey: queryKeys.communities,
    queryFn: ({ signal }) => listCommunities(signal),
    staleTime: 10 * 60 * 1000,
  });
}

/** Unmasked values are kept by the caller only while the page is open, never in the query cache. */
export function useRevealAccount(id: number) {
  return useMutation({ mutationFn: (input: RevealInput) => revealAccount(id, input) });
}

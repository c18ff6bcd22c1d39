import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { LegalCaseState } from "@warmline/shared";
import {
  dismissLegalCandidate,
  getLegalCase,
  type LegalCaseCommand,
  type LegalPageParams,
  listLegalCandidates,
  listLegalCases,
  listLegalDeadlines,
  openLegalCase,
  refreshLegalCandidates,
  runLegalCommand,
} from "../api/legal";

export const legalKeys = {
  all: ["legal"] as const,
  candidates: (p: LegalPageParams) => ["legal", "candidates", p] as const,
  cases: (p: object) => ["legal", "cases", p] as const,
  case: (id: number) => ["legal", "case", id] as const,
  deadlines: ["legal", "deadlines"] as const,
};

export function useLegalCandidates(p: LegalPageParams) {
  return useQuery({
    queryKey: legalKeys.candidates(p),
    queryFn: ({ signal }) => listLegalCandidates(p, signal),
    placeholderData: keepPreviousData,
  });
}

export function useLegalCases(p: LegalPageParams & { state?: LegalCaseState; open?: "true" | "false" }) {
  return useQuery({
    queryKey: legalKeys.cases(p),
    queryFn: ({ signal }) => listLegalCases(p, signal),
    placeholderData: keepPreviousData,
  });
}

export function useLegalCase(id: number) {
  return useQuery({
    queryKey: legalKeys.case(id),
    queryFn: ({ signal }) => getLegalCase(id, signal),
    enabled: Number.isInteger(id) && id > 0,
  });
}

export function useLegalDeadlines() {
  return useQuery({ queryKey: legalKeys.deadlines, queryFn: ({ signal }) => listLegalDeadlines(signal) });
}

function useLegalMutation<A, R>(fn: (a: A) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSettled: () => qc.invalidateQueries({ queryKey: legalKeys.all }) });
}

export const useRefreshCandidates = () => useLegalMutation(() => refreshLegalCandidates());
export const useDismissCandidate = () =>
  useLegalMutation((a: { accountId: number; reason: string }) => dismissLegalCandidate(a.accountId, a.reason));
export const useOpenCase = () =>
  useLegalMutation((a: { accountId: number; note?: string }) => openLegalCase(a.accountId, a.note));
export const useLegalCommand = (id: number) => useLegalMutation((cmd: LegalCaseCommand) => runLegalCommand(id, cmd));

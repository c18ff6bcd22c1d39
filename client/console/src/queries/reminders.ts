import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { LadderDefinition, ReviewDecisionInput } from "@warmline/shared";
import {
  accountReminderState,
  accountReminders,
  type CampaignAction,
  type CampaignListParams,
  type CampaignPage,
  changeCampaign,
  completeVisitTask,
  getLadder,
  listCampaigns,
  listVisitTasks,
  markReminderHold,
  releaseReminderHold,
  saveLadder,
  sendOneReminder,
  startCampaign,
  type VisitTaskListParams,
  decideReview,
  listReviews,
  type ReviewListParams,
} from "../api/reminders";

export const reminderKeys = {
  campaignsAll: ["reminders", "campaigns"] as const,
  campaigns: (p: CampaignListParams) => ["reminders", "campaigns", p] as const,
  ladder: ["reminders", "ladder"] as const,
  account: (accountId: number) => ["accounts", "reminders", accountId] as const,
  accountList: (accountId: number, page: number) => ["accounts", "reminders", accountId, "list", page] as const,
  accountState: (accountId: number) => ["accounts", "reminders", accountId, "state"] as const,
  visitTasksAll: ["visit-tasks"] as const,
  visitTasks: (p: VisitTaskListParams) => ["visit-tasks", p] as const,
  reviewsAll: ["reminders", "reviews"] as const,
  reviews: (p: ReviewListParams) => ["reminders", "reviews", p] as const,
};

/** how often the list is asked for again while a campaign is still planning or sending */
export const CAMPAIGN_POLL_MS = 2000;

/** a campaign still moving (running: planning or sending, its counts change from one second to the next) */
export function campaignsMoving(page: CampaignPage | undefined): boolean {
  return !!page?.items.some((c) => c.state === "running");
}

/** 催缴活动: polled while any listed campaign runs, then left alone. */
export function useCampaigns(p: CampaignListParams) {
  return useQuery({
    queryKey: reminderKeys.campaigns(p),
    queryFn: ({ signal }) => listCampaigns(p, signal),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (campaignsMoving(q.state.data) ? CAMPAIGN_POLL_MS : false),
  });
}

export function useStartCampaign() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => startCampaign(),
    onSettled: () => qc.invalidateQueries({ queryKey: reminderKeys.campaignsAll }),
  });
}

export function useChangeCampaign() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: number; action: CampaignAction }) => changeCampaign(id, action),
    onSettled: () => qc.invalidateQueries({ queryKey: reminderKeys.campaignsAll }),
  });
}

export function useLadder() {
  return useQuery({ queryKey: reminderKeys.ladder, queryFn: ({ signal }) => getLadder(signal) });
}

export function useSaveLadder() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ definition, note }: { definition: LadderDefinition; note: string }) => saveLadder(definition, note),
    onSuccess: (saved) => qc.setQueryData(reminderKeys.ladder, saved),
  });
}

export function useAccountReminders(accountId: number, page: number, pageSize: number) {
  return useQuery({
    queryKey: reminderKeys.accountList(accountId, page),
    queryFn: ({ signal }) => accountReminders(accountId, { page, pageSize }, signal),
    placeholderData: keepPreviousData,
    // a reminder just sent moves from 待发送 to 已发送 within seconds: follow it while one is on its way
    refetchInterval: (q) =>
      q.state.data?.items.some((r) => r.status === "planned" || r.status === "sending") ? CAMPAIGN_POLL_MS : false,
  });
}

export function useAccountReminderState(accountId: number) {
  return useQuery({
    queryKey: reminderKeys.accountState(accountId),
    queryFn: ({ signal }) => accountReminderState(accountId, signal),
  });
}

export function useSendOneReminder(accountId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (note?: string) => sendOneReminder(accountId, note),
    onSettled: () => qc.invalidateQueries({ queryKey: reminderKeys.account(accountId) }),
  });
}

export function useReminderHold(accountId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ mark, reason }: { mark: boolean; reason: string }) =>
      mark ? markReminderHold(accountId, reason) : releaseReminderHold(accountId, reason),
    onSuccess: (state) => qc.setQueryData(reminderKeys.accountState(accountId), state),
    onSettled: () => qc.invalidateQueries({ queryKey: reminderKeys.accountState(accountId) }),
  });
}

export function useVisitTasks(p: VisitTaskListParams) {
  return useQuery({
    queryKey: reminderKeys.visitTasks(p),
    queryFn: ({ signal }) => listVisitTasks(p, signal),
    placeholderData: keepPreviousData,
  });
}

export function useCompleteVisitTask() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, note }: { id: number; note: string }) => completeVisitTask(id, note),
    onSettled: () => qc.invalidateQueries({ queryKey: reminderKeys.visitTasksAll }),
  });
}

export function useReminderReviews(p: ReviewListParams) {
  return useQuery({
    queryKey: reminderKeys.reviews(p),
    queryFn: ({ signal }) => listReviews(p, signal),
    placeholderData: keepPreviousData,
  });
}

export function useDecideReview() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id: number; input: ReviewDecisionInput }) => decideReview(id, input),
    onSettled: () => qc.invalidateQueries({ queryKey: reminderKeys.reviewsAll }),
  });
}

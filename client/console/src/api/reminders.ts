import {
  AccountReminderStateSchema,
  type CampaignState,
  CampaignPageSchema,
  CampaignSchema,
  type CampaignView,
  type LadderDefinition,
  LadderViewSchema,
  ReminderPageSchema,
  ReminderReviewPageSchema,
  ReminderReviewSchema,
  ReminderSchema,
  type ReminderView,
  type ReviewDecisionInput,
  VisitTaskPageSchema,
  VisitTaskSchema,
  type VisitTaskStatus,
} from "@warmline/shared";
import type { z } from "zod";
import { api } from "./api";
import { parseWith } from "./parse";

export type { CampaignView, ReminderView };
export type CampaignPage = z.infer<typeof CampaignPageSchema>;
export type LadderView = z.infer<typeof LadderViewSchema>;
export type ReminderPage = z.infer<typeof ReminderPageSchema>;
export type AccountReminderState = z.infer<typeof AccountReminderStateSchema>;
export type VisitTaskView = z.infer<typeof VisitTaskSchema>;
export type VisitTaskPage = z.infer<typeof VisitTaskPageSchema>;
export type CampaignAction = "pause" | "resume" | "cancel";

export interface CampaignListParams {
  state?: CampaignState;
  page: number;
  pageSize: number;
}

/** 催缴活动: campaigns newest first, each with its live counts. */
export async function listCampaigns(p: CampaignListParams, signal?: AbortSignal): Promise<CampaignPage> {
  return parseWith(CampaignPageSchema, await api.get("/api/v1/staff/reminders/campaigns", { ...p }, signal));
}

/** 立即发起: a campaign now over every account that owes (planned by a job; counts grow as it goes). */
export async function startCampaign(): Promise<CampaignView> {
  return parseWith(CampaignSchema, await api.post("/api/v1/staff/reminders/campaigns"));
}

export async function changeCampaign(id: number, action: CampaignAction): Promise<CampaignView> {
  return parseWith(CampaignSchema, await api.post(`/api/v1/staff/reminders/campaigns/${id}/${action}`));
}

/** 催缴阶梯 in force (its version, steps, texts and settings). */
export async function getLadder(signal?: AbortSignal): Promise<LadderView> {
  return parseWith(LadderViewSchema, await api.get("/api/v1/staff/reminders/ladder", undefined, signal));
}

/** Saves the ladder as a new version (validated by the server as a whole; audited). */
export async function saveLadder(definition: LadderDefinition, note: string): Promise<LadderView> {
  return parseWith(
    LadderViewSchema,
    await api.request("/api/v1/staff/reminders/ladder", { method: "PUT", body: { definition, note } }),
  );
}

/** 催缴记录 of one account: every reminder with its attempts, newest first. */
export async function accountReminders(
  accountId: number,
  p: { page: number; pageSize: number },
  signal?: AbortSignal,
): Promise<ReminderPage> {
  return parseWith(
    ReminderPageSchema,
    await api.get(`/api/v1/staff/accounts/${accountId}/reminders`, { ...p }, signal),
  );
}

/** 发送提醒: one reminder to this account now (same checks as a campaign; audited). */
export async function sendOneReminder(accountId: number, note?: string): Promise<ReminderView> {
  return parseWith(
    ReminderSchema,
    await api.post(`/api/v1/staff/accounts/${accountId}/reminders`, { note: note || undefined }),
  );
}

/** 不宜催缴 mark and SMS 退订 state of an account. */
export async function accountReminderState(accountId: number, signal?: AbortSignal): Promise<AccountReminderState> {
  return parseWith(
    AccountReminderStateSchema,
    await api.get(`/api/v1/staff/accounts/${accountId}/reminder-state`, undefined, signal),
  );
}

export async function markReminderHold(accountId: number, reason: string): Promise<AccountReminderState> {
  return parseWith(
    AccountReminderStateSchema,
    await api.post(`/api/v1/staff/accounts/${accountId}/reminder-hold`, { reason }),
  );
}

export async function releaseReminderHold(accountId: number, reason: string): Promise<AccountReminderState> {
  return parseWith(
    AccountReminderStateSchema,
    await api.post(`/api/v1/staff/accounts/${accountId}/reminder-hold/release`, { reason }),
  );
}

export interface VisitTaskListParams {
  status?: VisitTaskStatus;
  accountId?: number;
  page: number;
  pageSize: number;
}

/** 走访任务: a grid worker gets their community's, supervisors and admins every one. */
export async function listVisitTasks(p: VisitTaskListParams, signal?: AbortSignal): Promise<VisitTaskPage> {
  return parseWith(VisitTaskPageSchema, await api.get("/api/v1/staff/visit-tasks", { ...p }, signal));
}

export async function completeVisitTask(id: number, note: string): Promise<VisitTaskView> {
  return parseWith(VisitTaskSchema, await api.post(`/api/v1/staff/visit-tasks/${id}/done`, { note }));
}

export type ReminderReviewView = z.infer<typeof ReminderReviewSchema>;
export type ReminderReviewPage = z.infer<typeof ReminderReviewPageSchema>;
export interface ReviewListParams {
  state: "open" | "decided" | "all";
  page: number;
  pageSize: number;
}

/** 催缴主管复核: accounts that reached the ladder's review step, with their reminder history */
export async function listReviews(p: ReviewListParams, signal?: AbortSignal): Promise<ReminderReviewPage> {
  return parseWith(ReminderReviewPageSchema, await api.get("/api/v1/staff/reminders/reviews", { ...p }, signal));
}

export async function decideReview(id: number, input: ReviewDecisionInput): Promise<ReminderReviewView> {
  return parseWith(ReminderReviewSchema, await api.post(`/api/v1/staff/reminders/reviews/${id}/decision`, input));
}

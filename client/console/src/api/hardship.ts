import {
  AccountHardshipSchema,
  type CenterReviewInput,
  type CommunityReviewInput,
  type HardshipAppCategory,
  type HardshipApplicationDetail,
  HardshipApplicationDetailSchema,
  type HardshipApplicationView,
  type HardshipAppStatus,
  HardshipQueuePageSchema,
  type HardshipSummary,
  HardshipSummarySchema,
  type PaymentPlanView,
} from "@warmline/shared";
import type { z } from "zod";
import { api, type DownloadedFile } from "./api";
import { parseWith } from "./parse";

export type { HardshipApplicationDetail, HardshipApplicationView, HardshipSummary, PaymentPlanView };
export type HardshipQueuePage = z.infer<typeof HardshipQueuePageSchema>;
export type AccountHardship = z.infer<typeof AccountHardshipSchema>;

export interface HardshipQueueParams {
  status?: HardshipAppStatus;
  communityId?: number;
  category?: HardshipAppCategory;
  /** waiting at least this many days for the current step */
  minWaitDays?: number;
  accountId?: number;
  page: number;
  pageSize: number;
}

/** 初审 / 复核 queues: longest waiting first, with both queues' counts. */
export async function listHardship(p: HardshipQueueParams, signal?: AbortSignal): Promise<HardshipQueuePage> {
  return parseWith(HardshipQueuePageSchema, await api.get("/api/v1/staff/hardship/applications", { ...p }, signal));
}

export async function getHardship(id: number, signal?: AbortSignal): Promise<HardshipApplicationDetail> {
  return parseWith(
    HardshipApplicationDetailSchema,
    await api.get(`/api/v1/staff/hardship/applications/${id}`, undefined, signal),
  );
}

export async function accountHardship(accountId: number, signal?: AbortSignal): Promise<AccountHardship> {
  return parseWith(
    AccountHardshipSchema,
    await api.get(`/api/v1/staff/accounts/${accountId}/hardship`, undefined, signal),
  );
}

export async function communityReview(id: number, input: CommunityReviewInput): Promise<HardshipApplicationDetail> {
  return parseWith(
    HardshipApplicationDetailSchema,
    await api.post(`/api/v1/staff/hardship/applications/${id}/community-review`, input),
  );
}

export async function centerReview(id: number, input: CenterReviewInput): Promise<HardshipApplicationDetail> {
  return parseWith(
    HardshipApplicationDetailSchema,
    await api.post(`/api/v1/staff/hardship/applications/${id}/center-review`, input),
  );
}

export async function withdrawHardship(id: number, reason?: string): Promise<HardshipApplicationDetail> {
  return parseWith(
    HardshipApplicationDetailSchema,
    await api.post(`/api/v1/staff/hardship/applications/${id}/withdraw`, reason ? { reason } : {}),
  );
}

/** 恢复已违约的计划 (once, with a reason) */
export async function reinstatePlan(planId: number, reason: string): Promise<HardshipApplicationDetail> {
  return parseWith(
    HardshipApplicationDetailSchema,
    await api.post(`/api/v1/staff/hardship/plans/${planId}/reinstate`, { reason }),
  );
}

export async function hardshipSummary(signal?: AbortSignal): Promise<HardshipSummary> {
  return parseWith(HardshipSummarySchema, await api.get("/api/v1/staff/hardship/summary", undefined, signal));
}

/** the summary as CSV (needs the Authorization header, so it is fetched, not linked) */
export function downloadHardshipSummary(): Promise<DownloadedFile> {
  return api.download("/api/v1/staff/hardship/summary.csv");
}

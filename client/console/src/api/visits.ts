import {
  AccountVisitsSchema,
  AssignmentsSchema,
  type CorrectVisitInput,
  type RecordVisitInput,
  PlanProgressSchema,
  RecordVisitResultSchema,
  SpecialGroupSchema,
  TodayListSchema,
  VisitPhotoSchema,
} from "@warmline/shared";
import type { z } from "zod";
import { api, type DownloadedFile } from "./api";
import { parseWith } from "./parse";

export type TodayList = z.infer<typeof TodayListSchema>;
export type TodayItem = TodayList["items"][number];
export type VisitPhoto = z.infer<typeof VisitPhotoSchema>;
export type RecordVisitResult = z.infer<typeof RecordVisitResultSchema>;
export type PlanProgress = z.infer<typeof PlanProgressSchema>;
export type SpecialGroups = z.infer<typeof SpecialGroupSchema>;
export type AccountVisits = z.infer<typeof AccountVisitsSchema>;
export type Assignments = z.infer<typeof AssignmentsSchema>;
/** what the phone sends (dates as ISO strings; the server parses them) */
export type RecordVisitBody = Omit<RecordVisitInput, "startedAt" | "endedAt"> & { startedAt: string; endedAt: string };

/** GET /staff/visits/today: the signed-in grid worker's or technician's list of the day. */
export async function getTodayList(signal?: AbortSignal): Promise<TodayList> {
  return parseWith(TodayListSchema, await api.get("/api/v1/staff/visits/today", undefined, signal));
}

/** POST /staff/visit-photos: one photo or signature image (multipart, field "file"). */
export async function uploadVisitPhoto(file: Blob, filename = "photo.jpg"): Promise<VisitPhoto> {
  const form = new FormData();
  form.append("file", file, filename);
  return parseWith(VisitPhotoSchema, await api.request("/api/v1/staff/visit-photos", { method: "POST", form }));
}

/** POST /staff/visits: records the visit (a retried draft with the same clientKey records it once). */
export async function recordVisit(body: RecordVisitBody): Promise<RecordVisitResult> {
  return parseWith(RecordVisitResultSchema, await api.post("/api/v1/staff/visits", body));
}

export async function getPlanProgress(month?: string, signal?: AbortSignal): Promise<PlanProgress> {
  return parseWith(PlanProgressSchema, await api.get("/api/v1/staff/visit-plans/progress", { month }, signal));
}

export async function getSpecialGroups(communityId?: number, signal?: AbortSignal): Promise<SpecialGroups> {
  return parseWith(SpecialGroupSchema, await api.get("/api/v1/staff/special-groups", { communityId }, signal));
}

export type CorrectVisitBody = Omit<CorrectVisitInput, "startedAt" | "endedAt"> & {
  startedAt: string;
  endedAt: string;
};

/** GET /staff/accounts/:id/visits: every visit of the account (corrections too) and the stated positions. */
export async function getAccountVisits(accountId: number, signal?: AbortSignal): Promise<AccountVisits> {
  return parseWith(AccountVisitsSchema, await api.get(`/api/v1/staff/accounts/${accountId}/visits`, undefined, signal));
}

/** POST /staff/visits/:id/corrections: a new row replacing the visit (the original stays, marked 已更正). */
export async function correctVisit(visitId: number, body: CorrectVisitBody): Promise<RecordVisitResult> {
  return parseWith(RecordVisitResultSchema, await api.post(`/api/v1/staff/visits/${visitId}/corrections`, body));
}

/** GET /staff/accounts/:id/visits.pdf: the account's 走访记录 as a PDF (audited). */
export async function downloadVisitsPdf(accountId: number): Promise<DownloadedFile> {
  return api.download(`/api/v1/staff/accounts/${accountId}/visits.pdf`);
}

/** GET /staff/visit-assignments: grid workers and technicians with the communities they cover. */
export async function getAssignments(signal?: AbortSignal): Promise<Assignments> {
  return parseWith(AssignmentsSchema, await api.get("/api/v1/staff/visit-assignments", undefined, signal));
}

/** PUT /staff/visit-assignments/:staffId: the communities the staff member covers from today (audited). */
export async function setAssignments(staffId: number, communityIds: number[]): Promise<Assignments> {
  return parseWith(
    AssignmentsSchema,
    await api.request(`/api/v1/staff/visit-assignments/${staffId}`, { method: "PUT", body: { communityIds } }),
  );
}

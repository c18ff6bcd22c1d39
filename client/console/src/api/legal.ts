import {
  LegalCandidatePageSchema,
  LegalCandidateSchema,
  type LegalCandidateView,
  LegalCasePageSchema,
  LegalCaseSchema,
  type LegalCaseState,
  type LegalCaseView,
  LegalDeadlineListSchema,
  type LegalOutcome,
} from "@warmline/shared";
import type { z } from "zod";
import { api } from "./api";
import { parseWith } from "./parse";

export type { LegalCandidateView, LegalCaseView };
export type LegalCandidatePage = z.infer<typeof LegalCandidatePageSchema>;
export type LegalCasePage = z.infer<typeof LegalCasePageSchema>;
export type LegalDeadlineList = z.infer<typeof LegalDeadlineListSchema>;

export interface LegalPageParams {
  page: number;
  pageSize: number;
}

/** 恶意欠费候选: the daily list, with the reasons of each condition. */
export async function listLegalCandidates(p: LegalPageParams, signal?: AbortSignal): Promise<LegalCandidatePage> {
  return parseWith(LegalCandidatePageSchema, await api.get("/api/v1/staff/legal/candidates", { ...p }, signal));
}

export async function refreshLegalCandidates(): Promise<{ candidates: number }> {
  return (await api.post("/api/v1/staff/legal/candidates/refresh")) as { candidates: number };
}

export async function checkLegalAccount(accountId: number, signal?: AbortSignal): Promise<LegalCandidateView> {
  return parseWith(
    LegalCandidateSchema,
    await api.get(`/api/v1/staff/legal/accounts/${accountId}/check`, undefined, signal),
  );
}

export async function dismissLegalCandidate(accountId: number, reason: string): Promise<void> {
  await api.post(`/api/v1/staff/legal/accounts/${accountId}/dismiss`, { reason });
}

export async function openLegalCase(accountId: number, note?: string): Promise<LegalCaseView> {
  return parseWith(LegalCaseSchema, await api.post("/api/v1/staff/legal/cases", { accountId, note }));
}

export async function listLegalCases(
  p: LegalPageParams & { state?: LegalCaseState; open?: "true" | "false" },
  signal?: AbortSignal,
): Promise<LegalCasePage> {
  return parseWith(LegalCasePageSchema, await api.get("/api/v1/staff/legal/cases", { ...p }, signal));
}

export async function getLegalCase(id: number, signal?: AbortSignal): Promise<LegalCaseView> {
  return parseWith(LegalCaseSchema, await api.get(`/api/v1/staff/legal/cases/${id}`, undefined, signal));
}

export type LegalCaseCommand =
  | { action: "approve" }
  | { action: "filing"; courtName: string; filedOn: string; receiptNo: string; scanId: number }
  | { action: "register"; registeredOn: string; courtCaseNo: string }
  | { action: "close"; outcome: LegalOutcome; note?: string };

export async function runLegalCommand(id: number, cmd: LegalCaseCommand): Promise<LegalCaseView> {
  const { action, ...body } = cmd;
  return parseWith(LegalCaseSchema, await api.post(`/api/v1/staff/legal/cases/${id}/${action}`, body));
}

/** Uploads the court scan (PDF or image) of a case; the filing names the returned id. */
export async function uploadLegalScan(caseId: number, file: File): Promise<{ id: number }> {
  const form = new FormData();
  form.append("file", file, file.name);
  return (await api.request("/api/v1/staff/legal/scans", { method: "POST", form, query: { caseId } })) as {
    id: number;
  };
}

export async function listLegalDeadlines(signal?: AbortSignal): Promise<LegalDeadlineList> {
  return parseWith(LegalDeadlineListSchema, await api.get("/api/v1/staff/legal/deadlines", undefined, signal));
}

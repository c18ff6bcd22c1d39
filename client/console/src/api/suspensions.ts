import {
  HeatingStatusHistorySchema,
  type HeatingStatusHistory,
  type SuspensionKind,
  SuspensionPageSchema,
  type SuspensionPage,
  type SuspensionStatus,
  type SuspensionView,
  SuspensionViewSchema,
} from "@warmline/shared";
import { api } from "./api";
import { parseWith } from "./parse";

export type { HeatingStatusHistory, SuspensionPage, SuspensionView };

export interface SuspensionQueueParams {
  status?: SuspensionStatus;
  kind?: SuspensionKind;
  seasonCode?: string;
  accountNo?: string;
  page: number;
  pageSize: number;
}

/** 报停/复供 queue (a technician alone gets the visits sent to them). */
export async function listSuspensions(p: SuspensionQueueParams, signal?: AbortSignal): Promise<SuspensionPage> {
  return parseWith(SuspensionPageSchema, await api.get("/api/v1/staff/suspensions", { ...p }, signal));
}

export async function getSuspension(id: number, signal?: AbortSignal): Promise<SuspensionView> {
  return parseWith(SuspensionViewSchema, await api.get(`/api/v1/staff/suspensions/${id}`, undefined, signal));
}

export async function decideSuspension(id: number, decision: "approve" | "reject", note?: string) {
  return parseWith(
    SuspensionViewSchema,
    await api.post(`/api/v1/staff/suspensions/${id}/decision`, { decision, note: note || undefined }),
  );
}

export async function scheduleValveVisit(id: number, technicianId: number, scheduledDate: string) {
  return parseWith(
    SuspensionViewSchema,
    await api.post(`/api/v1/staff/suspensions/${id}/valve-visit`, { technicianId, scheduledDate }),
  );
}

/** the sealed-valve photo (multipart, field "file") */
export async function uploadValvePhoto(id: number, file: Blob, filename?: string): Promise<void> {
  const form = new FormData();
  form.append("file", file, filename ?? (file instanceof File ? file.name : "valve"));
  await api.request(`/api/v1/staff/suspension-valve-photos?applicationId=${id}`, { method: "POST", form });
}

export async function confirmValveVisit(id: number, note?: string) {
  return parseWith(
    SuspensionViewSchema,
    await api.post(`/api/v1/staff/suspensions/${id}/valve-visit/confirm`, { note: note || undefined }),
  );
}

export async function accountHeatingStatus(accountId: number, signal?: AbortSignal): Promise<HeatingStatusHistory> {
  return parseWith(
    HeatingStatusHistorySchema,
    await api.get(`/api/v1/staff/accounts/${accountId}/heating-status`, undefined, signal),
  );
}

import { AuditLogPageSchema } from "@warmline/shared";
import type { z } from "zod";
import { api } from "./api";
import { parseWith } from "./parse";

export type AuditLogPage = z.infer<typeof AuditLogPageSchema>;
export type AuditLog = AuditLogPage["items"][number];

export interface AuditSearchParams {
  action?: string;
  actorId?: number;
  page: number;
  pageSize: number;
}

export async function listAuditLogs(p: AuditSearchParams, signal?: AbortSignal): Promise<AuditLogPage> {
  return parseWith(AuditLogPageSchema, await api.get("/api/v1/staff/audit-logs", { ...p }, signal));
}

import {
  type AccountHardshipFlagsInput,
  type HardshipFlagChange,
  HardshipFlagHistorySchema,
  type StaffAccount,
  StaffAccountSchema,
} from "@warmline/shared";
import { api } from "./api";
import { parseWith } from "./parse";

export type { HardshipFlagChange };

/** 困难类别与特殊群体 (supervisors and admins, with a reason; audited) */
export async function setHardshipFlags(id: number, input: AccountHardshipFlagsInput): Promise<StaffAccount> {
  return parseWith(
    StaffAccountSchema,
    await api.request(`/api/v1/staff/accounts/${id}/hardship-flags`, { method: "PUT", body: input }),
  );
}

/** who changed the category or flags, when, why, from what to what (the audit rows), newest first */
export async function hardshipFlagHistory(id: number, signal?: AbortSignal): Promise<HardshipFlagChange[]> {
  return parseWith(
    HardshipFlagHistorySchema,
    await api.get(`/api/v1/staff/accounts/${id}/hardship-flags/history`, undefined, signal),
  ).items;
}

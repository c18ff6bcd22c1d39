import {
  CommunityListSchema,
  type RevealInput,
  type RevealResult,
  RevealResultSchema,
  type StaffAccount,
  StaffAccountPageSchema,
  StaffAccountSchema,
} from "@warmline/shared";
import type { z } from "zod";
import { api } from "./api";
import { parseWith } from "./parse";

export type StaffAccountPage = z.infer<typeof StaffAccountPageSchema>;
export type Community = z.infer<typeof CommunityListSchema>["items"][number];

export interface AccountSearchParams {
  q?: string;
  communityId?: number;
  page: number;
  pageSize: number;
}

export async function searchAccounts(p: AccountSearchParams, signal?: AbortSignal): Promise<StaffAccountPage> {
  const body = await api.get("/api/v1/staff/accounts", { ...p }, signal);
  return parseWith(StaffAccountPageSchema, body);
}

export async function getAccount(id: number, signal?: AbortSignal): Promise<StaffAccount> {
  return parseWith(StaffAccountSchema, await api.get(`/api/v1/staff/accounts/${id}`, undefined, signal));
}

export async function revealAccount(id: number, input: RevealInput): Promise<RevealResult> {
  return parseWith(RevealResultSchema, await api.post(`/api/v1/staff/accounts/${id}/reveal`, input));
}

export async function listCommunities(signal?: AbortSignal): Promise<Community[]> {
  return parseWith(CommunityListSchema, await api.get("/api/v1/staff/communities", undefined, signal)).items;
}

import {
  type PasswordChangeInput,
  type StaffDisableInput,
  type StaffPasswordIssued,
  StaffPasswordIssuedSchema,
  type StaffPasswordResetInput,
  type StaffUser,
  type StaffUserCreateInput,
  type StaffUserPage,
  StaffUserPageSchema,
  type StaffUserQuery,
  StaffUserSchema,
  type StaffUserUpdateInput,
} from "@warmline/shared";
import { api } from "./api";
import { parseWith } from "./parse";

export type { StaffPasswordIssued, StaffUser, StaffUserPage };
export type StaffUserSearchParams = Partial<Pick<StaffUserQuery, "q" | "role" | "status">> & {
  page: number;
  pageSize: number;
};

const BASE = "/api/v1/staff/users";

export async function listStaffUsers(p: StaffUserSearchParams, signal?: AbortSignal): Promise<StaffUserPage> {
  return parseWith(StaffUserPageSchema, await api.get(BASE, { ...p }, signal));
}

export async function createStaffUser(input: StaffUserCreateInput): Promise<StaffPasswordIssued> {
  return parseWith(StaffPasswordIssuedSchema, await api.post(BASE, input));
}

export async function updateStaffUser(id: number, input: StaffUserUpdateInput): Promise<StaffUser> {
  return parseWith(StaffUserSchema, await api.request(`${BASE}/${id}`, { method: "PATCH", body: input }));
}

export async function resetStaffPassword(id: number, input: StaffPasswordResetInput): Promise<StaffPasswordIssued> {
  return parseWith(StaffPasswordIssuedSchema, await api.post(`${BASE}/${id}/reset-password`, input));
}

export async function disableStaffUser(id: number, input: StaffDisableInput = {}): Promise<StaffUser> {
  return parseWith(StaffUserSchema, await api.post(`${BASE}/${id}/disable`, input));
}

export async function enableStaffUser(id: number): Promise<StaffUser> {
  return parseWith(StaffUserSchema, await api.post(`${BASE}/${id}/enable`, {}));
}

export async function unlockStaffUser(id: number): Promise<void> {
  await api.post(`${BASE}/${id}/unlock`, {});
}

/** 修改密码: the signed-in staff member's own */
export async function changeOwnPassword(input: PasswordChangeInput): Promise<void> {
  await api.post("/api/v1/staff/me/password", input);
}

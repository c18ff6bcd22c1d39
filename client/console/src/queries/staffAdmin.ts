import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type {
  StaffDisableInput,
  StaffPasswordResetInput,
  StaffUserCreateInput,
  StaffUserUpdateInput,
} from "@warmline/shared";
import {
  createStaffUser,
  disableStaffUser,
  enableStaffUser,
  listStaffUsers,
  resetStaffPassword,
  type StaffUserSearchParams,
  unlockStaffUser,
  updateStaffUser,
} from "../api/staffAdmin";

/** every page of the staff list: invalidated together when an account changes */
const ALL = ["staff-users"] as const;
export const staffUserKeys = {
  all: ALL,
  search: (p: StaffUserSearchParams) => [...ALL, p] as const,
};

export function useStaffUsers(p: StaffUserSearchParams) {
  return useQuery({
    queryKey: staffUserKeys.search(p),
    queryFn: ({ signal }) => listStaffUsers(p, signal),
    placeholderData: keepPreviousData,
  });
}

function useStaffMutation<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => qc.invalidateQueries({ queryKey: ALL }),
  });
}

export const useCreateStaffUser = () => useStaffMutation((v: StaffUserCreateInput) => createStaffUser(v));
export const useUpdateStaffUser = () =>
  useStaffMutation((v: { id: number; input: StaffUserUpdateInput }) => updateStaffUser(v.id, v.input));
export const useResetStaffPassword = () =>
  useStaffMutation((v: { id: number; input: StaffPasswordResetInput }) => resetStaffPassword(v.id, v.input));
export const useDisableStaffUser = () =>
  useStaffMutation((v: { id: number; input?: StaffDisableInput }) => disableStaffUser(v.id, v.input));
export const useEnableStaffUser = () => useStaffMutation((id: number) => enableStaffUser(id));
export const useUnlockStaffUser = () => useStaffMutation((id: number) => unlockStaffUser(id));

import {
  type AccountTransferInput,
  AccountTransferResultSchema,
  type AccountUpdateInput,
  RegisterImportListSchema,
  RegisterImportSchema,
  type RegisterImport,
  RegisterReportPageSchema,
  type RegisterReportRow,
  type RegisterRowKind,
  StaffAccountSchema,
  type StaffAccount,
} from "@warmline/shared";
import { api } from "./api";
import { parseWith } from "./parse";

export type { RegisterImport, RegisterReportRow, RegisterRowKind };

/** Uploads a register file (XLSX/CSV); the answer is the dry run's report (nothing applied yet). */
export async function uploadRegister(file: File): Promise<RegisterImport> {
  const form = new FormData();
  form.append("file", file, file.name);
  return parseWith(RegisterImportSchema, await api.request("/api/v1/staff/register-imports", { method: "POST", form }));
}

export async function listRegisterImports(signal?: AbortSignal): Promise<RegisterImport[]> {
  return parseWith(RegisterImportListSchema, await api.get("/api/v1/staff/register-imports", undefined, signal)).items;
}

export async function getRegisterImport(id: number, signal?: AbortSignal): Promise<RegisterImport> {
  return parseWith(RegisterImportSchema, await api.get(`/api/v1/staff/register-imports/${id}`, undefined, signal));
}

export async function listRegisterRows(
  id: number,
  q: { kind?: RegisterRowKind; page: number; pageSize: number },
  signal?: AbortSignal,
) {
  return parseWith(
    RegisterReportPageSchema,
    await api.get(`/api/v1/staff/register-imports/${id}/rows`, { ...q }, signal),
  );
}

export async function applyRegisterImport(
  id: number,
  body: { skipErrors: boolean; createPlaces: boolean },
): Promise<RegisterImport> {
  return parseWith(RegisterImportSchema, await api.post(`/api/v1/staff/register-imports/${id}/apply`, body));
}

export function downloadRegisterTemplate() {
  return api.download("/api/v1/staff/register-template.xlsx");
}

export function downloadRegisterReport(id: number) {
  return api.download(`/api/v1/staff/register-imports/${id}/report.csv`);
}

/** Staff upkeep of one account (audited). */
export async function updateAccount(id: number, input: AccountUpdateInput): Promise<StaffAccount> {
  return parseWith(
    StaffAccountSchema,
    await api.request(`/api/v1/staff/accounts/${id}`, { method: "PATCH", body: input }),
  );
}

/** 过户 (audited): the old owner's bindings end. */
export async function transferAccount(id: number, input: AccountTransferInput) {
  return parseWith(AccountTransferResultSchema, await api.post(`/api/v1/staff/accounts/${id}/transfer`, input));
}

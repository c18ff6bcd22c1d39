import type { BindAccountInput, ResidentAccount } from "@warmline/shared";
import { request } from "./request";

export async function listAccounts(): Promise<ResidentAccount[]> {
  const { items } = await request<{ items: ResidentAccount[] }>("/api/v1/me/accounts");
  return items;
}

export function getAccount(id: number): Promise<ResidentAccount> {
  return request<ResidentAccount>(`/api/v1/me/accounts/${encodeURIComponent(String(id))}`);
}

/** 绑定户号: proves the resident knows the account through a second factor. */
export function bindAccount(input: BindAccountInput): Promise<ResidentAccount> {
  return request<ResidentAccount>("/api/v1/me/accounts", { method: "POST", data: input });
}

/** 解绑 */
export function unbindAccount(id: number): Promise<void> {
  return request<void>(`/api/v1/me/accounts/${encodeURIComponent(String(id))}`, { method: "DELETE" });
}

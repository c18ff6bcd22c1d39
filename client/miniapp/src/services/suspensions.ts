import type { HeatingStatusHistory, SuspensionKind, SuspensionRulesView, SuspensionView } from "@warmline/shared";
import { request } from "./request";

/** 报停/复供 page (a subpackage of its own) */
export const SUSPENSION_PAGE = "/pages/suspension/index";

const id = (n: number) => encodeURIComponent(String(n));

/** The season an application made today is for, its deadline, the arrears rule and the base-fee share. */
export function suspensionRules(): Promise<SuspensionRulesView> {
  return request<SuspensionRulesView>("/api/v1/me/suspension-rules");
}

/** The account's heating status (this season and next), its changes and its applications. */
export function heatingStatus(accountId: number): Promise<HeatingStatusHistory> {
  return request<HeatingStatusHistory>(`/api/v1/me/suspensions?accountId=${id(accountId)}`);
}

/** Files a 报停 or 复供; never repeated by the request layer (a second one would be SUSPENSION_OPEN_EXISTS). */
export function applySuspension(accountId: number, kind: SuspensionKind, reason: string): Promise<SuspensionView> {
  return request<SuspensionView>("/api/v1/me/suspensions", {
    method: "POST",
    data: { accountId, kind, reason },
    noRetry: true,
  });
}

/** 撤回: only while pending. */
export function withdrawSuspension(applicationId: number): Promise<SuspensionView> {
  return request<SuspensionView>(`/api/v1/me/suspensions/${id(applicationId)}/withdraw`, { method: "POST", data: {} });
}

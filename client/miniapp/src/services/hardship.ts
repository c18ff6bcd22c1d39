import type {
  CreateHardshipApplicationInput,
  HardshipApplicationDetail,
  HardshipApplicationView,
} from "@warmline/shared";
import { request } from "./request";

const BASE = "/api/v1/me/hardship/applications";
const id = (n: number) => encodeURIComponent(String(n));

/** 困难缓缴/分期申请 of the resident's accounts (or of one), newest first. */
export async function listHardshipApplications(accountId?: number): Promise<HardshipApplicationView[]> {
  const { items } = await request<{ items: HardshipApplicationView[] }>(
    accountId ? `${BASE}?accountId=${id(accountId)}` : BASE,
  );
  return items;
}

/** One application with its timeline, attachments and plan (another household's answers 404). */
export function getHardshipApplication(applicationId: number): Promise<HardshipApplicationDetail> {
  return request<HardshipApplicationDetail>(`${BASE}/${id(applicationId)}`);
}

/** Submits an application; never sent twice by the request layer (a second one would be HARDSHIP_OPEN_EXISTS). */
export function createHardshipApplication(input: CreateHardshipApplicationInput): Promise<HardshipApplicationDetail> {
  return request<HardshipApplicationDetail>(BASE, { method: "POST", data: input, noRetry: true });
}

/** 撤回: only before the final decision (409 HARDSHIP_ALREADY_DECIDED afterwards). */
export function withdrawHardshipApplication(
  applicationId: number,
  reason?: string,
): Promise<HardshipApplicationDetail> {
  return request<HardshipApplicationDetail>(`${BASE}/${id(applicationId)}/withdraw`, {
    method: "POST",
    data: reason ? { reason } : {},
  });
}

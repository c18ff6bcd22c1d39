import type { ArrearsNoticeView, ArrearsSubscriptionView, MyRemindersView } from "@warmline/shared";
import { request } from "./request";
import { platformSubscribe, type TemplateAsk } from "./subscribe";

export type { ArrearsNoticeView, ArrearsSubscriptionView, MyRemindersView };

/** 欠费提醒记录 page (a subpackage of its own): the reminders sent to the resident for one account */
export const REMINDERS_PAGE = "/pages/reminders/index";

const id = (n: number) => encodeURIComponent(String(n));

/** 欠费提示: owed today with the late fee, the oldest season, the pay page, the hardship hint. */
export function arrearsNotice(accountId: number): Promise<ArrearsNoticeView> {
  return request<ArrearsNoticeView>(`/api/v1/me/accounts/${id(accountId)}/arrears-notice`);
}

/** The reminders that reached the resident for this account (sent or delivered), newest first. */
export function myReminders(accountId: number): Promise<MyRemindersView> {
  return request<MyRemindersView>(`/api/v1/me/accounts/${id(accountId)}/reminders`);
}

/** The arrears template's consents left and the template id to ask for (null in a browser sign-in). */
export function arrearsSubscription(): Promise<ArrearsSubscriptionView> {
  return request<ArrearsSubscriptionView>("/api/v1/me/subscriptions/arrears");
}

/**
 * Asks for the arrears subscribe-message consent (欠费提醒) and records the answer: one accepted answer is one
 * reminder the server may send as a mini-program message instead of an SMS. Call it right after a tap (WeChat
 * and Alipay open the sheet only then): the sheet is asked for before anything else is awaited. Returns the
 * consents now left, or null when nothing was asked or known (no template id, the H5 app, the platform
 * refused to ask) — then nothing is recorded.
 */
export async function askArrearsConsent(templateId: string | null | undefined): Promise<number | null> {
  if (!templateId) return null;
  // the ask's template name is only echoed back; the arrears template is not one of the ticket ones
  const ask = { template: "arrears_reminder", id: templateId } as unknown as TemplateAsk;
  const answers = await platformSubscribe.ask([ask]);
  const answer = answers[0];
  if (!answer) return null;
  const res = await request<{ remaining: number }>("/api/v1/me/subscriptions/arrears", {
    method: "POST",
    data: { accepted: answer.accepted },
  });
  return res.remaining;
}

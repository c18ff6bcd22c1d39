import type { ArrearsNoticeView, MyRemindersView } from "@warmline/shared";
import { request } from "./request";

export type { ArrearsNoticeView, MyRemindersView };

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

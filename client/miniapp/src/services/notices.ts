import {
  type NoticeList,
  type NoticeView,
  RESIDENT_MESSAGE_TEMPLATES,
  type ResidentConsentCounts,
  type ResidentMessageTemplate,
} from "@warmline/shared";
import { request } from "./request";
import { platformSubscribe, type TemplateAsk } from "./subscribe";

/** the notice pages (subpackage pages/notices); the server's messages open the detail page */
export const NOTICE_PAGES = {
  list: "/pages/notices/list/index",
  detail: "/pages/notices/detail/index",
} as const;

/** 供热公告 for the signed-in resident (pinned first), with the season's dates and the hotline. */
export function loadNotices(): Promise<NoticeList> {
  return request<NoticeList>("/api/v1/me/notices");
}

export function loadNotice(id: number): Promise<NoticeView> {
  return request<NoticeView>(`/api/v1/me/notices/${id}`);
}

/** consents left for 停热检修 notices and refund results, and the template ids to ask for */
export function loadMessageSubscriptions(): Promise<ResidentConsentCounts> {
  return request<ResidentConsentCounts>("/api/v1/me/message-subscriptions");
}

/** The consents the resident just gave or refused for these templates. */
export function recordMessageSubscriptions(
  results: { template: ResidentMessageTemplate; accepted: boolean }[],
): Promise<ResidentConsentCounts> {
  return request<ResidentConsentCounts>("/api/v1/me/message-subscriptions", { method: "POST", data: { results } });
}

/**
 * Asks (right after a tap) for one-time consents to 停热检修 notices and refund results, and records the
 * answers; how many consents each template has afterwards. The platform code only maps ids to answers,
 * whatever the template's name (its type names the ticket templates).
 */
export async function subscribeNoticeMessages(): Promise<ResidentConsentCounts["counts"] | null> {
  const { templateIds } = await loadMessageSubscriptions();
  const asks = RESIDENT_MESSAGE_TEMPLATES.map((template) => ({ template, id: templateIds[template] }));
  const answers = (await platformSubscribe.ask(asks as unknown as TemplateAsk[])) as unknown as {
    template: ResidentMessageTemplate;
    accepted: boolean;
  }[];
  if (!answers.length) return null;
  return (await recordMessageSubscriptions(answers)).counts;
}

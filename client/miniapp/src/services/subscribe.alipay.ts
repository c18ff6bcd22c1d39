import Taro from "@tarojs/taro";
import type { PlatformSubscribe, TemplateAsk } from "./subscribe";
import type { ConsentResult } from "./tickets";

interface AlipaySubscribeResult {
  behavior?: string;
  result?: { subscribeEntityIds?: string[]; subscribedEntityIds?: string[] };
}

/**
 * my.requestSubscribeMessage answers the ids subscribed now (subscribeEntityIds) and in the end
 * (subscribedEntityIds); a closed sheet (behavior "cancel") accepted nothing.
 */
export function alipayConsents(res: AlipaySubscribeResult, templates: TemplateAsk[]): ConsentResult[] {
  const accepted = new Set([...(res.result?.subscribeEntityIds ?? []), ...(res.result?.subscribedEntityIds ?? [])]);
  const cancelled = res.behavior === "cancel";
  return templates.map((t) => ({ template: t.template, accepted: !cancelled && accepted.has(t.id) }));
}

/** Alipay mini-program: one sheet for the one-time templates (at most 3 at a time). */
export const platformSubscribe: PlatformSubscribe = {
  async ask(templates) {
    if (!templates.length) return [];
    const entityIds = templates.map((t) => t.id);
    try {
      const res = await Taro.requestSubscribeMessage({ entityIds, tmplIds: entityIds });
      return alipayConsents(res as unknown as AlipaySubscribeResult, templates);
    } catch {
      return [];
    }
  },
};

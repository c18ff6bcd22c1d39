import Taro from "@tarojs/taro";
import type { PlatformSubscribe, TemplateAsk } from "./subscribe";
import type { ConsentResult } from "./tickets";

/** wx.requestSubscribeMessage answers { [templateId]: "accept" | "reject" | "ban" | "filter" }. */
export function wechatConsents(res: Record<string, unknown>, templates: TemplateAsk[]): ConsentResult[] {
  return templates.map((t) => ({ template: t.template, accepted: res[t.id] === "accept" }));
}

/** WeChat mini-program: one sheet for all templates (at most 3 one-time templates at a time). */
export const platformSubscribe: PlatformSubscribe = {
  async ask(templates) {
    if (!templates.length) return [];
    const tmplIds = templates.map((t) => t.id);
    try {
      const res = await Taro.requestSubscribeMessage({ tmplIds, entityIds: tmplIds });
      return wechatConsents(res as unknown as Record<string, unknown>, templates);
    } catch {
      // refused by the platform (no TAP gesture, templates not found, too old a client): nothing known
      return [];
    }
  },
};

import type { MessageTemplate } from "@warmline/shared";
import type { ConsentResult } from "./tickets";

/** A message the resident may subscribe to, with this build's template id for it. */
export interface TemplateAsk {
  template: MessageTemplate;
  id: string;
}

/**
 * How this platform asks for one-time subscribe consents (订阅消息). The build picks subscribe.weapp.ts,
 * subscribe.alipay.ts or subscribe.h5.ts for `import "./subscribe"`; this file is the shared type and the
 * fallback. Only types may be shared from here: the build replaces this whole module per platform.
 */
export interface PlatformSubscribe {
  /**
   * Asks for the templates (WeChat and Alipay allow it only right after a tap) and tells which the
   * resident accepted; [] when nothing was asked or the platform could not ask.
   */
  ask(templates: TemplateAsk[]): Promise<ConsentResult[]>;
}

export const platformSubscribe: PlatformSubscribe = {
  ask: () => Promise.resolve([]),
};

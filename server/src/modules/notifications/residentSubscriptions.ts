import {
  RESIDENT_MESSAGE_TEMPLATES,
  type ResidentConsentCounts,
  ResidentConsentCountsSchema,
  ResidentConsentSchema,
} from "@warmline/shared";
import { In } from "typeorm";
import type { Deps } from "../../deps";
import { residentId } from "../../http/auth";
import { route } from "../../http/route";
import { ResidentUser } from "../residents";
import { SubscribeConsent } from "../tickets";
import { recordConsents } from "./ticketMessages";

/** Consents left for the notice and refund templates, and their ids for the resident's vendor. */
async function state(deps: Deps, residentUserId: number): Promise<ResidentConsentCounts> {
  const rows = await deps.ds
    .getRepository(SubscribeConsent)
    .findBy({ residentUserId, template: In([...RESIDENT_MESSAGE_TEMPLATES]) });
  const counts = { heating_notice: 0, refund_result: 0, hardship_progress: 0 };
  for (const r of rows) counts[r.template as keyof typeof counts] = r.remaining;
  const resident = await deps.ds.getRepository(ResidentUser).findOneBy({ id: residentUserId });
  const vendor = resident?.provider === "alipay" ? "alipay" : "wechat";
  return { counts, templateIds: { ...deps.config.residentMessages[vendor] } };
}

/** /me/message-subscriptions: one-time consents for 停热检修 notices and refund results (like /me/subscriptions). */
export function residentSubscriptionRoutes(deps: Deps) {
  return [
    route({
      method: "get",
      path: "/me/message-subscriptions",
      summary: "停热检修通知与退款通知的订阅消息剩余次数",
      tags: ["resident"],
      auth: "resident",
      response: ResidentConsentCountsSchema,
      handler: (_i, ctx) => state(deps, residentId(ctx)),
    }),
    route({
      method: "post",
      path: "/me/message-subscriptions",
      summary: "记录停热检修通知与退款通知的订阅授权结果（每同意一次可发送一条）",
      tags: ["resident"],
      auth: "resident",
      body: ResidentConsentSchema,
      response: ResidentConsentCountsSchema,
      async handler({ body }, ctx) {
        const rid = residentId(ctx);
        await recordConsents(deps.ds, rid, body.results);
        return state(deps, rid);
      },
    }),
  ];
}

import {
  AckAlertSchema,
  ALERT_ROLES,
  AlertPageSchema,
  AlertQuerySchema,
  AlertSchema,
  AlertSummarySchema,
  IdParamSchema,
} from "@warmline/shared";
import type { Deps } from "../../deps";
import { staffAuth } from "../../http/auth";
import { route } from "../../http/route";
import { audit } from "../audit";
import { ackAlert, alertSummary, audiencesOf, listAlerts } from "./service";

/** 升级提醒: the supervisors' inbox of escalations. */
export function alertRoutes(deps: Deps) {
  const { ds } = deps;
  return [
    route({
      method: "get",
      path: "/staff/alerts",
      summary: "升级提醒（待处理 / 已处理 / 全部，最新在前）",
      tags: ["alerts"],
      auth: "staff",
      roles: ALERT_ROLES,
      query: AlertQuerySchema,
      response: AlertPageSchema,
      async handler({ query }, ctx) {
        return listAlerts(ds, audiencesOf(staffAuth(ctx).roles), query, deps.ports.alertSubjects);
      },
    }),
    route({
      method: "get",
      path: "/staff/alerts/summary",
      summary: "待处理的升级提醒数（控制台铃铛）",
      tags: ["alerts"],
      auth: "staff",
      roles: ALERT_ROLES,
      response: AlertSummarySchema,
      async handler(_i, ctx) {
        return alertSummary(ds, audiencesOf(staffAuth(ctx).roles));
      },
    }),
    route({
      method: "post",
      path: "/staff/alerts/:id/ack",
      summary: "确认已知悉一条升级提醒（可附督办备注）",
      tags: ["alerts"],
      auth: "staff",
      roles: ALERT_ROLES,
      params: IdParamSchema,
      body: AckAlertSchema,
      response: AlertSchema,
      errors: [400, 404, 409],
      async handler({ params, body }, ctx) {
        const me = staffAuth(ctx);
        const { alert, changed } = await ackAlert(ds, me, params.id, body, deps.ports.alertSubjects);
        if (changed) {
          await audit(ds, ctx, {
            action: "alert.ack",
            targetType: "alert",
            targetId: params.id,
            details: body.note ? { note: body.note } : {},
          });
        }
        return alert;
      },
    }),
  ];
}

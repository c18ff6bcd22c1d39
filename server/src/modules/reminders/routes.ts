import type Router from "@koa/router";
import {
  AccountReminderStateSchema,
  ArrearsConsentCountSchema,
  ArrearsConsentSchema,
  ArrearsNoticeSchema,
  ArrearsSubscriptionSchema,
  CampaignPageSchema,
  CampaignQuerySchema,
  CampaignSchema,
  HoldInputSchema,
  IdParamSchema,
  LadderUpdateSchema,
  LadderViewSchema,
  type LadderDefinition,
  MyRemindersSchema,
  PageQuerySchema,
  ReviewDecisionSchema,
  ReviewQuerySchema,
  REMINDER_CAMPAIGN_ROLES,
  REMINDER_DESK_ROLES,
  REMINDER_HOLD_ROLES,
  REMINDER_LADDER_EDIT_ROLES,
  REMINDER_REVIEW_ROLES,
  REMINDER_SEND_ONE_ROLES,
  ReminderReviewPageSchema,
  ReminderReviewSchema,
  ReminderPageSchema,
  ReminderSchema,
  SendOneSchema,
  VISIT_TASK_ROLES,
  VisitTaskDoneSchema,
  VisitTaskPageSchema,
  VisitTaskQuerySchema,
  VisitTaskSchema,
} from "@warmline/shared";
import type { Deps } from "../../deps";
import { residentId, staffAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { route } from "../../http/route";
import { markRejected } from "../../http/rateLimit";
import { getBoundAccount } from "../accounts";
import { audit } from "../audit";
import { VisitTask } from "./entities";
import { currentLadder, updateLadder } from "./ladder";
import {
  accountReminders,
  arrearsNotice,
  arrearsSubscription,
  changeCampaign,
  getCampaign,
  listCampaigns,
  listVisitTasks,
  markHold,
  myReminders,
  presentVisitTasks,
  recordArrearsConsent,
  releaseHold,
  reminderState,
  sendOne,
  smsInbound,
  startCampaignNow,
} from "./service";
import { parseSmsReport, smsDeliveryReport } from "./receipts";
import { decideReview, getReview, listReviews } from "./review";
import { assertAccountInScope, reminderScope } from "./scope";
import { completeVisitTask } from "./visitTasks";

function presentLadder(v: Awaited<ReturnType<typeof currentLadder>>) {
  return {
    version: v.version,
    definition: v.definition,
    createdAt: v.createdAt.toISOString(),
    createdBy: v.createdBy,
    note: v.note,
  };
}

const AccountParam = IdParamSchema;

export function reminderRoutes(deps: Deps) {
  const { ds } = deps;
  return [
    // ---- campaigns ----
    route({
      method: "get",
      path: "/staff/reminders/campaigns",
      summary: "催缴提醒批次（最新在前，含实时进度）",
      tags: ["reminders"],
      auth: "staff",
      roles: REMINDER_DESK_ROLES,
      query: CampaignQuerySchema,
      response: CampaignPageSchema,
      async handler({ query }) {
        return listCampaigns(ds, query);
      },
    }),
    route({
      method: "get",
      path: "/staff/reminders/campaigns/:id",
      summary: "一个提醒批次的进度（计划/已发送/已送达/失败/拦截）",
      tags: ["reminders"],
      auth: "staff",
      roles: REMINDER_DESK_ROLES,
      params: IdParamSchema,
      response: CampaignSchema,
      errors: [404],
      async handler({ params }) {
        return getCampaign(ds, params.id);
      },
    }),
    route({
      method: "post",
      path: "/staff/reminders/campaigns",
      summary: "立即发起一次提醒批次（按当前阶梯为所有欠费户规划）",
      tags: ["reminders"],
      auth: "staff",
      roles: REMINDER_CAMPAIGN_ROLES,
      response: CampaignSchema,
      status: 201,
      async handler(_i, ctx) {
        return startCampaignNow(deps, ctx);
      },
    }),
    ...(["pause", "resume", "cancel"] as const).map((action) =>
      route({
        method: "post",
        path: `/staff/reminders/campaigns/:id/${action}`,
        summary: { pause: "暂停提醒批次", resume: "继续提醒批次", cancel: "取消提醒批次（未发送的记为已拦截）" }[
          action
        ],
        tags: ["reminders"],
        auth: "staff",
        roles: REMINDER_CAMPAIGN_ROLES,
        params: IdParamSchema,
        response: CampaignSchema,
        errors: [404, 409],
        async handler({ params }, ctx) {
          return changeCampaign(ds, ctx, params.id, action);
        },
      }),
    ),
    // ---- ladder ----
    route({
      method: "get",
      path: "/staff/reminders/ladder",
      summary: "当前催缴阶梯（步骤、渠道顺序、文案、免打扰时段、频率）",
      tags: ["reminders"],
      auth: "staff",
      roles: REMINDER_DESK_ROLES,
      response: LadderViewSchema,
      async handler() {
        return presentLadder(await currentLadder(ds, deps.config));
      },
    }),
    route({
      method: "put",
      path: "/staff/reminders/ladder",
      summary: "修改催缴阶梯（校验后保存为新版本，记入审计）",
      tags: ["reminders"],
      auth: "staff",
      roles: REMINDER_LADDER_EDIT_ROLES,
      body: LadderUpdateSchema,
      response: LadderViewSchema,
      errors: [400, 409],
      async handler({ body }, ctx) {
        const saved = await updateLadder(ds, ctx, deps.config.reminders.thresholds, {
          definition: body.definition as LadderDefinition,
          note: body.note,
        });
        return presentLadder(saved);
      },
    }),
    // ---- one account ----
    route({
      method: "get",
      path: "/staff/accounts/:id/reminders",
      summary: "催缴记录：该户每一条提醒（计划、发送、送达、失败、拦截及原因）",
      tags: ["reminders"],
      auth: "staff",
      roles: REMINDER_DESK_ROLES,
      params: AccountParam,
      query: PageQuerySchema,
      response: ReminderPageSchema,
      errors: [404],
      async handler({ params, query }, ctx) {
        await assertAccountInScope(deps, ctx, params.id);
        return accountReminders(ds, params.id, query);
      },
    }),
    route({
      method: "post",
      path: "/staff/accounts/:id/reminders",
      summary: "给该户单独发送一条欠费提醒（同样复核缴费、诉求、免打扰等，记入审计）",
      tags: ["reminders"],
      auth: "staff",
      roles: REMINDER_SEND_ONE_ROLES,
      params: AccountParam,
      body: SendOneSchema,
      response: ReminderSchema,
      status: 201,
      errors: [404, 409],
      async handler({ params, body }, ctx) {
        return sendOne(deps, ctx, params.id, body.note ?? null);
      },
    }),
    route({
      method: "get",
      path: "/staff/accounts/:id/reminder-state",
      summary: "该户的不宜催缴标记和短信退订状态",
      tags: ["reminders"],
      auth: "staff",
      roles: REMINDER_DESK_ROLES,
      params: AccountParam,
      response: AccountReminderStateSchema,
      errors: [404],
      async handler({ params }, ctx) {
        await assertAccountInScope(deps, ctx, params.id);
        return reminderState(deps, params.id);
      },
    }),
    route({
      method: "post",
      path: "/staff/accounts/:id/reminder-hold",
      summary: "标记不宜催缴（须填写原因，记入审计）",
      tags: ["reminders"],
      auth: "staff",
      roles: REMINDER_HOLD_ROLES,
      params: AccountParam,
      body: HoldInputSchema,
      response: AccountReminderStateSchema,
      errors: [404, 409],
      async handler({ params, body }, ctx) {
        return markHold(deps, ctx, params.id, body.reason);
      },
    }),
    route({
      method: "post",
      path: "/staff/accounts/:id/reminder-hold/release",
      summary: "解除不宜催缴标记（须填写原因，记入审计）",
      tags: ["reminders"],
      auth: "staff",
      roles: REMINDER_HOLD_ROLES,
      params: AccountParam,
      body: HoldInputSchema,
      response: AccountReminderStateSchema,
      errors: [404],
      async handler({ params, body }, ctx) {
        return releaseHold(deps, ctx, params.id, body.reason);
      },
    }),
    // ---- 主管复核 ----
    route({
      method: "get",
      path: "/staff/reminders/reviews",
      summary: "催缴主管复核：欠费到复核步骤的户（户号、级别、欠费、催缴历史）",
      tags: ["reminders"],
      auth: "staff",
      roles: REMINDER_REVIEW_ROLES,
      query: ReviewQuerySchema,
      response: ReminderReviewPageSchema,
      async handler({ query }) {
        return listReviews(ds, query);
      },
    }),
    route({
      method: "get",
      path: "/staff/reminders/reviews/:id",
      summary: "一条催缴主管复核（含该户催缴历史）",
      tags: ["reminders"],
      auth: "staff",
      roles: REMINDER_REVIEW_ROLES,
      params: IdParamSchema,
      response: ReminderReviewSchema,
      errors: [404],
      async handler({ params }) {
        return getReview(ds, params.id);
      },
    }),
    route({
      method: "post",
      path: "/staff/reminders/reviews/:id/decision",
      summary: "复核结论：继续催缴 / 标记不宜催缴（须填原因）/ 转法务候选核查（记入审计）",
      tags: ["reminders"],
      auth: "staff",
      roles: REMINDER_REVIEW_ROLES,
      params: IdParamSchema,
      body: ReviewDecisionSchema,
      response: ReminderReviewSchema,
      errors: [404, 409],
      async handler({ params, body }, ctx) {
        return decideReview(ds, ctx, params.id, body);
      },
    }),
    // ---- visit tasks ----
    route({
      method: "get",
      path: "/staff/visit-tasks",
      summary: "网格员走访任务（网格员只看本社区）",
      tags: ["reminders"],
      auth: "staff",
      roles: VISIT_TASK_ROLES,
      query: VisitTaskQuerySchema,
      response: VisitTaskPageSchema,
      async handler({ query }, ctx) {
        return listVisitTasks(ds, await reminderScope(deps, ctx), query);
      },
    }),
    route({
      method: "post",
      path: "/staff/visit-tasks/:id/done",
      summary: "走访任务标记完成（填写走访情况）",
      tags: ["reminders"],
      auth: "staff",
      roles: VISIT_TASK_ROLES,
      params: IdParamSchema,
      body: VisitTaskDoneSchema,
      response: VisitTaskSchema,
      errors: [404],
      async handler({ params, body }, ctx) {
        const staff = staffAuth(ctx);
        const scope = await reminderScope(deps, ctx);
        const task = await ds.transaction(async (m) => {
          const t = await m.getRepository(VisitTask).findOneBy({ id: params.id });
          // another community's task answers like a missing one
          if (!t || (scope !== null && !scope.includes(t.communityId))) throw new AppError("VISIT_TASK_NOT_FOUND");
          const done = await completeVisitTask(m, params.id, { staffId: staff.id, note: body.note });
          await audit(m, ctx, { action: "visit_task.done", targetType: "visit_task", targetId: params.id });
          return done;
        });
        return (await presentVisitTasks(ds, [task]))[0];
      },
    }),
    // ---- resident ----
    route({
      method: "get",
      path: "/me/accounts/:id/reminders",
      summary: "我收到的欠费提醒",
      tags: ["resident"],
      auth: "resident",
      params: AccountParam,
      response: MyRemindersSchema,
      errors: [404],
      async handler({ params }, ctx) {
        await getBoundAccount(deps, residentId(ctx), params.id);
        return myReminders(ds, params.id);
      },
    }),
    route({
      method: "get",
      path: "/me/subscriptions/arrears",
      summary: "欠费提醒订阅消息：剩余可发送次数和要申请授权的模板",
      tags: ["resident"],
      auth: "resident",
      response: ArrearsSubscriptionSchema,
      async handler(_i, ctx) {
        return arrearsSubscription(deps, residentId(ctx));
      },
    }),
    route({
      method: "post",
      path: "/me/subscriptions/arrears",
      summary: "记录欠费提醒订阅消息的授权结果（每同意一次可发送一条）",
      tags: ["resident"],
      auth: "resident",
      body: ArrearsConsentSchema,
      response: ArrearsConsentCountSchema,
      async handler({ body }, ctx) {
        return { remaining: await recordArrearsConsent(ds, residentId(ctx), body.accepted) };
      },
    }),
    route({
      method: "get",
      path: "/me/accounts/:id/arrears-notice",
      summary: "欠费提示：截至今日应缴金额（含滞纳金）、最早欠费供热季、缴费方式",
      tags: ["resident"],
      auth: "resident",
      params: AccountParam,
      response: ArrearsNoticeSchema,
      errors: [404],
      async handler({ params }, ctx) {
        await getBoundAccount(deps, residentId(ctx), params.id);
        return arrearsNotice(deps, params.id);
      },
    }),
  ];
}

/**
 * 上行短信 (the SMS platform's push of replies, Aliyun SmsUp HTTP batch push format: a JSON array of
 * {phone_number, content, send_time, sign_name, …}): a stop keyword (TD / 退订 …) sets the number's SMS
 * opt-out. The push carries no signature, so the URL carries a shared secret (?token=SMS_UP_TOKEN); without
 * one configured the route is closed.
 */
export function mountSmsInbound(router: Router, deps: Deps): void {
  router.post("/api/v1/notify/sms-up", async (ctx) => {
    const token = deps.config.sms.upToken;
    if (!token || ctx.query.token !== token) {
      markRejected(ctx);
      ctx.status = 403;
      ctx.body = { code: 403, msg: "forbidden" };
      return;
    }
    let items: unknown;
    try {
      items = JSON.parse((ctx.request.rawBody ?? Buffer.alloc(0)).toString("utf8"));
    } catch {
      items = null;
    }
    if (!Array.isArray(items)) {
      markRejected(ctx);
      ctx.status = 400;
      ctx.body = { code: 400, msg: "expected a JSON array" };
      return;
    }
    for (const it of items as Record<string, unknown>[]) {
      const phone = typeof it?.phone_number === "string" ? it.phone_number : null;
      const content = typeof it?.content === "string" ? it.content : null;
      if (phone && content) await smsInbound(deps, phone, content);
    }
    ctx.body = { code: 0, msg: "成功" };
  });

  /**
   * 短信回执 (the SMS platform's push of delivery reports, Aliyun SmsReport HTTP batch push format: a JSON
   * array of {biz_id, out_id, success, err_code, report_time, …}): a reminder text's report moves its row
   * sent → delivered or failed (reminders/receipts.ts). Same shared-secret token as the replies.
   */
  router.post("/api/v1/notify/sms-report", async (ctx) => {
    const token = deps.config.sms.upToken;
    if (!token || ctx.query.token !== token) {
      markRejected(ctx);
      ctx.status = 403;
      ctx.body = { code: 403, msg: "forbidden" };
      return;
    }
    let items: unknown;
    try {
      items = JSON.parse((ctx.request.rawBody ?? Buffer.alloc(0)).toString("utf8"));
    } catch {
      items = null;
    }
    if (!Array.isArray(items)) {
      markRejected(ctx);
      ctx.status = 400;
      ctx.body = { code: 400, msg: "expected a JSON array" };
      return;
    }
    for (const it of items as Record<string, unknown>[]) {
      const report = parseSmsReport(it);
      if (report) await smsDeliveryReport(deps.ds, report);
    }
    ctx.body = { code: 0, msg: "成功" };
  });
}

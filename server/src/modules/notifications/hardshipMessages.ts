import { beijingMinuteText, HARDSHIP_PLAN_KIND_LABELS, type HardshipPlanKind, formatYuan } from "@warmline/shared";
import { z } from "zod";
import type { Deps } from "../../deps";
import type { MessageVendor } from "../../integrations/messaging";
import { defineJob } from "../../jobs/registry";
import { logger } from "../../lib/logger";
import { AccountBinding, HeatingAccount } from "../accounts";
import { HardshipApplication, HardshipEvent, hardshipEventLabel } from "../hardship";
import { writeInApp } from "./inapp";
import { sendResidentMessage } from "./residentMessage";
import { storedMobile } from "./ticketMessages";

/** what the resident reads about one step of their hardship application (我的消息) */
function bodyOf(type: string, app: HardshipApplication, accountNo: string, ev: HardshipEvent): string {
  const no = `申请编号 ${app.applicationNo}（户号 ${accountNo}）`;
  const why = ev.reason ? `理由：${ev.reason}。` : "";
  const d = (ev.details ?? {}) as {
    terms?: { kind: HardshipPlanKind; count?: number; months?: number };
    principalFen?: number;
  };
  switch (type) {
    case "submitted":
      return `您的困难缓缴/分期申请已提交，${no}，等待社区初审。审核期间不会因欠费对您采取催收措施。`;
    case "withdrawn":
      return `您的困难缓缴/分期申请已撤回，${no}。如仍有困难，可随时重新申请。`;
    case "community_approved":
      return `您的困难缓缴/分期申请已通过社区初审，${no}，正在等待供热中心复核。`;
    case "community_rejected":
      return `您的困难缓缴/分期申请未通过社区初审，${no}。${why}如有疑问请致电 0936-4466666。`;
    case "center_approved": {
      const t = d.terms;
      const what = t
        ? t.kind === "deferral"
          ? `缓缴 ${t.months} 个月`
          : `分 ${t.count} 期缴纳`
        : HARDSHIP_PLAN_KIND_LABELS.instalments;
      const amount = d.principalFen ? `，金额 ${formatYuan(d.principalFen)}` : "";
      return `您的困难缓缴/分期申请已通过供热中心复核：${what}${amount}，滞纳金已免缴。${no}。请在小程序中查看每期金额与缴费日期。`;
    }
    case "center_rejected":
      return `您的困难缓缴/分期申请未通过供热中心复核，${no}。${why}如有疑问请致电 0936-4466666。`;
    case "plan_defaulted":
      return `您的分期/缓缴计划有一期逾期未缴，已超过宽限期，计划已终止，欠费自逾期之日起恢复计收滞纳金。${no}。如有困难请致电 0936-4466666。`;
    case "plan_completed":
      return `您的分期/缓缴计划已全部缴清，${no}。感谢您的配合。`;
    default:
      return `您的困难缓缴/分期申请有新进展：${hardshipEventLabel(type)}。${no}。`;
  }
}

/**
 * What the message outside the app says of each step (SMS variable ≤ 35 characters, WeChat thing ≤ 20); a
 * step not listed is told in the app only (the resident's own submission and withdrawal: they just did it).
 */
const STEP_TEXT: Record<string, string> = {
  community_approved: "已通过社区初审，等待供热中心复核",
  community_rejected: "未通过社区初审",
  center_approved: "已通过复核，分期/缓缴计划已生效",
  center_rejected: "未通过供热中心复核",
  plan_defaulted: "计划因逾期未缴已终止",
  plan_completed: "计划已全部缴清",
  plan_reinstated: "计划已恢复执行",
};

export const HARDSHIP_MESSAGE_ATTEMPTS = 8;
const HARDSHIP_PAGE = "pages/account/index";

export function hardshipVendorData(
  vendor: MessageVendor,
  c: { applicationNo: string; step: string; time: string },
): Record<string, string> {
  // 申请编号 character_string1, 办理进度 thing2, 更新时间 time3, 温馨提示 thing4
  const tip = "详情请在小程序中查看";
  return vendor === "wechat"
    ? { character_string1: c.applicationNo, thing2: c.step, time3: c.time, thing4: tip }
    : { keyword1: c.applicationNo, keyword2: c.step, keyword3: c.time, keyword4: tip };
}

/**
 * One step of a hardship application: each resident bound to the account is told in the app (once per
 * step); the applicant — or, for an application made at the hotline or by a grid worker, the residents bound
 * to the account — also outside it for the review decisions and the plan's turns: a subscribe message while
 * a consent is left, else an SMS to the application's contact phone (the register's phone when none).
 */
export function hardshipNotifyJob(deps: () => Deps) {
  return defineJob({
    name: "notify.hardship",
    schema: z.object({ eventId: z.number().int().positive() }),
    maxAttempts: HARDSHIP_MESSAGE_ATTEMPTS,
    async handle({ eventId }, ctx) {
      const d = deps();
      const { ds } = d;
      const ev = await ds.getRepository(HardshipEvent).findOneBy({ id: eventId });
      if (!ev) return; // rolled back
      const app = await ds.getRepository(HardshipApplication).findOneByOrFail({ id: ev.applicationId });
      const account = await ds.getRepository(HeatingAccount).findOneBy({ id: app.accountId });
      const bound = await ds.getRepository(AccountBinding).findBy({ accountId: app.accountId, activeFlag: true });
      const residents = new Set(bound.map((b) => b.residentUserId));
      if (app.residentUserId) residents.add(app.residentUserId);
      for (const residentUserId of residents) {
        await writeInApp(ds, {
          residentUserId,
          kind: `hardship_${ev.type}`.slice(0, 32),
          title: `困难缓缴/分期：${hardshipEventLabel(ev.type)}`,
          body: bodyOf(ev.type, app, account?.accountNo ?? "", ev),
          dedupeKey: `hardship:${eventId}:${residentUserId}`,
        });
      }
      const step = STEP_TEXT[ev.type];
      if (!step) return;
      const content = { applicationNo: app.applicationNo, step, time: beijingMinuteText(ev.createdAt) };
      const phone = async () => storedMobile(d, app.contactPhoneEnc ?? account?.phoneEnc ?? null, "hardship message");
      const outside = app.residentUserId ? [app.residentUserId] : [...residents];
      for (const residentUserId of outside) {
        const r = await sendResidentMessage(
          d,
          {
            uniqueKey: `hardship:${eventId}:${residentUserId}`,
            residentUserId,
            template: "hardship_progress",
            page: HARDSHIP_PAGE,
            data: (vendor) => hardshipVendorData(vendor, content),
            sms: {
              templateCode: d.config.sms.templates.hardship_progress,
              params: { applicationNo: app.applicationNo, accountNo: account?.accountNo ?? "", step },
              phone,
            },
            payload: { eventId, applicationId: app.id, ...content },
          },
          { finalAttempt: ctx.attempt >= HARDSHIP_MESSAGE_ATTEMPTS },
        );
        if (r.status === "failed") logger.warn({ eventId, residentUserId }, "hardship message not delivered");
      }
    },
  });
}

import { HARDSHIP_PLAN_KIND_LABELS, type HardshipPlanKind, formatYuan } from "@warmline/shared";
import { z } from "zod";
import { defineJob } from "../../jobs/registry";
import { AccountBinding, HeatingAccount } from "../accounts";
import { HardshipApplication, HardshipEvent, hardshipEventLabel } from "../hardship";
import { writeInApp } from "./inapp";

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

/** One step of a hardship application: each resident bound to the account is told (once per step). */
export const hardshipNotifyJob = defineJob({
  name: "notify.hardship",
  schema: z.object({ eventId: z.number().int().positive() }),
  async handle({ eventId }, { ds }) {
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
  },
});

import {
  allocateToInstalments,
  type BizDate,
  graceEnd,
  type HardshipApplicationDetail,
  type HardshipApplicationView,
  type HardshipTerms,
  maskIdNumber,
  maskName,
  maskPhone,
  type PaymentPlanView,
  shanghaiDate,
} from "@warmline/shared";
import { In } from "typeorm";
import type { Deps } from "../../deps";
import { Community, HeatingAccount } from "../accounts";
import { coveredBillsState } from "../billing";
import { attachmentViews } from "./attachments";
import { HardshipApplication, HardshipAttachment, HardshipEvent, PaymentPlan, PlanInstalment } from "./entities";
import type { HardshipActor } from "./service";

const EVENT_LABELS: Record<string, string> = {
  submitted: "提交申请",
  withdrawn: "撤回申请",
  community_approved: "社区初审通过",
  community_rejected: "社区初审未通过",
  center_approved: "供热中心复核通过，计划已生效",
  center_rejected: "供热中心复核未通过",
  plan_defaulted: "逾期未缴，计划违约",
  plan_reinstated: "计划恢复执行",
  plan_completed: "计划已完成",
};
export const hardshipEventLabel = (type: string) => EVENT_LABELS[type] ?? type;

function terms(kind: string | null, value: number | null): HardshipTerms | null {
  if (!kind || value === null) return null;
  return kind === "deferral" ? { kind: "deferral", months: value } : { kind: "instalments", count: value };
}

/** Applications as lists show them (account, community; certificate number and phone masked). */
export async function presentApplications(
  deps: Pick<Deps, "ds" | "vault">,
  apps: HardshipApplication[],
): Promise<HardshipApplicationView[]> {
  if (apps.length === 0) return [];
  const accounts = await deps.ds.getRepository(HeatingAccount).findBy({ id: In(apps.map((a) => a.accountId)) });
  const communities = await deps.ds.getRepository(Community).findBy({ id: In(apps.map((a) => a.communityId)) });
  const acc = new Map(accounts.map((a) => [a.id, a]));
  const com = new Map(communities.map((c) => [c.id, c]));
  return apps.map((h) => {
    const a = acc.get(h.accountId);
    return {
      id: h.id,
      applicationNo: h.applicationNo,
      accountId: h.accountId,
      accountNo: a?.accountNo ?? "",
      address: a?.address ?? "",
      ownerNameMasked: maskName(a?.ownerName),
      communityId: h.communityId,
      communityName: com.get(h.communityId)?.name ?? null,
      status: h.status,
      channel: h.channel,
      category: h.category,
      categoryReason: h.categoryReason,
      certificateNo: maskIdNumber(deps.vault.decrypt(h.certificateNoEnc)),
      requestedTerms: terms(h.requestedKind, h.requestedValue) as HardshipTerms,
      grantedTerms: terms(h.grantedKind, h.grantedValue),
      billIds: h.billIds,
      principalFen: h.principalFen,
      contactPhone: maskPhone(deps.vault.decrypt(h.contactPhoneEnc)),
      note: h.note,
      submittedAt: h.createdAt.toISOString(),
      waitingSince: h.waitingSince ? h.waitingSince.toISOString() : null,
      communityReviewerId: h.communityReviewerId,
      centerReviewerId: h.centerReviewerId,
      decidedAt: h.decidedAt ? h.decidedAt.toISOString() : null,
    };
  });
}

/** A plan with each instalment's paid amount and state on `asOf` (money since approval, taken in order). */
export async function presentPlan(
  deps: Pick<Deps, "ds">,
  plan: PaymentPlan,
  asOf: BizDate = shanghaiDate(new Date()),
): Promise<PaymentPlanView> {
  const instalments = await deps.ds
    .getRepository(PlanInstalment)
    .find({ where: { planId: plan.id }, order: { seq: "ASC" } });
  const state = await coveredBillsState(deps.ds.manager, plan.billIds, asOf);
  const paidSince = Math.max(0, state.reduce((s, b) => s + b.settledFen, 0) - plan.baselinePaidFen);
  const paid = allocateToInstalments(
    instalments.map((i) => i.amountFen),
    paidSince,
  );
  return {
    id: plan.id,
    applicationId: plan.applicationId,
    accountId: plan.accountId,
    kind: plan.kind,
    status: plan.status,
    principalFen: plan.principalFen,
    paidFen: Math.min(plan.principalFen, paidSince),
    startDate: plan.startDate,
    deferredUntil: plan.deferredUntil,
    deferralMonths: plan.deferralMonths,
    lateFeeWaivedFen: plan.lateFeeWaivedFen,
    billIds: plan.billIds,
    reinstated: plan.reinstated,
    instalments: instalments.map((i, k) => {
      const p = paid[k] ?? 0;
      const status =
        p >= i.amountFen
          ? "paid"
          : asOf > graceEnd(i.dueDate, plan.graceDays)
            ? "missed"
            : asOf > i.dueDate
              ? "late"
              : p > 0
                ? "partial"
                : "unpaid";
      return { seq: i.seq, amountFen: i.amountFen, dueDate: i.dueDate, paidFen: p, status };
    }),
  };
}

/** One application with its attachments, timeline, plan and what the viewer may do now. */
export async function presentDetail(
  deps: Pick<Deps, "ds" | "vault" | "config">,
  app: HardshipApplication,
  actor: HardshipActor,
  roles: readonly string[] = [],
): Promise<HardshipApplicationDetail> {
  const [view] = await presentApplications(deps, [app]);
  const attachments = await deps.ds
    .getRepository(HardshipAttachment)
    .find({ where: { applicationId: app.id }, order: { id: "ASC" } });
  const events = await deps.ds
    .getRepository(HardshipEvent)
    .find({ where: { applicationId: app.id }, order: { id: "ASC" } });
  const plan = await deps.ds.getRepository(PaymentPlan).findOneBy({ applicationId: app.id });
  const open = app.status === "pending_community" || app.status === "pending_center";
  const actions: HardshipApplicationDetail["actions"] = [];
  if (actor.kind === "staff") {
    if (app.status === "pending_community" && roles.includes("community_reviewer")) actions.push("community_review");
    if (app.status === "pending_center" && roles.includes("center_reviewer") && app.communityReviewerId !== actor.id) {
      actions.push("center_review");
    }
  }
  if (open) actions.push("withdraw");
  if (actor.kind === "staff" && plan?.status === "defaulted" && !plan.reinstated && roles.includes("center_reviewer")) {
    actions.push("reinstate");
  }
  return {
    ...(view as HardshipApplicationView),
    attachments: attachmentViews(deps, attachments),
    timeline: events.map((e) => ({
      id: e.id,
      type: e.type,
      label: hardshipEventLabel(e.type),
      actorKind: e.actorKind,
      // residents see the step, not the staff member's name
      actorName: actor.kind === "staff" ? e.actorName : null,
      reason: e.reason,
      details: e.details,
      at: e.createdAt.toISOString(),
    })),
    plan: plan ? await presentPlan(deps, plan) : null,
    actions,
  };
}

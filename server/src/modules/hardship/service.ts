import { randomUUID } from "node:crypto";
import {
  addMonthsClamped,
  allocateToInstalments,
  type BizDate,
  type CenterReviewInput,
  type CommunityReviewInput,
  type CreateHardshipApplicationInput,
  deferredDueDate,
  type HardshipApplicationDetail,
  type HardshipChannel,
  type HardshipTerms,
  INSTALMENT_COUNTS,
  instalmentSchedule,
  OPEN_HARDSHIP_APP_STATUSES,
  planStanding,
  shanghaiDate,
  termsError,
} from "@warmline/shared";
import type { Context } from "koa";
import { type EntityManager, In } from "typeorm";
import { z } from "zod";
import type { Deps } from "../../deps";
import { staffAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { enqueue } from "../../jobs/outbox";
import { HeatingAccount, isUniqueViolation } from "../accounts";
import { audit } from "../audit";
import { StaffUser } from "../staff";
import { Bill, coveredBillsState, resumeLateFeeFrom, startHardshipRelief } from "../billing";
import { claimAttachments } from "./attachments";
import { HardshipApplication, HardshipEvent, PaymentPlan, PlanInstalment } from "./entities";
import { presentDetail } from "./present";

/** who is acting: a resident in the mini-program, or staff in the console */
export type HardshipActor = { kind: "resident"; id: number } | { kind: "staff"; id: number; name: string };

export const HARDSHIP_NOTIFY_JOB = "notify.hardship";

async function lockedApplication(m: EntityManager, id: number): Promise<HardshipApplication> {
  const qb = m.getRepository(HardshipApplication).createQueryBuilder("h").where("h.id = :id", { id });
  if (m.connection.options.type !== "better-sqlite3") qb.setLock("pessimistic_write");
  const app = await qb.getOne();
  if (!app) throw new AppError("HARDSHIP_NOT_FOUND");
  return app;
}

async function addEvent(
  m: EntityManager,
  app: HardshipApplication,
  actor: HardshipActor | { kind: "system" },
  type: string,
  reason: string | null,
  details: Record<string, unknown> | null = null,
): Promise<HardshipEvent> {
  const ev = await m.getRepository(HardshipEvent).save(
    Object.assign(new HardshipEvent(), {
      applicationId: app.id,
      type,
      actorKind: actor.kind,
      actorId: actor.kind === "system" ? null : actor.id,
      actorName: actor.kind === "staff" ? actor.name.slice(0, 64) : null,
      reason: reason ? reason.slice(0, 200) : null,
      details,
    }),
  );
  // the resident hears of every step (我的消息); the job is once per event
  await enqueue(m, HARDSHIP_NOTIFY_JOB, { eventId: ev.id }, { dedupeKey: `notify:hardship:${ev.id}` });
  return ev;
}

function termsOf(kind: string, value: number): HardshipTerms {
  return kind === "deferral" ? { kind: "deferral", months: value } : { kind: "instalments", count: value };
}
const termsValue = (t: HardshipTerms) => (t.kind === "deferral" ? t.months : t.count);

function checkTerms(t: HardshipTerms): void {
  const code = termsError(t);
  if (code) throw new AppError(code);
}

/** the account's bills with principal still owed today (the default cover of an application) */
async function chooseBills(m: EntityManager, accountId: number, wanted: number[] | undefined, today: BizDate) {
  const own = await m.getRepository(Bill).find({ select: { id: true }, where: { accountId } });
  const ids = wanted?.length ? [...new Set(wanted)] : own.map((b) => b.id);
  if (wanted?.length && ids.some((id) => !own.some((b) => b.id === id))) throw new AppError("HARDSHIP_BILL_INVALID");
  const state = ids.length ? await coveredBillsState(m, ids, today) : [];
  const owing = state.filter((b) => b.principalOwedFen > 0);
  if (wanted?.length && owing.length !== ids.length) throw new AppError("HARDSHIP_BILL_INVALID");
  if (owing.length === 0) throw new AppError("HARDSHIP_NOTHING_OWED");
  return {
    billIds: owing.map((b) => b.billId).sort((a, b) => a - b),
    principalFen: sum(owing.map((b) => b.principalOwedFen)),
  };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * A new application for one account: by its resident (the account must be bound to them: otherwise the
 * same 404 as a missing account) or by a hotline agent / grid worker on the resident's behalf.
 * One open application per account (a unique key on open_account_id; HARDSHIP_OPEN_EXISTS).
 */
export async function createApplication(
  deps: Deps,
  ctx: Context,
  actor: HardshipActor,
  input: CreateHardshipApplicationInput & { channel?: "hotline" | "grid_worker" },
): Promise<HardshipApplicationDetail> {
  if (actor.kind === "resident") await deps.access.require(ctx.state.auth, "account.read", input.accountId);
  const account = await deps.ds.getRepository(HeatingAccount).findOneBy({ id: input.accountId });
  if (!account) throw new AppError("ACCOUNT_NOT_FOUND");
  checkTerms(input.terms);
  const channel: HardshipChannel = actor.kind === "resident" ? "miniapp" : (input.channel ?? "hotline");
  const today = shanghaiDate(new Date());
  let id: number;
  try {
    id = await deps.ds.transaction(async (m) => {
      const open = await m
        .getRepository(HardshipApplication)
        .countBy({ accountId: account.id, status: In([...OPEN_HARDSHIP_APP_STATUSES]) });
      if (open > 0) throw new AppError("HARDSHIP_OPEN_EXISTS");
      const cover = await chooseBills(m, account.id, input.billIds, today);
      if (input.terms.kind === "instalments" && cover.principalFen < input.terms.count) {
        throw new AppError("HARDSHIP_NOTHING_OWED");
      }
      const now = new Date();
      const app = await m.getRepository(HardshipApplication).save(
        Object.assign(new HardshipApplication(), {
          applicationNo: `tmp-${randomUUID().slice(0, 20)}`,
          accountId: account.id,
          openAccountId: account.id,
          communityId: account.communityId,
          status: "pending_community",
          channel,
          residentUserId: actor.kind === "resident" ? actor.id : null,
          createdByStaffId: actor.kind === "staff" ? actor.id : null,
          category: input.category,
          categoryReason: input.categoryReason || null,
          certificateNoEnc: deps.vault.encrypt(input.certificateNo?.toUpperCase()),
          contactPhoneEnc: deps.vault.encrypt(input.contactPhone),
          requestedKind: input.terms.kind,
          requestedValue: termsValue(input.terms),
          grantedKind: null,
          grantedValue: null,
          billIds: cover.billIds,
          principalFen: cover.principalFen,
          note: input.note || null,
          waitingSince: now,
          communityReviewerId: null,
          communityReviewedAt: null,
          centerReviewerId: null,
          decidedAt: null,
        }),
      );
      app.applicationNo = `KN${today.replaceAll("-", "")}-${String(app.id).padStart(6, "0")}`;
      await m.getRepository(HardshipApplication).update({ id: app.id }, { applicationNo: app.applicationNo });
      await claimAttachments(m, actor, input.attachmentIds ?? [], app.id);
      await addEvent(m, app, actor, "submitted", input.note ?? null, {
        channel,
        terms: input.terms,
        principalFen: cover.principalFen,
      });
      await audit(m, ctx, {
        action: "hardship.apply",
        targetType: "hardship_application",
        targetId: app.id,
        details: {
          accountId: account.id,
          hardshipChannel: channel,
          planKind: input.terms.kind,
          planPrincipalFen: cover.principalFen,
        },
      });
      return app.id;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("HARDSHIP_OPEN_EXISTS"); // a parallel application won
    throw err;
  }
  deps.jobs.kick();
  return detailOf(deps, id, actor, rolesOf(ctx));
}

/** Withdrawal by the applicant (or staff for them) before the final decision. */
export async function withdrawApplication(
  deps: Deps,
  ctx: Context,
  actor: HardshipActor,
  id: number,
  reason: string | undefined,
): Promise<HardshipApplicationDetail> {
  await deps.ds.transaction(async (m) => {
    const app = await lockedApplication(m, id);
    if (app.status === "withdrawn") throw new AppError("HARDSHIP_WITHDRAWN");
    if (!OPEN_HARDSHIP_APP_STATUSES.includes(app.status)) throw new AppError("HARDSHIP_ALREADY_DECIDED");
    await m
      .getRepository(HardshipApplication)
      .update({ id }, { status: "withdrawn", openAccountId: null, waitingSince: null, decidedAt: new Date() });
    await addEvent(m, app, actor, "withdrawn", reason ?? null);
    await audit(m, ctx, {
      action: "hardship.withdraw",
      targetType: "hardship_application",
      targetId: id,
      details: { accountId: app.accountId, reason: reason ?? null },
    });
  });
  deps.jobs.kick();
  return detailOf(deps, id, actor, rolesOf(ctx));
}

function stepGuard(app: HardshipApplication, want: "pending_community" | "pending_center"): void {
  if (app.status === "withdrawn") throw new AppError("HARDSHIP_WITHDRAWN");
  if (app.status !== want) throw new AppError("HARDSHIP_ALREADY_DECIDED");
}

/** 社区初审: approve (on to the centre) or reject, with a reason. */
export async function communityReview(
  deps: Deps,
  ctx: Context,
  id: number,
  input: CommunityReviewInput,
): Promise<HardshipApplicationDetail> {
  const actor = await staffActorOf(deps, ctx);
  await deps.ds.transaction(async (m) => {
    const app = await lockedApplication(m, id);
    stepGuard(app, "pending_community");
    const now = new Date();
    const approve = input.decision === "approve";
    await m.getRepository(HardshipApplication).update(
      { id },
      approve
        ? { status: "pending_center", communityReviewerId: actor.id, communityReviewedAt: now, waitingSince: now }
        : {
            status: "rejected",
            communityReviewerId: actor.id,
            communityReviewedAt: now,
            waitingSince: null,
            openAccountId: null,
            decidedAt: now,
          },
    );
    await addEvent(m, app, actor, approve ? "community_approved" : "community_rejected", input.reason);
    await audit(m, ctx, {
      action: approve ? "hardship.community_approve" : "hardship.community_reject",
      targetType: "hardship_application",
      targetId: id,
      details: { accountId: app.accountId, reason: input.reason },
    });
  });
  deps.jobs.kick();
  return detailOf(deps, id, actor, rolesOf(ctx));
}

/** The instalments of granted terms: the rule's split, or the reviewer's own amounts if they add up. */
function scheduleOf(
  terms: HardshipTerms,
  principalFen: number,
  today: BizDate,
  spacingMonths: number,
  amountsFen: number[] | undefined,
  deferredUntil: BizDate | null,
): { seq: number; amountFen: number; dueDate: BizDate }[] {
  if (terms.kind === "deferral") {
    if (amountsFen?.length) throw new AppError("HARDSHIP_AMOUNTS_MISMATCH");
    return [{ seq: 1, amountFen: principalFen, dueDate: deferredUntil as BizDate }];
  }
  if (principalFen < terms.count) throw new AppError("HARDSHIP_NOTHING_OWED");
  const base = instalmentSchedule(principalFen, terms.count, today, spacingMonths);
  if (!amountsFen) return base;
  if (amountsFen.length !== terms.count) throw new AppError("HARDSHIP_AMOUNTS_MISMATCH");
  if (sum(amountsFen) !== principalFen) throw new AppError("HARDSHIP_AMOUNTS_MISMATCH", { principalFen });
  return base.map((b, k) => ({ ...b, amountFen: amountsFen[k] as number }));
}

/**
 * 供热中心复核: reject, or approve (as requested or with changed terms within the rules). The same person
 * may not do both steps. Approval makes the plan: late fees on the covered bills are waived from today
 * (recorded per bill, audited) and a deferral moves their due dates.
 */
export async function centerReview(
  deps: Deps,
  ctx: Context,
  id: number,
  input: CenterReviewInput,
): Promise<HardshipApplicationDetail> {
  const actor = await staffActorOf(deps, ctx);
  const { graceDays, spacingMonths } = deps.config.hardship;
  await deps.ds.transaction(async (m) => {
    const app = await lockedApplication(m, id);
    stepGuard(app, "pending_center");
    if (app.communityReviewerId === actor.id) throw new AppError("HARDSHIP_SAME_REVIEWER");
    const now = new Date();
    if (input.decision === "reject") {
      await m
        .getRepository(HardshipApplication)
        .update(
          { id },
          { status: "rejected", centerReviewerId: actor.id, waitingSince: null, openAccountId: null, decidedAt: now },
        );
      await addEvent(m, app, actor, "center_rejected", input.reason);
      await audit(m, ctx, {
        action: "hardship.center_reject",
        targetType: "hardship_application",
        targetId: id,
        details: { accountId: app.accountId, reason: input.reason },
      });
      return;
    }
    const terms = input.terms ?? termsOf(app.requestedKind, app.requestedValue);
    checkTerms(terms);
    if (input.amountsFen && terms.kind === "instalments" && input.amountsFen.length !== terms.count) {
      throw new AppError(
        input.amountsFen.length < INSTALMENT_COUNTS.min || input.amountsFen.length > INSTALMENT_COUNTS.max
          ? "HARDSHIP_INSTALMENT_COUNT"
          : "HARDSHIP_AMOUNTS_MISMATCH",
      );
    }
    const today = shanghaiDate(now);
    const state = (await coveredBillsState(m, app.billIds, today)).filter((b) => b.principalOwedFen > 0);
    const principalFen = sum(state.map((b) => b.principalOwedFen));
    if (principalFen === 0) throw new AppError("HARDSHIP_NOTHING_OWED");
    const deferredUntil =
      terms.kind === "deferral"
        ? (state
            .map((b) => deferredDueDate(b.dueDate, today, terms.months))
            .sort()
            .at(-1) ?? null)
        : null;
    const schedule = scheduleOf(terms, principalFen, today, spacingMonths, input.amountsFen, deferredUntil);
    const reason = `困难群众${terms.kind === "deferral" ? "缓缴" : "分期"}免缴滞纳金（申请 ${app.applicationNo}）`;
    const relief = await startHardshipRelief(
      m,
      state.map((b) => b.billId),
      {
        asOf: today,
        staffUserId: actor.id,
        reason,
        newDueDate: terms.kind === "deferral" ? (due) => deferredDueDate(due, today, terms.months) : undefined,
      },
    );
    const waived = sum(relief.map((r) => r.lateFeeWaivedFen));
    const plan = await m.getRepository(PaymentPlan).save(
      Object.assign(new PaymentPlan(), {
        applicationId: app.id,
        accountId: app.accountId,
        kind: terms.kind,
        status: "active",
        principalFen,
        baselinePaidFen: sum(relief.map((r) => r.settledFen)),
        billIds: relief.map((r) => r.billId),
        startDate: today,
        deferralMonths: terms.kind === "deferral" ? terms.months : null,
        deferredUntil,
        lateFeeWaivedFen: waived,
        graceDays,
        defaultedOn: null,
        missedDueDate: null,
        reinstated: false,
        reinstateReason: null,
        closedAt: null,
      }),
    );
    await m
      .getRepository(PlanInstalment)
      .insert(schedule.map((s) => ({ planId: plan.id, seq: s.seq, amountFen: s.amountFen, dueDate: s.dueDate })));
    await m.getRepository(HardshipApplication).update(
      { id },
      {
        status: "approved",
        centerReviewerId: actor.id,
        grantedKind: terms.kind,
        grantedValue: termsValue(terms),
        waitingSince: null,
        openAccountId: null,
        decidedAt: now,
      },
    );
    const changed = terms.kind !== app.requestedKind || termsValue(terms) !== app.requestedValue || !!input.amountsFen;
    await addEvent(m, app, actor, "center_approved", input.reason, {
      terms,
      termsChanged: changed,
      principalFen,
      lateFeeWaivedFen: waived,
      instalments: schedule,
    });
    await audit(m, ctx, {
      action: "hardship.center_approve",
      targetType: "hardship_application",
      targetId: id,
      details: {
        accountId: app.accountId,
        reason: input.reason,
        planKind: terms.kind,
        planPrincipalFen: principalFen,
        termsChanged: changed,
      },
    });
    for (const r of relief) {
      await audit(m, ctx, {
        action: "bill.hardship_relief",
        targetType: "bill",
        targetId: r.billId,
        details: { lateFeeFen: r.lateFeeWaivedFen, reason, dueDate: r.dueDate, planId: plan.id },
      });
    }
  });
  deps.jobs.kick();
  return detailOf(deps, id, actor, rolesOf(ctx));
}

/** money applied to a plan's bills since approval */
export async function paidSinceStart(m: EntityManager, plan: PaymentPlan, asOf: BizDate): Promise<number> {
  const state = await coveredBillsState(m, plan.billIds, asOf);
  return Math.max(0, sum(state.map((b) => b.settledFen)) - plan.baselinePaidFen);
}

/**
 * Brings one active plan up to date on `asOf`: completed when every instalment is paid; in default when
 * one is unpaid after the grace period — late fees then resume on the covered bills from the missed due
 * date. Idempotent (a plan that is no longer active is left alone). Returns the new status.
 */
export async function settlePlan(
  deps: Pick<Deps, "ds">,
  planId: number,
  asOf: BizDate,
): Promise<"active" | "completed" | "defaulted"> {
  return deps.ds.transaction(async (m) => {
    const qb = m.getRepository(PaymentPlan).createQueryBuilder("p").where("p.id = :planId", { planId });
    if (m.connection.options.type !== "better-sqlite3") qb.setLock("pessimistic_write");
    const plan = await qb.getOne();
    if (!plan) throw new AppError("HARDSHIP_PLAN_NOT_FOUND");
    if (plan.status !== "active") return plan.status;
    const instalments = await m.getRepository(PlanInstalment).find({ where: { planId }, order: { seq: "ASC" } });
    const standing = planStanding(instalments, await paidSinceStart(m, plan, asOf), asOf, plan.graceDays);
    if (standing.status === "active") return "active";
    const app = await m.getRepository(HardshipApplication).findOneByOrFail({ id: plan.applicationId });
    if (standing.status === "completed") {
      await m.getRepository(PaymentPlan).update({ id: planId }, { status: "completed", closedAt: new Date() });
      await addEvent(m, app, { kind: "system" }, "plan_completed", null, { planId });
      return "completed";
    }
    await m
      .getRepository(PaymentPlan)
      .update({ id: planId }, { status: "defaulted", defaultedOn: asOf, missedDueDate: standing.missedDueDate });
    const resumed = await resumeLateFeeFrom(m, plan.billIds, standing.missedDueDate);
    await addEvent(m, app, { kind: "system" }, "plan_defaulted", null, {
      planId,
      missedSeq: standing.missedSeq,
      missedDueDate: standing.missedDueDate,
      lateFeeResumedBills: resumed,
    });
    return "defaulted";
  });
}

export function rolesOf(ctx: Context): readonly string[] {
  const a = ctx.state.auth;
  return a?.kind === "staff" ? a.roles : [];
}

/**
 * A reviewer reinstates a defaulted plan, once, with a reason: the instalments not fully paid get new due
 * dates (the k-th of them k × spacing months after today, month ends clamped), late fees that accrued in
 * default are waived (recorded per bill, audited) and the bills are exempt again.
 */
export async function reinstatePlan(deps: Deps, ctx: Context, planId: number, reason: string) {
  const actor = await staffActorOf(deps, ctx);
  const today = shanghaiDate(new Date());
  const applicationId = await deps.ds.transaction(async (m) => {
    const qb = m.getRepository(PaymentPlan).createQueryBuilder("p").where("p.id = :planId", { planId });
    if (m.connection.options.type !== "better-sqlite3") qb.setLock("pessimistic_write");
    const plan = await qb.getOne();
    if (!plan) throw new AppError("HARDSHIP_PLAN_NOT_FOUND");
    if (plan.status !== "defaulted") throw new AppError("HARDSHIP_PLAN_NOT_DEFAULTED");
    if (plan.reinstated) throw new AppError("HARDSHIP_REINSTATE_USED");
    const app = await m.getRepository(HardshipApplication).findOneByOrFail({ id: plan.applicationId });
    const instalments = await m.getRepository(PlanInstalment).find({ where: { planId }, order: { seq: "ASC" } });
    const paid = allocateToInstalments(
      instalments.map((i) => i.amountFen),
      await paidSinceStart(m, plan, today),
    );
    let k = 0;
    const moved: { seq: number; dueDate: string }[] = [];
    for (const [idx, inst] of instalments.entries()) {
      if ((paid[idx] ?? 0) >= inst.amountFen) continue;
      k += 1;
      const dueDate = addMonthsClamped(today, k * deps.config.hardship.spacingMonths);
      await m.getRepository(PlanInstalment).update({ id: inst.id }, { dueDate });
      moved.push({ seq: inst.seq, dueDate });
    }
    const billReason = `困难计划恢复执行，免缴违约期间滞纳金（申请 ${app.applicationNo}）`;
    const newDue = plan.kind === "deferral" ? moved[0]?.dueDate : undefined;
    const relief = await startHardshipRelief(m, plan.billIds, {
      asOf: today,
      staffUserId: actor.id,
      reason: billReason,
      newDueDate: newDue ? () => newDue : undefined,
    });
    const waived = sum(relief.map((r) => r.lateFeeWaivedFen));
    await m.getRepository(PaymentPlan).update(
      { id: planId },
      {
        status: "active",
        reinstated: true,
        reinstateReason: reason,
        defaultedOn: null,
        lateFeeWaivedFen: plan.lateFeeWaivedFen + waived,
        deferredUntil: plan.kind === "deferral" ? (moved[0]?.dueDate ?? plan.deferredUntil) : plan.deferredUntil,
      },
    );
    await addEvent(m, app, actor, "plan_reinstated", reason, { planId, instalments: moved, lateFeeWaivedFen: waived });
    await audit(m, ctx, {
      action: "hardship.reinstate",
      targetType: "payment_plan",
      targetId: planId,
      details: { accountId: plan.accountId, reason, lateFeeFen: waived },
    });
    for (const r of relief) {
      await audit(m, ctx, {
        action: "bill.hardship_relief",
        targetType: "bill",
        targetId: r.billId,
        details: { lateFeeFen: r.lateFeeWaivedFen, reason: billReason, dueDate: r.dueDate, planId },
      });
    }
    return plan.applicationId;
  });
  deps.jobs.kick();
  return detailOf(deps, applicationId, actor, rolesOf(ctx));
}

/** Every active plan brought up to date (the periodic job): defaults after grace, completions. */
export const PLAN_CHECK_JOB = "hardship.plan_check";
export const PlanCheckPayloadSchema = z.object({ accountId: z.number().int().positive() });

/**
 * After money is applied to an account (online, counter, 代缴, flagged money allocated): its active plans are
 * settled now, so the last instalment closes the plan at once instead of at the next hourly sweep. Enqueue
 * with `enqueuePlanCheck` in the transaction that applies the money; idempotent (settlePlan is).
 */
export async function checkPlansAfterPayment(
  deps: Pick<Deps, "ds">,
  accountId: number,
  asOf: BizDate = shanghaiDate(new Date()),
): Promise<void> {
  const plans = await deps.ds
    .getRepository(PaymentPlan)
    .find({ select: { id: true }, where: { accountId, status: "active" } });
  for (const p of plans) await settlePlan(deps, p.id, asOf);
}

export async function enqueuePlanCheck(m: EntityManager, accountId: number, paymentOrderId: number): Promise<void> {
  await enqueue(m, PLAN_CHECK_JOB, { accountId }, { dedupeKey: `hardship:plan-check:${paymentOrderId}` });
}

export async function sweepPlans(deps: Pick<Deps, "ds">, asOf: BizDate = shanghaiDate(new Date())): Promise<number> {
  const active = await deps.ds.getRepository(PaymentPlan).find({ select: { id: true }, where: { status: "active" } });
  let changed = 0;
  for (const p of active) if ((await settlePlan(deps, p.id, asOf)) !== "active") changed += 1;
  return changed;
}

/** the signed-in staff member, with the name the timeline shows */
export async function staffActorOf(deps: Pick<Deps, "ds">, ctx: Context): Promise<HardshipActor & { kind: "staff" }> {
  const s = staffAuth(ctx);
  const user = await deps.ds.getRepository(StaffUser).findOneBy({ id: s.id });
  return { kind: "staff", id: s.id, name: user?.displayName ?? `#${s.id}` };
}

export async function detailOf(
  deps: Deps,
  id: number,
  actor: HardshipActor,
  roles: readonly string[] = [],
): Promise<HardshipApplicationDetail> {
  const app = await deps.ds.getRepository(HardshipApplication).findOneBy({ id });
  if (!app) throw new AppError("HARDSHIP_NOT_FOUND");
  return presentDetail(deps, app, actor, roles);
}

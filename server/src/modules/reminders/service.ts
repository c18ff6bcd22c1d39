import {
  type CampaignState,
  type CampaignView,
  normalizePhone,
  REMINDER_INSTALLMENT_HINT,
  REMINDER_HOTLINE,
  shanghaiDate,
  type ReminderView,
} from "@warmline/shared";
import { randomUUID } from "node:crypto";
import type { Context } from "koa";
import { type DataSource, In } from "typeorm";
import type { Deps } from "../../deps";
import { staffAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { enqueue } from "../../jobs/outbox";
import { driverOf } from "../../db/dataSource";
import { HeatingAccount } from "../accounts";
import { audit } from "../audit";
import { appendChained } from "../evidence";
import { hardshipStatus } from "../hardship";
import { arrearsOf } from "./arrears";
import { Reminder, ReminderAttempt, ReminderCampaign, ReminderHold, ReminderOptOut, VisitTask } from "./entities";
import { PLAN_JOB } from "./jobs";
import { currentLadder } from "./ladder";
import { campaignCounts, openCampaign } from "./planning";
import { REMINDER_SEND_JOB } from "./visitTasks";
import { ARREARS_TEMPLATE } from "./sending";
import { ResidentUser } from "../residents";
import { SubscribeConsent } from "../tickets";
import { dueStep, gradeOf, arrearsAge, isSoftTrack } from "@warmline/shared";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

// ---- campaigns -----------------------------------------------------------------------------------

export async function presentCampaigns(ds: DataSource, rows: ReminderCampaign[]): Promise<CampaignView[]> {
  const live = await campaignCounts(
    ds,
    rows.filter((c) => c.state !== "done").map((c) => c.id),
  );
  return rows.map((c) => {
    const counts =
      live.get(c.id) ??
      ({
        planned: 0,
        sending: 0,
        sent: c.sentCount,
        delivered: c.deliveredCount,
        failed: c.failedCount,
        suppressed: c.suppressedCount,
        total: c.plannedCount,
      } as Record<string, number>);
    return {
      id: c.id,
      kind: c.kind,
      planDate: c.planDate,
      state: c.state,
      ladderVersion: c.ladderVersion,
      startedBy: c.startedBy,
      createdAt: c.createdAt.toISOString(),
      finishedAt: iso(c.finishedAt),
      counts: {
        planned: counts.planned ?? 0,
        sending: counts.sending ?? 0,
        sent: counts.sent ?? 0,
        delivered: counts.delivered ?? 0,
        failed: counts.failed ?? 0,
        suppressed: counts.suppressed ?? 0,
        total: counts.total ?? 0,
      },
    };
  });
}

export async function listCampaigns(ds: DataSource, q: { page: number; pageSize: number; state?: CampaignState }) {
  const [rows, total] = await ds.getRepository(ReminderCampaign).findAndCount({
    where: q.state ? { state: q.state } : {},
    order: { id: "DESC" },
    skip: (q.page - 1) * q.pageSize,
    take: q.pageSize,
  });
  return { items: await presentCampaigns(ds, rows), total, page: q.page, pageSize: q.pageSize };
}

export async function getCampaign(ds: DataSource, id: number): Promise<CampaignView> {
  const c = await ds.getRepository(ReminderCampaign).findOneBy({ id });
  if (!c) throw new AppError("CAMPAIGN_NOT_FOUND");
  return (await presentCampaigns(ds, [c]))[0] as CampaignView;
}

/** 立即发起一次提醒批次 (supervisor): a campaign row now, its planning as a job. Audited. */
export async function startCampaignNow(deps: Deps, ctx: Context): Promise<CampaignView> {
  const staff = staffAuth(ctx);
  const date = shanghaiDate(new Date());
  const c = await openCampaign(deps.ds, deps, {
    planKey: `manual:${date}:${randomUUID().slice(0, 8)}`,
    kind: "manual",
    planDate: date,
    startedBy: staff.id,
  });
  await deps.ds.transaction(async (m) => {
    await enqueue(m, PLAN_JOB, { campaignId: c.id }, { dedupeKey: `${PLAN_JOB}:${c.id}` });
    await audit(m, ctx, { action: "reminder.campaign_start", targetType: "reminder_campaign", targetId: c.id });
  });
  return getCampaign(deps.ds, c.id);
}

const TRANSITIONS: Record<"pause" | "resume" | "cancel", { from: CampaignState[]; to: CampaignState }> = {
  pause: { from: ["running"], to: "paused" },
  resume: { from: ["paused"], to: "running" },
  cancel: { from: ["running", "paused"], to: "cancelled" },
};

/**
 * 暂停 / 继续 / 取消 a campaign. Pausing stops sends at their next turn (a message already with a vendor
 * finishes); resuming enqueues a fresh send job for every reminder still planned (dedupe key with the
 * resume turn); cancelling records every planned reminder as suppressed (campaign_cancelled). Audited.
 */
export async function changeCampaign(
  ds: DataSource,
  ctx: Context,
  id: number,
  action: "pause" | "resume" | "cancel",
): Promise<CampaignView> {
  const t = TRANSITIONS[action];
  await ds.transaction(async (m) => {
    const c = await m.getRepository(ReminderCampaign).findOneBy({ id });
    if (!c) throw new AppError("CAMPAIGN_NOT_FOUND");
    const moved = await m
      .createQueryBuilder()
      .update(ReminderCampaign)
      .set({
        state: t.to,
        ...(action === "resume" ? { resumeCount: () => "resume_count + 1" } : {}),
        ...(action === "cancel" ? { finishedAt: new Date() } : {}),
      })
      .where("id = :id AND state IN (:...from)", { id, from: t.from })
      .execute();
    if (!moved.affected) throw new AppError("CAMPAIGN_STATE_CONFLICT", { state: c.state });
    if (action === "resume") {
      const turn = c.resumeCount + 1;
      const waiting = await m.getRepository(Reminder).find({
        select: { id: true },
        where: { campaignId: id, status: In(["planned", "sending"]) },
      });
      for (const r of waiting) {
        await enqueue(
          m,
          REMINDER_SEND_JOB,
          { reminderId: r.id },
          { dedupeKey: `${REMINDER_SEND_JOB}:${r.id}:r${turn}` },
        );
      }
    }
    if (action === "cancel") {
      await m
        .createQueryBuilder()
        .update(Reminder)
        .set({ status: "suppressed", suppressionReason: "campaign_cancelled", finishedAt: new Date() })
        .where("campaign_id = :id AND status = 'planned'", { id })
        .execute();
    }
    await audit(m, ctx, { action: `reminder.campaign_${action}`, targetType: "reminder_campaign", targetId: id });
  });
  return getCampaign(ds, id);
}

// ---- reminders of an account ---------------------------------------------------------------------

export async function presentReminders(
  ds: DataSource,
  rows: Reminder[],
  withAttempts: boolean,
): Promise<ReminderView[]> {
  const attempts =
    withAttempts && rows.length
      ? await ds
          .getRepository(ReminderAttempt)
          .find({ where: { reminderId: In(rows.map((r) => r.id)) }, order: { id: "ASC" } })
      : [];
  return rows.map((r) => ({
    id: r.id,
    campaignId: r.campaignId,
    accountId: r.accountId,
    stepKey: r.stepKey,
    seasonCode: r.seasonCode,
    grade: r.grade,
    soft: r.soft,
    chain: r.chain.split(",").filter(Boolean) as ReminderView["chain"],
    template: r.template,
    status: r.status,
    channel: r.channel,
    text: r.text,
    vendorMessageId: r.vendorMessageId,
    owedFen: r.owedAtSendFen ?? r.owedFen,
    suppressionReason: r.suppressionReason,
    failureReason: r.failureReason,
    plannedAt: r.createdAt.toISOString(),
    sentAt: iso(r.sentAt),
    finishedAt: iso(r.finishedAt),
    ...(withAttempts
      ? {
          attempts: attempts
            .filter((a) => a.reminderId === r.id)
            .map((a) => ({
              channel: a.channel,
              outcome: a.outcome,
              detail: a.detail,
              vendorMessageId: a.vendorMessageId,
              at: a.at.toISOString(),
            })),
        }
      : {}),
  }));
}

/** 催缴记录 of one account: every reminder, newest first, with its attempts. */
export async function accountReminders(ds: DataSource, accountId: number, q: { page: number; pageSize: number }) {
  const account = await ds.getRepository(HeatingAccount).findOneBy({ id: accountId });
  if (!account) throw new AppError("ACCOUNT_NOT_FOUND");
  const [rows, total] = await ds.getRepository(Reminder).findAndCount({
    where: { accountId },
    order: { id: "DESC" },
    skip: (q.page - 1) * q.pageSize,
    take: q.pageSize,
  });
  return { items: await presentReminders(ds, rows, true), total, page: q.page, pageSize: q.pageSize };
}

/**
 * 单户提醒 from the account page: the step due for the account now (or, when none is, the grade's text)
 * as a reminder of a "single" campaign, sent through the same job and the same checks. One per account
 * per day (its unique key). Audited.
 */
export async function sendOne(deps: Deps, ctx: Context, accountId: number, note: string | null): Promise<ReminderView> {
  const { ds, config } = deps;
  const staff = staffAuth(ctx);
  const account = await ds.getRepository(HeatingAccount).findOneBy({ id: accountId });
  if (!account) throw new AppError("ACCOUNT_NOT_FOUND");
  const today = shanghaiDate(new Date());
  const ar = await arrearsOf(ds, accountId, today);
  if (!ar.oldestDueDate || !ar.oldestSeason || ar.owedFen < config.reminders.thresholds.minOwedFen) {
    throw new AppError("REMINDER_NOTHING_OWED");
  }
  const ladder = (await currentLadder(ds, config)).definition;
  const state = { oldestDueDate: ar.oldestDueDate, owedFen: ar.owedFen };
  const grade = gradeOf(state, today, config.reminders.thresholds) ?? "notice";
  const step = dueStep(ladder.steps, grade, arrearsAge(state, today));
  const status = await hardshipStatus(ds, accountId);
  const soft = isSoftTrack({
    hardshipCategory: account.hardshipCategory,
    hardshipStatus: status,
    openHeatingComplaint: false,
  });
  const template = soft
    ? "soft"
    : (step?.template ?? (grade === "notice" ? "due" : grade === "serious" ? "serious" : "overdue"));
  const stepKey = `single_${today.replaceAll("-", "")}`;
  const c = await openCampaign(ds, deps, {
    planKey: `single:${accountId}:${today}`,
    kind: "single",
    planDate: today,
    startedBy: staff.id,
  });
  const id = await ds.transaction(async (m) => {
    const exists = await m
      .getRepository(Reminder)
      .findOneBy({ accountId, stepKey, seasonCode: ar.oldestSeason as string });
    if (exists) throw new AppError("REMINDER_ALREADY_TODAY");
    const inserted = await m.getRepository(Reminder).insert({
      campaignId: c.id,
      accountId,
      stepKey,
      seasonCode: ar.oldestSeason as string,
      grade,
      soft,
      // a single reminder is a message: subscribe → SMS (a visit task is the ladder's business)
      chain: "subscribe,sms",
      chainIndex: 0,
      template,
      review: false,
      status: "planned",
      owedFen: ar.owedFen,
      plannedFor: today,
      createdBy: staff.id,
    });
    const rid = Number(inserted.identifiers[0]?.id);
    await appendChained(m, "reminders", accountId);
    await enqueue(m, REMINDER_SEND_JOB, { reminderId: rid }, { dedupeKey: `${REMINDER_SEND_JOB}:${rid}:0` });
    await m.getRepository(ReminderCampaign).update({ id: c.id }, { planningDone: true });
    await audit(m, ctx, {
      action: "reminder.send_one",
      targetType: "account",
      targetId: accountId,
      details: { reminderId: rid, grade, soft, ...(note ? { note } : {}) },
    });
    return rid;
  });
  const row = await ds.getRepository(Reminder).findOneByOrFail({ id });
  return (await presentReminders(ds, [row], true))[0] as ReminderView;
}

// ---- 不宜催缴 ------------------------------------------------------------------------------------

function presentHold(h: ReminderHold) {
  return {
    id: h.id,
    accountId: h.accountId,
    reason: h.reason,
    createdBy: h.createdBy,
    createdAt: h.createdAt.toISOString(),
    releasedAt: iso(h.releasedAt),
    releasedBy: h.releasedBy,
    releaseReason: h.releaseReason,
  };
}

export async function reminderState(deps: Deps, accountId: number) {
  const account = await deps.ds.getRepository(HeatingAccount).findOneBy({ id: accountId });
  if (!account) throw new AppError("ACCOUNT_NOT_FOUND");
  const hold = await deps.ds.getRepository(ReminderHold).findOneBy({ activeAccountId: accountId });
  const optedOut = account.phoneBidx
    ? (await deps.ds.getRepository(ReminderOptOut).countBy({ phoneBidx: account.phoneBidx, channel: "sms" })) > 0
    : false;
  return { hold: hold ? presentHold(hold) : null, smsOptedOut: optedOut };
}

export async function markHold(deps: Deps, ctx: Context, accountId: number, reason: string) {
  const staff = staffAuth(ctx);
  const account = await deps.ds.getRepository(HeatingAccount).findOneBy({ id: accountId });
  if (!account) throw new AppError("ACCOUNT_NOT_FOUND");
  await deps.ds.transaction(async (m) => {
    if (await m.getRepository(ReminderHold).countBy({ activeAccountId: accountId }))
      throw new AppError("REMINDER_HOLD_EXISTS");
    try {
      await m
        .getRepository(ReminderHold)
        .insert({ accountId, activeAccountId: accountId, reason, createdBy: staff.id });
    } catch {
      throw new AppError("REMINDER_HOLD_EXISTS");
    }
    await audit(m, ctx, { action: "reminder.hold", targetType: "account", targetId: accountId, details: { reason } });
  });
  return reminderState(deps, accountId);
}

export async function releaseHold(deps: Deps, ctx: Context, accountId: number, reason: string) {
  const staff = staffAuth(ctx);
  await deps.ds.transaction(async (m) => {
    const r = await m
      .createQueryBuilder()
      .update(ReminderHold)
      .set({ activeAccountId: null, releasedAt: new Date(), releasedBy: staff.id, releaseReason: reason })
      .where("active_account_id = :accountId", { accountId })
      .execute();
    if (!r.affected) throw new AppError("REMINDER_HOLD_NOT_FOUND");
    await audit(m, ctx, { action: "reminder.unhold", targetType: "account", targetId: accountId, details: { reason } });
  });
  return reminderState(deps, accountId);
}

// ---- 退订 ----------------------------------------------------------------------------------------

/** the keywords a resident replies with to stop reminder texts (退订 / TD / T / N) */
export const SMS_STOP_KEYWORDS = ["TD", "T", "N", "退订", "取消", "退定"];

/**
 * An inbound text (上行短信): a stop keyword records an SMS opt-out for the number (idempotent). Returns
 * whether it was one.
 */
export async function smsInbound(deps: Deps, phone: string, content: string): Promise<boolean> {
  const word = content.trim().toUpperCase();
  if (!SMS_STOP_KEYWORDS.includes(word)) return false;
  const bidx = deps.vault.blindIndex("phone", normalizePhone(phone));
  if (!bidx) return false;
  const insert = deps.ds
    .createQueryBuilder()
    .insert()
    .into(ReminderOptOut)
    .values({ phoneBidx: bidx, channel: "sms", source: "sms_keyword", detail: word.slice(0, 64) })
    .updateEntity(false);
  if (driverOf(deps.ds) === "mysql") await insert.orUpdate(["channel"], ["phone_bidx", "channel"]).execute();
  else await insert.orUpdate([], ["phone_bidx", "channel"]).execute();
  return true;
}

// ---- visit tasks ---------------------------------------------------------------------------------

export async function listVisitTasks(
  ds: DataSource,
  scope: number[] | null,
  q: { page: number; pageSize: number; status?: VisitTask["status"]; accountId?: number },
) {
  if (scope !== null && scope.length === 0) return { items: [], total: 0, page: q.page, pageSize: q.pageSize };
  const where: Record<string, unknown> = {};
  if (scope !== null) where.communityId = In(scope);
  if (q.status) where.status = q.status;
  if (q.accountId) where.accountId = q.accountId;
  const [rows, total] = await ds.getRepository(VisitTask).findAndCount({
    where,
    order: { dueDate: "ASC", id: "ASC" },
    skip: (q.page - 1) * q.pageSize,
    take: q.pageSize,
  });
  return { items: await presentVisitTasks(ds, rows), total, page: q.page, pageSize: q.pageSize };
}

export async function presentVisitTasks(ds: DataSource, rows: VisitTask[]) {
  const accounts = rows.length
    ? await ds.getRepository(HeatingAccount).find({
        select: { id: true, accountNo: true, address: true },
        where: { id: In([...new Set(rows.map((r) => r.accountId))]) },
      })
    : [];
  const byId = new Map(accounts.map((a) => [a.id, a]));
  return rows.map((t) => ({
    id: t.id,
    accountId: t.accountId,
    accountNo: byId.get(t.accountId)?.accountNo ?? null,
    address: byId.get(t.accountId)?.address ?? null,
    communityId: t.communityId,
    source: t.source,
    reminderId: t.reminderId,
    soft: t.soft,
    reason: t.reason,
    dueDate: t.dueDate,
    status: t.status,
    doneAt: iso(t.doneAt),
    doneBy: t.doneBy,
    visitId: t.visitId,
    note: t.note,
  }));
}

// ---- resident ------------------------------------------------------------------------------------

/** one-time consents kept per resident for the arrears template at most (as for the ticket templates) */
const CONSENT_CAP = 50;

/**
 * The resident answered wx.requestSubscribeMessage / my.requestSubscribeMessage for the arrears template
 * (欠费提醒): an accepted answer is one more message we may send. Returns the consents left.
 */
export async function recordArrearsConsent(ds: DataSource, residentUserId: number, accepted: boolean): Promise<number> {
  const repo = ds.getRepository(SubscribeConsent);
  if (accepted) {
    await ds
      .createQueryBuilder()
      .insert()
      .into(SubscribeConsent)
      .values({ residentUserId, template: ARREARS_TEMPLATE, remaining: 0 })
      .orIgnore()
      .updateEntity(false)
      .execute();
    await ds
      .createQueryBuilder()
      .update(SubscribeConsent)
      .set({ remaining: () => `CASE WHEN remaining + 1 > ${CONSENT_CAP} THEN ${CONSENT_CAP} ELSE remaining + 1 END` })
      .where("resident_user_id = :residentUserId AND template = :t", { residentUserId, t: ARREARS_TEMPLATE })
      .execute();
  }
  return (await repo.findOneBy({ residentUserId, template: ARREARS_TEMPLATE }))?.remaining ?? 0;
}

/**
 * The arrears template's consents the resident has left, and the template id to ask for: the WeChat one
 * for a resident signed in with WeChat, the Alipay one for Alipay, none for a browser (H5) sign-in.
 */
export async function arrearsSubscription(deps: Deps, residentUserId: number) {
  const resident = await deps.ds.getRepository(ResidentUser).findOneBy({ id: residentUserId });
  const vendor = resident?.wechatOpenid ? "wechat" : resident?.alipayUserId ? "alipay" : null;
  const templates = vendor ? (deps.config.messages[vendor].templates as Record<string, string | undefined>) : {};
  const remaining =
    (await deps.ds.getRepository(SubscribeConsent).findOneBy({ residentUserId, template: ARREARS_TEMPLATE }))
      ?.remaining ?? 0;
  return { remaining, templateId: templates[ARREARS_TEMPLATE] || null };
}

/** The reminders that reached the resident's account (sent or delivered), newest first. */
export async function myReminders(ds: DataSource, accountId: number) {
  const rows = await ds.getRepository(Reminder).find({
    where: { accountId, status: In(["sent", "delivered"]), channel: In(["subscribe", "sms"]) },
    order: { id: "DESC" },
    take: 50,
  });
  return { items: rows.map((r) => ({ id: r.id, channel: r.channel, text: r.text, sentAt: iso(r.sentAt) })) };
}

/** 欠费提示: what the account owes today with the late fee, the oldest season, where to pay. */
export async function arrearsNotice(deps: Deps, accountId: number) {
  const today = shanghaiDate(new Date());
  const ar = await arrearsOf(deps.ds, accountId, today);
  const account = await deps.ds.getRepository(HeatingAccount).findOneByOrFail({ id: accountId });
  const status = await hardshipStatus(deps.ds, accountId);
  const soft = account.hardshipCategory !== "none" || status !== "none";
  return {
    accountId,
    owedFen: ar.owedFen,
    lateFeeFen: ar.lateFeeFen,
    oldestSeason: ar.oldestSeason,
    oldestDueDate: ar.oldestDueDate,
    asOf: today,
    payPath: `/pages/bills/index?accountId=${accountId}`,
    hotline: REMINDER_HOTLINE,
    installmentHint: soft && ar.owedFen > 0 ? REMINDER_INSTALLMENT_HINT : null,
  };
}

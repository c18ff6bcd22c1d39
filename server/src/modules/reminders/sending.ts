import {
  addDays,
  type LadderDefinition,
  nextSendableAt,
  REMINDER_CHANNELS,
  type ReminderChannel,
  type ReminderTemplateKey,
  renderReminder,
  shanghaiDate,
  smsToneOf,
  suppressionOf,
  type SuppressionReason,
  visitReason,
} from "@warmline/shared";
import { type DataSource, In, Not } from "typeorm";
import type { Deps } from "../../deps";
import { RateLimitedError } from "../../http/rateLimit";
import { MessageRejectedError, MessageUnavailableError, type MessageVendor } from "../../integrations/messaging";
import { normaliseMobile, SmsRejectedError, SmsUnavailableError } from "../../integrations/sms/provider";
import { renderSmsTemplate, SMS_TEMPLATE_TEXTS } from "../../integrations/sms/templates";
import { enqueue } from "../../jobs/outbox";
import { logger } from "../../lib/logger";
import { AccountBinding, HeatingAccount } from "../accounts";
import { hardshipStatus } from "../hardship";
import { ResidentUser } from "../residents";
import { SubscribeConsent, Ticket } from "../tickets";
import { type Arrears, arrearsOf } from "./arrears";
import { Reminder, ReminderAttempt, ReminderCampaign, ReminderHold, ReminderOptOut } from "./entities";
import { currentLadder } from "./ladder";
import { finishCampaignIfDone, OPEN_TICKET_STATUSES } from "./planning";
import { openReview } from "./review";
import { createVisitTask, REMINDER_SEND_JOB } from "./visitTasks";

/**
 * Sending one reminder (the job "reminders.send" { reminderId }). Right before anything goes out it checks
 * again: campaign paused (nothing happens; resume re-enqueues) or cancelled; quiet hours (the job is put off
 * to the window's end — a delay, never a drop); paid meanwhile, 不宜催缴, an open service complaint, a
 * hardship plan in good standing, another reminder within N days — each a suppression with its reason.
 * Then the channel chain from where an earlier run left it: subscribe message (while the resident has a
 * one-time consent for the arrears template) → SMS (unless the number opted out) → a grid-worker visit
 * task. A vendor that is unavailable is retried with the outbox's backoff (REMINDER_CHANNEL_ATTEMPTS per
 * channel), then the next channel is tried; a refusal goes to the next channel at once.
 *
 * Never twice: the reminder row is the guard. A run claims it (planned → sending, with a lease); a second
 * run (a redelivered job, the relay re-sending after Redis lost the queue) finds it claimed or finished and
 * does nothing. Before each vendor call an attempt row "calling" is written; a takeover that finds a
 * "calling" without an answer, or a call that timed out, counts as "outcome unknown": the reminder ends
 * failed (VENDOR_OUTCOME_UNKNOWN) and is not sent again on any channel. Neither the SMS platform (SendSms
 * has no idempotency key: OutId is only echoed in reports) nor the WeChat / Alipay message APIs dedupe a
 * repeated request, so a timeout after acceptance can only be made safe this way.
 */

/** consents of this template are asked for by the mini-program on the arrears notice (one per message) */
export const ARREARS_TEMPLATE = "arrears_reminder";
/** a claim older than this is taken over (the run that held it died) */
export const SEND_LEASE_MS = 120_000;
/** outbox attempts of one send job; per channel REMINDER_CHANNEL_ATTEMPTS decide the fallback */
export const SEND_JOB_ATTEMPTS = 30;
const PAGE = "pages/account/index";

export type SendOutcome =
  | { status: "sent" | "failed" | "suppressed"; reason?: string }
  | { status: "delayed"; until: Date }
  | { status: "skipped"; reason: string };

/** a transient failure: the run gives the claim back and the job is retried with backoff */
export class ReminderRetryError extends Error {}

function isTimeout(err: Error): boolean {
  return /timeout/i.test(err.message);
}

async function attempt(
  ds: DataSource,
  reminderId: number,
  channel: string,
  outcome: string,
  detail: string | null = null,
  vendorMessageId: string | null = null,
): Promise<void> {
  await ds.getRepository(ReminderAttempt).insert({
    reminderId,
    channel,
    outcome,
    detail: detail ? detail.slice(0, 200) : null,
    vendorMessageId,
  });
}

/** Finishes a claimed reminder (only from sending: a finished row is never rewritten). */
async function finish(
  ds: DataSource,
  r: Reminder,
  set: Partial<
    Pick<
      Reminder,
      | "status"
      | "channel"
      | "text"
      | "vendorMessageId"
      | "suppressionReason"
      | "failureReason"
      | "sentAt"
      | "owedAtSendFen"
    >
  >,
): Promise<void> {
  const now = new Date();
  await ds
    .createQueryBuilder()
    .update(Reminder)
    .set({ ...set, finishedAt: now, claimedAt: null })
    .where("id = :id AND status = 'sending'", { id: r.id })
    .execute();
  if (r.campaignId) await finishCampaignIfDone(ds, r.campaignId);
}

/** Gives the claim back (transient failure, rate limit): the next run starts at `chainIndex`. */
async function release(ds: DataSource, r: Reminder, chainIndex: number): Promise<void> {
  await ds
    .createQueryBuilder()
    .update(Reminder)
    .set({ status: "planned", claimedAt: null, chainIndex })
    .where("id = :id AND status = 'sending'", { id: r.id })
    .execute();
}

async function later(ds: DataSource, reminderId: number, at: Date, tag: string): Promise<void> {
  await enqueue(
    ds.manager,
    REMINDER_SEND_JOB,
    { reminderId },
    { dedupeKey: `${REMINDER_SEND_JOB}:${reminderId}:${tag}`, at },
  );
}

/** the facts checked right before sending */
async function checks(
  deps: Deps,
  r: Reminder,
  account: HeatingAccount,
  arrears: Arrears,
  today: string,
  ladder: LadderDefinition,
) {
  const { ds } = deps;
  const hold = await ds.getRepository(ReminderHold).countBy({ activeAccountId: r.accountId });
  const complaint = await ds.getRepository(Ticket).countBy({
    accountId: r.accountId,
    category: Not("inquiry"),
    status: In(OPEN_TICKET_STATUSES),
  });
  const last = await ds.getRepository(Reminder).findOne({
    select: { id: true, sentAt: true },
    // messages to the resident count; a visit task is not a message
    where: {
      accountId: r.accountId,
      status: In(["sent", "delivered"]),
      channel: In(["subscribe", "sms"]),
      id: Not(r.id),
    },
    order: { sentAt: "DESC" },
  });
  const reason: SuppressionReason | null =
    account.status === "closed"
      ? "account_inactive"
      : suppressionOf({
          owedFen: arrears.owedFen,
          minOwedFen: deps.config.reminders.thresholds.minOwedFen,
          doNotRemind: hold > 0,
          openServiceComplaint: complaint > 0,
          hardshipStatus: await hardshipStatus(ds, r.accountId),
          lastSentDate: last?.sentAt ? shanghaiDate(last.sentAt) : null,
          today,
          minGapDays: ladder.settings.minGapDays,
        });
  return reason;
}

/** Takes one consent of the arrears template, atomically; false when none is left. */
async function takeConsent(ds: DataSource, residentUserId: number): Promise<boolean> {
  const r = await ds
    .createQueryBuilder()
    .update(SubscribeConsent)
    .set({ remaining: () => "remaining - 1" })
    .where("resident_user_id = :residentUserId AND template = :t AND remaining > 0", {
      residentUserId,
      t: ARREARS_TEMPLATE,
    })
    .execute();
  return (r.affected ?? 0) > 0;
}

async function setConsents(ds: DataSource, residentUserId: number, change: "return" | "clear"): Promise<void> {
  await ds
    .createQueryBuilder()
    .update(SubscribeConsent)
    .set({ remaining: change === "clear" ? 0 : () => "remaining + 1" })
    .where("resident_user_id = :residentUserId AND template = :t", { residentUserId, t: ARREARS_TEMPLATE })
    .execute();
}

/** unavailable answers so far on a channel (each is one outbox attempt) */
async function unavailableCount(ds: DataSource, reminderId: number, channel: string): Promise<number> {
  return ds.getRepository(ReminderAttempt).countBy({ reminderId, channel, outcome: "unavailable" });
}

/** Sends (or suppresses, delays, fails) one reminder. See the file comment. */
export async function sendReminder(deps: Deps, reminderId: number, now = new Date()): Promise<SendOutcome> {
  const { ds } = deps;
  const repo = ds.getRepository(Reminder);
  let r = await repo.findOneBy({ id: reminderId });
  if (!r || (r.status !== "planned" && r.status !== "sending")) return { status: "skipped", reason: "finished" };
  const campaign = r.campaignId ? await ds.getRepository(ReminderCampaign).findOneBy({ id: r.campaignId }) : null;
  if (campaign?.state === "paused") return { status: "skipped", reason: "paused" };
  const ladder = (await currentLadder(ds, deps.config)).definition;

  if (campaign?.state !== "cancelled") {
    const at = nextSendableAt(now, ladder.settings.quietHours);
    if (at.getTime() > now.getTime()) {
      await later(ds, r.id, at, `q${at.getTime()}`);
      return { status: "delayed", until: at };
    }
  }

  // claim it
  if (r.status === "sending" && r.claimedAt && now.getTime() - r.claimedAt.getTime() < SEND_LEASE_MS) {
    throw new ReminderRetryError(`reminder ${r.id} is being sent by another run`);
  }
  const claimed = await ds
    .createQueryBuilder()
    .update(Reminder)
    .set({ status: "sending", claimedAt: now })
    .where("id = :id AND (status = 'planned' OR (status = 'sending' AND claimed_at < :stale))", {
      id: r.id,
      stale: new Date(now.getTime() - SEND_LEASE_MS),
    })
    .execute();
  if (!claimed.affected) return { status: "skipped", reason: "claimed elsewhere" };
  r = await repo.findOneByOrFail({ id: reminderId });

  try {
    return await sendClaimed(deps, r, campaign, ladder, now);
  } catch (err) {
    // anything unexpected: give the claim back so the retry need not wait for the lease (a vendor call in
    // flight left its "calling" row, which the retry reads as outcome unknown)
    if (!(err instanceof ReminderRetryError)) await release(ds, r, r.chainIndex).catch(() => undefined);
    throw err;
  }
}

async function sendClaimed(
  deps: Deps,
  r: Reminder,
  campaign: ReminderCampaign | null,
  ladder: LadderDefinition,
  now: Date,
): Promise<SendOutcome> {
  const { ds } = deps;
  const reminderId = r.id;
  // an earlier run got an answer but died before finishing the row: finish it from the evidence
  const done = await ds
    .getRepository(ReminderAttempt)
    .findOne({ where: { reminderId, outcome: In(["accepted", "created"]) }, order: { id: "DESC" } });
  if (done) {
    await finish(ds, r, {
      status: "sent",
      channel: done.channel as ReminderChannel,
      vendorMessageId: done.vendorMessageId,
      sentAt: done.at,
    });
    return { status: "sent" };
  }
  // a run that died in the middle of a vendor call: the outcome is unknown, never call again
  const lastAttempt = await ds.getRepository(ReminderAttempt).findOne({ where: { reminderId }, order: { id: "DESC" } });
  if (lastAttempt?.outcome === "calling") {
    await attempt(ds, r.id, lastAttempt.channel, "unknown", "上次发送中断，结果未知，不再重发");
    await finish(ds, r, {
      status: "failed",
      channel: lastAttempt.channel as ReminderChannel,
      failureReason: "VENDOR_OUTCOME_UNKNOWN",
    });
    return { status: "failed", reason: "VENDOR_OUTCOME_UNKNOWN" };
  }

  if (campaign?.state === "cancelled") {
    await finish(ds, r, { status: "suppressed", suppressionReason: "campaign_cancelled" });
    return { status: "suppressed", reason: "campaign_cancelled" };
  }

  const today = shanghaiDate(now);
  const account = await ds.getRepository(HeatingAccount).findOneByOrFail({ id: r.accountId });
  const arrears = await arrearsOf(ds, r.accountId, today);
  const reason = await checks(deps, r, account, arrears, today, ladder);
  if (reason) {
    await attempt(ds, r.id, "check", "suppressed", reason);
    await finish(ds, r, { status: "suppressed", suppressionReason: reason, owedAtSendFen: arrears.owedFen });
    return { status: "suppressed", reason };
  }

  // the review step (主管复核): a review for a supervisor and an alert in their inbox (once per reminder);
  // the step's messages go out as usual. The soft track gets no review of its arrears.
  if (r.review && !r.soft) await openReview(ds, r, account, arrears);

  const template = r.template as ReminderTemplateKey;
  const textInput = {
    accountNo: account.accountNo,
    amountFen: arrears.owedFen,
    lateFeeFen: arrears.lateFeeFen,
    season: arrears.oldestSeason ?? r.seasonCode,
    asOf: today,
  };
  const text = renderReminder(ladder.templates[template] ?? "", textInput);
  const chain = r.chain
    .split(",")
    .filter((c): c is ReminderChannel => (REMINDER_CHANNELS as readonly string[]).includes(c));
  let optedOut = false;
  const errors: string[] = [];

  for (let i = r.chainIndex; i < chain.length; i++) {
    const channel = chain[i] as ReminderChannel;
    const exhausted = async () => (await unavailableCount(ds, r.id, channel)) >= deps.config.reminders.channelAttempts;

    if (channel === "subscribe") {
      const out = await trySubscribe(deps, r, account, text, textInput, ladder);
      if (out.kind === "sent") {
        await finish(ds, r, {
          status: "sent",
          channel,
          text,
          vendorMessageId: out.vendorMessageId,
          sentAt: new Date(),
          owedAtSendFen: arrears.owedFen,
        });
        return { status: "sent" };
      }
      if (out.kind === "rate_limited") {
        await release(ds, r, i);
        await later(ds, r.id, out.at, `rl${out.at.getTime()}`);
        return { status: "delayed", until: out.at };
      }
      if (out.kind === "unknown") {
        await finish(ds, r, { status: "failed", channel, failureReason: "VENDOR_OUTCOME_UNKNOWN" });
        return { status: "failed", reason: "VENDOR_OUTCOME_UNKNOWN" };
      }
      if (out.kind === "unavailable" && !(await exhausted())) {
        await release(ds, r, i);
        throw new ReminderRetryError(out.detail);
      }
      errors.push(out.detail);
      continue;
    }

    if (channel === "sms") {
      const out = await trySms(deps, r, account, textInput, template);
      if (out.kind === "sent") {
        await finish(ds, r, {
          status: "sent",
          channel,
          text: out.text,
          vendorMessageId: out.vendorMessageId,
          sentAt: new Date(),
          owedAtSendFen: arrears.owedFen,
        });
        return { status: "sent" };
      }
      if (out.kind === "rate_limited") {
        await release(ds, r, i);
        await later(ds, r.id, out.at, `rl${out.at.getTime()}`);
        return { status: "delayed", until: out.at };
      }
      if (out.kind === "unknown") {
        await finish(ds, r, { status: "failed", channel, failureReason: "VENDOR_OUTCOME_UNKNOWN" });
        return { status: "failed", reason: "VENDOR_OUTCOME_UNKNOWN" };
      }
      if (out.kind === "opted_out") optedOut = true;
      if (out.kind === "unavailable" && !(await exhausted())) {
        await release(ds, r, i);
        throw new ReminderRetryError(out.detail);
      }
      errors.push(out.detail);
      continue;
    }

    // visit_task: the last resort of the chain, made once per reminder
    const reasonText = visitReason({ grade: r.grade ?? "notice", review: r.review }, r.soft);
    const task = await ds.transaction((m) =>
      createVisitTask(m, {
        accountId: r.accountId,
        source: "reminder",
        reminderId: r.id,
        soft: r.soft,
        reason: reasonText,
        dueDate: addDays(today, 7),
      }),
    );
    await attempt(ds, r.id, "visit_task", "created", `走访任务 #${task.id}`, `task:${task.id}`);
    await finish(ds, r, {
      status: "sent",
      channel: "visit_task",
      text: reasonText,
      vendorMessageId: `task:${task.id}`,
      sentAt: new Date(),
      owedAtSendFen: arrears.owedFen,
    });
    return { status: "sent" };
  }

  if (optedOut && errors.every((e) => e.startsWith("opted_out") || e.startsWith("no_"))) {
    await finish(ds, r, { status: "suppressed", suppressionReason: "opted_out", owedAtSendFen: arrears.owedFen });
    return { status: "suppressed", reason: "opted_out" };
  }
  await finish(ds, r, {
    status: "failed",
    failureReason: `无可用渠道：${errors.join("；")}`.slice(0, 200),
    owedAtSendFen: arrears.owedFen,
  });
  return { status: "failed", reason: "no_channel" };
}

type ChannelOutcome =
  | { kind: "sent"; vendorMessageId: string | null; text: string }
  | { kind: "rate_limited"; at: Date }
  | { kind: "unknown" }
  | { kind: "unavailable"; detail: string }
  | { kind: "next"; detail: string }
  | { kind: "opted_out"; detail: string };

async function rateGate(deps: Deps, channel: "subscribe" | "sms", rate: number): Promise<Date | null> {
  const limiter = deps.limits.rateLimit({
    name: `reminder_${channel}_${rate}`,
    points: rate,
    durationS: 1,
    key: () => null,
  });
  try {
    await limiter.consume(channel);
    return null;
  } catch (err) {
    if (err instanceof RateLimitedError)
      return new Date(Date.now() + err.retryAfterS * 1000 + Math.floor(Math.random() * 500));
    throw err;
  }
}

/** WeChat subscribe data (欠费提醒 template: 户号 character_string1, 欠费金额 amount2, 欠费期间 thing3, 温馨提示 thing4) */
function subscribeData(
  vendor: MessageVendor,
  t: { accountNo: string; amountFen: number; season: string },
  soft: boolean,
): Record<string, string> {
  const amount = (t.amountFen / 100).toFixed(2);
  const tip = soft ? "如有困难可申请缓缴/分期" : "请及时在小程序缴费";
  return vendor === "wechat"
    ? { character_string1: t.accountNo, amount2: `${amount}元`, thing3: `${t.season}供热季起`, thing4: tip }
    : { keyword1: t.accountNo, keyword2: `${amount}元`, keyword3: `${t.season}供热季起`, keyword4: tip };
}

async function trySubscribe(
  deps: Deps,
  r: Reminder,
  account: HeatingAccount,
  text: string,
  t: { accountNo: string; amountFen: number; season: string },
  ladder: LadderDefinition,
): Promise<ChannelOutcome> {
  const { ds } = deps;
  const bindings = await ds.getRepository(AccountBinding).findBy({ accountId: account.id, activeFlag: true });
  const residents = bindings.length
    ? await ds.getRepository(ResidentUser).findBy({ id: In(bindings.map((b) => b.residentUserId)), status: "active" })
    : [];
  for (const resident of residents) {
    const vendor: MessageVendor | null = resident.wechatOpenid ? "wechat" : resident.alipayUserId ? "alipay" : null;
    const to = vendor === "wechat" ? resident.wechatOpenid : resident.alipayUserId;
    if (!vendor || !to) continue;
    if (!(await takeConsent(ds, resident.id))) continue;
    const at = await rateGate(deps, "subscribe", ladder.settings.ratePerSecond.subscribe);
    if (at) {
      await setConsents(ds, resident.id, "return");
      return { kind: "rate_limited", at };
    }
    await attempt(ds, r.id, "subscribe", "calling", `${vendor} → 居民#${resident.id}`);
    try {
      const out = await deps.messages[vendor].send({
        to,
        templateId: (deps.config.messages[vendor].templates as Record<string, string>)[ARREARS_TEMPLATE] as string,
        page: `${PAGE}?id=${account.id}`,
        data: subscribeData(vendor, t, r.soft),
      });
      if (out.status === "sent") {
        await attempt(ds, r.id, "subscribe", "accepted", vendor, out.vendorMessageId);
        return { kind: "sent", vendorMessageId: out.vendorMessageId, text };
      }
      await setConsents(ds, resident.id, "clear");
      await attempt(ds, r.id, "subscribe", "refused", `${vendor} ${out.code}`);
    } catch (err) {
      const e = err as Error;
      if (err instanceof MessageRejectedError) {
        await setConsents(ds, resident.id, "return");
        await attempt(ds, r.id, "subscribe", "rejected", `${vendor} ${err.code}`);
        continue;
      }
      if (err instanceof MessageUnavailableError && !isTimeout(e)) {
        await setConsents(ds, resident.id, "return");
        await attempt(ds, r.id, "subscribe", "unavailable", e.message);
        return { kind: "unavailable", detail: `subscribe unavailable: ${e.message}` };
      }
      // a timeout (or anything unexpected) after the request left: it may have been delivered
      await attempt(ds, r.id, "subscribe", "unknown", e.message);
      logger.warn({ reminderId: r.id, err: e.message }, "reminder: subscribe outcome unknown, not resent");
      return { kind: "unknown" };
    }
  }
  await attempt(ds, r.id, "subscribe", "skipped", residents.length ? "无剩余订阅授权" : "未绑定小程序用户");
  return { kind: "next", detail: "no_subscribe_consent" };
}

async function trySms(
  deps: Deps,
  r: Reminder,
  account: HeatingAccount,
  t: { accountNo: string; amountFen: number; season: string; asOf: string },
  template: ReminderTemplateKey,
): Promise<ChannelOutcome> {
  const { ds } = deps;
  let plain: string | null = null;
  try {
    plain = deps.vault.decrypt(account.phoneEnc);
  } catch {
    plain = null;
  }
  const phone = normaliseMobile(plain);
  if (!phone) {
    await attempt(ds, r.id, "sms", "skipped", "无手机号");
    return { kind: "next", detail: "no_mobile" };
  }
  const bidx = deps.vault.blindIndex("phone", phone);
  if (bidx && (await ds.getRepository(ReminderOptOut).countBy({ phoneBidx: bidx, channel: "sms" }))) {
    await attempt(ds, r.id, "sms", "skipped", "该号码已退订");
    return { kind: "opted_out", detail: "opted_out_sms" };
  }
  const ladder = (await currentLadder(ds, deps.config)).definition;
  const at = await rateGate(deps, "sms", ladder.settings.ratePerSecond.sms);
  if (at) return { kind: "rate_limited", at };
  const tone = smsToneOf(template);
  const code = (deps.config.sms.templates as Record<string, string>)[tone] as string;
  const params = {
    accountNo: t.accountNo,
    amount: `${(t.amountFen / 100).toFixed(2)}元`,
    season: t.season,
    asOf: t.asOf,
  };
  const text = `【${deps.config.sms.signName}】${renderSmsTemplate(SMS_TEMPLATE_TEXTS[tone], params)}`;
  await attempt(ds, r.id, "sms", "calling", `尾号${phone.slice(-4)}`);
  try {
    // OutId: our reference in the platform's delivery reports (the platform does not dedupe on it)
    const send = deps.sms.send as (
      p: string,
      c: string,
      v: Record<string, string>,
      outId?: string,
    ) => Promise<{ bizId: string }>;
    const { bizId } = await send.call(deps.sms, phone, code, params, `rm${r.id}`);
    await attempt(ds, r.id, "sms", "accepted", null, bizId);
    return { kind: "sent", vendorMessageId: bizId, text };
  } catch (err) {
    const e = err as Error;
    if (err instanceof SmsRejectedError) {
      await attempt(ds, r.id, "sms", "rejected", err.code);
      return { kind: "next", detail: `sms_rejected ${err.code}` };
    }
    if (err instanceof SmsUnavailableError && !isTimeout(e) && !/accepted without|not readable/.test(e.message)) {
      await attempt(ds, r.id, "sms", "unavailable", e.message);
      return { kind: "unavailable", detail: `sms unavailable: ${e.message}` };
    }
    await attempt(ds, r.id, "sms", "unknown", e.message);
    logger.warn({ reminderId: r.id, err: e.message }, "reminder: sms outcome unknown, not resent");
    return { kind: "unknown" };
  }
}

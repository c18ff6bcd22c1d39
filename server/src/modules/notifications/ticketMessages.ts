import {
  ConsentCountsSchema,
  MESSAGE_TEMPLATES,
  type MessageTemplate,
  REPLY_TEMPLATES,
  SubscribeConsentSchema,
  TICKET_STATUS_LABELS,
} from "@warmline/shared";
import type { DataSource, EntityManager, QueryDeepPartialEntity } from "typeorm";
import { z } from "zod";
import type { Deps } from "../../deps";
import { residentId } from "../../http/auth";
import { route } from "../../http/route";
import {
  MessageRejectedError,
  MessageUnavailableError,
  type MessageVendor,
  type TemplateMessage,
} from "../../integrations/messaging";
import { normaliseMobile, SmsRejectedError, SmsUnavailableError } from "../../integrations/sms/provider";
import type { JobName } from "../../jobs/names";
import { defineJob } from "../../jobs/registry";
import { writeInApp } from "./inapp";
import { logger } from "../../lib/logger";
import { HeatingAccount, HeatStation } from "../accounts";
import { ResidentUser } from "../residents";
import { MessageDelivery, SubscribeConsent, Ticket, TicketEvent } from "../tickets";

/**
 * Messages to residents about their tickets. A ticket step (responded, dispatched, resolved, and the
 * follow-up reminder) enqueues the job "tickets.notify"; the job sends one message through the vendor app
 * the resident uses (WeChat subscribe message / Alipay template message) while a one-time consent is left
 * for that template, and by SMS otherwise (no consent, the vendor refuses, or the ticket has no resident).
 *
 * Once only: every message has a MessageDelivery row with a unique key per (ticket, event, kind); a run
 * that finds it sent or skipped does nothing, and a consent taken by an earlier, failed run is remembered
 * in the row (its channel) so a retry does not take a second one.
 */

export const TICKET_NOTIFY_JOB = "tickets.notify";
export const TICKET_NOTIFY_KINDS = [
  "responded",
  "dispatched",
  "resolved",
  "follow_up_due",
  "unreachable_result",
] as const;
export type TicketNotifyKind = (typeof TICKET_NOTIFY_KINDS)[number];
export const TicketNotifyPayloadSchema = z.object({
  ticketId: z.number().int().positive(),
  eventId: z.number().int().positive(),
  kind: z.enum(TICKET_NOTIFY_KINDS),
});
export type TicketNotifyPayload = z.infer<typeof TicketNotifyPayloadSchema>;

/** one-time consents kept per resident and template at most (WeChat keeps no more either) */
export const CONSENT_CAP = 50;
/** attempts of the job; the last one falls back to SMS when the vendor app stays unavailable */
export const TICKET_NOTIFY_ATTEMPTS = 8;
/** the mini-program page a message opens */
export const TICKET_MESSAGE_PAGE = "pages/ticket/index";
/** how long a run's claim on a message holds before another run may take it over (a vendor call and an SMS fit) */
export const SEND_LEASE_MS = 120_000;

const CHANNEL = { wechat: "wechat_subscribe", alipay: "alipay_message" } as const;
type DeliveryChannel = "none" | "sms" | (typeof CHANNEL)[MessageVendor];

export function templateOf(kind: TicketNotifyKind): MessageTemplate {
  return kind === "follow_up_due" ? "follow_up_due" : "ticket_progress";
}

/** the unique key of a ticket message (kind included: a resolution and its follow-up reminder share an event) */
export function deliveryKey(p: TicketNotifyPayload): string {
  return `ticket:${p.ticketId}:${p.eventId}:${p.kind}`;
}

// ---- consents ------------------------------------------------------------------------------------

type Db = DataSource | EntityManager;

/** Consents left per template (every template named, 0 when none). */
export async function consentCounts(ds: Db, residentUserId: number): Promise<Record<MessageTemplate, number>> {
  const rows = await ds.getRepository(SubscribeConsent).findBy({ residentUserId });
  const counts = Object.fromEntries(MESSAGE_TEMPLATES.map((t) => [t, 0])) as Record<MessageTemplate, number>;
  for (const r of rows)
    if ((MESSAGE_TEMPLATES as readonly string[]).includes(r.template))
      counts[r.template as MessageTemplate] = r.remaining;
  return counts;
}

/**
 * Records what the resident answered to wx.requestSubscribeMessage / my.requestSubscribeMessage: every
 * accepted template is one more message we may send (at most CONSENT_CAP kept). Returns the counts.
 */
export async function recordConsents(
  ds: Db,
  residentUserId: number,
  results: { template: string; accepted: boolean }[],
): Promise<Record<MessageTemplate, number>> {
  const added = new Map<string, number>();
  for (const r of results) if (r.accepted) added.set(r.template, (added.get(r.template) ?? 0) + 1);
  for (const [template, n] of added) {
    await ds
      .createQueryBuilder()
      .insert()
      .into(SubscribeConsent)
      .values({ residentUserId, template, remaining: 0 })
      .orIgnore()
      .updateEntity(false)
      .execute();
    await ds
      .createQueryBuilder()
      .update(SubscribeConsent)
      .set({
        remaining: () => `CASE WHEN remaining + ${n} > ${CONSENT_CAP} THEN ${CONSENT_CAP} ELSE remaining + ${n} END`,
      })
      .where("resident_user_id = :residentUserId AND template = :template", { residentUserId, template })
      .execute();
  }
  return consentCounts(ds, residentUserId);
}

/** Takes one consent if one is left (atomically); false when none is. */
export async function takeConsent(m: Db, residentUserId: number, template: string): Promise<boolean> {
  const r = await m
    .createQueryBuilder()
    .update(SubscribeConsent)
    .set({ remaining: () => "remaining - 1" })
    .where("resident_user_id = :residentUserId AND template = :template AND remaining > 0", {
      residentUserId,
      template,
    })
    .execute();
  return (r.affected ?? 0) > 0;
}

/** Gives back a consent the vendor did not use (it refused the request itself). */
export async function returnConsent(m: Db, residentUserId: number, template: string): Promise<void> {
  await m
    .createQueryBuilder()
    .update(SubscribeConsent)
    .set({ remaining: () => `CASE WHEN remaining >= ${CONSENT_CAP} THEN ${CONSENT_CAP} ELSE remaining + 1 END` })
    .where("resident_user_id = :residentUserId AND template = :template", { residentUserId, template })
    .execute();
}

/** The vendor says no consent is left (WeChat 43101): our count was wrong. */
export async function clearConsents(m: Db, residentUserId: number, template: string): Promise<void> {
  await m
    .createQueryBuilder()
    .update(SubscribeConsent)
    .set({ remaining: 0 })
    .where("resident_user_id = :residentUserId AND template = :template", { residentUserId, template })
    .execute();
}

// ---- the message ---------------------------------------------------------------------------------

export interface TicketMessageContent {
  template: MessageTemplate;
  ticketNo: string;
  /** 已响应 / 已派单 / 已处理待回访 / 待评价 */
  status: string;
  /** Beijing time "yyyy-MM-dd HH:mm" of the step */
  time: string;
  station: string | null;
  /** the full text (REPLY_TEMPLATES filled in), kept with the delivery */
  text: string;
  /** at most 20 characters (WeChat thing fields) */
  tip: string;
  /** at most 35 characters (an SMS variable) */
  detail: string;
}

function beijing(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace("T", " ");
}

function cut(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join("")}…`;
}

export function ticketMessageContent(
  kind: TicketNotifyKind,
  ticket: Pick<Ticket, "ticketNo">,
  at: Date,
  station: string | null,
): TicketMessageContent {
  const fill = (t: string) =>
    t
      .replaceAll("{ticketNo}", ticket.ticketNo)
      .replaceAll("{station}", station ?? "供热站")
      .replaceAll("{time}", beijing(at));
  const where = station ?? "供热站";
  const byKind: Record<TicketNotifyKind, { status: string; text: string; tip: string; detail: string }> = {
    responded: {
      status: TICKET_STATUS_LABELS.responded,
      text: fill(REPLY_TEMPLATES.responded),
      tip: "已收到您的诉求，将尽快处理",
      detail: "我们已与您取得联系，将尽快安排处理。",
    },
    dispatched: {
      status: TICKET_STATUS_LABELS.dispatched,
      text: fill(REPLY_TEMPLATES.dispatched),
      tip: cut(`已派至${where}，请保持电话畅通`, 20),
      detail: cut(`已派至${where}，维修人员将尽快上门，请保持电话畅通。`, 35),
    },
    resolved: {
      status: TICKET_STATUS_LABELS.resolved,
      text: fill(REPLY_TEMPLATES.resolved),
      tip: "请在小程序中评价本次服务",
      detail: "如仍有问题可在小程序中申请重新处理。",
    },
    follow_up_due: {
      status: "待评价",
      text: fill(REPLY_TEMPLATES.follow_up),
      tip: "问题解决了吗？请评价本次服务",
      detail: "问题解决了吗？请在小程序中评价本次服务。",
    },
    unreachable_result: {
      status: TICKET_STATUS_LABELS.closed,
      text: `您的工单${ticket.ticketNo}已处理完成。我们多次回访未能与您取得联系，特以短信告知处理结果；如仍有问题，请致电供热服务热线或在小程序中重新反映。`,
      tip: "多次回访未联系上，已办结",
      detail: "多次回访未能联系到您，工单已处理完成。如仍有问题请再次反映。",
    },
  };
  return { template: templateOf(kind), ticketNo: ticket.ticketNo, time: beijing(at), station, ...byKind[kind] };
}

/** The template fields per vendor (the templates registered with WeChat / Alipay have these keys). */
export function vendorData(vendor: MessageVendor, c: TicketMessageContent): Record<string, string> {
  if (vendor === "wechat") {
    // 工单编号 character_string1, 工单状态 thing2, 更新时间 time3, 温馨提示 thing4
    return { character_string1: c.ticketNo, thing2: c.status, time3: c.time, thing4: c.tip };
  }
  return { keyword1: c.ticketNo, keyword2: c.status, keyword3: c.time, keyword4: c.tip };
}

/** The SMS template variables (see sms/templates.ts). */
export function smsParams(c: TicketMessageContent): Record<string, string> {
  return c.template === "follow_up_due"
    ? { ticketNo: c.ticketNo, time: c.time }
    : { ticketNo: c.ticketNo, status: c.status, time: c.time, detail: c.detail };
}

// ---- sending -------------------------------------------------------------------------------------

export interface TicketMessageResult {
  /** pending: another run is sending it right now (the job is retried later) */
  status: "sent" | "skipped" | "failed" | "pending";
  channel: DeliveryChannel;
  /** the message had been handled before: nothing was sent by this call */
  duplicate: boolean;
  deliveryId: number | null;
}

type DeliveryPatch = Partial<Pick<MessageDelivery, "status" | "channel" | "error" | "payload">>;

async function patch(ds: DataSource, d: MessageDelivery, change: DeliveryPatch): Promise<void> {
  if (change.error) change.error = change.error.slice(0, 200);
  Object.assign(d, change);
  // the payload is a JSON column: TypeORM's deep-partial type cannot describe Record<string, unknown>
  await ds.getRepository(MessageDelivery).update({ id: d.id }, change as QueryDeepPartialEntity<MessageDelivery>);
}

/** A stored (encrypted) phone as a mobile number for SMS; null when none, not a mobile, or undecryptable. */
export function storedMobile(deps: Pick<Deps, "vault">, stored: string | null, what: string): string | null {
  if (!stored) return null;
  try {
    return normaliseMobile(deps.vault.decrypt(stored));
  } catch (err) {
    logger.warn({ err: (err as Error).message }, `${what}: phone cannot be decrypted`);
    return null;
  }
}

/**
 * The ticket's 联系电话 (the number the resident or caller gave for this ticket), else the account holder's
 * registered mobile; null when neither is a mobile number.
 */
export async function phoneFor(deps: Deps, ticket: Ticket): Promise<string | null> {
  const contact = storedMobile(deps, ticket.callerPhoneEnc, "ticket message");
  if (contact) return contact;
  if (ticket.accountId) {
    const account = await deps.ds.getRepository(HeatingAccount).findOneBy({ id: ticket.accountId });
    return storedMobile(deps, account?.phoneEnc ?? null, "ticket message");
  }
  return null;
}

/** The vendor app and recipient id of the ticket's resident, if any. */
function vendorTarget(ticket: Ticket, resident: ResidentUser | null): { vendor: MessageVendor; to: string } | null {
  if (resident?.status !== "active") return null;
  const vendor: MessageVendor | null =
    ticket.channel === "wechat" || ticket.channel === "alipay"
      ? ticket.channel
      : resident.provider === "wechat" || resident.provider === "alipay"
        ? resident.provider
        : null;
  const to = vendor === "wechat" ? resident.wechatOpenid : vendor === "alipay" ? resident.alipayUserId : null;
  return vendor && to ? { vendor, to } : null;
}

/**
 * Sends the message of one ticket step (see the file comment). Transient vendor and SMS failures throw
 * (the outbox retries); `finalAttempt` makes a vendor app that is still unavailable fall back to SMS.
 */
export async function sendTicketMessage(
  deps: Deps,
  payload: TicketNotifyPayload,
  opts: { finalAttempt?: boolean } = {},
): Promise<TicketMessageResult> {
  const { ds } = deps;
  const ticket = await ds.getRepository(Ticket).findOneBy({ id: payload.ticketId });
  if (!ticket) return { status: "skipped", channel: "none", duplicate: false, deliveryId: null };
  const event = await ds.getRepository(TicketEvent).findOneBy({ id: payload.eventId, ticketId: ticket.id });
  const stationId = ticket.dispatchedStationId ?? ticket.stationId;
  const station = stationId ? await ds.getRepository(HeatStation).findOneBy({ id: stationId }) : null;
  const content = ticketMessageContent(payload.kind, ticket, event?.at ?? new Date(), station?.name ?? null);
  const uniqueKey = deliveryKey(payload);
  // the in-app list (我的消息) gets every step, whatever the vendor message or SMS does
  if (ticket.residentUserId !== null) {
    await writeInApp(ds, {
      residentUserId: ticket.residentUserId,
      kind: `ticket_${payload.kind}`,
      title: `工单${content.status}：${ticket.ticketNo}`,
      body: content.text,
      dedupeKey: `ticket:${uniqueKey}`,
    });
  }

  await ds
    .createQueryBuilder()
    .insert()
    .into(MessageDelivery)
    .values({
      uniqueKey,
      residentUserId: ticket.residentUserId,
      ticketId: ticket.id,
      template: content.template,
      channel: "none",
      status: "pending",
      payload: { kind: payload.kind, eventId: payload.eventId, ...content },
      error: null,
      attempts: 0,
    } as QueryDeepPartialEntity<MessageDelivery>)
    .orIgnore()
    .updateEntity(false)
    .execute();
  const d = await ds.getRepository(MessageDelivery).findOneByOrFail({ uniqueKey });
  const result = (duplicate: boolean): TicketMessageResult => ({
    status: d.status as TicketMessageResult["status"],
    channel: d.channel as DeliveryChannel,
    duplicate,
    deliveryId: d.id,
  });
  if (d.status === "sent" || d.status === "skipped") return result(true);

  // Claim this run: two runs at once (a redelivered job) must not both send. The claim is the status
  // "sending" with a lease (updated_at): a run that died while sending is taken over once the lease ends.
  const now = new Date();
  const claimed = await ds
    .createQueryBuilder()
    .update(MessageDelivery)
    .set({ attempts: () => "attempts + 1", status: "sending", updatedAt: now })
    .where("id = :id AND (status IN ('pending', 'failed') OR (status = 'sending' AND updated_at < :stale))", {
      id: d.id,
      stale: new Date(now.getTime() - SEND_LEASE_MS),
    })
    .execute();
  if (!claimed.affected) return { ...result(true), status: "pending" };
  d.attempts += 1;
  d.status = "sending";
  try {
    return await sendClaimed(deps, payload, opts, { ticket, content, d, result });
  } catch (err) {
    // a transient failure: the next attempt may claim it at once
    if (d.status === "sending") await patch(ds, d, { status: "pending" });
    throw err;
  }
}

async function sendClaimed(
  deps: Deps,
  payload: TicketNotifyPayload,
  opts: { finalAttempt?: boolean },
  c: {
    ticket: Ticket;
    content: TicketMessageContent;
    d: MessageDelivery;
    result: (duplicate: boolean) => TicketMessageResult;
  },
): Promise<TicketMessageResult> {
  const { ds } = deps;
  const { ticket, content, d, result } = c;

  if (payload.kind === "follow_up_due" && ticket.status !== "resolved") {
    // followed up (or reopened) before the reminder was due: nothing to remind of
    await patch(ds, d, { status: "skipped", error: `工单状态已变为${TICKET_STATUS_LABELS[ticket.status]}` });
    return result(false);
  }

  const errors: string[] = d.error ? [d.error] : [];
  let channel = d.channel as DeliveryChannel;
  const resident = ticket.residentUserId
    ? await ds.getRepository(ResidentUser).findOneBy({ id: ticket.residentUserId })
    : null;
  const target = vendorTarget(ticket, resident);

  if (channel === "none") {
    // a consent is taken and the channel remembered together: a retry sends on it without taking another
    channel = await ds.transaction(async (m) => {
      // the 无法联系 result is an SMS by definition (the resident did not answer the phone or the app)
      const took =
        payload.kind !== "unreachable_result" &&
        target &&
        ticket.residentUserId &&
        (await takeConsent(m, ticket.residentUserId, content.template));
      const chosen: DeliveryChannel = took && target ? CHANNEL[target.vendor] : "sms";
      await m.getRepository(MessageDelivery).update({ id: d.id }, { channel: chosen });
      return chosen;
    });
    d.channel = channel;
  }

  if (channel === CHANNEL.wechat || channel === CHANNEL.alipay) {
    const vendor: MessageVendor = channel === CHANNEL.wechat ? "wechat" : "alipay";
    const to = target?.vendor === vendor ? target.to : null;
    const message: TemplateMessage = {
      to: to ?? "",
      templateId: deps.config.messages[vendor].templates[content.template],
      page: `${TICKET_MESSAGE_PAGE}?id=${ticket.id}`,
      data: vendorData(vendor, content),
    };
    try {
      // the resident's vendor id is gone since the consent was taken (account unlinked): give it back
      if (!to) throw new MessageRejectedError(vendor, "NO_RECIPIENT", "no recipient");
      const outcome = await deps.messages[vendor].send(message);
      if (outcome.status === "sent") {
        await patch(ds, d, {
          status: "sent",
          error: null,
          payload: { ...d.payload, vendor, vendorMessageId: outcome.vendorMessageId },
        });
        return result(false);
      }
      // no consent left at the vendor, or the user cannot be reached there
      if (ticket.residentUserId) await clearConsents(ds, ticket.residentUserId, content.template);
      errors.push(`${vendor} refused ${outcome.code}`);
    } catch (err) {
      if (err instanceof MessageRejectedError) {
        if (ticket.residentUserId) await returnConsent(ds, ticket.residentUserId, content.template);
        errors.push(`${vendor} rejected ${err.code}`);
      } else if (err instanceof MessageUnavailableError && opts.finalAttempt) {
        errors.push(`${vendor} unavailable`);
      } else {
        await patch(ds, d, { error: `${vendor}: ${(err as Error).message}` });
        throw err;
      }
    }
    channel = "sms";
    await patch(ds, d, { channel, error: errors.join("; ") });
  }

  const phone = await phoneFor(deps, ticket);
  if (!phone) {
    await patch(ds, d, { channel: "none", status: "skipped", error: [...errors, "no mobile number"].join("; ") });
    return result(false);
  }
  try {
    const { bizId } = await deps.sms.send(phone, deps.config.sms.templates[content.template], smsParams(content));
    await patch(ds, d, {
      channel: "sms",
      status: "sent",
      payload: { ...d.payload, bizId, phoneTail: phone.slice(-4) },
    });
    return result(false);
  } catch (err) {
    if (err instanceof SmsRejectedError) {
      await patch(ds, d, {
        channel: "sms",
        status: "failed",
        error: [...errors, `sms rejected ${err.code}`].join("; "),
      });
      return result(false);
    }
    const final = opts.finalAttempt && err instanceof SmsUnavailableError;
    await patch(ds, d, {
      channel: "sms",
      ...(final ? { status: "failed" } : {}),
      error: [...errors, `sms: ${(err as Error).message}`].join("; "),
    });
    throw err;
  }
}

/**
 * The job "tickets.notify" ({ ticketId, eventId, kind }). Not registered here: the job registry
 * (jobs/index.ts, names.ts) adds it.
 */
export function ticketNotifyJob(deps: () => Deps) {
  return defineJob({
    name: TICKET_NOTIFY_JOB as JobName,
    schema: TicketNotifyPayloadSchema,
    maxAttempts: TICKET_NOTIFY_ATTEMPTS,
    async handle(payload, ctx) {
      const r = await sendTicketMessage(deps(), payload, { finalAttempt: ctx.attempt >= TICKET_NOTIFY_ATTEMPTS });
      // another run holds the message: try again later, in case that run dies before it sends
      if (r.status === "pending") throw new Error(`ticket message ${r.deliveryId} is being sent by another run`);
    },
  });
}

// ---- routes --------------------------------------------------------------------------------------

/** POST/GET /me/subscriptions: one-time subscribe consents (mounted by the app with the other routes). */
/** The subscribe-message template ids of the vendor the resident signed in with. */
async function templateIdsFor(deps: Deps, residentUserId: number): Promise<Record<MessageTemplate, string>> {
  const r = await deps.ds.getRepository(ResidentUser).findOneBy({ id: residentUserId });
  return { ...deps.config.messages[r?.wechatOpenid ? "wechat" : "alipay"].templates };
}

export function subscriptionRoutes(deps: Deps) {
  return [
    route({
      method: "post",
      path: "/me/subscriptions",
      summary: "记录订阅消息授权结果（一次性订阅，每同意一次可发送一条）",
      tags: ["resident"],
      auth: "resident",
      body: SubscribeConsentSchema,
      response: ConsentCountsSchema,
      async handler({ body }, ctx) {
        const rid = residentId(ctx);
        return {
          counts: await recordConsents(deps.ds, rid, body.results),
          templateIds: await templateIdsFor(deps, rid),
        };
      },
    }),
    route({
      method: "get",
      path: "/me/subscriptions",
      summary: "我的订阅消息剩余次数",
      tags: ["resident"],
      auth: "resident",
      response: ConsentCountsSchema,
      async handler(_i, ctx) {
        const rid = residentId(ctx);
        return { counts: await consentCounts(deps.ds, rid), templateIds: await templateIdsFor(deps, rid) };
      },
    }),
  ];
}

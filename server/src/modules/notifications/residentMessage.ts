import type { DataSource, QueryDeepPartialEntity } from "typeorm";
import type { Deps } from "../../deps";
import {
  MessageRejectedError,
  MessageUnavailableError,
  type MessageVendor,
  type TemplateMessage,
} from "../../integrations/messaging";
import { SmsRejectedError, SmsUnavailableError } from "../../integrations/sms/provider";
import { ResidentUser } from "../residents";
import { MessageDelivery } from "../tickets";
import { clearConsents, returnConsent, SEND_LEASE_MS, takeConsent } from "./ticketMessages";

/**
 * One message to one resident outside the app — a 停热检修 notice, a completed refund — by the rules of the
 * ticket messages (ticketMessages.ts): the vendor app the resident signed in with while a one-time consent
 * for the template is left (one is taken per message), else SMS when the message has an SMS form, else
 * nothing (the in-app message, written by the caller, is then all). Once only: a MessageDelivery row with a
 * unique key; a run claims it with a lease, a consent taken by a failed run is remembered in its channel.
 */

/** the subscribe-message templates of these messages (config.residentMessages), also the consent keys */
export type ResidentTemplate = "heating_notice" | "refund_result" | "hardship_progress";

export interface ResidentMessage {
  /** ≤ 64 characters, unique per message */
  uniqueKey: string;
  residentUserId: number;
  template: ResidentTemplate;
  /** the mini-program page the message opens */
  page: string;
  /** the template fields for each vendor */
  data: (vendor: MessageVendor) => Record<string, string>;
  /** the SMS form, when the message falls back to SMS; null: vendor app only */
  sms: { templateCode: string; params: Record<string, string>; phone: () => Promise<string | null> } | null;
  /** kept with the delivery (what was said) */
  payload: Record<string, unknown>;
}

export interface ResidentMessageResult {
  status: "sent" | "skipped" | "failed" | "pending";
  channel: string;
  /** handled before: this call sent nothing */
  duplicate: boolean;
}

const CHANNEL = { wechat: "wechat_subscribe", alipay: "alipay_message" } as const;

function vendorTarget(resident: ResidentUser | null): { vendor: MessageVendor; to: string } | null {
  if (resident?.status !== "active") return null;
  if (resident.wechatOpenid && resident.provider === "wechat") return { vendor: "wechat", to: resident.wechatOpenid };
  if (resident.alipayUserId && resident.provider === "alipay") return { vendor: "alipay", to: resident.alipayUserId };
  return null;
}

async function patch(ds: DataSource, id: number, change: Partial<MessageDelivery>): Promise<void> {
  if (change.error) change.error = change.error.slice(0, 200);
  await ds.getRepository(MessageDelivery).update({ id }, change as QueryDeepPartialEntity<MessageDelivery>);
}

/** Sends the message once (see the file comment). Transient failures throw, for the outbox to retry. */
export async function sendResidentMessage(
  deps: Deps,
  msg: ResidentMessage,
  opts: { finalAttempt?: boolean } = {},
): Promise<ResidentMessageResult> {
  const { ds } = deps;
  const repo = ds.getRepository(MessageDelivery);
  await repo
    .createQueryBuilder()
    .insert()
    .values({
      uniqueKey: msg.uniqueKey,
      residentUserId: msg.residentUserId,
      ticketId: null,
      template: msg.template,
      channel: "none",
      status: "pending",
      payload: msg.payload,
      error: null,
      attempts: 0,
    } as QueryDeepPartialEntity<MessageDelivery>)
    .orIgnore()
    .updateEntity(false)
    .execute();
  const d = await repo.findOneByOrFail({ uniqueKey: msg.uniqueKey });
  if (d.status === "sent" || d.status === "skipped") return { status: d.status, channel: d.channel, duplicate: true };

  const now = new Date();
  const claimed = await repo
    .createQueryBuilder()
    .update()
    .set({ attempts: () => "attempts + 1", status: "sending", updatedAt: now })
    .where("id = :id AND (status IN ('pending', 'failed') OR (status = 'sending' AND updated_at < :stale))", {
      id: d.id,
      stale: new Date(now.getTime() - SEND_LEASE_MS),
    })
    .execute();
  if (!claimed.affected) return { status: "pending", channel: d.channel, duplicate: true };
  try {
    return await sendClaimed(deps, msg, d, opts);
  } catch (err) {
    const now = await repo.findOneBy({ id: d.id });
    if (now?.status === "sending") await patch(ds, d.id, { status: "pending" });
    throw err;
  }
}

async function sendClaimed(
  deps: Deps,
  msg: ResidentMessage,
  d: MessageDelivery,
  opts: { finalAttempt?: boolean },
): Promise<ResidentMessageResult> {
  const { ds } = deps;
  const done = async (status: "sent" | "skipped" | "failed", channel: string, error: string | null, extra = {}) => {
    await patch(ds, d.id, { status, channel, error, payload: { ...d.payload, ...extra } });
    return { status, channel, duplicate: false } satisfies ResidentMessageResult;
  };
  const errors: string[] = d.error ? [d.error] : [];
  const resident = await ds.getRepository(ResidentUser).findOneBy({ id: msg.residentUserId });
  const target = vendorTarget(resident);
  let channel = d.channel;

  if (channel === "none") {
    channel = await ds.transaction(async (m) => {
      const took = target && (await takeConsent(m, msg.residentUserId, msg.template));
      const chosen = took && target ? CHANNEL[target.vendor] : msg.sms ? "sms" : "none";
      await m.getRepository(MessageDelivery).update({ id: d.id }, { channel: chosen });
      return chosen;
    });
  }

  if (channel === CHANNEL.wechat || channel === CHANNEL.alipay) {
    const vendor: MessageVendor = channel === CHANNEL.wechat ? "wechat" : "alipay";
    const to = target?.vendor === vendor ? target.to : null;
    const message: TemplateMessage = {
      to: to ?? "",
      templateId: deps.config.residentMessages[vendor][msg.template],
      page: msg.page,
      data: msg.data(vendor),
    };
    try {
      if (!to) throw new MessageRejectedError(vendor, "NO_RECIPIENT", "no recipient");
      const outcome = await deps.messages[vendor].send(message);
      if (outcome.status === "sent") {
        return await done("sent", channel, null, { vendor, vendorMessageId: outcome.vendorMessageId });
      }
      await clearConsents(ds, msg.residentUserId, msg.template);
      errors.push(`${vendor} refused ${outcome.code}`);
    } catch (err) {
      if (err instanceof MessageRejectedError) {
        await returnConsent(ds, msg.residentUserId, msg.template);
        errors.push(`${vendor} rejected ${err.code}`);
      } else if (err instanceof MessageUnavailableError && opts.finalAttempt) {
        errors.push(`${vendor} unavailable`);
      } else {
        await patch(ds, d.id, { error: `${vendor}: ${(err as Error).message}`.slice(0, 200) });
        throw err;
      }
    }
    channel = msg.sms ? "sms" : "none";
    await patch(ds, d.id, { channel, error: errors.join("; ") });
  }

  if (channel !== "sms" || !msg.sms) return done("skipped", "none", [...errors, "no consent left"].join("; "));
  const phone = await msg.sms.phone();
  if (!phone) return done("skipped", "none", [...errors, "no mobile number"].join("; "));
  try {
    const { bizId } = await deps.sms.send(phone, msg.sms.templateCode, msg.sms.params);
    return await done("sent", "sms", errors.length ? errors.join("; ") : null, { bizId, phoneTail: phone.slice(-4) });
  } catch (err) {
    if (err instanceof SmsRejectedError)
      return done("failed", "sms", [...errors, `sms rejected ${err.code}`].join("; "));
    const final = opts.finalAttempt && err instanceof SmsUnavailableError;
    if (final) return done("failed", "sms", [...errors, `sms: ${(err as Error).message}`].join("; "));
    await patch(ds, d.id, { error: [...errors, `sms: ${(err as Error).message}`].join("; ") });
    throw err;
  }
}

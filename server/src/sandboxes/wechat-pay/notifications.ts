import { randomBytes, randomUUID } from "node:crypto";
import type { SandboxSigner } from "../keys";
import { aesGcmEncrypt, nonceStr, rfc3339Shanghai, rsaSign } from "../../integrations/wechat-pay/signing";

/**
 * WeChat Pay's side of notifications (支付/退款结果通知), for the sandbox and for tests: building the
 * encrypted, signed request exactly as WeChat Pay sends it, deliberately broken variants, and delivery
 * with WeChat's retry schedule.
 */

/** WeChat Pay retries a notification not answered with 2xx after these delays (seconds), then gives up. */
export const WECHAT_RETRY_SCHEDULE_S = [
  15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600,
] as const;

export type NotificationEvent = "TRANSACTION.SUCCESS" | "REFUND.SUCCESS" | "REFUND.CLOSED" | "REFUND.ABNORMAL";

const SUMMARIES: Record<NotificationEvent, string> = {
  "TRANSACTION.SUCCESS": "支付成功",
  "REFUND.SUCCESS": "退款成功",
  "REFUND.CLOSED": "退款关闭",
  "REFUND.ABNORMAL": "退款异常",
};

/** Ways to break a notification on purpose (tests of the receiving side). */
export interface SigningFaults {
  /** the signature is made over other bytes */
  badSignature?: boolean;
  /** seconds added to the timestamp (e.g. -360: six minutes old), still correctly signed */
  timestampOffsetS?: number;
  /** Wechatpay-Serial sent instead of the signer's (signature still by the signer) */
  serial?: string;
}

export interface BuildFaults extends SigningFaults {
  /** one byte of the AES-GCM ciphertext flipped (the envelope is then signed correctly) */
  flipCiphertext?: boolean;
  /** the body replaced by this text (signed correctly): not JSON, wrong shape … */
  rawBody?: string;
}

export interface BuiltNotification {
  /** the envelope's id (WeChat keeps it across retries) */
  id: string;
  body: string;
  headers: Record<string, string>;
}

export interface NotificationInput {
  event: NotificationEvent;
  /** the plaintext resource: a transaction or refund object */
  resource: Record<string, unknown>;
  apiV3Key: string;
  signer: SandboxSigner;
  nowMs: number;
  id?: string;
}

/** The envelope JSON (before signing): resource encrypted with AEAD_AES_256_GCM under the APIv3 key. */
export function notificationBody(input: NotificationInput, faults: BuildFaults = {}): { id: string; body: string } {
  const id = input.id ?? randomUUID();
  if (faults.rawBody !== undefined) return { id, body: faults.rawBody };
  const originalType = input.event.startsWith("TRANSACTION.") ? "transaction" : "refund";
  // 12 characters, as WeChat's nonces are
  const nonce = randomBytes(9).toString("base64url").slice(0, 12);
  let ciphertext = aesGcmEncrypt(input.apiV3Key, nonce, originalType, JSON.stringify(input.resource));
  if (faults.flipCiphertext) {
    const bytes = Buffer.from(ciphertext, "base64");
    bytes[Math.floor(bytes.length / 3)] ^= 0x01;
    ciphertext = bytes.toString("base64");
  }
  const envelope = {
    id,
    create_time: rfc3339Shanghai(new Date(input.nowMs)),
    resource_type: "encrypt-resource",
    event_type: input.event,
    summary: SUMMARIES[input.event],
    resource: {
      original_type: originalType,
      algorithm: "AEAD_AES_256_GCM",
      ciphertext,
      associated_data: originalType,
      nonce,
    },
  };
  return { id, body: JSON.stringify(envelope) };
}

/** Wechatpay-* headers for a body, signed now (each delivery attempt is signed afresh). */
export function signNotification(
  body: string,
  signer: SandboxSigner,
  nowMs: number,
  faults: SigningFaults = {},
): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000) + (faults.timestampOffsetS ?? 0));
  const nonce = nonceStr();
  const signature = rsaSign([timestamp, nonce, faults.badSignature ? `${body} ` : body], signer.privateKey);
  return {
    "content-type": "application/json",
    "wechatpay-timestamp": timestamp,
    "wechatpay-nonce": nonce,
    "wechatpay-signature": signature,
    "wechatpay-serial": faults.serial ?? signer.serial,
    "wechatpay-signature-type": "WECHATPAY2-SHA256-RSA2048",
  };
}

/** A complete notification request (body + headers), optionally broken in the ways `faults` says. */
export function buildNotification(input: NotificationInput, faults: BuildFaults = {}): BuiltNotification {
  const { id, body } = notificationBody(input, faults);
  return { id, body, headers: signNotification(body, input.signer, input.nowMs, faults) };
}

// ---- delivery -------------------------------------------------------------------------------------

export interface DeliveryAttempt {
  at: string;
  /** the receiver's HTTP status; null when it could not be reached */
  status: number | null;
  /** the receiver's answer (first 500 characters) or the network error */
  answer: string;
}

export interface Delivery {
  deliveryId: string;
  notificationId: string;
  event: NotificationEvent | "FAULT";
  outTradeNo: string;
  url: string;
  state: "pending" | "delivered" | "gave_up";
  attempts: DeliveryAttempt[];
}

export interface DispatcherOptions {
  /** delays multiply by this (tests: e.g. 0.001 turns 15 s into 15 ms) */
  retryScale?: number;
  now?: () => number;
  timeoutMs?: number;
}

/** Sends notifications, retrying on WeChat's schedule until a 2xx (all state in memory). */
export class NotificationDispatcher {
  readonly #deliveries: Delivery[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  #generation = 0;
  readonly #scale: number;
  readonly #now: () => number;
  readonly #timeoutMs: number;

  constructor(opts: DispatcherOptions = {}) {
    this.#scale = opts.retryScale ?? 1;
    this.#now = opts.now ?? Date.now;
    this.#timeoutMs = opts.timeoutMs ?? 5000;
  }

  /**
   * Starts delivering `body` to `url`: the first attempt at once, then the retry schedule (unless `retry`
   * is false). `sign` is called for every attempt. Resolves when the first attempt is over.
   */
  dispatch(args: {
    url: string;
    notificationId: string;
    event: Delivery["event"];
    outTradeNo: string;
    body: string;
    sign: () => Record<string, string>;
    retry?: boolean;
  }): { delivery: Delivery; firstAttempt: Promise<void> } {
    const delivery: Delivery = {
      deliveryId: randomUUID(),
      notificationId: args.notificationId,
      event: args.event,
      outTradeNo: args.outTradeNo,
      url: args.url,
      state: "pending",
      attempts: [],
    };
    this.#deliveries.push(delivery);
    const generation = this.#generation;
    const attempt = async (n: number): Promise<void> => {
      if (generation !== this.#generation) return;
      const ok = await this.#attempt(delivery, args.body, args.sign());
      if (generation !== this.#generation) return;
      if (ok) {
        delivery.state = "delivered";
        return;
      }
      if (args.retry === false || n >= WECHAT_RETRY_SCHEDULE_S.length) {
        delivery.state = "gave_up";
        return;
      }
      const timer = setTimeout(
        () => {
          this.#timers.delete(timer);
          void attempt(n + 1);
        },
        WECHAT_RETRY_SCHEDULE_S[n] * 1000 * this.#scale,
      );
      timer.unref();
      this.#timers.add(timer);
    };
    return { delivery, firstAttempt: attempt(0) };
  }

  async #attempt(delivery: Delivery, body: string, headers: Record<string, string>): Promise<boolean> {
    const record: DeliveryAttempt = { at: new Date(this.#now()).toISOString(), status: null, answer: "" };
    delivery.attempts.push(record);
    try {
      const res = await fetch(delivery.url, {
        method: "POST",
        headers: { ...headers, "user-agent": "Mozilla/4.0 (Warmline WeChat Pay sandbox)" },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      record.status = res.status;
      record.answer = (await res.text()).slice(0, 500);
      return res.status >= 200 && res.status < 300;
    } catch (err) {
      const e = err as { name?: string; cause?: { code?: string } };
      record.answer = `network error: ${e?.cause?.code ?? e?.name ?? "unknown"}`;
      return false;
    }
  }

  list(filter: { outTradeNo?: string } = {}): Delivery[] {
    return this.#deliveries.filter((d) => !filter.outTradeNo || d.outTradeNo === filter.outTradeNo);
  }

  /** Stops every pending retry and forgets all deliveries. */
  reset(): void {
    this.#generation++;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#deliveries.length = 0;
  }
}

import { AlipayRequestError, type AlipaySdk } from "alipay-sdk";
import type { Config } from "../../config";
import { logger } from "../../lib/logger";
import {
  type MessageOutcome,
  MessageRejectedError,
  MessageUnavailableError,
  type TemplateMessage,
  type TemplateMessenger,
} from "../messaging";
import type { VendorKeySource } from "../vendorKeys";
import { shanghaiDateTime, isRecord, parseObject } from "./alipayFormat";
import { alipaySdk } from "./sdk";

/** The OpenAPI 2.0 method that sends a mini-program template (subscribe) message. */
export const ALIPAY_TEMPLATE_MESSAGE_METHOD = "alipay.open.app.mini.templatemessage.send";

/**
 * sub_codes with which Alipay refuses to deliver to this user (no subscription left, unknown user): the
 * message should go another way. "isv.user-not-subscribed" is what the local sandbox answers.
 */
export const ALIPAY_REFUSED_SUB_CODES: ReadonlySet<string> = new Set([
  "isv.user-not-subscribed",
  "USER_NOT_SUBSCRIBE",
  "USER_NOT_EXIST",
  "isv.invalid-user-id",
]);
/** codes after which the same request may succeed later */
const TRANSIENT_CODES: ReadonlySet<string> = new Set(["20000"]);
const TRANSIENT_SUB_CODES: ReadonlySet<string> = new Set(["isp.unknow-error", "aop.ACQ.SYSTEM_ERROR", "SYSTEM_ERROR"]);

/** a real Alipay user_id (2088 + 12 digits); anything else is sent as to_open_id */
const USER_ID = /^2088\d{12}$/;

export interface AlipayTemplateMessageOptions {
  appId: string;
  /** our app's RSA private key, PKCS8 PEM */
  privateKey: string;
  /** Alipay's RSA public key (SPKI PEM): every answer's signature is checked against it */
  alipayPublicKey: string;
  gateway: string;
  timeoutMs?: number;
}

/**
 * 支付宝小程序模板消息 through alipay.open.app.mini.templatemessage.send (biz_content: to_user_id or
 * to_open_id, user_template_id, page, data = a JSON text {"keyword1": {"value": …}, …}), on the same
 * alipay-sdk set-up as sign-in and payments, answers verified. code 10000 → sent; a refusal about the
 * user (ALIPAY_REFUSED_SUB_CODES) → refused; 20000 / network / HTTP / unverifiable answers →
 * MessageUnavailableError; other refusals (bad template, permissions, arguments) → MessageRejectedError.
 */
export class AlipayTemplateMessageClient implements TemplateMessenger {
  readonly vendor = "alipay" as const;
  readonly #sdk: AlipaySdk;

  constructor(opts: AlipayTemplateMessageOptions) {
    if (!opts.alipayPublicKey) throw new Error("the Alipay message client needs Alipay's public key");
    this.#sdk = alipaySdk({ ...opts, timeoutMs: opts.timeoutMs ?? 5000 });
  }

  async send(msg: TemplateMessage): Promise<MessageOutcome> {
    if (!msg.to) return { status: "refused", code: "NO_RECIPIENT", reason: "no Alipay user id" };
    const bizContent = {
      ...(USER_ID.test(msg.to) ? { to_user_id: msg.to } : { to_open_id: msg.to }),
      user_template_id: msg.templateId,
      page: msg.page,
      data: JSON.stringify(Object.fromEntries(Object.entries(msg.data).map(([k, v]) => [k, { value: v }]))),
    };
    let answer: unknown;
    try {
      // the SDK stamps `timestamp` in the process's local zone; Alipay reads it as Beijing time
      answer = await this.#sdk.exec(
        ALIPAY_TEMPLATE_MESSAGE_METHOD,
        { bizContent, timestamp: shanghaiDateTime(Date.now()) },
        { validateSign: true },
      );
    } catch (err) {
      const refusal = this.#errorResponse(err);
      if (!refusal) throw new MessageUnavailableError("alipay", `alipay message: ${sdkReason(err)}`, { cause: err });
      return this.#outcome(refusal);
    }
    if (!isRecord(answer)) throw new MessageUnavailableError("alipay", "alipay message: answer is not an object");
    return this.#outcome(answer);
  }

  #outcome(answer: Record<string, unknown>): MessageOutcome {
    const code = text(answer.code);
    if (code === "10000") return { status: "sent", vendorMessageId: null };
    const subCode = text(answer.sub_code);
    const subMsg = text(answer.sub_msg).slice(0, 160);
    if (ALIPAY_REFUSED_SUB_CODES.has(subCode)) return { status: "refused", code: subCode, reason: subMsg };
    logger.warn({ vendor: "alipay", alipayCode: code, subCode }, "alipay message refused");
    if (TRANSIENT_CODES.has(code) || TRANSIENT_SUB_CODES.has(subCode)) {
      throw new MessageUnavailableError("alipay", `alipay message: ${code} ${subCode}`);
    }
    throw new MessageRejectedError(
      "alipay",
      subCode || code || "UNKNOWN",
      `alipay message: ${code} ${subCode} ${subMsg}`,
    );
  }

  /**
   * alipay-sdk 4.14 throws for answers under `error_response` (gateway-level refusals): believed only
   * when their signature verifies over the error_response text.
   */
  #errorResponse(err: unknown): Record<string, unknown> | null {
    if (!(err instanceof AlipayRequestError) || !err.responseDataRaw) return null;
    const raw = err.responseDataRaw;
    const parsed = parseObject(raw);
    const error = parsed?.error_response;
    if (!isRecord(error) || typeof parsed?.sign !== "string") return null;
    try {
      this.#sdk.checkResponseSign(raw, "error_response", parsed.sign, "");
      return error;
    } catch {
      return null;
    }
  }
}

/** The message client for the configured Alipay set-up (the local sandbox gateway in sandbox mode). */
export async function createAlipayTemplateMessageClient(
  config: Config,
  keySource: VendorKeySource,
): Promise<AlipayTemplateMessageClient> {
  const keys = await keySource.alipay();
  return new AlipayTemplateMessageClient({
    appId: config.alipay.appId,
    privateKey: keys.appPrivateKey,
    alipayPublicKey: keys.alipayPublicKey,
    gateway: config.alipay.gateway,
  });
}

function sdkReason(err: unknown): string {
  if (err instanceof AlipayRequestError) {
    if (err.message.startsWith("HttpClient Request error")) {
      const cause = (err.cause ?? err) as { code?: unknown; name?: unknown };
      return `request failed (${String(cause?.code ?? cause?.name ?? "unknown")})`;
    }
    if (err.message.startsWith("HTTP 请求错误")) return `HTTP error ${err.message.split(",")[1]?.trim() ?? ""}`;
    if (err.message.startsWith("验签失败")) return "answer signature invalid";
    // the SDK's other messages can quote the whole answer: name only the kind of failure
    return "unusable answer";
  }
  // a success answer without any `sign` makes node:crypto reject the missing signature argument
  if ((err as { code?: unknown })?.code === "ERR_INVALID_ARG_TYPE") return "unsigned answer";
  return (err as Error)?.name ?? "error";
}

function text(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/**
 * The SMS client, speaking Aliyun's SMS API (dysmsapi, RPC style, API version 2017-05-25):
 *
 *   POST {apiBase}/   application/x-www-form-urlencoded
 *     Action=SendSms, Version=2017-05-25, Format=JSON, RegionId=cn-hangzhou, AccessKeyId,
 *     SignatureMethod=HMAC-SHA1, SignatureVersion=1.0, SignatureNonce (random), Timestamp (UTC ISO 8601),
 *     PhoneNumbers, SignName, TemplateCode, TemplateParam (JSON text), OutId (ours, optional), Signature
 *   answer: {"Code":"OK","Message":"OK","BizId":"…","RequestId":"…"}; errors carry another Code.
 *
 * Signature v1: StringToSign = "POST&%2F&" + percentEncode(canonical query), where the canonical query
 * is every parameter but Signature, sorted by name, `percentEncode(name)=percentEncode(value)` joined by
 * "&"; Signature = base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign)). percentEncode is RFC 3986
 * (encodeURIComponent plus ! ' ( ) *).
 *
 * Error mapping: network errors, timeouts, HTTP 5xx / 429 and the codes in SMS_TRANSIENT_CODES (platform
 * busy, throttling, the per-number flow control isv.BUSINESS_LIMIT_CONTROL) → SmsUnavailableError; every
 * other code (isv.MOBILE_NUMBER_ILLEGAL, isv.SMS_TEMPLATE_ILLEGAL, SignatureDoesNotMatch,
 * InvalidAccessKeyId.NotFound, isv.AMOUNT_NOT_ENOUGH …) → SmsRejectedError(code).
 */
import { createHmac, randomUUID } from "node:crypto";
import type { Config } from "../../config";
import { logger } from "../../lib/logger";
import { networkReason } from "../messaging";
import { type SmsProvider, SmsRejectedError, SmsUnavailableError } from "./provider";

export const ALIYUN_SMS_VERSION = "2017-05-25";

export const SMS_TRANSIENT_CODES: ReadonlySet<string> = new Set([
  "isp.SYSTEM_ERROR",
  "isv.BUSINESS_LIMIT_CONTROL",
  "Throttling",
  "Throttling.User",
  "Throttling.Api",
  "ServiceUnavailable",
  "InternalError",
  "SignatureNonceUsed",
]);

/** RFC 3986 percent-encoding as Aliyun's POP signature wants it. */
export function percentEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The canonical query string of every parameter but Signature. */
export function canonicalQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== "Signature")
    .sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k] as string)}`)
    .join("&");
}

/** base64(HMAC-SHA1(secret + "&", METHOD&%2F&percentEncode(canonical))) */
export function aliyunSignature(secret: string, method: string, params: Record<string, string>): string {
  const stringToSign = `${method.toUpperCase()}&${percentEncode("/")}&${percentEncode(canonicalQuery(params))}`;
  return createHmac("sha1", `${secret}&`).update(stringToSign, "utf8").digest("base64");
}

/** "2026-11-20T03:04:05Z": UTC, no milliseconds */
export function aliyunTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export interface AliyunSmsOptions {
  /** https://dysmsapi.aliyuncs.com, or the local sandbox (…/sandbox/sms) */
  apiBase: string;
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  regionId?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

export class AliyunSmsClient implements SmsProvider {
  readonly #fetch: typeof fetch;
  readonly #now: () => number;

  constructor(readonly opts: AliyunSmsOptions) {
    this.#fetch = opts.fetch ?? fetch;
    this.#now = opts.now ?? Date.now;
  }

  /** `outId` is our own reference, echoed in the platform's delivery reports. */
  async send(
    phone: string,
    templateCode: string,
    params: Record<string, string>,
    outId?: string,
  ): Promise<{ bizId: string }> {
    const request: Record<string, string> = {
      Action: "SendSms",
      Version: ALIYUN_SMS_VERSION,
      Format: "JSON",
      RegionId: this.opts.regionId ?? "cn-hangzhou",
      AccessKeyId: this.opts.accessKeyId,
      SignatureMethod: "HMAC-SHA1",
      SignatureVersion: "1.0",
      SignatureNonce: randomUUID(),
      Timestamp: aliyunTimestamp(this.#now()),
      PhoneNumbers: phone,
      SignName: this.opts.signName,
      TemplateCode: templateCode,
      TemplateParam: JSON.stringify(params),
      ...(outId ? { OutId: outId } : {}),
    };
    request.Signature = aliyunSignature(this.opts.accessKeySecret, "POST", request);
    const body = `${canonicalQuery(request)}&Signature=${percentEncode(request.Signature)}`;

    const timeoutMs = this.opts.timeoutMs ?? 10_000;
    let status: number;
    let text: string;
    try {
      const res = await this.#fetch(`${this.opts.apiBase.replace(/\/$/, "")}/`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8", accept: "application/json" },
        body,
        redirect: "error",
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      throw new SmsUnavailableError(`sms: ${networkReason(err)}`, { cause: err });
    }
    let answer: Record<string, unknown> | null = null;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
        answer = parsed as Record<string, unknown>;
      }
    } catch {
      answer = null;
    }
    const code = typeof answer?.Code === "string" ? answer.Code : null;
    const message = typeof answer?.Message === "string" ? answer.Message.slice(0, 160) : "";
    if (status >= 500 || status === 429 || (code && SMS_TRANSIENT_CODES.has(code))) {
      logger.warn({ vendor: "sms", status, code }, "sms send failed (transient)");
      throw new SmsUnavailableError(`sms: ${code ?? `HTTP ${status}`} ${message}`.trim());
    }
    if (status === 200 && code === "OK") {
      const bizId = typeof answer?.BizId === "string" ? answer.BizId : "";
      if (!bizId) throw new SmsUnavailableError("sms: accepted without BizId");
      return { bizId };
    }
    if (!code) {
      if (status === 200) throw new SmsUnavailableError("sms: answer is not readable");
      throw new SmsRejectedError(`HTTP_${status}`, `短信平台拒绝了请求（HTTP ${status}）`);
    }
    logger.warn({ vendor: "sms", status, code }, "sms send refused");
    throw new SmsRejectedError(code, message || code);
  }
}

/** The SMS client configured for this server (config.sms). */
export function createSmsClient(
  config: Pick<Config, "sms">,
  extra: Pick<AliyunSmsOptions, "fetch" | "now"> = {},
): AliyunSmsClient {
  return new AliyunSmsClient({
    apiBase: config.sms.apiBase,
    accessKeyId: config.sms.accessKeyId,
    accessKeySecret: config.sms.accessKeySecret,
    signName: config.sms.signName,
    timeoutMs: config.sms.timeoutMs,
    ...extra,
  });
}

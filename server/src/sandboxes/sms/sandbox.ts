import { randomInt, randomUUID } from "node:crypto";
import type Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import { SANDBOX_PATHS } from "../../integrations/sandboxPaths";
import { ALIYUN_SMS_VERSION, aliyunSignature } from "../../integrations/sms/aliyun";
import { renderSmsTemplate, SMS_PARAM_MAX_CHARS, smsTemplateVariables } from "../../integrations/sms/templates";
import { readText } from "../sandboxBody";

/** sandbox request bodies are refused above this size */
const BODY_LIMIT = 64 * 1024;

/**
 * A local stand-in for the SMS platform (Aliyun dysmsapi SendSms, see aliyun.ts), mounted under
 * /sandbox/sms (SANDBOX_VENDORS=true only):
 *   POST /                        the API (form or query parameters, signature v1)
 *   GET  /test/messages?phone=    what was sent, rendered (newest last)
 *   POST /test/fail-next {mode, count?}  unavailable (HTTP 503) | throttle (isv.BUSINESS_LIMIT_CONTROL)
 *                                        | reject (isv.AMOUNT_NOT_ENOUGH) | slow (answers after delayMs)
 *   POST /test/report {bizId, delivered, errCode?}  pushes the delivery report (回执) of a message sent
 *   POST /test/reset              forget everything
 *
 * Like the platform it checks the AccessKeyId, the signature, the timestamp (15 minutes), the nonce (used
 * once), the signature name, the template (known codes only, every variable given, at most 35 characters
 * each) and the number(s). Gateway-level errors answer HTTP 400/404 with {Code, Message, RequestId};
 * business errors HTTP 200 with Code ≠ OK. State is in memory; it must never be mounted in production.
 */
export const SMS_SANDBOX_PATH = SANDBOX_PATHS.sms;

export const SMS_FAIL_MODES = ["unavailable", "throttle", "reject", "slow"] as const;
export type SmsFailMode = (typeof SMS_FAIL_MODES)[number];

export interface SmsSandboxOptions {
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  /** template code → template text (Aliyun syntax ${name}) */
  templates: Record<string, string>;
  /** accepted clock difference, seconds; 900 by default */
  timestampSkewS?: number;
  /** where replies are pushed (上行短信, /test/reply): the server's /api/v1/notify/sms-up with its token */
  upUrl?: string;
  /** where delivery reports are pushed (短信回执, /test/report): the server's /api/v1/notify/sms-report */
  reportUrl?: string;
  /** delay of "slow" answers; 15 s by default */
  slowMs?: number;
  now?: () => number;
}

export interface SandboxSms {
  bizId: string;
  at: number;
  phone: string;
  signName: string;
  templateCode: string;
  params: Record<string, string>;
  outId: string | null;
  /** 【签名】 + the rendered template */
  text: string;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
  delayMs?: number;
}

const answer = (status: number, code: string, message: string, extra: Record<string, unknown> = {}): Answer => ({
  status,
  body: { RequestId: randomUUID().toUpperCase(), Code: code, Message: message, ...extra },
});

export class SmsSandbox {
  readonly messages: SandboxSms[] = [];
  readonly #nonces = new Map<string, number>();
  readonly #faults: { mode: SmsFailMode; delayMs?: number }[] = [];
  readonly #now: () => number;

  constructor(private readonly opts: SmsSandboxOptions) {
    this.#now = opts.now ?? Date.now;
  }

  failNext(mode: SmsFailMode, count = 1, opts: { delayMs?: number } = {}): void {
    for (let i = 0; i < count; i++) this.#faults.push({ mode, delayMs: opts.delayMs });
  }

  reset(): void {
    this.messages.length = 0;
    this.#faults.length = 0;
    this.#nonces.clear();
  }

  /** Answers one API request given its decoded parameters (query and form together). */
  handle(params: Record<string, string>, method = "POST"): Answer {
    const now = this.#now();
    if (!params.AccessKeyId) return answer(400, "MissingAccessKeyId", "AccessKeyId is mandatory for this action.");
    if (params.AccessKeyId !== this.opts.accessKeyId) {
      return answer(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
    }
    if (params.SignatureMethod !== "HMAC-SHA1" || params.SignatureVersion !== "1.0") {
      return answer(400, "InvalidParameter", "SignatureMethod / SignatureVersion not supported.");
    }
    const ts = Date.parse(params.Timestamp ?? "");
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(params.Timestamp ?? "") || !Number.isFinite(ts)) {
      return answer(400, "InvalidTimeStamp.Format", "Specified time stamp is not valid.");
    }
    if (Math.abs(now - ts) > (this.opts.timestampSkewS ?? 900) * 1000) {
      return answer(400, "InvalidTimeStamp.Expired", "Specified time stamp or date header is expired.");
    }
    const want = aliyunSignature(this.opts.accessKeySecret, method, params);
    if (!params.Signature || params.Signature !== want) {
      return answer(400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation.");
    }
    const nonce = params.SignatureNonce ?? "";
    for (const [n, at] of this.#nonces) if (at < now - 15 * 60_000) this.#nonces.delete(n);
    if (!nonce || this.#nonces.has(nonce))
      return answer(400, "SignatureNonceUsed", "Specified signature nonce was used already.");
    this.#nonces.set(nonce, now);
    if (params.Action !== "SendSms") return answer(404, "InvalidAction.NotFound", "Specified api is not found.");
    if (params.Version !== ALIYUN_SMS_VERSION)
      return answer(400, "InvalidVersion", "Specified parameter Version is not valid.");

    const fault = this.#faults.shift();
    if (fault?.mode === "unavailable")
      return answer(503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server.");
    if (fault?.mode === "throttle") return answer(200, "isv.BUSINESS_LIMIT_CONTROL", "触发号码天级流控Permits:10");
    if (fault?.mode === "reject") return answer(200, "isv.AMOUNT_NOT_ENOUGH", "账户余额不足");

    const result = this.#send(params, now);
    return fault?.mode === "slow" ? { ...result, delayMs: fault.delayMs ?? this.opts.slowMs ?? 15_000 } : result;
  }

  #send(p: Record<string, string>, now: number): Answer {
    const phones = (p.PhoneNumbers ?? "").split(",").map((s) => s.trim());
    if (phones.length === 0 || phones.length > 1000 || phones.some((n) => !/^(?:\+?86)?1[3-9]\d{9}$/.test(n))) {
      return answer(200, "isv.MOBILE_NUMBER_ILLEGAL", "非法手机号");
    }
    if (!p.SignName) return answer(200, "isv.SMS_SIGNATURE_ILLEGAL", "签名不合法");
    if (p.SignName !== this.opts.signName) return answer(200, "isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名");
    const text = this.opts.templates[p.TemplateCode ?? ""];
    if (!text) return answer(200, "isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板");
    let params: Record<string, string> = {};
    if (p.TemplateParam) {
      try {
        const parsed: unknown = JSON.parse(p.TemplateParam);
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
        params = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
      } catch {
        return answer(200, "isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值");
      }
    }
    for (const name of smsTemplateVariables(text)) {
      if (!params[name]) return answer(200, "isv.TEMPLATE_MISSING_PARAMETERS", `模板缺少变量${name}`);
      if ([...params[name]].length > SMS_PARAM_MAX_CHARS)
        return answer(200, "isv.PARAM_LENGTH_LIMIT", "参数超出长度限制");
    }
    const bizId = `${randomInt(100000, 999999)}${now}`.slice(0, 20);
    for (const phone of phones) {
      this.messages.push({
        bizId,
        at: now,
        phone: phone.replace(/^\+?86(?=1\d{10}$)/, ""),
        signName: p.SignName,
        templateCode: p.TemplateCode as string,
        params,
        outId: p.OutId || null,
        text: `【${p.SignName}】${renderSmsTemplate(text, params)}`,
      });
    }
    return answer(200, "OK", "OK", { BizId: bizId });
  }
}

const FailNextInput = z.object({
  mode: z.enum(SMS_FAIL_MODES),
  count: z.number().int().min(1).max(1000).default(1),
  delayMs: z.number().int().min(0).max(600_000).optional(),
});

/** Mounts the sandbox platform and its test controls under /sandbox/sms (see the file comment). */
export function mountSmsSandbox(router: Router, opts: SmsSandboxOptions | { sandbox: SmsSandbox }): SmsSandbox {
  const sb = "sandbox" in opts ? opts.sandbox : new SmsSandbox(opts);
  const P = SMS_SANDBOX_PATH;

  const api = async (ctx: Context) => {
    const params = Object.fromEntries(new URLSearchParams(ctx.querystring));
    if (ctx.method === "POST") {
      for (const [k, v] of new URLSearchParams(await readText(ctx, BODY_LIMIT))) if (!(k in params)) params[k] = v;
    }
    const out = sb.handle(params, ctx.method);
    if (out.delayMs) await new Promise((r) => setTimeout(r, out.delayMs));
    ctx.set("Cache-Control", "no-store");
    ctx.status = out.status;
    ctx.type = "application/json; charset=utf-8";
    ctx.body = JSON.stringify(out.body);
  };
  router.post(`${P}/`, api);
  router.get(`${P}/`, api);

  router.get(`${P}/test/messages`, (ctx) => {
    const phone = typeof ctx.query.phone === "string" ? ctx.query.phone : null;
    ctx.set("Cache-Control", "no-store");
    ctx.body = { messages: sb.messages.filter((m) => !phone || m.phone === phone) };
  });
  router.post(`${P}/test/fail-next`, async (ctx) => {
    let input: unknown;
    try {
      input = JSON.parse((await readText(ctx, BODY_LIMIT)) || "{}");
    } catch {
      input = undefined;
    }
    const parsed = FailNextInput.safeParse(input);
    if (!parsed.success) {
      ctx.status = 400;
      ctx.body = { error: "expected {mode, count?, delayMs?}", modes: SMS_FAIL_MODES };
      return;
    }
    sb.failNext(parsed.data.mode, parsed.data.count, { delayMs: parsed.data.delayMs });
    ctx.body = { ok: true };
  });
  // a resident replies to a text (上行短信, e.g. "TD" to stop): pushed to the server the way the platform's
  // HTTP batch push does (a JSON array), when a push address is configured
  router.post(`${P}/test/reply`, async (ctx) => {
    let input: { phone?: unknown; content?: unknown } = {};
    try {
      input = JSON.parse((await readText(ctx, BODY_LIMIT)) || "{}");
    } catch {
      input = {};
    }
    const upUrl = "sandbox" in opts ? undefined : opts.upUrl;
    if (typeof input.phone !== "string" || typeof input.content !== "string" || !upUrl) {
      ctx.status = 400;
      ctx.body = { error: upUrl ? "expected {phone, content}" : "no push address configured" };
      return;
    }
    const res = await fetch(upUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([
        {
          phone_number: input.phone,
          content: input.content,
          send_time: new Date().toISOString().slice(0, 19).replace("T", " "),
          sign_name: "sandbox" in opts ? "" : opts.signName,
          dest_code: "",
          sequence_id: Date.now(),
        },
      ]),
    });
    ctx.body = { pushed: res.status };
  });
  // the platform reports a message delivered or not (短信回执): pushed to the server the way the platform's
  // HTTP batch push does (a JSON array, SmsReport format), when a report address is configured
  router.post(`${P}/test/report`, async (ctx) => {
    let input: { bizId?: unknown; delivered?: unknown; errCode?: unknown } = {};
    try {
      input = JSON.parse((await readText(ctx, BODY_LIMIT)) || "{}");
    } catch {
      input = {};
    }
    const reportUrl = "sandbox" in opts ? undefined : opts.reportUrl;
    const sent = sb.messages.filter((m) => m.bizId === input.bizId);
    if (typeof input.delivered !== "boolean" || sent.length === 0 || !reportUrl) {
      ctx.status = 400;
      ctx.body = {
        error: reportUrl ? "expected {bizId of a message sent, delivered}" : "no report address configured",
      };
      return;
    }
    const at = new Date().toISOString().slice(0, 19).replace("T", " ");
    const delivered = input.delivered;
    const errCode = delivered ? "DELIVERED" : typeof input.errCode === "string" ? input.errCode : "MK:0001";
    const res = await fetch(reportUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(
        sent.map((m) => ({
          phone_number: m.phone,
          send_time: new Date(m.at).toISOString().slice(0, 19).replace("T", " "),
          report_time: at,
          success: delivered,
          err_code: errCode,
          err_msg: delivered ? "用户接收成功" : "用户接收失败",
          sms_size: "1",
          biz_id: m.bizId,
          out_id: m.outId ?? "",
        })),
      ),
    });
    ctx.body = { pushed: res.status };
  });
  router.post(`${P}/test/reset`, (ctx) => {
    sb.reset();
    ctx.body = { ok: true };
  });
  return sb;
}

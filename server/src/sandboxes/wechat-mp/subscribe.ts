import { randomBytes, randomInt, randomUUID } from "node:crypto";
import type Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import { jsonInput, readText } from "../sandboxBody";
import { wechatFieldType } from "../../integrations/wechat-mp/subscribe";

/**
 * The WeChat sandbox's side of 订阅消息, mounted below /sandbox/wechat (SANDBOX_VENDORS=true only):
 *   GET  cgi-bin/token                     access tokens (grant_type=client_credential, appid, secret); a new
 *                                          one ends the previous ones five minutes later, as WeChat does
 *   POST cgi-bin/stable_token              the stable token {grant_type, appid, secret, force_refresh}: the
 *                                          same one to every caller until its last five minutes (then a new
 *                                          one; force_refresh: a new one, the old one ends five minutes later)
 *   POST cgi-bin/message/subscribe/send    sends, with WeChat's checks and error codes
 *   GET  test/messages?touser=             what was sent (newest last)
 *   DELETE test/messages                   forget messages, refusals and faults
 *   POST test/refuse      {openid, refuse?}  answer 43101 for this openid (refuse:false undoes it)
 *   POST test/expire-tokens                 every issued token becomes expired (42001)
 *   POST test/fail-next   {mode, count?}     "busy" = errcode -1, "http_500" = HTTP 500
 * State is in memory. It must never be mounted in production.
 */

export interface WechatSubscribeSandboxOptions {
  appId: string;
  secret: string;
  /** template ids that exist; empty = any non-empty id */
  templateIds?: readonly string[];
  /** lifetime of issued access tokens; 7200 s like WeChat */
  tokenTtlS?: number;
  now?: () => number;
}

export interface SandboxSubscribeMessage {
  msgid: string;
  at: number;
  touser: string;
  templateId: string;
  page: string | null;
  miniprogramState: string | null;
  /** the field values as received */
  data: Record<string, string>;
}

export type WechatSubscribeFault = "busy" | "http_500";

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

const ok = (extra: Record<string, unknown> = {}): Answer => ({
  status: 200,
  body: { errcode: 0, errmsg: "ok", ...extra },
});
const fail = (errcode: number, errmsg: string): Answer => ({
  status: 200,
  body: { errcode, errmsg: `${errmsg} rid: ${randomUUID().slice(0, 23)}` },
});

/** WeChat's value rules per field type (the sandbox refuses what WeChat refuses: 47003 argument invalid). */
const FIELD_RULES: Record<string, (v: string) => boolean> = {
  thing: (v) => [...v].length <= 20,
  character_string: (v) => v.length <= 32 && /^[0-9A-Za-z_\-.]*$/.test(v),
  phrase: (v) => [...v].length <= 5 && /^[\u4e00-\u9fa5]*$/.test(v),
  time: (v) => /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$|^\d{4}年\d{1,2}月\d{1,2}日( \d{1,2}:\d{2})?$/.test(v),
  date: (v) => /^\d{4}-\d{2}-\d{2}$|^\d{4}年\d{1,2}月\d{1,2}日$/.test(v),
  number: (v) => /^-?\d{1,32}(\.\d+)?$/.test(v),
  // a currency sign, at most 10 digits, decimals allowed, "元" at the end allowed (WeChat's amount field)
  amount: (v) => /^[¥￥$]?\d{1,10}(\.\d{1,2})?元?$/.test(v),
  name: (v) => [...v].length <= 10,
};

/** a replaced token keeps working this long (WeChat: five minutes) */
const OLD_TOKEN_GRACE_MS = 5 * 60_000;

export class WechatSandboxSubscribe {
  readonly messages: SandboxSubscribeMessage[] = [];
  readonly #tokens = new Map<string, number>();
  #stable: { value: string; expiresAt: number } | null = null;
  readonly #refused = new Set<string>();
  readonly #faults: WechatSubscribeFault[] = [];
  readonly #now: () => number;
  /** tokens issued, for tests of the client's cache */
  tokensIssued = 0;

  constructor(private readonly opts: WechatSubscribeSandboxOptions) {
    this.#now = opts.now ?? Date.now;
  }

  refuse(openid: string, refuse = true): void {
    if (refuse) this.#refused.add(openid);
    else this.#refused.delete(openid);
  }

  failNext(mode: WechatSubscribeFault, count = 1): void {
    for (let i = 0; i < count; i++) this.#faults.push(mode);
  }

  expireTokens(): void {
    for (const token of this.#tokens.keys()) this.#tokens.set(token, 0);
  }

  /** Forgets messages, refusals, faults, the token count and which token is the stable one (issued tokens stay valid). */
  reset(): void {
    this.messages.length = 0;
    this.#refused.clear();
    this.#faults.length = 0;
    this.tokensIssued = 0;
    this.#stable = null;
  }

  /** the app's credentials as WeChat checks them, or the error answer */
  #credentials(grantType: unknown, appid: unknown, secret: unknown): Answer | null {
    if (grantType !== "client_credential") return fail(40002, "invalid grant_type");
    if (!appid) return fail(41002, "appid missing");
    if (appid !== this.opts.appId) return fail(40013, "invalid appid");
    if (!secret) return fail(41004, "appsecret missing");
    if (secret !== this.opts.secret) return fail(40125, "invalid appsecret");
    return null;
  }

  /** a new token; the ones in `previous` stop working five minutes from now */
  #issue(previous: Iterable<string>): { value: string; expiresAt: number } {
    const now = this.#now();
    for (const t of previous) {
      const at = this.#tokens.get(t);
      if (at !== undefined) this.#tokens.set(t, Math.min(at, now + OLD_TOKEN_GRACE_MS));
    }
    const value = randomBytes(48).toString("base64url");
    const expiresAt = now + (this.opts.tokenTtlS ?? 7200) * 1000;
    this.#tokens.set(value, expiresAt);
    this.tokensIssued += 1;
    return { value, expiresAt };
  }

  /** GET /cgi-bin/token: a new token each call */
  token(q: URLSearchParams): Answer {
    const fault = this.#fault();
    if (fault) return fault;
    const refused = this.#credentials(q.get("grant_type"), q.get("appid"), q.get("secret"));
    if (refused) return refused;
    const t = this.#issue([...this.#tokens.keys()].filter((k) => k !== this.#stable?.value));
    return { status: 200, body: { access_token: t.value, expires_in: this.opts.tokenTtlS ?? 7200 } };
  }

  /** POST /cgi-bin/stable_token: the same token to every caller while it lasts */
  stableToken(rawBody: string): Answer {
    const fault = this.#fault();
    if (fault) return fault;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(rawBody) as Record<string, unknown>;
      if (typeof body !== "object" || body === null) throw new Error("not an object");
    } catch {
      return fail(47001, "data format error");
    }
    const refused = this.#credentials(body.grant_type, body.appid, body.secret);
    if (refused) return refused;
    const now = this.#now();
    const current = this.#stable && (this.#tokens.get(this.#stable.value) ?? 0) > now ? this.#stable : null;
    if (body.force_refresh === true) this.#stable = this.#issue(current ? [current.value] : []);
    // in its last five minutes the stable token is renewed (the old one lasts until its own expiry)
    else if (!current || (this.#tokens.get(current.value) ?? 0) - now <= OLD_TOKEN_GRACE_MS)
      this.#stable = this.#issue([]);
    const stable = this.#stable as { value: string; expiresAt: number };
    const left = Math.floor(((this.#tokens.get(stable.value) ?? now) - now) / 1000);
    return { status: 200, body: { access_token: stable.value, expires_in: left } };
  }

  /** POST /cgi-bin/message/subscribe/send?access_token=… */
  send(accessToken: string | null, rawBody: string): Answer {
    if (!accessToken) return fail(41001, "access_token missing");
    const expiresAt = this.#tokens.get(accessToken);
    if (expiresAt === undefined) return fail(40001, "invalid credential, access_token is invalid or not latest");
    if (expiresAt <= this.#now()) return fail(42001, "access_token expired");
    const fault = this.#fault();
    if (fault) return fault;
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(rawBody);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
      body = parsed as Record<string, unknown>;
    } catch {
      return fail(47001, "data format error");
    }
    const touser = typeof body.touser === "string" ? body.touser : "";
    if (!touser) return fail(40003, "invalid openid");
    const templateId = typeof body.template_id === "string" ? body.template_id : "";
    const known = this.opts.templateIds ?? [];
    if (!templateId || (known.length > 0 && !known.includes(templateId))) return fail(40037, "invalid template_id");
    if (body.page !== undefined && (typeof body.page !== "string" || body.page.startsWith("/"))) {
      return fail(41030, "invalid page");
    }
    const state = body.miniprogram_state;
    if (state !== undefined && !["developer", "trial", "formal"].includes(String(state))) {
      return fail(47003, "argument invalid! miniprogram_state invalid");
    }
    const data = body.data;
    if (typeof data !== "object" || data === null || Array.isArray(data) || Object.keys(data).length === 0) {
      return fail(47003, "argument invalid! data invalid");
    }
    const values: Record<string, string> = {};
    for (const [key, entry] of Object.entries(data as Record<string, unknown>)) {
      const value = (entry as { value?: unknown } | null)?.value;
      if (typeof value !== "string" || value === "") return fail(47003, `argument invalid! data.${key}.value empty`);
      const rule = FIELD_RULES[wechatFieldType(key)];
      if (!rule) return fail(47003, `argument invalid! data.${key} unknown field`);
      if (!rule(value)) return fail(47003, `argument invalid! data.${key}.value invalid`);
      values[key] = value;
    }
    if (this.#refused.has(touser)) return fail(43101, "user refuse to accept the msg");
    const msgid = String(randomInt(1e9, 9e9));
    this.messages.push({
      msgid,
      at: this.#now(),
      touser,
      templateId,
      page: typeof body.page === "string" ? body.page : null,
      miniprogramState: typeof state === "string" ? state : null,
      data: values,
    });
    return ok({ msgid });
  }

  #fault(): Answer | null {
    const fault = this.#faults.shift();
    if (fault === "busy") return fail(-1, "system error");
    if (fault === "http_500") return { status: 500, body: { errcode: -1, errmsg: "internal error" } };
    return null;
  }
}

const RefuseInput = z.object({ openid: z.string().trim().min(1).max(64), refuse: z.boolean().default(true) });
const FailInput = z.object({
  mode: z.enum(["busy", "http_500"]),
  count: z.number().int().min(1).max(100).default(1),
});

/** Mounts the subscribe-message API and its test controls below `base` (/sandbox/wechat). */
export function mountWechatSubscribeSandbox(router: Router, base: string, sb: WechatSandboxSubscribe): void {
  const answer = (ctx: Context, a: Answer) => {
    ctx.set("Cache-Control", "no-store");
    ctx.status = a.status;
    ctx.type = "application/json; charset=utf-8";
    ctx.body = JSON.stringify(a.body);
  };
  router.get(`${base}/cgi-bin/token`, (ctx) => answer(ctx, sb.token(new URLSearchParams(ctx.querystring))));
  router.post(`${base}/cgi-bin/stable_token`, async (ctx) => answer(ctx, sb.stableToken(await readText(ctx))));
  router.post(`${base}/cgi-bin/message/subscribe/send`, async (ctx) => {
    const token = new URLSearchParams(ctx.querystring).get("access_token");
    answer(ctx, sb.send(token, await readText(ctx)));
  });

  router.get(`${base}/test/messages`, (ctx) => {
    const touser = typeof ctx.query.touser === "string" ? ctx.query.touser : null;
    ctx.set("Cache-Control", "no-store");
    ctx.body = { messages: sb.messages.filter((m) => !touser || m.touser === touser) };
  });
  router.delete(`${base}/test/messages`, (ctx) => {
    sb.reset();
    ctx.body = { ok: true };
  });
  router.post(`${base}/test/refuse`, async (ctx) => {
    const input = await jsonInput(ctx, RefuseInput);
    if (!input) return;
    sb.refuse(input.openid, input.refuse);
    ctx.body = { ok: true };
  });
  router.post(`${base}/test/expire-tokens`, (ctx) => {
    sb.expireTokens();
    ctx.body = { ok: true };
  });
  router.post(`${base}/test/fail-next`, async (ctx) => {
    const input = await jsonInput(ctx, FailInput);
    if (!input) return;
    sb.failNext(input.mode, input.count);
    ctx.body = { ok: true };
  });
}

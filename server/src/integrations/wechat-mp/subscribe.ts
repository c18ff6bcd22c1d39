import { logger } from "../../lib/logger";
import {
  type MessageOutcome,
  MessageRejectedError,
  MessageUnavailableError,
  networkReason,
  type TemplateMessage,
  type TemplateMessenger,
} from "../messaging";

/**
 * 小程序订阅消息 (one-time subscribe messages) through WeChat's server API:
 *   POST {apiBase}/cgi-bin/stable_token {grant_type: client_credential, appid, secret, force_refresh: false}
 *        → {access_token, expires_in}
 *   POST {apiBase}/cgi-bin/message/subscribe/send?access_token=…
 *        {touser, template_id, page, data: {thing1: {value}, …}, miniprogram_state, lang}  → {errcode, errmsg}
 *
 * The access token comes from stable_token, not cgi-bin/token: every process (API, workers) asking for it
 * gets the same token until it expires, so one process fetching a token never invalidates another's (as
 * cgi-bin/token would, five minutes later). It is cached until shortly before it expires and asked for
 * again when WeChat calls it invalid or expired (40001, 40014, 42001); the send is then repeated once.
 *
 * Outcomes: errcode 0 → sent; 43101 (the user refused, or no consent is left) and 40003 (not a user of
 * this app) → refused; -1 (busy), 45009/45011 (rate limits), network errors, timeouts and HTTP errors →
 * MessageUnavailableError; anything else (40037 unknown template, 47003 bad data, 41030 bad page, 40013 /
 * 40125 wrong app id or secret …) → MessageRejectedError.
 */
export const WECHAT_REFUSED: ReadonlySet<number> = new Set([43101, 40003]);
export const WECHAT_TOKEN_INVALID: ReadonlySet<number> = new Set([40001, 40014, 42001]);
export const WECHAT_TRANSIENT: ReadonlySet<number> = new Set([-1, 45009, 45011]);

/** Length limits of WeChat's template field types, by the key's prefix (thing1 → thing). */
const FIELD_LIMITS: Record<string, number> = {
  thing: 20,
  character_string: 32,
  phrase: 5,
  name: 10,
  number: 32,
  letter: 32,
  symbol: 5,
  car_number: 8,
  phone_number: 17,
  amount: 11,
};

export function wechatFieldType(key: string): string {
  return key.replace(/\d+$/, "");
}

/** A value cut to the length its field type allows (by characters, not bytes). */
export function wechatFieldValue(key: string, value: string): string {
  const limit = FIELD_LIMITS[wechatFieldType(key)];
  const chars = [...value.trim()];
  if (!limit || chars.length <= limit) return chars.join("");
  return `${chars.slice(0, limit - 1).join("")}…`;
}

export interface WechatSubscribeOptions {
  appId: string;
  secret: string;
  /** https://api.weixin.qq.com, or the local sandbox (…/sandbox/wechat) */
  apiBase: string;
  miniprogramState?: "developer" | "trial" | "formal";
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

interface Answer {
  errcode?: unknown;
  errmsg?: unknown;
  [k: string]: unknown;
}

/** refresh this long before WeChat's expiry */
const TOKEN_MARGIN_MS = 5 * 60_000;

export class WechatSubscribeClient implements TemplateMessenger {
  readonly vendor = "wechat" as const;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  #token: { value: string; expiresAt: number } | null = null;
  #pending: Promise<string> | null = null;

  constructor(readonly opts: WechatSubscribeOptions) {
    this.#fetch = opts.fetch ?? fetch;
    this.#now = opts.now ?? Date.now;
  }

  /** The cached access token, or a new one (concurrent callers share one request). */
  async accessToken(): Promise<string> {
    if (this.#token && this.#token.expiresAt > this.#now()) return this.#token.value;
    this.#pending ??= this.#fetchToken().finally(() => {
      this.#pending = null;
    });
    return this.#pending;
  }

  /** Forget the cached token (WeChat called it invalid). */
  invalidateToken(): void {
    this.#token = null;
  }

  async send(msg: TemplateMessage): Promise<MessageOutcome> {
    if (!msg.to) return { status: "refused", code: "40003", reason: "no openid" };
    const body = JSON.stringify({
      touser: msg.to,
      template_id: msg.templateId,
      page: msg.page,
      data: Object.fromEntries(Object.entries(msg.data).map(([k, v]) => [k, { value: wechatFieldValue(k, v) }])),
      miniprogram_state: this.opts.miniprogramState ?? "formal",
      lang: "zh_CN",
    });
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken();
      const url = new URL(`${this.#base()}/cgi-bin/message/subscribe/send`);
      url.searchParams.set("access_token", token);
      const answer = await this.#request(url, { method: "POST", body });
      const code = errcodeOf(answer);
      if (code === 0) {
        const msgid = answer.msgid;
        return { status: "sent", vendorMessageId: msgid === undefined || msgid === null ? null : String(msgid) };
      }
      if (WECHAT_TOKEN_INVALID.has(code) && attempt === 0) {
        // expired early, or force-refreshed elsewhere: ask for the current one
        if (this.#token?.value === token) this.invalidateToken();
        continue;
      }
      const errmsg = this.#scrub(answer.errmsg);
      if (WECHAT_REFUSED.has(code)) return { status: "refused", code: String(code), reason: errmsg };
      throw this.#failure("message/subscribe/send", code, errmsg);
    }
  }

  async #fetchToken(): Promise<string> {
    const url = new URL(`${this.#base()}/cgi-bin/stable_token`);
    const body = JSON.stringify({
      grant_type: "client_credential",
      appid: this.opts.appId,
      secret: this.opts.secret,
      force_refresh: false,
    });
    const started = this.#now();
    const answer = await this.#request(url, { method: "POST", body });
    const code = errcodeOf(answer);
    if (code !== 0) throw this.#failure("cgi-bin/stable_token", code, this.#scrub(answer.errmsg));
    const token = answer.access_token;
    const expiresIn = Number(answer.expires_in ?? 7200);
    if (typeof token !== "string" || !token || !Number.isFinite(expiresIn) || expiresIn <= 0) {
      throw new MessageUnavailableError("wechat", "wechat token: answer lacks access_token");
    }
    const lifetimeMs = expiresIn * 1000;
    const margin = Math.min(TOKEN_MARGIN_MS, lifetimeMs / 2);
    this.#token = { value: token, expiresAt: started + lifetimeMs - margin };
    return token;
  }

  /** One call; the JSON object answered (errcode may be anything), or MessageUnavailableError. */
  async #request(url: URL, init: { method: "GET" | "POST"; body?: string }): Promise<Answer> {
    const path = url.pathname.split("/").slice(-2).join("/");
    let status: number;
    let text: string;
    try {
      const res = await this.#fetch(url, {
        method: init.method,
        headers: init.body ? { "content-type": "application/json" } : { accept: "application/json" },
        body: init.body,
        // the URL carries the secret or the access token: never follow it anywhere else
        redirect: "error",
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000),
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      throw new MessageUnavailableError("wechat", `wechat ${path}: ${networkReason(err)}`, { cause: err });
    }
    if (status !== 200) throw new MessageUnavailableError("wechat", `wechat ${path}: HTTP ${status}`);
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
      return parsed as Answer;
    } catch {
      throw new MessageUnavailableError("wechat", `wechat ${path}: answer is not a JSON object`);
    }
  }

  #failure(what: string, code: number, errmsg: string): Error {
    logger.warn({ vendor: "wechat", call: what, errcode: code, errmsg }, "wechat message call failed");
    if (WECHAT_TRANSIENT.has(code) || WECHAT_TOKEN_INVALID.has(code)) {
      return new MessageUnavailableError("wechat", `wechat ${what}: errcode ${code} ${errmsg}`);
    }
    return new MessageRejectedError("wechat", String(code), `wechat ${what}: errcode ${code} ${errmsg}`);
  }

  #base(): string {
    return this.opts.apiBase.replace(/\/$/, "");
  }

  /** errmsg cut short, with the secret removed should WeChat ever echo it */
  #scrub(errmsg: unknown): string {
    if (typeof errmsg !== "string") return "";
    let msg = errmsg.slice(0, 160);
    if (this.opts.secret) msg = msg.replaceAll(this.opts.secret, "***");
    return msg;
  }
}

function errcodeOf(answer: Answer): number {
  const code = answer.errcode;
  if (code === undefined || code === null) return 0;
  const n = Number(code);
  return Number.isFinite(n) ? n : -1;
}

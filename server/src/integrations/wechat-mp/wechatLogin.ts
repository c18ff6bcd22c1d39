import { AppError } from "../../http/errors";
import { logger } from "../../lib/logger";
import type { LoginExchanger, VendorIdentity } from "../login";

/**
 * errcodes with which WeChat refuses the user's code (as opposed to our configuration or its own
 * trouble): 40029 invalid code, 40163 code been used, 40226 high-risk user blocked, 41008 missing code.
 */
const CODE_REJECTED = new Set([40029, 40163, 40226, 41008]);

export interface WechatLoginOptions {
  appId: string;
  secret: string;
  /** https://api.weixin.qq.com, or the local sandbox (…/sandbox/wechat) */
  apiBase: string;
  timeoutMs?: number;
}

/** 小程序登录: exchanges wx.login's code for the user's openid through GET /sns/jscode2session. */
export class WechatMiniProgramLogin implements LoginExchanger {
  readonly #timeoutMs: number;

  constructor(private readonly opts: WechatLoginOptions) {
    this.#timeoutMs = opts.timeoutMs ?? 5000;
  }

  async exchange(code: string): Promise<VendorIdentity> {
    if (!code.trim()) throw new AppError("LOGIN_CODE_INVALID");
    const url = new URL(`${this.opts.apiBase.replace(/\/$/, "")}/sns/jscode2session`);
    url.searchParams.set("appid", this.opts.appId);
    url.searchParams.set("secret", this.opts.secret);
    url.searchParams.set("js_code", code);
    url.searchParams.set("grant_type", "authorization_code");

    let status: number;
    let text: string;
    try {
      const res = await fetch(url, {
        headers: { accept: "application/json" },
        // the URL carries the app secret: never follow it anywhere else
        redirect: "error",
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      throw providerError(networkReason(err));
    }
    if (status !== 200) throw providerError(`HTTP ${status}`);

    // WeChat answers with text/plain or application/json depending on the endpoint: judge the text
    let answer: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
      answer = parsed as Record<string, unknown>;
    } catch {
      throw providerError("answer is not a JSON object");
    }

    const errcode = answer.errcode;
    if (errcode !== undefined && errcode !== 0) {
      if (typeof errcode === "number" && CODE_REJECTED.has(errcode)) throw new AppError("LOGIN_CODE_INVALID");
      // errmsg carries WeChat's request id (rid) for support; the answer as a whole is never logged
      throw providerError("refused", { errcode, errmsg: this.#scrub(answer.errmsg, code) });
    }

    const { openid, session_key: sessionKey, unionid, nickname } = answer;
    if (typeof openid !== "string" || !openid || openid.length > 64 || typeof sessionKey !== "string" || !sessionKey) {
      throw providerError("answer lacks openid or session_key");
    }
    return {
      provider: "wechat",
      subject: openid,
      unionId: typeof unionid === "string" && unionid && unionid.length <= 64 ? unionid : null,
      // never sent by WeChat; the local sandbox adds it for its test identities
      nickname: typeof nickname === "string" && nickname ? nickname : null,
    };
  }

  /** an errmsg, cut short and with the code and secret removed should WeChat ever echo them */
  #scrub(errmsg: unknown, code: string): string | undefined {
    if (typeof errmsg !== "string") return undefined;
    let msg = errmsg.slice(0, 200).replaceAll(code, "***");
    if (this.opts.secret) msg = msg.replaceAll(this.opts.secret, "***");
    return msg;
  }
}

function providerError(reason: string, extra: Record<string, unknown> = {}): AppError {
  logger.warn({ provider: "wechat", reason, ...extra }, "wechat login exchange failed");
  return new AppError("LOGIN_PROVIDER_ERROR");
}

function networkReason(err: unknown): string {
  const e = err as { name?: string; cause?: { code?: string } };
  if (e?.name === "TimeoutError" || e?.name === "AbortError") return "timeout";
  return `request failed (${e?.cause?.code ?? e?.name ?? "unknown"})`;
}

import { createHash, randomBytes, randomUUID } from "node:crypto";

/** Who a sandbox login code signs in as. */
export interface WechatSandboxUser {
  openid: string;
  unionid: string | null;
  nickname: string | null;
}

export interface WechatSandboxOptions {
  appId: string;
  secret: string;
  /** how long an issued code stays exchangeable; WeChat's codes last 5 minutes */
  codeTtlMs?: number;
  now?: () => number;
}

/** WeChat's error answer; errmsg carries a request id like the real API's ("invalid code, rid: …"). */
export interface WechatErrorAnswer {
  errcode: number;
  errmsg: string;
}

export type Jscode2sessionAnswer =
  | { openid: string; session_key: string; unionid?: string; nickname?: string }
  | WechatErrorAnswer;

const fail = (errcode: number, errmsg: string): WechatErrorAnswer => ({
  errcode,
  errmsg: `${errmsg}, rid: ${randomUUID().slice(0, 23)}`,
});

/**
 * The sandbox's side of 小程序登录: issues single-use login codes (as wx.login would) and answers
 * GET /sns/jscode2session for them with WeChat's fields and error codes. State is in memory.
 */
export class WechatSandboxLogin {
  readonly #codes = new Map<string, { user: WechatSandboxUser; expiresAt: number }>();
  /** spent codes, remembered until they would have expired, so a replay gets 40163 like WeChat */
  readonly #used = new Map<string, number>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(private readonly opts: WechatSandboxOptions) {
    this.#ttlMs = opts.codeTtlMs ?? 5 * 60_000;
    this.#now = opts.now ?? Date.now;
  }

  /** The stable sandbox user behind a test identity name: the same name is the same user every time. */
  userFor(identity: string): WechatSandboxUser {
    const h = (what: string) => createHash("sha256").update(`${what}\n${identity}`).digest("hex");
    return {
      openid: `sandbox_${h(`wechat-openid\n${this.opts.appId}`).slice(0, 20)}`,
      unionid: `sandbox_u${h("wechat-unionid").slice(0, 20)}`,
      nickname: identity,
    };
  }

  /** Issues a login code for the given user (a random openid when none is given). */
  issueCode(user: Partial<WechatSandboxUser> = {}): { code: string; user: WechatSandboxUser } {
    this.#sweep();
    const full: WechatSandboxUser = {
      openid: user.openid ?? `sandbox_${randomBytes(10).toString("hex")}`,
      unionid: user.unionid ?? null,
      nickname: user.nickname ?? null,
    };
    // wx.login codes are 32 characters of letters and digits
    const code = randomBytes(24).toString("base64url").replace(/[-_]/g, "0").slice(0, 32);
    this.#codes.set(code, { user: full, expiresAt: this.#now() + this.#ttlMs });
    return { code, user: full };
  }

  /** Answers GET /sns/jscode2session?appid=&secret=&js_code=&grant_type=authorization_code */
  jscode2session(q: URLSearchParams): Jscode2sessionAnswer {
    const appid = q.get("appid");
    const secret = q.get("secret");
    const code = q.get("js_code");
    if (!appid) return fail(41002, "appid missing");
    if (appid !== this.opts.appId) return fail(40013, "invalid appid");
    if (!secret) return fail(41004, "appsecret missing");
    if (secret !== this.opts.secret) return fail(40125, "invalid appsecret");
    if (q.get("grant_type") !== "authorization_code") return fail(40002, "invalid grant_type");
    if (!code) return fail(41008, "missing code");

    this.#sweep();
    if (this.#used.has(code)) return fail(40163, "code been used");
    const entry = this.#codes.get(code);
    if (!entry || entry.expiresAt <= this.#now()) return fail(40029, "invalid code");
    this.#codes.delete(code);
    this.#used.set(code, entry.expiresAt);
    const { user } = entry;
    return {
      session_key: randomBytes(16).toString("base64"),
      openid: user.openid,
      ...(user.unionid ? { unionid: user.unionid } : {}),
      // not part of WeChat's answer: lets sandbox test identities carry a display name
      ...(user.nickname ? { nickname: user.nickname } : {}),
    };
  }

  #sweep(): void {
    const now = this.#now();
    for (const [code, entry] of this.#codes) if (entry.expiresAt <= now) this.#codes.delete(code);
    for (const [code, expiresAt] of this.#used) if (expiresAt <= now) this.#used.delete(code);
  }
}

import { createHash, randomBytes, randomInt } from "node:crypto";
import type { AlipaySandboxGateway, GatewayAnswer, GatewayCall } from "./gateway";

/** Who a sandbox authorization code signs in as. */
export interface AlipaySandboxUser {
  userId: string;
  openId: string;
  nickname: string | null;
}

export interface AlipaySandboxOAuthOptions {
  appId: string;
  /** how long an issued auth code stays exchangeable */
  codeTtlMs?: number;
  now?: () => number;
}

const CODE_INVALID: GatewayAnswer = {
  asErrorResponse: true,
  body: { code: "40002", msg: "Invalid Arguments", sub_code: "isv.code-invalid", sub_msg: "授权码code无效" },
};

/**
 * The sandbox's side of 支付宝授权登录: issues single-use authorization codes (as my.getAuthCode would)
 * and answers alipay.system.oauth.token for them. State is in memory: a restart forgets unused codes.
 */
export class AlipaySandboxOAuth {
  readonly #codes = new Map<string, { user: AlipaySandboxUser; expiresAt: number }>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(private readonly opts: AlipaySandboxOAuthOptions) {
    this.#ttlMs = opts.codeTtlMs ?? 5 * 60_000;
    this.#now = opts.now ?? Date.now;
  }

  /** The stable sandbox user behind a test identity name: the same name is the same user every time. */
  userFor(identity: string): AlipaySandboxUser {
    const h = (what: string) => createHash("sha256").update(`${what}\n${identity}`).digest("hex");
    return {
      userId: `sandbox_${h("alipay-user").slice(0, 20)}`,
      openId: `sandbox_o${h(`alipay-open\n${this.opts.appId}`).slice(0, 30)}`,
      nickname: identity,
    };
  }

  /** Issues an auth code for the given user (a random one when no user id is given). */
  issueCode(user: Partial<AlipaySandboxUser> = {}): { code: string; user: AlipaySandboxUser } {
    this.#sweep();
    const userId = user.userId ?? `2088${randomInt(0, 1e12).toString().padStart(12, "0")}`;
    const full: AlipaySandboxUser = {
      userId,
      openId:
        user.openId ??
        `sandbox_o${createHash("sha256").update(`${this.opts.appId}\n${userId}`).digest("hex").slice(0, 30)}`,
      nickname: user.nickname ?? null,
    };
    const code = randomBytes(16).toString("hex");
    this.#codes.set(code, { user: full, expiresAt: this.#now() + this.#ttlMs });
    return { code, user: full };
  }

  /** Adds alipay.system.oauth.token to a gateway's method table. */
  registerOn(gateway: AlipaySandboxGateway): void {
    gateway.register("alipay.system.oauth.token", (call) => this.#token(call));
  }

  #token(call: GatewayCall): GatewayAnswer {
    const grantType = call.params.grant_type ?? call.bizContent.grant_type;
    const code = call.params.code ?? call.bizContent.code;
    if (grantType !== "authorization_code") {
      return {
        asErrorResponse: true,
        body: {
          code: "40002",
          msg: "Invalid Arguments",
          sub_code: "isv.grant-type-invalid",
          sub_msg: "不支持的授权类型",
        },
      };
    }
    if (typeof code !== "string" || !code) return CODE_INVALID;
    const entry = this.#codes.get(code);
    this.#codes.delete(code); // single use: a second exchange of the same code is refused
    if (!entry || entry.expiresAt <= this.#now()) return CODE_INVALID;
    const { user } = entry;
    return {
      body: {
        user_id: user.userId,
        open_id: user.openId,
        access_token: `authusrB${randomBytes(16).toString("hex")}`,
        expires_in: 1296000,
        refresh_token: `authusrB${randomBytes(16).toString("hex")}`,
        re_expires_in: 2592000,
        auth_start: shanghaiDateTime(this.#now()),
        // not part of Alipay's answer: lets sandbox test identities carry a display name
        ...(user.nickname ? { nick_name: user.nickname } : {}),
      },
    };
  }

  #sweep(): void {
    const now = this.#now();
    for (const [code, entry] of this.#codes) if (entry.expiresAt <= now) this.#codes.delete(code);
  }
}

/** "yyyy-MM-dd HH:mm:ss" in Beijing time, as Alipay writes its timestamps. */
function shanghaiDateTime(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace("T", " ");
}

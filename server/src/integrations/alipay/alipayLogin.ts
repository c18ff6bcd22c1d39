import { AlipayRequestError, type AlipaySdk } from "alipay-sdk";
import { alipaySdk } from "./sdk";
import { AppError } from "../../http/errors";
import { logger } from "../../lib/logger";
import type { LoginExchanger, VendorIdentity } from "../login";
import { isRecord, parseObject } from "./alipayFormat";

export const OAUTH_TOKEN_METHOD = "alipay.system.oauth.token";

/** sub_codes with which Alipay refuses the user's authorization code (wrong, used, expired, other app's) */
const CODE_REJECTED = new Set(["isv.code-invalid"]);

export interface AlipayLoginOptions {
  appId: string;
  /** our app's RSA private key, PKCS8 PEM */
  privateKey: string;
  /** Alipay's RSA public key (SPKI PEM): every answer's signature is checked against it */
  alipayPublicKey: string;
  /** OpenAPI 2.0 gateway, e.g. https://openapi.alipay.com/gateway.do or the local sandbox */
  gateway: string;
  timeoutMs?: number;
}

/**
 * 支付宝小程序登录: exchanges my.getAuthCode's authCode for the user's id through
 * alipay.system.oauth.token (authorization_code grant), with the response signature verified.
 */
export class AlipayLogin implements LoginExchanger {
  readonly #sdk: AlipaySdk;

  constructor(opts: AlipayLoginOptions) {
    if (!opts.alipayPublicKey) throw new Error("AlipayLogin needs Alipay's public key to verify answers");
    this.#sdk = alipaySdk({ ...opts, alipayPublicKey: opts.alipayPublicKey, timeoutMs: opts.timeoutMs ?? 5000 });
  }

  async exchange(code: string): Promise<VendorIdentity> {
    if (!code.trim()) throw new AppError("LOGIN_CODE_INVALID");
    let answer: Record<string, unknown>;
    try {
      // validateSign is off by default in alipay-sdk 4.x: without it a forged answer would be believed
      answer = await this.#sdk.exec(
        OAUTH_TOKEN_METHOD,
        { grant_type: "authorization_code", code },
        { validateSign: true },
      );
    } catch (err) {
      throw this.#fromSdkError(err);
    }
    if (typeof answer.code === "string" && answer.code !== "10000") throw this.#fromAlipayError(answer);
    const subject = firstId(answer.user_id, answer.open_id);
    if (!subject) {
      logger.warn({ provider: "alipay", reason: "no user_id/open_id in answer" }, "alipay login exchange failed");
      throw new AppError("LOGIN_PROVIDER_ERROR");
    }
    // nick_name is never in Alipay's oauth.token answer; the local sandbox adds it for its test identities
    const nickname = typeof answer.nick_name === "string" && answer.nick_name ? answer.nick_name : null;
    return { provider: "alipay", subject, unionId: null, nickname };
  }

  /**
   * The SDK throws on every answer it cannot verify. alipay.system.oauth.token reports a refused code as
   * `{"error_response":{…},"sign":…}`, which alipay-sdk 4.14 always fails to verify (it looks for the
   * method's own response key), so such an answer is verified again here over its error_response.
   */
  #fromSdkError(err: unknown): AppError {
    if (err instanceof AlipayRequestError && err.responseDataRaw) {
      const raw = err.responseDataRaw;
      const parsed = parseObject(raw);
      const error = parsed?.error_response;
      if (isRecord(error) && typeof parsed?.sign === "string") {
        if (this.#verified(raw, "error_response", parsed.sign)) return this.#fromAlipayError(error);
        logger.warn(
          { provider: "alipay", reason: "error answer with a bad signature" },
          "alipay login exchange failed",
        );
        return new AppError("LOGIN_PROVIDER_ERROR");
      }
    }
    // the SDK's messages can quote the whole answer (tokens included): log only what kind of failure it was
    const reason =
      err instanceof AlipayRequestError
        ? err.message.startsWith("验签失败")
          ? "answer signature invalid"
          : err.message.startsWith("HttpClient Request error")
            ? `request failed (${causeCode(err)})`
            : "unusable answer"
        : `${(err as Error)?.name ?? "error"}`;
    logger.warn({ provider: "alipay", reason }, "alipay login exchange failed");
    return new AppError("LOGIN_PROVIDER_ERROR");
  }

  #verified(raw: string, responseKey: string, sign: string): boolean {
    try {
      this.#sdk.checkResponseSign(raw, responseKey, sign, "");
      return true;
    } catch {
      return false;
    }
  }

  #fromAlipayError(error: Record<string, unknown>): AppError {
    const subCode = typeof error.sub_code === "string" ? error.sub_code : undefined;
    if (subCode && CODE_REJECTED.has(subCode)) return new AppError("LOGIN_CODE_INVALID");
    // sub_msg is not logged: for isv.invalid-signature Alipay quotes the signed string, auth code included
    logger.warn({ provider: "alipay", alipayCode: error.code, subCode }, "alipay login exchange refused");
    return new AppError("LOGIN_PROVIDER_ERROR");
  }
}

function firstId(...candidates: unknown[]): string | null {
  for (const c of candidates) {
    if (typeof c === "string" && c.length > 0 && c.length <= 64) return c;
  }
  return null;
}

function causeCode(err: Error): string {
  const cause = err.cause as { code?: unknown; name?: unknown } | undefined;
  return String(cause?.code ?? cause?.name ?? "unknown");
}

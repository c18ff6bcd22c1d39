import { createPublicKey, createSign, createVerify, type KeyObject } from "node:crypto";

/** An Alipay gateway error body (the object under error_response or <method>_response). */
export interface AlipayErrorBody {
  code: string;
  msg: string;
  sub_code: string;
  sub_msg: string;
}

/** One verified call to the gateway. */
export interface GatewayCall {
  method: string;
  appId: string;
  /** every request parameter (query and form body), decoded, sign excluded */
  params: Readonly<Record<string, string>>;
  /** biz_content parsed, or {} when the method takes its parameters directly (like oauth.token) */
  bizContent: Readonly<Record<string, unknown>>;
  /** scheme://host[:port] the request came to, when known (for addresses the answer hands out, e.g. bill files) */
  origin?: string;
}

/**
 * What a method answers. `body` goes under `<method>_response` (success and business errors, as Alipay's
 * trade methods do) unless `asErrorResponse` puts it under `error_response` (alipay.system.oauth.token
 * reports refused codes that way).
 */
export interface GatewayAnswer {
  body: Record<string, unknown>;
  asErrorResponse?: boolean;
}

export type GatewayMethod = (call: GatewayCall) => GatewayAnswer | Promise<GatewayAnswer>;

export interface SandboxGatewayOptions {
  appId: string;
  /** our app's public key (SPKI PEM): request signatures are checked against it */
  appPublicKey: string;
  /** the sandbox Alipay's private key (PKCS8 PEM): every answer is signed with it */
  alipayPrivateKey: string;
}

const invalidArguments = (sub_code: string, sub_msg: string): AlipayErrorBody => ({
  code: "40002",
  msg: "Invalid Arguments",
  sub_code,
  sub_msg,
});
const missingArgument = (sub_code: string, sub_msg: string): AlipayErrorBody => ({
  code: "40001",
  msg: "Missing Required Arguments",
  sub_code,
  sub_msg,
});

const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/**
 * A local stand-in for Alipay's OpenAPI 2.0 gateway (gateway.do): checks the common parameters and the
 * RSA2 request signature, dispatches on `method` through a table, and signs every answer the way Alipay
 * does: RSA-SHA256 over the exact JSON text that follows `"<key>":` in the body, base64 in `sign`.
 */
export class AlipaySandboxGateway {
  readonly #methods = new Map<string, GatewayMethod>();
  readonly #appPublicKey: KeyObject;

  constructor(private readonly opts: SandboxGatewayOptions) {
    this.#appPublicKey = createPublicKey(opts.appPublicKey);
  }

  /** Adds (or replaces) the handler of one OpenAPI method, e.g. "alipay.trade.create". */
  register(method: string, handler: GatewayMethod): this {
    this.#methods.set(method, handler);
    return this;
  }

  get methods(): string[] {
    return [...this.#methods.keys()];
  }

  /** Answers one gateway request given its decoded parameters; returns the response body text. */
  async handle(params: Record<string, string>, context: { origin?: string } = {}): Promise<string> {
    const method = params.method ?? "";
    const responseKey =
      method && this.#methods.has(method) ? `${method.replaceAll(".", "_")}_response` : "error_response";
    const refusal = this.#checkCommon(params);
    if (refusal) return this.signedBody("error_response", refusal);
    const handler = this.#methods.get(method);
    if (!handler) return this.signedBody("error_response", invalidArguments("isv.invalid-method", "不存在的方法名"));

    let bizContent: Record<string, unknown> = {};
    if (params.biz_content) {
      try {
        const parsed: unknown = JSON.parse(params.biz_content);
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
        bizContent = parsed as Record<string, unknown>;
      } catch {
        return this.signedBody(responseKey, invalidArguments("isv.invalid-biz-content", "biz_content参数格式错误"));
      }
    }
    const { sign: _sign, ...rest } = params;
    const answer = await handler({ method, appId: params.app_id, params: rest, bizContent, origin: context.origin });
    return this.signedBody(answer.asErrorResponse ? "error_response" : responseKey, answer.body);
  }

  /** `{"<key>":<json>,"sign":"<base64 RSA-SHA256 of <json>>"}`, built as text so the signed bytes are sent as is. */
  signedBody(key: string, body: Record<string, unknown> | AlipayErrorBody): string {
    const json = JSON.stringify(body);
    const sign = createSign("RSA-SHA256").update(json, "utf8").sign(this.opts.alipayPrivateKey, "base64");
    return `{${JSON.stringify(key)}:${json},"sign":${JSON.stringify(sign)}}`;
  }

  #checkCommon(p: Record<string, string>): AlipayErrorBody | null {
    if (!p.method) return missingArgument("isv.missing-method", "缺少方法名参数");
    if (!p.app_id) return missingArgument("isv.missing-app-id", "缺少appId参数");
    if (p.app_id !== this.opts.appId) return invalidArguments("isv.invalid-app-id", "无效的AppID参数");
    if (!p.sign_type) return missingArgument("isv.missing-signature-type", "缺少签名类型参数");
    if (p.sign_type !== "RSA2") return invalidArguments("isv.invalid-signature-type", "无效的签名类型参数");
    if (!p.sign) return missingArgument("isv.missing-signature", "缺少签名参数");
    if (!p.timestamp) return missingArgument("isv.missing-timestamp", "缺少时间戳参数");
    if (!TIMESTAMP.test(p.timestamp)) return invalidArguments("isv.invalid-timestamp", "非法的时间戳参数");
    if (!p.version) return missingArgument("isv.missing-version", "缺少版本参数");
    if (p.version !== "1.0") return invalidArguments("isv.invalid-version", "非法的版本参数");
    if (p.charset && p.charset.toLowerCase() !== "utf-8") return invalidArguments("isv.invalid-charset", "字符集错误");
    if (!this.#signatureValid(p)) {
      // real Alipay also quotes the string it verified; left out here because it contains the auth code
      return invalidArguments("isv.invalid-signature", "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配");
    }
    return null;
  }

  #signatureValid(p: Record<string, string>): boolean {
    try {
      return createVerify("RSA-SHA256").update(signContent(p), "utf8").verify(this.#appPublicKey, p.sign, "base64");
    } catch {
      return false;
    }
  }
}

/**
 * The string a request is signed over (OpenAPI 2.0 "通用签名"): every parameter except `sign` and those
 * with empty values, sorted by name, as `name=value` joined with `&`, values decoded and unescaped.
 */
export function signContent(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== "sign" && params[k] !== "")
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join("&");
}

import type Router from "@koa/router";
import { z } from "zod";
import { jsonBody } from "../sandboxBody";
import type { AlipaySandboxGateway, GatewayAnswer, GatewayCall } from "./gateway";
import { ALIPAY_TEMPLATE_MESSAGE_METHOD } from "../../integrations/alipay/templateMessage";

/**
 * The Alipay sandbox's side of mini-program template messages: alipay.open.app.mini.templatemessage.send
 * in the sandbox gateway's method table, and test controls below /sandbox/alipay:
 *   GET    test/messages?to=          what was sent (newest last)
 *   DELETE test/messages              forget messages and refusals
 *   POST   test/message-refusals {userId, refuse?}  answer 40004 isv.user-not-subscribed for this user
 * State is in memory. It must never be mounted in production.
 */

export interface AlipaySandboxMessage {
  at: number;
  /** to_user_id or to_open_id */
  to: string;
  templateId: string;
  page: string | null;
  formId: string | null;
  /** keyword → value */
  data: Record<string, string>;
}

const invalid = (sub_code: string, sub_msg: string): GatewayAnswer => ({
  body: { code: "40004", msg: "Business Failed", sub_code, sub_msg },
});

export class AlipaySandboxMessages {
  readonly messages: AlipaySandboxMessage[] = [];
  readonly #refused = new Set<string>();

  constructor(private readonly opts: { templateIds?: readonly string[]; now?: () => number } = {}) {}

  refuse(userId: string, refuse = true): void {
    if (refuse) this.#refused.add(userId);
    else this.#refused.delete(userId);
  }

  reset(): void {
    this.messages.length = 0;
    this.#refused.clear();
  }

  registerOn(gateway: AlipaySandboxGateway): void {
    gateway.register(ALIPAY_TEMPLATE_MESSAGE_METHOD, (call) => this.#send(call));
  }

  #send(call: GatewayCall): GatewayAnswer {
    const b = call.bizContent;
    const to = str(b.to_user_id) || str(b.to_open_id);
    if (!to) return invalid("isv.invalid-user-id", "用户ID不能为空");
    const templateId = str(b.user_template_id);
    const known = this.opts.templateIds ?? [];
    if (!templateId || (known.length > 0 && !known.includes(templateId))) {
      return invalid("isv.invalid-template-id", "模板ID不存在");
    }
    let data: Record<string, string>;
    try {
      const parsed: unknown = JSON.parse(str(b.data));
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
      data = {};
      for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
        const value = (v as { value?: unknown } | null)?.value;
        if (!/^keyword\d{1,2}$/.test(k) || typeof value !== "string" || !value) throw new Error(`bad ${k}`);
        data[k] = value;
      }
      if (Object.keys(data).length === 0) throw new Error("empty");
    } catch {
      return invalid("isv.invalid-data", "模板消息data参数格式错误");
    }
    if (this.#refused.has(to)) return invalid("isv.user-not-subscribed", "用户未订阅该消息或订阅次数已用完");
    this.messages.push({
      at: (this.opts.now ?? Date.now)(),
      to,
      templateId,
      page: str(b.page) || null,
      formId: str(b.form_id) || null,
      data,
    });
    return { body: { code: "10000", msg: "Success" } };
  }
}

const RefuseInput = z.object({ userId: z.string().trim().min(1).max(64), refuse: z.boolean().default(true) });

/** The test controls below `base` (/sandbox/alipay). */
export function mountAlipayMessageSandbox(router: Router, base: string, sb: AlipaySandboxMessages): void {
  router.get(`${base}/test/messages`, (ctx) => {
    const to = typeof ctx.query.to === "string" ? ctx.query.to : null;
    ctx.set("Cache-Control", "no-store");
    ctx.body = { messages: sb.messages.filter((m) => !to || m.to === to) };
  });
  router.delete(`${base}/test/messages`, (ctx) => {
    sb.reset();
    ctx.body = { ok: true };
  });
  router.post(`${base}/test/message-refusals`, async (ctx) => {
    const parsed = RefuseInput.safeParse(await jsonBody(ctx));
    if (!parsed.success) {
      ctx.status = 400;
      ctx.body = { error: "expected {userId, refuse?}" };
      return;
    }
    sb.refuse(parsed.data.userId, parsed.data.refuse);
    ctx.body = { ok: true };
  });
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

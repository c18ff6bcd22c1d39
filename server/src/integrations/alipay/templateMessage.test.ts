import http from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MessageRejectedError, MessageUnavailableError, type TemplateMessage } from "../messaging";
import {
  ALIPAY_TEMPLATE_MESSAGE_METHOD,
  AlipayTemplateMessageClient,
  type AlipayTemplateMessageOptions,
  createAlipayTemplateMessageClient,
} from "./templateMessage";
import {
  type AlipayHarness,
  closeServer,
  listen,
  startAlipaySandbox,
  strangerKeys,
} from "../../sandboxes/testing/alipayHarness";

let h: AlipayHarness;

beforeAll(async () => {
  h = await startAlipaySandbox();
});
afterAll(async () => h?.close());
afterEach(() => h.sandboxes.alipayMessages.reset());

function client(over: Partial<AlipayTemplateMessageOptions> = {}) {
  return new AlipayTemplateMessageClient({
    appId: h.config.alipay.appId,
    privateKey: h.keys.appPrivateKey,
    alipayPublicKey: h.keys.alipayPublicKey,
    gateway: h.gateway,
    timeoutMs: 3000,
    ...over,
  });
}

const message = (over: Partial<TemplateMessage> = {}): TemplateMessage => ({
  to: "2088102122458832",
  templateId: h.config.messages.alipay.templates.ticket_progress,
  page: "pages/ticket/index?id=12",
  data: {
    keyword1: "GD20261120K3F9QZ",
    keyword2: "已派单",
    keyword3: "2026-11-20 10:30",
    keyword4: "已派至城东换热站",
  },
  ...over,
});

async function caught(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e,
  );
}

describe("Alipay template messages against the sandbox gateway", () => {
  it("sends through alipay.open.app.mini.templatemessage.send with a verified answer", async () => {
    expect((await h.sandboxes.alipayGateway()).methods).toContain(ALIPAY_TEMPLATE_MESSAGE_METHOD);
    expect(await (await createAlipayTemplateMessageClient(h.config, h.vendorKeys)).send(message())).toEqual({
      status: "sent",
      vendorMessageId: null,
    });
    const listed = await fetch(`${h.base}/sandbox/alipay/test/messages`);
    const body = (await listed.json()) as { messages: Record<string, unknown>[] };
    expect(body.messages).toEqual([
      expect.objectContaining({
        to: "2088102122458832",
        templateId: h.config.messages.alipay.templates.ticket_progress,
        page: "pages/ticket/index?id=12",
        data: {
          keyword1: "GD20261120K3F9QZ",
          keyword2: "已派单",
          keyword3: "2026-11-20 10:30",
          keyword4: "已派至城东换热站",
        },
      }),
    ]);
  });

  it("sends to an open_id (not 2088…) as to_open_id", async () => {
    expect((await client().send(message({ to: "sandbox_o0123456789abcdef" }))).status).toBe("sent");
    expect(h.sandboxes.alipayMessages.messages[0]?.to).toBe("sandbox_o0123456789abcdef");
  });

  it("a user without subscription (set through the test hook) → refused, nothing recorded", async () => {
    const hook = await h.post("/sandbox/alipay/test/message-refusals", { userId: "2088000000000099" });
    expect(hook.status).toBe(200);
    expect(await client().send(message({ to: "2088000000000099" }))).toEqual({
      status: "refused",
      code: "isv.user-not-subscribed",
      reason: "用户未订阅该消息或订阅次数已用完",
    });
    expect(h.sandboxes.alipayMessages.messages).toHaveLength(0);
    await h.post("/sandbox/alipay/test/message-refusals", { userId: "2088000000000099", refuse: false });
    expect((await client().send(message({ to: "2088000000000099" }))).status).toBe("sent");
  });

  it("an unknown template or a request signed with another key → MessageRejectedError", async () => {
    const tpl = await caught(client().send(message({ templateId: "no-such-template" })));
    expect(tpl).toBeInstanceOf(MessageRejectedError);
    expect((tpl as MessageRejectedError).code).toBe("isv.invalid-template-id");
    const signed = await caught(client({ privateKey: strangerKeys().privateKey }).send(message()));
    expect(signed).toBeInstanceOf(MessageRejectedError);
    expect((signed as MessageRejectedError).code).toBe("isv.invalid-signature");
    expect(h.sandboxes.alipayMessages.messages).toHaveLength(0);
  });

  it("an answer that does not verify, a closed port or a timeout → MessageUnavailableError", async () => {
    const wrongKey = await caught(client({ alipayPublicKey: strangerKeys().publicKey }).send(message()));
    expect(wrongKey).toBeInstanceOf(MessageUnavailableError);
    const closed = http.createServer();
    const url = await listen(closed);
    await closeServer(closed);
    expect(await caught(client({ gateway: `${url}/gateway.do` }).send(message()))).toBeInstanceOf(
      MessageUnavailableError,
    );
    const silent = http.createServer(() => {});
    const silentUrl = await listen(silent);
    try {
      const err = await caught(client({ gateway: `${silentUrl}/gateway.do`, timeoutMs: 200 }).send(message()));
      expect(err).toBeInstanceOf(MessageUnavailableError);
    } finally {
      await closeServer(silent);
    }
  });

  it("DELETE test/messages forgets what was sent", async () => {
    await client().send(message());
    expect((await fetch(`${h.base}/sandbox/alipay/test/messages`, { method: "DELETE" })).status).toBe(200);
    expect(h.sandboxes.alipayMessages.messages).toHaveLength(0);
  });
});

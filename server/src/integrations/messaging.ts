/**
 * Template messages to a resident inside the vendor app the resident signed in with: the WeChat
 * subscribe message (订阅消息, wechat-mp/subscribe.ts) and the Alipay mini-program template message
 * (alipay/templateMessage.ts). Each one needs a one-time consent the mini-program asked for; SMS
 * (sms/) is the fallback and lives apart.
 */
export type MessageVendor = "wechat" | "alipay";

export interface TemplateMessage {
  /** WeChat: the openid; Alipay: the user_id (2088…) or open_id */
  to: string;
  templateId: string;
  /** the mini-program page opened from the message, e.g. "pages/ticket/index?id=12" */
  page: string;
  /** template fields by the vendor's key (WeChat: thing1, time3 …; Alipay: keyword1 …) */
  data: Record<string, string>;
}

/**
 * sent: the vendor accepted it. refused: the vendor will not deliver to this user (no consent left, user
 * refused, unknown recipient): another channel should be used.
 */
export type MessageOutcome =
  | { status: "sent"; vendorMessageId: string | null }
  | { status: "refused"; code: string; reason: string };

export interface TemplateMessenger {
  readonly vendor: MessageVendor;
  send(msg: TemplateMessage): Promise<MessageOutcome>;
}

/** A transient failure (network, timeout, vendor busy or rate-limited): the same message may go through later. */
export class MessageUnavailableError extends Error {
  constructor(
    readonly vendor: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The vendor refused the request itself (bad credentials, unknown template, bad data): resending will not help. */
export class MessageRejectedError extends Error {
  constructor(
    readonly vendor: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** How a failed fetch looks in a log line: "timeout" or the network error code; never the URL. */
export function networkReason(err: unknown): string {
  const e = err as { name?: string; cause?: { code?: string } };
  if (e?.name === "TimeoutError" || e?.name === "AbortError") return "timeout";
  return `request failed (${e?.cause?.code ?? e?.name ?? "unknown"})`;
}

/**
 * Text messages (短信) to a phone, through an SMS platform's approved templates: the platform keeps the
 * template text and the signature (签名); we send the template code and the values of its variables.
 */
export interface SmsProvider {
  /** sends one message; the platform's id for it (BizId) */
  send(phone: string, templateCode: string, params: Record<string, string>): Promise<{ bizId: string }>;
}

/** A transient failure (network, timeout, platform busy, flow control): the same message may go through later. */
export class SmsUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The platform refused the message (bad number, unknown template, credentials, balance): resending will not help. */
export class SmsRejectedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A mainland mobile number ("+86 138-0013-8000" → "13800138000"), or null when it is not one. */
export function normaliseMobile(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const digits = raw.replace(/[\s-]/g, "").replace(/^(?:\+?86)(?=1\d{10}$)/, "");
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null;
}

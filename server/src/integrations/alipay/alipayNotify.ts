import { NotificationRejected } from "../payments";

/**
 * Alipay's asynchronous notifications (异步通知) arrive as an `application/x-www-form-urlencoded` POST.
 * The body is parsed here from its raw bytes, strictly: every key once, every %-escape well formed,
 * UTF-8 only (the requests are sent with charset=utf-8, so Alipay notifies in UTF-8 too).
 */

const MAX_BODY = 64 * 1024;
const MAX_FIELDS = 200;

/** The fields of a notification body, decoded ("+" is a space). Throws NotificationRejected("MALFORMED"). */
export function parseNotifyForm(raw: Buffer, contentType?: string): Record<string, string> {
  const malformed = (why: string) => new NotificationRejected("MALFORMED", `alipay notification: ${why}`);
  if (contentType !== undefined) {
    const [type, ...rest] = contentType.split(";").map((s) => s.trim().toLowerCase());
    if (type !== "application/x-www-form-urlencoded") throw malformed(`unexpected content type ${type || "(none)"}`);
    const charset = rest.find((p) => p.startsWith("charset="))?.slice("charset=".length);
    if (charset && charset.replace(/"/g, "") !== "utf-8") throw malformed(`unsupported charset ${charset}`);
  }
  if (raw.length === 0) throw malformed("empty body");
  if (raw.length > MAX_BODY) throw malformed("body too large");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(raw);
  } catch {
    throw malformed("body is not UTF-8");
  }
  const out: Record<string, string> = Object.create(null);
  const pairs = text.split("&");
  if (pairs.length > MAX_FIELDS) throw malformed("too many fields");
  for (const pair of pairs) {
    if (pair === "") continue;
    const at = pair.indexOf("=");
    if (at <= 0) throw malformed("a field without a name or '='");
    const key = decodeComponent(pair.slice(0, at));
    const value = decodeComponent(pair.slice(at + 1));
    if (key === null || value === null) throw malformed("a bad %-escape");
    if (Object.hasOwn(out, key)) throw malformed(`field ${key} given twice`);
    out[key] = value;
  }
  if (Object.keys(out).length === 0) throw malformed("no fields");
  if (out.charset !== undefined && out.charset.toLowerCase() !== "utf-8") {
    throw malformed(`unsupported charset ${out.charset}`);
  }
  return { ...out };
}

function decodeComponent(s: string): string | null {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return null;
  }
}

/**
 * The string Alipay signs a notification over: every field except sign and sign_type (and those with
 * empty values, as Alipay's own SDKs skip them), sorted by name, `name=value` joined by `&`, values as
 * decoded text. RSA2 = RSA-SHA256 of its UTF-8 bytes, base64 in `sign`.
 */
export function notifySignContent(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== "sign" && k !== "sign_type" && params[k] !== "")
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join("&");
}

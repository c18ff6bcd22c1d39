/**
 * Alipay's value formats: amounts as yuan strings with at most two decimals ("12.34") and times as
 * "yyyy-MM-dd HH:mm:ss" in Beijing time (UTC+8, no daylight saving). Amounts are converted as decimal
 * strings, never through floating point (1000001.05 * 100 is 100000104.99999999 in a double).
 */

const YUAN = /^(-?)(\d{1,13})(?:\.(\d{1,2}))?$/;

/** Integer fen → Alipay's yuan string: 1 → "0.01", 10010 → "100.10". */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`amount in fen must be a safe integer, got ${fen}`);
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** Alipay's yuan string → integer fen ("100.10" → 10010, "-0.01" → -1); null when it is not a yuan amount. */
export function parseYuan(yuan: string): number | null {
  const m = YUAN.exec(yuan);
  if (!m) return null;
  const [, sign, whole, frac = ""] = m;
  const fen = Number(`${whole}${frac.padEnd(2, "0")}`);
  if (!Number.isSafeInteger(fen)) return null;
  return sign && fen !== 0 ? -fen : fen;
}

/** Like parseYuan, but throws on anything that is not a yuan amount. */
export function yuanToFen(yuan: string): number {
  const fen = parseYuan(yuan);
  if (fen === null) throw new RangeError(`not a yuan amount: ${JSON.stringify(yuan)}`);
  return fen;
}

const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** An instant as "yyyy-MM-dd HH:mm:ss" in Beijing time (seconds truncated). */
export function shanghaiDateTime(at: Date | number): string {
  const ms = typeof at === "number" ? at : at.getTime();
  if (!Number.isFinite(ms)) throw new RangeError("invalid date");
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19).replace("T", " ");
}

/** The Beijing calendar date ("yyyy-MM-dd") of an instant. */
export function shanghaiDate(at: Date | number): string {
  return shanghaiDateTime(at).slice(0, 10);
}

/** "yyyy-MM-dd HH:mm:ss" in Beijing time → the instant; null when malformed or not a real date/time. */
export function parseShanghaiDateTime(text: string): Date | null {
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(utc);
  if (
    back.getUTCFullYear() !== y ||
    back.getUTCMonth() !== mo - 1 ||
    back.getUTCDate() !== d ||
    h > 23 ||
    mi > 59 ||
    s > 59
  ) {
    return null;
  }
  return new Date(utc - SHANGHAI_OFFSET_MS);
}

/** True for a real calendar date written "yyyy-MM-dd". */
export function isCalendarDate(text: string): boolean {
  return DATE.test(text) && parseShanghaiDateTime(`${text} 00:00:00`) !== null;
}

/** A plain JSON object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The text parsed as a JSON object, or null when it is not one. */
export function parseObject(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return isRecord(v) ? v : null;
  } catch {
    return null;
  }
}

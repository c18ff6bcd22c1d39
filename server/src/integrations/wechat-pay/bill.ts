import { yuanToFen } from "@warmline/shared";
import type { BillRow } from "../payments";

/**
 * WeChat Pay's trade bill (交易账单, bill_type=ALL) as a CSV text: a header line, one line per trade or
 * refund with every field prefixed by a backtick (so spreadsheets keep long numbers as text), then a
 * summary header ("总交易单数,…") and one summary line. Amounts are yuan with two decimals, times are
 * Beijing time "yyyy-MM-dd HH:mm:ss".
 */

export const TRADE_BILL_SUMMARY_COLUMNS = [
  "总交易单数",
  "应结订单总金额",
  "退款总金额",
  "充值券退款总金额",
  "手续费总金额",
  "订单总金额",
  "申请退款总金额",
] as const;

export class TradeBillFormatError extends Error {}

/**
 * Parses a trade bill into BillRow[] (fen, exact). Columns are found by their header names. SUCCESS lines
 * are PAID rows (amountFen = 订单金额); REFUND lines are REFUND rows (refundFen = 申请退款金额, amountFen
 * = the line's 订单金额, which WeChat writes as 0.00). The summary's trade count must match the lines.
 * Anything unexpected throws TradeBillFormatError rather than yielding a partial bill.
 */
export function parseTradeBill(text: string): BillRow[] {
  const lines = text
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .filter((l) => l.trim() !== "");
  if (lines.length < 3) throw new TradeBillFormatError("bill is too short");
  const header = lines[0].split(",").map((h) => h.trim());
  const col = (name: string, required = true): number => {
    const i = header.indexOf(name);
    if (i < 0 && required) throw new TradeBillFormatError(`bill lacks column ${name}`);
    return i;
  };
  const iTime = col("交易时间");
  const iTxn = col("微信订单号");
  const iOut = col("商户订单号");
  const iState = col("交易状态");
  const iTotal = col("订单金额", false) >= 0 ? col("订单金额") : col("应结订单金额");
  const iRefund = col("申请退款金额", false) >= 0 ? col("申请退款金额") : col("退款金额");

  const summaryAt = lines.findIndex((l) => l.startsWith(TRADE_BILL_SUMMARY_COLUMNS[0]));
  if (summaryAt < 0 || summaryAt !== lines.length - 2) throw new TradeBillFormatError("bill lacks its summary");
  const summary = fields(lines[summaryAt + 1]);
  const declared = Number(summary[0]);
  const body = lines.slice(1, summaryAt);
  if (!Number.isSafeInteger(declared) || declared !== body.length) {
    throw new TradeBillFormatError(`bill declares ${summary[0]} trades but lists ${body.length}`);
  }

  return body.map((line, n) => {
    const f = fields(line);
    if (f.length < header.length - 1) throw new TradeBillFormatError(`bill line ${n + 2} has ${f.length} fields`);
    const state = f[iState];
    if (state !== "SUCCESS" && state !== "REFUND") {
      throw new TradeBillFormatError(`bill line ${n + 2}: unexpected trade state ${state.slice(0, 20)}`);
    }
    const at = parseBeijingTime(f[iTime]);
    if (!at || !f[iOut] || !f[iTxn]) throw new TradeBillFormatError(`bill line ${n + 2} is incomplete`);
    return {
      outTradeNo: f[iOut],
      transactionId: f[iTxn],
      amountFen: money(f[iTotal], n),
      state: state === "SUCCESS" ? "PAID" : "REFUND",
      refundFen: state === "REFUND" ? money(f[iRefund], n) : 0,
      at,
    } satisfies BillRow;
  });
}

/** Splits a bill line: each field starts with a backtick; a field may itself contain a plain comma. */
function fields(line: string): string[] {
  if (!line.startsWith("`")) throw new TradeBillFormatError("bill line does not start with a backtick");
  return line
    .slice(1)
    .split(",`")
    .map((f) => f.trim());
}

function money(value: string | undefined, n: number): number {
  try {
    const fen = yuanToFen(value ?? "");
    if (fen < 0) throw new Error("negative");
    return fen;
  } catch {
    throw new TradeBillFormatError(`bill line ${n + 2}: not an amount: ${String(value).slice(0, 20)}`);
  }
}

/** "2025-11-15 14:03:00" (Beijing time) → instant */
export function parseBeijingTime(value: string | undefined): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(value ?? "");
  if (!m) return null;
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+08:00`);
  return Number.isNaN(d.getTime()) ? null : d;
}

import { fenToYuan, yuanToFen } from "@warmline/shared";

/** What a 元 input allows: digits, at most two decimals, no sign, no separators. */
const YUAN = /^\d+(?:\.\d{1,2})?$/;
/** 十亿元: far above any heating bill, and well inside safe integers. */
const MAX_FEN = 100_000_000_000;

export type YuanParse = { ok: true; fen: number } | { ok: false; message: string };

/**
 * A 元 amount as typed ("1234.5", "0.01", " 86 ") → whole fen, exactly (string arithmetic via yuanToFen,
 * never floats). Refuses more than two decimals, signs, separators and anything that is not a number.
 */
export function parseYuan(text: string | null | undefined): YuanParse {
  const t = (text ?? "").trim();
  if (t === "") return { ok: false, message: "请输入金额" };
  if (!YUAN.test(t)) return { ok: false, message: "金额格式有误，应为数字，最多两位小数" };
  const fen = yuanToFen(t);
  if (fen > MAX_FEN) return { ok: false, message: "金额过大" };
  return { ok: true, fen };
}

/** fen for a 元 input whose form rule already passed; throws otherwise. */
export function fenOf(text: string | null | undefined): number {
  const r = parseYuan(text);
  if (!r.ok) throw new Error(r.message);
  return r.fen;
}

/**
 * A share typed in percent with at most two decimals ("30", "25.5") → basis points (1/10000), exactly.
 * The same two-decimal arithmetic as 元 → fen.
 */
export function parsePercentBp(text: string | null | undefined): YuanParse {
  const t = (text ?? "").trim();
  if (t === "") return { ok: false, message: "请输入百分比" };
  if (!YUAN.test(t)) return { ok: false, message: "百分比格式有误，最多两位小数" };
  const bp = yuanToFen(t);
  if (bp > 10_000) return { ok: false, message: "百分比不能超过 100" };
  return { ok: true, fen: bp };
}

/** 3000 → "30%", 2550 → "25.5%", 5 → "0.05%" (basis points shown as a percentage, no floats). */
export function formatBpPercent(bp: number): string {
  const int = Math.floor(bp / 100);
  const dec = String(bp % 100)
    .padStart(2, "0")
    .replace(/0+$/, "");
  return `${int}${dec ? `.${dec}` : ""}%`;
}

/** 滞纳金 rate per day: 5 → "万分之5/日"; 0 → "不收取". */
export function formatLateFeeRate(bpPerDay: number): string {
  return bpPerDay === 0 ? "不收取" : `万分之${bpPerDay}/日`;
}

/** Unit price in fen per m² → "25.00 元/m²". */
export function formatUnitPrice(fenPerSqm: number): string {
  return `${fenToYuan(fenPerSqm)} 元/m²`;
}

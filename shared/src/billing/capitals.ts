/**
 * Amounts in Chinese capitals (大写金额) as written on invoices, receipts and bank slips, following the
 * PBOC rules (正确填写票据和结算凭证的基本规定) with the optional 零 before 角 always written.
 */

const DIGITS = ["零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"] as const;
const UNITS = ["", "拾", "佰", "仟"] as const;

/** 1 ≤ n ≤ 9999: digits with 拾佰仟; inner zeros collapse into one 零, trailing zeros are dropped. */
function belowTenThousand(n: number): string {
  const digits = String(n);
  let out = "";
  let zeroPending = false;
  for (let i = 0; i < digits.length; i++) {
    const d = Number(digits[i]);
    const unit = UNITS[digits.length - 1 - i];
    if (d === 0) {
      zeroPending = true;
      continue;
    }
    if (zeroPending) out += "零";
    zeroPending = false;
    out += DIGITS[d] + unit;
  }
  return out;
}

/** Splits n at `base` (10⁴ → 万, 10⁸ → 亿); a 零 bridges a gap when the lower part has a leading zero. */
function grouped(n: number, base: number, unit: string, below: (x: number) => string, above: (x: number) => string) {
  if (n < base) return below(n);
  const high = Math.floor(n / base);
  const low = n % base;
  let out = above(high) + unit;
  if (low > 0) {
    if (low < base / 10) out += "零";
    out += below(low);
  }
  return out;
}

function belowHundredMillion(n: number): string {
  return grouped(n, 10_000, "万", belowTenThousand, belowTenThousand);
}

/** n ≥ 1. The part above 亿 may itself hold 万 (壹万贰仟亿). */
function integerCapitals(n: number): string {
  return grouped(n, 100_000_000, "亿", belowHundredMillion, belowHundredMillion);
}

/**
 * 205200 → "贰仟零伍拾贰元整", 168032 → "壹仟陆佰捌拾元零叁角贰分", 5 → "伍分", 0 → "零元整",
 * -10000 → "负壹佰元整" (red invoices). Throws on anything but a safe integer number of fen.
 */
export function fenToCapitals(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new Error(`not whole fen: ${fen}`);
  if (fen === 0) return "零元整";
  if (fen < 0) return `负${fenToCapitals(-fen)}`;

  const yuan = Math.floor(fen / 100);
  const jiao = Math.floor(fen / 10) % 10;
  const cents = fen % 10;

  let out = yuan > 0 ? `${integerCapitals(yuan)}元` : "";
  if (jiao === 0 && cents === 0) return `${out}整`;
  if (jiao > 0) {
    // ¥1,680.32 → …捌拾元零叁角…: a zero 元 digit is spoken before the 角
    if (yuan > 0 && yuan % 10 === 0) out += "零";
    out += `${DIGITS[jiao]}角`;
  } else if (yuan > 0) {
    // ¥100.05 → 壹佰元零伍分
    out += "零";
  }
  if (cents > 0) out += `${DIGITS[cents]}分`;
  return out;
}

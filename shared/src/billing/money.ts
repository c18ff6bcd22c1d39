/** Money is integer fen. These are the only places where fen meet yuan. */

/** 12345 → "123.45" */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new Error(`not whole fen: ${fen}`);
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** "123.45" → 12345, exactly (no floating point); at most two decimals. */
export function yuanToFen(yuan: string): number {
  const m = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(yuan.trim());
  if (!m) throw new Error(`not a yuan amount: ${yuan}`);
  const fen = Number(m[2]) * 100 + Number((m[3] ?? "").padEnd(2, "0"));
  if (!Number.isSafeInteger(fen)) throw new Error(`amount too large: ${yuan}`);
  return m[1] ? -fen : fen;
}

/** ¥1,234.50 for display */
export function formatYuan(fen: number): string {
  const [int, dec] = fenToYuan(fen).split(".");
  return `¥${int.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${dec}`;
}

/** Round a non-negative rational numerator/denominator half up to a whole number (integer arithmetic). */
export function roundHalfUp(numerator: number, denominator: number): number {
  if (numerator < 0 || denominator <= 0) throw new Error("roundHalfUp takes a non-negative numerator");
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

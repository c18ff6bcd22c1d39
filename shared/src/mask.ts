/** Masking of personal data for display. Pure functions, safe on empty input. */

/** 13812345678 → 138****5678 */
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return null;
  const p = phone.replace(/\s+/g, "");
  if (p.length <= 4) return "*".repeat(p.length);
  if (p.length < 8) return `${"*".repeat(p.length - 4)}${p.slice(-4)}`;
  return `${p.slice(0, 3)}${"*".repeat(p.length - 7)}${p.slice(-4)}`;
}

/** 620722198801011234 → 620***********1234 (first 3, last 4) */
export function maskIdNumber(id: string | null | undefined): string | null {
  if (!id) return null;
  const v = id.trim();
  if (v.length <= 4) return "*".repeat(v.length);
  if (v.length < 8) return `${"*".repeat(v.length - 4)}${v.slice(-4)}`;
  return `${v.slice(0, 3)}${"*".repeat(v.length - 7)}${v.slice(-4)}`;
}

/** 王建国 → 王*国, 王芳 → 王*, single character unchanged. */
export function maskName(name: string | null | undefined): string | null {
  if (!name) return null;
  const chars = Array.from(name.trim());
  if (chars.length <= 1) return chars.join("");
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${"*".repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** Normalise a phone number for comparison and blind indexing: digits only, no +86 prefix. */
export function normalizePhone(phone: string): string {
  let d = phone.replace(/\D+/g, "");
  if (d.length === 13 && d.startsWith("86")) d = d.slice(2);
  return d;
}

/** Normalise a resident ID number: trimmed, upper-case X. */
export function normalizeIdNumber(id: string): string {
  return id.trim().toUpperCase();
}

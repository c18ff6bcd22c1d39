/** Masking of personal data for display. Pure functions, safe on empty input. */

/**
 * 13812345678 → 138********: the first 3 digits only. The last 4 digits are a binding factor (手机号后4位,
 * BIND_FACTORS), so no display of a phone to anyone ever shows them; the full number is for the roles that
 * may reveal it (audited).
 */
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return null;
  const p = phone.replace(/\s+/g, "");
  if (p.length < 8) return "*".repeat(p.length);
  return `${p.slice(0, 3)}${"*".repeat(p.length - 3)}`;
}

/**
 * 620722198801011234 → 620***************: the first 3 characters only. The last 6 are a binding factor
 * (身份证号后6位), so a masked ID number shows none of them.
 */
export function maskIdNumber(id: string | null | undefined): string | null {
  if (!id) return null;
  const v = id.trim();
  if (v.length < 8) return "*".repeat(v.length);
  return `${v.slice(0, 3)}${"*".repeat(v.length - 3)}`;
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

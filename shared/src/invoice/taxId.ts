/**
 * 纳税人识别号: the 18-character unified social credit code (统一社会信用代码, GB 32100-2015) with its
 * check character, or an older 15/17/20-character tax registration number (still printed on some
 * certificates), which carries no check character.
 */
const USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function isValidUscc(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(code[i] as string) * (USCC_WEIGHTS[i] as number);
  const check = (31 - (sum % 31)) % 31;
  return USCC_CHARS[check] === code[17];
}

export function isValidTaxId(code: string): boolean {
  if (code.length === 18) return isValidUscc(code);
  return /^[0-9A-Z]{15}$|^[0-9A-Z]{17}$|^[0-9A-Z]{20}$/.test(code);
}

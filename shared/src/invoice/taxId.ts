/**
 * 纳税人识别号 of an invoice buyer.
 *
 * Today: the 18-character unified social credit code (统一社会信用代码, GB 32100-2015), checked in full:
 *   1      登记管理部门代码 (registration authority)   1 2 3 4 5 6 7 8 9 A N Y
 *   2      机构类别代码 (category), allowed per authority (table below)
 *   3–8    登记管理机关行政区划码: six digits, a known province (or 10 for central registrations)
 *   9–17   主体标识码: the organisation code of GB 11714, with its own check character (position 17)
 *   18     the check character over positions 1–17 (modulo 31)
 * Older tax registration numbers still printed on some certificates (税务登记号):
 *   15     6-digit area code + the 9-character organisation code (GB 11714 check character)
 *   17/20  a 个体工商户's resident ID number (15 or 18 digits, checked) + a 2-digit sequence
 * A USCC that lost a character is neither: it fails every one of these rules.
 */
const USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** GB 32100 table 1: registration authority → its category codes */
const CATEGORIES: Record<string, string> = {
  "1": "1239", // 机构编制: 机关, 事业单位, 中央编办直接管理机构编制的群众团体, 其他
  "2": "19", // 外交: 外国常驻新闻机构, 其他
  "3": "123459", // 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
  "4": "19", // 文化: 外国在华文化中心, 其他
  "5": "1239", // 民政: 社会团体, 民办非企业单位, 基金会, 其他
  "6": "129", // 旅游: 外国旅游部门常驻代表机构, 港澳台地区旅游部门常驻内地代表机构, 其他
  "7": "129", // 宗教: 宗教活动场所, 宗教院校, 其他
  "8": "19", // 工会: 基层工会, 其他
  "9": "123", // 工商: 企业, 个体工商户, 农民专业合作社
  A: "19", // 中央军委改革和编制办公室: 军队事业单位, 其他
  N: "1239", // 农业: 组级, 村级, 乡镇级集体经济组织, 其他
  Y: "1", // 其他
};

/** first two digits of GB/T 2260 area codes (provinces), plus 10 for central-level registrations */
const PROVINCES = new Set([
  "10", "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42",
  "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
]); // biome-ignore format: a table

const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** 组织机构代码 (GB 11714): 8 digits or capital letters and a check character (0–9 or X). */
export function isValidOrgCode(code: string): boolean {
  if (!/^[0-9A-Z]{8}[0-9X]$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number.parseInt(code[i] as string, 36) * (ORG_WEIGHTS[i] as number);
  const r = 11 - (sum % 11);
  return (r === 10 ? "X" : r === 11 ? "0" : String(r)) === code[8];
}

export function isValidUscc(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return false;
  if (!CATEGORIES[code[0] as string]?.includes(code[1] as string)) return false;
  if (!/^\d{6}$/.test(code.slice(2, 8)) || !PROVINCES.has(code.slice(2, 4))) return false;
  if (!isValidOrgCode(code.slice(8, 17))) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(code[i] as string) * (USCC_WEIGHTS[i] as number);
  const check = (31 - (sum % 31)) % 31;
  return USCC_CHARS[check] === code[17];
}

function validDate(yyyy: number, mm: number, dd: number): boolean {
  const d = new Date(Date.UTC(yyyy, mm - 1, dd));
  return d.getUTCFullYear() === yyyy && d.getUTCMonth() === mm - 1 && d.getUTCDate() === dd;
}

/** 居民身份证号码: 18 characters (GB 11643, ISO 7064 MOD 11-2 check) or the older 15 digits. */
export function isValidResidentId(id: string): boolean {
  if (/^\d{15}$/.test(id)) {
    return (
      PROVINCES.has(id.slice(0, 2)) &&
      validDate(1900 + Number(id.slice(6, 8)), Number(id.slice(8, 10)), Number(id.slice(10, 12)))
    );
  }
  if (!/^\d{17}[0-9X]$/.test(id) || !PROVINCES.has(id.slice(0, 2))) return false;
  if (!validDate(Number(id.slice(6, 10)), Number(id.slice(10, 12)), Number(id.slice(12, 14)))) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * (weights[i] as number);
  return "10X98765432"[sum % 11] === id[17];
}

export function isValidTaxId(code: string): boolean {
  switch (code.length) {
    case 18:
      return isValidUscc(code);
    case 15:
      return /^\d{6}$/.test(code.slice(0, 6)) && PROVINCES.has(code.slice(0, 2)) && isValidOrgCode(code.slice(6));
    case 17:
    case 20:
      return /^\d{2}$/.test(code.slice(-2)) && isValidResidentId(code.slice(0, -2));
    default:
      return false;
  }
}

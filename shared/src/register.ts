import { ACCOUNT_CATEGORIES, type AccountCategory } from "./account";
import { normalizeIdNumber } from "./mask";

/**
 * The county's account register (用户信息自动录入): the import template, the validation of one row and
 * the field-by-field difference between a row and the account on file. Pure rules, no I/O.
 */

/** Fields of a register row, in template order. */
export const REGISTER_FIELDS = [
  "accountNo",
  "communityName",
  "buildingName",
  "unit",
  "room",
  "address",
  "heatedArea",
  "category",
  "ownerName",
  "phone",
  "idNumber",
] as const;
export type RegisterField = (typeof REGISTER_FIELDS)[number];

/** The template's Chinese column names (the first row of the sheet). */
export const REGISTER_COLUMN_LABELS: Record<RegisterField, string> = {
  accountNo: "户号",
  communityName: "小区",
  buildingName: "楼栋",
  unit: "单元",
  room: "门牌号",
  address: "地址",
  heatedArea: "供热面积（㎡）",
  category: "用户类别",
  ownerName: "户主姓名",
  phone: "联系电话",
  idNumber: "身份证号",
};

/** Columns a file must have (the others may be absent or empty). */
export const REGISTER_REQUIRED_FIELDS: readonly RegisterField[] = [
  "accountNo",
  "communityName",
  "address",
  "heatedArea",
  "category",
  "ownerName",
];

/** Longest text per field (the database columns' sizes); a longer cell is an error, never cut. */
export const REGISTER_MAX_LENGTH: Record<RegisterField, number> = {
  accountNo: 12,
  communityName: 64,
  buildingName: 32,
  unit: 16,
  room: 16,
  address: 200,
  heatedArea: 16,
  category: 16,
  ownerName: 64,
  phone: 20,
  idNumber: 18,
};

/** The file limits: at most 20 MB, 100,000 data rows. */
export const REGISTER_LIMITS = { maxBytes: 20 * 1024 * 1024, maxRows: 100_000 } as const;

/**
 * Plausible heated area per category, in m² (inclusive). A flat below 5 m² or above 1,000 m² is a typing
 * error (a missing or extra digit), not a home; shops, offices and public buildings range far wider.
 */
export const REGISTER_AREA_BOUNDS: Record<AccountCategory, { min: number; max: number }> = {
  residential: { min: 5, max: 1_000 },
  non_residential: { min: 1, max: 100_000 },
  public_institution: { min: 1, max: 100_000 },
};

/** Header text → field: "供热面积(㎡)", "供热面积（平方米）" and "供热面积" all name heatedArea. */
const HEADER_ALIASES: Record<string, RegisterField> = {
  户号: "accountNo",
  用户编号: "accountNo",
  小区: "communityName",
  小区名称: "communityName",
  楼栋: "buildingName",
  楼号: "buildingName",
  单元: "unit",
  单元号: "unit",
  门牌号: "room",
  房号: "room",
  室: "room",
  地址: "address",
  住址: "address",
  供热面积: "heatedArea",
  面积: "heatedArea",
  用户类别: "category",
  类别: "category",
  户主姓名: "ownerName",
  户主: "ownerName",
  姓名: "ownerName",
  联系电话: "phone",
  电话: "phone",
  手机号: "phone",
  身份证号: "idNumber",
  身份证号码: "idNumber",
};

/** The field a header cell names, or null (unknown columns are ignored). */
export function registerFieldOfHeader(header: string): RegisterField | null {
  const key = header
    .replace(/^\uFEFF/, "")
    .replace(/[（(][^）)]*[）)]/g, "")
    .replace(/[\s*＊]/g, "");
  return HEADER_ALIASES[key] ?? null;
}

/** Category cell text → code: the Chinese labels, short forms and the codes themselves. */
const CATEGORY_ALIASES: Record<string, AccountCategory> = {
  居民: "residential",
  住宅: "residential",
  非居民: "non_residential",
  "非居民（经营）": "non_residential",
  "非居民(经营)": "non_residential",
  经营: "non_residential",
  商业: "non_residential",
  公建: "public_institution",
  公建单位: "public_institution",
  机关事业单位: "public_institution",
};

export function parseCategory(text: string): AccountCategory | null {
  const t = text.trim();
  if ((ACCOUNT_CATEGORIES as readonly string[]).includes(t)) return t as AccountCategory;
  return CATEGORY_ALIASES[t.replace(/\s+/g, "")] ?? null;
}

/** 户号: 8 to 12 digits (the same rule as binding, AccountNoSchema). */
export const ACCOUNT_NO_PATTERN = /^\d{8,12}$/;

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = "10X98765432";

/**
 * Resident ID number (GB 11643-1999): 17 digits and a check character (mod 11, weights 2^(17-i) mod 11,
 * "10X98765432"), a region code not starting with 0 or 9, and a real birth date between 1900 and `today`.
 * Returns the reason in Chinese, or null when valid.
 */
export function idNumberProblem(raw: string, today = "2100-01-01"): string | null {
  const id = normalizeIdNumber(raw);
  if (!/^\d{17}[\dX]$/.test(id)) return "身份证号应为18位（最后一位可为X）";
  if (id[0] === "0" || id[0] === "9") return "身份证号地区码不正确";
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  const iso = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || iso > today)
    return "身份证号出生日期不正确";
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * ID_WEIGHTS[i];
  if (ID_CHECK[sum % 11] !== id[17]) return "身份证号校验位不正确";
  return null;
}

/**
 * Phone as stored: digits only. A mobile number (11 digits starting 13–19, an optional +86 / 86 in front)
 * or a landline with its area code (0 + 2–3 digits, then 7–8 digits: 0936-4466666 → 09364466666).
 */
export function parseRegisterPhone(raw: string): { phone: string } | { problem: string } {
  let d = raw.replace(/[\s\-()（）]/g, "");
  if (d.startsWith("+86")) d = d.slice(3);
  else if (d.length === 13 && d.startsWith("86")) d = d.slice(2);
  if (!/^\d+$/.test(d)) return { problem: "联系电话只能包含数字" };
  if (/^1[3-9]\d{9}$/.test(d)) return { phone: d };
  if (/^0[1-9]\d{1,2}\d{7,8}$/.test(d) && d.length >= 10 && d.length <= 12) return { phone: d };
  return { problem: "联系电话应为11位手机号或带区号的固定电话" };
}

/** "85.5", "1,234.56", 85.5 → hundredths of m²; null when not a number with at most two decimals. */
export function parseAreaHundredths(raw: string | number): number | null {
  if (typeof raw === "number") {
    if (!Number.isFinite(raw)) return null;
    const h = Math.round(raw * 100);
    return Math.abs(raw * 100 - h) < 1e-6 ? h : null;
  }
  const t = raw
    .trim()
    .replace(/,/g, "")
    .replace(/(㎡|m²|m2|平方米|平米)$/i, "");
  const m = /^(\d{1,7})(?:\.(\d{1,2})0*)?$/.exec(t);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
}

/** A register row after validation: trimmed, normalised, area in hundredths of m², empty optionals null. */
export interface RegisterRow {
  accountNo: string;
  communityName: string;
  buildingName: string | null;
  unit: string | null;
  room: string | null;
  address: string;
  heatedArea: number;
  category: AccountCategory;
  ownerName: string;
  phone: string | null;
  idNumber: string | null;
}

export interface RegisterRowProblem {
  field: RegisterField | null;
  message: string;
}

/** A raw cell: text, or a marker that the cell held a formula (never evaluated). */
export type RegisterCell = string | { formula: true };
export type RegisterRawRow = Partial<Record<RegisterField, RegisterCell>>;

/**
 * Validates one row of the register. Cells are text as read from the file (numbers already written out);
 * a formula cell is refused (its cached result may be stale and the import must not depend on Excel).
 * `today` (Asia/Shanghai, YYYY-MM-DD) bounds ID birth dates.
 */
export function validateRegisterRow(
  raw: RegisterRawRow,
  today = "2100-01-01",
): { ok: true; row: RegisterRow } | { ok: false; problems: RegisterRowProblem[] } {
  const problems: RegisterRowProblem[] = [];
  const text: Partial<Record<RegisterField, string>> = {};
  for (const f of REGISTER_FIELDS) {
    const cell = raw[f];
    const label = REGISTER_COLUMN_LABELS[f];
    if (cell === undefined) continue;
    if (typeof cell !== "string") {
      problems.push({ field: f, message: `「${label}」是公式，请粘贴为数值后再导入` });
      continue;
    }
    // control characters (line breaks inside a cell, tabs) become spaces
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
    const v = cell.replace(/[\u0000-\u001f\u007f]/g, " ").trim();
    if (v.startsWith("=")) {
      problems.push({ field: f, message: `「${label}」以“=”开头（公式），请改为数值` });
      continue;
    }
    if (Array.from(v).length > REGISTER_MAX_LENGTH[f]) {
      problems.push({ field: f, message: `「${label}」过长（最多${REGISTER_MAX_LENGTH[f]}个字）` });
      continue;
    }
    if (v) text[f] = v;
  }
  const failed = new Set(problems.map((p) => p.field));
  for (const f of REGISTER_REQUIRED_FIELDS) {
    if (!text[f] && !failed.has(f)) problems.push({ field: f, message: `「${REGISTER_COLUMN_LABELS[f]}」不能为空` });
  }

  const accountNo = text.accountNo?.replace(/\s+/g, "") ?? "";
  if (accountNo && !ACCOUNT_NO_PATTERN.test(accountNo))
    problems.push({ field: "accountNo", message: "户号应为 8 至 12 位数字" });

  const category = text.category ? parseCategory(text.category) : null;
  if (text.category && !category)
    problems.push({ field: "category", message: `用户类别“${text.category}”不认识（可填：居民、非居民、公建）` });

  let heatedArea: number | null = null;
  if (text.heatedArea) {
    heatedArea = parseAreaHundredths(text.heatedArea);
    if (heatedArea === null) problems.push({ field: "heatedArea", message: "供热面积应为数字，最多两位小数" });
    else if (heatedArea <= 0) problems.push({ field: "heatedArea", message: "供热面积必须大于0" });
    else if (category) {
      const b = REGISTER_AREA_BOUNDS[category];
      if (heatedArea < b.min * 100 || heatedArea > b.max * 100)
        problems.push({
          field: "heatedArea",
          message: `供热面积${heatedArea / 100}㎡不在合理范围（${b.min}～${b.max}㎡）`,
        });
    }
  }

  let phone: string | null = null;
  if (text.phone) {
    const p = parseRegisterPhone(text.phone);
    if ("problem" in p) problems.push({ field: "phone", message: p.problem });
    else phone = p.phone;
  }
  let idNumber: string | null = null;
  if (text.idNumber) {
    const problem = idNumberProblem(text.idNumber, today);
    if (problem) problems.push({ field: "idNumber", message: problem });
    else idNumber = normalizeIdNumber(text.idNumber);
  }

  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    row: {
      accountNo,
      communityName: text.communityName as string,
      buildingName: text.buildingName ?? null,
      unit: text.unit ?? null,
      room: text.room ?? null,
      address: text.address as string,
      heatedArea: heatedArea as number,
      category: category as AccountCategory,
      ownerName: text.ownerName as string,
      phone,
      idNumber,
    },
  };
}

/** The fields the import compares and may change (the 户号 is the key). */
export const REGISTER_DIFF_FIELDS = [
  "communityName",
  "buildingName",
  "unit",
  "room",
  "address",
  "heatedArea",
  "category",
  "ownerName",
  "phone",
  "idNumber",
] as const;
export type RegisterDiffField = (typeof REGISTER_DIFF_FIELDS)[number];
export type RegisterSnapshot = Omit<RegisterRow, "accountNo">;

export interface RegisterChange {
  field: RegisterDiffField;
  before: string | number | null;
  after: string | number | null;
}

/**
 * Field-by-field difference of a row against the account on file. An empty optional cell (楼栋, 单元, 门牌号,
 * 联系电话, 身份证号) leaves the value on file as it is: a register that lacks a phone never erases one.
 * Phone and ID number may be compared as blind indexes (equal plain values give equal indexes).
 */
export function diffRegisterRow(row: RegisterSnapshot, current: RegisterSnapshot): RegisterChange[] {
  const changes: RegisterChange[] = [];
  for (const f of REGISTER_DIFF_FIELDS) {
    const after = row[f];
    const before = current[f];
    if (after === null) continue;
    if (after !== before) changes.push({ field: f, before, after });
  }
  return changes;
}

export const REGISTER_DIFF_LABELS: Record<RegisterDiffField, string> = {
  communityName: "小区",
  buildingName: "楼栋",
  unit: "单元",
  room: "门牌号",
  address: "地址",
  heatedArea: "供热面积",
  category: "用户类别",
  ownerName: "户主姓名",
  phone: "联系电话",
  idNumber: "身份证号",
};

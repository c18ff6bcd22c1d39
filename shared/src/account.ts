import { z } from "zod";

/** Account category (用户类别); tariffs are per season and category. */
export const ACCOUNT_CATEGORIES = ["residential", "non_residential", "public_institution"] as const;
export type AccountCategory = (typeof ACCOUNT_CATEGORIES)[number];
export const ACCOUNT_CATEGORY_LABELS: Record<AccountCategory, string> = {
  residential: "居民",
  non_residential: "非居民（经营）",
  public_institution: "公建单位",
};

/** Hardship category (困难类别): steers households to installment/deferral plans, never to legal work. */
export const HARDSHIP_CATEGORIES = ["none", "dibao", "disabled", "tekun", "elderly_alone", "other"] as const;
export type HardshipCategory = (typeof HARDSHIP_CATEGORIES)[number];
export const HARDSHIP_LABELS: Record<HardshipCategory, string> = {
  none: "无",
  dibao: "低保",
  disabled: "残疾",
  tekun: "特困供养",
  elderly_alone: "独居老人",
  other: "其他困难",
};

/**
 * Special-group flags of the register (特殊群体, DOMAIN.md "Arrears work"): households the grid workers
 * visit and may pay for (代缴); several may apply at once, independent of the hardship category.
 */
export const SPECIAL_GROUPS = ["mobility", "incapacitated", "elderly_alone", "disabled"] as const;
export type SpecialGroup = (typeof SPECIAL_GROUPS)[number];
export const SPECIAL_GROUP_LABELS: Record<SpecialGroup, string> = {
  mobility: "行动不便",
  incapacitated: "失能",
  elderly_alone: "独居老人",
  disabled: "残疾",
};

/** Account status: active, heating suspended (报停) or closed (销户). */
export const ACCOUNT_STATUSES = ["active", "suspended", "closed"] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];
export const ACCOUNT_STATUS_LABELS: Record<AccountStatus, string> = {
  active: "正常供热",
  suspended: "报停",
  closed: "已销户",
};

/** 户号: 8 to 12 digits. */
export const AccountNoSchema = z
  .string()
  .trim()
  .regex(/^\d{8,12}$/, { message: "户号应为 8 至 12 位数字" });

/** Heated area is stored in hundredths of a square metre (integer); the API shows m² with two decimals. */
export function areaToSqm(hundredths: number): number {
  return Math.round(hundredths) / 100;
}

import { z } from "zod";
import { addDays, type BizDate, isBizDate } from "./dates";

/** 供热季 named by its two years, "2025-2026": 15 Oct to 15 Apr, in three periods (DOMAIN.md). */
export const SeasonCodeSchema = z
  .string()
  .regex(/^(\d{4})-(\d{4})$/, "供热季格式应为 2025-2026")
  .refine((s) => Number(s.slice(5)) === Number(s.slice(0, 4)) + 1, "供热季的两个年份应相邻");

export const SEASON_PERIODS = ["early_cold", "deep_cold", "late_cold"] as const;
export type SeasonPeriod = (typeof SEASON_PERIODS)[number];
export const SEASON_PERIOD_LABELS: Record<SeasonPeriod, string> = {
  early_cold: "初寒期",
  deep_cold: "严寒期",
  late_cold: "末寒期",
};

export interface SeasonCalendar {
  code: string;
  startDate: BizDate;
  endDate: BizDate;
  periods: { period: SeasonPeriod; from: BizDate; to: BizDate }[];
}

/** The standard calendar of a season: 初寒期 15 Oct–15 Nov, 严寒期 16 Nov–15 Feb, 末寒期 16 Feb–15 Apr. */
export function seasonCalendar(code: string): SeasonCalendar {
  const y = Number(code.slice(0, 4));
  return {
    code,
    startDate: `${y}-10-15`,
    endDate: `${y + 1}-04-15`,
    periods: [
      { period: "early_cold", from: `${y}-10-15`, to: `${y}-11-15` },
      { period: "deep_cold", from: `${y}-11-16`, to: `${y + 1}-02-15` },
      { period: "late_cold", from: `${y + 1}-02-16`, to: `${y + 1}-04-15` },
    ],
  };
}

/** The period a date falls in, or null outside the season. */
export function periodOf(code: string, date: BizDate): SeasonPeriod | null {
  if (!isBizDate(date)) return null;
  for (const p of seasonCalendar(code).periods) if (date >= p.from && date <= p.to) return p.period;
  return null;
}

/** The season a date belongs to for billing: dates from 15 Oct belong to that year's season, earlier ones to the previous. */
export function seasonCodeFor(date: BizDate): string {
  const y = Number(date.slice(0, 4));
  const start = date >= `${y}-10-15` ? y : y - 1;
  return `${start}-${start + 1}`;
}

/** Default due date of a season's bill: the day before the season starts (fees are paid in advance). */
export function defaultDueDate(code: string): BizDate {
  return addDays(seasonCalendar(code).startDate, -1);
}

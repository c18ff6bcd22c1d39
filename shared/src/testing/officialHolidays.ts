import type { CalendarData, CalendarDayKind } from "../workdays";

/**
 * For tests: the State Council notices for 2025 and 2026, written out by hand (not from any package):
 * - 国办发明电〔2024〕12号 (2025): 元旦 1-01; 春节 1-28…2-04, 上班 1-26 (日), 2-08 (六); 清明 4-04…4-06;
 *   劳动节 5-01…5-05, 上班 4-27 (日); 端午 5-31…6-02; 国庆、中秋 10-01…10-08, 上班 9-28 (日), 10-11 (六).
 * - 国办发明电〔2025〕7号 (2026): 元旦 1-01…1-03, 上班 1-04 (日); 春节 2-15…2-23, 上班 2-14 (六), 2-28 (六);
 *   清明 4-04…4-06; 劳动节 5-01…5-05, 上班 5-09 (六); 端午 6-19…6-21; 中秋 9-25…9-27;
 *   国庆 10-01…10-07, 上班 9-20 (日), 10-10 (六).
 */
function range(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d.toISOString().slice(0, 10) <= to; d.setUTCDate(d.getUTCDate() + 1)) {
    out.push(d.toISOString().slice(0, 10));
  }
  return out;
}
export const HOLIDAYS = [
  ["2025-01-01", "2025-01-01"],
  ["2025-01-28", "2025-02-04"],
  ["2025-04-04", "2025-04-06"],
  ["2025-05-01", "2025-05-05"],
  ["2025-05-31", "2025-06-02"],
  ["2025-10-01", "2025-10-08"],
  ["2026-01-01", "2026-01-03"],
  ["2026-02-15", "2026-02-23"],
  ["2026-04-04", "2026-04-06"],
  ["2026-05-01", "2026-05-05"],
  ["2026-06-19", "2026-06-21"],
  ["2026-09-25", "2026-09-27"],
  ["2026-10-01", "2026-10-07"],
].flatMap(([a, b]) => range(a as string, b as string));
export const MAKEUP = [
  "2025-01-26",
  "2025-02-08",
  "2025-04-27",
  "2025-09-28",
  "2025-10-11",
  "2026-01-04",
  "2026-02-14",
  "2026-02-28",
  "2026-05-09",
  "2026-09-20",
  "2026-10-10",
];
export const OFFICIAL_2025_2026: CalendarData = {
  years: new Set([2025, 2026]),
  days: new Map<string, CalendarDayKind>([
    ...HOLIDAYS.map((d) => [d, "holiday"] as const),
    ...MAKEUP.map((d) => [d, "makeup_workday"] as const),
  ]),
};

import { createRequire } from "node:module";
import { type CalendarDayInput, type CalendarDayRow, normalizeCalendarYear } from "@warmline/shared";

/**
 * The holiday data of the `chinese-days` package (maintained from the State Council notices): its published
 * data file `dist/chinese-days.json` maps dates to "English,中文,n" for holidays and for make-up working days.
 * The package's own functions treat a year it does not know as plain Mon–Fri; only the years it lists
 * holidays for are taken from it.
 */
const require = createRequire(import.meta.url);

export const CALENDAR_PACKAGE = `chinese-days@${(require("chinese-days/package.json") as { version: string }).version}`;

interface PackageJson {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}
let data: PackageJson | null = null;
function load(): PackageJson {
  data ??= require("chinese-days/dist/chinese-days.json") as PackageJson;
  return data;
}

/** the years the package has an arrangement for */
export function packageYears(): number[] {
  return [...new Set(Object.keys(load().holidays).map((d) => Number(d.slice(0, 4))))].sort((a, b) => a - b);
}

function nameOf(entry: string): string | null {
  return entry.split(",")[1]?.trim() || null;
}

/** every day of one of the package's years (validated like an upload), or null when it has none */
export function packageYear(year: number): CalendarDayRow[] | null {
  if (!packageYears().includes(year)) return null;
  const { holidays, workdays } = load();
  const rows: CalendarDayInput[] = [];
  for (const [date, v] of Object.entries(holidays))
    if (date.startsWith(`${year}-`)) rows.push({ date, kind: "holiday", name: nameOf(v) });
  for (const [date, v] of Object.entries(workdays)) {
    if (date.startsWith(`${year}-`)) rows.push({ date, kind: "makeup_workday", name: nameOf(v) });
  }
  const r = normalizeCalendarYear(year, rows);
  if (!r.ok)
    throw new Error(`${CALENDAR_PACKAGE} has an invalid arrangement for ${year}: ${JSON.stringify(r.problems)}`);
  return r.days;
}

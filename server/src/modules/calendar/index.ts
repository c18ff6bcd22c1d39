import { periodicJob, schedulePeriodic } from "../../jobs/periodic";
import type { WarmlineModule } from "../../module";
import { CalendarDay, CalendarYear } from "./entities";
import { calendarRoutes } from "./routes";
import { checkCalendarCoverage, seedCalendarFromPackage } from "./service";

export { CalendarDay, CalendarYear } from "./entities";
export { CALENDAR_PACKAGE, packageYear, packageYears } from "./packageData";
export {
  CALENDAR_SEED_FROM_YEAR,
  calendarCoverage,
  checkCalendarCoverage,
  invalidateCalendar,
  loadYearFromPackage,
  missingCalendarYear,
  missingYears,
  raiseCalendarMissingAlert,
  seedCalendarFromPackage,
  uploadYear,
  workCalendar,
} from "./service";

export const CALENDAR_JOBS = ["calendar.coverage_check"] as const;
declare module "../../jobs/names" {
  interface JobNameMap extends Record<(typeof CALENDAR_JOBS)[number], true> {}
}
/** the coverage check runs every 6 hours (the alert is raised once per year in any case) */
const CHECK_EVERY_MS = 6 * 3_600_000;

/**
 * 节假日日历 (the working-day calendar): the Chinese holiday arrangement per year in `calendar_days`, seeded
 * from the `chinese-days` package at start and loadable by an admin for a new year; `workCalendar(ds)`
 * gives every module working-day arithmetic that refuses a year without data (节假日数据缺失) instead of
 * guessing Mon–Fri, and the supervisors are alerted when a needed year is missing.
 */
export const calendarModule: WarmlineModule = {
  name: "calendar",
  entities: [CalendarDay, CalendarYear],
  routes: calendarRoutes,
  jobs: () => [
    periodicJob("calendar.coverage_check", CHECK_EVERY_MS, (ds) => checkCalendarCoverage(ds).then(() => undefined)),
  ],
  jobNames: CALENDAR_JOBS,
  async start(deps) {
    await seedCalendarFromPackage(deps.ds);
    await checkCalendarCoverage(deps.ds);
    await schedulePeriodic(deps.ds.manager, "calendar.coverage_check", CHECK_EVERY_MS);
  },
};

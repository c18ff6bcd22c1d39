import { DEFAULT_VISIT_PLAN_CONFIG, isVisitMonth, monthOf, shanghaiDate } from "@warmline/shared";
import { periodicJob, schedulePeriodic } from "../../jobs/periodic";
import type { WarmlineModule } from "../../module";
import { HomeVisit, HomeVisitEffect, HomeVisitPhoto, StaffCommunityAssignment, VisitPlanEntry } from "./entities";
import { mountVisitPhotoRoutes, VISIT_PHOTO_FILE, VISIT_PHOTO_UPLOAD_PATH } from "./photos";
import { buildPlan } from "./plan";
import { mountVisitPdf, visitRoutes } from "./routes";

export { HomeVisit, HomeVisitEffect, HomeVisitPhoto, StaffCommunityAssignment, VisitPlanEntry } from "./entities";
export { renderVisitsPdf } from "./pdf";
export { buildPlan, currentVisits, planProgress, todayList } from "./plan";
export { communitiesOf } from "./scope";
export { correctVisit, presentVisits, recordVisit } from "./service";
export { isSpecialGroup, specialGroups } from "./special";

export const VISIT_JOBS = ["visits.plan_build"] as const;
declare module "../../jobs/names" {
  interface JobNameMap extends Record<(typeof VISIT_JOBS)[number], true> {}
}
/** the month's lists are brought up to date every 6 hours (new arrears, assignment changes) */
const PLAN_EVERY_MS = 6 * 3_600_000;

/**
 * 入户走访 (issue 14): append-only visit records with corrections, their photos and signatures, their effects
 * (cold-room and service tickets, follow-ups, the hardship offer), staff ↔ community assignments, the monthly
 * visit plan (job "visits.plan_build") with progress, the special-group list with coverage, and the account's
 * 走访记录 as a PDF.
 */
export const visitsModule: WarmlineModule = {
  name: "visits",
  entities: [HomeVisit, HomeVisitPhoto, HomeVisitEffect, StaffCommunityAssignment, VisitPlanEntry],
  routes: visitRoutes,
  mount: (router, deps) => {
    mountVisitPhotoRoutes(router, deps);
    mountVisitPdf(router, deps);
  },
  streamedBodyPaths: [VISIT_PHOTO_UPLOAD_PATH],
  fileKinds: [VISIT_PHOTO_FILE],
  jobs: () => [
    periodicJob("visits.plan_build", PLAN_EVERY_MS, async (ds) => {
      const month = monthOf(shanghaiDate(new Date()));
      if (isVisitMonth(month, DEFAULT_VISIT_PLAN_CONFIG)) await buildPlan(ds, month);
    }),
  ],
  jobNames: VISIT_JOBS,
  async start(deps) {
    await schedulePeriodic(deps.ds.manager, "visits.plan_build", PLAN_EVERY_MS);
  },
};

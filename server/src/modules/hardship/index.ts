import { periodicJob, schedulePeriodic } from "../../jobs/periodic";
import { defineJob } from "../../jobs/registry";
import type { WarmlineModule } from "../../module";
import { ATTACHMENT_FILE, ATTACHMENT_UPLOAD_PATHS, mountAttachmentRoutes } from "./attachments";
import { HardshipApplication, HardshipAttachment, HardshipEvent, PaymentPlan, PlanInstalment } from "./entities";
import { hardshipPolicies } from "./policies";
import { hardshipRoutes } from "./routes";
import { HARDSHIP_REVIEW_ALERT_JOB, REVIEW_ALERT_EVERY_MS, raiseReviewAlerts } from "./reviewAlerts";
import { PLAN_CHECK_JOB, PlanCheckPayloadSchema, checkPlansAfterPayment, sweepPlans } from "./service";
import { mountSummaryExport } from "./summary";

export { HardshipApplication, HardshipAttachment, HardshipEvent, PaymentPlan, PlanInstalment } from "./entities";
export { hardshipEventLabel, presentPlan } from "./present";
export { hardshipStatus } from "./query";
export { raiseReviewAlerts, type ReviewAlertRun } from "./reviewAlerts";
export { type PlanPayment, planPayment } from "./pay";
export { hardshipSummary } from "./summary";
export {
  centerReview,
  checkPlansAfterPayment,
  communityReview,
  createApplication,
  enqueuePlanCheck,
  HARDSHIP_NOTIFY_JOB,
  settlePlan,
  sweepPlans,
  withdrawApplication,
} from "./service";

export const HARDSHIP_JOBS = ["hardship.plan_sweep", HARDSHIP_REVIEW_ALERT_JOB, PLAN_CHECK_JOB] as const;
declare module "../../jobs/names" {
  interface JobNameMap extends Record<(typeof HARDSHIP_JOBS)[number], true> {}
}
/** plans are checked every hour: a default is marked on the first turn after the grace period's last day */
const SWEEP_EVERY_MS = 3_600_000;

/**
 * 困难群众缓缴/分期 (DOMAIN.md "Hardship relief"): applications with a two-step review, instalment and
 * deferral plans, and `hardshipStatus(ds, accountId, at)` for the modules that must soften reminders or
 * refuse legal escalation. The resident's messages about each step are sent by the notifications module
 * (job "notify.hardship", enqueued here with every timeline event).
 */
export const hardshipModule: WarmlineModule = {
  name: "hardship",
  entities: [HardshipApplication, HardshipEvent, HardshipAttachment, PaymentPlan, PlanInstalment],
  routes: hardshipRoutes,
  mount: (router, deps) => {
    mountAttachmentRoutes(router, deps);
    mountSummaryExport(router, deps);
  },
  streamedBodyPaths: [...ATTACHMENT_UPLOAD_PATHS],
  policies: hardshipPolicies,
  fileKinds: [ATTACHMENT_FILE],
  jobs: (deps) => [
    periodicJob("hardship.plan_sweep", SWEEP_EVERY_MS, (ds) => sweepPlans({ ds }).then(() => undefined)),
    // money applied to an account with an active plan: the plan is completed at once when that paid it off
    defineJob({
      name: PLAN_CHECK_JOB,
      schema: PlanCheckPayloadSchema,
      handle: (payload, { ds }) => checkPlansAfterPayment({ ds }, payload.accountId).then(() => undefined),
    }),
    // overdue reviews (working days on the holiday calendar): one supervisors' alert per application and step
    periodicJob(HARDSHIP_REVIEW_ALERT_JOB, REVIEW_ALERT_EVERY_MS, (ds) =>
      raiseReviewAlerts(ds, deps().config.hardship.reviewAlertWorkdays).then(() => undefined),
    ),
  ],
  jobNames: HARDSHIP_JOBS,
  async start(deps) {
    await schedulePeriodic(deps.ds.manager, "hardship.plan_sweep", SWEEP_EVERY_MS);
    await schedulePeriodic(deps.ds.manager, HARDSHIP_REVIEW_ALERT_JOB, REVIEW_ALERT_EVERY_MS);
  },
};

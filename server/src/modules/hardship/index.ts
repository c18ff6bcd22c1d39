import { periodicJob, schedulePeriodic } from "../../jobs/periodic";
import type { WarmlineModule } from "../../module";
import { ATTACHMENT_FILE, ATTACHMENT_UPLOAD_PATHS, mountAttachmentRoutes } from "./attachments";
import { HardshipApplication, HardshipAttachment, HardshipEvent, PaymentPlan, PlanInstalment } from "./entities";
import { hardshipPolicies } from "./policies";
import { hardshipRoutes } from "./routes";
import { sweepPlans } from "./service";
import { mountSummaryExport } from "./summary";

export { HardshipApplication, HardshipAttachment, HardshipEvent, PaymentPlan, PlanInstalment } from "./entities";
export { hardshipEventLabel, presentPlan } from "./present";
export { hardshipStatus } from "./query";
export { hardshipSummary } from "./summary";
export {
  centerReview,
  communityReview,
  createApplication,
  HARDSHIP_NOTIFY_JOB,
  settlePlan,
  sweepPlans,
  withdrawApplication,
} from "./service";

export const HARDSHIP_JOBS = ["hardship.plan_sweep"] as const;
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
  jobs: () => [periodicJob("hardship.plan_sweep", SWEEP_EVERY_MS, (ds) => sweepPlans({ ds }).then(() => undefined))],
  jobNames: HARDSHIP_JOBS,
  async start(deps) {
    await schedulePeriodic(deps.ds.manager, "hardship.plan_sweep", SWEEP_EVERY_MS);
  },
};

import { periodicJob, schedulePeriodic } from "../../jobs/periodic";
import type { WarmlineModule } from "../../module";
import { LegalCandidate, LegalCandidateDismissal, LegalCase, LegalCaseEvent, LegalCaseScan } from "./entities";
import { legalRoutes } from "./routes";
import { LEGAL_SCAN_FILE, LEGAL_SCAN_UPLOAD_PATH, mountScanUpload } from "./scan";
import { checkCaseActivity, refreshCandidates, sweepDeadlines } from "./service";

export { LegalCandidate, LegalCandidateDismissal, LegalCase, LegalCaseEvent, LegalCaseScan } from "./entities";
export { evaluateAccount } from "./facts";
export { checkCaseActivity, refreshCandidates, sweepDeadlines } from "./service";

export const LEGAL_JOBS = ["legal.candidates_daily", "legal.deadline_sweep", "legal.activity_check"] as const;
declare module "../../jobs/names" {
  interface JobNameMap extends Record<(typeof LEGAL_JOBS)[number], true> {}
}
const DAILY_MS = 24 * 3_600_000;
const DEADLINE_EVERY_MS = 3_600_000;
const ACTIVITY_EVERY_MS = 10 * 60_000;

/**
 * 恶意欠费移交法务 (issue 15, core): the daily candidate list (rule in shared/src/legal.ts, facts from
 * accounts, billing, visits, reminders, hardship and tickets), cases with an append-only timeline, court
 * deadlines on the working-day calendar (节假日数据缺失 instead of Mon–Fri), deadline alerts and news on the
 * accounts of open cases in the legal officers' inbox. Not here yet: the litigation packet, the evidence
 * hash chain, the final notice (催告函), typical-case publishing and reports.
 */
export const legalModule: WarmlineModule = {
  name: "legal",
  entities: [LegalCase, LegalCaseEvent, LegalCaseScan, LegalCandidate, LegalCandidateDismissal],
  routes: legalRoutes,
  mount: mountScanUpload,
  streamedBodyPaths: [LEGAL_SCAN_UPLOAD_PATH],
  fileKinds: [LEGAL_SCAN_FILE],
  jobs: (deps) => [
    periodicJob("legal.candidates_daily", DAILY_MS, (ds) =>
      refreshCandidates(ds, deps().config.legal).then(() => undefined),
    ),
    periodicJob("legal.deadline_sweep", DEADLINE_EVERY_MS, (ds) =>
      sweepDeadlines(ds, deps().config.legal).then(() => undefined),
    ),
    periodicJob("legal.activity_check", ACTIVITY_EVERY_MS, (ds) => checkCaseActivity(ds).then(() => undefined)),
  ],
  jobNames: LEGAL_JOBS,
  async start(deps) {
    for (const [name, every] of [
      ["legal.candidates_daily", DAILY_MS],
      ["legal.deadline_sweep", DEADLINE_EVERY_MS],
      ["legal.activity_check", ACTIVITY_EVERY_MS],
    ] as const) {
      await schedulePeriodic(deps.ds.manager, name, every);
    }
  },
};

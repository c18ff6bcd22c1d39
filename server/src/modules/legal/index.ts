import { periodicJob, schedulePeriodic } from "../../jobs/periodic";
import type { WarmlineModule } from "../../module";
import { LegalCandidate, LegalCandidateDismissal, LegalCase, LegalCaseEvent, LegalCaseScan } from "./entities";
import { chainRoutes } from "./chainRoutes";
import { LEGAL_FINAL_NOTICE_FILE } from "./finalNotice";
import { finalNoticeRoutes } from "./finalNoticeRoutes";
import { LegalFinalNotice } from "./finalNoticeEntity";
import { mountArrearsRegister } from "./arrearsRegister";
import { legalReportRoutes } from "./reports";
import { LEGAL_PACKET_FILE, packetJob } from "./packet";
import { LegalPacket } from "./packetEntity";
import { packetRoutes } from "./packetRoutes";
import { legalRoutes } from "./routes";
import { LEGAL_SCAN_FILE, LEGAL_SCAN_UPLOAD_PATH, mountScanUpload } from "./scan";
import { checkCaseActivity, refreshCandidates, sweepDeadlines } from "./service";
import { LegalTypicalCase } from "./typicalCase";
import { typicalCaseRoutes } from "./typicalCaseRoutes";

export { LegalCandidate, LegalCandidateDismissal, LegalCase, LegalCaseEvent, LegalCaseScan } from "./entities";
export { evaluateAccount } from "./facts";
export { buildPacket, LEGAL_PACKET_FILE } from "./packet";
export { LegalPacket } from "./packetEntity";
export { finalNoticeFilesForCase } from "./finalNotice";
export { LegalFinalNotice } from "./finalNoticeEntity";
export { checkCaseActivity, refreshCandidates, sweepDeadlines } from "./service";
export { LegalTypicalCase } from "./typicalCase";
export { writeArrearsRegister } from "./arrearsRegister";

export const LEGAL_JOBS = [
  "legal.candidates_daily",
  "legal.deadline_sweep",
  "legal.activity_check",
  "legal.packet_build",
] as const;
declare module "../../jobs/names" {
  interface JobNameMap extends Record<(typeof LEGAL_JOBS)[number], true> {}
}
const DAILY_MS = 24 * 3_600_000;
const DEADLINE_EVERY_MS = 3_600_000;
const ACTIVITY_EVERY_MS = 10 * 60_000;

/**
 * 恶意欠费移交法务 (issue 15): the daily candidate list (rule in shared/src/legal.ts, facts from accounts,
 * billing, visits, reminders, hardship and tickets), cases with an append-only timeline, court deadlines on the
 * working-day calendar (节假日数据缺失 instead of Mon–Fri), deadline alerts and news on the accounts of open
 * cases in the legal officers' inbox; the litigation packet (packet*.ts), the evidence-chain check
 * (chainVerify.ts, the chain itself in db/evidenceChain.ts), the final notice (finalNotice*.ts), typical-case
 * notices (typicalCase*.ts), reports and the arrears register export.
 */
export const legalModule: WarmlineModule = {
  name: "legal",
  entities: [
    LegalCase,
    LegalCaseEvent,
    LegalCaseScan,
    LegalCandidate,
    LegalCandidateDismissal,
    LegalFinalNotice,
    LegalTypicalCase,
    LegalPacket,
  ],
  routes: (deps) => [
    ...legalRoutes(deps),
    ...packetRoutes(deps),
    ...finalNoticeRoutes(deps),
    ...chainRoutes(deps),
    ...typicalCaseRoutes(deps),
    ...legalReportRoutes(deps),
  ],
  mount: (router, deps) => {
    mountScanUpload(router, deps);
    mountArrearsRegister(router, deps);
  },
  streamedBodyPaths: [LEGAL_SCAN_UPLOAD_PATH],
  fileKinds: [LEGAL_SCAN_FILE, LEGAL_FINAL_NOTICE_FILE, LEGAL_PACKET_FILE],
  jobs: (deps) => [
    periodicJob("legal.candidates_daily", DAILY_MS, (ds) =>
      refreshCandidates(ds, deps().config.legal).then(() => undefined),
    ),
    periodicJob("legal.deadline_sweep", DEADLINE_EVERY_MS, (ds) =>
      sweepDeadlines(ds, deps().config.legal).then(() => undefined),
    ),
    periodicJob("legal.activity_check", ACTIVITY_EVERY_MS, (ds) => checkCaseActivity(ds).then(() => undefined)),
    packetJob(deps),
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

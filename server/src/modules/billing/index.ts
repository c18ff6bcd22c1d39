import type { WarmlineModule } from "../../module";
import { generateSeasonBillsJob } from "./billRun";
import { Bill, BillCorrection, BillRun, BillWaiver, HeatingSeason, Tariff } from "./entities";
import { billingRoutes } from "./routes";

export { generateSeasonBills, startBillRun } from "./billRun";
export { balanceOf, billsOfAccount, policyOf, presentBill } from "./bills";
export { correctBill, correctionsOfAccount } from "./corrections";
export { Bill, BillCorrection, BillRun, BillWaiver, HeatingSeason, Tariff } from "./entities";
export { coveredBillsState, type ReliefLine, resumeLateFeeFrom, startHardshipRelief } from "./hardshipRelief";
export { createSeason, presentSeason } from "./seasonService";

export const BILLING_JOBS = ["billing.generate_season"] as const;
declare module "../../jobs/names" {
  interface JobNameMap extends Record<(typeof BILLING_JOBS)[number], true> {}
}

export const billingModule: WarmlineModule = {
  name: "billing",
  entities: [HeatingSeason, Tariff, Bill, BillRun, BillWaiver, BillCorrection],
  routes: billingRoutes,
  jobs: () => [generateSeasonBillsJob],
  jobNames: BILLING_JOBS,
};

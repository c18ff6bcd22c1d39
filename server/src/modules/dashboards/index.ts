import type { WarmlineModule } from "../../module";
import { SeasonTarget } from "./entities";
import { dashboardRoutes } from "./routes";

export { SeasonTarget } from "./entities";
export {
  agingByCommunity,
  arrearsAccounts,
  collectionCurve,
  collectionDashboard,
  seasonTotals,
  targetsOf,
} from "./collection";

/**
 * 看板 (issue 16, server foundation): the collection dashboard (receivable, collected, waived, rate against the
 * season's target, breakdowns, arrears aging, the daily curve beside last season's, the forecast, drill-down to
 * accounts in arrears) and the per-season targets. Not here yet: daily snapshots, the pipeline cards, the weekly
 * report, room-temperature compliance.
 */
export const dashboardsModule: WarmlineModule = {
  name: "dashboards",
  entities: [SeasonTarget],
  routes: (deps) => dashboardRoutes(deps),
};

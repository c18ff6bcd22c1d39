import type { WarmlineModule } from "../../module";
import { mountReportFileRoutes, reportRoutes } from "./routes";

export { mountReportFileRoutes, reportRoutes } from "./routes";
export { serviceRates } from "./serviceRates";

export const reportsModule: WarmlineModule = {
  name: "reports",
  entities: [],
  routes: (deps) => reportRoutes(deps, { slaPolicy: deps.config.sla }),
  mount: (router, deps) => mountReportFileRoutes(router, deps, { slaPolicy: deps.config.sla }),
};

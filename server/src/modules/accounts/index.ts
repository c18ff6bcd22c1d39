import type { WarmlineModule } from "../../module";
import { AccountBinding, BindAttempt, Building, Community, HeatingAccount, HeatStation } from "./entities";
import { AccountHeatingStatus } from "./heatingStatus";
import { accountPolicies } from "./policies";
import { residentAccountRoutes, staffAccountRoutes } from "./routes";

export { accountsQuery, bindingCounts } from "./accountQueries";
export { getBoundAccount, isUniqueViolation } from "./bindingService";
export { AccountBinding, BindAttempt, Building, Community, HeatingAccount, HeatStation } from "./entities";
export { AccountHeatingStatus, heatingStatusesForSeason } from "./heatingStatus";

export const accountsModule: WarmlineModule = {
  name: "accounts",
  entities: [HeatStation, Community, Building, HeatingAccount, AccountBinding, BindAttempt, AccountHeatingStatus],
  routes: (deps) => [...residentAccountRoutes(deps), ...staffAccountRoutes(deps)],
  policies: accountPolicies,
};

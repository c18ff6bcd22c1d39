import type { WarmlineModule } from "../../module";
import { AccountBinding, BindAttempt, Building, Community, HeatingAccount, HeatStation } from "./entities";
import { accountPolicies } from "./policies";
import { residentAccountRoutes, staffAccountRoutes } from "./routes";

export { accountsQuery, bindingCounts } from "./accountQueries";
export { getBoundAccount, isUniqueViolation } from "./bindingService";
export { AccountBinding, BindAttempt, Building, Community, HeatingAccount, HeatStation } from "./entities";

export const accountsModule: WarmlineModule = {
  name: "accounts",
  entities: [HeatStation, Community, Building, HeatingAccount, AccountBinding, BindAttempt],
  routes: (deps) => [...residentAccountRoutes(deps), ...staffAccountRoutes(deps)],
  policies: accountPolicies,
};

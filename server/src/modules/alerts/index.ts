import type { WarmlineModule } from "../../module";
import { StaffAlert } from "./entities";
import { alertRoutes } from "./routes";

export { StaffAlert } from "./entities";
export { type AlertInput, beijingMinute, raiseAlert, SUPERVISOR_AUDIENCE } from "./raise";
export { type AlertSubjectPort, audiencesOf } from "./service";

export const alertsModule: WarmlineModule = {
  name: "alerts",
  entities: [StaffAlert],
  routes: alertRoutes,
};

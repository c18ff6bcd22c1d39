import type { WarmlineModule } from "../../module";
import { StaffRoleGrant, StaffUser } from "./entities";
import { auditRoutes } from "./auditRoutes";
import { staffRoutes } from "./routes";

export { StaffRoleGrant, StaffUser } from "./entities";
export {
  createStaffUser,
  presentStaff,
  rolesOf,
  type StaffLockedHook,
  staffLogin,
  unlockStaffUser,
} from "./staffService";

export const staffModule: WarmlineModule = {
  name: "staff",
  entities: [StaffUser, StaffRoleGrant],
  routes: (deps) => [...staffRoutes(deps), ...auditRoutes(deps)],
};

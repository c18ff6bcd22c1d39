import type { WarmlineModule } from "../../module";
import { AuditLog } from "./entities";

export { type AuditEntry, audit } from "./audit";
export { AuditLog } from "./entities";

/** The audit log's writer and table; its viewer lives with staff administration (it shows who acted). */
export const auditModule: WarmlineModule = {
  name: "audit",
  entities: [AuditLog],
};

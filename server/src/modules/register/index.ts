import type { WarmlineModule } from "../../module";
import { RegisterImport, RegisterImportRow } from "./entities";
import { applyRegisterJob, mountRegisterFileRoutes, REGISTER_UPLOAD_PATH, registerRoutes } from "./routes";

export { RegisterImport, RegisterImportRow } from "./entities";
export { openRegister, RegisterFileError } from "./reader";
export { applyImport, createImport, dryRun } from "./service";

export const REGISTER_JOBS = ["register.apply"] as const;
declare module "../../jobs/names" {
  interface JobNameMap extends Record<(typeof REGISTER_JOBS)[number], true> {}
}

/**
 * The county's account register (用户信息自动录入): template, upload with a dry run (report of creates,
 * field diffs, unchanged rows and errors), and the apply job. Writes accounts through the accounts module's
 * entities; changes to single accounts by staff live in the accounts module.
 */
export const registerModule: WarmlineModule = {
  name: "register",
  entities: [RegisterImport, RegisterImportRow],
  routes: registerRoutes,
  mount: mountRegisterFileRoutes,
  streamedBodyPaths: [REGISTER_UPLOAD_PATH],
  jobs: (deps) => [applyRegisterJob(deps)],
  jobNames: REGISTER_JOBS,
};

import type Router from "@koa/router";
import type { Deps } from "./deps";
import type { PolicyTable } from "./http/access";
import type { AnyRoute } from "./http/route";
import type { JobDefinition } from "./jobs/registry";
import type { FileKind } from "./modules/files";

/** A TypeORM entity class. */
export type EntityClass = Function;

/**
 * What a module hands the composition root (`bootstrap.ts`) through its face (`modules/<m>/index.ts`).
 * Adding a module = one folder whose index exports one of these, and one line in `MODULES`.
 */
export interface WarmlineModule {
  /** the folder name, for logs and checks */
  name: string;
  /** its tables; migrations must create exactly the entities of all modules (checked by a test) */
  entities: EntityClass[];
  /** JSON routes under /api/v1 (they also write the OpenAPI document) */
  routes?: (deps: Deps) => AnyRoute[];
  /** routes that are not JSON (files, vendor callbacks, exports): mounted on the router as they are */
  mount?: (router: Router, deps: Deps) => void;
  /** request paths whose body the module reads itself (multipart uploads) */
  streamedBodyPaths?: string[];
  /** job handlers; handlers that call vendors read the dependencies when they run */
  jobs?: (deps: () => Deps) => JobDefinition[];
  /** the names of its jobs (each needs exactly one handler, checked at start) */
  jobNames?: readonly string[];
  /** work at start of a process that runs jobs (e.g. the first turn of a periodic job); must be idempotent */
  start?: (deps: Deps) => Promise<void>;
  /** access policies for the resources it owns (see http/access.ts) */
  policies?: PolicyTable;
  /** kinds of files it serves behind signed links (GET /api/v1/files/:token, served by modules/files) */
  fileKinds?: FileKind[];
}

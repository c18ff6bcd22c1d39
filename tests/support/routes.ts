import type { StaffRole } from "@warmline/shared";
import { MODULES } from "@warmline/server/src/bootstrap";
import type { Deps } from "@warmline/server/src/deps";
import { API_PREFIX } from "@warmline/server/src/http/route";
import type { WarmlineModule } from "@warmline/server/src/module";

/** "GET /api/v1/staff/accounts/:id": how the authorization matrix names a route */
export type RouteKey = string;

export interface DeclaredRoute {
  key: RouteKey;
  module: string;
  auth: "none" | "resident" | "staff";
  /** omitted = any staff (for staff routes) */
  roles?: readonly StaffRole[];
}

export interface MountedRoute {
  key: RouteKey;
  module: string;
}

export function routeKey(method: string, fullPath: string): RouteKey {
  return `${method.toUpperCase()} ${fullPath}`;
}

/** The JSON routes the modules of the composition root declare (what app.ts mounts through mountRoutes). */
export function declaredRoutes(deps: Deps, modules: readonly WarmlineModule[] = MODULES): DeclaredRoute[] {
  return modules.flatMap((m) =>
    (m.routes?.(deps) ?? []).map((r) => ({
      key: routeKey(r.method, `${API_PREFIX}${r.path}`),
      module: m.name,
      auth: r.auth,
      roles: r.roles,
    })),
  );
}

type MountRouter = Parameters<NonNullable<WarmlineModule["mount"]>>[0];
const ROUTER_METHODS = ["get", "post", "put", "patch", "delete", "del", "all"] as const;

/**
 * The non-JSON routes the modules mount themselves (files, exports, uploads, vendor callbacks), recorded
 * by handing each module's `mount` a stand-in router that only writes down method and path.
 */
export function mountedRoutes(deps: Deps, modules: readonly WarmlineModule[] = MODULES): MountedRoute[] {
  const found: MountedRoute[] = [];
  for (const m of modules) {
    if (!m.mount) continue;
    const recorder: Record<string, (...args: unknown[]) => unknown> = {};
    for (const method of ROUTER_METHODS) {
      recorder[method] = (...args: unknown[]) => {
        // router.get(path, ...middleware) or router.get(name, path, ...middleware)
        const path = typeof args[1] === "string" ? args[1] : args[0];
        const paths = Array.isArray(path) ? path : [path];
        for (const p of paths) {
          if (typeof p !== "string") throw new Error(`${m.name}: mounted a route without a string path`);
          found.push({ key: routeKey(method === "del" ? "delete" : method, p), module: m.name });
        }
        return recorder;
      };
    }
    recorder.use = () => {
      throw new Error(`${m.name}: router.use in mount() is not understood by the authorization matrix`);
    };
    m.mount(recorder as unknown as MountRouter, deps);
  }
  return found;
}

/** Fills ":name" segments of a route key's path from `params` (missing names throw). */
export function fillPath(key: RouteKey, params: Record<string, number | string>): { method: string; path: string } {
  const [method, pattern] = key.split(" ") as [string, string];
  const path = pattern.replace(/:(\w+)/g, (_m, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`no value for :${name} in ${key}`);
    return encodeURIComponent(String(v));
  });
  return { method, path };
}

/**
 * Row counts of every table of the schema (every entity, the outbox included), for "nothing was written".
 * On MariaDB each table's CHECKSUM TABLE is added to its count, so an UPDATE without an INSERT shows up too.
 */
export async function tableFingerprint(deps: Deps): Promise<Record<string, string>> {
  const tables = [...new Set(deps.ds.entityMetadatas.map((e) => e.tableName))].sort();
  const q = (name: string) => deps.ds.driver.escape(name);
  const [counts] = (await deps.ds.query(
    `SELECT ${tables.map((t, i) => `(SELECT COUNT(*) FROM ${q(t)}) AS c${i}`).join(", ")}`,
  )) as [Record<string, number | string>];
  const sums = new Map<string, string>();
  if (deps.ds.options.type === "mysql" || deps.ds.options.type === "mariadb") {
    const rows = (await deps.ds.query(`CHECKSUM TABLE ${tables.map(q).join(", ")}`)) as {
      Table: string;
      Checksum: number | string | null;
    }[];
    // "database.table" → table
    for (const r of rows) sums.set(r.Table.slice(r.Table.lastIndexOf(".") + 1), String(r.Checksum));
  }
  return Object.fromEntries(
    tables.map((t, i) => [t, `${counts[`c${i}`]} rows${sums.has(t) ? `, checksum ${sums.get(t)}` : ""}`]),
  );
}

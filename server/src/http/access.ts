import type { ErrorCode } from "@warmline/shared";
import type { DataSource } from "typeorm";
import type { AuthState } from "./auth";
import { AppError } from "./errors";

/**
 * One access layer for every resident-owned resource (after Immich's `requireAccess`).
 *
 * Each module declares a small policy table: for each permission, which of the asked ids an actor may
 * reach. A route calls `deps.access.require(actor, "ticket.read", id)`; any id outside the answer is
 * refused with the permission's 404 code, exactly as an id that does not exist, so a resident cannot
 * tell another household's resource from a missing one.
 *
 * Modules add their permission names to `PermissionMap` by declaration merging, so a misspelt permission
 * is a type error and no central list has to be edited when a module is added:
 *
 *   declare module "../../http/access" { interface PermissionMap { "ticket.read": true } }
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by the modules through declaration merging
export interface PermissionMap {}
export type Permission = keyof PermissionMap & string;

export type Actor = AuthState;
export type StaffActor = Extract<AuthState, { kind: "staff" }>;

/** Returns the subset of `ids` the actor may reach. Ids are distinct, positive and at most a page long. */
export type AccessCheck<A extends Actor = Actor> = (
  ds: DataSource,
  actor: A,
  ids: number[],
) => Promise<Iterable<number>>;

export interface AccessPolicy {
  /** the 404 answered for a foreign or missing id */
  notFound: ErrorCode;
  /** residents: ownership (bound account, own ticket, …); omitted = residents may not */
  resident?: AccessCheck<Extract<AuthState, { kind: "resident" }>>;
  /** staff (their role was checked by the route): usually that the ids exist; omitted = staff may not */
  staff?: AccessCheck<StaffActor>;
}

export type PolicyTable = Partial<Record<Permission, AccessPolicy>>;

export class AccessLayer {
  private readonly policies = new Map<string, AccessPolicy>();

  constructor(
    private readonly ds: DataSource,
    tables: PolicyTable[],
  ) {
    for (const table of tables) {
      for (const [permission, policy] of Object.entries(table)) {
        if (!policy) continue;
        if (this.policies.has(permission)) throw new Error(`access policy ${permission} is declared twice`);
        this.policies.set(permission, policy);
      }
    }
  }

  /** the permissions declared by the modules (a test checks every one is used and reachable) */
  permissions(): string[] {
    return [...this.policies.keys()].sort();
  }

  /** Throws the permission's 404 unless the actor may reach every one of `ids`. */
  async require(actor: Actor | undefined, permission: Permission, ids: number | readonly number[]): Promise<void> {
    const policy = this.policies.get(permission);
    if (!policy) throw new Error(`no access policy for ${permission}`);
    if (!actor) throw new AppError("UNAUTHENTICATED");
    const wanted = [...new Set(typeof ids === "number" ? [ids] : ids)];
    if (wanted.length === 0) return;
    if (wanted.some((id) => !Number.isSafeInteger(id) || id <= 0)) throw new AppError(policy.notFound);
    const allowed =
      actor.kind === "resident"
        ? policy.resident && (await policy.resident(this.ds, actor, wanted))
        : policy.staff && (await policy.staff(this.ds, actor, wanted));
    if (!allowed) throw new AppError(policy.notFound);
    const got = new Set(allowed);
    if (!wanted.every((id) => got.has(id))) throw new AppError(policy.notFound);
  }
}

/** The common staff check: the ids exist in `table` (roles were checked by the route). */
export function existIn(entity: string | (new () => object)): AccessCheck<StaffActor> {
  return async (ds, _actor, ids) => {
    const rows: { id: number | string }[] = await ds
      .createQueryBuilder()
      .select("t.id", "id")
      .from(entity, "t")
      .where("t.id IN (:...ids)", { ids })
      .getRawMany();
    return rows.map((r) => Number(r.id));
  };
}

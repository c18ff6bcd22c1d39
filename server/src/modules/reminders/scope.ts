import type { Context } from "koa";
import type { DataSource } from "typeorm";
import type { Deps } from "../../deps";
import { staffAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { HeatingAccount } from "../accounts";

/**
 * reminders → visits: the communities a staff member covers today (the visit assignments, staff ↔ community,
 * plus the older single staff_users.community_id). Declared here, implemented by the visits module, wired by
 * the composition root (deps.ports.staffCommunities): visits sits above reminders.
 */
export interface StaffCommunitiesPort {
  communitiesOf(ds: DataSource, staffId: number): Promise<number[]>;
}

/** roles that see every community's visit tasks and reminders; grid workers see their communities' */
const ALL_COMMUNITIES = ["supervisor", "admin"];
/** roles limited to the communities they are assigned to */
const SCOPED = ["grid_worker"];

/**
 * The communities the caller's reminder reads and visit tasks are limited to, or null for no limit: a grid
 * worker (who is not also a supervisor or admin) gets the communities of their visit assignments (none
 * assigned: none at all); everyone else is not limited.
 */
export async function reminderScope(deps: Deps, ctx: Context): Promise<number[] | null> {
  const staff = staffAuth(ctx);
  if (staff.roles.some((r) => ALL_COMMUNITIES.includes(r))) return null;
  if (!staff.roles.some((r) => SCOPED.includes(r))) return null;
  return deps.ports.staffCommunities.communitiesOf(deps.ds, staff.id);
}

/** An account outside the caller's communities answers like a missing one (ACCOUNT_NOT_FOUND). */
export async function assertAccountInScope(deps: Deps, ctx: Context, accountId: number): Promise<void> {
  const scope = await reminderScope(deps, ctx);
  if (scope === null) return;
  const account = await deps.ds
    .getRepository(HeatingAccount)
    .findOne({ select: { id: true, communityId: true }, where: { id: accountId } });
  if (!account || !scope.includes(account.communityId)) throw new AppError("ACCOUNT_NOT_FOUND");
}

import type { StaffRole } from "@warmline/shared";
import type { DataSource } from "typeorm";
import { StaffUser } from "../staff";

/**
 * Which communities' applications a staff member may see and act on (issue 12: 社区初审 is done by the
 * community's own reviewer). The scope is the staff user's `communityId` (set by an admin, see the staff
 * module):
 * - these roles work county-wide and see every application, whatever community the user carries:
 *   hotline agents take calls from the whole county, the centre reviews everything, supervisors and admins;
 * - everyone else on the hardship desk (community reviewers, grid workers) sees only applications whose
 *   account is in their community;
 * - a community reviewer or grid worker WITHOUT an assigned community sees all communities (a small county
 *   may run one reviewer team for every community; an admin narrows it by assigning a community).
 * An application outside the scope answers 404 exactly like a missing one.
 */
export const HARDSHIP_ALL_COMMUNITIES_ROLES: readonly StaffRole[] = [
  "hotline_agent",
  "center_reviewer",
  "supervisor",
  "admin",
];

/** the community a staff member is limited to, or null for all communities */
export function hardshipScopeOf(roles: readonly string[], communityId: number | null): number | null {
  if (roles.some((r) => (HARDSHIP_ALL_COMMUNITIES_ROLES as readonly string[]).includes(r))) return null;
  return communityId ?? null;
}

/** the signed-in staff member's scope (their community is read afresh: an admin may have changed it) */
export async function staffHardshipScope(
  ds: DataSource,
  staff: { id: number; roles: readonly string[] },
): Promise<number | null> {
  if (staff.roles.some((r) => (HARDSHIP_ALL_COMMUNITIES_ROLES as readonly string[]).includes(r))) return null;
  const user = await ds
    .getRepository(StaffUser)
    .findOne({ select: { id: true, communityId: true }, where: { id: staff.id } });
  return hardshipScopeOf(staff.roles, user?.communityId ?? null);
}

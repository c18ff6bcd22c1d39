import { type BizDate, type StaffRole, shanghaiDate, VISIT_SCOPED_ROLES } from "@warmline/shared";
import type { Context } from "koa";
import { type EntityManager, In, IsNull, LessThanOrEqual, MoreThanOrEqual } from "typeorm";
import type { DataSource } from "typeorm";
import { staffAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { Building, type HeatingAccount } from "../accounts";
import { StaffRoleGrant, StaffUser } from "../staff";
import { StaffCommunityAssignment } from "./entities";

type Db = DataSource | EntityManager;

/** the roles that bring the assignment table into play */
export const ASSIGNABLE_ROLES: readonly StaffRole[] = ["grid_worker", "technician"];

/**
 * The communities a staff member covers on a day: the assignment rows in force, plus the single community
 * of the staff account itself (staff_users.community_id, set by an administrator) — the older scope field.
 */
export async function communitiesOf(
  db: Db,
  staffId: number,
  day: BizDate = shanghaiDate(new Date()),
): Promise<number[]> {
  const rows = await db.getRepository(StaffCommunityAssignment).find({
    where: [
      { staffId, validFrom: LessThanOrEqual(day), validTo: IsNull() },
      { staffId, validFrom: LessThanOrEqual(day), validTo: MoreThanOrEqual(day) },
    ],
  });
  const ids = new Set(rows.map((r) => r.communityId));
  const staff = await db.getRepository(StaffUser).findOneBy({ id: staffId });
  if (staff?.communityId) ids.add(staff.communityId);
  return [...ids].sort((a, b) => a - b);
}

/** Whether the signed-in staff member's lists and records are limited to their communities. */
export function isScoped(ctx: Context): boolean {
  const auth = staffAuth(ctx);
  if (auth.roles.some((r) => r === "supervisor" || r === "admin")) return false;
  return auth.roles.some((r) => VISIT_SCOPED_ROLES.includes(r));
}

/** The communities the caller is limited to, or null for no limit (supervisors, administrators, desk staff). */
export async function scopeOf(db: Db, ctx: Context): Promise<number[] | null> {
  if (!isScoped(ctx)) return null;
  return communitiesOf(db, staffAuth(ctx).id);
}

/**
 * Refuses (403 VISIT_OUT_OF_SCOPE) a grid worker or technician acting on an account outside the communities
 * they cover; a technician may also visit the buildings of the station they belong to.
 */
export async function requireAccountScope(db: Db, ctx: Context, account: HeatingAccount): Promise<void> {
  if (!(await inAccountScope(db, ctx, account))) throw new AppError("VISIT_OUT_OF_SCOPE");
}

/**
 * Whether the caller may see (and act on) the account's visits: supervisors, administrators and desk staff
 * always; a grid worker or technician only within their communities (a technician also within their station).
 */
export async function inAccountScope(
  db: Db,
  ctx: Context,
  account: Pick<HeatingAccount, "communityId" | "buildingId">,
): Promise<boolean> {
  const scope = await scopeOf(db, ctx);
  if (scope === null || scope.includes(account.communityId)) return true;
  const auth = staffAuth(ctx);
  if (auth.roles.includes("technician") && account.buildingId) {
    const [staff, building] = await Promise.all([
      db.getRepository(StaffUser).findOneBy({ id: auth.id }),
      db.getRepository(Building).findOneBy({ id: account.buildingId }),
    ]);
    if (staff?.stationId && building?.stationId === staff.stationId) return true;
  }
  return false;
}

/** Staff members holding one of `roles`, active, by id. */
export async function staffWithRoles(db: Db, roles: readonly StaffRole[]): Promise<StaffUser[]> {
  const grants = await db.getRepository(StaffRoleGrant).findBy({ role: In([...roles]) });
  const ids = [...new Set(grants.map((g) => g.staffUserId))];
  if (ids.length === 0) return [];
  return db.getRepository(StaffUser).find({ where: { id: In(ids), status: "active" }, order: { id: "ASC" } });
}

import type { Staff, StaffRole } from "@warmline/shared";
import type { Context } from "koa";
import type { DataSource } from "typeorm";
import type { Config } from "../../config";
import { AppError } from "../../http/errors";
import { DUMMY_HASH, hashPassword, verifyPassword } from "../../lib/password";
import { audit } from "../audit";
import { StaffRoleGrant, StaffUser } from "./entities";

export function presentStaff(user: StaffUser, roles: StaffRole[]): Staff {
  return { id: user.id, username: user.username, displayName: user.displayName, roles };
}

export async function rolesOf(ds: DataSource, staffUserId: number): Promise<StaffRole[]> {
  const grants = await ds.getRepository(StaffRoleGrant).find({ where: { staffUserId }, order: { id: "ASC" } });
  return grants.map((g) => g.role);
}

export async function createStaffUser(
  ds: DataSource,
  input: { username: string; displayName: string; password: string; roles: StaffRole[]; communityId?: number | null },
): Promise<StaffUser> {
  const passwordHash = await hashPassword(input.password);
  return ds.transaction(async (m) => {
    const user = await m.getRepository(StaffUser).save(
      m.getRepository(StaffUser).create({
        username: input.username,
        displayName: input.displayName,
        passwordHash,
        status: "active",
        failedLogins: 0,
        lockedUntil: null,
        communityId: input.communityId ?? null,
        stationId: null,
        lastLoginAt: null,
      }),
    );
    for (const role of input.roles) await m.getRepository(StaffRoleGrant).insert({ staffUserId: user.id, role });
    return user;
  });
}

/**
 * 工作人员登录. Wrong passwords are counted; at the limit the account locks for a while. Every attempt on an
 * existing account is audited. Unknown usernames cost the same time as known ones.
 */
export async function staffLogin(
  ds: DataSource,
  cfg: Config["auth"],
  ctx: Context,
  input: { username: string; password: string },
): Promise<{ user: StaffUser; roles: StaffRole[] }> {
  const repo = ds.getRepository(StaffUser);
  const user = await repo.findOneBy({ username: input.username });
  if (!user) {
    await verifyPassword(input.password, DUMMY_HASH);
    throw new AppError("STAFF_LOGIN_FAILED");
  }
  const log = (action: string, details?: Record<string, unknown>) =>
    audit(ds, ctx, {
      action,
      targetType: "staff_user",
      targetId: user.id,
      details,
      actor: { type: "staff", id: user.id },
    });
  if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
    await log("staff.login_locked");
    throw new AppError("STAFF_LOCKED", { lockedUntil: user.lockedUntil.toISOString() });
  }
  const ok = await verifyPassword(input.password, user.passwordHash);
  if (!ok) {
    // count atomically so parallel guesses cannot slip past the limit
    await repo
      .createQueryBuilder()
      .update()
      .set({ failedLogins: () => "failed_logins + 1" })
      .where("id = :id", { id: user.id })
      .execute();
    const fresh = await repo.findOneByOrFail({ id: user.id });
    const remaining = Math.max(0, cfg.staffMaxFailedLogins - fresh.failedLogins);
    if (remaining === 0) {
      const lockedUntil = new Date(Date.now() + cfg.staffLockMinutes * 60_000);
      await repo.update({ id: user.id }, { lockedUntil, failedLogins: 0 });
      await log("staff.locked", { minutes: cfg.staffLockMinutes });
      throw new AppError("STAFF_LOCKED", { lockedUntil: lockedUntil.toISOString() });
    }
    await log("staff.login_failed", { remainingAttempts: remaining });
    throw new AppError("STAFF_LOGIN_FAILED", { remainingAttempts: remaining });
  }
  if (user.status !== "active") {
    await log("staff.login_disabled");
    throw new AppError("STAFF_DISABLED");
  }
  await repo.update({ id: user.id }, { failedLogins: 0, lockedUntil: null, lastLoginAt: new Date() });
  await log("staff.login");
  return { user, roles: await rolesOf(ds, user.id) };
}

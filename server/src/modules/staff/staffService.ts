import type { Staff, StaffRole } from "@warmline/shared";
import type { Context } from "koa";
import type { DataSource } from "typeorm";
import type { Deps } from "../../deps";
import { clientIp } from "../../http/auth";
import { AppError } from "../../http/errors";
import { DUMMY_HASH, hashPassword, verifyPassword } from "../../lib/password";
import { audit } from "../audit";
import { StaffRoleGrant, StaffUser } from "./entities";
import { StaffLoginThrottle } from "./loginThrottle";

export function presentStaff(user: StaffUser, roles: StaffRole[]): Staff {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    roles,
    mustChangePassword: user.mustChangePassword,
  };
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
        mustChangePassword: false,
        phoneEnc: null,
      }),
    );
    for (const role of input.roles) await m.getRepository(StaffRoleGrant).insert({ staffUserId: user.id, role });
    return user;
  });
}

/** What the caller of staffLogin may do when an account has just been locked (e.g. alert the supervisors). */
export type StaffLockedHook = (
  user: StaffUser,
  lock: { lockedUntil: Date; failures: number; minutes: number; ip: string },
) => Promise<void>;

/**
 * 工作人员登录. The answer to a wrong password is the same for every user name, known or not, locked or not:
 * 401 STAFF_LOGIN_FAILED without details, after the same password hashing. Failures are throttled per
 * client address and per (address, name) with growing waits (StaffLoginThrottle: 429 STAFF_LOGIN_THROTTLED
 * with Retry-After). STAFF_MAX_FAILED_LOGINS wrong passwords in a row, from anywhere, lock the account for
 * STAFF_LOCK_MINUTES (`onLocked` is told); during the lock only the right password learns that it is locked
 * (423), and an admin can unlock it early (unlockStaffUser). Every attempt on an existing account is audited.
 */
export async function staffLogin(
  deps: Pick<Deps, "ds" | "config" | "limits">,
  ctx: Context,
  input: { username: string; password: string },
  onLocked?: StaffLockedHook,
): Promise<{ user: StaffUser; roles: StaffRole[] }> {
  const { ds } = deps;
  const cfg = deps.config.auth;
  const ip = clientIp(ctx);
  const throttle = new StaffLoginThrottle(deps.limits, cfg);
  await throttle.check(ip, input.username);

  const repo = ds.getRepository(StaffUser);
  const user = await repo.findOneBy({ username: input.username });
  const ok = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);
  if (!user) {
    await throttle.failed(ip, input.username);
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
  const locked = user.lockedUntil !== null && user.lockedUntil.getTime() > Date.now();
  if (!ok) {
    await throttle.failed(ip, input.username);
    if (locked) {
      await log("staff.login_locked");
      throw new AppError("STAFF_LOGIN_FAILED");
    }
    // count atomically so parallel guesses cannot slip past the limit
    await repo
      .createQueryBuilder()
      .update()
      .set({ failedLogins: () => "failed_logins + 1" })
      .where("id = :id", { id: user.id })
      .execute();
    const fresh = await repo.findOneByOrFail({ id: user.id });
    if (fresh.failedLogins >= cfg.staffMaxFailedLogins) {
      const lockedUntil = new Date(Date.now() + cfg.staffLockMinutes * 60_000);
      // only the request that moves the counter past the limit locks (and alerts), once
      const took = await repo
        .createQueryBuilder()
        .update()
        .set({ lockedUntil, failedLogins: 0 })
        .where("id = :id AND failed_logins >= :max", { id: user.id, max: cfg.staffMaxFailedLogins })
        .execute();
      if (took.affected) {
        await log("staff.locked", { minutes: cfg.staffLockMinutes, failures: fresh.failedLogins });
        await onLocked?.(user, {
          lockedUntil,
          failures: fresh.failedLogins,
          minutes: cfg.staffLockMinutes,
          ip,
        });
      }
    } else {
      await log("staff.login_failed", { remainingAttempts: cfg.staffMaxFailedLogins - fresh.failedLogins });
    }
    throw new AppError("STAFF_LOGIN_FAILED");
  }
  if (locked && user.lockedUntil) {
    await log("staff.login_locked");
    throw new AppError("STAFF_LOCKED", { lockedUntil: user.lockedUntil.toISOString() });
  }
  if (user.status !== "active") {
    await log("staff.login_disabled");
    throw new AppError("STAFF_DISABLED");
  }
  await throttle.succeeded(ip, input.username);
  await repo.update({ id: user.id }, { failedLogins: 0, lockedUntil: null, lastLoginAt: new Date() });
  await log("staff.login");
  return { user, roles: await rolesOf(ds, user.id) };
}

/**
 * 解除锁定 (admin): clears an account's lock and its count of wrong passwords, audited. 404 for an unknown
 * id. Waits of particular client addresses (StaffLoginThrottle) run out by themselves within
 * STAFF_LOCK_MINUTES.
 */
export async function unlockStaffUser(ds: DataSource, ctx: Context, id: number): Promise<void> {
  const repo = ds.getRepository(StaffUser);
  const user = await repo.findOneBy({ id });
  if (!user) throw new AppError("STAFF_USER_NOT_FOUND");
  const wasLocked = user.lockedUntil !== null && user.lockedUntil.getTime() > Date.now();
  await repo.update({ id }, { lockedUntil: null, failedLogins: 0 });
  await audit(ds, ctx, {
    action: "staff.unlock",
    targetType: "staff_user",
    targetId: id,
    details: { wasLocked, failures: user.failedLogins },
  });
}

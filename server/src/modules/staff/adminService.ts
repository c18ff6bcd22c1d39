import { randomInt } from "node:crypto";
import {
  maskPhone,
  type PasswordChangeInput,
  passwordProblems,
  type StaffDisableInput,
  type StaffPasswordIssued,
  type StaffPasswordResetInput,
  type StaffUser as StaffUserDto,
  type StaffUserCreateInput,
  type StaffUserPage,
  type StaffUserQuery,
  type StaffUserUpdateInput,
} from "@warmline/shared";
import type { Context } from "koa";
import { type EntityManager, In } from "typeorm";
import type { Deps } from "../../deps";
import { clientIp, staffAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { hashPassword, verifyPassword } from "../../lib/password";
import { Community, HeatStation, isUniqueViolation } from "../accounts";
import { audit } from "../audit";
import { StaffRoleGrant, StaffUser } from "./entities";
import { StaffLoginThrottle } from "./loginThrottle";

type AdminDeps = Pick<Deps, "ds" | "vault" | "tokens">;

/** a temporary password that passes the rules: 12 characters of every kind, none easy to misread */
export function generatePassword(): string {
  const sets = ["ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnpqrstuvwxyz", "23456789", "#%+-=?@"];
  const all = sets.join("");
  const chars = sets.map((s) => s[randomInt(s.length)]);
  while (chars.length < 12) chars.push(all[randomInt(all.length)]);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join("");
}

const isLocked = (u: StaffUser) => u.lockedUntil !== null && u.lockedUntil.getTime() > Date.now();
const statusOf = (u: StaffUser) => (u.status !== "active" ? "disabled" : isLocked(u) ? "locked" : "active");

function weak(problems: string[], field: string): AppError {
  return new AppError(
    "PASSWORD_TOO_WEAK",
    problems.map((message) => ({ path: field, message })),
  );
}

/** the admin's view of staff accounts: roles, scope with names, status, masked phone */
async function present(deps: AdminDeps, db: EntityManager, users: StaffUser[]): Promise<StaffUserDto[]> {
  const ids = users.map((u) => u.id);
  const grants = ids.length
    ? await db.getRepository(StaffRoleGrant).find({ where: { staffUserId: In(ids) }, order: { id: "ASC" } })
    : [];
  const stationIds = [...new Set(users.map((u) => u.stationId).filter((x): x is number => x !== null))];
  const communityIds = [...new Set(users.map((u) => u.communityId).filter((x): x is number => x !== null))];
  const stations = new Map(
    (stationIds.length ? await db.getRepository(HeatStation).findBy({ id: In(stationIds) }) : []).map((s) => [
      s.id,
      s.name,
    ]),
  );
  const communities = new Map(
    (communityIds.length ? await db.getRepository(Community).findBy({ id: In(communityIds) }) : []).map((c) => [
      c.id,
      c.name,
    ]),
  );
  return users.map((u) => ({
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    phoneMasked: maskPhone(deps.vault.decrypt(u.phoneEnc)),
    roles: grants.filter((g) => g.staffUserId === u.id).map((g) => g.role),
    stationId: u.stationId,
    stationName: u.stationId === null ? null : (stations.get(u.stationId) ?? null),
    communityId: u.communityId,
    communityName: u.communityId === null ? null : (communities.get(u.communityId) ?? null),
    status: statusOf(u),
    lockedUntil: isLocked(u) && u.lockedUntil ? u.lockedUntil.toISOString() : null,
    mustChangePassword: u.mustChangePassword,
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
    createdAt: u.createdAt.toISOString(),
  }));
}

async function presentOne(deps: AdminDeps, db: EntityManager, id: number): Promise<StaffUserDto> {
  const [dto] = await present(deps, db, [await db.getRepository(StaffUser).findOneByOrFail({ id })]);
  return dto;
}

/** 员工列表: search by user name, name or phone; filter by role and status; newest accounts last */
export async function listStaffUsers(deps: AdminDeps, q: StaffUserQuery): Promise<StaffUserPage> {
  const qb = deps.ds.getRepository(StaffUser).createQueryBuilder("u");
  if (q.q) {
    const digits = /^1\d{10}$/.test(q.q) ? deps.vault.encrypt(q.q) : null; // phones are encrypted: exact numbers only
    const like = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    if (digits) {
      // an encrypted phone cannot be compared in SQL: find the ids in process (staff lists are short)
      const all = await deps.ds.getRepository(StaffUser).find({ select: { id: true, phoneEnc: true } });
      const ids = all.filter((u) => deps.vault.decrypt(u.phoneEnc) === q.q).map((u) => u.id);
      qb.andWhere(ids.length ? "u.id IN (:...ids)" : "1 = 0", { ids });
    } else {
      qb.andWhere("(u.username LIKE :like OR u.display_name LIKE :like)", { like });
    }
  }
  if (q.role) {
    qb.andWhere("u.id IN (SELECT g.staff_user_id FROM staff_roles g WHERE g.role = :role)", { role: q.role });
  }
  const now = new Date();
  if (q.status === "disabled") qb.andWhere("u.status <> 'active'");
  if (q.status === "locked") qb.andWhere("u.status = 'active' AND u.locked_until > :now", { now });
  if (q.status === "active")
    qb.andWhere("u.status = 'active' AND (u.locked_until IS NULL OR u.locked_until <= :now)", { now });
  const [rows, total] = await qb
    .orderBy("u.id", "ASC")
    .skip((q.page - 1) * q.pageSize)
    .take(q.pageSize)
    .getManyAndCount();
  return { items: await present(deps, deps.ds.manager, rows), total, page: q.page, pageSize: q.pageSize };
}

/** the station and community exist (400 STAFF_SCOPE_INVALID otherwise); a scope no role needs is kept as given */
async function checkScope(db: EntityManager, input: { stationId?: number | null; communityId?: number | null }) {
  if (input.stationId && !(await db.getRepository(HeatStation).existsBy({ id: input.stationId })))
    throw new AppError("STAFF_SCOPE_INVALID", [{ path: "stationId", message: "所选换热站不存在" }]);
  if (input.communityId && !(await db.getRepository(Community).existsBy({ id: input.communityId })))
    throw new AppError("STAFF_SCOPE_INVALID", [{ path: "communityId", message: "所选社区不存在" }]);
}

/**
 * The active admins, locked for this transaction (MariaDB) so that two admins cannot take the last admin
 * away from each other at the same moment; SQLite serialises writers anyway.
 */
async function activeAdminIds(m: EntityManager): Promise<number[]> {
  const qb = m
    .getRepository(StaffUser)
    .createQueryBuilder("u")
    .select("u.id", "id")
    .where("u.status = 'active'")
    .andWhere("u.id IN (SELECT g.staff_user_id FROM staff_roles g WHERE g.role = 'admin')");
  if (m.connection.options.type !== "better-sqlite3") qb.setLock("pessimistic_write");
  return (await qb.getRawMany<{ id: number }>()).map((r) => Number(r.id));
}

/** 409 STAFF_LAST_ADMIN when `id` is the one active admin left */
async function guardLastAdmin(m: EntityManager, id: number): Promise<void> {
  const admins = await activeAdminIds(m);
  if (admins.length <= 1 && admins.includes(id)) throw new AppError("STAFF_LAST_ADMIN");
}

async function uniqueUsername(m: EntityManager, username: string): Promise<void> {
  if (await m.getRepository(StaffUser).existsBy({ username }))
    throw new AppError("STAFF_USERNAME_TAKEN", [{ path: "username", message: "该用户名已被使用" }]);
}

/** 新建工作人员 (admin): the password given or a generated one, to be changed at first sign-in; audited */
export async function createStaffByAdmin(
  deps: AdminDeps,
  ctx: Context,
  input: StaffUserCreateInput,
): Promise<StaffPasswordIssued> {
  const temporaryPassword = input.password === undefined ? generatePassword() : null;
  const passwordHash = await hashPassword(input.password ?? (temporaryPassword as string));
  try {
    const id = await deps.ds.transaction(async (m) => {
      await uniqueUsername(m, input.username);
      await checkScope(m, input);
      const user = await m.getRepository(StaffUser).save(
        m.getRepository(StaffUser).create({
          username: input.username,
          displayName: input.displayName,
          passwordHash,
          status: "active",
          failedLogins: 0,
          lockedUntil: null,
          communityId: input.communityId ?? null,
          stationId: input.stationId ?? null,
          lastLoginAt: null,
          mustChangePassword: true,
          phoneEnc: deps.vault.encrypt(input.phone ?? null),
        }),
      );
      for (const role of input.roles) await m.getRepository(StaffRoleGrant).insert({ staffUserId: user.id, role });
      await audit(m, ctx, {
        action: "staff.create",
        targetType: "staff_user",
        targetId: user.id,
        details: {
          username: input.username,
          displayName: input.displayName,
          roles: input.roles,
          stationId: input.stationId ?? null,
          communityId: input.communityId ?? null,
          generated: temporaryPassword !== null,
        },
      });
      return user.id;
    });
    return { user: await presentOne(deps, deps.ds.manager, id), temporaryPassword };
  } catch (err) {
    // two admins creating the same name at once: the unique index decides
    if (isUniqueViolation(err))
      throw new AppError("STAFF_USERNAME_TAKEN", [{ path: "username", message: "该用户名已被使用" }]);
    throw err;
  }
}

/** 编辑 (admin): name, phone, roles and scope; the last active admin keeps the admin role; audited */
export async function updateStaffByAdmin(
  deps: AdminDeps,
  ctx: Context,
  id: number,
  input: StaffUserUpdateInput,
): Promise<StaffUserDto> {
  await deps.ds.transaction(async (m) => {
    const user = await m.getRepository(StaffUser).findOneBy({ id });
    if (!user) throw new AppError("STAFF_USER_NOT_FOUND");
    await checkScope(m, input);
    const before = (
      await m.getRepository(StaffRoleGrant).find({ where: { staffUserId: id }, order: { id: "ASC" } })
    ).map((g) => g.role);
    if (before.includes("admin") && !input.roles.includes("admin")) await guardLastAdmin(m, id);
    const phoneChanged = input.phone !== undefined && (input.phone ?? null) !== deps.vault.decrypt(user.phoneEnc);
    await m.getRepository(StaffUser).update(
      { id },
      {
        displayName: input.displayName,
        stationId: input.stationId ?? null,
        communityId: input.communityId ?? null,
        ...(phoneChanged ? { phoneEnc: deps.vault.encrypt(input.phone ?? null) } : {}),
      },
    );
    const removed = before.filter((r) => !input.roles.includes(r));
    const added = input.roles.filter((r) => !before.includes(r));
    if (removed.length) await m.getRepository(StaffRoleGrant).delete({ staffUserId: id, role: In(removed) });
    for (const role of added) await m.getRepository(StaffRoleGrant).insert({ staffUserId: id, role });
    await audit(m, ctx, {
      action: "staff.update",
      targetType: "staff_user",
      targetId: id,
      details: {
        displayName: input.displayName,
        rolesBefore: before,
        roles: input.roles,
        stationId: input.stationId ?? null,
        communityId: input.communityId ?? null,
        phoneChanged,
      },
    });
  });
  return presentOne(deps, deps.ds.manager, id);
}

/**
 * 重置密码 (admin): the password given (it must pass the rules) or a generated one shown once; the user must
 * change it at next sign-in, and every session of theirs ends. Clears a lock. Audited (never the password).
 */
export async function resetStaffPassword(
  deps: AdminDeps,
  ctx: Context,
  id: number,
  input: StaffPasswordResetInput,
): Promise<StaffPasswordIssued> {
  const user = await deps.ds.getRepository(StaffUser).findOneBy({ id });
  if (!user) throw new AppError("STAFF_USER_NOT_FOUND");
  if (input.password !== undefined) {
    const problems = passwordProblems(input.password, user.username);
    if (problems.length) throw weak(problems, "password");
  }
  const temporaryPassword = input.password === undefined ? generatePassword() : null;
  const passwordHash = await hashPassword(input.password ?? (temporaryPassword as string));
  await deps.ds.transaction(async (m) => {
    await m
      .getRepository(StaffUser)
      .update({ id }, { passwordHash, mustChangePassword: true, failedLogins: 0, lockedUntil: null });
    await audit(m, ctx, {
      action: "staff.password_reset",
      targetType: "staff_user",
      targetId: id,
      details: { generated: temporaryPassword !== null, mustChangePassword: true },
    });
  });
  await deps.tokens.revokeAllFor("staff", id);
  return { user: await presentOne(deps, deps.ds.manager, id), temporaryPassword };
}

/**
 * 停用 / 启用 (admin). Disabling ends the account's sessions at once (its access tokens are refused on the
 * next request, its refresh tokens revoked); an admin cannot disable themselves nor the last active admin.
 */
export async function setStaffDisabled(
  deps: AdminDeps,
  ctx: Context,
  id: number,
  disabled: boolean,
  input: StaffDisableInput = {},
): Promise<StaffUserDto> {
  await deps.ds.transaction(async (m) => {
    const user = await m.getRepository(StaffUser).findOneBy({ id });
    if (!user) throw new AppError("STAFF_USER_NOT_FOUND");
    if (disabled) {
      await guardLastAdmin(m, id);
      if (id === staffAuth(ctx).id) throw new AppError("STAFF_CANNOT_DISABLE_SELF");
    }
    const status = disabled ? "disabled" : "active";
    if (user.status === status) return; // already so: nothing to write, nothing to audit
    await m.getRepository(StaffUser).update({ id }, { status });
    await audit(m, ctx, {
      action: disabled ? "staff.disable" : "staff.enable",
      targetType: "staff_user",
      targetId: id,
      details: input.reason ? { reason: input.reason } : undefined,
    });
  });
  if (disabled) await deps.tokens.revokeAllFor("staff", id);
  return presentOne(deps, deps.ds.manager, id);
}

/**
 * 修改密码 (the signed-in staff member): the current password, then a new one that passes the rules and
 * differs from it; clears a pending forced change. Wrong current passwords count in the sign-in throttle.
 */
export async function changeOwnPassword(
  deps: Pick<Deps, "ds" | "config" | "limits">,
  ctx: Context,
  input: PasswordChangeInput,
): Promise<void> {
  const me = staffAuth(ctx);
  const repo = deps.ds.getRepository(StaffUser);
  const user = await repo.findOneBy({ id: me.id });
  if (!user) throw new AppError("UNAUTHENTICATED");
  const ip = clientIp(ctx);
  const throttle = new StaffLoginThrottle(deps.limits, deps.config.auth);
  await throttle.check(ip, user.username);
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
    await throttle.failed(ip, user.username);
    throw new AppError("CURRENT_PASSWORD_WRONG", [{ path: "currentPassword", message: "原密码不正确" }]);
  }
  const problems = passwordProblems(input.newPassword, user.username);
  if (problems.length) throw weak(problems, "newPassword");
  if (input.newPassword === input.currentPassword)
    throw new AppError("PASSWORD_REUSED", [{ path: "newPassword", message: "新密码不能与原密码相同" }]);
  const passwordHash = await hashPassword(input.newPassword);
  await deps.ds.transaction(async (m) => {
    await m.getRepository(StaffUser).update({ id: me.id }, { passwordHash, mustChangePassword: false });
    await audit(m, ctx, {
      action: "staff.password_change",
      targetType: "staff_user",
      targetId: me.id,
      details: { forced: user.mustChangePassword },
    });
  });
}

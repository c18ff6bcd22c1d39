import {
  RefreshSchema,
  ResidentLoginResultSchema,
  ResidentLoginSchema,
  ResidentSchema,
  StaffLoginResultSchema,
  StaffLoginSchema,
  TokenPairSchema,
} from "@warmline/shared";
import type { Deps } from "../../deps";
import type { AuthState } from "../../http/auth";
import { clientIp, residentId } from "../../http/auth";
import { AppError } from "../../http/errors";
import { route } from "../../http/route";
import { beijingMinute, raiseAlert, SUPERVISOR_AUDIENCE } from "../alerts";
import { ResidentUser, presentResident, residentForIdentity } from "../residents";
import { presentStaff, rolesOf, type StaffLockedHook, StaffUser, staffLogin } from "../staff";
import type { AuthSession } from "./entities";

/** A staff account was just locked by wrong passwords: one alert per lock in the supervisors' inbox. */
function lockAlert(deps: Deps): StaffLockedHook {
  return async (user, lock) => {
    const now = new Date();
    await raiseAlert(deps.ds.manager, {
      kind: "staff_locked",
      audience: SUPERVISOR_AUDIENCE,
      dedupeKey: `staff_locked:${user.id}:${lock.lockedUntil.getTime()}`,
      subjectType: "staff_user",
      subjectId: user.id,
      stationId: null,
      title: `工作人员账号 ${user.username}（${user.displayName}）被锁定`,
      body:
        `${beijingMinute(now)} 连续 ${lock.failures} 次密码错误，账号锁定 ${lock.minutes} 分钟，最后一次来自 ${lock.ip || "未知地址"}。` +
        "如非本人输错，可能有人在猜测密码；核实后管理员可提前解除锁定。",
      data: {
        staffUserId: user.id,
        username: user.username,
        failures: lock.failures,
        ip: lock.ip,
        lockedUntil: lock.lockedUntil.toISOString(),
      },
      at: now,
    });
  };
}

export function authRoutes(deps: Deps) {
  const { ds, tokens, login } = deps;
  // sign-in requests per client address (RATE_LIMIT_SIGN_IN), one count for all three routes
  const signInLimit = deps.limits.rateLimit({
    name: "sign_in",
    ...deps.config.rateLimits.signIn,
    key: (ctx) => clientIp(ctx) || null,
  });
  const loadSubject = async (s: AuthSession): Promise<AuthState | null> => {
    if (s.subjectType === "resident") {
      const r = await ds.getRepository(ResidentUser).findOneBy({ id: s.subjectId });
      return r && r.status === "active" ? { kind: "resident", id: r.id } : null;
    }
    const u = await ds.getRepository(StaffUser).findOneBy({ id: s.subjectId });
    if (u?.status !== "active") return null;
    return { kind: "staff", id: u.id, roles: await rolesOf(ds, u.id) };
  };

  return [
    route({
      method: "post",
      path: "/auth/resident/login",
      summary: "居民登录（小程序登录凭证换取令牌）",
      tags: ["auth"],
      auth: "none",
      body: ResidentLoginSchema,
      response: ResidentLoginResultSchema,
      errors: [429, 502],
      before: [signInLimit],
      async handler({ body }, ctx) {
        const identity = await login[body.provider].exchange(body.code);
        const resident = await residentForIdentity(ds, identity);
        const pair = await tokens.issue(
          { kind: "resident", id: resident.id },
          { ip: clientIp(ctx), userAgent: ctx.get("user-agent") },
        );
        return { ...pair, resident: presentResident(resident) };
      },
    }),
    route({
      method: "post",
      path: "/auth/staff/login",
      summary: "工作人员登录",
      tags: ["auth"],
      auth: "none",
      body: StaffLoginSchema,
      response: StaffLoginResultSchema,
      errors: [423, 429],
      before: [signInLimit],
      async handler({ body }, ctx) {
        const { user, roles } = await staffLogin(deps, ctx, body, lockAlert(deps));
        const pair = await tokens.issue(
          { kind: "staff", id: user.id, roles },
          { ip: clientIp(ctx), userAgent: ctx.get("user-agent") },
        );
        return { ...pair, staff: presentStaff(user, roles) };
      },
    }),
    route({
      method: "post",
      path: "/auth/refresh",
      summary: "刷新令牌（旧刷新令牌随即失效）",
      tags: ["auth"],
      auth: "none",
      body: RefreshSchema,
      response: TokenPairSchema,
      errors: [429],
      before: [signInLimit],
      async handler({ body }, ctx) {
        return tokens.rotate(body.refreshToken, loadSubject, { ip: clientIp(ctx), userAgent: ctx.get("user-agent") });
      },
    }),
    route({
      method: "post",
      path: "/auth/logout",
      summary: "退出登录（吊销刷新令牌）",
      tags: ["auth"],
      auth: "none",
      body: RefreshSchema,
      async handler({ body }) {
        await tokens.revoke(body.refreshToken);
      },
    }),
    route({
      method: "get",
      path: "/me",
      summary: "当前居民用户",
      tags: ["resident"],
      auth: "resident",
      response: ResidentSchema,
      async handler(_input, ctx) {
        const r = await ds.getRepository(ResidentUser).findOneBy({ id: residentId(ctx) });
        if (!r) throw new AppError("UNAUTHENTICATED");
        return presentResident(r);
      },
    }),
  ];
}

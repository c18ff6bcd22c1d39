import {
  RefreshSchema,
  ResidentLoginResultSchema,
  ResidentLoginSchema,
  ResidentSchema,
  TokenPairSchema,
} from "@warmline/shared";
import type { Deps } from "../../deps";
import type { AuthState } from "../../http/auth";
import { clientIp, residentId } from "../../http/auth";
import { AppError } from "../../http/errors";
import { route } from "../../http/route";
import { ResidentUser, presentResident, residentForIdentity } from "../residents";
import { StaffUser, rolesOf } from "../staff";
import type { AuthSession } from "./entities";

export function authRoutes({ ds, tokens, login }: Deps) {
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
      errors: [502],
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
      path: "/auth/refresh",
      summary: "刷新令牌（旧刷新令牌随即失效）",
      tags: ["auth"],
      auth: "none",
      body: RefreshSchema,
      response: TokenPairSchema,
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

import { StaffLoginResultSchema, StaffLoginSchema, StaffSchema } from "@warmline/shared";
import type { Deps } from "../../deps";
import { clientIp, staffAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { route } from "../../http/route";
import { StaffUser } from "./entities";
import { presentStaff, rolesOf, staffLogin } from "./staffService";

export function staffRoutes({ ds, config, tokens }: Deps) {
  return [
    route({
      method: "post",
      path: "/auth/staff/login",
      summary: "工作人员登录",
      tags: ["auth"],
      auth: "none",
      body: StaffLoginSchema,
      response: StaffLoginResultSchema,
      errors: [423],
      async handler({ body }, ctx) {
        const { user, roles } = await staffLogin(ds, config.auth, ctx, body);
        const pair = await tokens.issue(
          { kind: "staff", id: user.id, roles },
          { ip: clientIp(ctx), userAgent: ctx.get("user-agent") },
        );
        return { ...pair, staff: presentStaff(user, roles) };
      },
    }),
    route({
      method: "get",
      path: "/staff/me",
      summary: "当前工作人员",
      tags: ["staff"],
      auth: "staff",
      response: StaffSchema,
      async handler(_input, ctx) {
        const user = await ds.getRepository(StaffUser).findOneBy({ id: staffAuth(ctx).id });
        if (user?.status !== "active") throw new AppError("UNAUTHENTICATED");
        return presentStaff(user, await rolesOf(ds, user.id));
      },
    }),
  ];
}

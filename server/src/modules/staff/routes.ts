import { IdParamSchema, STAFF_ADMIN_ROLES, StaffSchema } from "@warmline/shared";
import type { Deps } from "../../deps";
import { staffAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { route } from "../../http/route";
import { StaffUser } from "./entities";
import { presentStaff, rolesOf, unlockStaffUser } from "./staffService";

/** The signed-in staff member, and staff administration. (Staff sign-in itself is the auth module's route.) */
export function staffRoutes({ ds }: Deps) {
  return [
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
    route({
      method: "post",
      path: "/staff/users/:id/unlock",
      summary: "解除工作人员账号锁定（管理员，记入审计日志）",
      tags: ["staff"],
      auth: "staff",
      roles: STAFF_ADMIN_ROLES,
      params: IdParamSchema,
      errors: [404],
      async handler({ params }, ctx) {
        await unlockStaffUser(ds, ctx, params.id);
      },
    }),
  ];
}

import {
  IdParamSchema,
  PasswordChangeSchema,
  STAFF_ADMIN_ROLES,
  StaffDisableSchema,
  StaffPasswordIssuedSchema,
  StaffPasswordResetSchema,
  StaffSchema,
  StaffUserCreateSchema,
  StaffUserPageSchema,
  StaffUserQuerySchema,
  StaffUserSchema,
  StaffUserUpdateSchema,
} from "@warmline/shared";
import type { Deps } from "../../deps";
import { staffAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { route } from "../../http/route";
import {
  changeOwnPassword,
  createStaffByAdmin,
  listStaffUsers,
  resetStaffPassword,
  setStaffDisabled,
  updateStaffByAdmin,
} from "./adminService";
import { StaffUser } from "./entities";
import { presentStaff, rolesOf, unlockStaffUser } from "./staffService";

/** The signed-in staff member, and staff administration. (Staff sign-in itself is the auth module's route.) */
export function staffRoutes(deps: Deps) {
  const { ds } = deps;
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
      path: "/staff/me/password",
      summary: "修改本人密码（需原密码；管理员重置后须先修改）",
      tags: ["staff"],
      auth: "staff",
      body: PasswordChangeSchema,
      errors: [429],
      async handler({ body }, ctx) {
        await changeOwnPassword(deps, ctx, body);
      },
    }),
    route({
      method: "get",
      path: "/staff/users",
      summary: "工作人员列表（管理员）",
      tags: ["staff"],
      auth: "staff",
      roles: STAFF_ADMIN_ROLES,
      query: StaffUserQuerySchema,
      response: StaffUserPageSchema,
      async handler({ query }) {
        return listStaffUsers(deps, query);
      },
    }),
    route({
      method: "post",
      path: "/staff/users",
      summary: "新建工作人员账号（管理员，首次登录须修改密码）",
      tags: ["staff"],
      auth: "staff",
      roles: STAFF_ADMIN_ROLES,
      body: StaffUserCreateSchema,
      response: StaffPasswordIssuedSchema,
      status: 201,
      errors: [409],
      async handler({ body }, ctx) {
        return createStaffByAdmin(deps, ctx, body);
      },
    }),
    route({
      method: "patch",
      path: "/staff/users/:id",
      summary: "修改工作人员姓名、手机号、角色与所属范围（管理员）",
      tags: ["staff"],
      auth: "staff",
      roles: STAFF_ADMIN_ROLES,
      params: IdParamSchema,
      body: StaffUserUpdateSchema,
      response: StaffUserSchema,
      errors: [404, 409],
      async handler({ params, body }, ctx) {
        return updateStaffByAdmin(deps, ctx, params.id, body);
      },
    }),
    route({
      method: "post",
      path: "/staff/users/:id/reset-password",
      summary: "重置工作人员密码（管理员，下次登录须修改）",
      tags: ["staff"],
      auth: "staff",
      roles: STAFF_ADMIN_ROLES,
      params: IdParamSchema,
      body: StaffPasswordResetSchema,
      response: StaffPasswordIssuedSchema,
      errors: [404],
      async handler({ params, body }, ctx) {
        return resetStaffPassword(deps, ctx, params.id, body);
      },
    }),
    route({
      method: "post",
      path: "/staff/users/:id/disable",
      summary: "停用工作人员账号（管理员，其登录立即失效）",
      tags: ["staff"],
      auth: "staff",
      roles: STAFF_ADMIN_ROLES,
      params: IdParamSchema,
      body: StaffDisableSchema,
      response: StaffUserSchema,
      errors: [404, 409],
      async handler({ params, body }, ctx) {
        return setStaffDisabled(deps, ctx, params.id, true, body);
      },
    }),
    route({
      method: "post",
      path: "/staff/users/:id/enable",
      summary: "启用工作人员账号（管理员）",
      tags: ["staff"],
      auth: "staff",
      roles: STAFF_ADMIN_ROLES,
      params: IdParamSchema,
      response: StaffUserSchema,
      errors: [404],
      async handler({ params }, ctx) {
        return setStaffDisabled(deps, ctx, params.id, false);
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

import { z } from "zod";
import { PASSWORD_MAX_LENGTH, passwordProblems } from "../password";
import { type StaffRole, StaffRoleSchema } from "../roles";
import { PageQuerySchema, pageOf } from "./common";

/** 员工管理: staff accounts as the admin sees and edits them. */

/** an account's state: 正常, 已停用 (by an admin), 已锁定 (wrong passwords, until lockedUntil) */
export const STAFF_STATUSES = ["active", "disabled", "locked"] as const;
export type StaffStatus = (typeof STAFF_STATUSES)[number];
export const STAFF_STATUS_LABELS: Record<StaffStatus, string> = {
  active: "正常",
  disabled: "已停用",
  locked: "已锁定",
};

/** roles whose work is tied to one heating station (换热站): dispatchers and technicians */
export const STATION_SCOPED_ROLES: readonly StaffRole[] = ["dispatcher", "technician"];
/** roles whose work is tied to one community (社区): grid workers and community reviewers */
export const COMMUNITY_SCOPED_ROLES: readonly StaffRole[] = ["grid_worker", "community_reviewer"];

/** the scope fields a set of roles needs, with the message when one is missing */
export function scopeProblems(
  roles: readonly StaffRole[],
  scope: { stationId?: number | null; communityId?: number | null },
): { field: "stationId" | "communityId"; message: string }[] {
  const out: { field: "stationId" | "communityId"; message: string }[] = [];
  if (roles.some((r) => STATION_SCOPED_ROLES.includes(r)) && !scope.stationId)
    out.push({ field: "stationId", message: "调度员、维修员需要指定所属换热站" });
  if (roles.some((r) => COMMUNITY_SCOPED_ROLES.includes(r)) && !scope.communityId)
    out.push({ field: "communityId", message: "社区网格员、社区初审员需要指定所属社区" });
  return out;
}

export const STAFF_USERNAME_PATTERN = /^[a-z][a-z0-9_.-]{2,31}$/;

const UsernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(STAFF_USERNAME_PATTERN, "用户名为 3–32 位小写字母、数字、下划线、点或短横线，以字母开头");
const DisplayNameSchema = z.string().trim().min(1, "请输入姓名").max(32, "姓名不能超过 32 个字");
const PhoneSchema = z
  .string()
  .trim()
  .regex(/^1\d{10}$/, "手机号应为 11 位数字");
const RolesSchema = z
  .array(StaffRoleSchema)
  .min(1, "至少选择一个角色")
  .refine((r) => new Set(r).size === r.length, "角色不能重复");
const ScopeIdSchema = z.number().int().positive().nullable().optional();
const PasswordSchema = z.string().max(PASSWORD_MAX_LENGTH, `密码不能超过 ${PASSWORD_MAX_LENGTH} 位`);

/** the password rules as zod issues on `path` */
function checkPassword(ctx: z.RefinementCtx, password: string | undefined, username: string, path: string) {
  if (password === undefined) return;
  for (const message of passwordProblems(password, username)) ctx.addIssue({ code: "custom", message, path: [path] });
}

function checkScope(
  ctx: z.RefinementCtx,
  v: { roles: readonly StaffRole[]; stationId?: number | null; communityId?: number | null },
) {
  for (const p of scopeProblems(v.roles, v)) ctx.addIssue({ code: "custom", message: p.message, path: [p.field] });
}

export const StaffUserQuerySchema = PageQuerySchema.extend({
  /** user name, name or phone digits */
  q: z.string().trim().max(64).optional(),
  role: StaffRoleSchema.optional(),
  status: z.enum(STAFF_STATUSES).optional(),
});
export type StaffUserQuery = z.infer<typeof StaffUserQuerySchema>;

export const StaffUserSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  /** 138******** (never the last digits) */
  phoneMasked: z.string().nullable(),
  roles: z.array(StaffRoleSchema),
  stationId: z.number().int().nullable(),
  stationName: z.string().nullable(),
  communityId: z.number().int().nullable(),
  communityName: z.string().nullable(),
  status: z.enum(STAFF_STATUSES),
  lockedUntil: z.string().nullable(),
  mustChangePassword: z.boolean(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
});
export type StaffUser = z.infer<typeof StaffUserSchema>;
export const StaffUserPageSchema = pageOf(StaffUserSchema);
export type StaffUserPage = z.infer<typeof StaffUserPageSchema>;

/** 新建工作人员: without a password the server generates one and shows it once; either way it must be changed at first sign-in */
export const StaffUserCreateSchema = z
  .object({
    username: UsernameSchema,
    displayName: DisplayNameSchema,
    phone: PhoneSchema.nullable().optional(),
    roles: RolesSchema,
    stationId: ScopeIdSchema,
    communityId: ScopeIdSchema,
    password: PasswordSchema.optional(),
  })
  .superRefine((v, ctx) => {
    checkScope(ctx, v);
    checkPassword(ctx, v.password, v.username, "password");
  });
export type StaffUserCreateInput = z.infer<typeof StaffUserCreateSchema>;

/** 编辑: name, phone (undefined keeps it, null clears it), roles and scope, all given */
export const StaffUserUpdateSchema = z
  .object({
    displayName: DisplayNameSchema,
    phone: PhoneSchema.nullable().optional(),
    roles: RolesSchema,
    stationId: ScopeIdSchema,
    communityId: ScopeIdSchema,
  })
  .superRefine((v, ctx) => checkScope(ctx, v));
export type StaffUserUpdateInput = z.infer<typeof StaffUserUpdateSchema>;

/** 重置密码: the admin's temporary password, or none for a generated one (the rules are checked on the server, which knows the user name) */
export const StaffPasswordResetSchema = z.object({ password: PasswordSchema.min(1).optional() });
export type StaffPasswordResetInput = z.infer<typeof StaffPasswordResetSchema>;

/** the account after create or reset; temporaryPassword: the generated one, shown this once (null when the admin typed it) */
export const StaffPasswordIssuedSchema = z.object({
  user: StaffUserSchema,
  temporaryPassword: z.string().nullable(),
});
export type StaffPasswordIssued = z.infer<typeof StaffPasswordIssuedSchema>;

export const StaffDisableSchema = z.object({ reason: z.string().trim().max(200).optional() });
export type StaffDisableInput = z.infer<typeof StaffDisableSchema>;

/** 修改密码 (every staff member, themselves): the new password follows the rules, checked on the server with the user name */
export const PasswordChangeSchema = z.object({
  currentPassword: z.string().min(1, "请输入原密码").max(256),
  newPassword: PasswordSchema.min(1, "请输入新密码"),
});
export type PasswordChangeInput = z.infer<typeof PasswordChangeSchema>;

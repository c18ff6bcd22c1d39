import { z } from "zod";
import { StaffRoleSchema } from "../roles";

export const LOGIN_PROVIDERS = ["wechat", "alipay"] as const;
export const LoginProviderSchema = z.enum(LOGIN_PROVIDERS);
export type LoginProvider = z.infer<typeof LoginProviderSchema>;

/** Resident sign-in: the mini-program's login code (wx.login / my.getAuthCode, or the H5 sandbox page). */
export const ResidentLoginSchema = z.object({
  provider: LoginProviderSchema,
  code: z.string().trim().min(1, "缺少登录凭证").max(256),
});
export type ResidentLoginInput = z.infer<typeof ResidentLoginSchema>;

export const TokenPairSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  /** seconds until the access token expires */
  expiresIn: z.number().int(),
});
export type TokenPair = z.infer<typeof TokenPairSchema>;

export const ResidentSchema = z.object({
  id: z.number().int(),
  provider: LoginProviderSchema,
  nickname: z.string().nullable(),
  createdAt: z.string(),
});
export type Resident = z.infer<typeof ResidentSchema>;

export const ResidentLoginResultSchema = TokenPairSchema.extend({ resident: ResidentSchema });
export type ResidentLoginResult = z.infer<typeof ResidentLoginResultSchema>;

export const RefreshSchema = z.object({ refreshToken: z.string().trim().min(1, "缺少刷新令牌").max(512) });
export type RefreshInput = z.infer<typeof RefreshSchema>;

export const StaffLoginSchema = z.object({
  username: z.string().trim().min(1, "请输入用户名").max(64),
  password: z.string().min(1, "请输入密码").max(256),
});
export type StaffLoginInput = z.infer<typeof StaffLoginSchema>;

export const StaffSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(StaffRoleSchema),
  /** the password was set by an admin: the console sends the user to 修改密码, every other staff route answers PASSWORD_CHANGE_REQUIRED */
  mustChangePassword: z.boolean().optional(),
});
export type Staff = z.infer<typeof StaffSchema>;

export const StaffLoginResultSchema = TokenPairSchema.extend({ staff: StaffSchema });
export type StaffLoginResult = z.infer<typeof StaffLoginResultSchema>;

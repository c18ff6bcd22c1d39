import { z } from "zod";
import { ACCOUNT_CATEGORIES, ACCOUNT_STATUSES, AccountNoSchema, HARDSHIP_CATEGORIES, SPECIAL_GROUPS } from "../account";
import { PII_FIELDS } from "../roles";
import { PageQuerySchema, pageOf } from "./common";

/** Second factor for binding: owner's full name, last 4 digits of the phone, or last 6 characters of the ID number. */
export const BIND_FACTORS = ["owner_name", "phone_tail", "id_tail"] as const;
export const BindFactorSchema = z.enum(BIND_FACTORS);
export type BindFactor = z.infer<typeof BindFactorSchema>;
export const BIND_FACTOR_LABELS: Record<BindFactor, string> = {
  owner_name: "户主姓名",
  phone_tail: "预留手机号后4位",
  id_tail: "户主身份证号后6位",
};

export const BindAccountSchema = z
  .object({
    accountNo: AccountNoSchema,
    factor: BindFactorSchema,
    value: z.string().trim().min(1, "请输入验证信息").max(64),
  })
  .superRefine((v, ctx) => {
    if (v.factor === "phone_tail" && !/^\d{4}$/.test(v.value)) {
      ctx.addIssue({ code: "custom", path: ["value"], message: "请输入手机号后4位数字" });
    }
    if (v.factor === "id_tail" && !/^\d{5}[\dXx]$/.test(v.value)) {
      ctx.addIssue({ code: "custom", path: ["value"], message: "请输入身份证号后6位" });
    }
  });
export type BindAccountInput = z.infer<typeof BindAccountSchema>;

const AccountBase = z.object({
  id: z.number().int(),
  accountNo: z.string(),
  address: z.string(),
  communityName: z.string(),
  buildingName: z.string().nullable(),
  stationName: z.string().nullable(),
  /** m², two decimals */
  heatedArea: z.number(),
  category: z.enum(ACCOUNT_CATEGORIES),
  status: z.enum(ACCOUNT_STATUSES),
  ownerNameMasked: z.string().nullable(),
  phoneMasked: z.string().nullable(),
});

/** What a resident sees of an account bound to them. */
export const ResidentAccountSchema = AccountBase.extend({
  bindingId: z.number().int(),
  boundAt: z.string(),
});
export type ResidentAccount = z.infer<typeof ResidentAccountSchema>;
export const ResidentAccountListSchema = z.object({ items: z.array(ResidentAccountSchema) });

/** What staff see in search results and details: masked unless revealed. */
export const StaffAccountSchema = AccountBase.extend({
  communityId: z.number().int(),
  buildingId: z.number().int().nullable(),
  stationId: z.number().int().nullable(),
  idNumberMasked: z.string().nullable(),
  hardshipCategory: z.enum(HARDSHIP_CATEGORIES),
  /** special-group flags (行动不便, 失能, 独居老人, 残疾), in SPECIAL_GROUPS order */
  specialGroups: z.array(z.enum(SPECIAL_GROUPS)),
  bindingCount: z.number().int(),
  updatedAt: z.string(),
});
export type StaffAccount = z.infer<typeof StaffAccountSchema>;
export const StaffAccountPageSchema = pageOf(StaffAccountSchema);

export const AccountSearchQuerySchema = PageQuerySchema.extend({
  /** one search box: 户号, phone or address text, recognised by shape */
  q: z.string().trim().max(100).optional(),
  accountNo: z.string().trim().max(12).optional(),
  phone: z.string().trim().max(20).optional(),
  address: z.string().trim().max(100).optional(),
  communityId: z.coerce.number().int().positive().optional(),
});
export type AccountSearchQuery = z.infer<typeof AccountSearchQuerySchema>;

export const RevealSchema = z.object({
  fields: z.array(z.enum(PII_FIELDS)).min(1, "请选择要查看的信息"),
  reason: z.string().trim().min(2, "请填写查看原因").max(200),
});
export type RevealInput = z.infer<typeof RevealSchema>;
export const RevealResultSchema = z.object({
  phone: z.string().nullable().optional(),
  idNumber: z.string().nullable().optional(),
});
export type RevealResult = z.infer<typeof RevealResultSchema>;

export const CommunitySchema = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  district: z.string().nullable(),
  accountCount: z.number().int(),
});
export const CommunityListSchema = z.object({ items: z.array(CommunitySchema) });

export const NotificationSchema = z.object({
  id: z.number().int(),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  channel: z.string(),
  createdAt: z.string(),
});
export type Notification = z.infer<typeof NotificationSchema>;
export const NotificationListSchema = z.object({ items: z.array(NotificationSchema) });

export const AuditLogSchema = z.object({
  id: z.number().int(),
  actorType: z.string(),
  actorId: z.number().int().nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  details: z.unknown().nullable(),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
  createdAt: z.string(),
});
export const AuditLogPageSchema = pageOf(AuditLogSchema);
export const AuditQuerySchema = PageQuerySchema.extend({
  action: z.string().trim().max(64).optional(),
  actorId: z.coerce.number().int().positive().optional(),
});

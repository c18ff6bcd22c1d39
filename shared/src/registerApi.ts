import { z } from "zod";
import { ACCOUNT_CATEGORIES, HARDSHIP_CATEGORIES, SPECIAL_GROUPS } from "./account";
import { PageQuerySchema, pageOf } from "./api/common";
import type { StaffRole } from "./roles";

/** Who imports the register (it creates and rewrites accounts in bulk): administrators only. */
export const REGISTER_IMPORT_ROLES: readonly StaffRole[] = ["admin"];
/** Who edits one account (address, area, category, phone, ID number, 过户): supervisors and administrators. */
export const ACCOUNT_UPKEEP_ROLES: readonly StaffRole[] = ["supervisor", "admin"];

export const REGISTER_IMPORT_STATUSES = ["validated", "rejected", "applying", "applied", "failed"] as const;
export type RegisterImportStatus = (typeof REGISTER_IMPORT_STATUSES)[number];
export const REGISTER_IMPORT_STATUS_LABELS: Record<RegisterImportStatus, string> = {
  validated: "已校验，待导入",
  rejected: "文件无法导入",
  applying: "正在导入",
  applied: "导入完成",
  failed: "导入失败",
};

export const REGISTER_ROW_KINDS = ["create", "update", "unchanged", "error"] as const;
export type RegisterRowKind = (typeof REGISTER_ROW_KINDS)[number];
export const REGISTER_ROW_KIND_LABELS: Record<RegisterRowKind, string> = {
  create: "新增",
  update: "更新",
  unchanged: "无变化",
  error: "错误",
};

export const RegisterImportSchema = z.object({
  id: z.number().int(),
  status: z.enum(REGISTER_IMPORT_STATUSES),
  fileName: z.string(),
  format: z.string().nullable(),
  encoding: z.string().nullable(),
  size: z.number().int(),
  totalRows: z.number().int(),
  createCount: z.number().int(),
  updateCount: z.number().int(),
  unchangedCount: z.number().int(),
  errorCount: z.number().int(),
  /** 小区 and 小区/楼栋 the file names that do not exist yet (created on apply when confirmed) */
  newCommunities: z.array(z.string()),
  newBuildings: z.array(z.string()),
  /** why the whole file was refused (status rejected) */
  fileError: z.object({ code: z.string(), message: z.string() }).nullable(),
  skipErrors: z.boolean(),
  processed: z.number().int(),
  applyTotal: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  skipped: z.number().int(),
  error: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type RegisterImport = z.infer<typeof RegisterImportSchema>;
export const RegisterImportListSchema = z.object({ items: z.array(RegisterImportSchema) });

export const RegisterChangeViewSchema = z.object({
  field: z.string(),
  label: z.string(),
  before: z.string().nullable(),
  after: z.string().nullable(),
});
export const RegisterReportRowSchema = z.object({
  rowNo: z.number().int(),
  accountNo: z.string().nullable(),
  kind: z.enum(REGISTER_ROW_KINDS),
  changes: z.array(RegisterChangeViewSchema),
  errors: z.array(z.string()),
});
export type RegisterReportRow = z.infer<typeof RegisterReportRowSchema>;
export const RegisterReportPageSchema = pageOf(RegisterReportRowSchema);
export const RegisterReportQuerySchema = PageQuerySchema.extend({
  kind: z.enum(REGISTER_ROW_KINDS).optional(),
});

export const RegisterApplySchema = z.object({
  /** apply the good rows of a file that has error rows (the error rows are left out) */
  skipErrors: z.boolean().default(false),
  /** create the 小区 / 楼栋 the file names that do not exist yet */
  createPlaces: z.boolean().default(false),
});

/** Editing one account (staff upkeep). Area in m² (two decimals); applies from the next bill. */
export const AccountUpdateSchema = z
  .object({
    address: z.string().trim().min(2, "请填写地址").max(200).optional(),
    heatedArea: z.number().positive("供热面积必须大于0").max(100_000).optional(),
    category: z.enum(ACCOUNT_CATEGORIES).optional(),
    phone: z.string().trim().max(20).optional(),
    idNumber: z.string().trim().max(18).optional(),
    reason: z.string().trim().min(2, "请填写修改原因").max(200),
  })
  .refine((v) => Object.keys(v).some((k) => k !== "reason"), { message: "没有要修改的内容" });
export type AccountUpdateInput = z.infer<typeof AccountUpdateSchema>;

/** 困难类别与特殊群体: set by supervisors and admins with a reason; audited ("account.hardship_flags"). */
export const AccountHardshipFlagsSchema = z.object({
  hardshipCategory: z.enum(HARDSHIP_CATEGORIES),
  specialGroups: z.array(z.enum(SPECIAL_GROUPS)).max(SPECIAL_GROUPS.length),
  reason: z.string().trim().min(2, "请填写修改原因").max(200),
});
export type AccountHardshipFlagsInput = z.infer<typeof AccountHardshipFlagsSchema>;

/** one change of an account's hardship category or special-group flags, from the audit log */
export const HardshipFlagChangeSchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actorName: z.string().nullable(),
  reason: z.string().nullable(),
  changes: z.array(z.object({ field: z.string(), before: z.string().nullable(), after: z.string().nullable() })),
});
export const HardshipFlagHistorySchema = z.object({ items: z.array(HardshipFlagChangeSchema) });
export type HardshipFlagChange = z.infer<typeof HardshipFlagChangeSchema>;

/** 过户: the new owner; the old owner's bindings end, history and unpaid bills stay with the account. */
export const AccountTransferSchema = z.object({
  ownerName: z.string().trim().min(1, "请填写新户主姓名").max(64),
  phone: z.string().trim().max(20).optional(),
  idNumber: z.string().trim().max(18).optional(),
  reason: z.string().trim().min(2, "请填写过户原因").max(200),
});
export type AccountTransferInput = z.infer<typeof AccountTransferSchema>;
export const AccountTransferResultSchema = z.object({ endedBindings: z.number().int() });

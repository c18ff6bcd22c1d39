import {
  type CreateHardshipApplicationInput,
  CreateHardshipApplicationSchema,
  type HardshipAppCategory,
  type HardshipAttachmentView,
} from "@warmline/shared";
import type { PickedCertificate } from "../../services/certificates";
import { ApiError, describeError } from "../../services/errors";

/** 困难类别 whose certificate (低保证、特困供养证、残疾证) the resident is asked to photograph. */
export const CERTIFIED_CATEGORIES: readonly HardshipAppCategory[] = ["dibao", "tekun", "disabled"];
export const NOTE_MAX = 500;
export const REASON_MAX = 200;

export type HardshipKind = "instalments" | "deferral";

/** What the application form holds while the resident fills it in. */
export interface HardshipForm {
  accountId: number | null;
  category: HardshipAppCategory | null;
  categoryReason: string;
  certificateNo: string;
  kind: HardshipKind;
  /** 分期期数 2–3 */
  count: number;
  /** 缓缴月数 1–3 */
  months: number;
  /** the bills it covers; all of the account's unpaid bills when every one is ticked */
  billIds: number[];
  contactPhone: string;
  note: string;
}

export type HardshipField =
  | "accountId"
  | "category"
  | "categoryReason"
  | "certificateNo"
  | "terms"
  | "billIds"
  | "contactPhone"
  | "note"
  | "attachments";
export type HardshipFieldErrors = Partial<Record<HardshipField, string>>;

const FIELD_OF: Record<string, HardshipField> = {
  accountId: "accountId",
  category: "category",
  categoryReason: "categoryReason",
  certificateNo: "certificateNo",
  terms: "terms",
  billIds: "billIds",
  contactPhone: "contactPhone",
  note: "note",
  attachmentIds: "attachments",
};

export function emptyHardshipForm(accountId: number | null, unpaidBillIds: number[] = []): HardshipForm {
  return {
    accountId,
    category: null,
    categoryReason: "",
    certificateNo: "",
    kind: "instalments",
    count: 3,
    months: 3,
    billIds: unpaidBillIds,
    contactPhone: "",
    note: "",
  };
}

/**
 * Checks the form with the server's own schema (the same Chinese messages) and gives the body to send.
 * Bills: every unpaid bill ticked → none named (the server takes all the account's unpaid bills); none
 * ticked → a message. A certificate photo is asked for 低保、特困供养、残疾 (the reviewers check it).
 */
export function validateHardship(
  form: HardshipForm,
  unpaidBillIds: readonly number[],
  attachmentIds: number[],
): { input: CreateHardshipApplicationInput } | { fields: HardshipFieldErrors } {
  const fields: HardshipFieldErrors = {};
  if (unpaidBillIds.length > 0 && form.billIds.length === 0) fields.billIds = "请至少选择一笔要缓缴或分期的账单";
  if (form.category && CERTIFIED_CATEGORIES.includes(form.category) && attachmentIds.length === 0) {
    fields.attachments = "请上传证件照片或扫描件（低保证、特困供养证或残疾证）";
  }
  const all = unpaidBillIds.length > 0 && unpaidBillIds.every((id) => form.billIds.includes(id));
  const reason = form.categoryReason.trim();
  const cert = form.certificateNo.trim();
  const note = form.note.trim();
  const parsed = CreateHardshipApplicationSchema.safeParse({
    accountId: form.accountId ?? undefined,
    category: form.category ?? undefined,
    categoryReason: form.category === "other" ? reason || undefined : undefined,
    certificateNo: cert || undefined,
    terms:
      form.kind === "instalments"
        ? { kind: "instalments", count: form.count }
        : { kind: "deferral", months: form.months },
    billIds: all || form.billIds.length === 0 ? undefined : [...form.billIds].sort((a, b) => a - b),
    contactPhone: form.contactPhone,
    note: note || undefined,
    attachmentIds,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = FIELD_OF[String(issue.path[0] ?? "")];
      if (key && !fields[key]) fields[key] = key === "accountId" ? "请选择户号" : issue.message;
    }
  }
  if (!parsed.success || Object.keys(fields).length) return { fields };
  return { input: parsed.data };
}

/** A refused submission as the form shows it: messages under fields, or one line above the button. */
export function hardshipFailure(err: unknown): { message: string; fields: HardshipFieldErrors } {
  if (!(err instanceof ApiError)) return { message: describeError(err), fields: {} };
  if (err.code === "VALIDATION_FAILED") {
    const fields: HardshipFieldErrors = {};
    for (const [path, message] of Object.entries(err.fieldErrors())) {
      const key = FIELD_OF[path.split(".")[0] ?? ""];
      if (key && !fields[key]) fields[key] = message;
    }
    return { message: Object.keys(fields).length ? "" : err.message, fields };
  }
  if (err.code === "HARDSHIP_ATTACHMENT_NOT_FOUND") return { message: "", fields: { attachments: err.message } };
  if (err.code === "HARDSHIP_INSTALMENT_COUNT" || err.code === "HARDSHIP_DEFERRAL_MONTHS") {
    return { message: "", fields: { terms: err.message } };
  }
  if (err.code === "HARDSHIP_BILL_INVALID") return { message: "", fields: { billIds: err.message } };
  return { message: err.message, fields: {} };
}

/** One certificate file on the form: uploading right after it was picked, then uploaded or failed. */
export interface CertificateItem {
  key: string;
  picked: PickedCertificate;
  state: "uploading" | "done" | "failed";
  attachment?: HardshipAttachmentView;
  error?: string;
  retryable?: boolean;
}

export const attachmentIdsOf = (items: CertificateItem[]): number[] =>
  items.flatMap((i) => (i.state === "done" && i.attachment ? [i.attachment.id] : []));

/** Why the form cannot be sent yet because of its files; null when it can. */
export function certificatesBlocking(items: CertificateItem[]): string | null {
  if (items.some((i) => i.state === "uploading")) return "证明材料正在上传，请稍候";
  if (items.some((i) => i.state === "failed")) return "有证明材料上传失败，请删除后再提交";
  return null;
}

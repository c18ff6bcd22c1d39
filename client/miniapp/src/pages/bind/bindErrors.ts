import { BindAccountSchema, type BindFactor } from "@warmline/shared";
import { ApiError, describeError } from "../../services/errors";
import { HOTLINE } from "../../constants";
import { recheckFields } from "../../utils/fieldErrors";

export type BindField = "accountNo" | "factor" | "value";
export type FieldErrors = Partial<Record<BindField, string>>;

export interface BindInput {
  accountNo: string;
  factor: BindFactor;
  value: string;
}

/** Client-side check with the server's own schema, as { field: message } (one message a field). */
export function validateBind(input: BindInput): FieldErrors {
  const parsed = BindAccountSchema.safeParse(input);
  const fields: FieldErrors = {};
  if (parsed.success) return fields;
  for (const issue of parsed.error.issues) {
    const key = issue.path[0];
    if ((key === "accountNo" || key === "factor" || key === "value") && !fields[key]) fields[key] = issue.message;
  }
  return fields;
}

/**
 * The messages after the resident changed `changed` (the form as typed, not yet trimmed): each goes as soon
 * as its field is valid, or says what is still wrong. Another verification method empties the value, so
 * its message goes too (the new field starts quiet).
 */
export function recheckBind(shown: FieldErrors, input: BindInput, changed: readonly BindField[]): FieldErrors {
  const now = validateBind({ accountNo: input.accountNo.trim(), factor: input.factor, value: input.value.trim() });
  const next = recheckFields(shown, now, changed);
  if (!changed.includes("factor") || !next.value) return next;
  const { value: _gone, ...rest } = next;
  return rest;
}

/** Remaining verification attempts the server reports with BIND_FAILED, if any. */
export function remainingAttempts(details: unknown): number | null {
  const value =
    details && typeof details === "object" ? (details as { remainingAttempts?: unknown }).remainingAttempts : undefined;
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** Minutes to wait that the server reports with a binding lock, if any. */
export function retryAfterMinutes(details: unknown): number | null {
  const value =
    details && typeof details === "object" ? (details as { retryAfterMinutes?: unknown }).retryAfterMinutes : undefined;
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.ceil(value) : null;
}

/** What a locked-out resident can do: wait, or call the hotline. */
function lockedOut(minutes: number | null): string {
  const wait = minutes === null ? "请稍后再试" : `请 ${minutes} 分钟后再试`;
  return `验证失败次数过多，${wait}，或致电24小时供热服务热线 ${HOTLINE.display} 由工作人员协助绑定`;
}

/** Turns a failed bind into what the form shows: a line above the button and messages under fields. */
export function bindFailure(err: unknown): { message: string; fields: FieldErrors } {
  if (!(err instanceof ApiError)) return { message: describeError(err), fields: {} };
  if (err.code === "BIND_FAILED") {
    const left = remainingAttempts(err.details);
    if (left === 0) return { message: `${err.message}。${lockedOut(retryAfterMinutes(err.details))}`, fields: {} };
    return { message: left === null ? err.message : `${err.message}，还可尝试 ${left} 次`, fields: {} };
  }
  if (err.code === "BIND_RATE_LIMITED") return { message: lockedOut(retryAfterMinutes(err.details)), fields: {} };
  if (err.code === "BIND_ACCOUNT_SUSPENDED") {
    return { message: `${err.message}；也可致电24小时供热服务热线 ${HOTLINE.display}`, fields: {} };
  }
  if (err.code === "VALIDATION_FAILED") {
    const fields: FieldErrors = {};
    for (const [path, message] of Object.entries(err.fieldErrors())) {
      if (path === "accountNo" || path === "factor" || path === "value") fields[path] = message;
    }
    return { message: Object.keys(fields).length ? "" : err.message, fields };
  }
  return { message: err.message, fields: {} };
}

export const VALUE_PLACEHOLDERS: Record<BindFactor, string> = {
  owner_name: "请输入户主姓名",
  phone_tail: "请输入预留手机号后4位",
  id_tail: "请输入户主身份证号后6位",
};

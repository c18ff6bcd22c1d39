import type { BindFactor } from "@warmline/shared";
import { ApiError, describeError } from "../../services/errors";

export type BindField = "accountNo" | "factor" | "value";
export type FieldErrors = Partial<Record<BindField, string>>;

/** Remaining verification attempts the server reports with BIND_FAILED, if any. */
export function remainingAttempts(details: unknown): number | null {
  const value =
    details && typeof details === "object" ? (details as { remainingAttempts?: unknown }).remainingAttempts : undefined;
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** Turns a failed bind into what the form shows: a line above the button and messages under fields. */
export function bindFailure(err: unknown): { message: string; fields: FieldErrors } {
  if (!(err instanceof ApiError)) return { message: describeError(err), fields: {} };
  if (err.code === "BIND_FAILED") {
    const left = remainingAttempts(err.details);
    return { message: left === null ? err.message : `${err.message}，还可尝试 ${left} 次`, fields: {} };
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

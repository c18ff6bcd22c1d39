import type { FormInstance } from "antd";
import { isApiError } from "../../api/api";

/**
 * Puts the server's field messages ({ path, message } details of a 400/409) on the form's fields; answers
 * whether any landed (otherwise the caller shows the error's message).
 */
export function applyFieldErrors(form: FormInstance, err: unknown, fields: readonly string[]): boolean {
  if (!isApiError(err) || !Array.isArray(err.details)) return false;
  const byField = new Map<string, string[]>();
  for (const d of err.details as { path?: unknown; message?: unknown }[]) {
    const name = typeof d.path === "string" ? d.path : "";
    if (!fields.includes(name) || typeof d.message !== "string") continue;
    byField.set(name, [...(byField.get(name) ?? []), d.message]);
  }
  form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
  return byField.size > 0;
}

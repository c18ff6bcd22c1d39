import { isApiError, messageOf } from "../api/api";

/** The server's message, plus how many attempts remain when it says so. */
export function loginErrorText(e: unknown): string {
  const text = messageOf(e);
  if (!isApiError(e) || e.code !== "STAFF_LOGIN_FAILED") return text;
  const remaining = (e.details as { remainingAttempts?: unknown } | null | undefined)?.remainingAttempts;
  return typeof remaining === "number" && remaining >= 0 ? `${text}，还可尝试 ${remaining} 次` : text;
}

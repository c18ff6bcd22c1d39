import { errorMessage } from "@warmline/shared";

/** Codes the client itself produces (the server never sends these). */
export const CLIENT_ERRORS = {
  NETWORK_ERROR: "网络连接失败，请检查网络后重试",
  BAD_RESPONSE: "服务器返回的数据无法识别，请稍后再试或联系管理员",
} as const;

/** Every failed API call rejects with this: the server's code and Chinese message, never a raw status. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message?: string, details?: unknown) {
    super(message || (CLIENT_ERRORS as Record<string, string>)[code] || errorMessage(code));
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** A message to show for any error a query or mutation rejected with. */
export function messageOf(e: unknown): string {
  if (isApiError(e)) return e.message;
  return errorMessage("INTERNAL");
}

/** The code the server would have sent for a status, when its body is not our error shape. */
export function codeForStatus(status: number): string {
  if (status === 401) return "UNAUTHENTICATED";
  if (status === 403) return "FORBIDDEN";
  if (status === 404) return "NOT_FOUND";
  if (status === 413) return "PAYLOAD_TOO_LARGE";
  if (status === 429) return "RATE_LIMITED";
  if (status === 502 || status === 503 || status === 504) return "SERVICE_UNAVAILABLE";
  return "INTERNAL";
}

import { errorMessage } from "@warmline/shared";

export interface ApiErrorInit {
  code: string;
  message: string;
  /** HTTP status; 0 when no response arrived (network failure) or the error is local. */
  status: number;
  details?: unknown;
}

/** Every failed API call ends as one of these: the server's code, Chinese message, status and details. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details?: unknown;

  constructor(init: ApiErrorInit) {
    super(init.message);
    // Keeps `instanceof` working where classes are compiled down to ES5 (older mini-program runtimes).
    Object.setPrototypeOf(this, ApiError.prototype);
    this.name = "ApiError";
    this.code = init.code;
    this.status = init.status;
    this.details = init.details;
  }

  /** VALIDATION_FAILED details as { field: message } (first message per field). */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    if (!Array.isArray(this.details)) return out;
    for (const item of this.details) {
      if (!item || typeof item !== "object") continue;
      const { path, message } = item as { path?: unknown; message?: unknown };
      const key = Array.isArray(path) ? path.join(".") : typeof path === "string" ? path : "";
      if (key && typeof message === "string" && !(key in out)) out[key] = message;
    }
    return out;
  }
}

const STATUS_FALLBACK_CODES: Record<number, string> = {
  400: "VALIDATION_FAILED",
  401: "UNAUTHENTICATED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  413: "PAYLOAD_TOO_LARGE",
  429: "RATE_LIMITED",
  503: "SERVICE_UNAVAILABLE",
};

function parseBody(data: unknown): unknown {
  if (typeof data !== "string") return data;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

/** Maps an error response to an ApiError; bodies that are not the API's error shape keep their status. */
export function toApiError(status: number, data: unknown): ApiError {
  const body = parseBody(data) as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null;
  const error = body && typeof body === "object" ? body.error : undefined;
  if (error && typeof error.code === "string") {
    return new ApiError({
      code: error.code,
      message: typeof error.message === "string" && error.message ? error.message : errorMessage(error.code),
      status,
      details: error.details,
    });
  }
  return new ApiError({
    code: "HTTP_ERROR",
    message: errorMessage(STATUS_FALLBACK_CODES[status] ?? "INTERNAL"),
    status,
  });
}

export function networkError(cause: unknown): ApiError {
  return new ApiError({
    code: "NETWORK_ERROR",
    message: "网络连接失败，请检查网络后重试",
    status: 0,
    details: cause instanceof Error ? cause.message : undefined,
  });
}

/** The text to show a resident for any thrown value. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return errorMessage("INTERNAL");
}

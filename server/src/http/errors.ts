import { ERRORS, type ErrorCode } from "@warmline/shared";
import type { Context, Next } from "koa";
import { ZodError } from "zod";
import { logger } from "../lib/logger";

/** A failure with a stable code, a Chinese message and an HTTP status. */
export class AppError extends Error {
  readonly status: number;
  /** headers the answer carries (e.g. Retry-After of a 429) */
  readonly headers: Record<string, string> = {};
  constructor(
    readonly code: ErrorCode,
    readonly details?: unknown,
    message?: string,
  ) {
    super(message ?? ERRORS[code].message);
    this.status = ERRORS[code].status;
  }
}

export const fail = (code: ErrorCode, details?: unknown, message?: string) => new AppError(code, details, message);

export interface IssueDetail {
  path: string;
  message: string;
}

export function zodDetails(err: ZodError): IssueDetail[] {
  return err.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
}

/** Statuses that Koa/http-errors raise for malformed requests, mapped to our codes. */
function fromHttpError(err: {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}): AppError | null {
  const status = err.status ?? err.statusCode;
  if (!status || status >= 500) return null;
  if (err.type === "entity.parse.failed" || status === 400) return new AppError("BAD_JSON");
  if (status === 413) return new AppError("PAYLOAD_TOO_LARGE");
  if (status === 415) return new AppError("UNSUPPORTED_MEDIA_TYPE");
  if (status === 404) return new AppError("ROUTE_NOT_FOUND");
  if (status === 405) return new AppError("METHOD_NOT_ALLOWED");
  if (status === 401) return new AppError("UNAUTHENTICATED");
  if (status === 403) return new AppError("FORBIDDEN");
  return null;
}

/** Outermost middleware: every failure becomes { error: { code, message, details? } }; never a stack trace. */
export async function errorHandler(ctx: Context, next: Next) {
  try {
    await next();
    if (ctx.status === 404 && ctx.body === undefined && ctx.path.startsWith("/api/")) {
      throw new AppError("ROUTE_NOT_FOUND");
    }
  } catch (raw) {
    let err: AppError;
    if (raw instanceof AppError) err = raw;
    else if (raw instanceof ZodError) err = new AppError("VALIDATION_FAILED", zodDetails(raw));
    else {
      const mapped = typeof raw === "object" && raw ? fromHttpError(raw as never) : null;
      if (mapped) err = mapped;
      else {
        logger.error({ err: raw, requestId: ctx.state.requestId }, "unhandled error");
        err = new AppError("INTERNAL");
      }
    }
    ctx.status = err.status;
    ctx.set("Cache-Control", "no-store");
    ctx.body = {
      error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) },
    };
    if (err.status >= 500) ctx.set("Retry-After", "5");
    for (const [name, value] of Object.entries(err.headers)) ctx.set(name, value);
  }
}

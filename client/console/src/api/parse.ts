import type { z } from "zod";
import { ApiError } from "./ApiError";

/** Checks a response body against the shared schema, so a contract drift shows as a clear error. */
export function parseWith<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  console.error("API response does not match the shared schema", r.error.issues);
  throw new ApiError(200, "BAD_RESPONSE", undefined, r.error.issues);
}

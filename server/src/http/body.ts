import type { Context, Next } from "koa";
import { AppError } from "./errors";

declare module "koa" {
  interface Request {
    /** the exact bytes received (vendor callbacks verify signatures over these) */
    rawBody?: Buffer;
    body?: unknown;
  }
}

const METHODS_WITH_BODY = new Set(["POST", "PUT", "PATCH", "DELETE"]);

async function readRaw(ctx: Context, limit: number): Promise<Buffer> {
  const declared = Number(ctx.get("content-length") || 0);
  if (declared > limit) throw new AppError("PAYLOAD_TOO_LARGE");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new AppError("PAYLOAD_TOO_LARGE");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** vendor callbacks are a few KB: their bodies are capped far below the general limit */
export const RAW_BODY_LIMIT = 32 * 1024;

/**
 * Reads JSON and form bodies (keeping the raw bytes). Malformed JSON is a 400 BAD_JSON, an unknown
 * content type a 415; an empty body is undefined and left to the route's schema to judge; a body over the
 * limit (`rawLimit` for `rawOnly` paths) a 413, refused by its declared length before a byte is read.
 * `skip` names paths whose handlers read the request stream themselves (uploads): left untouched.
 */
export function bodyParser(
  opts: {
    limit?: number;
    rawLimit?: number;
    rawOnly?: (path: string) => boolean;
    skip?: (path: string) => boolean;
  } = {},
) {
  const limit = opts.limit ?? 1024 * 1024;
  const rawLimit = opts.rawLimit ?? RAW_BODY_LIMIT;
  return async (ctx: Context, next: Next) => {
    if (!METHODS_WITH_BODY.has(ctx.method) || ctx.request.body !== undefined) return next();
    if (opts.skip?.(ctx.path)) return next();
    if (opts.rawOnly?.(ctx.path)) {
      // vendor callbacks: keep the bytes exactly; their handler verifies and parses them itself
      ctx.request.rawBody = await readRaw(ctx, rawLimit);
      return next();
    }
    const type = ctx.request.type;
    const hasBody = Number(ctx.get("content-length") || 0) > 0 || ctx.get("transfer-encoding") !== "";
    if (!hasBody) return next();
    if (type.startsWith("multipart/")) return next(); // upload routes stream it themselves
    const raw = await readRaw(ctx, limit);
    ctx.request.rawBody = raw;
    if (raw.length === 0) return next();
    const text = raw.toString("utf8");
    if (type === "application/json" || type.endsWith("+json") || type === "") {
      try {
        ctx.request.body = JSON.parse(text);
      } catch {
        throw new AppError("BAD_JSON");
      }
    } else if (type === "application/x-www-form-urlencoded") {
      ctx.request.body = Object.fromEntries(new URLSearchParams(text));
    } else if (type.startsWith("text/")) {
      ctx.request.body = text;
    } else {
      throw new AppError("UNSUPPORTED_MEDIA_TYPE");
    }
    return next();
  };
}

import { randomUUID } from "node:crypto";
import type { Context, Next } from "koa";
import { logger, requestLogLevel } from "../lib/logger";

/** Gives each request an id (honouring a sane incoming X-Request-Id), echoes it, logs one line per request. */
export async function requestContext(ctx: Context, next: Next) {
  const incoming = ctx.get("x-request-id");
  const id = /^[A-Za-z0-9._-]{8,64}$/.test(incoming) ? incoming : randomUUID();
  ctx.state.requestId = id;
  ctx.set("X-Request-Id", id);
  const start = process.hrtime.bigint();
  try {
    await next();
  } finally {
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (ctx.path.startsWith("/api/") || ctx.status >= 400) {
      logger[ctx.status >= 500 ? "warn" : requestLogLevel()](
        {
          requestId: id,
          method: ctx.method,
          path: ctx.path,
          status: ctx.status,
          ms: Math.round(ms * 10) / 10,
          actor: ctx.state.auth ? `${ctx.state.auth.kind}:${ctx.state.auth.id}` : undefined,
        },
        "request",
      );
    }
  }
}

import path from "node:path";
import Router from "@koa/router";
import { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { HealthSchema } from "@warmline/shared";
import Koa from "koa";
import { MODULES } from "./bootstrap";
import type { Deps } from "./deps";
import { logger, safeError } from "./lib/logger";
import type { WarmlineModule } from "./module";
import { authenticateRequest } from "./http/auth";
import { bodyParser } from "./http/body";
import { errorHandler } from "./http/errors";
import { trustProxy } from "./http/proxy";
import { callbackRejectLimit } from "./http/rateLimit";
import { securityHeaders } from "./http/securityHeaders";
import { requestContext } from "./http/requestId";
import { type AnyRoute, API_PREFIX, mountRoutes, openApiDocument, route } from "./http/route";
import { landingPage, serveClient } from "./http/static";
import { mountSandboxes } from "./sandboxes";

export const VERSION = "0.1.0";
const CLIENT_DIR = path.resolve(import.meta.dirname, "../../client");

function healthRoute(deps: Deps): AnyRoute {
  return route({
    method: "get",
    path: "/health",
    summary: "健康检查：数据库与任务队列",
    tags: ["system"],
    auth: "none",
    response: HealthSchema,
    errors: [503],
    async handler(_i, ctx) {
      let db: { ok: boolean; driver: string; error?: string };
      try {
        await deps.ds.query("SELECT 1");
        db = { ok: true, driver: deps.config.db.driver };
      } catch (err) {
        db = { ok: false, driver: deps.config.db.driver, error: (err as Error).message };
      }
      const queue = await deps.jobs.health();
      const ok = db.ok && queue.ok;
      if (!ok) ctx.set("Retry-After", "5");
      ctx.state.healthStatus = ok ? 200 : 503;
      return { status: ok ? "ok" : "degraded", db, queue, version: VERSION, time: new Date().toISOString() };
    },
  });
}

/** codes of a client that went away while a file or page was being sent: nothing failed on our side */
const CLIENT_GONE = new Set(["ERR_STREAM_PREMATURE_CLOSE", "EPIPE", "ECONNRESET", "ECANCELED"]);

/**
 * Errors Koa reports outside the error middleware (a response stream that broke): one JSON log line at
 * warn, or at debug when the client simply closed the connection, instead of Koa's stack trace on stderr.
 */
export function onAppError(err: Error & { code?: string; status?: number }): void {
  if (err.code && CLIENT_GONE.has(err.code)) {
    logger.debug({ code: err.code }, "client closed the connection before the response was sent");
    return;
  }
  logger.warn({ err: safeError(err) }, "response failed after it had started");
}

/** Builds the HTTP application from its dependencies. No side effects on import. */
export function buildApp(deps: Deps, modules: readonly WarmlineModule[] = MODULES): Koa {
  const app = new Koa();
  app.on("error", onAppError);
  trustProxy(app, deps.config.trustProxy); // X-Forwarded-* only from configured proxies (TRUST_PROXY)
  const router = new Router();
  const registry = new OpenAPIRegistry();
  const streamed = new Set(modules.flatMap((m) => m.streamedBodyPaths ?? []));

  mountRoutes(router, registry, [healthRoute(deps), ...modules.flatMap((m) => m.routes?.(deps) ?? [])], (ctx) =>
    authenticateRequest(deps.tokens, ctx),
  );
  const openapi = openApiDocument(registry, VERSION);
  router.get(`${API_PREFIX}/openapi.json`, (ctx) => {
    ctx.body = openapi;
  });
  for (const m of modules) m.mount?.(router, deps);
  if (deps.config.sandboxVendors) mountSandboxes(router, deps.config);

  app.use(requestContext);
  app.use(errorHandler);
  app.use(securityHeaders());
  app.use(async (ctx, next) => {
    if (ctx.path.startsWith("/api/")) ctx.set("Cache-Control", "no-store");
    await next();
    if (ctx.state.healthStatus) ctx.status = ctx.state.healthStatus;
  });
  if (deps.config.serveClients) {
    app.use(landingPage);
    app.use(serveClient("/h5", path.join(CLIENT_DIR, "miniapp/dist/h5"), "居民端 H5"));
    app.use(serveClient("/console", path.join(CLIENT_DIR, "console/dist"), "工作人员管理台"));
  }
  app.use(
    callbackRejectLimit(deps.limits, {
      pathPrefix: `${API_PREFIX}/notify/`,
      maxRejects: deps.config.notify.maxRejects,
      windowS: deps.config.notify.rejectWindowS,
    }),
  );
  app.use(
    bodyParser({
      rawLimit: deps.config.notify.maxBodyBytes,
      rawOnly: (p) => p.startsWith(`${API_PREFIX}/notify/`),
      skip: (p) => streamed.has(p.replace(/\/$/, "")),
    }),
  );
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: true }));
  return app;
}

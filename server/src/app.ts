import path from "node:path";
import Router from "@koa/router";
import { alertRoutes } from "./modules/alerts/routes";
import { weatherRoutes } from "./modules/weather/routes";
import { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { HealthSchema } from "@warmline/shared";
import Koa from "koa";
import type { Deps } from "./deps";
import { authenticateRequest } from "./http/auth";
import { bodyParser } from "./http/body";
import { errorHandler } from "./http/errors";
import { requestContext } from "./http/requestId";
import { type AnyRoute, API_PREFIX, mountRoutes, openApiDocument, route } from "./http/route";
import { landingPage, serveClient } from "./http/static";
import { mountSandboxes } from "./integrations/sandbox";
import { staffAccountRoutes, residentAccountRoutes } from "./modules/accounts/routes";
import { auditRoutes } from "./modules/audit/routes";
import { billingRoutes } from "./modules/billing/routes";
import { authRoutes } from "./modules/auth/routes";
import { invoiceRoutes, mountInvoiceFileRoutes } from "./modules/invoices/routes";
import { mountReportFileRoutes, reportRoutes } from "./modules/reports/routes";
import { ticketRoutes } from "./modules/tickets/routes";
import { subscriptionRoutes } from "./modules/notifications/ticketMessages";
import { notificationRoutes } from "./modules/notifications/routes";
import { mountNotifyRoutes } from "./modules/payments/notify";
import { paymentRoutes } from "./modules/payments/routes";
import { staffPaymentRoutes } from "./modules/payments/staffRoutes";
import { staffRoutes } from "./modules/staff/routes";
import { mountPhotoRoutes, PHOTO_UPLOAD_PATHS } from "./modules/tickets/photos";

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

/** Builds the HTTP application from its dependencies. No side effects on import. */
export function buildApp(deps: Deps): Koa {
  const app = new Koa({ proxy: true });
  const router = new Router();
  const registry = new OpenAPIRegistry();

  mountRoutes(
    router,
    registry,
    [
      healthRoute(deps),
      ...authRoutes(deps),
      ...staffRoutes(deps),
      ...residentAccountRoutes(deps),
      ...staffAccountRoutes(deps),
      ...notificationRoutes(deps),
      ...auditRoutes(deps),
      ...billingRoutes(deps),
      ...paymentRoutes(deps),
      ...staffPaymentRoutes(deps),
      ...invoiceRoutes(deps),
      ...ticketRoutes(deps),
      ...alertRoutes(deps),
      ...weatherRoutes(deps),
      ...subscriptionRoutes(deps),
      ...reportRoutes(deps, { slaPolicy: deps.config.sla }),
    ],
    (ctx) => authenticateRequest(deps.tokens, ctx),
  );
  const openapi = openApiDocument(registry, VERSION);
  router.get(`${API_PREFIX}/openapi.json`, (ctx) => {
    ctx.body = openapi;
  });
  mountNotifyRoutes(router, deps);
  mountInvoiceFileRoutes(router, deps);
  mountReportFileRoutes(router, deps, { slaPolicy: deps.config.sla });
  mountPhotoRoutes(router, deps);
  if (deps.config.sandboxVendors) mountSandboxes(router, deps.config);

  app.use(requestContext);
  app.use(errorHandler);
  app.use(async (ctx, next) => {
    ctx.set("X-Content-Type-Options", "nosniff");
    ctx.set("Referrer-Policy", "same-origin");
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
    bodyParser({
      rawOnly: (p) => p.startsWith(`${API_PREFIX}/notify/`),
      skip: (p) => PHOTO_UPLOAD_PATHS.includes(p.replace(/\/$/, "")),
    }),
  );
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: true }));
  return app;
}

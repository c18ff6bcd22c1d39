import Router from "@koa/router";
import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { chineseZodMessages, ErrorBodySchema, type StaffRole } from "@warmline/shared";
import type { Context, Middleware } from "koa";
import { z } from "zod";
import { type AuthState, requireAuth } from "./auth";
import { AppError, zodDetails } from "./errors";

type Method = "get" | "post" | "put" | "patch" | "delete";
type Maybe<T extends z.ZodType | undefined> = T extends z.ZodType ? z.output<T> : undefined;

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
}

export interface RouteDef<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
> {
  method: Method;
  /** path below /api/v1, Koa style (":id") */
  path: string;
  summary: string;
  tags: string[];
  auth: "none" | "resident" | "staff";
  /** staff routes: any of these roles may call it (omitted = any staff) */
  roles?: readonly StaffRole[];
  params?: P;
  query?: Q;
  body?: B;
  response?: z.ZodType;
  /** success status: 200 by default, 204 when there is no response schema */
  status?: number;
  errors?: number[];
  before?: Middleware[];
  handler(input: RouteInput<Maybe<P>, Maybe<Q>, Maybe<B>>, ctx: Context): Promise<unknown>;
}

export type AnyRoute = RouteDef<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>;

/** Identity helper that keeps the generic parameters inferred. */
export function route<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(def: RouteDef<P, Q, B>): AnyRoute {
  return def as unknown as AnyRoute;
}

function parse<T extends z.ZodType | undefined>(schema: T, value: unknown, where: string): unknown {
  if (!schema) return undefined;
  // zod's own messages (where a schema names none) in Chinese, like every other message of the API
  const r = schema.safeParse(value ?? (where === "body" ? undefined : {}), { error: chineseZodMessages });
  if (!r.success) {
    const details = zodDetails(r.error).map((d) => ({ ...d, in: where }));
    throw new AppError("VALIDATION_FAILED", details);
  }
  return r.data;
}

export const API_PREFIX = "/api/v1";

/** Mounts route definitions on a router and documents each in the OpenAPI registry. */
export function mountRoutes(
  router: Router,
  registry: OpenAPIRegistry,
  routes: AnyRoute[],
  authenticate: (ctx: Context) => Promise<void>,
) {
  for (const def of routes) {
    const auth: Middleware = async (ctx, next) => {
      if (def.auth !== "none") {
        await authenticate(ctx);
        requireAuth(ctx, def.auth, def.roles);
      }
      return next();
    };
    const handler: Middleware = async (ctx) => {
      const input = {
        params: parse(def.params, ctx.params, "params"),
        query: parse(def.query, ctx.query, "query"),
        body: parse(def.body, ctx.request.body, "body"),
      };
      const result = await def.handler(input as never, ctx);
      if (def.response) {
        ctx.status = def.status ?? 200;
        ctx.body = result;
      } else {
        ctx.status = def.status ?? 204;
        if (result !== undefined) ctx.body = result;
      }
    };
    router[def.method](`${API_PREFIX}${def.path}`, auth, ...(def.before ?? []), handler);
    document(registry, def);
  }
}

function document(registry: OpenAPIRegistry, def: AnyRoute) {
  const status = def.status ?? (def.response ? 200 : 204);
  const errorContent = { content: { "application/json": { schema: ErrorBodySchema } } };
  const responses: Record<string, { description: string; content?: Record<string, { schema: z.ZodType }> }> = {
    [status]: def.response
      ? { description: "成功", content: { "application/json": { schema: def.response } } }
      : { description: "成功（无内容）" },
    400: { description: "请求有误 (VALIDATION_FAILED, BAD_JSON …)", ...errorContent },
  };
  if (def.auth !== "none") responses[401] = { description: "未登录或登录已过期", ...errorContent };
  if (def.roles) responses[403] = { description: "没有权限", ...errorContent };
  for (const code of def.errors ?? []) responses[code] ??= { description: "错误", ...errorContent };
  registry.registerPath({
    method: def.method,
    path: `${API_PREFIX}${def.path.replace(/:(\w+)/g, "{$1}")}`,
    summary: def.summary,
    tags: def.tags,
    security: def.auth === "none" ? [] : [{ bearer: [] }],
    request: {
      params: def.params as z.ZodObject | undefined,
      query: def.query as z.ZodObject | undefined,
      body: def.body ? { content: { "application/json": { schema: def.body } } } : undefined,
    },
    responses,
  });
}

export function openApiDocument(registry: OpenAPIRegistry, version: string) {
  registry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer", bearerFormat: "JWT" });
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: { title: "Warmline API (暖线)", version, description: "民乐县供热服务平台接口" },
    servers: [{ url: "/" }],
  });
}

export type { AuthState };

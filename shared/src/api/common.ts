import { z } from "zod";

export const IdParamSchema = z.object({
  id: z.coerce.number().int().positive({ message: "编号无效" }),
});

export const PageQuerySchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export function pageOf<T extends z.ZodTypeAny>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  });
}

export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

export const HealthSchema = z.object({
  status: z.enum(["ok", "degraded"]),
  db: z.object({ ok: z.boolean(), driver: z.string(), error: z.string().optional() }),
  queue: z.object({
    ok: z.boolean(),
    mode: z.string(),
    pending: z.number().int().optional(),
    error: z.string().optional(),
  }),
  version: z.string(),
  time: z.string(),
});
export type Health = z.infer<typeof HealthSchema>;

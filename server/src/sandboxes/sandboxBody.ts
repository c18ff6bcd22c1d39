import type { Context } from "koa";
import type { z } from "zod";

/** The request body bytes: the app's body parser keeps them; standalone, read them here (413 over `limit`). */
export async function readBytes(ctx: Context, limit = 64 * 1024): Promise<Buffer> {
  const kept = (ctx.request as { rawBody?: Buffer }).rawBody;
  if (kept) return kept;
  if (ctx.method === "GET" || ctx.method === "HEAD") return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > limit) ctx.throw(413);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The request body as text (see readBytes). */
export async function readText(ctx: Context, limit = 64 * 1024): Promise<string> {
  return (await readBytes(ctx, limit)).toString("utf8");
}

/** A sandbox control request's JSON body (empty = {}); undefined when it is not JSON. */
export async function jsonBody(ctx: Context, limit?: number): Promise<unknown> {
  const text = await readText(ctx, limit);
  try {
    return text.trim() ? JSON.parse(text) : {};
  } catch {
    return undefined;
  }
}

/** The body parsed with a schema, or null after answering 400 with the schema's complaints. */
export async function jsonInput<T extends z.ZodType>(
  ctx: Context,
  schema: T,
  limit?: number,
): Promise<z.output<T> | null> {
  const parsed = schema.safeParse(await jsonBody(ctx, limit));
  if (parsed.success) return parsed.data;
  ctx.status = 400;
  ctx.body = {
    error: "expected a JSON object",
    issues: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
  };
  return null;
}

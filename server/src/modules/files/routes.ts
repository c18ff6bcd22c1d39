import type Router from "@koa/router";
import type { Context } from "koa";
import type { Deps } from "../../deps";
import { API_PREFIX } from "../../http/route";
import { readFileToken } from "./links";

/**
 * GET /api/v1/files/:token — the file a signed link names (no Authorization header: the token is the grant),
 * whatever module owns it (`deps.files`, gathered from the modules' `fileKinds`).
 */
export function mountFileRoutes(router: Router, deps: Deps): void {
  router.get(`${API_PREFIX}/files/:token`, async (ctx: Context) => {
    const { kind, id } = readFileToken(deps.config.auth.tokenSecret, String(ctx.params.token), deps.files);
    const file = await kind.open(deps, id);
    ctx.type = file.type;
    ctx.set("Content-Disposition", file.filename ? `inline; filename="${file.filename}"` : "inline");
    ctx.set("Cache-Control", "private, max-age=300");
    if (file.uploaded) ctx.set("Content-Security-Policy", "default-src 'none'; sandbox");
    ctx.body = file.body;
  });
}

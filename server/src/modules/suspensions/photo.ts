import type Router from "@koa/router";
import { SUSPENSION_VISIT_ROLES, UPLOAD_LIMITS } from "@warmline/shared";
import type { Context } from "koa";
import type { Deps } from "../../deps";
import { authenticateRequest, requireAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { API_PREFIX } from "../../http/route";
import { newStorageKey } from "../../lib/storage";
import { detectImageType, type FileKind, IMAGE_EXT, readMultipartFile } from "../files";
import { audit } from "../audit";
import { SuspensionApplication, SuspensionEvent } from "./entities";
import { checkVisitActor, staffActorOf } from "./service";

/**
 * The sealed-valve (or opened-valve) photo of a valve visit, uploaded like ticket photos: multipart, one file
 * in the field "file", the type told by its first bytes (JPEG, PNG, WebP), at most UPLOAD_LIMITS.maxBytes.
 * One photo per application (a new upload replaces it until the visit is confirmed). Served behind signed
 * links (letter "s") under the files module's sandboxing CSP.
 */
/** POST …?applicationId=42 (a fixed path: the body parser skips streamed paths by exact match) */
export const SUSPENSION_PHOTO_PATH = `${API_PREFIX}/staff/suspension-valve-photos`;

export const SUSPENSION_PHOTO_FILE: FileKind = {
  name: "valve-photo",
  letter: "s",
  suffix: "",
  async open(deps, id) {
    const app = await deps.ds.getRepository(SuspensionApplication).findOneBy({ id });
    const bytes = app?.photoKey ? await deps.storage.get(app.photoKey) : null;
    if (!app?.photoMime || !bytes) throw new AppError("FILE_LINK_INVALID");
    return { body: bytes, type: app.photoMime, uploaded: true };
  },
};

export function mountSuspensionPhoto(router: Router, deps: Deps): void {
  router.post(SUSPENSION_PHOTO_PATH, async (ctx: Context) => {
    await authenticateRequest(deps.tokens, ctx);
    requireAuth(ctx, "staff", SUSPENSION_VISIT_ROLES);
    const id = Number(ctx.query.applicationId);
    if (!Number.isSafeInteger(id) || id <= 0) throw new AppError("SUSPENSION_NOT_FOUND");
    const app = await deps.ds.getRepository(SuspensionApplication).findOneBy({ id });
    if (!app) throw new AppError("SUSPENSION_NOT_FOUND");
    checkVisitActor(ctx, app);
    if (app.status !== "valve_visit_scheduled") throw new AppError("SUSPENSION_STATE_CONFLICT", { status: app.status });
    const bytes = await readMultipartFile(ctx.req, UPLOAD_LIMITS.maxBytes);
    if (bytes.length === 0) throw new AppError("UPLOAD_MISSING");
    const mime = detectImageType(bytes);
    if (!mime || !UPLOAD_LIMITS.types.includes(mime)) throw new AppError("UPLOAD_BAD_TYPE");
    const key = newStorageKey("valvephotos", IMAGE_EXT[mime]);
    await deps.storage.put(key, bytes, mime);
    const actor = await staffActorOf(deps, ctx);
    const old = app.photoKey;
    await deps.ds.transaction(async (m) => {
      await m.getRepository(SuspensionApplication).update({ id }, { photoKey: key, photoMime: mime });
      await m.getRepository(SuspensionEvent).insert({
        applicationId: id,
        type: "photo_uploaded",
        actorKind: "staff",
        actorId: actor.id,
        actorName: actor.name.slice(0, 64),
        note: null,
      });
      await audit(m, ctx, {
        action: "suspension.valve_photo",
        targetType: "suspension_application",
        targetId: id,
        details: { accountId: app.accountId, size: bytes.length },
      });
    });
    if (old) await deps.storage.delete(old).catch(() => {});
    ctx.status = 201;
    ctx.body = { id, mime, size: bytes.length };
  });
}

import { createHash } from "node:crypto";
import type Router from "@koa/router";
import { VISIT_LIMITS, VISIT_RECORD_ROLES, type VisitPhotoView } from "@warmline/shared";
import type { Context } from "koa";
import { type EntityManager, In, IsNull } from "typeorm";
import type { Deps } from "../../deps";
import { authenticateRequest, clientIp, requireAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { API_PREFIX } from "../../http/route";
import { newStorageKey } from "../../lib/storage";
import { detectImageType, type FileKind, IMAGE_EXT, linkFor, readMultipartFile } from "../files";
import { HomeVisitPhoto } from "./entities";

/**
 * Visit photos and signature images, stored like ticket photos: multipart upload (field "file"), the type
 * told by the first bytes (JPEG, PNG, WebP), at most 5 MB; stored first, owned by the uploader, claimed by
 * the visit that names them. Served behind signed links (letter "v") under the files module's sandboxing CSP.
 */
export const VISIT_PHOTO_UPLOAD_PATH = `${API_PREFIX}/staff/visit-photos`;

export const VISIT_PHOTO_FILE: FileKind = {
  name: "visit-photo",
  letter: "v",
  suffix: "",
  async open(deps, id) {
    const photo = await deps.ds.getRepository(HomeVisitPhoto).findOneBy({ id });
    const bytes = photo ? await deps.storage.get(photo.storageKey) : null;
    if (!photo || !bytes) throw new AppError("FILE_LINK_INVALID");
    return { body: bytes, type: photo.mime, uploaded: true };
  },
};

export function visitPhotoView(
  deps: Pick<Deps, "config">,
  p: HomeVisitPhoto,
  role: VisitPhotoView["role"] = "photo",
): VisitPhotoView {
  return { id: p.id, url: linkFor(deps.config, VISIT_PHOTO_FILE, p.id).url, mime: p.mime, size: p.size, role };
}

/**
 * Claims the photos a visit names, inside its transaction. Each must be the actor's own and either not yet
 * saved with any visit, or (for a correction) saved with a visit of the same chain (`chainIds`). Anything
 * else is VISIT_PHOTO_NOT_FOUND and nothing is claimed.
 */
export async function claimVisitPhotos(
  m: EntityManager,
  staffId: number,
  ids: number[],
  visitId: number,
  chainIds: number[] = [],
): Promise<HomeVisitPhoto[]> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return [];
  const found = await m.getRepository(HomeVisitPhoto).findBy({ id: In(wanted) });
  const ok = (p: HomeVisitPhoto) => (p.visitId === null ? p.ownerStaffId === staffId : chainIds.includes(p.visitId));
  if (found.length !== wanted.length || !found.every(ok)) throw new AppError("VISIT_PHOTO_NOT_FOUND");
  const fresh = found.filter((p) => p.visitId === null).map((p) => p.id);
  if (fresh.length > 0) {
    const done = await m
      .getRepository(HomeVisitPhoto)
      .createQueryBuilder()
      .update()
      .set({ visitId })
      .where({ id: In(fresh), visitId: IsNull() })
      .execute();
    if (done.affected !== undefined && done.affected !== fresh.length) throw new AppError("VISIT_PHOTO_NOT_FOUND");
  }
  return found;
}

async function upload(deps: Deps, ctx: Context, staffId: number): Promise<void> {
  const bytes = await readMultipartFile(ctx.req, VISIT_LIMITS.maxBytes);
  if (bytes.length === 0) throw new AppError("UPLOAD_MISSING");
  const mime = detectImageType(bytes);
  if (!mime || !(VISIT_LIMITS.types as readonly string[]).includes(mime)) throw new AppError("UPLOAD_BAD_TYPE");
  const key = newStorageKey("visitphotos", IMAGE_EXT[mime]);
  await deps.storage.put(key, bytes, mime);
  let photo: HomeVisitPhoto;
  try {
    photo = await deps.ds.getRepository(HomeVisitPhoto).save(
      Object.assign(new HomeVisitPhoto(), {
        storageKey: key,
        mime,
        size: bytes.length,
        sha256: createHash("sha256").update(bytes).digest("hex"),
        ownerStaffId: staffId,
        visitId: null,
      }),
    );
  } catch (err) {
    await deps.storage.delete(key).catch(() => {});
    throw err;
  }
  ctx.status = 201;
  ctx.body = visitPhotoView(deps, photo);
}

/** POST /api/v1/staff/visit-photos: multipart upload, 201 VisitPhotoSchema. Refused callers send nothing to disk. */
export function mountVisitPhotoRoutes(router: Router, deps: Deps): void {
  // the upload rate of ticket photos (per address), in the same window
  const limit = deps.limits.rateLimit({
    name: "upload",
    ...deps.config.rateLimits.upload,
    key: (ctx) => clientIp(ctx) || null,
  });
  router.post(VISIT_PHOTO_UPLOAD_PATH, limit, async (ctx: Context) => {
    await authenticateRequest(deps.tokens, ctx);
    const auth = requireAuth(ctx, "staff", VISIT_RECORD_ROLES);
    await upload(deps, ctx, auth.id);
  });
}

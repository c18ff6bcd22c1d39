import { createHash } from "node:crypto";
import type Router from "@koa/router";
import { type PhotoView, TICKET_DESK_ROLES, UPLOAD_LIMITS } from "@warmline/shared";
import type { Context } from "koa";
import { type EntityManager, In, IsNull } from "typeorm";
import type { Deps } from "../../deps";
import { authenticateRequest, requireAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { API_PREFIX } from "../../http/route";
import { newStorageKey } from "../../lib/storage";
import { detectImageType, type FileKind, IMAGE_EXT, linkFor, readMultipartFile } from "../files";
import { TicketPhoto } from "./entities";
import { checkPhotoQuota, photoUploadLimit } from "./photoQuota";

/**
 * Photo uploads for tickets (multipart/form-data, one file in the field "file"; Taro.uploadFile sends
 * exactly that). The photo is stored first, owned by whoever uploaded it, and attached to a ticket (and an
 * event) when the ticket, measurement or resolution naming its id is saved (`claimPhotos`).
 *
 * The type is decided by the file's first bytes, never by the declared name or content type (the reading
 * and the detection are the files module's; what a photo is, who may claim it and when it is dropped are ours).
 */

/** The upload routes; the app's body parser leaves these paths alone (the handler streams the body). */
export const PHOTO_UPLOAD_PATHS: readonly string[] = [`${API_PREFIX}/me/photos`, `${API_PREFIX}/staff/photos`];

/** The API view of stored photos, each with a fresh signed link. */
export function photoViews(deps: Pick<Deps, "config">, photos: TicketPhoto[]): PhotoView[] {
  return photos.map((p) => ({
    id: p.id,
    url: linkFor(deps.config, PHOTO_FILE, p.id).url,
    mime: p.mime,
    size: p.size,
  }));
}

/**
 * Attaches photos to a ticket (and the event they document). Only unattached photos of the same owner
 * can be claimed: an id of someone else's photo, of an attached one or of none at all is PHOTO_NOT_FOUND
 * (and nothing is attached). Call it inside the transaction that saves the ticket or event.
 */
export async function claimPhotos(
  m: EntityManager,
  owner: { kind: "resident" | "staff"; id: number },
  ids: number[],
  ticketId: number,
  eventId: number | null,
): Promise<TicketPhoto[]> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return [];
  if (wanted.length > UPLOAD_LIMITS.maxPhotosPerTicket) throw new AppError("VALIDATION_FAILED");
  const where = { id: In(wanted), ownerKind: owner.kind, ownerId: owner.id, ticketId: IsNull() };
  const repo = m.getRepository(TicketPhoto);
  const found = await repo.find({ where, order: { id: "ASC" } });
  if (found.length !== wanted.length) throw new AppError("PHOTO_NOT_FOUND");
  const done = await repo
    .createQueryBuilder()
    .update()
    .set({ ticketId, eventId })
    .where({ ...where })
    .execute();
  // another request claimed one of them in between
  if (done.affected !== undefined && done.affected !== wanted.length) throw new AppError("PHOTO_NOT_FOUND");
  for (const p of found) {
    p.ticketId = ticketId;
    p.eventId = eventId;
  }
  return found;
}

/** The bytes and type of a photo a signed link names; FILE_LINK_INVALID when it is gone. */
export async function photoFile(
  deps: Pick<Deps, "ds" | "storage">,
  id: number,
): Promise<{ bytes: Buffer; mime: string }> {
  const photo = await deps.ds.getRepository(TicketPhoto).findOneBy({ id });
  const bytes = photo ? await deps.storage.get(photo.storageKey) : null;
  if (!photo || !bytes) throw new AppError("FILE_LINK_INVALID");
  return { bytes, mime: photo.mime };
}

/** Photo links (/api/v1/files/p.…, no suffix): served by the files module, under a sandboxing CSP. */
export const PHOTO_FILE: FileKind = {
  name: "photo",
  letter: "p",
  suffix: "",
  async open(deps, id) {
    const { bytes, mime } = await photoFile(deps, id);
    return { body: bytes, type: mime, uploaded: true };
  },
};

async function upload(deps: Deps, ctx: Context, owner: { kind: "resident" | "staff"; id: number }): Promise<void> {
  await checkPhotoQuota(deps, owner, 0); // a resident's daily quota (photoQuota.ts): refused before reading
  const bytes = await readMultipartFile(ctx.req, UPLOAD_LIMITS.maxBytes);
  if (bytes.length === 0) throw new AppError("UPLOAD_MISSING");
  await checkPhotoQuota(deps, owner, bytes.length);
  const mime = detectImageType(bytes);
  if (!mime || !UPLOAD_LIMITS.types.includes(mime)) throw new AppError("UPLOAD_BAD_TYPE");
  const key = newStorageKey("photos", IMAGE_EXT[mime]);
  await deps.storage.put(key, bytes, mime);
  let photo: TicketPhoto;
  try {
    photo = await deps.ds.getRepository(TicketPhoto).save(
      Object.assign(new TicketPhoto(), {
        storageKey: key,
        mime,
        size: bytes.length,
        sha256: createHash("sha256").update(bytes).digest("hex"),
        ownerKind: owner.kind,
        ownerId: owner.id,
        ticketId: null,
        eventId: null,
      }),
    );
  } catch (err) {
    await deps.storage.delete(key).catch(() => {});
    throw err;
  }
  ctx.status = 201;
  ctx.body = photoViews(deps, [photo])[0];
}

/**
 * POST /api/v1/me/photos (resident) and POST /api/v1/staff/photos (service-desk staff): multipart upload,
 * 201 PhotoSchema. Authentication comes before the body is read: a refused request is not stored anywhere.
 */
export function mountPhotoRoutes(router: Router, deps: Deps): void {
  const [mePath, staffPath] = PHOTO_UPLOAD_PATHS as [string, string];
  const uploadLimit = photoUploadLimit(deps);
  router.post(mePath, uploadLimit, async (ctx: Context) => {
    await authenticateRequest(deps.tokens, ctx);
    const auth = requireAuth(ctx, "resident");
    await upload(deps, ctx, { kind: "resident", id: auth.id });
  });
  router.post(staffPath, uploadLimit, async (ctx: Context) => {
    await authenticateRequest(deps.tokens, ctx);
    const auth = requireAuth(ctx, "staff", TICKET_DESK_ROLES);
    await upload(deps, ctx, { kind: "staff", id: auth.id });
  });
}

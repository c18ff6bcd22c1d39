import { createHash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import type Router from "@koa/router";
import { type PhotoView, TICKET_DESK_ROLES, UPLOAD_LIMITS } from "@warmline/shared";
import busboy from "busboy";
import type { Context } from "koa";
import { type EntityManager, In, IsNull } from "typeorm";
import type { Deps } from "../../deps";
import { authenticateRequest, requireAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { API_PREFIX } from "../../http/route";
import { newStorageKey } from "../../lib/storage";
import { fileLink } from "../invoices/links";
import { TicketPhoto } from "./entities";

/**
 * Photo uploads for tickets (multipart/form-data, one file in the field "file"; Taro.uploadFile sends
 * exactly that). The photo is stored first, owned by whoever uploaded it, and attached to a ticket (and an
 * event) when the ticket, measurement or resolution naming its id is saved (`claimPhotos`).
 *
 * The type is decided by the file's first bytes, never by the declared name or content type.
 */

export type PhotoMime = (typeof UPLOAD_LIMITS.types)[number];

/** The upload routes; the app's body parser leaves these paths alone (the handler streams the body). */
export const PHOTO_UPLOAD_PATHS: readonly string[] = [`${API_PREFIX}/me/photos`, `${API_PREFIX}/staff/photos`];

const EXT: Record<PhotoMime, string> = { "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp" };

/** JPEG FF D8 FF, PNG 89 50 4E 47 0D 0A 1A 0A, WebP "RIFF" <size> "WEBP"; null for anything else. */
export function detectImageType(bytes: Uint8Array): PhotoMime | null {
  const b = bytes;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "image/jpeg";
  if (
    b.length >= 8 &&
    b[0] === 0x89 &&
    b[1] === 0x50 &&
    b[2] === 0x4e &&
    b[3] === 0x47 &&
    b[4] === 0x0d &&
    b[5] === 0x0a &&
    b[6] === 0x1a &&
    b[7] === 0x0a
  ) {
    return "image/png";
  }
  const ascii = (from: number, to: number) => Buffer.from(b.subarray(from, to)).toString("latin1");
  if (b.length >= 12 && ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "image/webp";
  return null;
}

/** the multipart framing around one file: boundaries, part headers, a few small fields */
const MULTIPART_OVERHEAD = 64 * 1024;

const malformed = () =>
  new AppError("VALIDATION_FAILED", [{ path: "file", message: "上传内容格式错误，请重新选择照片" }]);

/**
 * Reads the one file of a multipart/form-data request (field "file") into memory, at most `maxBytes`.
 * Other fields and files are read and dropped. Failures: an empty request or no "file" part →
 * UPLOAD_MISSING, a body of another content type → UNSUPPORTED_MEDIA_TYPE, a file over the limit →
 * UPLOAD_TOO_LARGE, broken framing → VALIDATION_FAILED (400).
 */
export function readMultipartFile(
  req: Readable & { headers: IncomingHttpHeaders },
  maxBytes: number = UPLOAD_LIMITS.maxBytes,
): Promise<Buffer> {
  const type = String(req.headers["content-type"] ?? "");
  const declared = Number(req.headers["content-length"] ?? 0);
  const empty = !req.headers["transfer-encoding"] && !(declared > 0);
  if (!type || empty) return Promise.reject(new AppError("UPLOAD_MISSING"));
  if (!/^multipart\/form-data\b/i.test(type)) return Promise.reject(new AppError("UNSUPPORTED_MEDIA_TYPE"));
  const cap = maxBytes + MULTIPART_OVERHEAD;
  if (declared > cap) return Promise.reject(new AppError("UPLOAD_TOO_LARGE"));

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      // busboy reports "limit" on reaching fileSize: one byte more than allowed marks a file too large
      limits: { files: 5, fileSize: maxBytes + 1, fields: 20, fieldSize: 4096, parts: 30, headerPairs: 50 },
    });
  } catch {
    // no boundary, or not a multipart type busboy knows
    return Promise.reject(malformed());
  }

  return new Promise<Buffer>((resolve, reject) => {
    let file: Buffer | null = null;
    let failure: AppError | null = null;
    let settled = false;
    let received = 0;

    const settle = (err: AppError | null) => {
      if (settled) return;
      settled = true;
      req.off("data", count);
      if (err) {
        req.unpipe(parser);
        // keep draining what the client still sends, so the answer can reach it
        req.resume();
        reject(err);
      } else if (file) resolve(file);
      else reject(new AppError("UPLOAD_MISSING"));
    };
    const count = (chunk: Buffer) => {
      received += chunk.length;
      if (received > cap) settle(new AppError("UPLOAD_TOO_LARGE"));
    };

    parser.on("file", (name, stream) => {
      if (name !== "file" || file || failure) {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on("data", (chunk: Buffer) => {
        if (failure) return;
        size += chunk.length;
        chunks.push(chunk);
      });
      stream.on("limit", () => {
        failure ??= new AppError("UPLOAD_TOO_LARGE");
        chunks.length = 0;
      });
      stream.on("end", () => {
        if (!failure && !stream.truncated) file = Buffer.concat(chunks, size);
      });
      stream.on("error", () => {
        failure ??= malformed();
      });
    });
    parser.on("error", () => settle(failure ?? malformed()));
    parser.on("close", () => settle(failure));
    req.on("data", count);
    req.on("aborted", () => settle(malformed()));
    req.on("error", () => settle(malformed()));
    req.pipe(parser);
  });
}

/** The API view of stored photos, each with a fresh signed link. */
export function photoViews(deps: Pick<Deps, "config">, photos: TicketPhoto[]): PhotoView[] {
  const { tokenSecret } = deps.config.auth;
  const ttl = deps.config.invoices.fileLinkTtlS;
  return photos.map((p) => ({
    id: p.id,
    url: fileLink(tokenSecret, { kind: "photo", id: p.id }, ttl).url,
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

async function upload(deps: Deps, ctx: Context, owner: { kind: "resident" | "staff"; id: number }): Promise<void> {
  const bytes = await readMultipartFile(ctx.req);
  if (bytes.length === 0) throw new AppError("UPLOAD_MISSING");
  const mime = detectImageType(bytes);
  if (!mime || !UPLOAD_LIMITS.types.includes(mime)) throw new AppError("UPLOAD_BAD_TYPE");
  const key = newStorageKey("photos", EXT[mime]);
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
  router.post(mePath, async (ctx: Context) => {
    await authenticateRequest(deps.tokens, ctx);
    const auth = requireAuth(ctx, "resident");
    await upload(deps, ctx, { kind: "resident", id: auth.id });
  });
  router.post(staffPath, async (ctx: Context) => {
    await authenticateRequest(deps.tokens, ctx);
    const auth = requireAuth(ctx, "staff", TICKET_DESK_ROLES);
    await upload(deps, ctx, { kind: "staff", id: auth.id });
  });
}

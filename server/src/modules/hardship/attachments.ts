import { createHash } from "node:crypto";
import type Router from "@koa/router";
import { HARDSHIP_APPLY_ROLES, HARDSHIP_ATTACHMENT_LIMITS, type HardshipAttachmentView } from "@warmline/shared";
import type { Context } from "koa";
import { type EntityManager, In, IsNull } from "typeorm";
import type { Deps } from "../../deps";
import { authenticateRequest, clientIp, requireAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { API_PREFIX } from "../../http/route";
import { newStorageKey } from "../../lib/storage";
import { detectImageType, type FileKind, IMAGE_EXT, linkFor, readMultipartFile } from "../files";
import { HardshipAttachment } from "./entities";

/**
 * Certificate photos and PDF scans of an application, stored like ticket photos: uploaded first (owned by
 * the uploader, type decided by the first bytes), then claimed by the application that names their ids.
 */
export const ATTACHMENT_UPLOAD_PATHS: readonly string[] = [
  `${API_PREFIX}/me/hardship/attachments`,
  `${API_PREFIX}/staff/hardship/attachments`,
];

type Owner = { kind: "resident" | "staff"; id: number };
type Mime = (typeof HARDSHIP_ATTACHMENT_LIMITS.types)[number];

/** "%PDF-" */
function isPdf(b: Uint8Array): boolean {
  return b.length >= 5 && Buffer.from(b.subarray(0, 5)).toString("latin1") === "%PDF-";
}

export function attachmentViews(deps: Pick<Deps, "config">, rows: HardshipAttachment[]): HardshipAttachmentView[] {
  return rows.map((a) => ({
    id: a.id,
    url: linkFor(deps.config, ATTACHMENT_FILE, a.id).url,
    mime: a.mime,
    size: a.size,
  }));
}

/** Attaches uploaded files to an application; an id that is not the actor's own unattached upload → 404. */
export async function claimAttachments(m: EntityManager, owner: Owner, ids: number[], applicationId: number) {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return;
  const where = { id: In(wanted), ownerKind: owner.kind, ownerId: owner.id, applicationId: IsNull() };
  const found = await m.getRepository(HardshipAttachment).countBy(where);
  if (found !== wanted.length) throw new AppError("HARDSHIP_ATTACHMENT_NOT_FOUND");
  const done = await m.getRepository(HardshipAttachment).update(where, { applicationId });
  if (done.affected !== undefined && done.affected !== wanted.length)
    throw new AppError("HARDSHIP_ATTACHMENT_NOT_FOUND");
}

export const ATTACHMENT_FILE: FileKind = {
  name: "hardship_attachment",
  letter: "h",
  suffix: "",
  async open(deps, id) {
    const row = await deps.ds.getRepository(HardshipAttachment).findOneBy({ id });
    const bytes = row ? await deps.storage.get(row.storageKey) : null;
    if (!row || !bytes) throw new AppError("FILE_LINK_INVALID");
    return { body: bytes, type: row.mime, uploaded: true };
  },
};

async function upload(deps: Deps, ctx: Context, owner: Owner): Promise<void> {
  let bytes: Buffer;
  try {
    bytes = await readMultipartFile(ctx.req, HARDSHIP_ATTACHMENT_LIMITS.maxBytes);
  } catch (err) {
    if (err instanceof AppError && err.code === "UPLOAD_TOO_LARGE") throw new AppError("HARDSHIP_ATTACHMENT_TOO_LARGE");
    throw err;
  }
  if (bytes.length === 0) throw new AppError("UPLOAD_MISSING");
  const image = detectImageType(bytes);
  const mime: Mime | null = image ?? (isPdf(bytes) ? "application/pdf" : null);
  if (!mime || !(HARDSHIP_ATTACHMENT_LIMITS.types as readonly string[]).includes(mime)) {
    throw new AppError("HARDSHIP_ATTACHMENT_TYPE");
  }
  const key = newStorageKey("hardship", image ? IMAGE_EXT[image] : "pdf");
  await deps.storage.put(key, bytes, mime);
  let row: HardshipAttachment;
  try {
    row = await deps.ds.getRepository(HardshipAttachment).save(
      Object.assign(new HardshipAttachment(), {
        applicationId: null,
        ownerKind: owner.kind,
        ownerId: owner.id,
        storageKey: key,
        mime,
        size: bytes.length,
        sha256: createHash("sha256").update(bytes).digest("hex"),
      }),
    );
  } catch (err) {
    await deps.storage.delete(key).catch(() => {});
    throw err;
  }
  ctx.status = 201;
  ctx.body = attachmentViews(deps, [row])[0];
}

/** POST /api/v1/me/hardship/attachments (resident), POST /api/v1/staff/hardship/attachments (staff who apply for residents). */
export function mountAttachmentRoutes(router: Router, deps: Deps): void {
  const [mePath, staffPath] = ATTACHMENT_UPLOAD_PATHS as [string, string];
  const limit = deps.limits.rateLimit({
    name: "hardship_upload",
    ...deps.config.rateLimits.upload,
    key: (ctx) => clientIp(ctx) || null,
  });
  router.post(mePath, limit, async (ctx: Context) => {
    await authenticateRequest(deps.tokens, ctx);
    const auth = requireAuth(ctx, "resident");
    await upload(deps, ctx, { kind: "resident", id: auth.id });
  });
  router.post(staffPath, limit, async (ctx: Context) => {
    await authenticateRequest(deps.tokens, ctx);
    const auth = requireAuth(ctx, "staff", HARDSHIP_APPLY_ROLES);
    await upload(deps, ctx, { kind: "staff", id: auth.id });
  });
}

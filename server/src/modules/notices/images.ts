import { createHash } from "node:crypto";
import type Router from "@koa/router";
import { NOTICE_ROLES, type NoticeImageView, UPLOAD_LIMITS } from "@warmline/shared";
import type { Context } from "koa";
import type { Deps } from "../../deps";
import { authenticateRequest, requireAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { API_PREFIX } from "../../http/route";
import { newStorageKey } from "../../lib/storage";
import { detectImageType, type FileKind, IMAGE_EXT, linkFor, readMultipartFile } from "../files";
import { NoticeImage } from "./entities";

/** POST /api/v1/staff/notice-images: one image (multipart field "file"); the body is read by the handler. */
export const NOTICE_IMAGE_UPLOAD_PATH = `${API_PREFIX}/staff/notice-images`;

/** Notice image links (/api/v1/files/n.…): served by the files module under a sandboxing CSP. */
export const NOTICE_IMAGE_FILE: FileKind = {
  name: "notice_image",
  letter: "n",
  suffix: "",
  async open(deps, id) {
    const image = await deps.ds.getRepository(NoticeImage).findOneBy({ id });
    const bytes = image ? await deps.storage.get(image.storageKey) : null;
    if (!image || !bytes) throw new AppError("FILE_LINK_INVALID");
    return { body: bytes, type: image.mime, uploaded: true };
  },
};

export function noticeImageView(deps: Pick<Deps, "config">, image: NoticeImage): NoticeImageView {
  return {
    id: image.id,
    url: linkFor(deps.config, NOTICE_IMAGE_FILE, image.id).url,
    mime: image.mime,
    size: image.size,
  };
}

/**
 * Same limits as ticket photos (≤ 5 MB; JPG, PNG or WebP told by the first bytes, never by the name).
 * Authentication and the role come before the body is read: a refused request stores nothing.
 */
export function mountNoticeImageRoutes(router: Router, deps: Deps): void {
  router.post(NOTICE_IMAGE_UPLOAD_PATH, async (ctx: Context) => {
    await authenticateRequest(deps.tokens, ctx);
    const auth = requireAuth(ctx, "staff", NOTICE_ROLES);
    const bytes = await readMultipartFile(ctx.req, UPLOAD_LIMITS.maxBytes);
    if (bytes.length === 0) throw new AppError("UPLOAD_MISSING");
    const mime = detectImageType(bytes);
    if (!mime || !UPLOAD_LIMITS.types.includes(mime)) throw new AppError("UPLOAD_BAD_TYPE");
    const key = newStorageKey("notices", IMAGE_EXT[mime]);
    await deps.storage.put(key, bytes, mime);
    let image: NoticeImage;
    try {
      image = await deps.ds.getRepository(NoticeImage).save(
        Object.assign(new NoticeImage(), {
          storageKey: key,
          mime,
          size: bytes.length,
          sha256: createHash("sha256").update(bytes).digest("hex"),
          uploadedBy: auth.id,
        }),
      );
    } catch (err) {
      await deps.storage.delete(key).catch(() => {});
      throw err;
    }
    ctx.status = 201;
    ctx.body = noticeImageView(deps, image);
  });
}

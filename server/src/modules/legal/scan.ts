import { createHash } from "node:crypto";
import type Router from "@koa/router";
import { LEGAL_DESK_ROLES } from "@warmline/shared";
import type { Context } from "koa";
import type { Deps } from "../../deps";
import { authenticateRequest, clientIp, requireAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { API_PREFIX } from "../../http/route";
import { newStorageKey } from "../../lib/storage";
import { detectImageType, type FileKind, IMAGE_EXT, linkFor, readMultipartFile } from "../files";
import { LegalCase, LegalCaseScan } from "./entities";

/**
 * The court scan upload of a case (multipart, `?caseId=`): the filing then names the scan's id. A fixed path
 * because the body parser skips streamed uploads by exact path.
 */
export const LEGAL_SCAN_UPLOAD_PATH = `${API_PREFIX}/staff/legal/scans`;
const MAX_BYTES = 10 * 1024 * 1024;

/** "%PDF-" */
function isPdf(b: Uint8Array): boolean {
  return b.length >= 5 && Buffer.from(b.subarray(0, 5)).toString("latin1") === "%PDF-";
}

export const LEGAL_SCAN_FILE: FileKind = {
  name: "legal_scan",
  letter: "l",
  suffix: "",
  async open(deps, id) {
    const row = await deps.ds.getRepository(LegalCaseScan).findOneBy({ id });
    const bytes = row ? await deps.storage.get(row.storageKey) : null;
    if (!row || !bytes) throw new AppError("FILE_LINK_INVALID");
    return { body: bytes, type: row.mime, uploaded: true };
  },
};

export function scanLink(deps: Pick<Deps, "config">, scanId: number): string {
  return linkFor(deps.config, LEGAL_SCAN_FILE, scanId).url;
}

/** POST /api/v1/staff/legal/scans?caseId=… — a PDF or an image (type decided by the first bytes), ≤ 10 MB */
export function mountScanUpload(router: Router, deps: Deps): void {
  const limit = deps.limits.rateLimit({
    name: "legal_scan_upload",
    ...deps.config.rateLimits.upload,
    key: (ctx) => clientIp(ctx) || null,
  });
  router.post(LEGAL_SCAN_UPLOAD_PATH, limit, async (ctx: Context) => {
    await authenticateRequest(deps.tokens, ctx);
    const staff = requireAuth(ctx, "staff", LEGAL_DESK_ROLES);
    const caseId = Number(ctx.query.caseId);
    const c =
      Number.isInteger(caseId) && caseId > 0 ? await deps.ds.getRepository(LegalCase).findOneBy({ id: caseId }) : null;
    if (!c) throw new AppError("LEGAL_CASE_NOT_FOUND");
    if (c.state !== "approved" && c.state !== "exported")
      throw new AppError("LEGAL_STATE_CONFLICT", { state: c.state });
    const bytes = await readMultipartFile(ctx.req, MAX_BYTES);
    if (bytes.length === 0) throw new AppError("LEGAL_SCAN_REQUIRED");
    const image = detectImageType(bytes);
    const mime = image ?? (isPdf(bytes) ? "application/pdf" : null);
    if (!mime) throw new AppError("LEGAL_SCAN_TYPE");
    const key = newStorageKey("legal", image ? IMAGE_EXT[image] : "pdf");
    await deps.storage.put(key, bytes, mime);
    let row: LegalCaseScan;
    try {
      row = await deps.ds.getRepository(LegalCaseScan).save(
        Object.assign(new LegalCaseScan(), {
          caseId,
          storageKey: key,
          mime,
          size: bytes.length,
          sha256: createHash("sha256").update(bytes).digest("hex"),
          uploadedBy: staff.id,
        }),
      );
    } catch (err) {
      await deps.storage.delete(key).catch(() => {});
      throw err;
    }
    ctx.status = 201;
    ctx.body = { id: row.id, mime, size: row.size, sha256: row.sha256, url: scanLink(deps, row.id) };
  });
}

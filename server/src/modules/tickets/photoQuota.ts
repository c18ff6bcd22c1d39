import { clientIp } from "../../http/auth";
import type { Deps } from "../../deps";
import { AppError } from "../../http/errors";
import type { RateLimiter } from "../../http/rateLimit";
import { TicketPhoto } from "./entities";

/** the quota's window: what a resident uploaded within the last day */
const QUOTA_WINDOW_MS = 24 * 3600_000;

/**
 * Upload requests per client address (RATE_LIMIT_UPLOAD), for both photo routes; counted before the
 * body is read.
 */
export function photoUploadLimit(deps: Pick<Deps, "limits" | "config">): RateLimiter {
  return deps.limits.rateLimit({
    name: "upload",
    ...deps.config.rateLimits.upload,
    key: (ctx) => clientIp(ctx) || null,
  });
}

/**
 * A resident's quota of photos uploaded but not (yet) in a ticket: UPLOAD_DAILY_PHOTOS photos and
 * UPLOAD_DAILY_MB of them within the last 24 hours. Photos that a report claimed no longer count, and
 * unclaimed ones are dropped after a day (photoCleanup), so a resident who files what they upload is never
 * stopped. Staff uploads have no quota. Call it with `incoming` 0 before reading the body (refuses when the
 * quota is used up) and with the upload's size before storing it; 429 UPLOAD_QUOTA_EXCEEDED.
 */
export async function checkPhotoQuota(
  deps: Pick<Deps, "ds" | "config">,
  owner: { kind: "resident" | "staff"; id: number },
  incomingBytes: number,
  now = new Date(),
): Promise<void> {
  if (owner.kind !== "resident") return;
  const { residentDailyPhotos, residentDailyBytes } = deps.config.uploads;
  const held = await deps.ds
    .getRepository(TicketPhoto)
    .createQueryBuilder("p")
    .select("COUNT(*)", "count")
    .addSelect("COALESCE(SUM(p.size), 0)", "bytes")
    .where("p.owner_kind = :kind AND p.owner_id = :id AND p.ticket_id IS NULL AND p.created_at > :since", {
      kind: "resident",
      id: owner.id,
      since: new Date(now.getTime() - QUOTA_WINDOW_MS),
    })
    .getRawOne<{ count: number | string; bytes: number | string }>();
  const count = Number(held?.count ?? 0);
  const bytes = Number(held?.bytes ?? 0);
  const adding = incomingBytes > 0 ? 1 : 0;
  const over =
    incomingBytes > 0
      ? count + adding > residentDailyPhotos || bytes + incomingBytes > residentDailyBytes
      : count >= residentDailyPhotos || bytes >= residentDailyBytes;
  if (over) {
    throw new AppError("UPLOAD_QUOTA_EXCEEDED", {
      maxPhotos: residentDailyPhotos,
      maxBytes: residentDailyBytes,
      photos: count,
      bytes,
    });
  }
}

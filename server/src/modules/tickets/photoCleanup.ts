import { type EntityManager, IsNull, LessThan } from "typeorm";
import type { Deps } from "../../deps";
import { periodicJob, schedulePeriodic } from "../../jobs/periodic";
import { logger } from "../../lib/logger";
import { TicketPhoto } from "./entities";

/**
 * Photos are uploaded before the report (or measurement, or resolution) that names them is saved; one
 * that no ticket claimed within a day was abandoned (the form was left, the app closed). Those rows and
 * their files are removed, an hour's batch at a time. A row is deleted only while it is still unclaimed
 * (the DELETE says so), so a report saved at the same moment either gets the photo or a clear
 * PHOTO_NOT_FOUND — never a ticket pointing at a deleted file.
 */
export const UNCLAIMED_PHOTO_TTL_MS = 24 * 3600_000;
const BATCH = 500;

export async function cleanUnclaimedPhotos(
  deps: Pick<Deps, "ds" | "storage">,
  now = new Date(),
  ttlMs = UNCLAIMED_PHOTO_TTL_MS,
): Promise<number> {
  const repo = deps.ds.getRepository(TicketPhoto);
  const stale = await repo.find({
    select: { id: true, storageKey: true },
    where: { ticketId: IsNull(), createdAt: LessThan(new Date(now.getTime() - ttlMs)) },
    order: { id: "ASC" },
    take: BATCH,
  });
  let removed = 0;
  for (const p of stale) {
    const r = await repo.createQueryBuilder().delete().where("id = :id AND ticket_id IS NULL", { id: p.id }).execute();
    if (!r.affected) continue; // claimed in the meantime
    removed += 1;
    try {
      await deps.storage.delete(p.storageKey);
    } catch (err) {
      // the row is gone, so nothing links to the file any more; it only takes space
      logger.warn({ err: (err as Error).message, key: p.storageKey }, "unclaimed photo file not removed");
    }
  }
  if (removed) logger.info({ removed }, "unclaimed photos removed");
  return removed;
}

const CLEAN_EVERY_MS = 3600_000;

export const schedulePhotoCleanup = (m: EntityManager, now = new Date()) =>
  schedulePeriodic(m, "tickets.photo_cleanup", CLEAN_EVERY_MS, now);

export const photoCleanupJob = (deps: () => Deps) =>
  periodicJob("tickets.photo_cleanup", CLEAN_EVERY_MS, async () => {
    await cleanUnclaimedPhotos(deps());
  });

import { type EntityManager, IsNull, LessThan } from "typeorm";
import { z } from "zod";
import type { Deps } from "../../deps";
import { enqueue } from "../../jobs/outbox";
import { defineJob } from "../../jobs/registry";
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

export async function schedulePhotoCleanup(m: EntityManager, now = new Date()): Promise<void> {
  const slot = Math.floor(now.getTime() / CLEAN_EVERY_MS) + 1;
  await enqueue(
    m,
    "tickets.photo_cleanup",
    { slot },
    { dedupeKey: `photo_cleanup:${slot}`, delayMs: slot * CLEAN_EVERY_MS - now.getTime() },
  );
}

export const photoCleanupJob = (deps: () => Deps) =>
  defineJob({
    name: "tickets.photo_cleanup",
    schema: z.object({ slot: z.number().int() }),
    maxAttempts: 2,
    async handle(_payload, { ds }) {
      try {
        await cleanUnclaimedPhotos(deps());
      } finally {
        await schedulePhotoCleanup(ds.manager);
      }
    },
  });

import type { DataSource } from "typeorm";
import { logger } from "../lib/logger";
import { OutboxJob } from "./entities";
import type { JobRegistry } from "./registry";

/** Retry delay after the n-th failed attempt: 2 s, 4 s, 8 s … capped at 10 minutes. */
export function backoffMs(attempt: number): number {
  return Math.min(2000 * 2 ** Math.max(0, attempt - 1), 10 * 60_000);
}

/**
 * Run one outbox job by id. Safe to call twice for the same id (queue redelivery, relay resend):
 * a finished row is skipped, and handlers guard their effects with unique keys.
 * Failures go back to the outbox with a backoff; the outbox, not the queue, owns retries.
 */
export async function executeOutboxJob(ds: DataSource, registry: JobRegistry, outboxId: number): Promise<void> {
  const repo = ds.getRepository(OutboxJob);
  const row = await repo.findOneBy({ id: outboxId });
  if (!row || row.status === "done" || row.status === "failed") return;
  const def = registry.get(row.jobName);
  const attempt = row.attempts + 1;
  try {
    if (!def) throw new PermanentJobError(`no handler for job "${row.jobName}"`);
    const parsed = def.schema.safeParse(JSON.parse(row.payload));
    if (!parsed.success) throw new PermanentJobError(`invalid payload: ${parsed.error.message}`);
    await def.handle(parsed.data, { ds, outboxId, attempt });
    await repo
      .createQueryBuilder()
      .update()
      .set({ status: "done", attempts: attempt, finishedAt: new Date(), lastError: null })
      .where("id = :id AND status <> 'done'", { id: outboxId })
      .execute();
  } catch (err) {
    const permanent = err instanceof PermanentJobError || attempt >= (def?.maxAttempts ?? row.maxAttempts);
    const message = err instanceof Error ? err.message : String(err);
    logger.warn({ outboxId, job: row.jobName, attempt, permanent, err: message }, "job failed");
    await repo
      .createQueryBuilder()
      .update()
      .set({
        status: permanent ? "failed" : "pending",
        attempts: attempt,
        lastError: message.slice(0, 2000),
        availableAt: new Date(Date.now() + backoffMs(attempt)),
        finishedAt: permanent ? new Date() : null,
      })
      .where("id = :id AND status <> 'done'", { id: outboxId })
      .execute();
  }
}

export class PermanentJobError extends Error {}

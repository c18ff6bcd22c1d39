import type { EntityManager } from "typeorm";
import { OutboxJob } from "./entities";
import type { JobName } from "./names";

export interface EnqueueOptions {
  /** the same key enqueued twice is one job (the second insert is ignored) */
  dedupeKey?: string;
  /** run no earlier than this many milliseconds from now */
  delayMs?: number;
  maxAttempts?: number;
}

/**
 * Write a job into the outbox. Call it with the manager of the transaction that makes the change the job
 * follows from: both commit together or neither does.
 */
export async function enqueue(
  manager: EntityManager,
  name: JobName,
  payload: unknown,
  opts: EnqueueOptions = {},
): Promise<void> {
  await manager
    .createQueryBuilder()
    .insert()
    .into(OutboxJob)
    .values({
      jobName: name,
      payload: JSON.stringify(payload),
      dedupeKey: opts.dedupeKey ?? null,
      status: "pending",
      attempts: 0,
      maxAttempts: opts.maxAttempts ?? 8,
      availableAt: new Date(Date.now() + (opts.delayMs ?? 0)),
    })
    .orIgnore()
    .execute();
}

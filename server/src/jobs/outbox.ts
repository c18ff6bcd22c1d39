import type { EntityManager } from "typeorm";
import { driverOf } from "../db/dataSource";
import { OutboxJob } from "./entities";
import type { JobName } from "./names";

export interface EnqueueOptions {
  /** the same key enqueued twice is one job (the second enqueue is a no-op and the first job stays as it is) */
  dedupeKey?: string;
  /** run no earlier than this many milliseconds from now */
  delayMs?: number;
  /** run no earlier than this instant (instead of delayMs) */
  at?: Date;
  maxAttempts?: number;
}

/**
 * Write a job into the outbox. Call it with the manager of the transaction that makes the change the job
 * follows from: both commit together or neither does.
 *
 * With a dedupe key the insert is a no-op when the key exists (a restart scheduling the same turn of a
 * periodic job, a job that runs twice). Nothing is read back after the insert (`updateEntity(false)`):
 * TypeORM would otherwise re-read the row by the id the driver reports, and after a no-op insert there is
 * none — SQLite reports the connection's last insert anywhere (0 on a fresh connection), MySQL (and
 * MariaDB with DB_FLAVOR=mysql) reports 0 — and it throws "Cannot update entity because entity id is not
 * set in the entity": every start whose periodic turns a previous process had already written failed.
 * Only a clash on the key is ignored: any other failure (a value too long, a constraint) still throws.
 */
export async function enqueue(
  manager: EntityManager,
  name: JobName,
  payload: unknown,
  opts: EnqueueOptions = {},
): Promise<void> {
  const insert = manager
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
      availableAt: opts.at ?? new Date(Date.now() + (opts.delayMs ?? 0)),
    })
    .updateEntity(false);
  if (opts.dedupeKey == null) {
    await insert.execute();
    return;
  }
  if (driverOf(manager.connection) === "mysql") {
    // ON DUPLICATE KEY UPDATE dedupe_key = VALUES(dedupe_key): a no-op on the existing row; unlike
    // INSERT IGNORE it does not turn other errors (truncation, bad values) into warnings
    await insert.orUpdate(["dedupe_key"], ["dedupe_key"]).execute();
  } else {
    // ON CONFLICT (dedupe_key) DO NOTHING: unlike INSERT OR IGNORE, only this conflict is skipped
    await insert.orUpdate([], ["dedupe_key"]).execute();
  }
}

/**
 * Many jobs of one name in one multi-row INSERT (a planning run writes thousands): the same rules as
 * `enqueue` — call it in the transaction of the change, a dedupe key that exists already is a no-op.
 */
export async function enqueueMany(
  manager: EntityManager,
  name: JobName,
  items: { payload: unknown; dedupeKey?: string; at?: Date }[],
  opts: { maxAttempts?: number } = {},
): Promise<void> {
  if (items.length === 0) return;
  const now = Date.now();
  const insert = manager
    .createQueryBuilder()
    .insert()
    .into(OutboxJob)
    .values(
      items.map((it) => ({
        jobName: name,
        payload: JSON.stringify(it.payload),
        dedupeKey: it.dedupeKey ?? null,
        status: "pending" as const,
        attempts: 0,
        maxAttempts: opts.maxAttempts ?? 8,
        availableAt: it.at ?? new Date(now),
      })),
    )
    .updateEntity(false);
  if (driverOf(manager.connection) === "mysql") await insert.orUpdate(["dedupe_key"], ["dedupe_key"]).execute();
  else await insert.orUpdate([], ["dedupe_key"]).execute();
}

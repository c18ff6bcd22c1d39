import { z } from "zod";
import type { DataSource, EntityManager } from "typeorm";
import type { JobName } from "./names";
import { enqueue } from "./outbox";
import { defineJob } from "./registry";

/**
 * A job that runs every `everyMs` on the clock's grid (e.g. each minute's turn): each run schedules the
 * next one, and the slot number in the dedupe key keeps two processes (or a restart) from scheduling the
 * same turn twice. The first run is scheduled at start (`schedulePeriodic`).
 */
export async function schedulePeriodic(
  m: EntityManager,
  name: JobName,
  everyMs: number,
  now = new Date(),
): Promise<void> {
  const slot = Math.floor(now.getTime() / everyMs) + 1;
  await enqueue(m, name, { slot }, { dedupeKey: `${name}:${slot}`, at: new Date(slot * everyMs) });
}

export function periodicJob(name: JobName, everyMs: number, run: (ds: DataSource) => Promise<void>) {
  return defineJob({
    name,
    schema: z.object({ slot: z.number().int() }),
    maxAttempts: 2,
    async handle(_payload, { ds }) {
      try {
        await run(ds);
      } finally {
        await schedulePeriodic(ds.manager, name, everyMs);
      }
    },
  });
}

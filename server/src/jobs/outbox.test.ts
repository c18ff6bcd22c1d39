import "reflect-metadata";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DataSource } from "typeorm";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { OutboxJob } from "./entities";
import type { JobName } from "./names";
import { enqueue } from "./outbox";
import { periodicJob, schedulePeriodic } from "./periodic";

/**
 * The outbox on SQLite, the embedded default. Each "process" is a DataSource of its own on one database
 * file, the way a restarted server opens it: a fresh connection that has inserted nothing yet.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warmline-outbox-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let file = "";
const open: DataSource[] = [];

async function process_(): Promise<DataSource> {
  const ds = new DataSource({ type: "better-sqlite3", database: file, entities: [OutboxJob], synchronize: true });
  await ds.initialize();
  open.push(ds);
  return ds;
}

beforeEach(() => {
  file = path.join(dir, `outbox-${Date.now()}-${Math.random().toString(36).slice(2)}.sqlite`);
});
afterEach(async () => {
  for (const ds of open.splice(0)) if (ds.isInitialized) await ds.destroy();
});

const JOB = "test.job" as JobName;
const rows = (ds: DataSource) => ds.getRepository(OutboxJob).find({ order: { id: "ASC" } });

describe("enqueue with a dedupe key (SQLite)", () => {
  it("a key a previous process already wrote is one job, and enqueueing it again is not an error", async () => {
    const first = await process_();
    await enqueue(first.manager, JOB, { n: 1 }, { dedupeKey: "k:1" });
    await first.destroy();

    const second = await process_(); // the restarted server: nothing inserted on this connection yet
    await expect(enqueue(second.manager, JOB, { n: 2 }, { dedupeKey: "k:1" })).resolves.toBeUndefined();
    const all = await rows(second);
    expect(all).toHaveLength(1);
    expect(JSON.parse(all[0].payload)).toEqual({ n: 1 }); // the first job stays as it was
  });

  it("a duplicate inside a transaction leaves the transaction's other writes in place", async () => {
    const first = await process_();
    await enqueue(first.manager, JOB, {}, { dedupeKey: "k:dup" });
    await first.destroy();

    const ds = await process_();
    await ds.transaction(async (m) => {
      await enqueue(m, JOB, {}, { dedupeKey: "k:dup" });
      await enqueue(m, JOB, {}, { dedupeKey: "k:new" });
      await enqueue(m, JOB, {}, { dedupeKey: "k:dup" });
    });
    expect((await rows(ds)).map((r) => r.dedupeKey)).toEqual(["k:dup", "k:new"]);
  });

  it("jobs without a key are never merged", async () => {
    const ds = await process_();
    await enqueue(ds.manager, JOB, { a: 1 });
    await enqueue(ds.manager, JOB, { a: 1 });
    expect(await rows(ds)).toHaveLength(2);
  });
});

describe("periodic jobs across restarts (SQLite)", () => {
  const EVERY = 60_000;
  const at = new Date("2026-12-03T08:00:30Z");

  it("scheduling the first turn again in the same minute (a restart) is a no-op, not a failed start", async () => {
    for (let restart = 0; restart < 3; restart++) {
      const ds = await process_();
      await expect(schedulePeriodic(ds.manager, JOB, EVERY, at)).resolves.toBeUndefined();
      await ds.destroy();
    }
    const ds = await process_();
    const all = await rows(ds);
    expect(all).toHaveLength(1);
    expect(all[0].dedupeKey).toBe(`${JOB}:${Math.floor(at.getTime() / EVERY) + 1}`);
  });

  it("a turn is due at the start of its minute, whenever it was scheduled", async () => {
    const ds = await process_();
    await schedulePeriodic(ds.manager, JOB, EVERY, at);
    const [row] = await rows(ds);
    expect(row.availableAt.toISOString()).toBe("2026-12-03T08:01:00.000Z");
  });

  it("a turn whose next turn is already scheduled (a rerun after a crash, a second worker) still succeeds", async () => {
    let runs = 0;
    const job = periodicJob(JOB, EVERY, async () => {
      runs++;
    });
    const first = await process_();
    await schedulePeriodic(first.manager, JOB, EVERY); // the next turn, as the turn's first run left it
    await first.destroy();

    const ds = await process_();
    await expect(job.handle({ slot: 1 }, { ds, outboxId: 1, attempt: 1 })).resolves.toBeUndefined();
    expect(runs).toBe(1);
    expect(await rows(ds)).toHaveLength(1);
  });
});

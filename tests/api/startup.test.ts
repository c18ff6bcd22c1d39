import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDeps, createDeps, startModules } from "@warmline/server/src/bootstrap";
import { loadConfig } from "@warmline/server/src/config";
import type { Deps } from "@warmline/server/src/deps";
import { OutboxJob } from "@warmline/server/src/jobs/entities";
import type { JobName } from "@warmline/server/src/jobs/names";
import { enqueue } from "@warmline/server/src/jobs/outbox";
import { periodicJob, schedulePeriodic } from "@warmline/server/src/jobs/periodic";
import { freshDatabase } from "../support/db";
import { workerTag } from "../support/env";

/**
 * Start-up on MariaDB, the way processes really start: each `createDeps` is a new process's pool, with
 * connections that have inserted nothing yet.
 */
let db: Awaited<ReturnType<typeof freshDatabase>>;
const opened: Deps[] = [];

afterAll(async () => {
  for (const d of opened) if (d.ds.isInitialized) await closeDeps(d);
  await db?.drop();
});

type Flavor = "mariadb" | "mysql";
let flavor: Flavor = "mariadb";

function config(role: "all" | "api" | "worker" = "all") {
  return loadConfig({
    DB_FLAVOR: flavor,
    NODE_ENV: "test",
    WARMLINE_DEV: "true",
    LOG_LEVEL: "silent",
    DB_DRIVER: "mysql",
    DATABASE_URL: db.url,
    JOBS_MODE: "inprocess",
    PROCESS_ROLE: role,
    DATA_DIR: `/tmp/warmline-test-${workerTag()}`,
    SERVE_CLIENTS: "false",
  });
}

async function processDeps(role: "all" | "api" | "worker" = "all", migrate = false): Promise<Deps> {
  const deps = await createDeps(config(role), { migrate });
  opened.push(deps);
  return deps;
}

async function stop(deps: Deps) {
  await closeDeps(deps);
  opened.splice(opened.indexOf(deps), 1);
}

const JOB = "test.job" as JobName;

/**
 * Both TypeORM flavours against the MariaDB server: "mariadb" (INSERT … RETURNING) and "mysql" (what a
 * MySQL server gets: the id of an insert comes back as insertId, 0 when nothing was inserted).
 */
describe.each(["mariadb", "mysql"] as const)("start-up on MariaDB (DB_FLAVOR=%s)", (f) => {
  beforeAll(async () => {
    flavor = f;
    await db?.drop();
    db = await freshDatabase("startup");
  });

  it("an API and a worker that migrate one empty database at the same moment both start", async () => {
    const [api, worker] = await Promise.all([processDeps("api", true), processDeps("worker", true)]);
    const applied = (await api.ds.query("SELECT name FROM schema_migrations")) as { name: string }[];
    expect(applied.length).toBeGreaterThan(0);
    expect(new Set(applied.map((r) => r.name)).size).toBe(applied.length); // each migration ran once
    await stop(api);
    await stop(worker);
  });

  it("a process that starts again (and again) schedules the first turns of every periodic job once", async () => {
    for (let start = 0; start < 3; start++) {
      const deps = await processDeps("worker");
      await expect(startModules(deps)).resolves.toBeUndefined();
      await stop(deps);
    }
    const deps = await processDeps();
    const rows = await deps.ds.getRepository(OutboxJob).find();
    const names = new Set(rows.map((r) => r.jobName));
    for (const name of ["payments.reconcile_daily", "tickets.sla_sweep", "tickets.photo_cleanup"]) {
      expect(names).toContain(name);
    }
    const keys = rows.map((r) => r.dedupeKey);
    expect(new Set(keys).size).toBe(keys.length);
    await stop(deps);
  });

  it("enqueue: a key another process already wrote is a no-op; the first job stays", async () => {
    const first = await processDeps();
    await enqueue(first.ds.manager, JOB, { n: 1 }, { dedupeKey: "startup:k1" });
    await stop(first);
    const second = await processDeps();
    await second.ds.transaction(async (m) => {
      await enqueue(m, JOB, { n: 2 }, { dedupeKey: "startup:k1" });
      await enqueue(m, JOB, { n: 3 }, { dedupeKey: "startup:k2" });
    });
    const rows = await second.ds.getRepository(OutboxJob).find({ where: { jobName: JOB }, order: { id: "ASC" } });
    expect(rows.map((r) => [r.dedupeKey, JSON.parse(r.payload).n])).toEqual([
      ["startup:k1", 1],
      ["startup:k2", 3],
    ]);
    await stop(second);
  });

  it("enqueue: a key longer than its column is an error, not a truncated key that could swallow another job", async () => {
    const deps = await processDeps();
    const long = `startup:${"x".repeat(200)}`;
    await expect(enqueue(deps.ds.manager, JOB, {}, { dedupeKey: long })).rejects.toThrow(/too long|Data too long/i);
    expect(await deps.ds.getRepository(OutboxJob).countBy({ jobName: JOB, payload: "{}" })).toBe(0);
    await stop(deps);
  });

  it("a periodic turn whose next turn another process already scheduled still succeeds", async () => {
    const every = 3_600_000;
    const name = "test.periodic" as JobName;
    const first = await processDeps();
    await schedulePeriodic(first.ds.manager, name, every);
    await stop(first);
    const deps = await processDeps();
    let runs = 0;
    const job = periodicJob(name, every, async () => {
      runs++;
    });
    await expect(job.handle({ slot: 1 }, { ds: deps.ds, outboxId: 1, attempt: 1 })).resolves.toBeUndefined();
    expect(runs).toBe(1);
    expect(await deps.ds.getRepository(OutboxJob).countBy({ jobName: name })).toBe(1);
    await stop(deps);
  });
});

import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BullMqRunner, bullJobId, QUEUE_NAME } from "@warmline/server/src/jobs/bullmqRunner";
import { OutboxJob } from "@warmline/server/src/jobs/entities";
import { executeOutboxJob } from "@warmline/server/src/jobs/execute";
import { buildRegistry } from "@warmline/server/src/bootstrap";
import { redisOptions } from "@warmline/server/src/jobs/redis";
import { Notification } from "@warmline/server/src/modules/notifications";
import { bindByName, seedSmallCounty } from "../support/county";
import { residentLogin } from "../support/http";
import { ownRedis } from "../support/redis";
import { until } from "../support/wait";
import { startTestServer, type TestServer } from "../support/server";

let redis: Awaited<ReturnType<typeof ownRedis>>;
let srv: TestServer;
let county: Awaited<ReturnType<typeof seedSmallCounty>>;

beforeAll(async () => {
  redis = await ownRedis();
  // an API-only process: it writes outbox rows, relays nothing and runs no jobs by itself
  srv = await startTestServer({ REDIS_URL: redis.url, PROCESS_ROLE: "api", OUTBOX_LEASE_MS: "300" });
  county = await seedSmallCounty(srv.deps, 20);
});
afterAll(async () => {
  await srv?.close();
  await redis?.stop();
});

describe("outbox → relay → BullMQ", () => {
  it("does not lose a job when Redis loses its data between enqueue and run", async () => {
    const me = await residentLogin(srv.url);
    const h = county.households[0];
    const bound = await bindByName(me.api, h);
    expect(bound.status).toBe(201);
    const outbox = srv.deps.ds.getRepository(OutboxJob);
    const row = await outbox.findOneByOrFail({ jobName: "notify.account_bound" });
    expect(row.status).toBe("pending");

    // relay it into Redis, with no worker running
    const relayOnly = srv.deps.jobs as BullMqRunner;
    await relayOnly.relay();
    const queue = new Queue(QUEUE_NAME, { connection: redisOptions(redis.url), prefix: srv.deps.config.jobs.prefix });
    expect(await queue.getJob(bullJobId(row))).toBeTruthy();
    expect((await outbox.findOneByOrFail({ id: row.id })).status).toBe("dispatched");
    await queue.close();

    // Redis restarts empty: the queued job is gone
    await redis.restart();

    // a worker process comes up: the expired lease sends the job again and it runs once
    const worker = new BullMqRunner(
      srv.deps.ds,
      buildRegistry(() => srv.deps),
      {
        redisUrl: redis.url,
        prefix: srv.deps.config.jobs.prefix,
        pollMs: 50,
        leaseMs: 300,
        work: true,
      },
    );
    await worker.start();
    try {
      const done = await until(async () => {
        const r = await outbox.findOneByOrFail({ id: row.id });
        return r.status === "done" ? r : null;
      });
      expect(done.status).toBe("done");
      const notes = await srv.deps.ds.getRepository(Notification).findBy({ residentUserId: me.resident.id });
      expect(notes).toHaveLength(1);
      expect(notes[0].kind).toBe("account_bound");
    } finally {
      await worker.stop();
    }
  });

  it("a job that runs twice has one effect", async () => {
    const me = await residentLogin(srv.url);
    const h = county.households[1];
    await bindByName(me.api, h);
    const outbox = srv.deps.ds.getRepository(OutboxJob);
    const rows = await outbox.find({ where: { jobName: "notify.account_bound" }, order: { id: "DESC" }, take: 1 });
    const registry = buildRegistry(() => srv.deps);
    await Promise.all([
      executeOutboxJob(srv.deps.ds, registry, rows[0].id),
      executeOutboxJob(srv.deps.ds, registry, rows[0].id),
    ]);
    // and once more after it finished, as a redelivered queue job would
    await outbox.update({ id: rows[0].id }, { status: "dispatched" });
    await executeOutboxJob(srv.deps.ds, registry, rows[0].id);
    const notes = await srv.deps.ds.getRepository(Notification).findBy({ residentUserId: me.resident.id });
    expect(notes).toHaveLength(1);
    expect((await outbox.findOneByOrFail({ id: rows[0].id })).status).toBe("done");
  });

  it("the binding and its outbox row commit together (a failed bind leaves no job)", async () => {
    const before = await srv.deps.ds.getRepository(OutboxJob).count();
    const me = await residentLogin(srv.url);
    const h = county.households[2];
    const bad = await bindByName(me.api, h, "不是户主");
    expect(bad.status).toBe(400);
    expect(await srv.deps.ds.getRepository(OutboxJob).count()).toBe(before);
  });

  it("health reports the database and the queue, and degrades when Redis is gone", async () => {
    // the earlier test restarted Redis: the API's connection comes back by itself
    const ok = await until(async () => {
      const r = await fetch(`${srv.url}/api/v1/health`);
      return r.status === 200 ? r : null;
    }, 10_000);
    expect(await ok.json()).toMatchObject({ status: "ok", db: { ok: true }, queue: { ok: true, mode: "bullmq" } });
    await redis.stop();
    const down = await fetch(`${srv.url}/api/v1/health`);
    expect(down.status).toBe(503);
    const body = (await down.json()) as { status: string; db: { ok: boolean }; queue: { ok: boolean } };
    expect(body).toMatchObject({ status: "degraded", db: { ok: true }, queue: { ok: false } });
  });
});

import { type Job, Queue, Worker } from "bullmq";
import type { DataSource } from "typeorm";
import { logger } from "../lib/logger";
import { claimDue, expiredLeases, pendingCount, releaseToPending, renewLeases } from "./claim";
import type { OutboxJob } from "./entities";
import { executeOutboxJob } from "./execute";
import { redisOptions } from "./redis";
import type { JobRegistry } from "./registry";
import type { JobRunner } from "./runner";

export const QUEUE_NAME = "jobs";

export function bullJobId(row: Pick<OutboxJob, "id" | "attempts">): string {
  return `ob-${row.id}-${row.attempts}`;
}

/**
 * Production: a relay moves due outbox rows into BullMQ; workers run them. The outbox stays the source of
 * truth: a row whose lease runs out and whose BullMQ job is gone (Redis lost its data, a crash between
 * claim and add) goes back to pending and is sent again.
 */
export class BullMqRunner implements JobRunner {
  readonly mode = "bullmq" as const;
  private readonly queue: Queue;
  private worker: Worker | null = null;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private stopping = false;

  constructor(
    private readonly ds: DataSource,
    private readonly registry: JobRegistry,
    private readonly opts: {
      redisUrl: string;
      prefix: string;
      pollMs: number;
      leaseMs: number;
      concurrency?: number;
      /** run the relay and workers here (worker processes) or only enqueue (API processes) */
      work: boolean;
    },
  ) {
    this.queue = new Queue(QUEUE_NAME, { connection: redisOptions(opts.redisUrl, "producer"), prefix: opts.prefix });
    this.queue.on("error", (err) => logger.warn({ err: err.message }, "queue connection error"));
  }

  async start() {
    this.registry.assertComplete();
    if (!this.opts.work) return;
    this.worker = new Worker(
      QUEUE_NAME,
      async (job: Job<{ outboxId: number }>) => executeOutboxJob(this.ds, this.registry, job.data.outboxId),
      {
        connection: redisOptions(this.opts.redisUrl),
        prefix: this.opts.prefix,
        concurrency: this.opts.concurrency ?? 8,
      },
    );
    this.worker.on("error", (err) => logger.warn({ err: err.message }, "worker connection error"));
    this.schedule(0);
  }

  kick() {
    if (this.opts.work && !this.stopping) this.schedule(0);
  }

  private schedule(ms: number) {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.ticking) return this.schedule(20);
      this.ticking = this.relay()
        .catch((err) => logger.warn({ err: (err as Error).message }, "outbox relay tick failed"))
        .finally(() => {
          this.ticking = null;
          if (!this.stopping && !this.timer) this.schedule(this.opts.pollMs);
        });
    }, ms);
    this.timer.unref?.();
  }

  /** One relay pass: recover lost jobs, then dispatch due rows. */
  async relay() {
    await this.ready();
    await this.recoverLost();
    for (const row of await claimDue(this.ds, 200)) {
      try {
        await this.queue.add(
          row.jobName,
          { outboxId: row.id },
          { jobId: bullJobId(row), removeOnComplete: 1000, removeOnFail: 5000, attempts: 1 },
        );
      } catch (err) {
        await releaseToPending(this.ds, [row]);
        throw err;
      }
    }
  }

  private async recoverLost() {
    const expired = await expiredLeases(this.ds, this.opts.leaseMs);
    if (!expired.length) return;
    const lost: OutboxJob[] = [];
    const alive: number[] = [];
    for (const row of expired) {
      const job = await this.queue.getJob(bullJobId(row));
      const state = job ? await job.getState() : "missing";
      if (state === "missing" || state === "unknown" || state === "completed" || state === "failed") lost.push(row);
      else alive.push(row.id);
    }
    await renewLeases(this.ds, alive);
    const n = await releaseToPending(this.ds, lost);
    if (n) logger.warn({ count: n }, "outbox: re-sent jobs the queue no longer holds");
  }

  /**
   * Waits for jobs in flight, then closes the connections. If Redis is unreachable a clean close never
   * completes (the client keeps reconnecting), so after a grace period the connections are dropped.
   */
  async stop(graceMs = 10_000) {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
    const worker = this.worker;
    if (worker)
      await closeWithin(
        graceMs,
        () => worker.close(),
        () => worker.disconnect(),
      );
    // a clean close sends QUIT, which a fail-fast producer connection rejects while Redis is away
    const status = await withTimeout(this.queue.getBackend().client, 1_000, "no client")
      .then((c) => (c as unknown as { status: string }).status)
      .catch(() => "unknown");
    if (status === "ready")
      await closeWithin(
        2_000,
        () => this.queue.close(),
        () => this.queue.disconnect(),
      );
    else
      await closeWithin(
        1_000,
        () => this.queue.disconnect(),
        async () => undefined,
      );
  }

  /** The producer connection fails fast while Redis is away; wait (briefly) until it is back. */
  private async ready(ms = 2_000) {
    await withTimeout(this.queue.waitUntilReady(), ms, "redis not ready");
  }

  async health() {
    try {
      await this.ready(1_000);
      const client = await this.queue.getBackend().client;
      const pong = await withTimeout(
        (client as unknown as { ping(): Promise<string> }).ping(),
        1_000,
        "redis ping timeout",
      );
      return { ok: pong === "PONG", mode: this.mode, pending: await pendingCount(this.ds) };
    } catch (err) {
      return { ok: false, mode: this.mode, error: (err as Error).message };
    }
  }
}

async function closeWithin(ms: number, close: () => Promise<void>, force: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((r) => {
    timer = setTimeout(() => r("timeout"), ms);
  });
  const result = await Promise.race([close().then(() => "closed" as const), timedOut]);
  clearTimeout(timer);
  if (result === "timeout") {
    logger.warn("queue connection did not close in time; dropping it");
    await Promise.race([force().catch(() => undefined), new Promise((r) => setTimeout(r, 1_000).unref())]);
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

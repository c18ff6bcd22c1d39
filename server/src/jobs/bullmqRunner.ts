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
    this.queue = new Queue(QUEUE_NAME, { connection: redisOptions(opts.redisUrl), prefix: opts.prefix });
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

  async stop() {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
    await this.worker?.close();
    await this.queue.close();
  }

  async health() {
    try {
      const client = await this.queue.getBackend().client;
      const pong = await Promise.race([
        (client as unknown as { ping(): Promise<string> }).ping(),
        new Promise<string>((_, rej) => setTimeout(() => rej(new Error("redis ping timeout")), 1000)),
      ]);
      return { ok: pong === "PONG", mode: this.mode, pending: await pendingCount(this.ds) };
    } catch (err) {
      return { ok: false, mode: this.mode, error: (err as Error).message };
    }
  }
}

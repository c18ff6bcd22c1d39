import type { DataSource } from "typeorm";
import { logger } from "../lib/logger";
import { claimDue, expiredLeases, pendingCount, releaseToPending } from "./claim";
import { executeOutboxJob } from "./execute";
import type { JobRegistry } from "./registry";
import type { JobRunner } from "./runner";

/** Embedded default: the API process polls the outbox and runs jobs itself. No Redis. */
export class InProcessRunner implements JobRunner {
  readonly mode = "inprocess" as const;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private readonly inflight = new Map<number, Promise<void>>();
  private stopping = false;

  constructor(
    private readonly ds: DataSource,
    private readonly registry: JobRegistry,
    private readonly opts: { pollMs: number; leaseMs: number; concurrency?: number },
  ) {}

  async start() {
    this.registry.assertComplete();
    this.schedule(0);
  }

  kick() {
    if (!this.stopping) this.schedule(0);
  }

  private schedule(ms: number) {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.ticking) return this.schedule(20);
      this.ticking = this.tick()
        .catch((err) => logger.error({ err }, "job runner tick failed"))
        .finally(() => {
          this.ticking = null;
          if (!this.stopping && !this.timer) this.schedule(this.opts.pollMs);
        });
    }, ms);
    this.timer.unref?.();
  }

  private async tick() {
    const expired = (await expiredLeases(this.ds, this.opts.leaseMs)).filter((r) => !this.inflight.has(r.id));
    if (expired.length) {
      const n = await releaseToPending(this.ds, expired);
      if (n) logger.warn({ count: n }, "outbox: re-queued jobs whose run was lost");
    }
    const free = (this.opts.concurrency ?? 4) - this.inflight.size;
    for (const row of await claimDue(this.ds, free)) {
      if (this.stopping) break;
      const p = executeOutboxJob(this.ds, this.registry, row.id)
        .catch((err) => logger.error({ err, outboxId: row.id }, "job crashed"))
        .finally(() => {
          this.inflight.delete(row.id);
          this.kick();
        });
      this.inflight.set(row.id, p);
    }
  }

  async stop() {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
    await Promise.allSettled([...this.inflight.values()]);
  }

  async health() {
    try {
      return { ok: true, mode: this.mode, pending: await pendingCount(this.ds) };
    } catch (err) {
      return { ok: false, mode: this.mode, error: (err as Error).message };
    }
  }
}

import { Entity, Index } from "typeorm";
import { CreatedAt, IdColumn, Instant, Int, Str, Text } from "../db/columns";

export type OutboxStatus = "pending" | "dispatched" | "done" | "failed";

/**
 * Transactional outbox: a job is a row written in the same transaction as the change that needs it.
 * The database row is the source of truth; the queue is only transport.
 */
@Entity("outbox")
@Index(["status", "availableAt"])
export class OutboxJob {
  @IdColumn() id!: number;
  @Str(64, { name: "job_name" }) jobName!: string;
  @Text() payload!: string;
  /** optional: the same key enqueued twice is one job */
  @Index({ unique: true }) @Str(128, { name: "dedupe_key", nullable: true }) dedupeKey!: string | null;
  @Str(16, { default: "pending" }) status!: OutboxStatus;
  @Int({ default: 0 }) attempts!: number;
  @Int({ name: "max_attempts", default: 8 }) maxAttempts!: number;
  @Instant({ name: "available_at" }) availableAt!: Date;
  @Instant({ name: "dispatched_at", nullable: true }) dispatchedAt!: Date | null;
  @Instant({ name: "finished_at", nullable: true }) finishedAt!: Date | null;
  @Text({ name: "last_error", nullable: true }) lastError!: string | null;
  @CreatedAt() createdAt!: Date;
}

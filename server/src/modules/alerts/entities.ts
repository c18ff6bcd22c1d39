import { Entity, Index } from "typeorm";
import { CreatedAt, IdColumn, Instant, Int, Json, Str, Text } from "../../db/columns";

/**
 * 升级提醒: something the system escalates to a group of staff (the audience role), kept until one of
 * them acknowledges it. One row per alert, shared by the audience; `dedupeKey` makes whatever raises it
 * twice (a timer and the sweeper) raise it once. Subject: what it is about (a ticket now; a legal case
 * or a reconciliation run later).
 */
@Entity("staff_alerts")
@Index(["audience", "ackAt", "createdAt"])
export class StaffAlert {
  @IdColumn() id!: number;
  @Str(32) kind!: string;
  /** the role whose members see and acknowledge it */
  @Str(32) audience!: string;
  @Index({ unique: true }) @Str(128, { name: "dedupe_key" }) dedupeKey!: string;
  @Str(32, { name: "subject_type" }) subjectType!: string;
  @Int({ name: "subject_id" }) subjectId!: number;
  @Int({ name: "station_id", nullable: true }) stationId!: number | null;
  @Str(100) title!: string;
  @Text() body!: string;
  /** kind-specific facts (an SLA breach: clock, dueAt, cycle) */
  @Json({ nullable: true }) data!: Record<string, unknown> | null;
  @Instant({ name: "ack_at", nullable: true }) ackAt!: Date | null;
  @Int({ name: "ack_by", nullable: true }) ackBy!: number | null;
  @Str(200, { name: "ack_note", nullable: true }) ackNote!: string | null;
  @CreatedAt() createdAt!: Date;
}

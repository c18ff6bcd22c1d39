import { Entity, Index } from "typeorm";
import { CreatedAt, IdColumn, Int, Json, Str } from "../../db/columns";

/** 审计日志: who read unmasked personal data, exported data, or changed something that matters. */
@Entity("audit_logs")
@Index(["actorType", "actorId", "createdAt"])
@Index(["action", "createdAt"])
export class AuditLog {
  @IdColumn() id!: number;
  @Str(16, { name: "actor_type" }) actorType!: "staff" | "resident" | "system";
  @Int({ name: "actor_id", nullable: true }) actorId!: number | null;
  @Str(64) action!: string;
  @Str(32, { name: "target_type", nullable: true }) targetType!: string | null;
  @Str(64, { name: "target_id", nullable: true }) targetId!: string | null;
  @Json({ nullable: true }) details!: Record<string, unknown> | null;
  @Str(64, { nullable: true }) ip!: string | null;
  @Str(64, { name: "request_id", nullable: true }) requestId!: string | null;
  @Index() @CreatedAt() createdAt!: Date;
}

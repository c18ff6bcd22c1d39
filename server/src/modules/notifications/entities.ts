import { Entity, Index } from "typeorm";
import { CreatedAt, IdColumn, Instant, Int, Str, Text } from "../../db/columns";

/** A message to a resident (in-app, WeChat subscribe message, Alipay message or SMS). */
@Entity("notifications")
@Index(["residentUserId", "createdAt"])
export class Notification {
  @IdColumn() id!: number;
  @Int({ name: "resident_user_id" }) residentUserId!: number;
  @Str(32) kind!: string;
  @Str(16) channel!: "inapp" | "wechat" | "alipay" | "sms";
  @Str(100) title!: string;
  @Text() body!: string;
  /** makes a job that runs twice produce one notification */
  @Index({ unique: true }) @Str(128, { name: "dedupe_key" }) dedupeKey!: string;
  @Str(16, { default: "sent" }) status!: "pending" | "sent" | "failed";
  @Instant({ name: "sent_at", nullable: true }) sentAt!: Date | null;
  @CreatedAt() createdAt!: Date;
}

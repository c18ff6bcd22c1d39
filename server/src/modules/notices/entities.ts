import type { NoticeAudience, NoticeKind } from "@warmline/shared";
import { Entity, Index } from "typeorm";
import { Bool, CreatedAt, IdColumn, Instant, Int, Json, Str, Text, UpdatedAt } from "../../db/columns";

/**
 * 供热公告: a notice to residents. The body is plain text with a few marks (shared/src/notices.ts), never
 * HTML. Instants are UTC; residents and staff read them in Beijing time.
 */
@Entity("notices")
@Index(["publishAt"])
export class Notice {
  @IdColumn() id!: number;
  @Str(60) title!: string;
  @Text() body!: string;
  @Str(16) kind!: NoticeKind;
  @Str(16) audience!: NoticeAudience;
  /** the communities or stations it is addressed to (empty for everyone) */
  @Json({ name: "community_ids" }) communityIds!: number[];
  @Json({ name: "station_ids" }) stationIds!: number[];
  @Bool({ default: false }) pinned!: boolean;
  @Instant({ name: "publish_at" }) publishAt!: Date;
  @Instant({ name: "expire_at", nullable: true }) expireAt!: Date | null;
  @Int({ name: "image_id", nullable: true }) imageId!: number | null;
  @Int({ name: "author_staff_id" }) authorStaffId!: number;
  /** the author's name when it was written (staff accounts may be renamed or disabled later) */
  @Str(64, { name: "author_name" }) authorName!: string;
  @Instant({ name: "withdrawn_at", nullable: true }) withdrawnAt!: Date | null;
  @Int({ name: "withdrawn_by", nullable: true }) withdrawnBy!: number | null;
  @Str(200, { name: "withdraw_reason", nullable: true }) withdrawReason!: string | null;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

/** An image uploaded for a notice (JPG/PNG/WebP by its bytes); served behind signed links. */
@Entity("notice_images")
export class NoticeImage {
  @IdColumn() id!: number;
  @Str(128, { name: "storage_key" }) storageKey!: string;
  @Str(32) mime!: string;
  @Int() size!: number;
  @Str(64) sha256!: string;
  @Int({ name: "uploaded_by" }) uploadedBy!: number;
  @CreatedAt() createdAt!: Date;
}

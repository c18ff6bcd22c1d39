import type { LegalPacketState } from "@warmline/shared";
import { Entity, Index } from "typeorm";
import { CreatedAt, FkColumn, IdColumn, Instant, Int, Str, Text, UpdatedAt } from "../../db/columns";

/**
 * 诉讼材料包: one ZIP of a case's evidence, built by the job "legal.packet_build" (queued → building →
 * ready | failed, `progress` 0–100 as the sections finish). The ZIP is stored under `fileKey` only once it is
 * whole (a failed build leaves no key). It may be downloaded once: the first download through a signed link
 * sets `downloadedAt`/`downloadedBy` and every later one is refused (LEGAL_PACKET_LINK_USED).
 */
@Entity("legal_packets")
@Index(["caseId", "id"])
export class LegalPacket {
  @IdColumn() id!: number;
  @FkColumn({ name: "case_id" }) caseId!: number;
  @Str(16) state!: LegalPacketState;
  @Int({ default: 0 }) progress!: number;
  @Str(32, { nullable: true }) stage!: string | null;
  @Str(200, { name: "file_key", nullable: true }) fileKey!: string | null;
  @Int({ nullable: true }) bytes!: number | null;
  @Str(64, { nullable: true }) sha256!: string | null;
  @Text({ nullable: true }) error!: string | null;
  @Int({ name: "requested_by" }) requestedBy!: number;
  @Instant({ name: "finished_at", nullable: true }) finishedAt!: Date | null;
  /** who asked for the (one-time) download link last, and when */
  @Int({ name: "link_issued_by", nullable: true }) linkIssuedBy!: number | null;
  @Instant({ name: "link_issued_at", nullable: true }) linkIssuedAt!: Date | null;
  @Instant({ name: "downloaded_at", nullable: true }) downloadedAt!: Date | null;
  @Int({ name: "downloaded_by", nullable: true }) downloadedBy!: number | null;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

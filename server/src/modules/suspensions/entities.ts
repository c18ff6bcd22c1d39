import type { SuspensionKind, SuspensionStatus } from "@warmline/shared";
import { Entity, Index, JoinColumn, ManyToOne, type Relation } from "typeorm";
import { Bool, CreatedAt, FkColumn, IdColumn, Instant, Int, Str, UpdatedAt } from "../../db/columns";
import { HeatingAccount } from "../accounts";

/**
 * 报停/复供申请: one account, one season, one kind. `openFlag` is true while the application is pending or
 * granted; the unique key (account, season, openFlag) lets only one such application exist per account and
 * season (withdrawn and rejected ones set it NULL, which never collides). The valve visit (上门关阀/开阀) is a
 * technician's task on the same row, confirmed with a photo of the sealed (or opened) valve.
 */
@Entity("suspension_applications")
@Index(["accountId", "seasonCode", "openFlag"], { unique: true })
@Index(["status", "id"])
export class SuspensionApplication {
  @IdColumn() id!: number;
  @Index() @FkColumn({ name: "account_id" }) accountId!: number;
  @ManyToOne(() => HeatingAccount, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "account_id" })
  account?: Relation<HeatingAccount>;
  @Str(16) kind!: SuspensionKind;
  /** the season it takes effect from, "2027-2028" */
  @Str(9, { name: "season_code" }) seasonCode!: string;
  /** the last day to apply for that season, as it was when the application was filed */
  @Str(10) deadline!: string;
  @Str(200) reason!: string;
  @Str(24, { default: "pending" }) status!: SuspensionStatus;
  @Bool({ name: "open_flag", nullable: true }) openFlag!: boolean | null;
  /** resident (mini-program) or staff (for a resident at the counter or the hotline) */
  @Str(16) channel!: "resident" | "staff";
  @Int({ name: "resident_user_id", nullable: true }) residentUserId!: number | null;
  @Int({ name: "reviewer_id", nullable: true }) reviewerId!: number | null;
  @Str(64, { name: "reviewer_name", nullable: true }) reviewerName!: string | null;
  @Str(200, { name: "review_note", nullable: true }) reviewNote!: string | null;
  @Instant({ name: "reviewed_at", nullable: true }) reviewedAt!: Date | null;
  @Index() @Int({ name: "technician_id", nullable: true }) technicianId!: number | null;
  @Str(64, { name: "technician_name", nullable: true }) technicianName!: string | null;
  @Str(10, { name: "visit_date", nullable: true }) visitDate!: string | null;
  @Str(200, { name: "photo_key", nullable: true }) photoKey!: string | null;
  @Str(32, { name: "photo_mime", nullable: true }) photoMime!: string | null;
  @Str(200, { name: "visit_note", nullable: true }) visitNote!: string | null;
  @Instant({ name: "visit_confirmed_at", nullable: true }) visitConfirmedAt!: Date | null;
  @Instant({ name: "withdrawn_at", nullable: true }) withdrawnAt!: Date | null;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

/** The application's timeline (both sides read it). */
@Entity("suspension_events")
export class SuspensionEvent {
  @IdColumn() id!: number;
  @Index() @FkColumn({ name: "application_id" }) applicationId!: number;
  @ManyToOne(() => SuspensionApplication, { onDelete: "CASCADE" })
  @JoinColumn({ name: "application_id" })
  application?: Relation<SuspensionApplication>;
  /** submitted, approved, rejected, visit_scheduled, photo_uploaded, visit_confirmed, withdrawn */
  @Str(24) type!: string;
  @Str(16, { name: "actor_kind" }) actorKind!: "resident" | "staff";
  @Int({ name: "actor_id", nullable: true }) actorId!: number | null;
  @Str(64, { name: "actor_name", nullable: true }) actorName!: string | null;
  @Str(200, { nullable: true }) note!: string | null;
  @CreatedAt() createdAt!: Date;
}

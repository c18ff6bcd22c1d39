import type {
  TempMethod,
  VisitKind,
  VisitOutcome,
  VisitPolicyItem,
  VisitPosition,
  VisitPriority,
} from "@warmline/shared";
import { Entity, Index } from "typeorm";
import { CreatedAt, FkColumn, IdColumn, Instant, Int, Json, Str, Text, UpdatedAt } from "../../db/columns";

/**
 * 入户走访记录. Append-only: a row is never updated or deleted. A correction is a new row naming the row it
 * corrects (`correctsId`, unique: one correction per row, so a chain never forks) and the chain's first row
 * (`rootId`); the current version of a visit is the row nobody corrects.
 */
@Entity("home_visits")
@Index(["accountId", "startedAt"])
@Index(["authorStaffId", "startedAt"])
@Index(["communityId", "startedAt"])
@Index(["authorStaffId", "clientKey"], { unique: true })
export class HomeVisit {
  @IdColumn() id!: number;
  @FkColumn({ name: "account_id" }) accountId!: number;
  /** the account's community when recorded (scoping and progress) */
  @FkColumn({ name: "community_id" }) communityId!: number;
  /** who recorded it (the first visitor) */
  @FkColumn({ name: "author_staff_id" }) authorStaffId!: number;
  @FkColumn({ name: "co_visitor_id", nullable: true }) coVisitorId!: number | null;
  @Instant({ name: "started_at" }) startedAt!: Date;
  @Instant({ name: "ended_at" }) endedAt!: Date;
  @Str(24) kind!: VisitKind;
  @Str(24) outcome!: VisitOutcome;
  /** tenths of ℃ */
  @Int({ name: "indoor_temp_c10", nullable: true }) indoorTempC10!: number | null;
  @Str(16, { name: "temp_method", nullable: true }) tempMethod!: TempMethod | null;
  /** the outdoor reading that applied when the room was measured (grades the floor: 20 ℃ or 18 ℃) */
  @Int({ name: "outdoor_temp_c10", nullable: true }) outdoorTempC10!: number | null;
  @Text({ name: "faults_found", nullable: true }) faultsFound!: string | null;
  @Text({ name: "faults_fixed", nullable: true }) faultsFixed!: string | null;
  @Json({ name: "policy_explained" }) policyExplained!: VisitPolicyItem[];
  @Str(24, { name: "position_kind", nullable: true }) positionKind!: VisitPosition | null;
  @Str(10, { name: "promised_date", nullable: true }) promisedDate!: string | null;
  @Text({ name: "position_reason", nullable: true }) positionReason!: string | null;
  @Text({ nullable: true }) notes!: string | null;
  /** photo ids (home_visit_photos) in the order given: photos, the reading's photo, the signature */
  @Json({ name: "photo_ids" }) photoIds!: number[];
  @Int({ name: "temp_photo_id", nullable: true }) tempPhotoId!: number | null;
  @Int({ name: "signature_photo_id", nullable: true }) signaturePhotoId!: number | null;
  /** micro-degrees */
  @Int({ name: "lat_e6", nullable: true }) latE6!: number | null;
  @Int({ name: "lng_e6", nullable: true }) lngE6!: number | null;
  @Int({ name: "accuracy_m", nullable: true }) accuracyM!: number | null;
  @Index({ unique: true }) @Int({ name: "corrects_id", nullable: true }) correctsId!: number | null;
  @Str(200, { name: "correction_reason", nullable: true }) correctionReason!: string | null;
  /** the chain's first row (itself on an original record) */
  @Index() @Int({ name: "root_id", nullable: true }) rootId!: number | null;
  /** the phone's draft id: a retried save of one draft records one visit */
  @Str(64, { name: "client_key", nullable: true }) clientKey!: string | null;
  @CreatedAt() createdAt!: Date;
  /** evidence chain (modules/evidence): position, previous row's hash, this row's hash */
  @Int({ name: "chain_seq", nullable: true }) chainSeq!: number | null;
  @Str(64, { name: "chain_prev", nullable: true }) chainPrev!: string | null;
  @Str(64, { name: "chain_hash", nullable: true }) chainHash!: string | null;
}

/**
 * A photo or signature image of a visit: stored first (owned by the staff member who uploaded it), then
 * claimed by the visit that names it. A correction may name photos of the chain it corrects.
 */
@Entity("home_visit_photos")
export class HomeVisitPhoto {
  @IdColumn() id!: number;
  @Str(100, { name: "storage_key" }) storageKey!: string;
  @Str(32) mime!: string;
  @Int() size!: number;
  @Str(64) sha256!: string;
  @Index() @Int({ name: "owner_staff_id" }) ownerStaffId!: number;
  /** the first visit that claimed it (null: not yet saved with a visit) */
  @Index() @Int({ name: "visit_id", nullable: true }) visitId!: number | null;
  @CreatedAt() createdAt!: Date;
}

/** What a visit led to (a cold-room or service ticket, a follow-up, a completed task), one row per kind. */
@Entity("home_visit_effects")
@Index(["visitId", "kind"], { unique: true })
export class HomeVisitEffect {
  @IdColumn() id!: number;
  @Int({ name: "visit_id" }) visitId!: number;
  @Str(24) kind!: "cold_room_ticket" | "service_ticket" | "follow_up" | "task_completed";
  @Int({ name: "ref_id", nullable: true }) refId!: number | null;
  @CreatedAt() createdAt!: Date;
}

/**
 * Which communities a grid worker or technician covers, with history: an edit closes the rows it removes
 * (`validTo` = the day before) and opens new ones from today, so a month's plan can follow a change mid-month.
 */
@Entity("staff_community_assignments")
@Index(["staffId", "communityId", "validFrom"], { unique: true })
@Index(["communityId", "validFrom"])
export class StaffCommunityAssignment {
  @IdColumn() id!: number;
  @FkColumn({ name: "staff_id" }) staffId!: number;
  @FkColumn({ name: "community_id" }) communityId!: number;
  @Str(10, { name: "valid_from" }) validFrom!: string;
  /** the last day (inclusive); null while it lasts */
  @Str(10, { name: "valid_to", nullable: true }) validTo!: string | null;
  @Int({ name: "created_by", nullable: true }) createdBy!: number | null;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

/** One household on a worker's monthly visit list (one row per month and account; the job is idempotent). */
@Entity("visit_plan_entries")
@Index(["month", "accountId"], { unique: true })
@Index(["month", "staffId"])
export class VisitPlanEntry {
  @IdColumn() id!: number;
  @Str(7) month!: string;
  @FkColumn({ name: "account_id" }) accountId!: number;
  @FkColumn({ name: "community_id" }) communityId!: number;
  @FkColumn({ name: "staff_id" }) staffId!: number;
  @Str(16) priority!: VisitPriority;
  @Int() target!: number;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

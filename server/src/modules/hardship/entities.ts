import type {
  HardshipAppCategory,
  HardshipAppStatus,
  HardshipChannel,
  HardshipPlanKind,
  HardshipPlanStatus,
} from "@warmline/shared";
import { Entity, Index } from "typeorm";
import { Bool, CreatedAt, Fen, FkColumn, IdColumn, Instant, Int, Json, Str, Text, UpdatedAt } from "../../db/columns";

/**
 * 困难缓缴/分期申请: one heating account asks for instalments or a deferral. `openAccountId` is the account
 * id while the application is open (待初审 / 待复核) and null after: its unique key is what keeps a second
 * open application per account out, even when two arrive at the same moment.
 */
@Entity("hardship_applications")
@Index(["status", "waitingSince"])
export class HardshipApplication {
  @IdColumn() id!: number;
  /** KN20251215-000123: the number a resident quotes on the phone */
  @Index({ unique: true }) @Str(24, { name: "application_no" }) applicationNo!: string;
  @Index() @FkColumn({ name: "account_id" }) accountId!: number;
  @Index({ unique: true }) @Int({ name: "open_account_id", nullable: true }) openAccountId!: number | null;
  @Index() @Int({ name: "community_id" }) communityId!: number;
  @Str(24) status!: HardshipAppStatus;
  @Str(16) channel!: HardshipChannel;
  /** the resident who applied in the mini-program (null when staff applied on their behalf) */
  @Int({ name: "resident_user_id", nullable: true }) residentUserId!: number | null;
  /** the staff member who took the application on the resident's behalf */
  @Int({ name: "created_by_staff_id", nullable: true }) createdByStaffId!: number | null;
  @Index() @Str(16) category!: HardshipAppCategory;
  @Str(200, { name: "category_reason", nullable: true }) categoryReason!: string | null;
  /** certificate number, AES-256-GCM like ID numbers (PiiVault); only the masked form leaves the server */
  @Str(255, { name: "certificate_no_enc", nullable: true }) certificateNoEnc!: string | null;
  @Str(255, { name: "contact_phone_enc", nullable: true }) contactPhoneEnc!: string | null;
  @Str(16, { name: "requested_kind" }) requestedKind!: HardshipPlanKind;
  /** instalment count or deferral months */
  @Int({ name: "requested_value" }) requestedValue!: number;
  @Str(16, { name: "granted_kind", nullable: true }) grantedKind!: HardshipPlanKind | null;
  @Int({ name: "granted_value", nullable: true }) grantedValue!: number | null;
  /** ids of the covered bills */
  @Json({ name: "bill_ids" }) billIds!: number[];
  /** the covered principal when the application was made */
  @Fen({ name: "principal_fen" }) principalFen!: number;
  @Str(500, { nullable: true }) note!: string | null;
  /** when the step it waits for began (submission, then the first review); null once decided */
  @Instant({ name: "waiting_since", nullable: true }) waitingSince!: Date | null;
  @Int({ name: "community_reviewer_id", nullable: true }) communityReviewerId!: number | null;
  @Instant({ name: "community_reviewed_at", nullable: true }) communityReviewedAt!: Date | null;
  @Int({ name: "center_reviewer_id", nullable: true }) centerReviewerId!: number | null;
  @Instant({ name: "decided_at", nullable: true }) decidedAt!: Date | null;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

/** One step on an application's timeline: who, when, what, why. */
@Entity("hardship_events")
export class HardshipEvent {
  @IdColumn() id!: number;
  @Index() @FkColumn({ name: "application_id" }) applicationId!: number;
  /** submitted, withdrawn, community_approved, community_rejected, center_approved, center_rejected, plan_defaulted, … */
  @Str(32) type!: string;
  @Str(16, { name: "actor_kind" }) actorKind!: "resident" | "staff" | "system";
  @Int({ name: "actor_id", nullable: true }) actorId!: number | null;
  @Str(64, { name: "actor_name", nullable: true }) actorName!: string | null;
  @Str(200, { nullable: true }) reason!: string | null;
  @Json({ nullable: true }) details!: Record<string, unknown> | null;
  @CreatedAt() createdAt!: Date;
}

/**
 * A certificate photo or PDF: stored first (owned by the uploader, like ticket photos), claimed by the
 * application that names it.
 */
@Entity("hardship_attachments")
export class HardshipAttachment {
  @IdColumn() id!: number;
  @Index() @Int({ name: "application_id", nullable: true }) applicationId!: number | null;
  @Str(16, { name: "owner_kind" }) ownerKind!: "resident" | "staff";
  @Int({ name: "owner_id" }) ownerId!: number;
  @Str(200, { name: "storage_key" }) storageKey!: string;
  @Str(64) mime!: string;
  @Int() size!: number;
  @Str(64) sha256!: string;
  @CreatedAt() createdAt!: Date;
}

/**
 * 分期/缓缴计划, made when the centre approves. Progress is the money applied to the covered bills since
 * approval (paid + waived principal above `baselinePaidFen`), taken instalment by instalment in order.
 */
@Entity("payment_plans")
export class PaymentPlan {
  @IdColumn() id!: number;
  @Index({ unique: true }) @FkColumn({ name: "application_id" }) applicationId!: number;
  @Index() @FkColumn({ name: "account_id" }) accountId!: number;
  @Str(16) kind!: HardshipPlanKind;
  @Index() @Str(16) status!: HardshipPlanStatus;
  @Fen({ name: "principal_fen" }) principalFen!: number;
  /** paid + waived principal of the covered bills at approval */
  @Fen({ name: "baseline_paid_fen" }) baselinePaidFen!: number;
  @Json({ name: "bill_ids" }) billIds!: number[];
  /** Shanghai date of approval */
  @Str(10, { name: "start_date" }) startDate!: string;
  @Int({ name: "deferral_months", nullable: true }) deferralMonths!: number | null;
  @Str(10, { name: "deferred_until", nullable: true }) deferredUntil!: string | null;
  @Fen({ name: "late_fee_waived_fen", default: 0 }) lateFeeWaivedFen!: number;
  @Int({ name: "grace_days" }) graceDays!: number;
  @Str(10, { name: "defaulted_on", nullable: true }) defaultedOn!: string | null;
  @Str(10, { name: "missed_due_date", nullable: true }) missedDueDate!: string | null;
  @Bool({ default: false }) reinstated!: boolean;
  @Text({ name: "reinstate_reason", nullable: true }) reinstateReason!: string | null;
  @Instant({ name: "closed_at", nullable: true }) closedAt!: Date | null;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

@Entity("plan_instalments")
@Index(["planId", "seq"], { unique: true })
export class PlanInstalment {
  @IdColumn() id!: number;
  @FkColumn({ name: "plan_id" }) planId!: number;
  @Int() seq!: number;
  @Fen({ name: "amount_fen" }) amountFen!: number;
  @Index() @Str(10, { name: "due_date" }) dueDate!: string;
  @CreatedAt() createdAt!: Date;
}

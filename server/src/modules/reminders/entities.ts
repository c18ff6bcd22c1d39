import type {
  CampaignKind,
  CampaignState,
  ReminderChannel,
  ReminderGrade,
  ReminderStatus,
  SuppressionReason,
  VisitTaskSource,
  VisitTaskStatus,
} from "@warmline/shared";
import { Entity, Index } from "typeorm";
import { Bool, CreatedAt, Fen, FkColumn, IdColumn, Instant, Int, Str, Text, UpdatedAt } from "../../db/columns";

/**
 * 催缴阶梯: the ladder is data. Every change is a new version (the definition as JSON text, who, why);
 * the highest version is the one in force, older ones stay as the record of what applied when.
 */
@Entity("reminder_ladders")
export class ReminderLadder {
  @IdColumn() id!: number;
  @Index({ unique: true }) @Int() version!: number;
  /** LadderDefinition as JSON */
  @Text() definition!: string;
  @Int({ name: "created_by", nullable: true }) createdBy!: number | null;
  @Str(200, { nullable: true }) note!: string | null;
  @CreatedAt() createdAt!: Date;
}

/**
 * 提醒批次: one planning run (the daily one, or one a supervisor started). `planKey` is unique: two
 * workers or a rerun of the same turn find the same campaign. Counts are read live from the reminders;
 * the stored ones are the snapshot taken when the campaign ends.
 */
@Entity("reminder_campaigns")
@Index(["state", "id"])
export class ReminderCampaign {
  @IdColumn() id!: number;
  @Index({ unique: true }) @Str(64, { name: "plan_key" }) planKey!: string;
  @Str(16) kind!: CampaignKind;
  @Str(10, { name: "plan_date" }) planDate!: string;
  @Str(16) state!: CampaignState;
  @Int({ name: "ladder_version" }) ladderVersion!: number;
  @Int({ name: "started_by", nullable: true }) startedBy!: number | null;
  /** planning finished (every account looked at); until then the campaign cannot be done */
  @Bool({ name: "planning_done", default: false }) planningDone!: boolean;
  /** resume turns: the send jobs of a resume carry it in their dedupe key */
  @Int({ name: "resume_count", default: 0 }) resumeCount!: number;
  @Int({ name: "planned_count", default: 0 }) plannedCount!: number;
  @Int({ name: "sent_count", default: 0 }) sentCount!: number;
  @Int({ name: "delivered_count", default: 0 }) deliveredCount!: number;
  @Int({ name: "failed_count", default: 0 }) failedCount!: number;
  @Int({ name: "suppressed_count", default: 0 }) suppressedCount!: number;
  @Instant({ name: "finished_at", nullable: true }) finishedAt!: Date | null;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

/**
 * 催缴提醒: one row per (account, ladder step, oldest unpaid season) — the unique key keeps reruns, crashes
 * and two workers from planning it twice. The row only moves forward (planned → sending → sent /
 * delivered / failed / suppressed) and its text, channel and vendor id are written once; every try on a
 * channel is an append-only ReminderAttempt. Nothing here is ever deleted: it is the evidence the legal
 * work packs (issue 15).
 */
@Entity("reminders")
@Index(["accountId", "stepKey", "seasonCode"], { unique: true })
@Index(["campaignId", "status"])
@Index(["accountId", "sentAt"])
@Index(["status", "id"])
export class Reminder {
  @IdColumn() id!: number;
  @Int({ name: "campaign_id", nullable: true }) campaignId!: number | null;
  @FkColumn({ name: "account_id" }) accountId!: number;
  @Str(48, { name: "step_key" }) stepKey!: string;
  @Str(9, { name: "season_code" }) seasonCode!: string;
  @Str(16, { nullable: true }) grade!: ReminderGrade | null;
  @Bool({ default: false }) soft!: boolean;
  /** the channel chain, comma-separated (subscribe,sms,visit_task) */
  @Str(40) chain!: string;
  /** the position in the chain the next try starts from */
  @Int({ name: "chain_index", default: 0 }) chainIndex!: number;
  @Str(16) template!: string;
  @Bool({ default: false }) review!: boolean;
  @Str(16) status!: ReminderStatus;
  @Str(16, { nullable: true }) channel!: ReminderChannel | null;
  /** the text as sent (for SMS: the approved template filled in) */
  @Text({ nullable: true }) text!: string | null;
  @Str(64, { name: "vendor_message_id", nullable: true }) vendorMessageId!: string | null;
  /** owed when planned / when sent, late fee included, fen */
  @Fen({ name: "owed_fen", nullable: true }) owedFen!: number | null;
  @Fen({ name: "owed_at_send_fen", nullable: true }) owedAtSendFen!: number | null;
  @Str(24, { name: "suppression_reason", nullable: true }) suppressionReason!: SuppressionReason | null;
  @Str(200, { name: "failure_reason", nullable: true }) failureReason!: string | null;
  /** the Shanghai date it was planned for */
  @Str(10, { name: "planned_for" }) plannedFor!: string;
  /** a run's claim while it sends (a lease: a run that died is detected by its age) */
  @Instant({ name: "claimed_at", nullable: true }) claimedAt!: Date | null;
  @Instant({ name: "sent_at", nullable: true }) sentAt!: Date | null;
  @Instant({ name: "delivered_at", nullable: true }) deliveredAt!: Date | null;
  @Instant({ name: "finished_at", nullable: true }) finishedAt!: Date | null;
  /** staff who sent it from the account page (kind single) */
  @Int({ name: "created_by", nullable: true }) createdBy!: number | null;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
  /** evidence chain (modules/evidence): position, previous row's hash, this row's hash */
  @Int({ name: "chain_seq", nullable: true }) chainSeq!: number | null;
  @Str(64, { name: "chain_prev", nullable: true }) chainPrev!: string | null;
  @Str(64, { name: "chain_hash", nullable: true }) chainHash!: string | null;
}

/**
 * One try of a reminder on one channel, append-only: "calling" is written before the vendor is called
 * and a second row records the answer; a "calling" row with no answer after it means the outcome is
 * unknown (the process died or the vendor timed out after it may have accepted) and the channel is not
 * tried again.
 */
@Entity("reminder_attempts")
@Index(["reminderId", "id"])
export class ReminderAttempt {
  @IdColumn() id!: number;
  @FkColumn({ name: "reminder_id" }) reminderId!: number;
  @Str(16) channel!: string;
  /** calling | accepted | refused | rejected | unavailable | unknown | skipped | created */
  @Str(16) outcome!: string;
  @Str(200, { nullable: true }) detail!: string | null;
  @Str(64, { name: "vendor_message_id", nullable: true }) vendorMessageId!: string | null;
  @CreatedAt() at!: Date;
}

/**
 * 退订: the resident asked to stop a channel. SMS opt-outs are per phone number (the 退订 keyword comes
 * from a number, not an account), by its blind index.
 */
@Entity("reminder_opt_outs")
@Index(["phoneBidx", "channel"], { unique: true })
export class ReminderOptOut {
  @IdColumn() id!: number;
  @Str(64, { name: "phone_bidx" }) phoneBidx!: string;
  @Str(16) channel!: string;
  /** sms_keyword | staff */
  @Str(16) source!: string;
  @Str(64, { nullable: true }) detail!: string | null;
  @CreatedAt() createdAt!: Date;
}

/**
 * 不宜催缴: staff mark an account (e.g. bereavement) with a reason. `activeAccountId` is the account id while
 * the mark stands and null once released: its unique key keeps one standing mark per account. Released
 * marks stay as history.
 */
@Entity("reminder_holds")
export class ReminderHold {
  @IdColumn() id!: number;
  @Index() @FkColumn({ name: "account_id" }) accountId!: number;
  @Index({ unique: true }) @Int({ name: "active_account_id", nullable: true }) activeAccountId!: number | null;
  @Str(200) reason!: string;
  @Int({ name: "created_by" }) createdBy!: number;
  @Instant({ name: "released_at", nullable: true }) releasedAt!: Date | null;
  @Int({ name: "released_by", nullable: true }) releasedBy!: number | null;
  @Str(200, { name: "release_reason", nullable: true }) releaseReason!: string | null;
  @CreatedAt() createdAt!: Date;
}

/**
 * 走访任务 for grid workers, created by the ladder (催缴 / 关怀走访), by a promised date that passed unpaid,
 * or by staff. `uniqueKey` makes creation idempotent (reminder:<id>, promise:<visitId>, …). Completed by a
 * home visit (issue 14: completeVisitTask with the visit's id) or, until then, marked done with a note.
 */
@Entity("visit_tasks")
@Index(["status", "communityId", "dueDate"])
export class VisitTask {
  @IdColumn() id!: number;
  @Index() @FkColumn({ name: "account_id" }) accountId!: number;
  /** the account's community when the task was made (grid workers' scope) */
  @Int({ name: "community_id" }) communityId!: number;
  @Str(16) source!: VisitTaskSource;
  @Index() @Int({ name: "reminder_id", nullable: true }) reminderId!: number | null;
  @Bool({ default: false }) soft!: boolean;
  @Str(200) reason!: string;
  @Str(10, { name: "due_date" }) dueDate!: string;
  @Str(16) status!: VisitTaskStatus;
  @Instant({ name: "done_at", nullable: true }) doneAt!: Date | null;
  @Int({ name: "done_by", nullable: true }) doneBy!: number | null;
  @Int({ name: "visit_id", nullable: true }) visitId!: number | null;
  @Str(500, { nullable: true }) note!: string | null;
  @Index({ unique: true }) @Str(64, { name: "unique_key" }) uniqueKey!: string;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

/**
 * 主管复核: the ladder's review step (+90 days) reached an account that still owes. One per reminder (its
 * unique key); a supervisor decides once — continue reminders, mark 不宜催缴 with a reason, or refer the
 * account to the legal desk's candidate check. The decision is audited; the row is never deleted.
 */
@Entity("reminder_reviews")
@Index(["status", "id"])
export class ReminderReview {
  @IdColumn() id!: number;
  @Index() @FkColumn({ name: "account_id" }) accountId!: number;
  @Index({ unique: true }) @Int({ name: "reminder_id" }) reminderId!: number;
  @Str(16, { nullable: true }) grade!: ReminderGrade | null;
  @Fen({ name: "owed_fen" }) owedFen!: number;
  @Str(9, { name: "season_code" }) seasonCode!: string;
  /** open | decided */
  @Str(16) status!: "open" | "decided";
  /** continue | hold | legal_check */
  @Str(16, { nullable: true }) decision!: "continue" | "hold" | "legal_check" | null;
  @Str(200, { nullable: true }) reason!: string | null;
  @Int({ name: "decided_by", nullable: true }) decidedBy!: number | null;
  @Instant({ name: "decided_at", nullable: true }) decidedAt!: Date | null;
  @CreatedAt() createdAt!: Date;
}

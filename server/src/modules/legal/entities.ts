import type { LegalCaseState, LegalEventKind, LegalOutcome, LegalReason, VisitPosition } from "@warmline/shared";
import { Entity, Index } from "typeorm";
import { Bool, CreatedAt, Fen, FkColumn, IdColumn, Instant, Int, Json, Str, UpdatedAt } from "../../db/columns";

/**
 * 法务案件: one malicious-arrears case of an account. `openAccountId` is the account id while the case is open
 * and null once closed (one open case per account); `arrearsKey` (account + season of the oldest unpaid
 * bill) keeps a second case for the same arrears out, open or closed. Deadlines are computed once at
 * approval on the working-day calendar; a year without holiday data leaves them null with
 * `deadlineMissingYear` set until the year is loaded (the sweep fills them in).
 */
@Entity("legal_cases")
@Index(["state", "id"])
export class LegalCase {
  @IdColumn() id!: number;
  @Index({ unique: true }) @Str(24, { name: "case_no" }) caseNo!: string;
  @Index() @FkColumn({ name: "account_id" }) accountId!: number;
  @Index({ unique: true }) @Int({ name: "open_account_id", nullable: true }) openAccountId!: number | null;
  @Index({ unique: true }) @Str(48, { name: "arrears_key" }) arrearsKey!: string;
  @Int({ name: "community_id" }) communityId!: number;
  @Str(16) state!: LegalCaseState;
  @Str(16, { nullable: true }) outcome!: LegalOutcome | null;
  /** what was owed when the case was opened (late fee included) and its principal */
  @Fen({ name: "owed_fen" }) owedFen!: number;
  @Fen({ name: "principal_fen" }) principalFen!: number;
  @Str(10, { name: "oldest_due_date", nullable: true }) oldestDueDate!: string | null;
  @Str(9, { name: "arrears_season" }) arrearsSeason!: string;
  /** the rule's reasons when the case was opened */
  @Json() reasons!: LegalReason[];
  @Int({ name: "opened_by" }) openedBy!: number;
  @Int({ name: "approved_by", nullable: true }) approvedBy!: number | null;
  @Instant({ name: "approved_at", nullable: true }) approvedAt!: Date | null;
  @Str(10, { name: "approved_on", nullable: true }) approvedOn!: string | null;
  @Str(10, { name: "submit_due", nullable: true }) submitDue!: string | null;
  @Str(10, { name: "litigate_due", nullable: true }) litigateDue!: string | null;
  @Int({ name: "deadline_missing_year", nullable: true }) deadlineMissingYear!: number | null;
  @Str(10, { name: "exported_on", nullable: true }) exportedOn!: string | null;
  @Str(10, { name: "filed_on", nullable: true }) filedOn!: string | null;
  @Str(100, { name: "court_name", nullable: true }) courtName!: string | null;
  @Str(64, { name: "court_receipt_no", nullable: true }) courtReceiptNo!: string | null;
  @Int({ name: "scan_id", nullable: true }) scanId!: number | null;
  @Str(10, { name: "registered_on", nullable: true }) registeredOn!: string | null;
  @Str(64, { name: "court_case_no", nullable: true }) courtCaseNo!: string | null;
  @Instant({ name: "closed_at", nullable: true }) closedAt!: Date | null;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

/**
 * The case's timeline, append-only (the service only inserts): who did what and when, and the news on the
 * account while the case is open (payments, hardship applications, complaints). `dedupeKey` makes a
 * periodic check that sees the same payment twice write one row.
 */
@Entity("legal_case_events")
@Index(["caseId", "dedupeKey"], { unique: true })
export class LegalCaseEvent {
  @IdColumn() id!: number;
  @Index() @FkColumn({ name: "case_id" }) caseId!: number;
  @Str(24) kind!: LegalEventKind;
  @Int({ name: "actor_staff_id", nullable: true }) actorStaffId!: number | null;
  @Json() data!: Record<string, unknown>;
  @Str(64, { name: "dedupe_key", nullable: true }) dedupeKey!: string | null;
  @CreatedAt() createdAt!: Date;
  /** evidence chain (modules/evidence): position, previous row's hash, this row's hash */
  @Int({ name: "chain_seq", nullable: true }) chainSeq!: number | null;
  @Str(64, { name: "chain_prev", nullable: true }) chainPrev!: string | null;
  @Str(64, { name: "chain_hash", nullable: true }) chainHash!: string | null;
}

/** A court scan (回执/立案材料) uploaded for a case: PDF or image, kept by the filing that names it. */
@Entity("legal_case_scans")
export class LegalCaseScan {
  @IdColumn() id!: number;
  @Index() @FkColumn({ name: "case_id" }) caseId!: number;
  @Str(200, { name: "storage_key" }) storageKey!: string;
  @Str(32) mime!: string;
  @Int() size!: number;
  @Str(64) sha256!: string;
  @Int({ name: "uploaded_by" }) uploadedBy!: number;
  @CreatedAt() createdAt!: Date;
}

/**
 * The daily candidate list (恶意欠费候选): one row per account that met the rule on `evaluatedOn`, rewritten
 * by each run of the job (or a refresh from the desk).
 */
@Entity("legal_candidates")
export class LegalCandidate {
  @IdColumn() id!: number;
  @Index({ unique: true }) @FkColumn({ name: "account_id" }) accountId!: number;
  @Index() @Int({ name: "community_id" }) communityId!: number;
  @Str(48, { name: "arrears_key" }) arrearsKey!: string;
  @Str(10, { name: "evaluated_on" }) evaluatedOn!: string;
  @Fen({ name: "owed_fen" }) owedFen!: number;
  @Fen({ name: "principal_fen" }) principalFen!: number;
  @Str(10, { name: "oldest_due_date", nullable: true }) oldestDueDate!: string | null;
  @Int({ name: "arrears_months" }) arrearsMonths!: number;
  @Int({ name: "visit_days" }) visitDays!: number;
  @Str(24, { name: "last_position", nullable: true }) lastPosition!: VisitPosition | null;
  @Bool() candidate!: boolean;
  @Json() reasons!: LegalReason[];
  @CreatedAt() createdAt!: Date;
}

/** 不予移交: a candidate the legal officer decided not to escalate, for these arrears (audited). */
@Entity("legal_candidate_dismissals")
export class LegalCandidateDismissal {
  @IdColumn() id!: number;
  @Index() @FkColumn({ name: "account_id" }) accountId!: number;
  @Index({ unique: true }) @Str(48, { name: "arrears_key" }) arrearsKey!: string;
  @Str(200) reason!: string;
  @Int({ name: "staff_id" }) staffId!: number;
  @CreatedAt() createdAt!: Date;
}

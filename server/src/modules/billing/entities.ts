import type { AccountCategory, BillStatus } from "@warmline/shared";
import { Entity, Index, JoinColumn, ManyToOne, type Relation } from "typeorm";
import { Bool, CreatedAt, Fen, FkColumn, IdColumn, Instant, Int, Str, Text, UpdatedAt } from "../../db/columns";
import { HeatingAccount } from "../accounts";

/** 供热季 2025-2026. Dates are Asia/Shanghai business dates (YYYY-MM-DD). */
@Entity("heating_seasons")
export class HeatingSeason {
  @IdColumn() id!: number;
  @Index({ unique: true }) @Str(9) code!: string;
  @Str(10, { name: "start_date" }) startDate!: string;
  @Str(10, { name: "end_date" }) endDate!: string;
  /** bills of this season are due on this date; late fees accrue from the next day */
  @Str(10, { name: "due_date" }) dueDate!: string;
  /** 滞纳金 per day in 1/10000 of the unpaid principal */
  @Int({ name: "late_fee_rate_bp" }) lateFeeRateBp!: number;
  /** late fee cap as a share of the bill amount, 1/10000 */
  @Int({ name: "late_fee_cap_bp", default: 10_000 }) lateFeeCapBp!: number;
  @Str(16, { default: "open" }) status!: "draft" | "open" | "closed";
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

/** 收费标准: price per m² of one account category in one season. */
@Entity("tariffs")
@Index(["seasonId", "category"], { unique: true })
export class Tariff {
  @IdColumn() id!: number;
  @FkColumn({ name: "season_id" }) seasonId!: number;
  @ManyToOne(() => HeatingSeason, { onDelete: "CASCADE" })
  @JoinColumn({ name: "season_id" })
  season?: Relation<HeatingSeason>;
  @Str(24) category!: AccountCategory;
  /** fen per m² for the season */
  @Int({ name: "unit_price_fen" }) unitPriceFen!: number;
  /** 报停 base fee share, 1/10000 */
  @Int({ name: "suspension_share_bp", default: 3_000 }) suspensionShareBp!: number;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

/**
 * 账单: one account, one season. Area, category and price are copied at generation so later changes to
 * the account or tariff do not rewrite history. The unique key makes generation safe to rerun.
 */
@Entity("bills")
@Index(["accountId", "seasonId"], { unique: true })
@Index(["seasonId", "status"])
export class Bill {
  @IdColumn() id!: number;
  @FkColumn({ name: "account_id" }) accountId!: number;
  @ManyToOne(() => HeatingAccount, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "account_id" })
  account?: Relation<HeatingAccount>;
  @FkColumn({ name: "season_id" }) seasonId!: number;
  @ManyToOne(() => HeatingSeason, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "season_id" })
  season?: Relation<HeatingSeason>;
  @Str(24) category!: AccountCategory;
  /** hundredths of m² */
  @Int({ name: "heated_area" }) heatedArea!: number;
  @Int({ name: "unit_price_fen" }) unitPriceFen!: number;
  @Bool({ default: false }) suspended!: boolean;
  @Fen({ name: "amount_fen" }) amountFen!: number;
  @Fen({ name: "paid_fen", default: 0 }) paidFen!: number;
  @Fen({ name: "waived_fen", default: 0 }) waivedFen!: number;
  @Fen({ name: "late_fee_accrued_fen", default: 0 }) lateFeeAccruedFen!: number;
  @Fen({ name: "late_fee_paid_fen", default: 0 }) lateFeePaidFen!: number;
  @Fen({ name: "late_fee_waived_fen", default: 0 }) lateFeeWaivedFen!: number;
  @Str(10, { name: "late_fee_accrued_until", nullable: true }) lateFeeAccruedUntil!: string | null;
  @Bool({ name: "late_fee_exempt", default: false }) lateFeeExempt!: boolean;
  /** the newest relief's reason (a waiver, or a hardship plan's late-fee exemption): the bill's 已减免 text */
  @Str(200, { name: "relief_reason", nullable: true }) reliefReason!: string | null;
  @Str(10, { name: "due_date" }) dueDate!: string;
  @Index() @Str(16, { default: "unpaid" }) status!: BillStatus;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

/** A season bill generation run, with progress (a job does the work in chunks). */
@Entity("bill_runs")
export class BillRun {
  @IdColumn() id!: number;
  @Index() @FkColumn({ name: "season_id" }) seasonId!: number;
  @Str(16, { default: "queued" }) status!: "queued" | "running" | "done" | "failed";
  @Int({ default: 0 }) total!: number;
  @Int({ default: 0 }) processed!: number;
  @Int({ default: 0 }) created!: number;
  @Int({ default: 0 }) skipped!: number;
  @Int({ name: "requested_by", nullable: true }) requestedBy!: number | null;
  @Instant({ name: "started_at", nullable: true }) startedAt!: Date | null;
  @Instant({ name: "finished_at", nullable: true }) finishedAt!: Date | null;
  @Text({ nullable: true }) error!: string | null;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

/** 减免: a staff waiver of principal or late fee, with its reason (role-gated and audited). */
@Entity("bill_waivers")
export class BillWaiver {
  @IdColumn() id!: number;
  @Index() @FkColumn({ name: "bill_id" }) billId!: number;
  @Fen({ name: "principal_fen", default: 0 }) principalFen!: number;
  @Fen({ name: "late_fee_fen", default: 0 }) lateFeeFen!: number;
  @Str(200) reason!: string;
  @Int({ name: "staff_user_id" }) staffUserId!: number;
  @CreatedAt() createdAt!: Date;
}

/**
 * 账单更正: an issued bill's heated area corrected with a reason (the account's area change applies only from the
 * next bill). The row keeps the amounts and late fee before and after; the bill itself carries the new figures.
 */
@Entity("bill_corrections")
export class BillCorrection {
  @IdColumn() id!: number;
  @Index() @FkColumn({ name: "bill_id" }) billId!: number;
  /** hundredths of m² */
  @Int({ name: "old_area" }) oldArea!: number;
  @Int({ name: "new_area" }) newArea!: number;
  @Fen({ name: "old_amount_fen" }) oldAmountFen!: number;
  @Fen({ name: "new_amount_fen" }) newAmountFen!: number;
  /** the unpaid late fee as of the correction date, before and after */
  @Fen({ name: "old_late_fee_fen" }) oldLateFeeFen!: number;
  @Fen({ name: "new_late_fee_fen" }) newLateFeeFen!: number;
  @Str(200) reason!: string;
  @Int({ name: "staff_user_id" }) staffUserId!: number;
  @CreatedAt() createdAt!: Date;
}

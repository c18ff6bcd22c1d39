import { Entity, Index } from "typeorm";
import { CreatedAt, Fen, FkColumn, IdColumn, Instant, Int, Json, Str, UpdatedAt } from "../../db/columns";

/** one channel's result of sending a final notice */
export interface FinalNoticeDelivery {
  channel: "sms" | "subscribe";
  /** sent | failed | skipped */
  result: "sent" | "failed" | "skipped";
  vendorMessageId: string | null;
  detail: string | null;
  at: string;
}

/**
 * 催告函: one generated final-notice PDF of a case (stored in the files storage) and its sending. Generating
 * again makes a new row (the amounts of the day); sending is once per row (`sendState`: the claim is taken
 * by a conditional update, so a repeat of the request sends nothing).
 */
@Entity("legal_final_notices")
export class LegalFinalNotice {
  @IdColumn() id!: number;
  @Index() @FkColumn({ name: "case_id" }) caseId!: number;
  @Index({ unique: true }) @Str(32, { name: "notice_no" }) noticeNo!: string;
  @Str(200, { name: "storage_key" }) storageKey!: string;
  @Str(64) sha256!: string;
  @Int() size!: number;
  /** the amounts printed: owed with the late fee as of `asOf`, the principal, the pay-by date */
  @Fen({ name: "owed_fen" }) owedFen!: number;
  @Fen({ name: "principal_fen" }) principalFen!: number;
  @Str(10, { name: "as_of" }) asOf!: string;
  @Str(10, { name: "pay_by" }) payBy!: string;
  @Json() seasons!: string[];
  @Int({ name: "generated_by" }) generatedBy!: number;
  /** unsent | sending | sent | failed */
  @Str(16, { name: "send_state" }) sendState!: string;
  @Json() channels!: string[];
  @Int({ name: "sent_by", nullable: true }) sentBy!: number | null;
  @Instant({ name: "sent_at", nullable: true }) sentAt!: Date | null;
  @Json() deliveries!: FinalNoticeDelivery[];
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

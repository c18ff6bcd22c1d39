import type { RegisterImportStatus, RegisterRowKind } from "@warmline/shared";
import { Entity, Index } from "typeorm";
import { Bool, CreatedAt, FkColumn, IdColumn, Instant, Int, Json, Str, Text } from "../../db/columns";

/**
 * One upload of the county's account register: the dry run's counts (written when the file has been read),
 * then the apply job's progress. The uploaded file itself is not kept: the dry run stages every row that
 * would change something (register_import_rows), personal data encrypted, and the job applies those.
 */
@Entity("register_imports")
export class RegisterImport {
  @IdColumn() id!: number;
  @Index() @Str(16) status!: RegisterImportStatus;
  @Str(200, { name: "file_name" }) fileName!: string;
  @Str(8, { nullable: true }) format!: "xlsx" | "csv" | null;
  @Str(16, { nullable: true }) encoding!: string | null;
  @Int() size!: number;
  @Str(64) sha256!: string;
  @Int({ name: "total_rows", default: 0 }) totalRows!: number;
  @Int({ name: "create_count", default: 0 }) createCount!: number;
  @Int({ name: "update_count", default: 0 }) updateCount!: number;
  @Int({ name: "unchanged_count", default: 0 }) unchangedCount!: number;
  @Int({ name: "error_count", default: 0 }) errorCount!: number;
  @Json({ name: "new_communities", nullable: true }) newCommunities!: string[] | null;
  @Json({ name: "new_buildings", nullable: true }) newBuildings!: string[] | null;
  @Json({ name: "file_error", nullable: true }) fileError!: { code: string; message: string } | null;
  @Bool({ name: "skip_errors", default: false }) skipErrors!: boolean;
  @Bool({ name: "create_places", default: false }) createPlaces!: boolean;
  @Int({ name: "apply_total", default: 0 }) applyTotal!: number;
  @Int({ default: 0 }) processed!: number;
  @Int({ default: 0 }) created!: number;
  @Int({ default: 0 }) updated!: number;
  @Int({ default: 0 }) skipped!: number;
  @Str(200, { nullable: true }) error!: string | null;
  @Int({ name: "created_by" }) createdBy!: number;
  @Int({ name: "applied_by", nullable: true }) appliedBy!: number | null;
  @CreatedAt() createdAt!: Date;
  @Instant({ name: "finished_at", nullable: true }) finishedAt!: Date | null;
}

/**
 * One row of an import's report: every create, update and error (unchanged rows are only counted).
 * `data` is the validated row as it will be written (phone and ID number encrypted, with blind indexes);
 * `changes` the field diff with personal data masked; `errors` the reasons in Chinese.
 */
@Entity("register_import_rows")
@Index(["importId", "rowNo"], { unique: true })
@Index(["importId", "kind", "id"])
export class RegisterImportRow {
  @IdColumn() id!: number;
  @FkColumn({ name: "import_id" }) importId!: number;
  @Int({ name: "row_no" }) rowNo!: number;
  @Str(16, { name: "account_no", nullable: true }) accountNo!: string | null;
  @Str(16) kind!: RegisterRowKind;
  @Text({ nullable: true }) data!: string | null;
  @Text({ nullable: true }) changes!: string | null;
  @Text({ nullable: true }) errors!: string | null;
}

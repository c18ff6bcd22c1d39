import { Entity, Index } from "typeorm";
import { IdColumn, Int, Str, UpdatedAt } from "../../db/columns";

/**
 * The head of one evidence chain (`<table>:<group id>`): the last position and hash. An append locks this
 * row (SELECT … FOR UPDATE on MariaDB; SQLite serializes writers), so two appends to one chain queue up
 * and a deleted tail row shows as a head that names a row that is no longer there.
 */
@Entity("evidence_chain_heads")
export class EvidenceChainHead {
  @IdColumn() id!: number;
  @Index({ unique: true }) @Str(64, { name: "chain_key" }) chainKey!: string;
  @Int() seq!: number;
  @Str(64, { name: "last_hash" }) lastHash!: string;
  @Int({ name: "last_row_id", nullable: true }) lastRowId!: number | null;
  @UpdatedAt() updatedAt!: Date;
}

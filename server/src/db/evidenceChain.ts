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
 * owed, planned date, who, when) is. The field lists are fixed here (not read from entity metadata) so a
 * column added later never changes the hash of an old row.
 *
 * Reminders are hashed without their id: the daily planning writes tens of thousands at once, so it locks
 * the heads first and inserts each row with its hash already computed (`lockHeads` + `sealRows` +
 * `writeHeads`), one write per row instead of an insert and an update. A reminder's place is its chain
 * position within its account, which the hash covers.
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
  const cols = [...new Set(["id", ...CHAIN_TABLES[table].fields, "chain_seq", "chain_prev", "chain_hash"])].map((c) =>
    q(db, c),
  );
  return `SELECT ${cols.join(", ")} FROM ${q(db, table)} WHERE ${where}`;
}

const CHUNK = 500;
/** a creation time in the form the driver stores and reads back (hashed as read: see `norm`) */
export const chainStamp = (m: EntityManager, at = new Date()): Date | string =>
  isMysql(m) ? at : at.toISOString().replace("T", " ").slice(0, 23);

export interface ChainHead {
  seq: number;
  lastHash: string;
  lastRowId: number | null;
}

/**
 * Locks (creating where needed) the heads of a table's chains for these groups, in primary-key order (so two
 * batch appends lock in the same order and cannot deadlock on each other), and reads them. MariaDB: the
 * upsert takes the exclusive lock at once (no shared lock to upgrade); SQLite serializes writers. Call it
 * in the append's transaction, before the rows are chained.
 *
 * `create: false` skips the upsert (one statement less per slice, for a batch whose heads are mostly new):
 * the locking read then holds gap locks where a head is missing, so two such appenders racing on the same
 * new chains deadlock instead of forking them, and the caller must retry on a deadlock (the reminder
 * planning does).
 */
export async function lockHeads(
  m: EntityManager,
  table: ChainTable,
  groupIds: number[],
  opts: { create: boolean } = { create: true },
): Promise<Map<number, ChainHead>> {
  const out = new Map<number, ChainHead>();
  const groups = [...new Set(groupIds)].sort((a, b) => a - b);
  const head = q(m, "evidence_chain_heads");
  for (let i = 0; i < groups.length; i += CHUNK) {
    const part = groups.slice(i, i + CHUNK);
    if (opts.create) {
      const conflict = isMysql(m) ? "ON DUPLICATE KEY UPDATE seq = seq" : "ON CONFLICT DO NOTHING";
      await m.query(
        `INSERT INTO ${head} (chain_table, group_id, seq, last_hash) VALUES ${part.map(() => "(?, ?, 0, '')").join(", ")} ${conflict}`,
        part.flatMap((g) => [table, g]),
      );
    }
    const rows: Raw[] = await m.query(
      // a locking read: the latest committed head, not this transaction's snapshot
      `SELECT group_id, seq, last_hash, last_row_id FROM ${head} WHERE chain_table = ? AND group_id IN (${part.map(() => "?").join(", ")})${isMysql(m) ? " FOR UPDATE" : ""}`,
      [table, ...part],
    );
    for (const r of rows)
      out.set(Number(r.group_id), {
        seq: Number(r.seq),
        lastHash: String(r.last_hash),
        lastRowId: r.last_row_id === null ? null : Number(r.last_row_id),
      });
  }
  return out;
}

/**
 * Gives each row (in the order given, per group) its chain position, previous hash and hash, moving the
 * heads along. Pure: the rows carry the table's hashed fields as the database will read them back.
 */
export function sealRows<R extends Raw>(
  table: ChainTable,
  rows: R[],
  heads: Map<number, ChainHead>,
): (R & { chain_seq: number; chain_prev: string; chain_hash: string })[] {
  const group = CHAIN_TABLES[table].group;
  return rows.map((r) => {
    const g = Number(r[group]);
    const h = heads.get(g) ?? { seq: 0, lastHash: "", lastRowId: null };
    const hash = rowHash(table, r, h.lastHash);
    const sealed = { ...r, chain_seq: h.seq + 1, chain_prev: h.lastHash, chain_hash: hash };
    heads.set(g, { seq: h.seq + 1, lastHash: hash, lastRowId: r.id === undefined ? h.lastRowId : Number(r.id) });
    return sealed;
  });
}

/** Writes the heads (locked by `lockHeads` in this transaction) back: one multi-row upsert per slice. */
export async function writeHeads(m: EntityManager, table: ChainTable, heads: Map<number, ChainHead>): Promise<void> {
  const head = q(m, "evidence_chain_heads");
  const upsert = isMysql(m)
    ? "ON DUPLICATE KEY UPDATE seq = VALUES(seq), last_hash = VALUES(last_hash), last_row_id = VALUES(last_row_id), updated_at = VALUES(updated_at)"
    : "ON CONFLICT (chain_table, group_id) DO UPDATE SET seq = excluded.seq, last_hash = excluded.last_hash, last_row_id = excluded.last_row_id, updated_at = excluded.updated_at";
  const now = chainStamp(m);
  const all = [...heads.entries()].sort(([a], [b]) => a - b);
  for (let i = 0; i < all.length; i += CHUNK) {
    const part = all.slice(i, i + CHUNK);
    await m.query(
      `INSERT INTO ${head} (chain_table, group_id, seq, last_hash, last_row_id, updated_at) VALUES ${part.map(() => "(?, ?, ?, ?, ?, ?)").join(", ")} ${upsert}`,
      part.flatMap(([g, h]) => [table, g, h.seq, h.lastHash, h.lastRowId, now]),
    );
  }
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
  const heads = await lockHeads(
    m,
    table,
    rows.map((r) => Number(r[group])),
  );
  // hashes in JS, then one update per statement-sized slice for the rows and one upsert for the heads: a
  // batch of many groups costs a handful of statements, not two per group
  const sealed = sealRows(table, rows, heads);
  for (let i = 0; i < sealed.length; i += CHUNK) {
    const part = sealed.slice(i, i + CHUNK).map((r) => [Number(r.id), r.chain_seq, r.chain_prev, r.chain_hash]);
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
        ...part.flatMap((u) => [u[0], u[2]]),
        ...part.flatMap((u) => [u[0], u[3]]),
        ...part.map((u) => u[0]),
      ],
    );
  }
  await writeHeads(m, table, heads);
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
    `SELECT seq, last_hash, last_row_id FROM ${q(db, "evidence_chain_heads")} WHERE chain_table = ? AND group_id = ?`,
    [table, groupId],
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
  const heads: Raw[] = await db.query(
    `SELECT group_id FROM ${q(db, "evidence_chain_heads")} WHERE chain_table = ? AND seq > 0`,
    [table],
  );
  const ids = new Set(rows.map((r) => Number(r.g)));
  for (const h of heads) ids.add(Number(h.group_id));
  return [...ids].sort((a, b) => a - b);
}

import { createHash } from "node:crypto";
import {
  ACCOUNT_CATEGORY_LABELS,
  type AccountCategory,
  diffRegisterRow,
  maskIdNumber,
  maskName,
  maskPhone,
  normalizeIdNumber,
  normalizePhone,
  REGISTER_DIFF_LABELS,
  REGISTER_LIMITS,
  type RegisterChange,
  type RegisterImport as RegisterImportView,
  type RegisterReportRow,
  type RegisterRow,
  type RegisterRowKind,
  type RegisterSnapshot,
  shanghaiDate,
  validateRegisterRow,
} from "@warmline/shared";
import { type DataSource, type EntityManager, In, MoreThan } from "typeorm";
import type { PiiVault } from "../../lib/pii";
import { Building, Community, HeatingAccount } from "../accounts";
import { AuditLog } from "../audit";
import { RegisterImport, RegisterImportRow } from "./entities";
import { openRegister, RegisterFileError } from "./reader";

/** rows compared against the database, staged and applied per batch */
export const REGISTER_BATCH = 500;

/** What the import writes for one account: the row with phone and ID number encrypted (and indexed). */
export interface StagedData {
  communityName: string;
  buildingName: string | null;
  unit: string | null;
  room: string | null;
  address: string;
  heatedArea: number;
  category: AccountCategory;
  ownerName: string;
  phoneEnc: string | null;
  phoneBidx: string | null;
  idNumberEnc: string | null;
  idNumberBidx: string | null;
}

type Places = { communities: Map<string, number>; buildings: Map<string, number> };
const buildingKey = (communityName: string, buildingName: string) => `${communityName}/${buildingName}`;

async function loadPlaces(db: DataSource | EntityManager): Promise<Places> {
  const communities = await db.getRepository(Community).find({ select: { id: true, name: true } });
  const byId = new Map(communities.map((c) => [c.id, c.name]));
  const buildings = await db.getRepository(Building).find({ select: { id: true, name: true, communityId: true } });
  return {
    communities: new Map(communities.map((c) => [c.name, c.id])),
    buildings: new Map(buildings.map((b) => [buildingKey(byId.get(b.communityId) ?? "", b.name), b.id])),
  };
}

/** An account on file as a snapshot to compare with (phone and ID number as blind indexes). */
function snapshotOf(a: HeatingAccount): RegisterSnapshot {
  return {
    communityName: a.community?.name ?? "",
    buildingName: a.building?.name ?? null,
    unit: a.unit,
    room: a.room,
    address: a.address,
    heatedArea: a.heatedArea,
    category: a.category,
    ownerName: a.ownerName,
    phone: a.phoneBidx,
    idNumber: a.idNumberBidx,
  };
}

function stagedSnapshot(d: StagedData): RegisterSnapshot {
  return {
    communityName: d.communityName,
    buildingName: d.buildingName,
    unit: d.unit,
    room: d.room,
    address: d.address,
    heatedArea: d.heatedArea,
    category: d.category,
    ownerName: d.ownerName,
    phone: d.phoneBidx,
    idNumber: d.idNumberBidx,
  };
}

function stage(vault: PiiVault, row: RegisterRow): StagedData {
  return {
    communityName: row.communityName,
    buildingName: row.buildingName,
    unit: row.unit,
    room: row.room,
    address: row.address,
    heatedArea: row.heatedArea,
    category: row.category,
    ownerName: row.ownerName,
    phoneEnc: vault.encrypt(row.phone),
    phoneBidx: vault.blindIndex("phone", row.phone ? normalizePhone(row.phone) : null),
    idNumberEnc: vault.encrypt(row.idNumber),
    idNumberBidx: vault.blindIndex("idNumber", row.idNumber ? normalizeIdNumber(row.idNumber) : null),
  };
}

/** A change as people read it: area in ㎡, category in words, names and personal data masked. */
function changeText(field: string, v: string | number | null, plain?: string | null): string | null {
  if (v === null || v === undefined) return null;
  switch (field) {
    case "heatedArea":
      return `${(Number(v) / 100).toFixed(2)}㎡`;
    case "category":
      return ACCOUNT_CATEGORY_LABELS[v as AccountCategory] ?? String(v);
    case "ownerName":
      return maskName(String(v));
    case "phone":
      return maskPhone(plain ?? null) ?? "（已有）";
    case "idNumber":
      return maskIdNumber(plain ?? null) ?? "（已有）";
    default:
      return String(v);
  }
}

/** The diff with personal data masked: plain values come from the staged row and the decrypted account. */
function presentChanges(
  changes: RegisterChange[],
  vault: PiiVault,
  staged: StagedData,
  current: HeatingAccount | null,
): { field: string; label: string; before: string | null; after: string | null }[] {
  return changes.map((c) => {
    const pii = c.field === "phone" || c.field === "idNumber";
    const plainAfter = pii ? vault.decrypt(c.field === "phone" ? staged.phoneEnc : staged.idNumberEnc) : null;
    const plainBefore =
      pii && current ? vault.decrypt(c.field === "phone" ? current.phoneEnc : current.idNumberEnc) : null;
    return {
      field: c.field,
      label: REGISTER_DIFF_LABELS[c.field],
      before: changeText(c.field, c.before, plainBefore),
      after: changeText(c.field, c.after, plainAfter),
    };
  });
}

async function accountsByNo(db: DataSource | EntityManager, nos: string[]): Promise<Map<string, HeatingAccount>> {
  if (nos.length === 0) return new Map();
  const rows = await db
    .getRepository(HeatingAccount)
    .find({ where: { accountNo: In(nos) }, relations: { community: true, building: true } });
  return new Map(rows.map((a) => [a.accountNo, a]));
}

interface Pending {
  rowNo: number;
  row: RegisterRow;
}

/**
 * The dry run: reads the stored upload row by row, validates each (shared rules), compares the valid ones
 * with the accounts on file in batches, and stages every create, update and error row with its diff or
 * reasons. Nothing outside the import's own tables changes. A file-level problem (type, columns,
 * encoding, too many rows) marks the import rejected with the reason and keeps no rows.
 */
export async function dryRun(
  ds: DataSource,
  vault: PiiVault,
  imp: RegisterImport,
  file: string,
  now = new Date(),
): Promise<RegisterImport> {
  const repo = ds.getRepository(RegisterImport);
  const rowsRepo = ds.getRepository(RegisterImportRow);
  const today = shanghaiDate(now);
  const places = await loadPlaces(ds);
  const newCommunities = new Set<string>();
  const newBuildings = new Set<string>();
  /** 户号 → first row and what it was staged as (to mark both rows of a duplicate) */
  const seen = new Map<string, { rowNo: number; kind: RegisterRowKind }>();
  const dupFirsts = new Map<string, number>();
  const counts = { total: 0, create: 0, update: 0, unchanged: 0, error: 0 };
  let out: Partial<RegisterImportRow>[] = [];
  let pending: Pending[] = [];

  const flushOut = async () => {
    if (out.length) await rowsRepo.createQueryBuilder().insert().values(out).updateEntity(false).execute();
    out = [];
  };
  const addError = (rowNo: number, accountNo: string | null, errors: string[]) => {
    counts.error++;
    out.push({ importId: imp.id, rowNo, accountNo, kind: "error", errors: JSON.stringify(errors) });
  };
  const compare = async () => {
    const current = await accountsByNo(
      ds,
      pending.map((p) => p.row.accountNo),
    );
    for (const p of pending) {
      const staged = stage(vault, p.row);
      if (!places.communities.has(p.row.communityName)) newCommunities.add(p.row.communityName);
      if (p.row.buildingName && !places.buildings.has(buildingKey(p.row.communityName, p.row.buildingName)))
        newBuildings.add(buildingKey(p.row.communityName, p.row.buildingName));
      const a = current.get(p.row.accountNo) ?? null;
      let kind: RegisterRowKind;
      let changes: RegisterChange[] = [];
      if (!a) kind = "create";
      else {
        changes = diffRegisterRow(stagedSnapshot(staged), snapshotOf(a));
        kind = changes.length ? "update" : "unchanged";
      }
      counts[kind]++;
      seen.set(p.row.accountNo, { rowNo: p.rowNo, kind });
      if (kind === "unchanged") continue;
      out.push({
        importId: imp.id,
        rowNo: p.rowNo,
        accountNo: p.row.accountNo,
        kind,
        data: JSON.stringify(staged),
        changes: kind === "update" ? JSON.stringify(presentChanges(changes, vault, staged, a)) : null,
      });
    }
    pending = [];
    await flushOut();
  };

  let opened: Awaited<ReturnType<typeof openRegister>> | null = null;
  try {
    opened = await openRegister(file);
    await repo.update({ id: imp.id }, { format: opened.format, encoding: opened.encoding });
    for await (const { rowNo, raw } of opened.rows) {
      counts.total++;
      if (counts.total > REGISTER_LIMITS.maxRows)
        throw new RegisterFileError(
          "REGISTER_TOO_MANY_ROWS",
          `文件超过${REGISTER_LIMITS.maxRows.toLocaleString("en-US")}行，请分多个文件导入`,
        );
      const v = validateRegisterRow(raw, today);
      const accountNo = typeof raw.accountNo === "string" ? raw.accountNo.trim().slice(0, 16) || null : null;
      if (!v.ok) {
        addError(
          rowNo,
          accountNo,
          v.problems.map((p) => p.message),
        );
      } else {
        const first = seen.get(v.row.accountNo) ?? pending.find((p) => p.row.accountNo === v.row.accountNo);
        if (first) {
          addError(rowNo, v.row.accountNo, [`户号与第${first.rowNo}行重复`]);
          if (!dupFirsts.has(v.row.accountNo)) dupFirsts.set(v.row.accountNo, first.rowNo);
        } else {
          pending.push({ rowNo, row: v.row });
          if (pending.length >= REGISTER_BATCH) await compare();
        }
      }
      if (out.length >= REGISTER_BATCH) await flushOut();
    }
    await compare();
    await flushOut();
    // the first row of a duplicated 户号 is an error too: which of the two is right is for people to decide
    for (const [accountNo, rowNo] of dupFirsts) {
      const was = seen.get(accountNo);
      const errors = JSON.stringify([`户号在文件中重复出现（另见后面的重复行），请只保留一行`]);
      if (was) counts[was.kind]--;
      counts.error++;
      if (was && was.kind !== "unchanged")
        await rowsRepo.update({ importId: imp.id, rowNo }, { kind: "error", data: null, changes: null, errors });
      else await rowsRepo.insert({ importId: imp.id, rowNo, accountNo, kind: "error", errors });
    }
  } catch (err) {
    if (!(err instanceof RegisterFileError)) {
      await rowsRepo.delete({ importId: imp.id });
      throw err;
    }
    await rowsRepo.delete({ importId: imp.id });
    await repo.update(
      { id: imp.id },
      {
        status: "rejected",
        fileError: { code: err.code, message: err.message },
        totalRows: 0,
        createCount: 0,
        updateCount: 0,
        unchangedCount: 0,
        errorCount: 0,
        finishedAt: new Date(),
      },
    );
    return repo.findOneByOrFail({ id: imp.id });
  }
  await repo.update(
    { id: imp.id },
    {
      status: "validated",
      totalRows: counts.total,
      createCount: counts.create,
      updateCount: counts.update,
      unchangedCount: counts.unchanged,
      errorCount: counts.error,
      newCommunities: [...newCommunities].sort(),
      newBuildings: [...newBuildings].sort(),
    },
  );
  return repo.findOneByOrFail({ id: imp.id });
}

/** A new import row for an uploaded file (before its dry run). */
export async function createImport(
  ds: DataSource,
  input: { fileName: string; size: number; sha256: string; createdBy: number },
): Promise<RegisterImport> {
  const repo = ds.getRepository(RegisterImport);
  return repo.save(
    repo.create({
      status: "validated",
      fileName: input.fileName.slice(0, 200),
      format: null,
      encoding: null,
      size: input.size,
      sha256: input.sha256,
      createdBy: input.createdBy,
      skipErrors: false,
      createPlaces: false,
    }),
  );
}

export function sha256Hex(): ReturnType<typeof createHash> {
  return createHash("sha256");
}

/** A community's code, derived from its name (the same name gives the same code: a retried job creates it once). */
const communityCode = (name: string) => `R${createHash("sha1").update(name).digest("hex").slice(0, 15)}`;

async function ensurePlaces(m: EntityManager, rows: StagedData[], places: Places): Promise<void> {
  for (const r of rows) {
    if (!places.communities.has(r.communityName)) {
      await m
        .getRepository(Community)
        .createQueryBuilder()
        .insert()
        .values({ code: communityCode(r.communityName), name: r.communityName })
        .orIgnore()
        .updateEntity(false)
        .execute();
      const c = await m.getRepository(Community).findOneByOrFail({ code: communityCode(r.communityName) });
      places.communities.set(r.communityName, c.id);
    }
    const communityId = places.communities.get(r.communityName) as number;
    if (r.buildingName && !places.buildings.has(buildingKey(r.communityName, r.buildingName))) {
      await m
        .getRepository(Building)
        .createQueryBuilder()
        .insert()
        .values({ communityId, name: r.buildingName, stationId: null })
        .orIgnore()
        .updateEntity(false)
        .execute();
      const b = await m.getRepository(Building).findOneByOrFail({ communityId, name: r.buildingName });
      places.buildings.set(buildingKey(r.communityName, r.buildingName), b.id);
    }
  }
}

/**
 * Applies an import's staged creates and updates, a batch at a time (one transaction each), recording
 * progress. Idempotent by 户号: every row is compared again with the account as it is now, so a row applied
 * before (a retried job, the same file imported twice) changes nothing. Every change writes an audit row
 * with the field diff (personal data masked), in the batch's transaction.
 */
export async function applyImport(ds: DataSource, vault: PiiVault, importId: number): Promise<RegisterImport> {
  const repo = ds.getRepository(RegisterImport);
  const imp = await repo.findOneByOrFail({ id: importId });
  if (imp.status === "applied") return imp;
  const rowsRepo = ds.getRepository(RegisterImportRow);
  const kinds: RegisterRowKind[] = ["create", "update"];
  const applyTotal = await rowsRepo.countBy({ importId, kind: In(kinds) });
  await repo.update(
    { id: importId },
    { status: "applying", applyTotal, processed: 0, created: 0, updated: 0, skipped: 0, error: null },
  );
  const places = await loadPlaces(ds);
  let lastId = 0;
  const tally = { processed: 0, created: 0, updated: 0, skipped: 0 };
  for (;;) {
    const batch = await rowsRepo.find({
      where: { importId, kind: In(kinds), id: MoreThan(lastId) },
      order: { id: "ASC" },
      take: REGISTER_BATCH,
    });
    if (batch.length === 0) break;
    lastId = batch[batch.length - 1].id;
    await ds.transaction(async (m) => {
      const staged = batch.map((r) => ({ r, d: JSON.parse(r.data as string) as StagedData }));
      await ensurePlaces(
        m,
        staged.map((s) => s.d),
        places,
      );
      const current = await accountsByNo(
        m,
        staged.map((s) => s.r.accountNo as string),
      );
      const inserts: Partial<HeatingAccount>[] = [];
      const audits: Partial<AuditLog>[] = [];
      const auditBase = {
        actorType: "staff" as const,
        actorId: imp.appliedBy,
        targetType: "heating_account",
        ip: null,
        requestId: null,
      };
      for (const { r, d } of staged) {
        const accountNo = r.accountNo as string;
        const communityId = places.communities.get(d.communityName) as number;
        const buildingId = d.buildingName
          ? (places.buildings.get(buildingKey(d.communityName, d.buildingName)) ?? null)
          : null;
        const a = current.get(accountNo);
        if (!a) {
          inserts.push({
            accountNo,
            communityId,
            buildingId,
            unit: d.unit,
            room: d.room,
            address: d.address,
            heatedArea: d.heatedArea,
            category: d.category,
            ownerName: d.ownerName,
            phoneEnc: d.phoneEnc,
            phoneBidx: d.phoneBidx,
            idNumberEnc: d.idNumberEnc,
            idNumberBidx: d.idNumberBidx,
          });
          continue;
        }
        const changes = diffRegisterRow(stagedSnapshot(d), snapshotOf(a));
        if (changes.length === 0) {
          tally.skipped++;
          continue;
        }
        const set: Partial<HeatingAccount> = {};
        for (const c of changes) {
          if (c.field === "communityName") set.communityId = communityId;
          else if (c.field === "buildingName") set.buildingId = buildingId;
          else if (c.field === "phone") Object.assign(set, { phoneEnc: d.phoneEnc, phoneBidx: d.phoneBidx });
          else if (c.field === "idNumber")
            Object.assign(set, { idNumberEnc: d.idNumberEnc, idNumberBidx: d.idNumberBidx });
          else Object.assign(set, { [c.field]: d[c.field as keyof StagedData] });
        }
        await m.getRepository(HeatingAccount).update({ id: a.id }, set);
        tally.updated++;
        audits.push({
          ...auditBase,
          action: "account.import_update",
          targetId: String(a.id),
          details: { importId, rowNo: r.rowNo, accountNo, changes: presentChanges(changes, vault, d, a) },
        });
      }
      if (inserts.length) {
        await m
          .getRepository(HeatingAccount)
          .createQueryBuilder()
          .insert()
          .values(inserts)
          .updateEntity(false)
          .execute();
        const ids = await m.getRepository(HeatingAccount).find({
          select: { id: true, accountNo: true },
          where: { accountNo: In(inserts.map((i) => i.accountNo as string)) },
        });
        const idOf = new Map(ids.map((x) => [x.accountNo, x.id]));
        const rowOf = new Map(staged.map((s) => [s.r.accountNo, s.r.rowNo]));
        for (const i of inserts) {
          audits.push({
            ...auditBase,
            action: "account.import_create",
            targetId: String(idOf.get(i.accountNo as string)),
            details: { importId, rowNo: rowOf.get(i.accountNo as string), accountNo: i.accountNo },
          });
        }
        tally.created += inserts.length;
      }
      if (audits.length)
        // free JSON details: TypeORM's deep-partial type cannot express them (as in audit())
        await m
          .getRepository(AuditLog)
          .createQueryBuilder()
          .insert()
          .values(audits as never)
          .updateEntity(false)
          .execute();
      tally.processed += batch.length;
      await m.getRepository(RegisterImport).update({ id: importId }, { ...tally });
    });
  }
  // the staged rows' encrypted personal data has served its purpose: only the report (masked) stays
  await rowsRepo.update({ importId }, { data: null });
  await repo.update({ id: importId }, { status: "applied", finishedAt: new Date() });
  return repo.findOneByOrFail({ id: importId });
}

export function presentImport(i: RegisterImport): RegisterImportView {
  return {
    id: i.id,
    status: i.status,
    fileName: i.fileName,
    format: i.format,
    encoding: i.encoding,
    size: i.size,
    totalRows: i.totalRows,
    createCount: i.createCount,
    updateCount: i.updateCount,
    unchangedCount: i.unchangedCount,
    errorCount: i.errorCount,
    newCommunities: i.newCommunities ?? [],
    newBuildings: i.newBuildings ?? [],
    fileError: i.fileError,
    skipErrors: i.skipErrors,
    processed: i.processed,
    applyTotal: i.applyTotal,
    created: i.created,
    updated: i.updated,
    skipped: i.skipped,
    error: i.error,
    createdAt: i.createdAt.toISOString(),
    finishedAt: i.finishedAt?.toISOString() ?? null,
  };
}

export function presentReportRow(r: RegisterImportRow): RegisterReportRow {
  return {
    rowNo: r.rowNo,
    accountNo: r.accountNo,
    kind: r.kind,
    changes: r.changes ? JSON.parse(r.changes) : [],
    errors: r.errors ? JSON.parse(r.errors) : [],
  };
}

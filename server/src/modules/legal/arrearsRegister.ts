import { once } from "node:events";
import { PassThrough, type Writable } from "node:stream";
import type Router from "@koa/router";
import {
  addMonthsClamped,
  type BizDate,
  LEGAL_CASE_STATE_LABELS,
  LEGAL_DESK_ROLES,
  type LegalCaseState,
  maskName,
  shanghaiDate,
  VISIT_POSITION_LABELS,
  type VisitPosition,
} from "@warmline/shared";
import ExcelJS from "exceljs";
import type { Context } from "koa";
import { type DataSource, In } from "typeorm";
import type { Deps } from "../../deps";
import { authenticateRequest, requireAuth } from "../../http/auth";
import { API_PREFIX } from "../../http/route";
import { logger } from "../../lib/logger";
import { Building, Community, HeatingAccount } from "../accounts";
import { audit } from "../audit";
import { arrearsOfAccounts } from "../reminders";
import { LegalCase } from "./entities";

/**
 * 欠费台账 (arrears register): every account with something owed, as an .xlsx streamed with exceljs's
 * streaming WorkbookWriter straight into the HTTP response — accounts are read in batches of 1,000 by id
 * (keyset), each row committed as it is written, and the next batch waits while the response is full, so
 * memory stays flat whatever the number of rows. Owner names are masked; the export is audited.
 */
export const ARREARS_REGISTER_PATH = `${API_PREFIX}/staff/legal/arrears-register.xlsx`;
const BATCH = 1000;

export const ARREARS_REGISTER_COLUMNS = [
  { header: "户号", key: "accountNo", width: 14 },
  { header: "户主", key: "owner", width: 10 },
  { header: "小区", key: "community", width: 16 },
  { header: "楼栋", key: "building", width: 10 },
  { header: "地址", key: "address", width: 30 },
  { header: "欠费本金（元）", key: "principal", width: 14, style: { numFmt: "0.00" } },
  { header: "滞纳金（元）", key: "lateFee", width: 12, style: { numFmt: "0.00" } },
  { header: "最早应缴日", key: "oldestDue", width: 12 },
  { header: "欠费月数", key: "months", width: 10 },
  { header: "最近走访表态", key: "position", width: 14 },
  { header: "法务案件状态", key: "caseState", width: 14 },
] as const;

export interface ArrearsRegisterRow {
  accountNo: string;
  owner: string;
  community: string;
  building: string;
  address: string;
  /** yuan, two decimals (numbers in the sheet) */
  principal: number;
  lateFee: number;
  oldestDue: string;
  months: number;
  position: string;
  caseState: string;
}

function wholeMonths(from: BizDate, to: BizDate): number {
  if (to <= from) return 0;
  let n = 0;
  while (addMonthsClamped(from, n + 1) <= to) n++;
  return n;
}

/** the next batch of account ids with open bills after `after` (keyset) */
async function idsAfter(ds: DataSource, after: number): Promise<number[]> {
  // walks the accounts' primary key and probes each one's bills (account_id leads their key): linear over
  // the whole export, where DISTINCT over the open bills would sort them again for every batch
  const rows: { accountId: number | string }[] = await ds.query(
    `SELECT a.id AS accountId FROM heating_accounts a
      WHERE a.id > ? AND EXISTS (SELECT 1 FROM bills b WHERE b.account_id = a.id AND b.status IN ('unpaid', 'partial'))
      ORDER BY a.id LIMIT ${BATCH}`,
    [after],
  );
  return rows.map((r) => Number(r.accountId));
}

type NameCache = { communities: Map<number, string>; buildings: Map<number, string> };

/** the rows of one batch of accounts (those still owing something on `asOf`) */
async function rowsOf(ds: DataSource, ids: number[], asOf: BizDate, cache: NameCache): Promise<ArrearsRegisterRow[]> {
  const { communities, buildings } = cache;
  const [arrears, accounts, visits, cases] = await Promise.all([
    arrearsOfAccounts(ds, ids, asOf),
    ds.getRepository(HeatingAccount).find({
      select: {
        id: true,
        accountNo: true,
        ownerName: true,
        communityId: true,
        buildingId: true,
        address: true,
      },
      where: { id: In(ids) },
    }),
    ds.query(
      `SELECT v.account_id AS accountId, v.position_kind AS pos, v.started_at AS startedAt, v.id AS id
         FROM home_visits v
        WHERE v.account_id IN (${ids.map(() => "?").join(",")}) AND v.position_kind IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM home_visits c WHERE c.corrects_id = v.id)`,
      ids,
    ) as Promise<{ accountId: number | string; pos: VisitPosition; startedAt: string | Date; id: number }[]>,
    ds.getRepository(LegalCase).find({
      select: { id: true, accountId: true, state: true, openAccountId: true },
      where: { accountId: In(ids) },
      order: { id: "ASC" },
    }),
  ]);
  const missingC = [...new Set(accounts.map((a) => a.communityId))].filter((id) => !communities.has(id));
  if (missingC.length)
    for (const c of await ds.getRepository(Community).findBy({ id: In(missingC) })) communities.set(c.id, c.name);
  const missingB = [...new Set(accounts.map((a) => a.buildingId).filter((b): b is number => b !== null))].filter(
    (id) => !buildings.has(id),
  );
  if (missingB.length)
    for (const b of await ds.getRepository(Building).findBy({ id: In(missingB) })) buildings.set(b.id, b.name);
  const lastPosition = new Map<number, { at: number; id: number; position: VisitPosition }>();
  for (const v of visits) {
    const at = new Date(v.startedAt).getTime();
    const id = Number(v.accountId);
    const cur = lastPosition.get(id);
    if (!cur || at > cur.at || (at === cur.at && v.id > cur.id))
      lastPosition.set(id, { at, id: v.id, position: v.pos });
  }
  const caseState = new Map<number, LegalCaseState>();
  // the open case when there is one, else the latest
  for (const c of cases)
    if (!caseState.has(c.accountId) || c.openAccountId !== null) caseState.set(c.accountId, c.state);
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const rows: ArrearsRegisterRow[] = [];
  for (const id of ids) {
    const a = byId.get(id);
    const ar = arrears.get(id);
    if (!a || !ar || ar.owedFen <= 0 || !ar.oldestDueDate) continue;
    const pos = lastPosition.get(id)?.position;
    const st = caseState.get(id);
    rows.push({
      accountNo: a.accountNo,
      owner: maskName(a.ownerName) ?? "",
      community: communities.get(a.communityId) ?? "",
      building: a.buildingId !== null ? (buildings.get(a.buildingId) ?? "") : "",
      address: a.address,
      principal: (ar.owedFen - ar.lateFeeFen) / 100,
      lateFee: ar.lateFeeFen / 100,
      oldestDue: ar.oldestDueDate,
      months: wholeMonths(ar.oldestDueDate, asOf),
      position: pos ? VISIT_POSITION_LABELS[pos] : "",
      caseState: st ? LEGAL_CASE_STATE_LABELS[st] : "",
    });
  }
  return rows;
}

/**
 * The register's rows, batch by batch (accounts in id order). The next batch is read while the caller
 * writes the current one, so the database and the XLSX writer overlap.
 */
export async function* arrearsRegisterRows(ds: DataSource, asOf: BizDate): AsyncGenerator<ArrearsRegisterRow[]> {
  const cache: NameCache = { communities: new Map(), buildings: new Map() };
  let ids = await idsAfter(ds, 0);
  // a failure of the batch read ahead surfaces when it is awaited, never as an unhandled rejection
  const ahead = (next: number[]) => {
    if (!next.length) return null;
    const p = rowsOf(ds, next, asOf, cache);
    p.catch(() => {});
    return p;
  };
  let pending = ahead(ids);
  while (pending) {
    const nextIds = await idsAfter(ds, ids[ids.length - 1] as number);
    const rows = await pending;
    pending = ahead(nextIds);
    ids = nextIds;
    yield rows;
  }
}

/** Writes the workbook into `out` (ends it); resolves with the number of rows. */
export async function writeArrearsRegister(ds: DataSource, out: Writable, asOf: BizDate): Promise<number> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = "暖线";
  const ws = wb.addWorksheet("欠费台账", { views: [{ state: "frozen", ySplit: 1 }] });
  ws.columns = ARREARS_REGISTER_COLUMNS.map((c) => ({ ...c }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).commit();
  let n = 0;
  for await (const batch of arrearsRegisterRows(ds, asOf)) {
    for (const r of batch) {
      ws.addRow(r).commit();
      n++;
    }
    // the client went away: stop reading the database
    if (out.destroyed) throw new Error("arrears register: the response stream was closed");
    // backpressure: let the reader catch up before the next batch
    if (out.writableNeedDrain) await Promise.race([once(out, "drain"), once(out, "close")]);
  }
  ws.commit();
  await wb.commit();
  return n;
}

/** GET /api/v1/staff/legal/arrears-register.xlsx (legal desk roles; audited before the first byte) */
export function mountArrearsRegister(router: Router, deps: Deps): void {
  router.get(ARREARS_REGISTER_PATH, async (ctx: Context) => {
    await authenticateRequest(deps.tokens, ctx);
    requireAuth(ctx, "staff", LEGAL_DESK_ROLES);
    const asOf = shanghaiDate(new Date());
    await audit(deps.ds, ctx, {
      action: "legal.arrears_register_export",
      targetType: "report",
      targetId: "arrears-register",
      details: { format: "xlsx", to: asOf },
    });
    const out = new PassThrough();
    ctx.status = 200;
    ctx.type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    const name = `欠费台账_${asOf}.xlsx`;
    ctx.set(
      "Content-Disposition",
      `attachment; filename="arrears-register_${asOf}.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
    );
    ctx.set("Cache-Control", "no-store");
    ctx.body = out;
    writeArrearsRegister(deps.ds, out, asOf).catch((err: unknown) => {
      if (out.destroyed) logger.warn({ err }, "arrears register export: the download was abandoned");
      else logger.error({ err }, "arrears register export failed");
      out.destroy(err as Error);
    });
  });
}

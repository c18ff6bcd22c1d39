import { type BizDate, owedAt } from "@warmline/shared";
import { type DataSource, type EntityManager, In } from "typeorm";
import { balanceOf, Bill, HeatingSeason, policyOf } from "../billing";

type Db = DataSource | EntityManager;

/** What an account owes on a date: late fee brought up to that date (as the resident would pay it then). */
export interface Arrears {
  owedFen: number;
  lateFeeFen: number;
  /** due date and season of the oldest bill with something unpaid; null when nothing is */
  oldestDueDate: BizDate | null;
  oldestSeason: string | null;
}

const NONE: Arrears = { owedFen: 0, lateFeeFen: 0, oldestDueDate: null, oldestSeason: null };

function sum(rows: { bill: Bill; season: HeatingSeason }[], asOf: BizDate): Arrears {
  let owed = 0;
  let late = 0;
  let oldest: { due: string; season: string } | null = null;
  for (const { bill, season } of rows) {
    const o = owedAt(balanceOf(bill), asOf, policyOf(season));
    if (o.total <= 0) continue;
    owed += o.total;
    late += o.lateFee;
    if (!oldest || bill.dueDate < oldest.due) oldest = { due: bill.dueDate, season: season.code };
  }
  if (!oldest) return NONE;
  return { owedFen: owed, lateFeeFen: late, oldestDueDate: oldest.due, oldestSeason: oldest.season };
}

/** The arrears of many accounts at once (one query for their open bills), by account id. */
export async function arrearsOfAccounts(db: Db, accountIds: number[], asOf: BizDate): Promise<Map<number, Arrears>> {
  const out = new Map<number, Arrears>();
  if (accountIds.length === 0) return out;
  // bills by account only (the (account, season) key answers it) and the seasons apart: joined, MariaDB
  // starts from the tiny seasons table and reads every bill of a season for each batch
  const bills = await db.getRepository(Bill).find({ where: { accountId: In(accountIds) } });
  const seasons = new Map((await db.getRepository(HeatingSeason).find()).map((s) => [s.id, s]));
  const by = new Map<number, { bill: Bill; season: HeatingSeason }[]>();
  for (const b of bills) {
    if (b.status !== "unpaid" && b.status !== "partial") continue;
    const list = by.get(b.accountId) ?? [];
    list.push({ bill: b, season: seasons.get(b.seasonId) as HeatingSeason });
    by.set(b.accountId, list);
  }
  for (const id of accountIds) out.set(id, sum(by.get(id) ?? [], asOf));
  return out;
}

export async function arrearsOf(db: Db, accountId: number, asOf: BizDate): Promise<Arrears> {
  return (await arrearsOfAccounts(db, [accountId], asOf)).get(accountId) ?? NONE;
}

import {
  type BizDate,
  indoorFloorC10,
  type LegalCandidateFacts,
  type LegalCandidateResult,
  type LegalRuleConfig,
  type LegalVisitFact,
  legalCandidateCheck,
  seasonCalendar,
  seasonCodeFor,
  shanghaiDate,
  shanghaiMidnight,
} from "@warmline/shared";
import { type DataSource, type EntityManager, In, Not } from "typeorm";
import { HeatingAccount } from "../accounts";
import { hardshipStatus } from "../hardship";
import { arrearsOf, ReminderHold } from "../reminders";
import { Ticket } from "../tickets";
import { HomeVisit } from "../visits";

type Db = DataSource | EntityManager;

/** a service complaint is open until the resident's follow-up closes it (resolved still awaits the 回访) */
export const OPEN_COMPLAINT_STATUSES = ["new", "responded", "dispatched", "on_site", "resolved"];

export interface AccountEvaluation {
  account: HeatingAccount;
  facts: LegalCandidateFacts;
  result: LegalCandidateResult;
  owedFen: number;
  principalFen: number;
  oldestDueDate: BizDate | null;
  /** account + season of the oldest unpaid bill: "the same arrears" */
  arrearsKey: string | null;
}

/**
 * The current (uncorrected) home visits of an account since `from`: a correction replaces the row it
 * corrects, so a row that some other row corrects is left out.
 */
async function visitsOf(db: Db, accountId: number, from: Date): Promise<HomeVisit[]> {
  return db
    .getRepository(HomeVisit)
    .createQueryBuilder("v")
    .where("v.account_id = :accountId", { accountId })
    .andWhere("v.started_at >= :from", { from })
    .andWhere("NOT EXISTS (SELECT 1 FROM home_visits c WHERE c.corrects_id = v.id)")
    .orderBy("v.started_at", "ASC")
    .addOrderBy("v.id", "ASC")
    .getMany();
}

/**
 * Readings below the floor this season not answered by a later reading at or above the floor: the latest
 * indoor reading of the season's visits decides (a cold-room ticket still open counts as a complaint).
 */
function unresolvedColdReadings(visits: HomeVisit[], seasonStart: Date): number {
  const readings = visits.filter((v) => v.indoorTempC10 !== null && v.startedAt >= seasonStart);
  const last = readings.at(-1);
  if (!last || last.indoorTempC10 === null) return 0;
  return last.indoorTempC10 < indoorFloorC10(last.outdoorTempC10) ? 1 : 0;
}

/** Gathers the facts of one account on `asOf` from the tables of the modules that own them and applies the rule. */
export async function evaluateAccount(
  ds: DataSource,
  accountId: number,
  asOf: BizDate,
  rule: LegalRuleConfig,
  now = new Date(),
): Promise<AccountEvaluation | null> {
  const account = await ds.getRepository(HeatingAccount).findOneBy({ id: accountId });
  if (!account) return null;
  const arrears = await arrearsOf(ds, accountId, asOf);
  const principalFen = arrears.owedFen - arrears.lateFeeFen;
  const seasonStart = shanghaiMidnight(seasonCalendar(seasonCodeFor(asOf)).startDate);
  // communications about these arrears: visits since the oldest unpaid bill fell due (and the season's, for readings)
  const since = arrears.oldestDueDate ? shanghaiMidnight(arrears.oldestDueDate) : seasonStart;
  const from = new Date(Math.min(since.getTime(), seasonStart.getTime()));
  const visits = await visitsOf(ds, accountId, from);
  const counted = arrears.oldestDueDate ? visits.filter((v) => v.startedAt >= since) : [];
  const visitFacts: LegalVisitFact[] = counted.map((v) => ({
    date: shanghaiDate(v.startedAt),
    at: v.startedAt.toISOString(),
    kind: v.kind,
    position: v.positionKind,
  }));
  const [hold, complaints, hs] = await Promise.all([
    ds.getRepository(ReminderHold).countBy({ activeAccountId: accountId }),
    ds.getRepository(Ticket).countBy({
      accountId,
      category: Not("inquiry"),
      status: In(OPEN_COMPLAINT_STATUSES),
    }),
    hardshipStatus(ds, accountId, now),
  ]);
  const facts: LegalCandidateFacts = {
    unpaidPrincipalFen: principalFen,
    oldestUnpaidDueDate: arrears.oldestDueDate,
    visits: visitFacts,
    hardshipCategory: account.hardshipCategory,
    hardshipStatus: hs,
    openComplaints: complaints,
    unresolvedColdReadings: unresolvedColdReadings(visits, seasonStart),
    doNotRemind: hold > 0,
  };
  return {
    account,
    facts,
    result: legalCandidateCheck(facts, asOf, rule),
    owedFen: arrears.owedFen,
    principalFen,
    oldestDueDate: arrears.oldestDueDate,
    arrearsKey: arrears.oldestSeason ? `${accountId}:${arrears.oldestSeason}` : null,
  };
}

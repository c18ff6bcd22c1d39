import {
  ACCOUNT_CATEGORY_LABELS,
  AGING_BUCKETS,
  type AgingBucket,
  type AgingRow,
  type ArrearsAccountPage,
  addDays,
  agingCutoffs,
  type CollectionAccountsQuery,
  type CollectionCurve,
  type CollectionDashboard,
  type CollectionFigures,
  type CollectionGroupRow,
  collectionRate,
  DEFAULT_SEASON_TARGETS,
  dayOfSeason,
  forecastCollection,
  HARDSHIP_LABELS,
  maskName,
  PAYMENT_CHANNEL_LABELS,
  type SeasonTargets,
  seasonLength,
  shanghaiDate,
} from "@warmline/shared";
import type { DataSource } from "typeorm";
import { AppError } from "../../http/errors";
import { HeatingSeason } from "../billing";
import { SeasonTarget } from "./entities";

/**
 * The collection dashboard's figures (issue 16). Every figure is one set-based query (GROUP BY over bills,
 * allocations and ledger entries); there is no loop over accounts. The rules (what counts, buckets, forecast)
 * are in shared/src/collection.ts.
 */

type Row = Record<string, unknown>;
const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const str = (v: unknown) => (v === null || v === undefined ? "" : String(v));

export interface SeasonRef {
  id: number;
  code: string;
  startDate: string;
  endDate: string;
  dueDate: string;
}
const ref = (s: HeatingSeason): SeasonRef => ({
  id: s.id,
  code: s.code,
  startDate: s.startDate,
  endDate: s.endDate,
  dueDate: s.dueDate,
});
const publicRef = ({ id: _id, ...rest }: SeasonRef) => rest;

export async function seasonByCode(ds: DataSource, code: string): Promise<SeasonRef> {
  const s = await ds.getRepository(HeatingSeason).findOneBy({ code });
  if (!s) throw new AppError("SEASON_NOT_FOUND", [{ path: "season", message: `供热季 ${code} 不存在` }]);
  return ref(s);
}

export async function previousSeason(ds: DataSource, season: SeasonRef): Promise<SeasonRef | null> {
  const s = await ds
    .getRepository(HeatingSeason)
    .createQueryBuilder("s")
    .where("s.start_date < :start", { start: season.startDate })
    .orderBy("s.start_date", "DESC")
    .getOne();
  return s ? ref(s) : null;
}

// --- targets ---

const fromPermille = (p: number) => p / 10;
const toPermille = (pct: number) => Math.round(pct * 10);

export async function targetsOf(
  ds: DataSource,
  seasonId: number,
): Promise<{ targets: SeasonTargets; row: SeasonTarget | null }> {
  const row = await ds.getRepository(SeasonTarget).findOneBy({ seasonId });
  if (!row) return { targets: { ...DEFAULT_SEASON_TARGETS }, row: null };
  return {
    row,
    targets: {
      collection: fromPermille(row.collectionPermille),
      specialGroupCoverage: fromPermille(row.specialGroupCoveragePermille),
      response: fromPermille(row.responsePermille),
      solve: fromPermille(row.solvePermille),
      satisfaction: fromPermille(row.satisfactionPermille),
    },
  };
}

export async function saveTargets(
  ds: DataSource,
  seasonId: number,
  t: SeasonTargets,
  staffUserId: number | null,
): Promise<SeasonTarget> {
  const repo = ds.getRepository(SeasonTarget);
  const values = {
    collectionPermille: toPermille(t.collection),
    specialGroupCoveragePermille: toPermille(t.specialGroupCoverage),
    responsePermille: toPermille(t.response),
    solvePermille: toPermille(t.solve),
    satisfactionPermille: toPermille(t.satisfaction),
    updatedBy: staffUserId,
  };
  const existing = await repo.findOneBy({ seasonId });
  if (existing) {
    await repo.update({ id: existing.id }, values);
  } else {
    // the unique key on season_id makes a concurrent first save fail instead of doubling the row
    await repo.insert({ seasonId, ...values });
  }
  return repo.findOneByOrFail({ seasonId });
}

// --- figures by group ---

const BILL_JOINS = `
  FROM bills b
  JOIN heating_accounts a ON a.id = b.account_id
  JOIN communities c ON c.id = a.community_id
  LEFT JOIN buildings bd ON bd.id = a.building_id
  LEFT JOIN heat_stations st ON st.id = bd.station_id`;

const FIGURE_COLUMNS = `COUNT(*) AS households,
  COALESCE(SUM(b.amount_fen), 0) AS receivable,
  COALESCE(SUM(b.paid_fen), 0) AS collected,
  COALESCE(SUM(b.waived_fen), 0) AS waived,
  COALESCE(SUM(CASE WHEN b.amount_fen - b.paid_fen - b.waived_fen > 0 THEN 1 ELSE 0 END), 0) AS unpaid_households,
  COALESCE(SUM(CASE WHEN b.amount_fen - b.paid_fen - b.waived_fen > 0 THEN b.amount_fen - b.paid_fen - b.waived_fen ELSE 0 END), 0) AS unpaid_fen`;

function figures(r: Row): CollectionFigures & { unpaidHouseholds: number; unpaidFen: number } {
  const receivableFen = num(r.receivable);
  const collectedFen = num(r.collected);
  const waivedFen = num(r.waived);
  return {
    households: num(r.households),
    receivableFen,
    collectedFen,
    waivedFen,
    outstandingFen: receivableFen - collectedFen - waivedFen,
    rate: collectionRate(collectedFen, receivableFen),
    unpaidHouseholds: num(r.unpaid_households),
    unpaidFen: num(r.unpaid_fen),
  };
}
const publicFigures = ({ unpaidHouseholds: _h, unpaidFen: _f, ...rest }: ReturnType<typeof figures>) => rest;

async function grouped(
  ds: DataSource,
  seasonId: number,
  keyExpr: string,
  nameExpr: string,
  label: (key: string, name: string) => string,
): Promise<CollectionGroupRow[]> {
  const rows: Row[] = await ds.query(
    `SELECT ${keyExpr} AS k, ${nameExpr} AS n, ${FIGURE_COLUMNS} ${BILL_JOINS}
     WHERE b.season_id = ? GROUP BY ${keyExpr}, ${nameExpr} ORDER BY ${keyExpr}`,
    [seasonId],
  );
  return rows.map((r) => ({ key: str(r.k), name: label(str(r.k), str(r.n)), ...publicFigures(figures(r)) }));
}

export async function seasonTotals(ds: DataSource, seasonId: number) {
  const [row]: Row[] = await ds.query(`SELECT ${FIGURE_COLUMNS} FROM bills b WHERE b.season_id = ?`, [seasonId]);
  return figures(row ?? {});
}

async function byChannel(ds: DataSource, seasonId: number) {
  const rows: Row[] = await ds.query(
    `SELECT o.channel AS channel, SUM(al.principal_fen) AS collected, COUNT(DISTINCT b.account_id) AS households
     FROM payment_allocations al
     JOIN bills b ON b.id = al.bill_id
     JOIN payment_orders o ON o.id = al.payment_order_id
     WHERE b.season_id = ? AND al.principal_fen > 0
     GROUP BY o.channel ORDER BY o.channel`,
    [seasonId],
  );
  return rows.map((r) => ({
    channel: str(r.channel),
    name: PAYMENT_CHANNEL_LABELS[str(r.channel) as keyof typeof PAYMENT_CHANNEL_LABELS] ?? str(r.channel),
    collectedFen: num(r.collected),
    households: num(r.households),
  }));
}

// --- arrears aging ---

/**
 * Per account in arrears: principal outstanding on the bills of this season and every earlier one, and the due
 * date of its oldest unpaid bill. Used by the aging table and the drill-down.
 */
const ARREARS_PER_ACCOUNT = `
  SELECT b.account_id AS account_id, a.community_id AS community_id, MIN(b.due_date) AS oldest,
         SUM(b.amount_fen - b.paid_fen - b.waived_fen) AS owed
  FROM bills b
  JOIN heating_seasons s ON s.id = b.season_id
  JOIN heating_accounts a ON a.id = b.account_id
  WHERE s.start_date <= ? AND b.amount_fen - b.paid_fen - b.waived_fen > 0
  GROUP BY b.account_id, a.community_id`;

const BUCKET_CASE = `CASE WHEN x.oldest >= ? THEN 'd0_30' WHEN x.oldest >= ? THEN 'd31_90'
  WHEN x.oldest >= ? THEN 'd91_180' ELSE 'd180_plus' END`;

const emptyCells = () =>
  Object.fromEntries(AGING_BUCKETS.map((b) => [b, { households: 0, outstandingFen: 0 }])) as AgingRow["buckets"];

export async function agingByCommunity(ds: DataSource, season: SeasonRef, asOf: string) {
  const cut = agingCutoffs(asOf);
  const rows: Row[] = await ds.query(
    `SELECT c.id AS community_id, c.name AS community_name, ${BUCKET_CASE} AS bucket,
            COUNT(*) AS households, SUM(x.owed) AS owed
     FROM (${ARREARS_PER_ACCOUNT}) x
     JOIN communities c ON c.id = x.community_id
     GROUP BY c.id, c.name, ${BUCKET_CASE}
     ORDER BY c.id`,
    [cut.d0_30, cut.d31_90, cut.d91_180, season.startDate, cut.d0_30, cut.d31_90, cut.d91_180],
  );
  const byId = new Map<number, AgingRow>();
  const totals = emptyCells();
  for (const r of rows) {
    const id = num(r.community_id);
    let row = byId.get(id);
    if (!row) {
      row = {
        communityId: id,
        communityName: str(r.community_name),
        households: 0,
        outstandingFen: 0,
        buckets: emptyCells(),
      };
      byId.set(id, row);
    }
    const bucket = str(r.bucket) as AgingBucket;
    const households = num(r.households);
    const owed = num(r.owed);
    row.buckets[bucket] = { households, outstandingFen: owed };
    row.households += households;
    row.outstandingFen += owed;
    totals[bucket].households += households;
    totals[bucket].outstandingFen += owed;
  }
  const aging = [...byId.values()];
  const top = [...aging]
    .sort((a, b) => b.outstandingFen - a.outstandingFen || a.communityId - b.communityId)
    .slice(0, 10);
  return { aging, totals, top };
}

export async function arrearsAccounts(
  ds: DataSource,
  q: CollectionAccountsQuery,
  asOf: string = shanghaiDate(new Date()),
): Promise<ArrearsAccountPage> {
  const season = await seasonByCode(ds, q.season);
  if (q.communityId !== undefined) {
    const [exists]: Row[] = await ds.query("SELECT id FROM communities WHERE id = ?", [q.communityId]);
    if (!exists) {
      throw new AppError("DASHBOARD_COMMUNITY_NOT_FOUND", [
        { path: "communityId", in: "query", message: `小区 ${q.communityId} 不存在` },
      ]);
    }
  }
  const cut = agingCutoffs(asOf);
  const where: string[] = [];
  const params: unknown[] = [season.startDate];
  if (q.communityId !== undefined) {
    where.push("x.community_id = ?");
    params.push(q.communityId);
  }
  if (q.bucket) {
    // bucket bounds on the oldest due date (see agingCutoffs)
    const bounds: Record<AgingBucket, [string | null, string | null]> = {
      d0_30: [cut.d0_30, null],
      d31_90: [cut.d31_90, cut.d0_30],
      d91_180: [cut.d91_180, cut.d31_90],
      d180_plus: [null, cut.d91_180],
    };
    const [from, below] = bounds[q.bucket];
    if (from) {
      where.push("x.oldest >= ?");
      params.push(from);
    }
    if (below) {
      where.push("x.oldest < ?");
      params.push(below);
    }
  }
  const filter = where.length ? `WHERE ${where.join(" AND ")}` : "";
  const [count]: Row[] = await ds.query(`SELECT COUNT(*) AS n FROM (${ARREARS_PER_ACCOUNT}) x ${filter}`, params);
  const offset = (q.page - 1) * q.pageSize;
  const rows: Row[] = await ds.query(
    `SELECT x.account_id, x.community_id, x.oldest, x.owed, ${BUCKET_CASE} AS bucket,
            a.account_no, a.owner_name, a.address, a.hardship_category, c.name AS community_name
     FROM (${ARREARS_PER_ACCOUNT}) x
     JOIN heating_accounts a ON a.id = x.account_id
     JOIN communities c ON c.id = x.community_id
     ${filter}
     ORDER BY x.owed DESC, x.account_id ASC
     LIMIT ${Number(q.pageSize)} OFFSET ${Number(offset)}`,
    [cut.d0_30, cut.d31_90, cut.d91_180, ...params],
  );
  return {
    total: num(count?.n),
    page: q.page,
    pageSize: q.pageSize,
    items: rows.map((r) => ({
      accountId: num(r.account_id),
      accountNo: str(r.account_no),
      ownerName: maskName(str(r.owner_name)) ?? "",
      communityId: num(r.community_id),
      communityName: str(r.community_name),
      address: str(r.address),
      hardshipCategory: str(r.hardship_category),
      outstandingFen: num(r.owed),
      oldestDueDate: str(r.oldest),
      bucket: str(r.bucket) as AgingBucket,
    })),
  };
}

// --- daily curve ---

/** principal allocated to the season's bills per Shanghai business date of the payment (its ledger entry) */
async function dailyCollected(ds: DataSource, seasonId: number): Promise<Map<string, number>> {
  const rows: Row[] = await ds.query(
    `SELECT l.business_date AS d, SUM(al.principal_fen) AS fen
     FROM payment_allocations al
     JOIN bills b ON b.id = al.bill_id
     JOIN ledger_entries l ON l.source_type = 'payment' AND l.source_id = al.payment_order_id
     WHERE b.season_id = ? AND al.principal_fen > 0
     GROUP BY l.business_date`,
    [seasonId],
  );
  return new Map(rows.map((r) => [str(r.d), num(r.fen)]));
}

/** earliest day of season a curve starts at (pre-season payments older than this are summed into it) */
const EARLIEST_DAY = -200;

function cumulative(season: SeasonRef, daily: Map<string, number>, fromDay: number, toDay: number) {
  const points: { day: number; date: string; cumulativeFen: number }[] = [];
  const firstDate = addDays(season.startDate, fromDay - 1);
  let sum = 0;
  for (const [d, fen] of daily) if (d < firstDate) sum += fen;
  for (let day = fromDay; day <= toDay; day++) {
    const date = addDays(season.startDate, day - 1);
    sum += daily.get(date) ?? 0;
    points.push({ day, date, cumulativeFen: sum });
  }
  return points;
}

const firstDay = (season: SeasonRef, daily: Map<string, number>) =>
  Math.min(1, ...[...daily.keys()].map((d) => dayOfSeason(season.startDate, d)));

export async function collectionCurve(
  ds: DataSource,
  code: string,
  today: string = shanghaiDate(new Date()),
): Promise<CollectionCurve & { seasonRef: SeasonRef; previousRef: SeasonRef | null }> {
  const season = await seasonByCode(ds, code);
  const prev = await previousSeason(ds, season);
  const daily = await dailyCollected(ds, season.id);
  const prevDaily = prev ? await dailyCollected(ds, prev.id) : new Map<string, number>();
  const fromDay = Math.max(EARLIEST_DAY, Math.min(firstDay(season, daily), prev ? firstDay(prev, prevDaily) : 1));
  const day = dayOfSeason(season.startDate, today);
  const current = cumulative(season, daily, fromDay, Math.min(day, seasonLength(season.startDate, season.endDate)));
  const previousCurve = prev ? cumulative(prev, prevDaily, fromDay, seasonLength(prev.startDate, prev.endDate)) : [];
  const totals = await seasonTotals(ds, season.id);
  const prevTotals = prev ? await seasonTotals(ds, prev.id) : null;
  return {
    season: publicRef(season),
    previous: prev ? publicRef(prev) : null,
    seasonRef: season,
    previousRef: prev,
    asOf: today,
    day,
    receivableFen: totals.receivableFen,
    previousReceivableFen: prevTotals ? prevTotals.receivableFen : null,
    current,
    previousCurve,
  };
}

// --- the dashboard ---

export async function collectionDashboard(
  ds: DataSource,
  code: string,
  today: string = shanghaiDate(new Date()),
): Promise<CollectionDashboard> {
  const curve = await collectionCurve(ds, code, today);
  const season = curve.seasonRef;
  const { targets } = await targetsOf(ds, season.id);
  const totals = await seasonTotals(ds, season.id);
  const [byCommunity, byStation, byCategory, byHardship, channels, aging] = [
    await grouped(ds, season.id, "c.id", "c.name", (_k, n) => n),
    await grouped(ds, season.id, "COALESCE(st.id, 0)", "COALESCE(st.name, '')", (_k, n) => n || "未分配换热站"),
    await grouped(
      ds,
      season.id,
      "b.category",
      "b.category",
      (k) => ACCOUNT_CATEGORY_LABELS[k as keyof typeof ACCOUNT_CATEGORY_LABELS] ?? k,
    ),
    await grouped(
      ds,
      season.id,
      "a.hardship_category",
      "a.hardship_category",
      (k) => HARDSHIP_LABELS[k as keyof typeof HARDSHIP_LABELS] ?? k,
    ),
    await byChannel(ds, season.id),
    await agingByCommunity(ds, season, today),
  ];
  const seasonDays = seasonLength(season.startDate, season.endDate);
  const day = Math.min(Math.max(1, curve.day), seasonDays);
  const at = (points: { day: number; cumulativeFen: number }[], d: number) => {
    let v = 0;
    for (const p of points) if (p.day <= d) v = p.cumulativeFen;
    return v;
  };
  const previous = curve.previousRef
    ? {
        atDayFen: at(curve.previousCurve, day),
        finalFen: at(curve.previousCurve, seasonLength(curve.previousRef.startDate, curve.previousRef.endDate)),
      }
    : null;
  const forecast = forecastCollection({
    receivableFen: totals.receivableFen,
    collectedFen: totals.collectedFen,
    day: Math.max(curve.day, 1),
    seasonDays,
    previous,
    targetPct: targets.collection,
    unpaidHouseholds: totals.unpaidHouseholds,
    unpaidFen: totals.unpaidFen,
  });
  return {
    season: publicRef(season),
    asOf: today,
    targets,
    targetPct: targets.collection,
    totals: publicFigures(totals),
    byCommunity,
    byStation,
    byCategory,
    byHardship,
    byChannel: channels,
    aging: aging.aging,
    agingTotals: aging.totals,
    topArrears: aging.top,
    forecast: { ...forecast, previousSeasonCode: curve.previousRef?.code ?? null },
  };
}

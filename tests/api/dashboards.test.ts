import {
  AGING_BUCKETS,
  type AgingBucket,
  agingBucket,
  dayOfSeason,
  maskName,
  seasonLength,
  shanghaiDate,
} from "@warmline/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "@warmline/server/src/modules/audit";
import { Bill, HeatingSeason } from "@warmline/server/src/modules/billing";
import { openBills } from "@warmline/server/src/modules/payments";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { seasonsWithBills } from "../support/billing";
import { seedSmallCounty } from "../support/county";
import { staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

/**
 * 收费率看板 (issue 16): every figure of the dashboard against a direct computation in the test — raw rows read
 * with plain SQL and summed here in JavaScript, not the server's GROUP BY.
 */

let srv: TestServer;
let sup: Awaited<ReturnType<typeof staffLogin>>;
let cashier: Awaited<ReturnType<typeof staffLogin>>;
let admin: Awaited<ReturnType<typeof staffLogin>>;
let current: HeatingSeason;
let previous: HeatingSeason;
const CUR = "2026-2027";
const PREV = "2025-2026";
/** the date the previous season's one early payment is moved to (day 18 of 2025-2026) */
const EARLY_DATE = "2025-11-01";

type Raw = Record<string, unknown>;
const n = (v: unknown) => Number(v ?? 0);

async function pay(accountId: number, method: "cash" | "card", amountFen: number, receiptNo: string) {
  const res = await cashier.api.post("/api/v1/staff/payments/offline", { accountId, method, amountFen, receiptNo });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: number };
}

beforeAll(async () => {
  srv = await startTestServer();
  await seedSmallCounty(srv.deps, 40);
  sup = await seasonsWithBills(srv.url, [PREV, CUR]);
  cashier = await staffLogin(srv.url, "cashier", DEMO_PASSWORD);
  admin = await staffLogin(srv.url, "admin", DEMO_PASSWORD);
  const seasons = srv.deps.ds.getRepository(HeatingSeason);
  current = await seasons.findOneByOrFail({ code: CUR });
  previous = await seasons.findOneByOrFail({ code: PREV });
  // accounts billed in both seasons, in id order (some seeded accounts are not billed, e.g. closed ones)
  const both: Raw[] = await srv.deps.ds.query(
    `SELECT account_id FROM bills WHERE season_id IN (?, ?) GROUP BY account_id HAVING COUNT(*) = 2 ORDER BY account_id`,
    [previous.id, current.id],
  );
  const rows = both.map((r) => ({ id: n(r.account_id) }));
  expect(rows.length).toBeGreaterThan(10);
  // 0: pays everything (old arrears first, then this season) in cash
  const all0 = (await openBills(srv.deps.ds, rows[0].id)).reduce((s, b) => s + b.owedFen, 0);
  await pay(rows[0].id, "cash", all0, "DB-0");
  // 1: a partial payment (late fee and principal of last season's bill)
  await pay(rows[1].id, "cash", 10_000, "DB-1");
  // 2: pays everything by card
  const all2 = (await openBills(srv.deps.ds, rows[2].id)).reduce((s, b) => s + b.owedFen, 0);
  await pay(rows[2].id, "card", all2, "DB-2");
  // 3: pays last season's bill, then gets part of this season's principal waived
  const [old3] = await openBills(srv.deps.ds, rows[3].id);
  await pay(rows[3].id, "card", old3.owedFen, "DB-3");
  const bill3 = await srv.deps.ds.getRepository(Bill).findOneByOrFail({ accountId: rows[3].id, seasonId: current.id });
  const waived = await sup.api.post(`/api/v1/staff/bills/${bill3.id}/waive`, {
    principalFen: 5_000,
    reason: "困难家庭减免",
  });
  expect(waived.status, waived.text).toBe(200);
  // 4: pays last season's bill "early in last season": its ledger date is moved into 2025-2026
  const [old4] = await openBills(srv.deps.ds, rows[4].id);
  const early = await pay(rows[4].id, "cash", old4.owedFen, "DB-4");
  await srv.deps.ds.query(
    "UPDATE ledger_entries SET business_date = ? WHERE source_type = 'payment' AND source_id = ?",
    [EARLY_DATE, early.id],
  );
  // 5: pays all of last season and part of this one by card
  const all5 = (await openBills(srv.deps.ds, rows[5].id)).reduce((s, b) => s + b.owedFen, 0);
  await pay(rows[5].id, "card", all5 - 10_000, "DB-5");
});
afterAll(async () => srv?.close());

/** the bills of a season with the account's community, station and hardship category (raw rows) */
async function rawBills(seasonId: number) {
  const rows: Raw[] = await srv.deps.ds.query(
    `SELECT b.account_id, b.category, b.amount_fen, b.paid_fen, b.waived_fen, a.community_id, a.hardship_category,
            bd.station_id
     FROM bills b JOIN heating_accounts a ON a.id = b.account_id LEFT JOIN buildings bd ON bd.id = a.building_id
     WHERE b.season_id = ?`,
    [seasonId],
  );
  return rows.map((r) => ({
    accountId: n(r.account_id),
    category: String(r.category),
    amount: n(r.amount_fen),
    paid: n(r.paid_fen),
    waived: n(r.waived_fen),
    communityId: n(r.community_id),
    hardship: String(r.hardship_category),
    stationId: r.station_id === null ? 0 : n(r.station_id),
  }));
}

type RawBill = Awaited<ReturnType<typeof rawBills>>[number];
const rate = (c: number, r: number) => (r === 0 ? null : Math.round((c / r) * 1000) / 10);

function sumUp(bills: RawBill[]) {
  const receivableFen = bills.reduce((s, b) => s + b.amount, 0);
  const collectedFen = bills.reduce((s, b) => s + b.paid, 0);
  const waivedFen = bills.reduce((s, b) => s + b.waived, 0);
  return {
    households: bills.length,
    receivableFen,
    collectedFen,
    waivedFen,
    outstandingFen: receivableFen - collectedFen - waivedFen,
    rate: rate(collectedFen, receivableFen),
  };
}

function groupBy(bills: RawBill[], key: (b: RawBill) => string) {
  const m = new Map<string, RawBill[]>();
  for (const b of bills) m.set(key(b), [...(m.get(key(b)) ?? []), b]);
  return new Map([...m].map(([k, v]) => [k, sumUp(v)]));
}

const strip = (rows: { key: string; name: string }[]) =>
  new Map(rows.map(({ key, name: _n, ...figures }) => [key, figures]));

/** arrears per account on bills of the season and earlier, in JS */
async function rawArrears(asOf: string) {
  const rows: Raw[] = await srv.deps.ds.query(
    `SELECT b.account_id, b.amount_fen, b.paid_fen, b.waived_fen, b.due_date, a.community_id, a.owner_name
     FROM bills b JOIN heating_seasons s ON s.id = b.season_id JOIN heating_accounts a ON a.id = b.account_id
     WHERE s.start_date <= ?`,
    [current.startDate],
  );
  const per = new Map<number, { communityId: number; owed: number; oldest: string; ownerName: string }>();
  for (const r of rows) {
    const owed = n(r.amount_fen) - n(r.paid_fen) - n(r.waived_fen);
    if (owed <= 0) continue;
    const id = n(r.account_id);
    const p = per.get(id) ?? {
      communityId: n(r.community_id),
      owed: 0,
      oldest: "9999-12-31",
      ownerName: String(r.owner_name),
    };
    p.owed += owed;
    if (String(r.due_date) < p.oldest) p.oldest = String(r.due_date);
    per.set(id, p);
  }
  return [...per].map(([accountId, p]) => ({ accountId, ...p, bucket: agingBucket(p.oldest, asOf) }));
}

describe("collection dashboard figures equal a direct computation", () => {
  it("totals, rate, target and every breakdown", async () => {
    const res = await sup.api.get(`/api/v1/staff/dashboards/collection?season=${CUR}`);
    expect(res.status, res.text).toBe(200);
    const d = res.body;
    const bills = await rawBills(current.id);
    const totals = sumUp(bills);
    expect(totals.collectedFen).toBeGreaterThan(0);
    expect(totals.waivedFen).toBe(5_000);
    expect(d.totals).toEqual(totals);
    expect(d.season).toMatchObject({ code: CUR, startDate: current.startDate, endDate: current.endDate });
    expect(d.targetPct).toBe(97);
    expect(d.targets).toEqual({
      collection: 97,
      specialGroupCoverage: 100,
      response: 100,
      solve: 98,
      satisfaction: 100,
    });

    expect(strip(d.byCommunity)).toEqual(groupBy(bills, (b) => String(b.communityId)));
    expect(strip(d.byStation)).toEqual(groupBy(bills, (b) => String(b.stationId)));
    expect(strip(d.byCategory)).toEqual(groupBy(bills, (b) => b.category));
    expect(strip(d.byHardship)).toEqual(groupBy(bills, (b) => b.hardship));
    expect(d.byCommunity.length).toBeGreaterThan(1);
    const names: Raw[] = await srv.deps.ds.query("SELECT id, name FROM communities");
    for (const row of d.byCommunity) {
      expect(row.name).toBe(names.find((c) => String(c.id) === row.key)?.name);
    }
    expect(d.byCategory.find((r: { key: string }) => r.key === "residential")?.name).toBe("居民");
  });

  it("collected by payment channel (principal allocated to this season's bills)", async () => {
    const d = (await sup.api.get(`/api/v1/staff/dashboards/collection?season=${CUR}`)).body;
    const rows: Raw[] = await srv.deps.ds.query(
      `SELECT o.channel, al.principal_fen, b.account_id FROM payment_allocations al
       JOIN bills b ON b.id = al.bill_id JOIN payment_orders o ON o.id = al.payment_order_id WHERE b.season_id = ?`,
      [current.id],
    );
    const expected = new Map<string, { collectedFen: number; accounts: Set<number> }>();
    for (const r of rows) {
      if (n(r.principal_fen) <= 0) continue;
      const e = expected.get(String(r.channel)) ?? { collectedFen: 0, accounts: new Set<number>() };
      e.collectedFen += n(r.principal_fen);
      e.accounts.add(n(r.account_id));
      expected.set(String(r.channel), e);
    }
    expect(new Set(expected.keys())).toEqual(new Set(["cash", "card"]));
    expect(
      new Map(d.byChannel.map((c: { channel: string; collectedFen: number; households: number }) => [c.channel, c])),
    ).toEqual(
      new Map(
        [...expected].map(([channel, e]) => [
          channel,
          {
            channel,
            name: channel === "cash" ? "现金" : "银行卡",
            collectedFen: e.collectedFen,
            households: e.accounts.size,
          },
        ]),
      ),
    );
    // no refunds in this county: the channels add up to the collected total
    expect(d.byChannel.reduce((s: number, c: { collectedFen: number }) => s + c.collectedFen, 0)).toBe(
      d.totals.collectedFen,
    );
  });

  it("arrears aging by community, its totals and the top communities", async () => {
    const d = (await sup.api.get(`/api/v1/staff/dashboards/collection?season=${CUR}`)).body;
    const arrears = await rawArrears(d.asOf);
    const used = new Set(arrears.map((a) => a.bucket));
    expect(used.size).toBeGreaterThan(1); // last season's bills are older than 180 days, this season's are not
    const expected = new Map<
      number,
      { households: number; outstandingFen: number; buckets: Record<string, unknown> }
    >();
    for (const a of arrears) {
      const e = expected.get(a.communityId) ?? {
        households: 0,
        outstandingFen: 0,
        buckets: Object.fromEntries(AGING_BUCKETS.map((b) => [b, { households: 0, outstandingFen: 0 }])),
      };
      e.households += 1;
      e.outstandingFen += a.owed;
      const cell = e.buckets[a.bucket] as { households: number; outstandingFen: number };
      cell.households += 1;
      cell.outstandingFen += a.owed;
      expected.set(a.communityId, e);
    }
    const got = new Map(
      d.aging.map((r: { communityId: number; communityName: string }) => {
        const { communityId, communityName: _c, ...rest } = r;
        return [communityId, rest];
      }),
    );
    expect(got).toEqual(expected);
    for (const b of AGING_BUCKETS) {
      const inBucket = arrears.filter((a) => a.bucket === b);
      expect(d.agingTotals[b]).toEqual({
        households: inBucket.length,
        outstandingFen: inBucket.reduce((s, a) => s + a.owed, 0),
      });
    }
    const top = [...expected]
      .sort(([ia, a], [ib, b]) => b.outstandingFen - a.outstandingFen || ia - ib)
      .slice(0, 10)
      .map(([id]) => id);
    expect(d.topArrears.map((r: { communityId: number }) => r.communityId)).toEqual(top);
  });

  it("the curve: this season and last season by day of season", async () => {
    const res = await sup.api.get(`/api/v1/staff/dashboards/collection/curve?season=${CUR}`);
    expect(res.status, res.text).toBe(200);
    const c = res.body;
    const today = shanghaiDate(new Date());
    expect(c.asOf).toBe(today);
    expect(c.day).toBe(dayOfSeason(current.startDate, today));
    expect(c.previous).toMatchObject({ code: PREV });
    const daily = async (seasonId: number) => {
      const rows: Raw[] = await srv.deps.ds.query(
        `SELECT l.business_date, al.principal_fen FROM payment_allocations al JOIN bills b ON b.id = al.bill_id
         JOIN ledger_entries l ON l.source_type = 'payment' AND l.source_id = al.payment_order_id
         WHERE b.season_id = ?`,
        [seasonId],
      );
      return rows.map((r) => ({ date: String(r.business_date), fen: n(r.principal_fen) }));
    };
    const upTo = (rows: { date: string; fen: number }[], date: string) =>
      rows.filter((r) => r.date <= date).reduce((s, r) => s + r.fen, 0);
    const cur = await daily(current.id);
    const prev = await daily(previous.id);
    expect(upTo(prev, EARLY_DATE)).toBeGreaterThan(0);
    // both curves start on day 1 (no pre-season payments here) and are aligned by day of season
    expect(c.current[0].day).toBe(1);
    expect(c.current.at(-1).day).toBe(Math.min(c.day, seasonLength(current.startDate, current.endDate)));
    for (const p of c.current) expect(p.cumulativeFen, p.date).toBe(upTo(cur, p.date));
    expect(c.previousCurve).toHaveLength(seasonLength(previous.startDate, previous.endDate));
    for (const p of c.previousCurve) {
      expect(p.date).toBe(
        shanghaiDate(new Date(Date.parse(`${previous.startDate}T00:00:00+08:00`) + (p.day - 1) * 86_400_000)),
      );
      expect(p.cumulativeFen, p.date).toBe(upTo(prev, p.date));
    }
    expect(c.previousCurve[dayOfSeason(previous.startDate, EARLY_DATE) - 2].cumulativeFen).toBe(0);
    expect(c.current.at(-1).cumulativeFen).toBe(upTo(cur, today));
  });

  it("the forecast is computed from the shown inputs", async () => {
    const d = (await sup.api.get(`/api/v1/staff/dashboards/collection?season=${CUR}`)).body;
    const c = (await sup.api.get(`/api/v1/staff/dashboards/collection/curve?season=${CUR}`)).body;
    const bills = await rawBills(current.id);
    const unpaid = bills.filter((b) => b.amount - b.paid - b.waived > 0);
    const day = Math.min(Math.max(1, c.day), seasonLength(current.startDate, current.endDate));
    const prevAt = c.previousCurve.find((p: { day: number }) => p.day === day).cumulativeFen;
    const prevFinal = c.previousCurve.at(-1).cumulativeFen;
    expect(d.forecast.inputs).toEqual({
      receivableFen: d.totals.receivableFen,
      collectedFen: d.totals.collectedFen,
      day: Math.max(1, c.day),
      seasonDays: seasonLength(current.startDate, current.endDate),
      previous: { atDayFen: prevAt, finalFen: prevFinal },
      targetPct: 97,
      unpaidHouseholds: unpaid.length,
      unpaidFen: unpaid.reduce((s, b) => s + b.amount - b.paid - b.waived, 0),
    });
    expect(d.forecast.method).toBe("last_season_shape");
    expect(d.forecast.previousSeasonCode).toBe(PREV);
    const target = Math.ceil((d.totals.receivableFen * 970) / 1000);
    expect(d.forecast.targetFen).toBe(target);
    expect(d.forecast.projectedFen).toBe(
      Math.min(d.totals.receivableFen, Math.round((d.totals.collectedFen * prevFinal) / prevAt)),
    );
    expect(d.forecast.gapFen).toBe(target - d.totals.collectedFen);
    const avg = Math.round(d.forecast.inputs.unpaidFen / unpaid.length);
    expect(d.forecast.householdsNeeded).toBe(Math.ceil((target - d.totals.collectedFen) / avg));
    expect(d.forecast.explanation).toContain("上季同期");
  });
});

describe("drill-down to the accounts in arrears", () => {
  it("filters by community and bucket, pages, masks names", async () => {
    const asOf = shanghaiDate(new Date());
    const arrears = await rawArrears(asOf);
    const communityId = arrears[0].communityId;
    const bucket: AgingBucket = "d180_plus";
    const expected = arrears
      .filter((a) => a.communityId === communityId && a.bucket === bucket)
      .sort((a, b) => b.owed - a.owed || a.accountId - b.accountId);
    expect(expected.length).toBeGreaterThan(1);
    const all = await sup.api.get(
      `/api/v1/staff/dashboards/collection/accounts?season=${CUR}&communityId=${communityId}&bucket=${bucket}&pageSize=200`,
    );
    expect(all.status, all.text).toBe(200);
    expect(all.body.total).toBe(expected.length);
    expect(
      all.body.items.map((i: { accountId: number; outstandingFen: number }) => [i.accountId, i.outstandingFen]),
    ).toEqual(expected.map((a) => [a.accountId, a.owed]));
    for (const [i, item] of all.body.items.entries()) {
      expect(item.ownerName).toBe(maskName(expected[i].ownerName));
      expect(item.ownerName).not.toBe(expected[i].ownerName);
      expect(item).toMatchObject({ communityId, bucket, oldestDueDate: expected[i].oldest });
    }
    const page2 = await sup.api.get(
      `/api/v1/staff/dashboards/collection/accounts?season=${CUR}&communityId=${communityId}&bucket=${bucket}&page=2&pageSize=1`,
    );
    expect(page2.body).toMatchObject({ total: expected.length, page: 2, pageSize: 1 });
    expect(page2.body.items.map((i: { accountId: number }) => i.accountId)).toEqual([expected[1].accountId]);
    // without filters: every account in arrears
    const every = await sup.api.get(`/api/v1/staff/dashboards/collection/accounts?season=${CUR}&pageSize=200`);
    expect(every.body.total).toBe(arrears.length);
    const young = await sup.api.get(`/api/v1/staff/dashboards/collection/accounts?season=${CUR}&bucket=d31_90`);
    expect(young.body.total).toBe(arrears.filter((a) => a.bucket === "d31_90").length);
  });
});

describe("targets per season", () => {
  it("defaults, an admin's change (audited) moves the dashboard's target; others are refused", async () => {
    const before = await sup.api.get(`/api/v1/staff/dashboards/targets/${CUR}`);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ seasonCode: CUR, configured: false, targets: { collection: 97 } });
    const body = { collection: 95.5, specialGroupCoverage: 100, response: 99, solve: 98, satisfaction: 100 };
    expect((await sup.api.put(`/api/v1/staff/dashboards/targets/${CUR}`, body)).status).toBe(403);
    const saved = await admin.api.put(`/api/v1/staff/dashboards/targets/${CUR}`, body);
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body).toMatchObject({ seasonCode: CUR, configured: true, targets: body });
    const again = await admin.api.put(`/api/v1/staff/dashboards/targets/${CUR}`, { ...body, solve: 98.5 });
    expect(again.body.targets.solve).toBe(98.5);
    const audits = await srv.deps.ds
      .getRepository(AuditLog)
      .findBy({ action: "dashboard.targets_update", targetId: String(current.id) });
    expect(audits).toHaveLength(2);
    const rows: Raw[] = await srv.deps.ds.query("SELECT COUNT(*) AS c FROM season_targets WHERE season_id = ?", [
      current.id,
    ]);
    expect(n(rows[0].c)).toBe(1);
    const d = (await sup.api.get(`/api/v1/staff/dashboards/collection?season=${CUR}`)).body;
    expect(d.targetPct).toBe(95.5);
    expect(d.forecast.targetFen).toBe(Math.ceil((d.totals.receivableFen * 955) / 1000));
    // the previous season keeps the defaults
    expect((await sup.api.get(`/api/v1/staff/dashboards/targets/${PREV}`)).body.configured).toBe(false);
  });

  it("refuses bad targets with a Chinese message", async () => {
    const good = { collection: 97, specialGroupCoverage: 100, response: 100, solve: 98, satisfaction: 100 };
    for (const bad of [{ ...good, collection: 101 }, { ...good, solve: 97.55 }, { ...good, response: "x" }, {}]) {
      const res = await admin.api.put(`/api/v1/staff/dashboards/targets/${CUR}`, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_FAILED");
      expect(JSON.stringify(res.body.error.details)).toMatch(/[\u4e00-\u9fa5]/);
    }
    expect((await admin.api.put("/api/v1/staff/dashboards/targets/2099-2100", good)).body.error.code).toBe(
      "SEASON_NOT_FOUND",
    );
  });
});

describe("bad input", () => {
  it("unknown season 404, bad parameters 400, unknown community 404, other roles 403", async () => {
    for (const path of ["collection", "collection/curve", "collection/accounts"]) {
      const unknown = await sup.api.get(`/api/v1/staff/dashboards/${path}?season=2099-2100`);
      expect(unknown.status, path).toBe(404);
      expect(unknown.body.error.code).toBe("SEASON_NOT_FOUND");
      for (const q of ["", "?season=abc", "?season=2025-2027"]) {
        const bad = await sup.api.get(`/api/v1/staff/dashboards/${path}${q}`);
        expect(bad.status, `${path}${q}`).toBe(400);
        expect(JSON.stringify(bad.body.error.details)).toMatch(/[\u4e00-\u9fa5]/);
      }
    }
    for (const q of ["bucket=old", "page=0", "pageSize=500", "communityId=x"]) {
      const bad = await sup.api.get(`/api/v1/staff/dashboards/collection/accounts?season=${CUR}&${q}`);
      expect(bad.status, q).toBe(400);
    }
    const noCommunity = await sup.api.get(
      `/api/v1/staff/dashboards/collection/accounts?season=${CUR}&communityId=999999`,
    );
    expect(noCommunity.status).toBe(404);
    expect(noCommunity.body.error.code).toBe("DASHBOARD_COMMUNITY_NOT_FOUND");
    expect((await cashier.api.get(`/api/v1/staff/dashboards/collection?season=${CUR}`)).status).toBe(403);
  });
});

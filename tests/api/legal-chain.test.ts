import { HeatingAccount } from "@warmline/server/src/modules/accounts";
import { Bill } from "@warmline/server/src/modules/billing";
import { seedCalendarFromPackage } from "@warmline/server/src/modules/calendar";
import { appendChained, EvidenceChainHead, verifyChain } from "@warmline/server/src/modules/evidence";
import { LegalCaseEvent } from "@warmline/server/src/modules/legal";
import { Reminder, ReminderCampaign } from "@warmline/server/src/modules/reminders";
import { HomeVisit } from "@warmline/server/src/modules/visits";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seasonsWithBills } from "../support/billing";
import { seedSmallCounty } from "../support/county";
import { type Json, staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

/**
 * 证据链 on MariaDB (issue 15): visit records, reminders and case events recorded through the API are
 * chained per account (per case for the timeline); POST …/verify-chain recomputes them and answers OK; a
 * row changed directly in the database is named exactly (table, id, expected vs stored hash), and putting
 * the value back makes the chain hold again; a deleted tail row is caught by the head; appends at the same
 * time (two visits of one account, two raw appends racing) still make one unbroken chain.
 */

let srv: TestServer;
let county: Awaited<ReturnType<typeof seedSmallCounty>>;
type Staff = Awaited<ReturnType<typeof staffLogin>>;
let legal: Staff;
let sup: Staff;
let agent: Staff;
let account: HeatingAccount;
let caseId: number;

const DAY = 86_400_000;
const at = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
const visitBody = (accountId: number, msAgo: number, extra: object = {}) => ({
  accountId,
  startedAt: at(msAgo + 20 * 60_000),
  endedAt: at(msAgo),
  kind: "collection",
  outcome: "met_owner",
  indoorTempC10: 205,
  tempMethod: "thermometer",
  policyExplained: ["payment_policy"],
  position: { kind: "refuses", reason: "认为不该交" },
  ...extra,
});

async function verify(): Promise<Json> {
  const r = await legal.api.post(`/api/v1/staff/legal/cases/${caseId}/verify-chain`);
  expect(r.status).toBe(200);
  return r.body;
}

beforeAll(async () => {
  srv = await startTestServer();
  await seedCalendarFromPackage(srv.deps.ds);
  county = await seedSmallCounty(srv.deps, 10);
  await seasonsWithBills(srv.url, ["2025-2026", "2026-2027"]);
  [legal, sup, agent] = await Promise.all(
    ["legal_officer", "supervisor", "hotline_agent"].map((u) => staffLogin(srv.url, u, DEMO_PASSWORD)),
  );
  const ds = srv.deps.ds;
  account = county.rows[1] as HeatingAccount;
  await ds.getRepository(HeatingAccount).createQueryBuilder().update().set({ hardshipCategory: "none" }).execute();
  await ds.query(
    "UPDATE bills SET paid_fen = amount_fen, status = 'paid', late_fee_accrued_fen = 0, late_fee_accrued_until = NULL",
  );
  const season = (await ds.query("SELECT id FROM heating_seasons WHERE code = '2025-2026'")) as { id: number }[];
  await ds
    .getRepository(Bill)
    .update({ accountId: account.id, seasonId: (season[0] as { id: number }).id }, { paidFen: 0, status: "unpaid" });
}, 180_000);

afterAll(async () => {
  await srv?.close();
});

describe("the chain of a case", () => {
  it("visits, a reminder and case events recorded through the API are chained and verify OK", async () => {
    for (const ago of [3 * DAY, 1 * DAY]) {
      const v = await sup.api.post("/api/v1/staff/visits", visitBody(account.id, ago));
      expect(v.status).toBe(201);
    }
    const r = await agent.api.post(`/api/v1/staff/accounts/${account.id}/reminders`, { note: "法务前提醒" });
    expect(r.status).toBe(201);
    const opened = await legal.api.post("/api/v1/staff/legal/cases", { accountId: account.id, note: "两次拒缴" });
    expect(opened.status).toBe(201);
    caseId = opened.body.id;
    expect((await sup.api.post(`/api/v1/staff/legal/cases/${caseId}/approve`)).status).toBe(200);

    const ds = srv.deps.ds;
    const visits = await ds.getRepository(HomeVisit).find({ where: { accountId: account.id }, order: { id: "ASC" } });
    expect(visits).toHaveLength(2);
    expect(visits.map((v) => v.chainSeq)).toEqual([1, 2]);
    expect(visits[0]?.chainPrev).toBe("");
    expect(visits[1]?.chainPrev).toBe(visits[0]?.chainHash);
    expect(visits[1]?.chainHash).toMatch(/^[0-9a-f]{64}$/);
    const reminders = await ds.getRepository(Reminder).findBy({ accountId: account.id });
    expect(reminders.length).toBeGreaterThanOrEqual(1);
    expect(reminders.every((x) => x.chainHash !== null)).toBe(true);
    const events = await ds.getRepository(LegalCaseEvent).find({ where: { caseId }, order: { id: "ASC" } });
    expect(events.map((e) => e.kind)).toEqual(["opened", "approved"]);
    expect(events.map((e) => e.chainSeq)).toEqual([1, 2]);

    const ok = await verify();
    expect(ok.ok).toBe(true);
    expect(ok.broken).toBeNull();
    const rows = Object.fromEntries(ok.chains.map((c: Json) => [c.table, c.rows]));
    expect(rows).toEqual({ home_visits: 2, reminders: reminders.length, legal_case_events: 2 });
  });

  it("a reminder moving forward (sent, delivered) does not break its chain", async () => {
    const ds = srv.deps.ds;
    const r = await ds.getRepository(Reminder).findOneByOrFail({ accountId: account.id });
    await ds.getRepository(Reminder).update({ id: r.id }, { status: "sent", sentAt: new Date(), text: "已发送" });
    expect((await verify()).ok).toBe(true);
  });

  it("a visit changed in the database is named exactly, and holds again when put back", async () => {
    const ds = srv.deps.ds;
    const v = await ds
      .getRepository(HomeVisit)
      .findOneOrFail({ where: { accountId: account.id }, order: { id: "ASC" } });
    await ds.query("UPDATE home_visits SET position_kind = 'promised' WHERE id = ?", [v.id]);
    const bad = await verify();
    expect(bad.ok).toBe(false);
    expect(bad.broken).toMatchObject({
      table: "home_visits",
      rowId: v.id,
      reason: "hash_mismatch",
      stored: v.chainHash,
    });
    expect(bad.broken.expected).toMatch(/^[0-9a-f]{64}$/);
    expect(bad.broken.expected).not.toBe(v.chainHash);
    await ds.query("UPDATE home_visits SET position_kind = ? WHERE id = ?", [v.positionKind, v.id]);
    expect((await verify()).ok).toBe(true);
  });

  it("a reminder's planned amount or a case event's data changed in the database is named", async () => {
    const ds = srv.deps.ds;
    const r = await ds.getRepository(Reminder).findOneByOrFail({ accountId: account.id });
    await ds.query("UPDATE reminders SET owed_fen = owed_fen + 1 WHERE id = ?", [r.id]);
    const bad = await verify();
    expect(bad.broken).toMatchObject({ table: "reminders", rowId: r.id, reason: "hash_mismatch" });
    await ds.query("UPDATE reminders SET owed_fen = owed_fen - 1 WHERE id = ?", [r.id]);

    const e = await ds.getRepository(LegalCaseEvent).findOneOrFail({ where: { caseId }, order: { id: "DESC" } });
    await ds.query("UPDATE legal_case_events SET created_at = ? WHERE id = ?", [
      new Date("2020-01-01T00:00:00Z"),
      e.id,
    ]);
    const bad2 = await verify();
    expect(bad2.broken).toMatchObject({ table: "legal_case_events", rowId: e.id, reason: "hash_mismatch" });
    await ds.query("UPDATE legal_case_events SET created_at = ? WHERE id = ?", [e.createdAt, e.id]);
    expect((await verify()).ok).toBe(true);
  });

  it("a deleted row breaks the chain at the next row, a deleted last row at the head", async () => {
    const ds = srv.deps.ds;
    const cutId = (
      await ds.query("SELECT id FROM legal_case_events WHERE case_id = ? ORDER BY id DESC LIMIT 1", [caseId])
    )[0].id as number;
    const saved = (await ds.query("SELECT * FROM legal_case_events WHERE id = ?", [cutId]))[0];
    await ds.query("DELETE FROM legal_case_events WHERE id = ?", [cutId]);
    const bad = await verify();
    expect(bad.broken).toMatchObject({ table: "legal_case_events", reason: "head_mismatch", rowId: cutId });
    await ds.getRepository(LegalCaseEvent).insert({
      id: saved.id,
      caseId: saved.case_id,
      kind: saved.kind,
      actorStaffId: saved.actor_staff_id,
      data: JSON.parse(saved.data),
      dedupeKey: saved.dedupe_key,
      createdAt: saved.created_at,
      chainSeq: saved.chain_seq,
      chainPrev: saved.chain_prev,
      chainHash: saved.chain_hash,
    });
    expect((await verify()).ok).toBe(true);
  });

  it("a row written around the system (no hash) is named as unchained", async () => {
    const ds = srv.deps.ds;
    await ds
      .getRepository(LegalCaseEvent)
      .insert({ caseId, kind: "note", actorStaffId: null, data: {}, dedupeKey: null });
    const injected = await ds.getRepository(LegalCaseEvent).findOneOrFail({ where: { caseId }, order: { id: "DESC" } });
    const bad = await verify();
    expect(bad.broken).toMatchObject({ table: "legal_case_events", rowId: injected.id, reason: "unchained" });
    await ds.getRepository(LegalCaseEvent).delete({ id: injected.id });
    expect((await verify()).ok).toBe(true);
  });
});

describe("the reminder planning", () => {
  it("a campaign's batch insert chains every planned reminder of its accounts", async () => {
    const started = await sup.api.post("/api/v1/staff/reminders/campaigns");
    expect(started.status).toBe(201);
    const deadline = Date.now() + 60_000;
    const ds = srv.deps.ds;
    for (;;) {
      const c = await ds.getRepository(ReminderCampaign).findOneByOrFail({ id: started.body.id });
      if (c.planningDone) break;
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((res) => setTimeout(res, 300));
    }
    const planned = await ds.getRepository(Reminder).findBy({ campaignId: started.body.id });
    expect(planned.length).toBeGreaterThan(0);
    const all = await ds.getRepository(Reminder).find();
    expect(all.filter((r) => r.chainHash === null)).toEqual([]);
    for (const accountId of new Set(all.map((r) => r.accountId))) {
      const v = await verifyChain(ds, "reminders", accountId);
      expect(v.broken).toBeNull();
    }
  }, 90_000);
});

describe("appends at the same time", () => {
  it("two visits of one account saved at once make one unbroken chain", async () => {
    const other = county.rows[3] as HeatingAccount;
    const [a, b] = await Promise.all([
      sup.api.post("/api/v1/staff/visits", visitBody(other.id, 2 * DAY)),
      sup.api.post("/api/v1/staff/visits", visitBody(other.id, 1 * DAY)),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    const res = await legal.api.post(`/api/v1/staff/legal/accounts/${other.id}/verify-chain`);
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    const visits = await srv.deps.ds.getRepository(HomeVisit).findBy({ accountId: other.id });
    expect(visits.map((v) => v.chainSeq).sort()).toEqual([1, 2]);
  });

  it("many raw appends racing on one chain queue on its head and stay one chain", async () => {
    const ds = srv.deps.ds;
    const key = caseId;
    const before = await ds.getRepository(LegalCaseEvent).countBy({ caseId: key });
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        ds.transaction(async (m) => {
          await m
            .getRepository(LegalCaseEvent)
            .insert({ caseId: key, kind: "note", actorStaffId: null, data: { i }, dedupeKey: `race:${i}` });
          await appendChained(m, "legal_case_events", key);
        }),
      ),
    );
    const { report, broken } = await verifyChain(ds, "legal_case_events", key);
    expect(broken).toBeNull();
    expect(report.rows).toBe(before + 6);
    const head = await ds
      .getRepository(EvidenceChainHead)
      .findOneByOrFail({ chainTable: "legal_case_events", groupId: key });
    expect(head.seq).toBe(before + 6);
    expect((await verify()).ok).toBe(true);
  });
});

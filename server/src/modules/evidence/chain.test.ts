import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SqliteDeps, sqliteDeps } from "../../testing/sqliteDeps";
import { LegalCaseEvent } from "../legal";
import { Reminder } from "../reminders";
import { appendChained, chainGroups, sealAll, verifyChain } from ".";

/**
 * The evidence chain on SQLite (MariaDB: tests/api/legal-chain.test.ts): appends chain the group's new rows
 * in id order, a second append finds nothing to chain, a changed field is named, rows written around the
 * system are reported unchained until sealed (the migration's backfill), and updates of reminder fields
 * that move forward keep the chain.
 */
let t: SqliteDeps;
beforeAll(async () => {
  t = await sqliteDeps();
}, 60_000);
afterAll(async () => t?.close());

const CASE = 4242;

async function event(kind: "note" | "opened", data: Record<string, unknown>) {
  await t.deps.ds.transaction(async (m) => {
    await m
      .getRepository(LegalCaseEvent)
      .insert({ caseId: CASE, kind, actorStaffId: null, data: data as never, dedupeKey: null });
    await appendChained(m, "legal_case_events", CASE);
  });
}

describe("evidence chain (sqlite)", () => {
  it("chains appends in order and verifies them", async () => {
    await event("opened", { a: 1 });
    await event("note", { b: "二" });
    await event("note", { c: null });
    const rows = await t.deps.ds.getRepository(LegalCaseEvent).find({ where: { caseId: CASE }, order: { id: "ASC" } });
    expect(rows.map((r) => r.chainSeq)).toEqual([1, 2, 3]);
    expect(rows[1]?.chainPrev).toBe(rows[0]?.chainHash);
    const v = await verifyChain(t.deps.ds, "legal_case_events", CASE);
    expect(v.broken).toBeNull();
    expect(v.report).toMatchObject({ rows: 3, ok: true });
    expect(await t.deps.ds.transaction((m) => appendChained(m, "legal_case_events", CASE))).toBe(0);
    expect(await chainGroups(t.deps.ds, "legal_case_events")).toContain(CASE);
  });

  it("names the changed row", async () => {
    const rows = await t.deps.ds.getRepository(LegalCaseEvent).find({ where: { caseId: CASE }, order: { id: "ASC" } });
    const mid = rows[1] as LegalCaseEvent;
    await t.deps.ds.query(`UPDATE legal_case_events SET data = '{"b":"三"}' WHERE id = ?`, [mid.id]);
    const v = await verifyChain(t.deps.ds, "legal_case_events", CASE);
    expect(v.broken).toMatchObject({ rowId: mid.id, reason: "hash_mismatch", stored: mid.chainHash });
    await t.deps.ds.query(`UPDATE legal_case_events SET data = '{"b":"二"}' WHERE id = ?`, [mid.id]);
    expect((await verifyChain(t.deps.ds, "legal_case_events", CASE)).broken).toBeNull();
  });

  it("reports rows written around the system until they are sealed", async () => {
    await t.deps.ds
      .getRepository(LegalCaseEvent)
      .insert({ caseId: CASE, kind: "note", actorStaffId: null, data: {}, dedupeKey: null });
    const v = await verifyChain(t.deps.ds, "legal_case_events", CASE);
    expect(v.broken?.reason).toBe("unchained");
    expect(await t.deps.ds.transaction((m) => sealAll(m))).toBe(1);
    expect((await verifyChain(t.deps.ds, "legal_case_events", CASE)).report.rows).toBe(4);
    expect((await verifyChain(t.deps.ds, "legal_case_events", CASE)).broken).toBeNull();
  });

  it("a reminder keeps its chain while it moves forward, not when its plan changes", async () => {
    const accountId = t.county.account.id;
    await t.deps.ds.transaction(async (m) => {
      await m.getRepository(Reminder).insert({
        campaignId: null,
        accountId,
        stepKey: "s1",
        seasonCode: "2025-2026",
        grade: "overdue",
        soft: false,
        chain: "subscribe,sms",
        chainIndex: 0,
        template: "overdue",
        review: false,
        status: "planned",
        owedFen: 12_345,
        plannedFor: "2026-12-01",
      });
      await appendChained(m, "reminders", accountId);
    });
    const r = await t.deps.ds.getRepository(Reminder).findOneByOrFail({ accountId, stepKey: "s1" });
    await t.deps.ds
      .getRepository(Reminder)
      .update({ id: r.id }, { status: "delivered", sentAt: new Date(), deliveredAt: new Date(), chainIndex: 1 });
    expect((await verifyChain(t.deps.ds, "reminders", accountId)).broken).toBeNull();
    await t.deps.ds.getRepository(Reminder).update({ id: r.id }, { owedFen: 1 });
    expect((await verifyChain(t.deps.ds, "reminders", accountId)).broken).toMatchObject({
      table: "reminders",
      rowId: r.id,
      reason: "hash_mismatch",
    });
  });
});

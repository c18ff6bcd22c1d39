import { addDays, shanghaiDate } from "@warmline/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HeatingAccount } from "@warmline/server/src/modules/accounts";
import { AuditLog } from "@warmline/server/src/modules/audit";
import { Bill } from "@warmline/server/src/modules/billing";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { bindByName, seedSmallCounty } from "../support/county";
import { residentLogin, staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";
import { until } from "../support/wait";

let srv: TestServer;
let county: Awaited<ReturnType<typeof seedSmallCounty>>;
let sup: Awaited<ReturnType<typeof staffLogin>>;
const today = shanghaiDate(new Date());

const TARIFFS = [
  { category: "residential", unitPriceFen: 2_160, suspensionShareBp: 3_000 },
  { category: "non_residential", unitPriceFen: 2_900, suspensionShareBp: 3_000 },
  { category: "public_institution", unitPriceFen: 2_600, suspensionShareBp: 3_000 },
];

beforeAll(async () => {
  srv = await startTestServer();
  county = await seedSmallCounty(srv.deps, 120);
  sup = await staffLogin(srv.url, "supervisor", DEMO_PASSWORD);
});
afterAll(async () => srv?.close());

async function runToEnd(seasonId: number) {
  const started = await sup.api.post(`/api/v1/staff/seasons/${seasonId}/bill-runs`);
  expect(started.status).toBe(202);
  return until(async () => {
    const r = await sup.api.get(`/api/v1/staff/bill-runs/${started.body.id}`);
    return r.body.status === "done" || r.body.status === "failed" ? r.body : null;
  });
}

describe("seasons and season bills", () => {
  let seasonId: number;

  it("opens a season with tariffs (supervisor only; duplicates and bad codes refused)", async () => {
    const agent = await staffLogin(srv.url, "hotline_agent", DEMO_PASSWORD);
    const body = { code: "2025-2026", lateFeeRateBp: 5, tariffs: TARIFFS };
    expect((await agent.api.post("/api/v1/staff/seasons", body)).status).toBe(403);
    const created = await sup.api.post("/api/v1/staff/seasons", body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      code: "2025-2026",
      startDate: "2025-10-15",
      endDate: "2026-04-15",
      dueDate: "2025-10-14",
    });
    seasonId = created.body.id;
    expect((await sup.api.post("/api/v1/staff/seasons", body)).status).toBe(409);
    const bad = await sup.api.post("/api/v1/staff/seasons", { ...body, code: "2025-2027" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].message).toMatch(/相邻/);
  });

  it("refuses to generate bills while a category in use has no tariff", async () => {
    const s = await sup.api.post("/api/v1/staff/seasons", { code: "2030-2031", tariffs: [TARIFFS[0]] });
    const r = await sup.api.post(`/api/v1/staff/seasons/${s.body.id}/bill-runs`);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("TARIFF_MISSING");
  });

  it("generates one bill per billable account through the job queue, with visible progress", async () => {
    const run = await runToEnd(seasonId);
    const billable = county.rows.filter((a) => a.status !== "closed");
    expect(run).toMatchObject({
      status: "done",
      total: billable.length,
      processed: billable.length,
      created: billable.length,
      skipped: 0,
    });
    expect(await srv.deps.ds.getRepository(Bill).countBy({ seasonId })).toBe(billable.length);
  });

  it("a rerun creates no duplicates", async () => {
    const run = await runToEnd(seasonId);
    expect(run).toMatchObject({ status: "done", created: 0 });
    expect(run.skipped).toBe(run.total);
    expect(await srv.deps.ds.getRepository(Bill).countBy({ seasonId })).toBe(run.total);
  });

  it("deletes a season created by mistake until bills are issued for it (billing admins only, audited)", async () => {
    const made = await sup.api.post("/api/v1/staff/seasons", { code: "2031-2032", lateFeeRateBp: 5, tariffs: TARIFFS });
    expect(made.status).toBe(201);
    expect(made.body.billCount).toBe(0);
    const list = await sup.api.get("/api/v1/staff/seasons");
    const billed = list.body.items.find((x: { id: number }) => x.id === seasonId);
    expect(billed.billCount).toBeGreaterThan(0);

    const cashier = await staffLogin(srv.url, "cashier", DEMO_PASSWORD);
    const refused = await cashier.api.delete(`/api/v1/staff/seasons/${made.body.id}`);
    expect(refused.status).toBe(403);
    const hasBills = await sup.api.delete(`/api/v1/staff/seasons/${seasonId}`);
    expect(hasBills.status).toBe(409);
    expect(hasBills.body.error).toMatchObject({ code: "SEASON_HAS_BILLS", message: "该供热季已开具账单，不能删除" });

    const gone = await sup.api.delete(`/api/v1/staff/seasons/${made.body.id}`);
    expect(gone.status).toBe(204);
    const after = await sup.api.get("/api/v1/staff/seasons");
    expect(after.body.items.map((x: { code: string }) => x.code)).not.toContain("2031-2032");
    expect(
      await srv.deps.ds.getRepository(AuditLog).countBy({ action: "season.delete", targetId: String(made.body.id) }),
    ).toBe(1);
    const again = await sup.api.delete(`/api/v1/staff/seasons/${made.body.id}`);
    expect(again.status).toBe(404);
    // the code can be used again
    expect((await sup.api.post("/api/v1/staff/seasons", { code: "2031-2032", tariffs: TARIFFS })).status).toBe(201);
  });

  it("prices each bill as area × unit price, half up to the fen; 报停 pays the base share", async () => {
    const bills = await srv.deps.ds.getRepository(Bill).findBy({ seasonId });
    const accounts = new Map((await srv.deps.ds.getRepository(HeatingAccount).find()).map((a) => [a.id, a]));
    for (const b of bills) {
      const a = accounts.get(b.accountId)!;
      const price = TARIFFS.find((t) => t.category === a.category)!.unitPriceFen;
      const full = Math.floor((a.heatedArea * price + 50) / 100);
      expect(b.amountFen).toBe(a.status === "suspended" ? Math.floor((full * 3_000 + 5_000) / 10_000) : full);
      expect(b.suspended).toBe(a.status === "suspended");
    }
    expect(bills.some((b) => b.suspended) || county.rows.every((a) => a.status !== "suspended")).toBe(true);
  });
});

describe("resident bills and late fees", () => {
  it("shows the bound account's bills with the late fee as of today; others answer 404", async () => {
    const dueDate = addDays(today, -10);
    const s = await sup.api.post("/api/v1/staff/seasons", {
      code: "2026-2027",
      dueDate,
      lateFeeRateBp: 5,
      tariffs: TARIFFS,
    });
    expect(s.status).toBe(201);
    expect((await runToEnd(s.body.id)).status).toBe("done");

    const h = county.households[0];
    const me = await residentLogin(srv.url);
    expect((await me.api.get(`/api/v1/me/accounts/${h.account.id}/bills`)).status).toBe(404);
    await bindByName(me.api, h);
    const res = await me.api.get(`/api/v1/me/accounts/${h.account.id}/bills`);
    expect(res.status).toBe(200);
    const bill = res.body.items.find((b: { seasonCode: string }) => b.seasonCode === "2026-2027");
    // 10 days overdue at 万分之五 a day: amount × 0.0005 × 10, half up to the fen
    expect(bill.overdueDays).toBe(10);
    expect(bill.lateFeeFen).toBe(Math.floor((bill.amountFen * 5 * 10 * 2 + 10_000) / 20_000));
    expect(bill.owedFen).toBe(bill.amountFen + bill.lateFeeFen);
    expect(bill.status).toBe("unpaid");
    expect(res.body.items.map((b: { seasonCode: string }) => b.seasonCode)).toEqual(["2025-2026", "2026-2027"]);
    expect(res.body.totalOwedFen).toBe(res.body.items.reduce((n: number, b: { owedFen: number }) => n + b.owedFen, 0));
  });

  it("a supervisor waives a late fee with a reason (audited); too much or the wrong role is refused", async () => {
    const h = county.households[1];
    const bills = await sup.api.get(`/api/v1/staff/accounts/${h.account.id}/bills`);
    const bill = bills.body.items.find((b: { seasonCode: string }) => b.seasonCode === "2026-2027");
    expect(bill.lateFeeFen).toBeGreaterThan(0);
    const cashier = await staffLogin(srv.url, "cashier", DEMO_PASSWORD);
    expect(
      (await cashier.api.post(`/api/v1/staff/bills/${bill.id}/waive`, { lateFeeFen: 1, reason: "困难家庭" })).status,
    ).toBe(403);
    const tooMuch = await sup.api.post(`/api/v1/staff/bills/${bill.id}/waive`, {
      lateFeeFen: bill.lateFeeFen + 1,
      reason: "困难家庭",
    });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error.code).toBe("WAIVER_TOO_LARGE");
    const noReason = await sup.api.post(`/api/v1/staff/bills/${bill.id}/waive`, { lateFeeFen: 1, reason: "" });
    expect(noReason.status).toBe(400);
    const ok = await sup.api.post(`/api/v1/staff/bills/${bill.id}/waive`, {
      lateFeeFen: bill.lateFeeFen,
      reason: "低保户，经核实免收滞纳金",
    });
    expect(ok.status).toBe(200);
    expect(ok.body.lateFeeFen).toBe(0);
    expect(ok.body.lateFeeWaivedFen).toBe(bill.lateFeeFen);
    expect(ok.body.owedFen).toBe(bill.amountFen);
    const row = await srv.deps.ds
      .getRepository(AuditLog)
      .findOneByOrFail({ action: "bill.waive", targetId: String(bill.id) });
    expect(row.details).toMatchObject({ lateFeeFen: bill.lateFeeFen, reason: "低保户，经核实免收滞纳金" });
  });

  it("corrects an issued bill's area with a reason: amount recomputed, late fee in proportion, history and audit", async () => {
    const h = county.households[2];
    const bills = await sup.api.get(`/api/v1/staff/accounts/${h.account.id}/bills`);
    const bill = bills.body.items.find((b: { seasonCode: string }) => b.seasonCode === "2026-2027");
    expect(bill.lateFeeFen).toBeGreaterThan(0);
    const newArea = Math.round(bill.heatedArea * 50) / 100; // half the area, two decimals
    const cashier = await staffLogin(srv.url, "cashier", DEMO_PASSWORD);
    const forbidden = await cashier.api.post(`/api/v1/staff/bills/${bill.id}/correct`, {
      heatedArea: newArea,
      reason: "实测面积有误",
    });
    expect(forbidden.status).toBe(403);
    for (const bad of [
      { heatedArea: 0, reason: "实测面积有误" },
      { heatedArea: 12.345, reason: "实测面积有误" },
      { heatedArea: newArea, reason: "" },
      { heatedArea: "80", reason: "实测面积有误" },
    ]) {
      const r = await sup.api.post(`/api/v1/staff/bills/${bill.id}/correct`, bad);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe("VALIDATION_FAILED");
    }
    const same = await sup.api.post(`/api/v1/staff/bills/${bill.id}/correct`, {
      heatedArea: bill.heatedArea,
      reason: "实测面积有误",
    });
    expect(same.body.error.code).toBe("BILL_CORRECTION_UNCHANGED");
    expect(
      (await sup.api.post("/api/v1/staff/bills/99999999/correct", { heatedArea: 10, reason: "实测面积有误" })).status,
    ).toBe(404);

    const ok = await sup.api.post(`/api/v1/staff/bills/${bill.id}/correct`, {
      heatedArea: newArea,
      reason: "入户实测面积与登记不符",
    });
    expect(ok.status).toBe(200);
    const full = Math.floor((Math.round(newArea * 100) * bill.unitPriceFen + 50) / 100);
    const expectedAmount = bill.suspended ? Math.floor((full * 3_000 + 5_000) / 10_000) : full;
    expect(ok.body.heatedArea).toBe(newArea);
    expect(ok.body.amountFen).toBe(expectedAmount);
    // nothing paid: the unpaid late fee shrinks with the principal, rounded down
    expect(ok.body.lateFeeFen).toBe(Math.floor((bill.lateFeeFen * expectedAmount) / bill.amountFen));
    expect(ok.body.owedFen).toBe(ok.body.amountFen + ok.body.lateFeeFen);
    // the account's own area is untouched (it applies from the next bill through the account edit)
    const account = await srv.deps.ds.getRepository(HeatingAccount).findOneByOrFail({ id: h.account.id });
    expect(account.heatedArea).toBe(h.account.heatedArea);

    const history = await sup.api.get(`/api/v1/staff/accounts/${h.account.id}/bill-corrections`);
    expect(history.status).toBe(200);
    expect(history.body.items).toHaveLength(1);
    expect(history.body.items[0]).toMatchObject({
      billId: bill.id,
      seasonCode: "2026-2027",
      oldArea: bill.heatedArea,
      newArea,
      oldAmountFen: bill.amountFen,
      newAmountFen: expectedAmount,
      oldLateFeeFen: bill.lateFeeFen,
      newLateFeeFen: ok.body.lateFeeFen,
      reason: "入户实测面积与登记不符",
    });
    expect(history.body.items[0].staffName).toBeTruthy();
    const row = await srv.deps.ds
      .getRepository(AuditLog)
      .findOneByOrFail({ action: "bill.correct", targetId: String(bill.id) });
    expect(row.details).toMatchObject({ oldArea: bill.heatedArea, newArea, newAmountFen: expectedAmount });

    // below what is already settled: waive most of the principal, then try to shrink the bill under it
    const waived = await sup.api.post(`/api/v1/staff/bills/${bill.id}/waive`, {
      principalFen: expectedAmount - 100,
      reason: "测试：先减免大部分本金",
    });
    expect(waived.status).toBe(200);
    const below = await sup.api.post(`/api/v1/staff/bills/${bill.id}/correct`, {
      heatedArea: 0.01,
      reason: "入户实测面积与登记不符",
    });
    expect(below.status).toBe(409);
    expect(below.body.error.code).toBe("BILL_CORRECTION_BELOW_SETTLED");
    const after = await srv.deps.ds.getRepository(Bill).findOneByOrFail({ id: bill.id });
    expect(after.amountFen).toBe(expectedAmount);
    expect((await sup.api.get(`/api/v1/staff/accounts/${h.account.id}/bill-corrections`)).body.items).toHaveLength(1);
  });
});

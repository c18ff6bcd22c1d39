import { AuditLog } from "@warmline/server/src/modules/audit";
import { Bill } from "@warmline/server/src/modules/billing";
import { HardshipApplication, HardshipEvent } from "@warmline/server/src/modules/hardship";
import { HeatingAccount } from "@warmline/server/src/modules/accounts";
import { createStaffUser } from "@warmline/server/src/modules/staff";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { In } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seasonsWithBills } from "../support/billing";
import { seedSmallCounty } from "../support/county";
import { type Json, staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

/**
 * The staff side of issue 12 on MariaDB: community reviewers (and grid workers) limited to the community
 * assigned to them — list, detail, review and the account page's view; out-of-scope ids answer 404 like
 * missing ones and change nothing. Also: the register's hardship category and special-group flags (audited,
 * with their history) and a bill's 已减免 reason once a plan waives its late fees.
 */

let srv: TestServer;
type Staff = Awaited<ReturnType<typeof staffLogin>>;
let agent: Staff;
let reviewerA: Staff; // community_reviewer scoped to community A
let reviewerB: Staff; // community_reviewer scoped to community B
let gridA: Staff; // grid_worker scoped to community A
let unscoped: Staff; // the demo community_reviewer: no community assigned → every community
let center: Staff;
let supervisor: Staff;
let admin: Staff;
let cashier: Staff;
let accA: HeatingAccount;
let accB: HeatingAccount;
let appA: number;
let appB: number;

const form = (accountId: number) => ({
  accountId,
  category: "dibao",
  certificateNo: "DB6207221234",
  terms: { kind: "instalments", count: 2 },
  contactPhone: "13912345678",
  channel: "hotline",
});

beforeAll(async () => {
  srv = await startTestServer();
  const county = await seedSmallCounty(srv.deps, 30);
  await seasonsWithBills(srv.url, ["2025-2026"]);
  const rows = county.rows as HeatingAccount[];
  accA = rows[0] as HeatingAccount;
  accB = rows.find((r) => r.communityId !== accA.communityId) as HeatingAccount;
  expect(accB).toBeTruthy();
  const extra: [string, "community_reviewer" | "grid_worker", number][] = [
    ["reviewer_a", "community_reviewer", accA.communityId],
    ["reviewer_b", "community_reviewer", accB.communityId],
    ["grid_a", "grid_worker", accA.communityId],
  ];
  for (const [username, role, communityId] of extra) {
    await createStaffUser(srv.deps.ds, {
      username,
      displayName: username,
      password: DEMO_PASSWORD,
      roles: [role],
      communityId,
    });
  }
  [agent, reviewerA, reviewerB, gridA, unscoped, center, supervisor, admin, cashier] = await Promise.all(
    [
      "hotline_agent",
      "reviewer_a",
      "reviewer_b",
      "grid_a",
      "community_reviewer",
      "center_reviewer",
      "supervisor",
      "admin",
      "cashier",
    ].map((u) => staffLogin(srv.url, u, DEMO_PASSWORD)),
  );
  for (const acc of [accA, accB]) {
    const res = await agent.api.post("/api/v1/staff/hardship/applications", form(acc.id));
    expect(res.status).toBe(201);
    if (acc === accA) appA = res.body.id;
    else appB = res.body.id;
  }
}, 180_000);
afterAll(async () => {
  await srv?.close();
});

const ids = (res: Json) => (res.body.items as Json[]).map((x) => x.id);

describe("community scope of the hardship desk", () => {
  it("the 初审 queue shows a scoped reviewer only their community's applications, with counts to match", async () => {
    const a = await reviewerA.api.get("/api/v1/staff/hardship/applications?status=pending_community");
    expect(a.status).toBe(200);
    expect(ids(a)).toContain(appA);
    expect(ids(a)).not.toContain(appB);
    expect(a.body.items.every((x: Json) => x.communityId === accA.communityId)).toBe(true);
    expect(a.body.counts.pending_community).toBe(a.body.total);

    // asking for the other community by filter gives nothing, not the other community's list
    const other = await reviewerA.api.get(`/api/v1/staff/hardship/applications?communityId=${accB.communityId}`);
    expect([other.status, other.body.total, other.body.items]).toEqual([200, 0, []]);
    // nor does asking by the other account
    const byAccount = await reviewerA.api.get(`/api/v1/staff/hardship/applications?accountId=${accB.id}`);
    expect(byAccount.body.total).toBe(0);

    const b = await reviewerB.api.get("/api/v1/staff/hardship/applications");
    expect(ids(b)).toContain(appB);
    expect(ids(b)).not.toContain(appA);
    const g = await gridA.api.get("/api/v1/staff/hardship/applications");
    expect(ids(g)).toContain(appA);
    expect(ids(g)).not.toContain(appB);
  });

  it("staff without a community, the centre, supervisors and hotline agents see every community", async () => {
    for (const s of [unscoped, center, supervisor, agent]) {
      const res = await s.api.get("/api/v1/staff/hardship/applications?pageSize=100");
      expect(res.status).toBe(200);
      expect(ids(res)).toEqual(expect.arrayContaining([appA, appB]));
    }
  });

  it("detail: in scope 200; out of scope the same 404 as a missing id", async () => {
    const mine = await reviewerA.api.get(`/api/v1/staff/hardship/applications/${appA}`);
    expect([mine.status, mine.body.actions]).toEqual([200, expect.arrayContaining(["community_review"])]);
    const foreign = await reviewerA.api.get(`/api/v1/staff/hardship/applications/${appB}`);
    const missing = await reviewerA.api.get("/api/v1/staff/hardship/applications/99999999");
    expect([foreign.status, foreign.body.error.code]).toEqual([404, "HARDSHIP_NOT_FOUND"]);
    expect([foreign.body.error.code, foreign.body.error.message]).toEqual([
      missing.body.error.code,
      missing.body.error.message,
    ]);
    expect((await gridA.api.get(`/api/v1/staff/hardship/applications/${appB}`)).status).toBe(404);
    expect((await center.api.get(`/api/v1/staff/hardship/applications/${appB}`)).status).toBe(200);
  });

  it("review and withdrawal: out of scope 404 and nothing changes; in scope the decision is taken", async () => {
    const events = () => srv.deps.ds.getRepository(HardshipEvent).countBy({ applicationId: appB });
    const before = await events();
    const review = await reviewerA.api.post(`/api/v1/staff/hardship/applications/${appB}/community-review`, {
      decision: "approve",
      reason: "经入户核实情况属实",
    });
    expect([review.status, review.body.error.code]).toEqual([404, "HARDSHIP_NOT_FOUND"]);
    const withdraw = await gridA.api.post(`/api/v1/staff/hardship/applications/${appB}/withdraw`, {
      reason: "居民不再申请",
    });
    expect([withdraw.status, withdraw.body.error.code]).toEqual([404, "HARDSHIP_NOT_FOUND"]);
    const row = await srv.deps.ds.getRepository(HardshipApplication).findOneByOrFail({ id: appB });
    expect(row.status).toBe("pending_community");
    expect(await events()).toBe(before);

    const ok = await reviewerB.api.post(`/api/v1/staff/hardship/applications/${appB}/community-review`, {
      decision: "approve",
      reason: "经入户核实情况属实",
    });
    expect([ok.status, ok.body.status]).toEqual([200, "pending_center"]);
    const okA = await reviewerA.api.post(`/api/v1/staff/hardship/applications/${appA}/community-review`, {
      decision: "approve",
      reason: "低保证件真实有效",
    });
    expect([okA.status, okA.body.status]).toEqual([200, "pending_center"]);
  });

  it("the account page's hardship view: every staff role; a scoped reviewer only for their community", async () => {
    const own = await reviewerA.api.get(`/api/v1/staff/accounts/${accA.id}/hardship`);
    expect([own.status, own.body.applications.map((x: Json) => x.id)]).toEqual([200, [appA]]);
    const foreign = await reviewerA.api.get(`/api/v1/staff/accounts/${accB.id}/hardship`);
    expect([foreign.status, foreign.body.error.code]).toEqual([404, "HARDSHIP_NOT_FOUND"]);
    const byCashier = await cashier.api.get(`/api/v1/staff/accounts/${accB.id}/hardship`);
    expect([byCashier.status, byCashier.body.status]).toEqual([200, "applying"]);
    expect((await cashier.api.get("/api/v1/staff/accounts/99999999/hardship")).body.error.code).toBe(
      "ACCOUNT_NOT_FOUND",
    );
  });
});

describe("a plan's waiver shows on the bill as 已减免 with the reason", () => {
  it("centre approval records the reason on each covered bill; the bill list carries it", async () => {
    const before = await cashier.api.get(`/api/v1/staff/accounts/${accA.id}/bills`);
    expect(before.body.items.every((b: Json) => b.reliefReason === null)).toBe(true);
    const res = await center.api.post(`/api/v1/staff/hardship/applications/${appA}/center-review`, {
      decision: "approve",
      reason: "符合分期条件",
    });
    expect([res.status, res.body.status]).toEqual([200, "approved"]);
    const bills = await cashier.api.get(`/api/v1/staff/accounts/${accA.id}/bills`);
    const covered = (bills.body.items as Json[]).filter((b) => res.body.billIds.includes(b.id));
    expect(covered.length).toBeGreaterThan(0);
    for (const b of covered) {
      expect(b.lateFeeExempt).toBe(true);
      expect(b.reliefReason).toBe(`困难群众分期免缴滞纳金（申请 ${res.body.applicationNo}）`);
    }
    // the account page's plan view shows the plan with its instalments adding up to the principal
    const view = await cashier.api.get(`/api/v1/staff/accounts/${accA.id}/hardship`);
    expect(view.body.status).toBe("plan_active");
    const plan = view.body.plans[0];
    expect(plan.instalments).toHaveLength(2);
    expect(plan.instalments.reduce((s: number, i: Json) => s + i.amountFen, 0)).toBe(plan.principalFen);
    // the stored column, not a computed guess
    const rows = await srv.deps.ds.getRepository(Bill).findBy({ id: In(res.body.billIds) });
    expect(rows.every((r) => r.reliefReason?.startsWith("困难群众分期免缴滞纳金"))).toBe(true);
  });
});

describe("hardship category and special-group flags on the register", () => {
  const url = () => `/api/v1/staff/accounts/${accB.id}/hardship-flags`;

  it("refuses a missing reason, unknown flags and other roles, changing nothing", async () => {
    const cases: [Staff, object, number, string][] = [
      [supervisor, { hardshipCategory: "dibao", specialGroups: [] }, 400, "VALIDATION_FAILED"],
      [
        supervisor,
        { hardshipCategory: "dibao", specialGroups: ["rich"], reason: "入户核实" },
        400,
        "VALIDATION_FAILED",
      ],
      [supervisor, { hardshipCategory: "wealthy", specialGroups: [], reason: "入户核实" }, 400, "VALIDATION_FAILED"],
      [center, { hardshipCategory: "dibao", specialGroups: [], reason: "入户核实" }, 403, "FORBIDDEN"],
      [cashier, { hardshipCategory: "dibao", specialGroups: [], reason: "入户核实" }, 403, "FORBIDDEN"],
    ];
    const before = await srv.deps.ds.getRepository(HeatingAccount).findOneByOrFail({ id: accB.id });
    for (const [who, body, status, code] of cases) {
      const res = await who.api.put(url(), body);
      expect([res.status, res.body.error?.code]).toEqual([status, code]);
    }
    const missing = await supervisor.api.put("/api/v1/staff/accounts/99999999/hardship-flags", {
      hardshipCategory: "dibao",
      specialGroups: [],
      reason: "入户核实",
    });
    expect([missing.status, missing.body.error.code]).toEqual([404, "ACCOUNT_NOT_FOUND"]);
    const after = await srv.deps.ds.getRepository(HeatingAccount).findOneByOrFail({ id: accB.id });
    expect([after.hardshipCategory, after.specialGroups]).toEqual([before.hardshipCategory, before.specialGroups]);
  });

  it("a supervisor sets them with a reason; audited with before/after; the history lists each change", async () => {
    const start = await srv.deps.ds.getRepository(HeatingAccount).findOneByOrFail({ id: accB.id });
    const category = start.hardshipCategory === "disabled" ? "tekun" : "disabled";
    const res = await supervisor.api.put(url(), {
      hardshipCategory: category,
      specialGroups: ["elderly_alone", "mobility"],
      reason: "社区入户核实：独居，行动不便",
    });
    expect(res.status).toBe(200);
    expect([res.body.hardshipCategory, res.body.specialGroups]).toEqual([category, ["mobility", "elderly_alone"]]);
    expect((await cashier.api.get(`/api/v1/staff/accounts/${accB.id}`)).body.specialGroups).toEqual([
      "mobility",
      "elderly_alone",
    ]);

    // the same values again: nothing to record
    const same = await admin.api.put(url(), {
      hardshipCategory: category,
      specialGroups: ["mobility", "elderly_alone"],
      reason: "重复提交",
    });
    expect(same.status).toBe(200);
    const second = await admin.api.put(url(), {
      hardshipCategory: category,
      specialGroups: ["elderly_alone", "incapacitated"],
      reason: "复查：已失能",
    });
    expect(second.body.specialGroups).toEqual(["incapacitated", "elderly_alone"]);

    const audits = await srv.deps.ds
      .getRepository(AuditLog)
      .find({ where: { action: "account.hardship_flags", targetId: String(accB.id) }, order: { id: "ASC" } });
    expect(audits).toHaveLength(2);
    expect(audits[0]?.details).toMatchObject({
      reason: "社区入户核实：独居，行动不便",
      changes: expect.arrayContaining([{ field: "specialGroups", before: "无", after: "行动不便、独居老人" }]),
    });

    const history = await cashier.api.get(`/api/v1/staff/accounts/${accB.id}/hardship-flags/history`);
    expect(history.status).toBe(200);
    expect(history.body.items.map((x: Json) => x.reason)).toEqual(["复查：已失能", "社区入户核实：独居，行动不便"]);
    expect(history.body.items[0]).toMatchObject({
      actorName: expect.stringContaining("管理员"),
      changes: [{ field: "specialGroups", before: "行动不便、独居老人", after: "失能、独居老人" }],
    });
    expect((await cashier.api.get("/api/v1/staff/accounts/99999999/hardship-flags/history")).status).toBe(404);
  });
});

import fs from "node:fs";
import path from "node:path";
import { graceEnd, lateFeeAfterDefault, shanghaiDate } from "@warmline/shared";
import { Bill, BillWaiver, HeatingSeason } from "@warmline/server/src/modules/billing";
import { AuditLog } from "@warmline/server/src/modules/audit";
import {
  HardshipApplication,
  HardshipEvent,
  hardshipStatus,
  PaymentPlan,
  PlanInstalment,
  settlePlan,
  sweepPlans,
} from "@warmline/server/src/modules/hardship";
import { createStaffUser } from "@warmline/server/src/modules/staff";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { In } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seasonsWithBills } from "../support/billing";
import { bindByName, seedSmallCounty } from "../support/county";
import { type Json, residentLogin, staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";
import { until } from "../support/wait";

/**
 * 困难群众缓缴/分期 on MariaDB: application (resident, and staff on a resident's behalf), the two-step
 * review with its guards, the plan with late fees waived, default after the grace period with late fees
 * resuming from the missed due date, completion, hardshipStatus, and the bad-input list of issue 12.
 */

let srv: TestServer;
let county: Awaited<ReturnType<typeof seedSmallCounty>>;
type Staff = Awaited<ReturnType<typeof staffLogin>>;
type Resident = Awaited<ReturnType<typeof residentLogin>>;
let agent: Staff;
let grid: Staff;
let community: Staff;
let community2: Staff;
let center: Staff;
let center2: Staff;
let both: Staff; // holds both reviewer roles: may still never do both steps of one application
let cashier: Staff;
let resident: Resident;
let stranger: Resident;

const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
  "hex",
);

beforeAll(async () => {
  srv = await startTestServer();
  county = await seedSmallCounty(srv.deps, 30);
  await seasonsWithBills(srv.url, ["2025-2026", "2026-2027"]);
  const extra: [string, ("community_reviewer" | "center_reviewer")[]][] = [
    ["community2", ["community_reviewer"]],
    ["center2", ["center_reviewer"]],
    ["both_reviewer", ["community_reviewer", "center_reviewer"]],
  ];
  for (const [username, roles] of extra) {
    await createStaffUser(srv.deps.ds, { username, displayName: username, password: DEMO_PASSWORD, roles });
  }
  [agent, grid, community, community2, center, center2, both, cashier] = await Promise.all(
    [
      "hotline_agent",
      "grid_worker",
      "community_reviewer",
      "community2",
      "center_reviewer",
      "center2",
      "both_reviewer",
      "cashier",
    ].map((u) => staffLogin(srv.url, u, DEMO_PASSWORD)),
  );
  resident = await residentLogin(srv.url);
  stranger = await residentLogin(srv.url);
  const h0 = county.households[0] as (typeof county.households)[number];
  expect((await bindByName(resident.api, h0)).status).toBe(201);
});
afterAll(async () => {
  if (srv) fs.rmSync(path.join(srv.deps.config.dataDir, "uploads"), { recursive: true, force: true });
  await srv?.close();
});

const account = (i: number) => county.rows[i] as { id: number };

async function uploadAs(token: string, who: "me" | "staff", bytes: Buffer, type = "image/png", name = "cert.png") {
  const f = new FormData();
  f.append("file", new Blob([new Uint8Array(bytes)], { type }), name);
  const res = await fetch(`${srv.url}/api/v1/${who}/hardship/attachments`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: f,
  });
  return { status: res.status, body: (await res.json()) as Json };
}

const form = (accountId: number, extra: object = {}) => ({
  accountId,
  category: "dibao",
  certificateNo: "DB6207221234",
  terms: { kind: "instalments", count: 3 },
  contactPhone: "13912345678",
  note: "家中老人长期住院",
  ...extra,
});

const rows = () => srv.deps.ds.getRepository(HardshipApplication).count();

describe("applying", () => {
  let appId: number;

  it("refuses bad input with a stable code and writes nothing", async () => {
    const a = account(0).id;
    const before = await rows();
    const cases: [object, number, string][] = [
      [form(a, { terms: { kind: "instalments", count: 4 } }), 400, "HARDSHIP_INSTALMENT_COUNT"],
      [form(a, { terms: { kind: "instalments", count: 1 } }), 400, "HARDSHIP_INSTALMENT_COUNT"],
      [form(a, { terms: { kind: "deferral", months: 4 } }), 400, "HARDSHIP_DEFERRAL_MONTHS"],
      [form(a, { category: "other" }), 400, "VALIDATION_FAILED"], // 其他 needs its reason
      [form(a, { attachmentIds: [999999] }), 404, "HARDSHIP_ATTACHMENT_NOT_FOUND"],
      [form(a, { billIds: [999999] }), 400, "HARDSHIP_BILL_INVALID"],
      // someone else's account: the same 404 as a missing one
      [form(account(1).id), 404, "ACCOUNT_NOT_FOUND"],
      [form(987654), 404, "ACCOUNT_NOT_FOUND"],
    ];
    for (const [body, status, code] of cases) {
      const res = await resident.api.post("/api/v1/me/hardship/applications", body);
      expect([res.status, res.body.error?.code]).toEqual([status, code]);
      expect(res.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    }
    expect(await rows()).toBe(before);
  });

  it("attachments: photos and PDFs only, at most 5 MB", async () => {
    const bad = await uploadAs(resident.accessToken, "me", Buffer.from("just some text"), "text/plain", "a.txt");
    expect([bad.status, bad.body.error.code]).toEqual([415, "HARDSHIP_ATTACHMENT_TYPE"]);
    const big = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024 + 10)]);
    const tooBig = await uploadAs(resident.accessToken, "me", big);
    expect([tooBig.status, tooBig.body.error.code]).toEqual([413, "HARDSHIP_ATTACHMENT_TOO_LARGE"]);
    const pdf = await uploadAs(
      resident.accessToken,
      "me",
      Buffer.from("%PDF-1.4\n%%EOF\n"),
      "application/pdf",
      "c.pdf",
    );
    expect([pdf.status, pdf.body.mime]).toEqual([201, "application/pdf"]);
  });

  it("a resident applies for their own account: masked certificate, attachments, timeline, one open application", async () => {
    const photo = await uploadAs(resident.accessToken, "me", PNG);
    expect(photo.status).toBe(201);
    const res = await resident.api.post(
      "/api/v1/me/hardship/applications",
      form(account(0).id, { attachmentIds: [photo.body.id] }),
    );
    expect(res.status).toBe(201);
    appId = res.body.id;
    expect(res.body).toMatchObject({
      status: "pending_community",
      channel: "miniapp",
      category: "dibao",
      certificateNo: "DB6*********",
      contactPhone: "139********",
      requestedTerms: { kind: "instalments", count: 3 },
    });
    expect(res.body.applicationNo).toMatch(/^KN\d{8}-\d{6}$/);
    expect(res.body.principalFen).toBeGreaterThan(0);
    expect(res.body.billIds.length).toBe(2); // both seasons are unpaid
    expect(res.body.attachments).toHaveLength(1);
    expect(res.body.timeline.map((e: Json) => e.type)).toEqual(["submitted"]);
    // encrypted at rest
    const row = await srv.deps.ds.getRepository(HardshipApplication).findOneByOrFail({ id: appId });
    expect(row.certificateNoEnc).not.toContain("6207221234");
    expect(srv.deps.vault.decrypt(row.certificateNoEnc)).toBe("DB6207221234");

    const again = await resident.api.post("/api/v1/me/hardship/applications", form(account(0).id));
    expect([again.status, again.body.error.code]).toEqual([409, "HARDSHIP_OPEN_EXISTS"]);
    // nobody else sees it
    expect((await stranger.api.get(`/api/v1/me/hardship/applications/${appId}`)).status).toBe(404);
    expect((await stranger.api.post(`/api/v1/me/hardship/applications/${appId}/withdraw`, {})).status).toBe(404);
    const mine = await resident.api.get("/api/v1/me/hardship/applications");
    expect(mine.body.items.map((x: Json) => x.id)).toEqual([appId]);
    expect(await hardshipStatus(srv.deps.ds, account(0).id)).toBe("applying");
    // the resident is told (我的消息)
    await until(async () => {
      const n = await resident.api.get("/api/v1/me/notifications");
      return n.body.items.some((x: Json) => String(x.title).includes("困难缓缴/分期"));
    });
  });

  it("the review: wrong step and wrong role refused; two first reviewers at once → one decision, the other 409", async () => {
    const early = await center.api.post(`/api/v1/staff/hardship/applications/${appId}/center-review`, {
      decision: "approve",
      reason: "材料齐全",
    });
    expect([early.status, early.body.error.code]).toEqual([409, "HARDSHIP_ALREADY_DECIDED"]);
    expect(
      (
        await agent.api.post(`/api/v1/staff/hardship/applications/${appId}/community-review`, {
          decision: "approve",
          reason: "同意",
        })
      ).status,
    ).toBe(403);

    const queue = await community.api.get("/api/v1/staff/hardship/applications?status=pending_community");
    expect(queue.status).toBe(200);
    expect(queue.body.counts.pending_community).toBeGreaterThanOrEqual(1);
    expect(queue.body.items.map((x: Json) => x.id)).toContain(appId);

    const [a, b] = await Promise.all(
      [community, community2].map((s) =>
        s.api.post(`/api/v1/staff/hardship/applications/${appId}/community-review`, {
          decision: "approve",
          reason: "经入户核实，低保证件真实有效",
        }),
      ),
    );
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect([a, b].find((r) => r.status === 409)?.body.error.code).toBe("HARDSHIP_ALREADY_DECIDED");
    const events = await srv.deps.ds
      .getRepository(HardshipEvent)
      .findBy({ applicationId: appId, type: "community_approved" });
    expect(events).toHaveLength(1);
  });

  it("the centre approves with changed terms within the rules; the plan adds up and late fees are waived per bill", async () => {
    const url = `/api/v1/staff/hardship/applications/${appId}/center-review`;
    const app = await srv.deps.ds.getRepository(HardshipApplication).findOneByOrFail({ id: appId });
    const badSum = await center.api.post(url, {
      decision: "approve",
      reason: "同意",
      terms: { kind: "instalments", count: 2 },
      amountsFen: [100, 200],
    });
    expect([badSum.status, badSum.body.error.code]).toEqual([400, "HARDSHIP_AMOUNTS_MISMATCH"]);
    const badCount = await center.api.post(url, {
      decision: "approve",
      reason: "同意",
      terms: { kind: "instalments", count: 5 },
    });
    expect([badCount.status, badCount.body.error.code]).toEqual([400, "HARDSHIP_INSTALMENT_COUNT"]);
    const badDefer = await center.api.post(url, {
      decision: "approve",
      reason: "同意",
      terms: { kind: "deferral", months: 6 },
    });
    expect([badDefer.status, badDefer.body.error.code]).toEqual([400, "HARDSHIP_DEFERRAL_MONTHS"]);
    expect(await srv.deps.ds.getRepository(PaymentPlan).countBy({ applicationId: appId })).toBe(0);

    const lateFeesBefore = await srv.deps.ds.getRepository(BillWaiver).countBy({ billId: In(app.billIds) });
    const [a, b] = await Promise.all(
      [center, center2].map((s) =>
        s.api.post(url, {
          decision: "approve",
          reason: "符合分期条件，改为分2期",
          terms: { kind: "instalments", count: 2 },
        }),
      ),
    );
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const ok = (a.status === 200 ? a : b).body;
    expect(ok.status).toBe("approved");
    expect(ok.grantedTerms).toEqual({ kind: "instalments", count: 2 });
    const plan = ok.plan;
    expect(plan.status).toBe("active");
    expect(plan.instalments).toHaveLength(2);
    expect(plan.instalments[0].amountFen + plan.instalments[1].amountFen).toBe(plan.principalFen);
    expect(plan.instalments[0].amountFen - plan.instalments[1].amountFen).toBe(plan.principalFen % 2);
    expect(plan.lateFeeWaivedFen).toBeGreaterThan(0); // both seasons were overdue
    expect(ok.timeline.map((e: Json) => e.type)).toEqual(["submitted", "community_approved", "center_approved"]);

    // late fees: waived and recorded per bill, audited, the bills owe none now
    const waivers = await srv.deps.ds.getRepository(BillWaiver).findBy({ billId: In(app.billIds) });
    expect(waivers.length - lateFeesBefore).toBe(2);
    expect(waivers.reduce((s, w) => s + w.lateFeeFen, 0)).toBe(plan.lateFeeWaivedFen);
    expect(waivers[0]?.reason).toContain(app.applicationNo);
    const audits = await srv.deps.ds.getRepository(AuditLog).findBy({ action: "bill.hardship_relief" });
    expect(audits.map((x) => Number(x.targetId)).sort()).toEqual([...app.billIds].sort());
    const bills = await resident.api.get(`/api/v1/me/accounts/${account(0).id}/bills`);
    for (const bill of bills.body.items) {
      expect(bill.lateFeeExempt).toBe(true);
      expect(bill.lateFeeFen).toBe(0);
    }
    expect(await hardshipStatus(srv.deps.ds, account(0).id)).toBe("plan_active");
    // decided: no more steps, no withdrawal
    const late = await resident.api.post(`/api/v1/me/hardship/applications/${appId}/withdraw`, {});
    expect([late.status, late.body.error.code]).toEqual([409, "HARDSHIP_ALREADY_DECIDED"]);
    for (const action of ["submitted", "community_approve", "center_approve"]) {
      const n = await srv.deps.ds
        .getRepository(AuditLog)
        .countBy({ action: `hardship.${action === "submitted" ? "apply" : action}`, targetId: String(appId) });
      expect(n).toBe(1);
    }
  });

  it("a missed instalment: still in good standing through the grace period, then default; late fees resume from the missed due date only", async () => {
    const plan = await srv.deps.ds.getRepository(PaymentPlan).findOneByOrFail({ applicationId: appId });
    const [first] = await srv.deps.ds
      .getRepository(PlanInstalment)
      .find({ where: { planId: plan.id }, order: { seq: "ASC" } });
    if (!first) throw new Error("no instalment");
    const lastGoodDay = graceEnd(first.dueDate, 15);
    expect(await settlePlan(srv.deps, plan.id, lastGoodDay)).toBe("active");
    const dayAfter = graceEnd(first.dueDate, 16);
    expect(await hardshipStatus(srv.deps.ds, account(0).id, new Date(`${dayAfter}T12:00:00+08:00`))).toBe("defaulted");
    expect(await settlePlan(srv.deps, plan.id, dayAfter)).toBe("defaulted");
    expect(await settlePlan(srv.deps, plan.id, dayAfter)).toBe("defaulted"); // idempotent
    const again = await srv.deps.ds.getRepository(PaymentPlan).findOneByOrFail({ id: plan.id });
    expect([again.status, again.missedDueDate]).toEqual(["defaulted", first.dueDate]);
    const bills = await srv.deps.ds.getRepository(Bill).findBy({ id: In(plan.billIds) });
    for (const b of bills) {
      expect(b.lateFeeExempt).toBe(false);
      expect(b.lateFeeAccruedUntil).toBe(first.dueDate);
    }
    // the fee owed 10 days after the missed due date is 10 days on the unpaid principal, nothing earlier
    const asOf = graceEnd(first.dueDate, 10);
    const { owedAt } = await import("@warmline/shared");
    const { balanceOf, policyOf } = await import("@warmline/server/src/modules/billing");
    for (const b of bills) {
      const season = await srv.deps.ds.getRepository(HeatingSeason).findOneByOrFail({ id: b.seasonId });
      const owed = owedAt(balanceOf(b), asOf, policyOf(season));
      expect(owed.lateFee).toBe(
        lateFeeAfterDefault(owed.principal, first.dueDate, asOf, policyOf(season), b.amountFen),
      );
      expect(owed.lateFee).toBeGreaterThan(0);
    }
    const evs = await srv.deps.ds.getRepository(HardshipEvent).findBy({ applicationId: appId, type: "plan_defaulted" });
    expect(evs).toHaveLength(1);
  });
});

describe("staff on a resident's behalf, one person per step, withdrawal, completion", () => {
  it("a hotline agent applies (channel recorded); the same reviewer may not do both steps; a deferral completes when paid", async () => {
    const accountId = account(2).id;
    const res = await agent.api.post("/api/v1/staff/hardship/applications", {
      ...form(accountId, {
        category: "disabled",
        certificateNo: "CJ62072219880101",
        terms: { kind: "deferral", months: 2 },
      }),
      channel: "hotline",
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ channel: "hotline", status: "pending_community" });
    const id = res.body.id;
    const first = await both.api.post(`/api/v1/staff/hardship/applications/${id}/community-review`, {
      decision: "approve",
      reason: "残疾证核实无误",
    });
    expect(first.status).toBe(200);
    expect(first.body.actions).not.toContain("center_review");
    const second = await both.api.post(`/api/v1/staff/hardship/applications/${id}/center-review`, {
      decision: "approve",
      reason: "同意",
    });
    expect([second.status, second.body.error.code]).toEqual([403, "HARDSHIP_SAME_REVIEWER"]);
    expect((await srv.deps.ds.getRepository(HardshipApplication).findOneByOrFail({ id })).status).toBe(
      "pending_center",
    );

    const ok = await center.api.post(`/api/v1/staff/hardship/applications/${id}/center-review`, {
      decision: "approve",
      reason: "重度困难，同意缓缴2个月",
    });
    expect(ok.status).toBe(200);
    const plan = ok.body.plan;
    expect(plan.kind).toBe("deferral");
    expect(plan.deferralMonths).toBe(2);
    expect(plan.instalments).toEqual([
      expect.objectContaining({ seq: 1, amountFen: plan.principalFen, dueDate: plan.deferredUntil }),
    ]);
    const bills = await srv.deps.ds.getRepository(Bill).findBy({ id: In(plan.billIds) });
    for (const b of bills) expect(b.dueDate).toBe(plan.deferredUntil);
    expect(await hardshipStatus(srv.deps.ds, accountId)).toBe("deferred");

    // paid in full at the counter: the plan completes
    const pay = await cashier.api.post("/api/v1/staff/payments/offline", {
      accountId,
      method: "cash",
      amountFen: plan.principalFen,
      receiptNo: `HS-${id}`,
    });
    expect(pay.status).toBe(201);
    expect(await settlePlan(srv.deps, plan.id, shanghaiDate(new Date()))).toBe("completed");
    expect(await hardshipStatus(srv.deps.ds, accountId)).toBe("none");
    const detail = await center.api.get(`/api/v1/staff/hardship/applications/${id}`);
    expect(detail.body.plan.status).toBe("completed");
    expect(detail.body.plan.instalments[0].status).toBe("paid");
  });

  it("a grid worker's application withdrawn: no decision on it afterwards", async () => {
    const accountId = account(3).id;
    const doc = await uploadAs(grid.accessToken, "staff", PNG);
    const res = await grid.api.post("/api/v1/staff/hardship/applications", {
      ...form(accountId, { category: "other", categoryReason: "家庭主要劳动力因病失业", attachmentIds: [doc.body.id] }),
      channel: "grid_worker",
    });
    expect(res.status).toBe(201);
    const w = await grid.api.post(`/api/v1/staff/hardship/applications/${res.body.id}/withdraw`, {
      reason: "居民已自行缴清",
    });
    expect([w.status, w.body.status]).toEqual([200, "withdrawn"]);
    const late = await community.api.post(`/api/v1/staff/hardship/applications/${res.body.id}/community-review`, {
      decision: "approve",
      reason: "同意",
    });
    expect([late.status, late.body.error.code]).toEqual([409, "HARDSHIP_WITHDRAWN"]);
    const twice = await grid.api.post(`/api/v1/staff/hardship/applications/${res.body.id}/withdraw`, {});
    expect([twice.status, twice.body.error.code]).toEqual([409, "HARDSHIP_WITHDRAWN"]);
    // withdrawn closes it: a new application is allowed
    const fresh = await grid.api.post("/api/v1/staff/hardship/applications", {
      ...form(accountId),
      channel: "grid_worker",
    });
    expect(fresh.status).toBe(201);
    // a community rejection closes it too, with its reason on the timeline
    const rej = await community.api.post(`/api/v1/staff/hardship/applications/${fresh.body.id}/community-review`, {
      decision: "reject",
      reason: "证件已过期，请更新后重新申请",
    });
    expect(rej.body.status).toBe("rejected");
    expect(rej.body.timeline.at(-1)).toMatchObject({
      type: "community_rejected",
      reason: "证件已过期，请更新后重新申请",
    });
    expect(await hardshipStatus(srv.deps.ds, accountId)).toBe("none");
  });

  it("the queue filters by community, category and waiting time", async () => {
    const a = await srv.deps.ds.getRepository(HardshipApplication).find();
    const communityId = a[0]?.communityId as number;
    const byCommunity = await center.api.get(`/api/v1/staff/hardship/applications?communityId=${communityId}`);
    expect(byCommunity.body.items.every((x: Json) => x.communityId === communityId)).toBe(true);
    const byCategory = await center.api.get("/api/v1/staff/hardship/applications?category=disabled");
    expect(byCategory.body.items.map((x: Json) => x.category)).toEqual(["disabled"]);
    const waiting = await center.api.get("/api/v1/staff/hardship/applications?minWaitDays=3");
    expect(waiting.body.total).toBe(0);
    const bad = await center.api.get("/api/v1/staff/hardship/applications?category=rich");
    expect([bad.status, bad.body.error.code]).toEqual([400, "VALIDATION_FAILED"]);
    const acc = await agent.api.get(`/api/v1/staff/accounts/${account(0).id}/hardship`);
    expect(acc.body).toMatchObject({ status: "defaulted" });
    expect(acc.body.plans).toHaveLength(1);
  });
});

describe("reinstating a defaulted plan and the periodic sweep", () => {
  it("a centre reviewer reinstates once with a reason: new due dates, default late fees waived; a second time is refused", async () => {
    const plan = await srv.deps.ds.getRepository(PaymentPlan).findOneByOrFail({ status: "defaulted" });
    const url = `/api/v1/staff/hardship/plans/${plan.id}/reinstate`;
    expect((await community.api.post(url, { reason: "居民已说明情况" })).status).toBe(403);
    const noReason = await center.api.post(url, { reason: "" });
    expect([noReason.status, noReason.body.error.code]).toEqual([400, "VALIDATION_FAILED"]);
    const ok = await center.api.post(url, { reason: "居民住院期间未能按期缴费，已提供住院证明" });
    expect(ok.status).toBe(200);
    expect(ok.body.plan).toMatchObject({ status: "active", reinstated: true });
    expect(ok.body.timeline.at(-1)).toMatchObject({ type: "plan_reinstated" });
    const today = shanghaiDate(new Date());
    for (const i of ok.body.plan.instalments) expect(i.dueDate > today).toBe(true);
    const bills = await srv.deps.ds.getRepository(Bill).findBy({ id: In(plan.billIds) });
    for (const b of bills) expect(b.lateFeeExempt).toBe(true);
    expect(await hardshipStatus(srv.deps.ds, plan.accountId)).toBe("plan_active");
    expect(
      await srv.deps.ds.getRepository(AuditLog).countBy({ action: "hardship.reinstate", targetId: String(plan.id) }),
    ).toBe(1);

    // defaulted again (the sweep finds it after the new grace period), then a second reinstatement is refused
    const first = ok.body.plan.instalments[0];
    expect(await sweepPlans(srv.deps, graceEnd(first.dueDate, 16))).toBe(1);
    const again = await center.api.post(url, { reason: "再次申请恢复" });
    expect([again.status, again.body.error.code]).toEqual([409, "HARDSHIP_REINSTATE_USED"]);
    const active = await srv.deps.ds.getRepository(PaymentPlan).findOneByOrFail({ id: plan.id });
    expect(active.status).toBe("defaulted");
  });

  it("only a defaulted plan can be reinstated; an unknown one is 404", async () => {
    const completed = await srv.deps.ds.getRepository(PaymentPlan).findOneByOrFail({ status: "completed" });
    const r = await center.api.post(`/api/v1/staff/hardship/plans/${completed.id}/reinstate`, { reason: "试一下" });
    expect([r.status, r.body.error.code]).toEqual([409, "HARDSHIP_PLAN_NOT_DEFAULTED"]);
    const missing = await center.api.post("/api/v1/staff/hardship/plans/999999/reinstate", { reason: "试一下" });
    expect([missing.status, missing.body.error.code]).toEqual([404, "HARDSHIP_PLAN_NOT_FOUND"]);
  });
});

describe("the hardship summary", () => {
  it("counts applications by state and plans by state with their money; the CSV export is audited", async () => {
    const sup = await staffLogin(srv.url, "supervisor", DEMO_PASSWORD);
    const res = await sup.api.get("/api/v1/staff/hardship/summary");
    expect(res.status).toBe(200);
    const apps = await srv.deps.ds.getRepository(HardshipApplication).find();
    for (const status of ["approved", "rejected", "withdrawn", "pending_community"] as const) {
      expect(res.body.applications[status]).toBe(apps.filter((a) => a.status === status).length);
    }
    const plans = await srv.deps.ds.getRepository(PaymentPlan).find();
    expect(res.body.plans.completed.count).toBe(plans.filter((p) => p.status === "completed").length);
    expect(res.body.plans.defaulted.principalFen).toBe(
      plans.filter((p) => p.status === "defaulted").reduce((s, p) => s + p.principalFen, 0),
    );
    const csv = await fetch(`${srv.url}/api/v1/staff/hardship/summary.csv`, {
      headers: { authorization: `Bearer ${sup.accessToken}` },
    });
    expect(csv.status).toBe(200);
    const text = await csv.text();
    expect(text).toContain("已违约");
    expect(text).toContain("待社区初审");
    expect(
      await srv.deps.ds.getRepository(AuditLog).countBy({ action: "report.export", targetId: "hardship-summary" }),
    ).toBe(1);
    expect((await agent.api.get("/api/v1/staff/hardship/summary")).status).toBe(403);
  });
});

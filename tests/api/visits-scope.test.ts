import fs from "node:fs";
import path from "node:path";
import { HeatingAccount } from "@warmline/server/src/modules/accounts";
import { AuditLog } from "@warmline/server/src/modules/audit";
import { HomeVisit } from "@warmline/server/src/modules/visits";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seasonsWithBills } from "../support/billing";
import { seedSmallCounty } from "../support/county";
import { type Json, staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

/**
 * 入户走访 read scoping and corrections (issue 14): a grid worker reads only the visits and accounts of the
 * communities assigned to them — a record outside answers 404 exactly like a missing one, for the record,
 * the account's 走访记录, its PDF and a correction; supervisors and desk staff read everything. A correction
 * keeps the original (已更正) and the resident's positions follow the current rows.
 */

let srv: TestServer;
let county: Awaited<ReturnType<typeof seedSmallCounty>>;
type Staff = Awaited<ReturnType<typeof staffLogin>>;
let sup: Staff;
let grid: Staff;
let hotline: Staff;
let mine: HeatingAccount;
let foreign: HeatingAccount;
let mineVisit: Json;
let foreignVisit: Json;

const ago = (min: number) => new Date(Date.now() - min * 60_000).toISOString();
const visit = (accountId: number, extra: object = {}) => ({
  accountId,
  startedAt: ago(40),
  endedAt: ago(20),
  kind: "collection",
  outcome: "met_owner",
  indoorTempC10: 205,
  tempMethod: "thermometer",
  policyExplained: ["payment_policy"],
  position: { kind: "refuses", reason: "说暖气不热" },
  ...extra,
});

beforeAll(async () => {
  srv = await startTestServer();
  county = await seedSmallCounty(srv.deps, 12);
  await seasonsWithBills(srv.url, ["2026-2027"]);
  [sup, grid, hotline] = await Promise.all(
    ["supervisor", "grid_worker", "hotline_agent"].map((u) => staffLogin(srv.url, u, DEMO_PASSWORD)),
  );
  mine = county.rows[0];
  foreign = county.rows.find((r) => r.communityId !== mine.communityId) as HeatingAccount;
  expect(foreign).toBeTruthy();
  const assigned = await sup.api.put(`/api/v1/staff/visit-assignments/${grid.staff.id}`, {
    communityIds: [mine.communityId],
  });
  expect(assigned.status).toBe(200);
  // the grid worker's scope is exactly the assigned community (no legacy community on the staff row)
  const row = assigned.body.items.find((i: Json) => i.staffId === grid.staff.id);
  expect(row.communities.map((c: Json) => c.id)).toEqual([mine.communityId]);

  const a = await grid.api.post("/api/v1/staff/visits", visit(mine.id));
  expect(a.status).toBe(201);
  mineVisit = a.body.visit;
  const b = await sup.api.post("/api/v1/staff/visits", visit(foreign.id));
  expect(b.status).toBe(201);
  foreignVisit = b.body.visit;
}, 180_000);
afterAll(async () => {
  if (srv) fs.rmSync(path.join(srv.deps.config.dataDir, "uploads"), { recursive: true, force: true });
  await srv?.close();
});

describe("read scoping", () => {
  it("a grid worker gets 404 for a visit outside their communities, exactly like a missing one", async () => {
    const own = await grid.api.get(`/api/v1/staff/visits/${mineVisit.id}`);
    expect(own.status).toBe(200);
    expect(own.body.accountId).toBe(mine.id);

    const outside = await grid.api.get(`/api/v1/staff/visits/${foreignVisit.id}`);
    const missing = await grid.api.get("/api/v1/staff/visits/99999999");
    expect(outside.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(outside.body.error.code).toBe("VISIT_NOT_FOUND");
    expect(outside.body.error.code).toBe(missing.body.error.code);
    expect(outside.body.error.message).toBe(missing.body.error.message);

    // the supervisor and desk staff (hotline) read it
    expect((await sup.api.get(`/api/v1/staff/visits/${foreignVisit.id}`)).status).toBe(200);
    expect((await hotline.api.get(`/api/v1/staff/visits/${foreignVisit.id}`)).status).toBe(200);
  });

  it("the account's 走访记录 and its PDF: 404 outside the worker's communities, like a missing account", async () => {
    expect((await grid.api.get(`/api/v1/staff/accounts/${mine.id}/visits`)).status).toBe(200);
    const outside = await grid.api.get(`/api/v1/staff/accounts/${foreign.id}/visits`);
    const missing = await grid.api.get("/api/v1/staff/accounts/99999999/visits");
    expect(outside.status).toBe(404);
    expect(outside.body.error).toEqual(missing.body.error);
    expect(outside.body.error.code).toBe("ACCOUNT_NOT_FOUND");

    const pdf = (id: number, token: string) =>
      fetch(`${srv.url}/api/v1/staff/accounts/${id}/visits.pdf`, { headers: { authorization: `Bearer ${token}` } });
    const before = await srv.deps.ds.getRepository(AuditLog).countBy({ action: "visit.pdf_export" });
    const outPdf = await pdf(foreign.id, grid.accessToken);
    expect(outPdf.status).toBe(404);
    expect(((await outPdf.json()) as Json).error.code).toBe("ACCOUNT_NOT_FOUND");
    expect(await srv.deps.ds.getRepository(AuditLog).countBy({ action: "visit.pdf_export" })).toBe(before);
    const ownPdf = await pdf(mine.id, grid.accessToken);
    expect(ownPdf.status).toBe(200);
    expect(
      Buffer.from(await ownPdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");

    const supView = await sup.api.get(`/api/v1/staff/accounts/${foreign.id}/visits`);
    expect(supView.status).toBe(200);
    expect(supView.body.items.map((v: Json) => v.id)).toContain(foreignVisit.id);
  });

  it("lists: the worker's visit list and special groups leave other communities out, even when asked", async () => {
    const byAccount = await grid.api.get(`/api/v1/staff/visits?accountId=${foreign.id}`);
    expect(byAccount.status).toBe(200);
    expect(byAccount.body.items).toEqual([]);
    const byCommunity = await grid.api.get(`/api/v1/staff/visits?communityId=${foreign.communityId}`);
    expect(byCommunity.body.total).toBe(0);
    const all = await grid.api.get("/api/v1/staff/visits");
    expect(all.body.items.map((v: Json) => v.id)).toEqual([mineVisit.id]);
    const supAll = await sup.api.get("/api/v1/staff/visits");
    expect(supAll.body.items.map((v: Json) => v.id)).toEqual(expect.arrayContaining([mineVisit.id, foreignVisit.id]));

    await srv.deps.ds.getRepository(HeatingAccount).update({ id: foreign.id }, { specialGroups: ["elderly_alone"] });
    await srv.deps.ds.getRepository(HeatingAccount).update({ id: mine.id }, { specialGroups: ["mobility"] });
    const special = await grid.api.get("/api/v1/staff/special-groups");
    const ids = special.body.items.map((i: Json) => i.accountId);
    expect(ids).toContain(mine.id);
    expect(ids).not.toContain(foreign.id);
    expect((await sup.api.get("/api/v1/staff/special-groups")).body.items.map((i: Json) => i.accountId)).toContain(
      foreign.id,
    );
  });

  it("a correction of a visit outside the worker's communities answers 404 and writes nothing", async () => {
    const before = await srv.deps.ds.getRepository(HomeVisit).count();
    const res = await grid.api.post(`/api/v1/staff/visits/${foreignVisit.id}/corrections`, {
      ...visit(foreign.id),
      reason: "越权更正",
    });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("VISIT_NOT_FOUND");
    expect(await srv.deps.ds.getRepository(HomeVisit).count()).toBe(before);
  });
});

describe("corrections", () => {
  it("a correction keeps the original as 已更正; the positions timeline follows the current row", async () => {
    const fix = await grid.api.post(`/api/v1/staff/visits/${mineVisit.id}/corrections`, {
      ...visit(mine.id, { position: { kind: "promised", promisedDate: "2027-01-20" } }),
      reason: "住户态度记错，实为承诺缴费",
    });
    expect(fix.status).toBe(201);
    expect(fix.body.visit).toMatchObject({ correctsId: mineVisit.id, rootId: mineVisit.id });

    const acct = await grid.api.get(`/api/v1/staff/accounts/${mine.id}/visits`);
    const byId = new Map(acct.body.items.map((v: Json) => [v.id, v]));
    expect(byId.get(mineVisit.id)).toMatchObject({ supersededById: fix.body.visit.id, correctsId: null });
    expect(byId.get(fix.body.visit.id)).toMatchObject({
      supersededById: null,
      correctionReason: "住户态度记错，实为承诺缴费",
    });
    // the replaced row's 拒绝缴费 is no longer the resident's position; the correction's 承诺日期 is
    expect(acct.body.positions.map((p: Json) => [p.visitId, p.kind])).toEqual([[fix.body.visit.id, "promised"]]);

    const audit = await srv.deps.ds
      .getRepository(AuditLog)
      .findOneBy({ action: "visit.correct", targetId: String(fix.body.visit.id) });
    expect(audit?.details).toMatchObject({ corrects: mineVisit.id });
  });

  it("a worker moved off the community loses sight of its visits (404); moved back, sees them again", async () => {
    await sup.api.put(`/api/v1/staff/visit-assignments/${grid.staff.id}`, { communityIds: [foreign.communityId] });
    expect((await grid.api.get(`/api/v1/staff/visits/${mineVisit.id}`)).status).toBe(404);
    expect((await grid.api.get(`/api/v1/staff/visits/${foreignVisit.id}`)).status).toBe(200);
    expect((await grid.api.get(`/api/v1/staff/accounts/${mine.id}/visits`)).status).toBe(404);
    await sup.api.put(`/api/v1/staff/visit-assignments/${grid.staff.id}`, { communityIds: [mine.communityId] });
    expect((await grid.api.get(`/api/v1/staff/visits/${mineVisit.id}`)).status).toBe(200);
  });
});

import fs from "node:fs";
import path from "node:path";
import { seasonAmountFen, shanghaiDate } from "@warmline/shared";
import { AuditLog } from "@warmline/server/src/modules/audit";
import { Bill, HeatingSeason } from "@warmline/server/src/modules/billing";
import { createStaffUser } from "@warmline/server/src/modules/staff";
import { SuspensionApplication } from "@warmline/server/src/modules/suspensions";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seasonsWithBills, TEST_TARIFFS } from "../support/billing";
import { bindByName, seedSmallCounty } from "../support/county";
import { type Json, residentLogin, staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

/**
 * 报停/复供 on MariaDB: the season an application is for (today is inside 2026-2027, whose deadline has
 * passed: applications go to 2027-2028), the deadline refusal with its date, the arrears rule ("refuse" by
 * default), review, the valve visit with its photo, and the bill of the next season at the base-fee share.
 */

let srv: TestServer;
let county: Awaited<ReturnType<typeof seedSmallCounty>>;
type Staff = Awaited<ReturnType<typeof staffLogin>>;
type Resident = Awaited<ReturnType<typeof residentLogin>>;
let dispatcher: Staff;
let technician: Staff;
let otherTech: Staff;
let agent: Staff;
let cashier: Staff;
let resident: Resident;
let stranger: Resident;

const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
  "hex",
);

const today = shanghaiDate(new Date());
const y = Number(today.slice(0, 4)) + (today.slice(5) > "09-30" ? 1 : 0);
/** the season whose deadline is open today ("before 1 Oct" of its first year) */
const OPEN = `${y}-${y + 1}`;
const AFTER = `${y + 1}-${y + 2}`;
const CURRENT = `${y - 1}-${y}`;

const acc = (i: number) => county.rows[i] as { id: number; heatedArea: number; accountNo: string };

async function settle(accountId: number) {
  const bills = await cashier.api.get(`/api/v1/staff/accounts/${accountId}/bills`);
  const owed = bills.body.totalOwedFen as number;
  if (owed <= 0) return;
  const r = await cashier.api.post("/api/v1/staff/payments/offline", {
    accountId,
    method: "cash",
    amountFen: owed,
    receiptNo: `SUSP-${accountId}-${Date.now()}`,
  });
  expect(r.status, r.text).toBe(201);
}

async function uploadPhoto(token: string, applicationId: number | string, bytes = PNG) {
  const f = new FormData();
  f.append("file", new Blob([new Uint8Array(bytes)], { type: "image/png" }), "valve.png");
  const res = await fetch(`${srv.url}/api/v1/staff/suspension-valve-photos?applicationId=${applicationId}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: f,
  });
  return { status: res.status, body: (await res.json()) as Json };
}

beforeAll(async () => {
  srv = await startTestServer();
  county = await seedSmallCounty(srv.deps, 20);
  await seasonsWithBills(srv.url, [CURRENT]);
  await createStaffUser(srv.deps.ds, {
    username: "tech2",
    displayName: "李师傅",
    password: DEMO_PASSWORD,
    roles: ["technician"],
  });
  [dispatcher, technician, otherTech, agent, cashier] = await Promise.all(
    ["dispatcher", "technician", "tech2", "hotline_agent", "cashier"].map((u) => staffLogin(srv.url, u, DEMO_PASSWORD)),
  );
  resident = await residentLogin(srv.url);
  stranger = await residentLogin(srv.url);
  for (const i of [0, 1]) {
    const h = county.households[i] as (typeof county.households)[number];
    expect((await bindByName(resident.api, h)).status).toBe(201);
  }
  await settle(acc(0).id); // account 0 has no arrears; account 1 keeps its unpaid CURRENT bill (overdue)
}, 180_000);
afterAll(async () => {
  if (srv) fs.rmSync(path.join(srv.deps.config.dataDir, "uploads"), { recursive: true, force: true });
  await srv?.close();
});

describe("applying", () => {
  it("shows the open season, its deadline and the rules", async () => {
    const r = await resident.api.get("/api/v1/me/suspension-rules");
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ seasonCode: OPEN, deadline: `${y}-09-30`, arrearsRule: "refuse", baseShareBp: 3000 });
  });

  it("refuses an application for a season whose deadline has passed, naming the date", async () => {
    const r = await resident.api.post("/api/v1/me/suspensions", {
      accountId: acc(0).id,
      kind: "suspend",
      reason: "房屋空置",
      seasonCode: CURRENT,
    });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe("SUSPENSION_DEADLINE_PASSED");
    expect(r.body.error.message).toContain(`${y - 1}-09-30`);
    expect(await srv.deps.ds.getRepository(SuspensionApplication).countBy({ accountId: acc(0).id })).toBe(0);
  });

  it("refuses 报停 for an account with arrears (the default rule), with the amount", async () => {
    const r = await resident.api.post("/api/v1/me/suspensions", {
      accountId: acc(1).id,
      kind: "suspend",
      reason: "外出务工",
    });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe("SUSPENSION_ARREARS");
    expect(r.body.error.details.arrearsFen).toBeGreaterThan(0);
    expect(r.body.error.message).toContain("请先缴清欠费");
  });

  it("answers 404 for an account that is not bound to the resident, and for their applications", async () => {
    const r = await stranger.api.post("/api/v1/me/suspensions", {
      accountId: acc(0).id,
      kind: "suspend",
      reason: "房屋空置",
    });
    expect(r.status).toBe(404);
    expect((await stranger.api.get(`/api/v1/me/suspensions?accountId=${acc(0).id}`)).status).toBe(404);
    const mine = await resident.api.post("/api/v1/me/suspensions", {
      accountId: acc(0).id,
      kind: "suspend",
      reason: "试一下",
    });
    expect(mine.status, mine.text).toBe(201);
    const w = await stranger.api.post(`/api/v1/me/suspensions/${mine.body.id}/withdraw`, {});
    expect(w.status).toBe(404);
    // the owner withdraws it; a withdrawn application cannot be reviewed
    const own = await resident.api.post(`/api/v1/me/suspensions/${mine.body.id}/withdraw`, { reason: "填错了" });
    expect(own.status).toBe(200);
    expect(own.body.status).toBe("withdrawn");
    const late = await dispatcher.api.post(`/api/v1/staff/suspensions/${mine.body.id}/decision`, {
      decision: "approve",
    });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe("SUSPENSION_STATE_CONFLICT");
  });
});

describe("报停 approved → the next season's bill at the base share; 复供 with a valve visit", () => {
  let appId: number;

  it("files a 报停 for the open season; a second open one is refused", async () => {
    const r = await resident.api.post("/api/v1/me/suspensions", {
      accountId: acc(0).id,
      kind: "suspend",
      reason: "房屋空置，全家外出",
    });
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject({ kind: "suspend", seasonCode: OPEN, deadline: `${y}-09-30`, status: "pending" });
    appId = r.body.id;
    const again = await resident.api.post("/api/v1/me/suspensions", {
      accountId: acc(0).id,
      kind: "suspend",
      reason: "再来一次",
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("SUSPENSION_OPEN_EXISTS");
  });

  it("review: the technician and hotline may not decide; a rejection needs a reason; the dispatcher approves", async () => {
    expect(
      (await technician.api.post(`/api/v1/staff/suspensions/${appId}/decision`, { decision: "approve" })).status,
    ).toBe(403);
    expect((await agent.api.post(`/api/v1/staff/suspensions/${appId}/decision`, { decision: "approve" })).status).toBe(
      403,
    );
    const noReason = await dispatcher.api.post(`/api/v1/staff/suspensions/${appId}/decision`, { decision: "reject" });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.code).toBe("SUSPENSION_REJECT_NOTE_REQUIRED");
    const queue = await dispatcher.api.get(`/api/v1/staff/suspensions?status=pending&accountNo=${acc(0).accountNo}`);
    expect(queue.body.items.map((i: Json) => i.id)).toEqual([appId]);
    const ok = await dispatcher.api.post(`/api/v1/staff/suspensions/${appId}/decision`, {
      decision: "approve",
      note: "同意",
    });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toMatchObject({ status: "approved", reviewerName: expect.any(String), reviewNote: "同意" });
    const audit = await srv.deps.ds
      .getRepository(AuditLog)
      .findOneBy({ action: "suspension.approve", targetId: String(appId) });
    expect(audit?.actorId).toBe(dispatcher.staff.id);
  });

  it("the heating status: this season unchanged, the next one suspended, on both sides", async () => {
    const me = await resident.api.get(`/api/v1/me/suspensions?accountId=${acc(0).id}`);
    expect(me.status).toBe(200);
    expect(me.body.current).toMatchObject({ seasonCode: CURRENT, status: "active" });
    expect(me.body.next).toMatchObject({ seasonCode: OPEN, status: "suspended", label: "报停" });
    expect(me.body.history).toEqual([
      expect.objectContaining({ seasonCode: OPEN, status: "suspended", applicationId: appId }),
    ]);
    expect(me.body.applications[0]).toMatchObject({ id: appId, status: "approved" });
    const staff = await agent.api.get(`/api/v1/staff/accounts/${acc(0).id}/heating-status`);
    expect(staff.body.next.status).toBe("suspended");
  });

  it("valve visit: scheduled for a technician, only they confirm, and only with the sealed-valve photo", async () => {
    const notTech = await dispatcher.api.post(`/api/v1/staff/suspensions/${appId}/valve-visit`, {
      technicianId: agent.staff.id,
      scheduledDate: `${y}-09-20`,
    });
    expect(notTech.status).toBe(400);
    const s = await dispatcher.api.post(`/api/v1/staff/suspensions/${appId}/valve-visit`, {
      technicianId: technician.staff.id,
      scheduledDate: `${y}-09-20`,
    });
    expect(s.status, s.text).toBe(200);
    expect(s.body.status).toBe("valve_visit_scheduled");
    expect(s.body.visit).toMatchObject({ technicianId: technician.staff.id, label: "上门关阀加封", photoUrl: null });
    // the technician's own list
    const mine = await technician.api.get("/api/v1/staff/suspensions");
    expect(mine.body.items.map((i: Json) => i.id)).toEqual([appId]);
    expect((await otherTech.api.get("/api/v1/staff/suspensions")).body.items).toEqual([]);

    const early = await technician.api.post(`/api/v1/staff/suspensions/${appId}/valve-visit/confirm`, {});
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe("SUSPENSION_PHOTO_REQUIRED");
    expect((await uploadPhoto(otherTech.accessToken, appId)).status).toBe(403);
    const bad = await uploadPhoto(technician.accessToken, appId, Buffer.from("not an image at all"));
    expect(bad.status).toBe(415);
    const up = await uploadPhoto(technician.accessToken, appId);
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect((await otherTech.api.post(`/api/v1/staff/suspensions/${appId}/valve-visit/confirm`, {})).status).toBe(403);
    const done = await technician.api.post(`/api/v1/staff/suspensions/${appId}/valve-visit/confirm`, {
      note: "已加封",
    });
    expect(done.status, done.text).toBe(200);
    expect(done.body.status).toBe("done");
    expect(done.body.events.map((e: Json) => e.type)).toEqual([
      "submitted",
      "approved",
      "visit_scheduled",
      "photo_uploaded",
      "visit_confirmed",
    ]);
    const photo = await fetch(
      done.body.visit.photoUrl.startsWith("http") ? done.body.visit.photoUrl : `${srv.url}${done.body.visit.photoUrl}`,
    );
    expect(photo.status).toBe(200);
    expect(Buffer.from(await photo.arrayBuffer()).equals(PNG)).toBe(true);
  });

  it("复供 for the season after: scheduling the visit approves it; the history keeps both", async () => {
    // 复供 of an active season is refused
    const wrong = await resident.api.post("/api/v1/me/suspensions", {
      accountId: acc(1).id,
      kind: "restart",
      reason: "恢复供热",
    });
    expect(wrong.body.error.code).toBe("SUSPENSION_NOT_SUSPENDED");
    const r = await resident.api.post("/api/v1/me/suspensions", {
      accountId: acc(0).id,
      kind: "restart",
      reason: "回来住了",
      seasonCode: AFTER,
    });
    expect(r.status, r.text).toBe(201);
    const s = await dispatcher.api.post(`/api/v1/staff/suspensions/${r.body.id}/valve-visit`, {
      technicianId: technician.staff.id,
      scheduledDate: `${y + 1}-09-25`,
    });
    expect(s.body).toMatchObject({ status: "valve_visit_scheduled", reviewerName: expect.any(String) });
    expect(s.body.visit.label).toBe("上门拆封开阀");
    expect((await uploadPhoto(technician.accessToken, r.body.id)).status).toBe(201);
    expect(
      (await technician.api.post(`/api/v1/staff/suspensions/${r.body.id}/valve-visit/confirm`, {})).body.status,
    ).toBe("done");
    const h = await resident.api.get(`/api/v1/me/suspensions?accountId=${acc(0).id}`);
    expect(h.body.history.map((x: Json) => [x.seasonCode, x.status])).toEqual([
      [AFTER, "active"],
      [OPEN, "suspended"],
    ]);
  });

  it("bill runs: the open season bills account 0 at the base share, the season after at the full fee", async () => {
    await seasonsWithBills(srv.url, [OPEN, AFTER]);
    const seasons = await srv.deps.ds.getRepository(HeatingSeason).find();
    const id = (code: string) => (seasons.find((s) => s.code === code) as HeatingSeason).id;
    const tariff = { unitPriceFen: TEST_TARIFFS[0]?.unitPriceFen as number, suspensionShareBp: 3000 };
    const bills = srv.deps.ds.getRepository(Bill);
    const a0 = acc(0);
    const suspended = await bills.findOneByOrFail({ accountId: a0.id, seasonId: id(OPEN) });
    expect(a0).toMatchObject({ category: "residential" });
    expect(suspended.suspended).toBe(true);
    expect(suspended.amountFen).toBe(seasonAmountFen(a0.heatedArea, tariff, true));
    expect(suspended.amountFen).toBeLessThan(seasonAmountFen(a0.heatedArea, tariff, false));
    const restarted = await bills.findOneByOrFail({ accountId: a0.id, seasonId: id(AFTER) });
    expect(restarted.suspended).toBe(false);
    expect(restarted.amountFen).toBe(seasonAmountFen(a0.heatedArea, tariff, false));
    // the current season's bill (issued before) is untouched, and other accounts pay the full fee
    expect((await bills.findOneByOrFail({ accountId: a0.id, seasonId: id(CURRENT) })).suspended).toBe(false);
    expect((await bills.findOneByOrFail({ accountId: acc(1).id, seasonId: id(OPEN) })).suspended).toBe(false);
  });
});

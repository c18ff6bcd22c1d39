import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { addDays, maskName, shanghaiDate } from "@warmline/shared";
import { AuditLog } from "@warmline/server/src/modules/audit";
import { Bill } from "@warmline/server/src/modules/billing";
import { HeatingAccount } from "@warmline/server/src/modules/accounts";
import { createVisitTask, Reminder, VisitTask } from "@warmline/server/src/modules/reminders";
import { createStaffUser } from "@warmline/server/src/modules/staff";
import { Ticket } from "@warmline/server/src/modules/tickets";
import { HomeVisit, HomeVisitPhoto, VisitPlanEntry } from "@warmline/server/src/modules/visits";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seasonsWithBills } from "../support/billing";
import { seedSmallCounty } from "../support/county";
import { type Json, staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

/**
 * 入户走访 on MariaDB (issue 14): recording with photos and a signature, corrections instead of edits,
 * photo limits, what a visit leads to (a cold-room ticket from a low reading, a service ticket from a quality
 * dispute, the hardship offer, the promised-date follow-up, a completed visit task), community scoping, the
 * monthly plan with a mid-month reassignment, the special-group coverage and the account's PDF.
 */

let srv: TestServer;
let county: Awaited<ReturnType<typeof seedSmallCounty>>;
type Staff = Awaited<ReturnType<typeof staffLogin>>;
let sup: Staff;
let grid: Staff;
let grid2: Staff;
let tech: Staff;
let cashier: Staff;
let hotline: Staff;
/** an account of the grid worker's community, and one outside it */
let mine: HeatingAccount;
let mine2: HeatingAccount;
let mine3: HeatingAccount;
let foreign: HeatingAccount;

const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
  "hex",
);

const ago = (min: number) => new Date(Date.now() - min * 60_000).toISOString();
const today = () => shanghaiDate(new Date());

async function upload(token: string, bytes: Buffer, type = "image/png", name = "p.png") {
  const f = new FormData();
  f.append("file", new Blob([new Uint8Array(bytes)], { type }), name);
  const res = await fetch(`${srv.url}/api/v1/staff/visit-photos`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: f,
  });
  return { status: res.status, body: (await res.json()) as Json };
}

const visit = (accountId: number, extra: object = {}) => ({
  accountId,
  startedAt: ago(40),
  endedAt: ago(20),
  kind: "care",
  outcome: "met_owner",
  indoorTempC10: 212,
  tempMethod: "thermometer",
  policyExplained: ["payment_policy", "online_payment"],
  notes: "老人独居，暖气正常",
  ...extra,
});

const visitRows = () => srv.deps.ds.getRepository(HomeVisit).count();
const ticketsOf = (accountId: number) =>
  srv.deps.ds.getRepository(Ticket).find({ where: { accountId }, order: { id: "ASC" } });

beforeAll(async () => {
  srv = await startTestServer();
  county = await seedSmallCounty(srv.deps, 30);
  await seasonsWithBills(srv.url, ["2026-2027"]);
  await createStaffUser(srv.deps.ds, {
    username: "grid2",
    displayName: "网格员·二",
    password: DEMO_PASSWORD,
    roles: ["grid_worker"],
  });
  [sup, grid, grid2, tech, cashier, hotline] = await Promise.all(
    ["supervisor", "grid_worker", "grid2", "technician", "cashier", "hotline_agent"].map((u) =>
      staffLogin(srv.url, u, DEMO_PASSWORD),
    ),
  );
  const rows = county.rows;
  mine = rows[0];
  const sameCommunity = rows.filter((r) => r.communityId === mine.communityId);
  mine2 = sameCommunity[1];
  mine3 = sameCommunity[2];
  foreign = rows.find((r) => r.communityId !== mine.communityId) as HeatingAccount;
  expect(sameCommunity.length).toBeGreaterThanOrEqual(4);
}, 180_000);
afterAll(async () => {
  if (srv) fs.rmSync(path.join(srv.deps.config.dataDir, "uploads"), { recursive: true, force: true });
  await srv?.close();
});

describe("staff ↔ community assignments", () => {
  it("a supervisor assigns the grid worker's community (audited); others may not; bad targets refused", async () => {
    const res = await sup.api.put(`/api/v1/staff/visit-assignments/${grid.staff.id}`, {
      communityIds: [mine.communityId],
    });
    expect(res.status).toBe(200);
    const row = res.body.items.find((i: Json) => i.staffId === grid.staff.id);
    expect(row.communities.map((c: Json) => c.id)).toEqual([mine.communityId]);
    const audit = await srv.deps.ds
      .getRepository(AuditLog)
      .findOneBy({ action: "visit.assign", targetId: String(grid.staff.id) });
    expect(audit?.details).toMatchObject({ before: [], after: [mine.communityId] });

    expect((await grid.api.put(`/api/v1/staff/visit-assignments/${grid.staff.id}`, { communityIds: [] })).status).toBe(
      403,
    );
    const notField = await sup.api.put(`/api/v1/staff/visit-assignments/${cashier.staff.id}`, {
      communityIds: [mine.communityId],
    });
    expect(notField.body.error.code).toBe("VISIT_ASSIGNMENT_INVALID");
    const noSuch = await sup.api.put(`/api/v1/staff/visit-assignments/${grid.staff.id}`, { communityIds: [999_999] });
    expect(noSuch.status).toBe(400);
    expect(noSuch.body.error.code).toBe("VISIT_ASSIGNMENT_INVALID");
  });
});

describe("recording a visit", () => {
  let recorded: Json;

  it("a grid worker records a visit with photos, a signature and a location; the photos are served", async () => {
    const p1 = await upload(grid.accessToken, PNG);
    const sig = await upload(grid.accessToken, PNG);
    expect(p1.status).toBe(201);
    const res = await grid.api.post(
      "/api/v1/staff/visits",
      visit(mine.id, {
        photoIds: [p1.body.id],
        signaturePhotoId: sig.body.id,
        location: { lat: 38.43, lng: 100.81, accuracyM: 12 },
        position: { kind: "willing" },
      }),
    );
    expect(res.status).toBe(201);
    recorded = res.body.visit;
    expect(recorded).toMatchObject({
      accountId: mine.id,
      kind: "care",
      kindLabel: "访民问暖",
      outcomeLabel: "见到户主",
      indoorTempC10: 212,
      position: { kind: "willing", label: "愿意缴费" },
      correctsId: null,
      supersededById: null,
      effects: [],
      location: { lat: 38.43, lng: 100.81, accuracyM: 12 },
    });
    expect(recorded.photos.map((p: Json) => p.role)).toEqual(["photo", "signature"]);
    expect(res.body.hardshipOffer).toBeNull();
    const img = await fetch(`${srv.url}${recorded.photos[0].url}`);
    expect(img.status).toBe(200);
    expect(Buffer.from(await img.arrayBuffer()).equals(PNG)).toBe(true);
    const claimed = await srv.deps.ds.getRepository(HomeVisitPhoto).findOneBy({ id: p1.body.id });
    expect(claimed?.visitId).toBe(recorded.id);
    expect(
      await srv.deps.ds.getRepository(AuditLog).countBy({ action: "visit.record", targetId: String(recorded.id) }),
    ).toBe(1);
  });

  it("a photo already used, or someone else's, is refused and nothing is written", async () => {
    const before = await visitRows();
    const used = await grid.api.post("/api/v1/staff/visits", visit(mine.id, { photoIds: [recorded.photos[0].id] }));
    expect(used.status).toBe(404);
    expect(used.body.error.code).toBe("VISIT_PHOTO_NOT_FOUND");
    const theirs = await upload(sup.accessToken, PNG);
    const other = await grid.api.post("/api/v1/staff/visits", visit(mine.id, { photoIds: [theirs.body.id] }));
    expect(other.body.error.code).toBe("VISIT_PHOTO_NOT_FOUND");
    expect(await visitRows()).toBe(before);
  });

  it("bad input: clear 400s with Chinese messages, nothing written", async () => {
    const before = await visitRows();
    const cases: [object, string, string][] = [
      [{ endedAt: ago(50) }, "VISIT_INVALID", "结束时间不能早于开始时间"],
      [{ startedAt: ago(-60), endedAt: ago(-90) }, "VISIT_INVALID", "开始时间不能晚于当前时间"],
      [{ indoorTempC10: 401 }, "VISIT_INVALID", "室内温度应在-40℃至40℃之间"],
      [{ indoorTempC10: -401 }, "VISIT_INVALID", "室内温度应在-40℃至40℃之间"],
      [{ kind: "collection" }, "VISIT_INVALID", "催缴沟通且见到住户时，须记录住户的缴费态度"],
      [{ position: { kind: "promised" } }, "VISIT_INVALID", "请填写住户承诺的缴费日期"],
      [{ position: { kind: "refuses" } }, "VISIT_INVALID", "请填写住户的具体说法（拒绝缴费）"],
      [{ photoIds: [1, 2, 3, 4, 5, 6, 7] }, "VALIDATION_FAILED", "提交的信息有误，请检查后重试"],
      [{ kind: "chat" }, "VALIDATION_FAILED", "提交的信息有误，请检查后重试"],
      [{ coVisitorId: grid.staff.id }, "VISIT_COVISITOR_INVALID", "同行人员不存在、已停用或就是本人"],
    ];
    for (const [extra, code, message] of cases) {
      const res = await grid.api.post("/api/v1/staff/visits", visit(mine.id, extra));
      expect(res.status, JSON.stringify(extra)).toBe(400);
      expect(res.body.error, JSON.stringify(extra)).toMatchObject({ code, message });
    }
    expect(await visitRows()).toBe(before);
  });

  it("a retried save of the same phone draft records one visit", async () => {
    const body = visit(mine.id, { clientKey: "draft-0001-abcd" });
    const a = await grid.api.post("/api/v1/staff/visits", body);
    const b = await grid.api.post("/api/v1/staff/visits", body);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.visit.id).toBe(a.body.visit.id);
    expect(await srv.deps.ds.getRepository(HomeVisit).countBy({ clientKey: "draft-0001-abcd" })).toBe(1);
    // two saves of one draft at the same moment (a double tap on a slow connection)
    const twice = visit(mine.id, { clientKey: "draft-0002-abcd" });
    const [x, y] = await Promise.all([
      grid.api.post("/api/v1/staff/visits", twice),
      grid.api.post("/api/v1/staff/visits", twice),
    ]);
    expect([x.status, y.status]).toEqual([201, 201]);
    expect(x.body.visit.id).toBe(y.body.visit.id);
    expect(await srv.deps.ds.getRepository(HomeVisit).countBy({ clientKey: "draft-0002-abcd" })).toBe(1);
  });

  it("records are append-only: edits and deletes refused; a correction is a new row pointing at the old one", async () => {
    const patch = await grid.api.call("PATCH", `/api/v1/staff/visits/${recorded.id}`, { notes: "改" });
    expect(patch.status).toBe(409);
    expect(patch.body.error).toMatchObject({ code: "VISIT_APPEND_ONLY" });
    expect(patch.body.error.message).toContain("更正");
    expect((await grid.api.delete(`/api/v1/staff/visits/${recorded.id}`)).body.error.code).toBe("VISIT_APPEND_ONLY");

    // another grid worker of the same community may not correct someone else's record
    await sup.api.put(`/api/v1/staff/visit-assignments/${grid2.staff.id}`, { communityIds: [mine.communityId] });
    const stranger = await grid2.api.post(`/api/v1/staff/visits/${recorded.id}/corrections`, {
      ...visit(mine.id, { indoorTempC10: 215 }),
      reason: "温度记错",
    });
    expect(stranger.status).toBe(403);
    expect(stranger.body.error.code).toBe("VISIT_NOT_AUTHOR");
    await sup.api.put(`/api/v1/staff/visit-assignments/${grid2.staff.id}`, { communityIds: [] });

    const noReason = await grid.api.post(`/api/v1/staff/visits/${recorded.id}/corrections`, visit(mine.id));
    expect(noReason.status).toBe(400);

    const fix = await grid.api.post(`/api/v1/staff/visits/${recorded.id}/corrections`, {
      ...visit(mine.id, { indoorTempC10: 215, position: { kind: "willing" } }),
      photoIds: recorded.photos.filter((p: Json) => p.role === "photo").map((p: Json) => p.id), // the chain's photo again
      reason: "温度读数记错，应为21.5℃",
    });
    expect(fix.status).toBe(201);
    expect(fix.body.visit).toMatchObject({
      correctsId: recorded.id,
      rootId: recorded.id,
      indoorTempC10: 215,
      correctionReason: "温度读数记错，应为21.5℃",
    });
    expect(fix.body.visit.photos).toHaveLength(1);
    const old = await grid.api.get(`/api/v1/staff/visits/${recorded.id}`);
    expect(old.body).toMatchObject({ indoorTempC10: 212, supersededById: fix.body.visit.id });
    expect(old.body.history.map((h: Json) => h.id)).toEqual([recorded.id, fix.body.visit.id]);

    const again = await grid.api.post(`/api/v1/staff/visits/${recorded.id}/corrections`, {
      ...visit(mine.id),
      reason: "再改一次",
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("VISIT_ALREADY_CORRECTED");

    // the list shows current rows only, unless asked for the history
    const list = await grid.api.get(`/api/v1/staff/visits?accountId=${mine.id}`);
    const ids = list.body.items.map((v: Json) => v.id);
    expect(ids).toContain(fix.body.visit.id);
    expect(ids).not.toContain(recorded.id);
    const all = await grid.api.get(`/api/v1/staff/visits?accountId=${mine.id}&withHistory=true`);
    expect(all.body.items.map((v: Json) => v.id)).toContain(recorded.id);
  });
});

describe("photo limits", () => {
  it("over 5 MB, not an image, empty, or by a role that may not record: refused, nothing stored", async () => {
    const before = await srv.deps.ds.getRepository(HomeVisitPhoto).count();
    const big = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]);
    const tooBig = await upload(grid.accessToken, big);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe("UPLOAD_TOO_LARGE");
    const text = await upload(grid.accessToken, Buffer.from("not an image at all"), "image/png", "x.png");
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe("UPLOAD_BAD_TYPE");
    const pdf = await upload(grid.accessToken, Buffer.from("%PDF-1.4\n"), "application/pdf", "x.pdf");
    expect(pdf.body.error.code).toBe("UPLOAD_BAD_TYPE");
    const cashierUp = await upload(cashier.accessToken, PNG);
    expect(cashierUp.status).toBe(403);
    expect(await srv.deps.ds.getRepository(HomeVisitPhoto).count()).toBe(before);
  });
});

describe("community scoping", () => {
  it("a grid worker may not record for an account outside their communities; a supervisor may", async () => {
    const before = await visitRows();
    const out = await grid.api.post("/api/v1/staff/visits", visit(foreign.id));
    expect(out.status).toBe(403);
    expect(out.body.error).toMatchObject({
      code: "VISIT_OUT_OF_SCOPE",
      message: "该户不在您负责的社区，不能登记或查看其走访",
    });
    const techOut = await tech.api.post("/api/v1/staff/visits", visit(foreign.id));
    expect(techOut.body.error.code).toBe("VISIT_OUT_OF_SCOPE");
    expect(await visitRows()).toBe(before);
    const bySup = await sup.api.post("/api/v1/staff/visits", visit(foreign.id, { kind: "temp_check" }));
    expect(bySup.status).toBe(201);
    // the worker's list only shows their communities
    const list = await grid.api.get("/api/v1/staff/visits");
    expect(list.body.items.every((v: Json) => v.communityId === mine.communityId)).toBe(true);
    expect(list.body.items.length).toBeGreaterThan(0);
    // a role outside the list
    expect((await cashier.api.post("/api/v1/staff/visits", visit(mine.id))).status).toBe(403);
  });
});

describe("what a visit leads to", () => {
  it("a reading below the floor opens a cold-room ticket linked to the visit; a second one links the same ticket", async () => {
    const before = await ticketsOf(mine2.id);
    const res = await grid.api.post(
      "/api/v1/staff/visits",
      visit(mine2.id, { kind: "temp_check", indoorTempC10: 165, faultsFound: "暖气片不热" }),
    );
    expect(res.status).toBe(201);
    const after = await ticketsOf(mine2.id);
    expect(after.length).toBe(before.length + 1);
    const t = after[after.length - 1] as Ticket;
    expect(t).toMatchObject({ category: "cold_room", channel: "visit", indoorTempC10: 165, status: "new" });
    expect(t.description).toContain(`走访记录#${res.body.visit.id}`);
    expect(res.body.visit.effects).toEqual([
      { kind: "cold_room_ticket", refId: t.id, label: "室温低于标准，已生成室温不达标工单" },
    ]);
    const second = await grid.api.post("/api/v1/staff/visits", visit(mine2.id, { indoorTempC10: 170 }));
    expect(second.body.visit.effects[0]).toMatchObject({ kind: "cold_room_ticket", refId: t.id });
    expect((await ticketsOf(mine2.id)).length).toBe(after.length);
    // at the floor: nothing
    const warm = await grid.api.post("/api/v1/staff/visits", visit(mine3.id, { indoorTempC10: 200 }));
    expect(warm.body.visit.effects).toEqual([]);
    expect((await ticketsOf(mine3.id)).length).toBe(0);
  });

  it("对供热质量有异议 opens a service ticket with the reason", async () => {
    const res = await grid.api.post(
      "/api/v1/staff/visits",
      visit(mine3.id, { kind: "collection", position: { kind: "disputes_quality", reason: "卧室一直不热，去年也是" } }),
    );
    expect(res.status).toBe(201);
    const tickets = await ticketsOf(mine3.id);
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({ category: "other", channel: "visit" });
    expect(tickets[0]?.description).toContain("卧室一直不热，去年也是");
    expect(res.body.visit.effects).toEqual([
      { kind: "service_ticket", refId: tickets[0]?.id, label: "住户对供热质量有异议，已生成服务工单" },
    ]);
  });

  it("经济困难 offers a hardship application, which the grid worker then files for the resident", async () => {
    const res = await grid.api.post(
      "/api/v1/staff/visits",
      visit(mine3.id, { kind: "collection", position: { kind: "hardship", reason: "老伴住院" } }),
    );
    expect(res.status).toBe(201);
    expect(res.body.hardshipOffer).toEqual({
      accountId: mine3.id,
      channel: "grid_worker",
      path: "/api/v1/staff/hardship/applications",
      message: "住户表示经济困难：可现在代其提交困难缓缴/分期申请",
    });
    const app = await grid.api.post(res.body.hardshipOffer.path, {
      accountId: mine3.id,
      channel: res.body.hardshipOffer.channel,
      category: "dibao",
      certificateNo: "DB6207221234",
      terms: { kind: "instalments", count: 2 },
      contactPhone: "13912345678",
      note: `入户走访#${res.body.visit.id}时提出`,
    });
    expect(app.status).toBe(201);
    expect(app.body).toMatchObject({ channel: "grid_worker", status: "pending_community" });
    // with the application open, the next 经济困难 visit offers nothing more
    const next = await grid.api.post(
      "/api/v1/staff/visits",
      visit(mine3.id, { kind: "collection", position: { kind: "hardship", reason: "仍困难" } }),
    );
    expect(next.body.hardshipOffer).toBeNull();
  });

  it("承诺日期 schedules a follow-up reminder on the promised date", async () => {
    const date = addDays(today(), 10);
    const res = await grid.api.post(
      "/api/v1/staff/visits",
      visit(mine.id, { kind: "collection", position: { kind: "promised", promisedDate: date } }),
    );
    expect(res.status).toBe(201);
    expect(res.body.visit.position).toMatchObject({ kind: "promised", promisedDate: date });
    const effect = res.body.visit.effects.find((e: Json) => e.kind === "follow_up");
    expect(effect).toBeTruthy();
    expect(effect.refId).toBeGreaterThan(0);
    const reminder = await srv.deps.ds.getRepository(Reminder).findOneBy({ id: effect.refId });
    expect(reminder?.accountId).toBe(mine.id);
  });

  it("a visit that answers an open visit task completes it; a task of another account is refused", async () => {
    const task = await createVisitTask(srv.deps.ds.manager, {
      accountId: mine2.id,
      source: "manual",
      reason: "欠费30天：上门催缴",
      dueDate: addDays(today(), 3),
    });
    const list = await grid.api.get("/api/v1/staff/visits/today");
    expect(list.body.items.find((i: Json) => i.accountId === mine2.id)?.task).toMatchObject({ id: task.id });
    const wrong = await grid.api.post(
      "/api/v1/staff/visits",
      visit(mine.id, { taskId: task.id, kind: "collection", position: { kind: "willing" } }),
    );
    expect(wrong.status).toBe(404);
    expect(wrong.body.error.code).toBe("VISIT_TASK_NOT_FOUND");
    const res = await grid.api.post(
      "/api/v1/staff/visits",
      visit(mine2.id, { taskId: task.id, kind: "collection", position: { kind: "willing" } }),
    );
    expect(res.status).toBe(201);
    const done = await srv.deps.ds.getRepository(VisitTask).findOneByOrFail({ id: task.id });
    expect(done).toMatchObject({ status: "done", visitId: res.body.visit.id, doneBy: grid.staff.id });
    expect(res.body.visit.effects.map((e: Json) => e.kind)).toContain("task_completed");
  });
});

describe("the monthly plan, today's list and progress", () => {
  it("lists the worker's households, unpaid first; paid households drop out; a mid-month reassignment moves them", async () => {
    // one household of the community has paid, one other is a special group (flag) and paid
    const community = county.rows.filter((r) => r.communityId === mine.communityId);
    const paid = community[3] as HeatingAccount;
    const special = community[4] as HeatingAccount;
    await srv.deps.ds.query("UPDATE bills SET paid_fen = amount_fen, status = 'paid' WHERE account_id IN (?, ?)", [
      paid.id,
      special.id,
    ]);
    await srv.deps.ds.getRepository(HeatingAccount).update({ id: special.id }, { specialGroups: ["elderly_alone"] });
    await srv.deps.ds.getRepository(VisitPlanEntry).clear();

    const build = await sup.api.post("/api/v1/staff/visit-plans/build", {});
    expect(build.status).toBe(200);
    expect(build.body.created).toBe(build.body.entries);
    const rerun = await sup.api.post("/api/v1/staff/visit-plans/build", {});
    expect(rerun.body).toMatchObject({ created: 0, reassigned: 0, entries: build.body.entries });

    const todayList = await grid.api.get("/api/v1/staff/visits/today");
    expect(todayList.status).toBe(200);
    const items: Json[] = todayList.body.items;
    const ids = items.map((i) => i.accountId);
    expect(ids).not.toContain(paid.id);
    expect(ids).toContain(special.id);
    expect(items.find((i) => i.accountId === special.id)).toMatchObject({ priority: "special", target: 2 });
    expect(items.find((i) => i.accountId === mine.id)).toMatchObject({ priority: "unpaid", target: 2 });
    expect(items.find((i) => i.accountId === mine.id)?.doneThisMonth).toBeGreaterThanOrEqual(2);
    expect(items.every((i) => i.communityId === mine.communityId)).toBe(true);
    // sorted by community, building, unit, room
    const keys = items.map((i) => [i.buildingName, i.unit, i.room].join("/"));
    const collator = new Intl.Collator("zh-CN", { numeric: true });
    expect([...keys].sort(collator.compare)).toEqual(keys);

    const progress = await sup.api.get("/api/v1/staff/visit-plans/progress");
    expect(progress.status).toBe(200);
    const w = progress.body.workers.find((x: Json) => x.staffId === grid.staff.id);
    expect(w.households).toBe(items.length);
    expect(w.targetVisits).toBe(w.households * 2);
    expect(w.visits).toBeGreaterThanOrEqual(4);
    expect(w.householdsDone).toBeGreaterThanOrEqual(1);
    expect(progress.body.communities.find((c: Json) => c.communityId === mine.communityId).households).toBe(
      w.households,
    );
    expect((await grid.api.get("/api/v1/staff/visit-plans/progress")).status).toBe(403);

    // the community changes hands today: the next build moves its households to the new worker
    await sup.api.put(`/api/v1/staff/visit-assignments/${grid.staff.id}`, { communityIds: [] });
    await sup.api.put(`/api/v1/staff/visit-assignments/${grid2.staff.id}`, { communityIds: [mine.communityId] });
    const moved = await sup.api.post("/api/v1/staff/visit-plans/build", {});
    expect(moved.body.reassigned).toBe(w.households);
    const theirs = await grid2.api.get("/api/v1/staff/visits/today");
    expect(theirs.body.items.map((i: Json) => i.accountId).sort()).toEqual(
      items
        .filter((i) => i.task === null)
        .map((i) => i.accountId)
        .sort(),
    );
    // the old worker is now outside that community
    expect((await grid.api.post("/api/v1/staff/visits", visit(mine.id))).body.error.code).toBe("VISIT_OUT_OF_SCOPE");
    // back as before for the tests below
    await sup.api.put(`/api/v1/staff/visit-assignments/${grid2.staff.id}`, { communityIds: [] });
    await sup.api.put(`/api/v1/staff/visit-assignments/${grid.staff.id}`, { communityIds: [mine.communityId] });
  });
});

describe("special groups", () => {
  it("lists special-group households with payment state, last visit and the coverage figure", async () => {
    const community = county.rows.filter((r) => r.communityId === mine.communityId);
    const flagged = [mine, community[4] as HeatingAccount];
    await srv.deps.ds
      .getRepository(HeatingAccount)
      .update({ id: mine.id }, { specialGroups: ["mobility", "disabled"] });
    const other = foreign;
    await srv.deps.ds.getRepository(HeatingAccount).update({ id: other.id }, { specialGroups: ["incapacitated"] });

    const all = await sup.api.get("/api/v1/staff/special-groups");
    expect(all.status).toBe(200);
    expect(all.body.season).toBe("2026-2027");
    const byId = new Map(all.body.items.map((i: Json) => [i.accountId, i]));
    expect(byId.get(mine.id)).toMatchObject({
      paymentState: "unpaid",
      covered: false,
      categoryLabel: "行动不便、残疾",
    });
    expect((byId.get(mine.id) as Json).lastVisitAt).not.toBeNull();
    // names are masked on the list as everywhere else
    expect((byId.get(mine.id) as Json).ownerName).not.toBe(mine.ownerName);
    expect((byId.get(mine.id) as Json).ownerName).toBe(maskName(mine.ownerName));
    expect(byId.get(flagged[1]?.id)).toMatchObject({ paymentState: "paid", covered: true });
    const covered = all.body.items.filter((i: Json) => i.covered).length;
    expect(all.body.coverage).toMatchObject({ covered, total: all.body.items.length, target: 1 });
    expect(all.body.coverage.rate).toBeCloseTo(covered / all.body.items.length, 6);

    // a household whose hardship category is itself a special group counts without a flag; 低保 alone does not
    const unflagged = county.rows.filter((r) => r.communityId === mine.communityId)[2] as HeatingAccount;
    await srv.deps.ds
      .getRepository(HeatingAccount)
      .update({ id: unflagged.id }, { hardshipCategory: "disabled", specialGroups: [] });
    const dibao = county.rows.filter((r) => r.communityId === mine.communityId)[1] as HeatingAccount;
    await srv.deps.ds
      .getRepository(HeatingAccount)
      .update({ id: dibao.id }, { hardshipCategory: "dibao", specialGroups: [] });
    const withCategory = await sup.api.get("/api/v1/staff/special-groups");
    const ids = withCategory.body.items.map((i: Json) => i.accountId);
    expect(ids).toContain(unflagged.id);
    expect(ids).not.toContain(dibao.id);
    expect(withCategory.body.items.find((i: Json) => i.accountId === unflagged.id).categoryLabel).toBe("残疾");

    const scoped = await grid.api.get("/api/v1/staff/special-groups");
    expect(scoped.status).toBe(200);
    expect(scoped.body.items.every((i: Json) => i.communityId === mine.communityId)).toBe(true);
    expect(scoped.body.items.map((i: Json) => i.accountId)).not.toContain(other.id);
    const outside = await grid.api.get(`/api/v1/staff/special-groups?communityId=${other.communityId}`);
    expect(outside.body.items).toEqual([]);
    expect((await hotline.api.get("/api/v1/staff/special-groups")).status).toBe(403);

    const covered2 = withCategory.body.items.filter((i: Json) => i.covered).length;
    const pay = await srv.deps.ds.getRepository(Bill).findOneByOrFail({ accountId: mine.id });
    await srv.deps.ds.getRepository(Bill).update({ id: pay.id }, { paidFen: pay.amountFen, status: "paid" });
    const again = await sup.api.get("/api/v1/staff/special-groups");
    expect(again.body.coverage).toMatchObject({ covered: covered2 + 1, total: withCategory.body.items.length });
  });
});

describe("the account's 走访记录", () => {
  it("lists every visit with the stated positions over time, and exports a PDF (audited)", async () => {
    const res = await hotline.api.get(`/api/v1/staff/accounts/${mine.id}/visits`);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThanOrEqual(4);
    expect(res.body.positions.map((p: Json) => p.label)).toContain("承诺日期");
    const pdf = await fetch(`${srv.url}/api/v1/staff/accounts/${mine.id}/visits.pdf`, {
      headers: { authorization: `Bearer ${hotline.accessToken}` },
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
    const file = path.join(os.tmpdir(), `visits-${process.pid}.pdf`);
    fs.writeFileSync(file, bytes);
    const text = execFileSync("pdftotext", ["-layout", file, "-"]).toString();
    fs.rmSync(file);
    for (const s of ["入户走访记录", mine.accountNo, "访民问暖", "催缴沟通", "承诺日期", "温度读数记错", "本条已被"]) {
      expect(text, s).toContain(s);
    }
    expect(text).not.toContain(mine.ownerName); // the owner's name is masked
    expect(
      await srv.deps.ds.getRepository(AuditLog).countBy({ action: "visit.pdf_export", targetId: String(mine.id) }),
    ).toBe(1);
    expect((await cashier.api.get(`/api/v1/staff/accounts/${mine.id}/visits`)).status).toBe(403);
  });
});

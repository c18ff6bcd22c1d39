import { addDays, shanghaiDate } from "@warmline/shared";
import { HeatingAccount } from "@warmline/server/src/modules/accounts";
import { StaffAlert } from "@warmline/server/src/modules/alerts";
import { AuditLog } from "@warmline/server/src/modules/audit";
import { Bill } from "@warmline/server/src/modules/billing";
import { seedCalendarFromPackage, workCalendar } from "@warmline/server/src/modules/calendar";
import { checkCaseActivity, LegalCase, LegalCaseEvent, sweepDeadlines } from "@warmline/server/src/modules/legal";
import { ReminderHold } from "@warmline/server/src/modules/reminders";
import { StaffUser } from "@warmline/server/src/modules/staff";
import { HomeVisit } from "@warmline/server/src/modules/visits";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seasonsWithBills } from "../support/billing";
import { seedSmallCounty } from "../support/county";
import { type Json, staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

/**
 * 恶意欠费移交法务 on MariaDB (issue 15, core): the candidate rule over real visits, holds, hardship flags and
 * bills; opening a case re-checks it (not a candidate, a hardship household, twice for the same arrears);
 * the lifecycle approve → filing (dates, scan type) → 立案 → 结案 with its timeline and audit rows; the
 * court deadlines on the loaded holiday calendar with alerts at 2 working days left and when breached (each
 * once); 节假日数据缺失 for a deadline in a year without data; a payment on an open case's account → an
 * alert in the legal officer's inbox offering to close.
 */

let srv: TestServer;
let county: Awaited<ReturnType<typeof seedSmallCounty>>;
type Staff = Awaited<ReturnType<typeof staffLogin>>;
let legal: Staff;
let sup: Staff;
let cashier: Staff;
let agent: Staff;

const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
  "hex",
);
const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "latin1");
const TODAY = () => shanghaiDate(new Date());

const acc = (i: number) => county.rows[i] as HeatingAccount;
/** the scenarios' accounts */
const A = 1; // a candidate: the lifecycle
const B = 2; // a candidate: paid while the case is open
const C = 3; // one visit only
const D = 4; // a 低保 household
const E = 5; // marked 不宜催缴
const F = 6; // a candidate: dismissed
const G = 7; // a candidate: the uncovered year
const H = 8; // a candidate: the deadlines

async function visit(accountIndex: number, daysAgo: number, kind: string, position: string | null) {
  const a = acc(accountIndex);
  const grid = await srv.deps.ds.getRepository(StaffUser).findOneByOrFail({ username: "grid_worker" });
  const at = new Date(Date.now() - daysAgo * 86_400_000);
  await srv.deps.ds.getRepository(HomeVisit).insert({
    accountId: a.id,
    communityId: a.communityId,
    authorStaffId: grid.id,
    coVisitorId: null,
    startedAt: at,
    endedAt: new Date(at.getTime() + 20 * 60_000),
    kind: kind as never,
    outcome: "met_owner",
    indoorTempC10: 205,
    tempMethod: null,
    outdoorTempC10: -50,
    faultsFound: null,
    faultsFixed: null,
    policyExplained: [],
    positionKind: position as never,
    promisedDate: null,
    positionReason: position === "refuses" ? "认为不该交" : null,
    notes: null,
    photoIds: [],
    tempPhotoId: null,
    signaturePhotoId: null,
    latE6: null,
    lngE6: null,
    accuracyM: null,
    correctsId: null,
    rootId: null,
    clientKey: null,
  });
}

async function scan(token: string, caseId: number | string, bytes: Buffer, type: string, name: string) {
  const f = new FormData();
  f.append("file", new Blob([new Uint8Array(bytes)], { type }), name);
  const res = await fetch(`${srv.url}/api/v1/staff/legal/scans?caseId=${caseId}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: f,
  });
  return { status: res.status, body: (await res.json()) as Json };
}

async function inbox(who: Staff): Promise<Json[]> {
  const r = await who.api.get("/api/v1/staff/alerts?state=all&pageSize=100");
  expect(r.status).toBe(200);
  return r.body.items;
}

async function openFor(i: number) {
  return legal.api.post("/api/v1/staff/legal/cases", { accountId: acc(i).id, note: "两次入户均拒缴" });
}

beforeAll(async () => {
  srv = await startTestServer();
  await seedCalendarFromPackage(srv.deps.ds);
  county = await seedSmallCounty(srv.deps, 20);
  await seasonsWithBills(srv.url, ["2025-2026", "2026-2027"]);
  legal = await staffLogin(srv.url, "legal_officer", DEMO_PASSWORD);
  sup = await staffLogin(srv.url, "supervisor", DEMO_PASSWORD);
  cashier = await staffLogin(srv.url, "cashier", DEMO_PASSWORD);
  agent = await staffLogin(srv.url, "hotline_agent", DEMO_PASSWORD);
  const ds = srv.deps.ds;
  // a known county: no hardship flags, everything paid …
  await ds.getRepository(HeatingAccount).createQueryBuilder().update().set({ hardshipCategory: "none" }).execute();
  await ds.query(
    "UPDATE bills SET paid_fen = amount_fen, status = 'paid', late_fee_accrued_fen = 0, late_fee_accrued_until = NULL",
  );
  // … but the 2025-2026 bill (due 2025-10-14, more than 6 months ago) of the scenario accounts
  const season = (await ds.query("SELECT id FROM heating_seasons WHERE code = '2025-2026'")) as { id: number }[];
  for (const i of [A, B, C, D, E, F, G, H]) {
    await ds
      .getRepository(Bill)
      .update({ accountId: acc(i).id, seasonId: (season[0] as { id: number }).id }, { paidFen: 0, status: "unpaid" });
    // two communications on different days, the latest a refusal (C: one only)
    if (i !== C) await visit(i, 40, "collection", "disputes_quality");
    await visit(i, 10, "collection", "refuses");
  }
  await ds.getRepository(HeatingAccount).update({ id: acc(D).id }, { hardshipCategory: "dibao" });
  const admin = await ds.getRepository(StaffUser).findOneByOrFail({ username: "admin" });
  await ds
    .getRepository(ReminderHold)
    .insert({ accountId: acc(E).id, activeAccountId: acc(E).id, reason: "家中丧事", createdBy: admin.id });
}, 180_000);

afterAll(async () => {
  await srv?.close();
});

describe("candidates", () => {
  it("the daily run lists the accounts meeting every condition, with the reasons", async () => {
    const run = await legal.api.post("/api/v1/staff/legal/candidates/refresh");
    expect(run.status).toBe(200);
    const list = await legal.api.get("/api/v1/staff/legal/candidates?pageSize=100");
    expect(list.status).toBe(200);
    const ids = list.body.items.map((c: Json) => c.accountId).sort((x: number, y: number) => x - y);
    expect(ids).toEqual([A, B, F, G, H].map((i) => acc(i).id).sort((x, y) => x - y));
    const a = list.body.items.find((c: Json) => c.accountId === acc(A).id);
    expect(a).toMatchObject({ visitDays: 2, lastPosition: "refuses", oldestDueDate: "2025-10-14", candidate: true });
    expect(a.arrearsMonths).toBeGreaterThanOrEqual(6);
    expect(a.principalFen).toBeGreaterThan(0);
    expect(a.reasons).toHaveLength(7);
    expect(a.ownerName).not.toBe(acc(A).ownerName); // masked
  });

  it("says why an account is not one", async () => {
    const c = await legal.api.get(`/api/v1/staff/legal/accounts/${acc(C).id}/check`);
    expect(c.status).toBe(200);
    expect(c.body.candidate).toBe(false);
    expect(c.body.reasons.filter((r: Json) => !r.met).map((r: Json) => r.condition)).toEqual(["visits"]);
    const e = await legal.api.get(`/api/v1/staff/legal/accounts/${acc(E).id}/check`);
    expect(e.body.reasons.filter((r: Json) => !r.met).map((r: Json) => r.condition)).toEqual(["not_held"]);
  });

  it("dismissing a candidate needs a reason, is audited and takes it off the list", async () => {
    const bad = await legal.api.post(`/api/v1/staff/legal/accounts/${acc(F).id}/dismiss`, { reason: "" });
    expect(bad.status).toBe(400);
    const ok = await legal.api.post(`/api/v1/staff/legal/accounts/${acc(F).id}/dismiss`, {
      reason: "已与住户达成口头约定，先观察一个月",
    });
    expect(ok.status).toBe(200);
    const list = await legal.api.get("/api/v1/staff/legal/candidates?pageSize=100");
    expect(list.body.items.map((c: Json) => c.accountId)).not.toContain(acc(F).id);
    const rows = await srv.deps.ds
      .getRepository(AuditLog)
      .findBy({ action: "legal.candidate_dismiss", targetId: String(acc(F).id) });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.details).toMatchObject({ reason: "已与住户达成口头约定，先观察一个月" });
  });
});

describe("opening a case re-checks the rule", () => {
  it("refuses an account that fails it, a hardship household and a held one, writing nothing", async () => {
    const before = await srv.deps.ds.getRepository(LegalCase).count();
    const c = await openFor(C);
    expect(c.status).toBe(409);
    expect(c.body.error.code).toBe("LEGAL_NOT_CANDIDATE");
    expect(c.body.error.details.reasons.map((r: Json) => r.condition)).toEqual(["visits"]);
    const d = await openFor(D);
    expect(d.status).toBe(409);
    expect(d.body.error.code).toBe("LEGAL_HARDSHIP_HOUSEHOLD");
    const e = await openFor(E);
    expect(e.body.error.code).toBe("LEGAL_NOT_CANDIDATE");
    expect(await srv.deps.ds.getRepository(LegalCase).count()).toBe(before);
  });

  it("refuses when the rule stopped holding since the list was made (the latest position is now a promise)", async () => {
    await visit(G, 1, "care", "promised");
    const g = await openFor(G);
    expect(g.status).toBe(409);
    expect(g.body.error.code).toBe("LEGAL_NOT_CANDIDATE");
    expect(g.body.error.details.reasons.map((r: Json) => r.condition)).toEqual(["refusal"]);
    await visit(G, 0, "collection", "refuses"); // refuses again: the later tests use G
  });
});

describe("the case lifecycle", () => {
  let id: number;
  let approvedOn: string;

  it("opens once for the same arrears", async () => {
    const res = await openFor(A);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ state: "pending_review", stateLabel: "待审查", deadlines: [], outcome: null });
    expect(res.body.caseNo).toMatch(/^FW\d{8}\d{5}$/);
    expect(res.body.events.map((e: Json) => e.kind)).toEqual(["opened"]);
    id = res.body.id;
    const again = await openFor(A);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("LEGAL_CASE_EXISTS");
    // no longer a candidate on the list
    const list = await legal.api.get("/api/v1/staff/legal/candidates?pageSize=100");
    expect(list.body.items.map((c: Json) => c.accountId)).not.toContain(acc(A).id);
  });

  it("no filing before approval; approval by the configured role only (supervisor by default)", async () => {
    const early = await legal.api.post(`/api/v1/staff/legal/cases/${id}/filing`, {
      courtName: "民乐县人民法院",
      filedOn: TODAY(),
      receiptNo: "R-1",
      scanId: 1,
    });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe("LEGAL_STATE_CONFLICT");
    const byLegal = await legal.api.post(`/api/v1/staff/legal/cases/${id}/approve`);
    expect(byLegal.status).toBe(403);
    expect(byLegal.body.error.code).toBe("LEGAL_APPROVER_REQUIRED");
    const ok = await sup.api.post(`/api/v1/staff/legal/cases/${id}/approve`);
    expect(ok.status).toBe(200);
    expect(ok.body.state).toBe("approved");
    approvedOn = ok.body.approvedOn;
    expect(approvedOn).toBe(TODAY());
    const cal = await workCalendar(srv.deps.ds);
    const submit = ok.body.deadlines.find((d: Json) => d.kind === "submit");
    expect(submit.dueDate).toBe(cal.addWorkdays(approvedOn, 5));
    const litigate = ok.body.deadlines.find((d: Json) => d.kind === "litigate");
    expect(litigate.dueDate).toBe(cal.nextWorkdayOnOrAfter(addDays(approvedOn, 7)));
    const twice = await sup.api.post(`/api/v1/staff/legal/cases/${id}/approve`);
    expect(twice.body.error.code).toBe("LEGAL_STATE_CONFLICT");
  });

  it("takes a PDF or image scan only, and a filing date between approval and today", async () => {
    const text = await scan(legal.accessToken, id, Buffer.from("just some text"), "text/plain", "a.txt");
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe("LEGAL_SCAN_TYPE");
    const exe = await scan(legal.accessToken, id, Buffer.from("MZ\x90\x00", "latin1"), "application/pdf", "a.pdf");
    expect(exe.body.error.code).toBe("LEGAL_SCAN_TYPE");
    const pdf = await scan(legal.accessToken, id, PDF, "application/pdf", "回执.pdf");
    expect(pdf.status).toBe(201);
    const png = await scan(legal.accessToken, id, PNG, "image/png", "receipt.png");
    expect(png.status).toBe(201);
    const body = { courtName: "民乐县人民法院", receiptNo: "(2026)甘0722收123号", scanId: pdf.body.id };
    const before = await legal.api.post(`/api/v1/staff/legal/cases/${id}/filing`, {
      ...body,
      filedOn: addDays(approvedOn, -1),
    });
    expect(before.status).toBe(422);
    expect(before.body.error.code).toBe("LEGAL_FILING_BEFORE_APPROVAL");
    const future = await legal.api.post(`/api/v1/staff/legal/cases/${id}/filing`, {
      ...body,
      filedOn: addDays(TODAY(), 1),
    });
    expect(future.body.error.code).toBe("LEGAL_FILING_IN_FUTURE");
    const noScan = await legal.api.post(`/api/v1/staff/legal/cases/${id}/filing`, {
      ...body,
      filedOn: TODAY(),
      scanId: undefined,
    });
    expect(noScan.status).toBe(400);
    const foreign = await legal.api.post(`/api/v1/staff/legal/cases/${id}/filing`, {
      ...body,
      filedOn: TODAY(),
      scanId: 999_999,
    });
    expect(foreign.body.error.code).toBe("LEGAL_SCAN_REQUIRED");
    expect((await srv.deps.ds.getRepository(LegalCase).findOneByOrFail({ id })).state).toBe("approved");
    const ok = await legal.api.post(`/api/v1/staff/legal/cases/${id}/filing`, { ...body, filedOn: TODAY() });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ state: "filed", courtName: "民乐县人民法院", filedOn: TODAY(), hasScan: true });
    expect(ok.body.deadlines.find((d: Json) => d.kind === "submit").state).toBe("met");
  });

  it("registers 立案 and closes with an outcome; the timeline names who and when", async () => {
    const judgmentTooEarly = await legal.api.post(`/api/v1/staff/legal/cases/${id}/close`, { outcome: "judgment" });
    expect(judgmentTooEarly.body.error.code).toBe("LEGAL_STATE_CONFLICT");
    const badDate = await legal.api.post(`/api/v1/staff/legal/cases/${id}/register`, {
      registeredOn: addDays(TODAY(), 2),
      courtCaseNo: "(2026)甘0722民初456号",
    });
    expect(badDate.body.error.code).toBe("LEGAL_REGISTER_DATE_INVALID");
    const reg = await legal.api.post(`/api/v1/staff/legal/cases/${id}/register`, {
      registeredOn: TODAY(),
      courtCaseNo: "(2026)甘0722民初456号",
    });
    expect(reg.status).toBe(200);
    expect(reg.body.state).toBe("litigating");
    const closed = await legal.api.post(`/api/v1/staff/legal/cases/${id}/close`, {
      outcome: "judgment",
      note: "判决支付欠费及滞纳金",
    });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ state: "closed", outcome: "judgment", actions: [] });
    expect(closed.body.events.map((e: Json) => e.kind)).toEqual([
      "opened",
      "approved",
      "filed",
      "registered",
      "closed",
    ]);
    const names = async (u: string) =>
      (await srv.deps.ds.getRepository(StaffUser).findOneByOrFail({ username: u })).displayName;
    const [lo, su] = [await names("legal_officer"), await names("supervisor")];
    expect(closed.body.events.map((e: Json) => e.actorName)).toEqual([lo, su, lo, lo, lo]);
    const audits = await srv.deps.ds.getRepository(AuditLog).findBy({ targetType: "legal_case", targetId: String(id) });
    expect(audits.map((a) => a.action).sort()).toEqual(
      ["legal.case_approve", "legal.case_close", "legal.case_file", "legal.case_open", "legal.case_register"].sort(),
    );
    // closed: the same arrears cannot come back as a new case
    const again = await openFor(A);
    expect(again.body.error.code).toBe("LEGAL_CASE_EXISTS");
  });
});

describe("deadlines and alerts", () => {
  it("alerts the legal officers at 2 working days left and when breached, once each", async () => {
    const opened = await openFor(H);
    expect(opened.status).toBe(201);
    const id = opened.body.id;
    const ok = await sup.api.post(`/api/v1/staff/legal/cases/${id}/approve`);
    const submitDue: string = ok.body.deadlines.find((d: Json) => d.kind === "submit").dueDate;
    const cal = await workCalendar(srv.deps.ds);
    // the first day with 2 working days or fewer left
    let soonDay = ok.body.approvedOn as string;
    while (cal.workdaysBetween(soonDay, submitDue) > 2) soonDay = addDays(soonDay, 1);
    const atNoon = (d: string) => new Date(`${d}T04:00:00Z`);
    const cfg = srv.deps.config.legal;
    const mine = async () =>
      (await srv.deps.ds.getRepository(StaffAlert).findBy({ subjectType: "legal_case", subjectId: id })).map(
        (a) => `${a.kind}:${(a.data as Json).deadline}`,
      );

    await sweepDeadlines(srv.deps.ds, cfg, atNoon(addDays(soonDay, -1)));
    expect((await mine()).filter((k) => k.endsWith(":submit"))).toEqual([]);
    await sweepDeadlines(srv.deps.ds, cfg, atNoon(soonDay));
    await sweepDeadlines(srv.deps.ds, cfg, atNoon(soonDay));
    expect((await mine()).filter((k) => k.endsWith(":submit"))).toEqual(["legal_deadline_soon:submit"]);
    await sweepDeadlines(srv.deps.ds, cfg, atNoon(addDays(submitDue, 1)));
    await sweepDeadlines(srv.deps.ds, cfg, atNoon(addDays(submitDue, 2)));
    expect((await mine()).filter((k) => k.endsWith(":submit")).sort()).toEqual([
      "legal_deadline_breached:submit",
      "legal_deadline_soon:submit",
    ]);
    // in the legal officer's inbox, not in the supervisors'
    const titles = (await inbox(legal)).map((a) => a.title);
    expect(titles.some((t: string) => t.includes("法务期限已超") && t.includes(opened.body.caseNo))).toBe(true);
    expect((await inbox(sup)).some((a) => a.kind === "legal_deadline_breached")).toBe(false);
    // the deadlines list shows it
    const list = await legal.api.get("/api/v1/staff/legal/deadlines");
    expect(list.status).toBe(200);
    expect(
      list.body.items
        .filter((d: Json) => d.caseId === id)
        .map((d: Json) => d.kind)
        .sort(),
    ).toEqual(["litigate", "submit"]);
  });

  it("a deadline in a year without holiday data: 节假日数据缺失 on the case and an admin alert, never Mon–Fri", async () => {
    const cfg = srv.deps.config.legal.deadlines;
    const saved = cfg.submitWorkdays;
    // 60 working days from now reach into a year the package has no data for
    cfg.submitWorkdays = 60;
    try {
      const opened = await openFor(G);
      expect(opened.status).toBe(201);
      const ok = await sup.api.post(`/api/v1/staff/legal/cases/${opened.body.id}/approve`);
      expect(ok.status).toBe(200);
      const submit = ok.body.deadlines.find((d: Json) => d.kind === "submit");
      const cal = await workCalendar(srv.deps.ds);
      const year = Math.max(...cal.years) + 1;
      expect(submit).toMatchObject({ state: "calendar_missing", dueDate: null, missingYear: year });
      const alert = await srv.deps.ds.getRepository(StaffAlert).findOneBy({ dedupeKey: `calendar_missing:${year}` });
      expect(alert?.audience).toBe("supervisor");
      const row = await srv.deps.ds.getRepository(LegalCase).findOneByOrFail({ id: opened.body.id });
      expect(row).toMatchObject({ submitDue: null, deadlineMissingYear: year });
    } finally {
      cfg.submitWorkdays = saved;
    }
  });
});

describe("news on the account of an open case", () => {
  it("a payment puts an alert in the legal officer's inbox; paid in full, it offers to close", async () => {
    const opened = await openFor(B);
    expect(opened.status).toBe(201);
    const id = opened.body.id;
    const owed = (await legal.api.get(`/api/v1/staff/legal/accounts/${acc(B).id}/check`)).body.owedFen as number;
    expect(owed).toBeGreaterThan(1000);
    const part = await cashier.api.post("/api/v1/staff/payments/offline", {
      accountId: acc(B).id,
      method: "cash",
      amountFen: 1000,
      receiptNo: "LG-PART-1",
    });
    expect(part.status).toBe(201);
    await checkCaseActivity(srv.deps.ds);
    await checkCaseActivity(srv.deps.ds); // twice: still one event and one alert
    let events = await srv.deps.ds.getRepository(LegalCaseEvent).findBy({ caseId: id, kind: "payment" });
    expect(events).toHaveLength(1);
    expect(events[0]?.data).toMatchObject({ amountFen: 1000, offerClose: false });
    let alerts = (await inbox(legal)).filter(
      (a) => a.kind === "legal_case_activity" && a.title.includes(opened.body.caseNo),
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0].title).toContain("有缴费");

    const rest = await cashier.api.post("/api/v1/staff/payments/offline", {
      accountId: acc(B).id,
      method: "cash",
      amountFen: owed - 1000,
      receiptNo: "LG-REST-1",
    });
    expect(rest.status).toBe(201);
    await checkCaseActivity(srv.deps.ds);
    events = await srv.deps.ds.getRepository(LegalCaseEvent).findBy({ caseId: id, kind: "payment" });
    expect(events).toHaveLength(2);
    alerts = (await inbox(legal)).filter(
      (a) => a.kind === "legal_case_activity" && a.title.includes(opened.body.caseNo),
    );
    expect(alerts.map((a) => a.title).some((t: string) => t.includes("已全额缴清"))).toBe(true);
    expect(alerts.map((a) => a.body).some((b: string) => b.includes("可结案"))).toBe(true);

    // a new complaint on the account also reaches the inbox
    const ticket = await agent.api.post("/api/v1/staff/tickets", {
      channel: "visit",
      accountId: acc(B).id,
      category: "cold_room",
      description: "入户时住户反映暖气不热",
    });
    expect(ticket.status).toBe(201);
    await checkCaseActivity(srv.deps.ds);
    const complaint = await srv.deps.ds.getRepository(LegalCaseEvent).findBy({ caseId: id, kind: "complaint" });
    expect(complaint).toHaveLength(1);

    // closed as paid in full: the case leaves the open list
    const closed = await legal.api.post(`/api/v1/staff/legal/cases/${id}/close`, { outcome: "paid_in_full" });
    expect(closed.body).toMatchObject({ state: "closed", outcome: "paid_in_full" });
    const open = await legal.api.get("/api/v1/staff/legal/cases?open=true&pageSize=100");
    expect(open.body.items.map((c: Json) => c.id)).not.toContain(id);
  });
});

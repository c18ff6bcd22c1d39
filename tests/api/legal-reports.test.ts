import { buildingOnly, LEGAL_CASE_STATE_LABELS, maskName, shanghaiDate, VISIT_POSITION_LABELS } from "@warmline/shared";
import { Building, Community, HeatingAccount } from "@warmline/server/src/modules/accounts";
import { AuditLog } from "@warmline/server/src/modules/audit";
import { Bill } from "@warmline/server/src/modules/billing";
import { LegalCase, LegalTypicalCase } from "@warmline/server/src/modules/legal";
import { Notice } from "@warmline/server/src/modules/notices";
import { PaymentOrder } from "@warmline/server/src/modules/payments";
import { StaffUser } from "@warmline/server/src/modules/staff";
import { HomeVisit } from "@warmline/server/src/modules/visits";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seasonsWithBills } from "../support/billing";
import { bindByName, seedSmallCounty } from "../support/county";
import { type Json, residentLogin, staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

/**
 * The legal desk's typical-case notices, reports and arrears register on MariaDB (issue 15):
 * a closed case → an anonymized draft (surname, community and building only) → a supervisor other than the
 * author approves → a notice to the case's community that residents there see (and others do not); leaks
 * refused; the report's figures for a hand-built set of cases; the arrears register read back row by row.
 */

let srv: TestServer;
let county: Awaited<ReturnType<typeof seedSmallCounty>>;
type Staff = Awaited<ReturnType<typeof staffLogin>>;
let legal: Staff;
let sup: Staff;
let cashier: Staff;
let legalId: number;

const acc = (i: number) => county.rows[i] as HeatingAccount;
const ds = () => srv.deps.ds;
let caseSeq = 0;

/** a legal case row as the case service leaves it (the lifecycle itself is tested in legal.test.ts) */
async function insertCase(accountIndex: number, over: Partial<LegalCase> & { openedAt?: string } = {}) {
  const a = acc(accountIndex);
  const { openedAt, ...fields } = over;
  const closed = (fields.state ?? "pending_review") === "closed";
  caseSeq++;
  const ins = await ds()
    .getRepository(LegalCase)
    .insert({
      caseNo: `FWTEST${String(caseSeq).padStart(4, "0")}`,
      accountId: a.id,
      openAccountId: closed ? null : a.id,
      arrearsKey: `${a.id}:test${caseSeq}`,
      communityId: a.communityId,
      state: "pending_review",
      outcome: null,
      owedFen: 100_000,
      principalFen: 90_000,
      oldestDueDate: "2025-10-14",
      arrearsSeason: "2025-2026",
      reasons: [],
      openedBy: legalId,
      approvedBy: null,
      approvedAt: null,
      approvedOn: null,
      submitDue: null,
      litigateDue: null,
      deadlineMissingYear: null,
      exportedOn: null,
      filedOn: null,
      courtName: null,
      courtReceiptNo: null,
      scanId: null,
      registeredOn: null,
      courtCaseNo: null,
      closedAt: null,
      ...fields,
    });
  const id = Number(ins.identifiers[0]?.id);
  if (openedAt) await ds().query("UPDATE legal_cases SET created_at = ? WHERE id = ?", [new Date(openedAt), id]);
  return id;
}

let paySeq = 0;
async function payment(accountIndex: number, amountFen: number, paidAt: string, refundedFen = 0) {
  paySeq++;
  await ds()
    .getRepository(PaymentOrder)
    .insert({
      outTradeNo: `TESTLR${Date.now()}${paySeq}`.slice(0, 32),
      accountId: acc(accountIndex).id,
      residentUserId: null,
      staffUserId: null,
      channel: "cash" as never,
      amountFen,
      refundedFen,
      status: "paid" as never,
      billIds: [],
      vendorRef: null,
      transactionId: null,
      receiptNo: null,
      expireAt: null,
      paidAt: new Date(paidAt),
      flagged: false,
      flagReason: null,
      unappliedFen: 0,
    });
}

async function visit(accountIndex: number, daysAgo: number, position: string | null) {
  const a = acc(accountIndex);
  const grid = await ds().getRepository(StaffUser).findOneByOrFail({ username: "grid_worker" });
  const at = new Date(Date.now() - daysAgo * 86_400_000);
  await ds()
    .getRepository(HomeVisit)
    .insert({
      accountId: a.id,
      communityId: a.communityId,
      authorStaffId: grid.id,
      coVisitorId: null,
      startedAt: at,
      endedAt: new Date(at.getTime() + 20 * 60_000),
      kind: "collection" as never,
      outcome: "met_owner" as never,
      indoorTempC10: 205,
      tempMethod: null,
      outdoorTempC10: -50,
      faultsFound: null,
      faultsFixed: null,
      policyExplained: [],
      positionKind: position as never,
      promisedDate: position === "promised" ? "2026-12-31" : null,
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

beforeAll(async () => {
  srv = await startTestServer();
  county = await seedSmallCounty(srv.deps, 24);
  await seasonsWithBills(srv.url, ["2025-2026"]);
  legal = await staffLogin(srv.url, "legal_officer", DEMO_PASSWORD);
  sup = await staffLogin(srv.url, "supervisor", DEMO_PASSWORD);
  cashier = await staffLogin(srv.url, "cashier", DEMO_PASSWORD);
  legalId = legal.staff.id;
  // everything paid: the arrears register starts empty
  await ds().query(
    "UPDATE bills SET paid_fen = amount_fen, status = 'paid', late_fee_accrued_fen = 0, late_fee_accrued_until = NULL",
  );
}, 180_000);

afterAll(async () => {
  await srv?.close();
});

// ---------------------------------------------------------------------------------------------------------

describe("typical-case notices (曝光典型案例)", () => {
  const T = 1; // the closed case's household
  let caseId: number;
  let building: string | null;
  let community: string;
  const idNumber = () => srv.deps.vault.decrypt(acc(T).idNumberEnc) as string;
  const phone = () => srv.deps.vault.decrypt(acc(T).phoneEnc) as string;

  beforeAll(async () => {
    const a = acc(T);
    await ds()
      .getRepository(HeatingAccount)
      .update({ id: a.id }, { ownerName: "欧阳娜娜", unit: "2", room: "501", address: "民乐花园3号楼2单元501室" });
    a.ownerName = "欧阳娜娜";
    const b = a.buildingId ? await ds().getRepository(Building).findOneBy({ id: a.buildingId }) : null;
    building = buildingOnly(b?.name ?? null);
    community = (await ds().getRepository(Community).findOneByOrFail({ id: a.communityId })).name;
    caseId = await insertCase(T, {
      state: "closed",
      outcome: "judgment",
      owedFen: 345_600,
      approvedOn: "2026-03-02",
      closedAt: new Date("2026-06-01T02:00:00Z"),
    });
  });

  const leaksIn = (text: string) => {
    expect(text).not.toContain("欧阳娜娜");
    expect(text).not.toContain("娜娜");
    expect(text).not.toContain(idNumber());
    expect(text).not.toContain(phone());
    expect(text).not.toContain("501");
    expect(text).not.toContain("单元");
    expect(text).not.toContain(acc(T).accountNo);
  };

  it("is offered only for a closed case, generated anonymized", async () => {
    const openCase = await insertCase(2, { state: "approved", approvedOn: "2026-03-02" });
    const refused = await legal.api.post(`/api/v1/staff/legal/cases/${openCase}/typical-case`, {});
    expect([refused.status, refused.body.error.code]).toEqual([409, "TYPICAL_CASE_NOT_CLOSED"]);
    const panel = await legal.api.get(`/api/v1/staff/legal/cases/${openCase}/typical-case`);
    expect(panel.body).toMatchObject({ item: null, suggestion: null });

    const g = await legal.api.get(`/api/v1/staff/legal/cases/${caseId}/typical-case`);
    expect(g.status).toBe(200);
    expect(g.body.item).toBeNull();
    const text = `${g.body.suggestion.title}\n${g.body.suggestion.body}`;
    expect(text).toContain(`${community}${building ?? ""}住户欧阳某`);
    expect(text).toContain("3456.00 元");
    expect(text).toContain("法院判决");
    leaksIn(text);
  });

  it("a role off the desk may not draft; a text with the full name is refused, nothing written", async () => {
    const c = await cashier.api.post(`/api/v1/staff/legal/cases/${caseId}/typical-case`, {});
    expect(c.status).toBe(403);
    for (const body of [
      { body: "住户欧阳娜娜长期拒缴供热费，经多次沟通无果。" },
      { body: `住户欧阳某，身份证号 ${idNumber()}，拒缴。` },
      { body: `住户欧阳某，电话 ${phone()}，拒缴。` },
      { body: "民乐花园3号楼2单元住户欧阳某拒缴供热费。" },
    ]) {
      const r = await legal.api.post(`/api/v1/staff/legal/cases/${caseId}/typical-case`, body);
      expect([r.status, r.body.error.code]).toEqual([422, "TYPICAL_CASE_LEAK"]);
    }
    expect(await ds().getRepository(LegalTypicalCase).countBy({ caseId })).toBe(0);
  });

  let tid: number;
  it("draft → rejected (reviewer only, with a reason) → revised → approved and published to the community", async () => {
    const d = await legal.api.post(`/api/v1/staff/legal/cases/${caseId}/typical-case`, {});
    expect(d.status).toBe(201);
    expect(d.body).toMatchObject({ state: "draft", caseId, noticeId: null });
    tid = d.body.id;
    const again = await legal.api.post(`/api/v1/staff/legal/cases/${caseId}/typical-case`, {});
    expect([again.status, again.body.error.code]).toEqual([409, "TYPICAL_CASE_EXISTS"]);

    // the legal officer cannot approve (a supervisor reviews); nothing published
    const notices0 = await ds().getRepository(Notice).count();
    const self = await legal.api.post(`/api/v1/staff/legal/typical-cases/${tid}/approve`);
    expect(self.status).toBe(403);
    expect(await ds().getRepository(Notice).count()).toBe(notices0);

    const noReason = await sup.api.post(`/api/v1/staff/legal/typical-cases/${tid}/reject`, { reason: "" });
    expect(noReason.status).toBe(400);
    const rej = await sup.api.post(`/api/v1/staff/legal/typical-cases/${tid}/reject`, { reason: "结果描述过于简略" });
    expect(rej.body).toMatchObject({ state: "rejected", rejectReason: "结果描述过于简略" });
    const late = await sup.api.post(`/api/v1/staff/legal/typical-cases/${tid}/approve`);
    expect([late.status, late.body.error.code]).toEqual([409, "TYPICAL_CASE_STATE"]);

    const leaky = await legal.api.put(`/api/v1/staff/legal/typical-cases/${tid}`, {
      title: "典型案例：欧阳某欠费",
      body: `住户欧阳某拒缴，联系电话 ${phone()}。`,
    });
    expect([leaky.status, leaky.body.error.code]).toEqual([422, "TYPICAL_CASE_LEAK"]);
    expect((await ds().getRepository(LegalTypicalCase).findOneByOrFail({ id: tid })).state).toBe("rejected");

    const title = `典型案例：${community}住户欧阳某拒缴供热费被判决`;
    const body = `${community}${building ?? ""}住户欧阳某，两次入户沟通后仍拒缴供热费 3456.00 元，法院判决其补缴。`;
    const rev = await legal.api.put(`/api/v1/staff/legal/typical-cases/${tid}`, { title, body });
    expect(rev.status).toBe(200);
    expect(rev.body.state).toBe("draft");

    const ok = await sup.api.post(`/api/v1/staff/legal/typical-cases/${tid}/approve`);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ state: "published", reviewerName: expect.any(String) });
    const n = await ds().getRepository(Notice).findOneByOrFail({ id: ok.body.noticeId });
    expect(n).toMatchObject({ title, body, audience: "communities", communityIds: [acc(T).communityId] });
    leaksIn(`${n.title}\n${n.body}`);

    const twice = await sup.api.post(`/api/v1/staff/legal/typical-cases/${tid}/approve`);
    expect([twice.status, twice.body.error.code]).toEqual([409, "TYPICAL_CASE_STATE"]);
    const edit = await legal.api.put(`/api/v1/staff/legal/typical-cases/${tid}`, { title, body });
    expect(edit.status).toBe(409);

    const actions = (
      await ds()
        .getRepository(AuditLog)
        .findBy({ targetType: "legal_typical_case", targetId: String(tid) })
    )
      .map((r) => r.action)
      .sort();
    expect(actions).toEqual(
      ["legal.typical_approve", "legal.typical_draft", "legal.typical_reject", "legal.typical_update"].sort(),
    );
    const list = await sup.api.get("/api/v1/staff/legal/typical-cases?state=published");
    expect(list.body.items.map((i: Json) => i.id)).toContain(tid);
  });

  it("residents of the case's community see the notice; residents elsewhere do not", async () => {
    const t = await ds().getRepository(LegalTypicalCase).findOneByOrFail({ id: tid });
    const n = await ds()
      .getRepository(Notice)
      .findOneByOrFail({ id: t.noticeId as number });
    const same = county.rows.findIndex((r, i) => i !== T && r.communityId === acc(T).communityId);
    const other = county.rows.findIndex((r) => r.communityId !== acc(T).communityId);
    expect(same).toBeGreaterThan(-1);
    expect(other).toBeGreaterThan(-1);
    const titles = async (i: number) => {
      const r = await residentLogin(srv.url, { openid: `o-lr-${i}-${Date.now()}` });
      const b = await bindByName(r.api, { ownerName: acc(i).ownerName, account: acc(i) });
      expect(b.status).toBeLessThan(300);
      return ((await r.api.get("/api/v1/me/notices")).body.items as Json[]).map((x) => x.title);
    };
    expect(await titles(same)).toContain(n.title);
    expect(await titles(other)).not.toContain(n.title);
  });

  it("the author may not review their own draft", async () => {
    const c2 = await insertCase(3, {
      state: "closed",
      outcome: "paid_in_full",
      closedAt: new Date("2026-05-01T02:00:00Z"),
    });
    const d = await sup.api.post(`/api/v1/staff/legal/cases/${c2}/typical-case`, {});
    expect(d.status).toBe(201);
    const self = await sup.api.post(`/api/v1/staff/legal/typical-cases/${d.body.id}/approve`);
    expect([self.status, self.body.error.code]).toEqual([409, "TYPICAL_CASE_SELF_REVIEW"]);
    expect((await ds().getRepository(LegalTypicalCase).findOneByOrFail({ id: d.body.id })).state).toBe("draft");
  });
});

// ---------------------------------------------------------------------------------------------------------

describe("reports", () => {
  const at = (d: string) => `${d}T02:00:00Z`; // 10:00 Beijing time
  beforeAll(async () => {
    // opened in March 2026
    await insertCase(10, {
      // R1 paid in full: filed and registered in time
      openedAt: at("2026-03-02"),
      state: "closed",
      outcome: "paid_in_full",
      owedFen: 100_000,
      approvedOn: "2026-03-02",
      submitDue: "2026-03-09",
      litigateDue: "2026-03-09",
      filedOn: "2026-03-06",
      registeredOn: "2026-03-08",
      closedAt: new Date(at("2026-03-20")),
    });
    await payment(10, 5_000, at("2026-03-01")); // before the case: not counted
    await payment(10, 100_000, at("2026-03-15"));
    await insertCase(11, {
      // R2 litigating: filed and registered late
      openedAt: at("2026-03-02"),
      state: "litigating",
      owedFen: 200_000,
      approvedOn: "2026-03-02",
      submitDue: "2026-03-09",
      litigateDue: "2026-03-09",
      filedOn: "2026-03-11",
      registeredOn: "2026-03-12",
    });
    await payment(11, 30_000, at("2026-03-20"), 10_000);
    await insertCase(12, {
      // R3 approved, never filed: both deadlines breached
      openedAt: at("2026-03-03"),
      state: "approved",
      owedFen: 50_000,
      approvedOn: "2026-03-03",
      submitDue: "2026-03-10",
      litigateDue: "2026-03-10",
    });
    await insertCase(13, { openedAt: at("2026-03-04"), state: "pending_review", owedFen: 70_000 }); // R4
    await payment(13, 7_000, at("2026-03-05"));
    await insertCase(14, {
      // R5 withdrawn before the due date without filing: not counted
      openedAt: at("2026-03-04"),
      state: "closed",
      outcome: "withdrawn",
      owedFen: 30_000,
      approvedOn: "2026-03-04",
      submitDue: "2026-03-11",
      litigateDue: "2026-03-11",
      closedAt: new Date(at("2026-03-05")),
    });
    await insertCase(15, {
      // R6 approved in a year without holiday data
      openedAt: at("2026-03-06"),
      state: "approved",
      owedFen: 10_000,
      approvedOn: "2026-03-06",
      deadlineMissingYear: 2026,
    });
    // R7 opened in February: outside the March range, inside the 2025-2026 season
    await insertCase(16, {
      openedAt: at("2026-02-10"),
      state: "closed",
      outcome: "judgment",
      owedFen: 80_000,
      approvedOn: "2026-02-10",
      submitDue: "2026-02-24",
      litigateDue: "2026-02-17",
      filedOn: "2026-02-12",
      registeredOn: "2026-02-20",
      closedAt: new Date(at("2026-04-01")),
    });
    await payment(16, 80_000, at("2026-04-01"));
  });

  it("cases by state, deadline compliance n / N and amounts recovered, hand-computed", async () => {
    const r = await legal.api.get("/api/v1/staff/legal/reports?from=2026-03-01&to=2026-03-31");
    expect(r.status).toBe(200);
    expect(r.body.totalCases).toBe(6);
    const byState = Object.fromEntries(r.body.byState.map((s: Json) => [s.state, s.count]));
    expect(byState).toEqual({ pending_review: 1, approved: 2, exported: 0, filed: 0, litigating: 1, closed: 2 });
    expect(r.body.submit).toEqual({ met: 1, counted: 3, late: 2, pending: 0, calendarMissing: 1 });
    expect(r.body.litigate).toEqual({ met: 1, counted: 3, late: 2, pending: 0, calendarMissing: 1 });
    const by = Object.fromEntries(r.body.recovered.byOutcome.map((g: Json) => [g.outcome, g]));
    expect(by.paid_in_full).toMatchObject({ cases: 1, owedFen: 100_000, recoveredFen: 100_000 });
    expect(by.withdrawn).toMatchObject({ cases: 1, owedFen: 30_000, recoveredFen: 0 });
    expect(by.judgment).toMatchObject({ cases: 0, recoveredFen: 0 });
    expect(by.open).toMatchObject({ cases: 4, owedFen: 330_000, recoveredFen: 27_000 });
    expect(r.body.recovered.totalFen).toBe(127_000);
  });

  it("by season: the season's business year", async () => {
    const r = await sup.api.get("/api/v1/staff/legal/reports?season=2025-2026");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ from: "2025-10-15", to: "2026-10-14", totalCases: 7 });
    expect(r.body.submit).toMatchObject({ met: 2, counted: 4 });
    expect(r.body.litigate).toMatchObject({ met: 1, counted: 4, late: 3 });
    const by = Object.fromEntries(r.body.recovered.byOutcome.map((g: Json) => [g.outcome, g]));
    expect(by.judgment).toMatchObject({ cases: 1, recoveredFen: 80_000 });
  });

  it("refuses bad ranges and roles off the desk", async () => {
    for (const q of [
      "from=2026-03-31&to=2026-03-01",
      "season=2025-2026&from=2026-01-01",
      "season=2025-2027",
      "from=2026-3-1",
    ]) {
      const r = await legal.api.get(`/api/v1/staff/legal/reports?${q}`);
      expect(r.status, q).toBe(400);
    }
    expect((await cashier.api.get("/api/v1/staff/legal/reports")).status).toBe(403);
  });
});

// ---------------------------------------------------------------------------------------------------------

describe("arrears register export", () => {
  const P = 20; // unpaid, no late fee (exempt); visits: refused then promised
  const Q = 21; // partly paid, exempt
  const R = 22; // unpaid with late fee; an open legal case
  const bills = new Map<number, Bill>();

  beforeAll(async () => {
    for (const i of [P, Q, R]) {
      const b = await ds()
        .getRepository(Bill)
        .findOneByOrFail({ accountId: acc(i).id });
      bills.set(i, b);
    }
    const p = bills.get(P) as Bill;
    const q = bills.get(Q) as Bill;
    const r = bills.get(R) as Bill;
    await ds().getRepository(Bill).update({ id: p.id }, { paidFen: 0, status: "unpaid", lateFeeExempt: true });
    await ds()
      .getRepository(Bill)
      .update({ id: q.id }, { paidFen: q.amountFen - 12_345, status: "partial", lateFeeExempt: true });
    await ds().getRepository(Bill).update({ id: r.id }, { paidFen: 0, status: "unpaid", lateFeeExempt: false });
    await visit(P, 20, "refuses");
    await visit(P, 5, "promised");
    await visit(Q, 3, null);
    await insertCase(R, { state: "pending_review" });
  });

  const monthsSince = (from: string, to: string) => {
    const [fy, fm, fd] = from.split("-").map(Number) as [number, number, number];
    const [ty, tm, td] = to.split("-").map(Number) as [number, number, number];
    return (ty - fy) * 12 + (tm - fm) - (td < fd ? 1 : 0);
  };

  it("is an XLSX of every account in arrears, checked row by row, owner masked; audited", async () => {
    const res = await fetch(`${srv.url}/api/v1/staff/legal/arrears-register.xlsx`, {
      headers: { authorization: `Bearer ${legal.accessToken}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("spreadsheetml");
    expect(res.headers.get("content-disposition")).toContain("attachment");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const ws = wb.getWorksheet("欠费台账") as ExcelJS.Worksheet;
    const rows: (string | number)[][] = [];
    ws.eachRow((row) =>
      rows.push(Array.from({ length: 11 }, (_, k) => (row.getCell(k + 1).value ?? "") as string | number)),
    );
    expect(rows[0]).toEqual([
      "户号",
      "户主",
      "小区",
      "楼栋",
      "地址",
      "欠费本金（元）",
      "滞纳金（元）",
      "最早应缴日",
      "欠费月数",
      "最近走访表态",
      "法务案件状态",
    ]);
    const body = rows.slice(1);
    expect(body.map((r) => r[0])).toEqual([P, Q, R].map((i) => acc(i).accountNo));
    const today = shanghaiDate(new Date());
    const communityName = async (i: number) =>
      (
        await ds()
          .getRepository(Community)
          .findOneByOrFail({ id: acc(i).communityId })
      ).name;
    const buildingName = async (i: number) =>
      acc(i).buildingId
        ? (
            await ds()
              .getRepository(Building)
              .findOneByOrFail({ id: acc(i).buildingId as number })
          ).name
        : "";

    const [p, q, r] = body as [(string | number)[], (string | number)[], (string | number)[]];
    const pb = bills.get(P) as Bill;
    expect(p).toEqual([
      acc(P).accountNo,
      maskName(acc(P).ownerName),
      await communityName(P),
      await buildingName(P),
      acc(P).address,
      pb.amountFen / 100,
      0,
      pb.dueDate,
      monthsSince(pb.dueDate, today),
      VISIT_POSITION_LABELS.promised,
      "",
    ]);
    expect(q.slice(5, 10)).toEqual([123.45, 0, (bills.get(Q) as Bill).dueDate, monthsSince(pb.dueDate, today), ""]);
    expect(r[5]).toBe((bills.get(R) as Bill).amountFen / 100);
    expect(Number(r[6])).toBeGreaterThan(0); // late fee accrued since the due date
    expect(r[10]).toBe(LEGAL_CASE_STATE_LABELS.pending_review);
    for (const [i, row] of [P, Q, R].map((x, k) => [x, body[k]] as const)) {
      expect(row?.[1]).not.toBe(acc(i).ownerName);
      expect(JSON.stringify(row)).not.toContain(acc(i).ownerName);
    }
    const audit = await ds().getRepository(AuditLog).findBy({ action: "legal.arrears_register_export" });
    expect(audit.length).toBe(1);
  });

  it("is for the legal desk only; a refused export writes no audit row", async () => {
    const res = await fetch(`${srv.url}/api/v1/staff/legal/arrears-register.xlsx`, {
      headers: { authorization: `Bearer ${cashier.accessToken}` },
    });
    expect(res.status).toBe(403);
    const anon = await fetch(`${srv.url}/api/v1/staff/legal/arrears-register.xlsx`);
    expect(anon.status).toBe(401);
    expect(await ds().getRepository(AuditLog).countBy({ action: "legal.arrears_register_export" })).toBe(1);
  });
});

import { STAFF_ROLES, type StaffRole } from "@warmline/shared";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedSmallCounty } from "../support/county";
import { client, residentLogin, staffLogin } from "../support/http";
import { declaredRoutes, fillPath, mountedRoutes, type RouteKey, tableFingerprint } from "../support/routes";
import { startTestServer, type TestServer } from "../support/server";

/**
 * The authorization matrix: every staff route against every staff role. A role outside a route's list gets
 * 403 FORBIDDEN and nothing is written; a role inside passes the role gate (whatever the handler then says
 * about the empty body or the id). The table below is written by hand on purpose: widening a role list in
 * shared/src/roles.ts or on a route, or adding a staff route, fails here until the table is changed too, in
 * the same review.
 */

/** a route whose declaration names no roles: any signed-in staff member may call it */
const ANY_STAFF = "any staff";
type Allowed = readonly StaffRole[] | typeof ANY_STAFF;

/** every staff role, written out (checked against STAFF_ROLES, so a new role makes this table be read again) */
const EVERY_ROLE: readonly StaffRole[] = [
  "hotline_agent",
  "dispatcher",
  "technician",
  "grid_worker",
  "community_reviewer",
  "center_reviewer",
  "cashier",
  "legal_officer",
  "supervisor",
  "admin",
];

const MATRIX: Record<RouteKey, Allowed> = {
  // staff: self, user management, audit
  "GET /api/v1/staff/me": ANY_STAFF,
  "POST /api/v1/staff/me/password": ANY_STAFF,
  "GET /api/v1/staff/users": ["admin"],
  "POST /api/v1/staff/users": ["admin"],
  "PATCH /api/v1/staff/users/:id": ["admin"],
  "POST /api/v1/staff/users/:id/reset-password": ["admin"],
  "POST /api/v1/staff/users/:id/disable": ["admin"],
  "POST /api/v1/staff/users/:id/enable": ["admin"],
  "POST /api/v1/staff/users/:id/unlock": ["admin"],
  "GET /api/v1/staff/audit-logs": ["supervisor", "admin"],

  // accounts: the account desk, PII reveal (which fields: checked in the handler, see BODY_GATES)
  "GET /api/v1/staff/accounts": EVERY_ROLE,
  "GET /api/v1/staff/accounts/:id": EVERY_ROLE,
  "POST /api/v1/staff/accounts/:id/reveal": ANY_STAFF,
  "GET /api/v1/staff/communities": ANY_STAFF,
  // account upkeep (address, area, category, phone, ID number, 过户): supervisors and administrators
  "PATCH /api/v1/staff/accounts/:id": ["supervisor", "admin"],
  "POST /api/v1/staff/accounts/:id/transfer": ["supervisor", "admin"],
  "PUT /api/v1/staff/accounts/:id/hardship-flags": ["supervisor", "admin"],
  "GET /api/v1/staff/accounts/:id/hardship-flags/history": EVERY_ROLE,

  // the account register import (用户信息自动录入): administrators only; upload, template and report are
  // mounted by the register module (multipart and files, not JSON)
  "GET /api/v1/staff/register-imports": ["admin"],
  "GET /api/v1/staff/register-imports/:id": ["admin"],
  "GET /api/v1/staff/register-imports/:id/rows": ["admin"],
  "POST /api/v1/staff/register-imports/:id/apply": ["admin"],
  "POST /api/v1/staff/register-imports": ["admin"],
  "GET /api/v1/staff/register-template.xlsx": ["admin"],
  "GET /api/v1/staff/register-imports/:id/report.csv": ["admin"],

  // billing
  "GET /api/v1/staff/accounts/:id/bills": EVERY_ROLE,
  "POST /api/v1/staff/bills/:id/waive": ["supervisor", "admin"],
  "POST /api/v1/staff/bills/:id/correct": ["supervisor", "admin"],
  "GET /api/v1/staff/accounts/:id/bill-corrections": EVERY_ROLE,
  "GET /api/v1/staff/seasons": ANY_STAFF,
  "POST /api/v1/staff/seasons": ["supervisor", "admin"],
  "DELETE /api/v1/staff/seasons/:id": ["supervisor", "admin"],
  "POST /api/v1/staff/seasons/:id/bill-runs": ["supervisor", "admin"],
  "GET /api/v1/staff/bill-runs/:id": ["supervisor", "admin"],

  // payments
  "GET /api/v1/staff/accounts/:id/payments": ANY_STAFF,
  "POST /api/v1/staff/payments/offline": ["cashier", "grid_worker", "supervisor", "admin"],
  "GET /api/v1/staff/payments": ["cashier", "center_reviewer", "supervisor", "admin"],
  "GET /api/v1/staff/payments/:id": ["cashier", "center_reviewer", "supervisor", "admin"],
  "GET /api/v1/staff/payments/:id/refunds": ["cashier", "center_reviewer", "supervisor", "admin"],
  "POST /api/v1/staff/payments/:id/refunds": ["supervisor", "admin"],
  "POST /api/v1/staff/payments/:id/resolve-flag": ["supervisor", "admin"],
  "GET /api/v1/staff/reconciliations": ["cashier", "center_reviewer", "supervisor", "admin"],
  "GET /api/v1/staff/reconciliations/:id": ["cashier", "center_reviewer", "supervisor", "admin"],
  "POST /api/v1/staff/reconciliations": ["supervisor", "admin"],

  // invoices
  "GET /api/v1/staff/accounts/:id/invoice-titles": ANY_STAFF,
  "POST /api/v1/staff/accounts/:id/invoice-titles": ["hotline_agent", "cashier", "grid_worker", "supervisor", "admin"],
  "DELETE /api/v1/staff/accounts/:id/invoice-titles/:titleId": [
    "hotline_agent",
    "cashier",
    "grid_worker",
    "supervisor",
    "admin",
  ],
  "GET /api/v1/staff/accounts/:id/invoices": ANY_STAFF,
  "GET /api/v1/staff/invoices": ["hotline_agent", "cashier", "center_reviewer", "supervisor", "admin"],
  "GET /api/v1/staff/invoices/:id": ["hotline_agent", "cashier", "center_reviewer", "supervisor", "admin"],
  "POST /api/v1/staff/invoices/:id/link": ["hotline_agent", "cashier", "center_reviewer", "supervisor", "admin"],
  "POST /api/v1/staff/invoices/:id/reissue": ["cashier", "supervisor", "admin"],
  "POST /api/v1/staff/invoices/:id/refetch-documents": ["cashier", "supervisor", "admin"],
  "POST /api/v1/staff/payments/:id/receipt-link": ["cashier", "grid_worker", "center_reviewer", "supervisor", "admin"],

  // tickets: the service desk and the workflow steps
  "GET /api/v1/staff/stations": ANY_STAFF,
  "GET /api/v1/staff/calls": ["hotline_agent", "dispatcher", "grid_worker", "supervisor", "admin"],
  "POST /api/v1/staff/calls": ["hotline_agent", "dispatcher", "grid_worker", "supervisor", "admin"],
  "GET /api/v1/staff/tickets": ["hotline_agent", "dispatcher", "grid_worker", "supervisor", "admin"],
  "GET /api/v1/staff/my-tickets": ["technician", "dispatcher", "supervisor", "admin"],
  // 派单: the technicians a dispatcher can assign
  "GET /api/v1/staff/technicians": ["dispatcher", "supervisor", "admin"],
  "POST /api/v1/staff/tickets": ["hotline_agent", "dispatcher", "grid_worker", "supervisor", "admin"],
  "GET /api/v1/staff/tickets/:id": ["hotline_agent", "dispatcher", "technician", "grid_worker", "supervisor", "admin"],
  // the full 联系电话 of one ticket, audited per view (a technician: only on the tickets dispatched to them)
  "POST /api/v1/staff/tickets/:id/contact-phone": [
    "hotline_agent",
    "dispatcher",
    "technician",
    "grid_worker",
    "supervisor",
    "admin",
  ],
  "POST /api/v1/staff/tickets/:id/respond": ["hotline_agent", "dispatcher", "grid_worker", "supervisor", "admin"],
  "POST /api/v1/staff/tickets/:id/dispatch": ["dispatcher", "supervisor", "admin"],
  "POST /api/v1/staff/tickets/:id/grade": ["dispatcher", "supervisor", "admin"],
  "POST /api/v1/staff/tickets/:id/link": ["dispatcher", "supervisor", "admin"],
  "POST /api/v1/staff/tickets/:id/on-site": ["technician", "dispatcher", "supervisor", "admin"],
  "POST /api/v1/staff/tickets/:id/measure": ["technician", "dispatcher", "supervisor", "admin"],
  "POST /api/v1/staff/tickets/:id/resolve": ["technician", "dispatcher", "supervisor", "admin"],
  "POST /api/v1/staff/tickets/:id/follow-up": ["hotline_agent", "supervisor", "admin"],
  "POST /api/v1/staff/tickets/:id/notes": [
    "hotline_agent",
    "dispatcher",
    "technician",
    "grid_worker",
    "supervisor",
    "admin",
  ],
  "POST /api/v1/staff/tickets/:id/pause": [
    "hotline_agent",
    "dispatcher",
    "technician",
    "grid_worker",
    "supervisor",
    "admin",
  ],
  "POST /api/v1/staff/tickets/:id/resume": [
    "hotline_agent",
    "dispatcher",
    "technician",
    "grid_worker",
    "supervisor",
    "admin",
  ],
  // mounted by the tickets module (multipart upload, not a JSON route)
  "POST /api/v1/staff/photos": ["hotline_agent", "dispatcher", "technician", "grid_worker", "supervisor", "admin"],

  // hardship relief (困难缓缴/分期): staff apply for residents, two review steps, the account's view
  "POST /api/v1/staff/hardship/applications": ["hotline_agent", "grid_worker", "supervisor", "admin"],
  "GET /api/v1/staff/hardship/applications": [
    "hotline_agent",
    "grid_worker",
    "community_reviewer",
    "center_reviewer",
    "supervisor",
    "admin",
  ],
  "GET /api/v1/staff/hardship/applications/:id": [
    "hotline_agent",
    "grid_worker",
    "community_reviewer",
    "center_reviewer",
    "supervisor",
    "admin",
  ],
  "POST /api/v1/staff/hardship/applications/:id/withdraw": ["hotline_agent", "grid_worker", "supervisor", "admin"],
  "POST /api/v1/staff/hardship/applications/:id/community-review": ["community_reviewer"],
  "POST /api/v1/staff/hardship/applications/:id/center-review": ["center_reviewer"],
  "POST /api/v1/staff/hardship/plans/:id/reinstate": ["center_reviewer"],
  "GET /api/v1/staff/hardship/summary": ["center_reviewer", "supervisor", "admin"],
  "GET /api/v1/staff/hardship/summary.csv": ["center_reviewer", "supervisor", "admin"],
  // the account page's plan view: everyone who sees accounts (a community-scoped reviewer: own community only)
  "GET /api/v1/staff/accounts/:id/hardship": EVERY_ROLE,
  // mounted by the hardship module (multipart upload of certificates)
  "POST /api/v1/staff/hardship/attachments": ["hotline_agent", "grid_worker", "supervisor", "admin"],

  // weather
  "GET /api/v1/staff/outdoor-readings": [
    "hotline_agent",
    "dispatcher",
    "technician",
    "grid_worker",
    "supervisor",
    "admin",
  ],
  "POST /api/v1/staff/outdoor-readings": ["dispatcher", "technician", "supervisor", "admin"],

  // alerts: the escalation inbox
  "GET /api/v1/staff/alerts": ["legal_officer", "supervisor", "admin"],
  "GET /api/v1/staff/alerts/summary": ["legal_officer", "supervisor", "admin"],
  "POST /api/v1/staff/alerts/:id/ack": ["legal_officer", "supervisor", "admin"],

  // notices (供热公告): supervisors and administrators publish, edit and withdraw; the image upload is
  // mounted by the notices module (multipart)
  "GET /api/v1/staff/notices": ["supervisor", "admin"],
  "GET /api/v1/staff/notices/:id": ["supervisor", "admin"],
  "POST /api/v1/staff/notices": ["supervisor", "admin"],
  "PUT /api/v1/staff/notices/:id": ["supervisor", "admin"],
  "POST /api/v1/staff/notices/:id/withdraw": ["supervisor", "admin"],
  "POST /api/v1/staff/notice-images": ["supervisor", "admin"],

  // the holiday calendar (节假日日历): read by supervisors and legal officers, loaded by administrators
  "GET /api/v1/staff/calendar/years": ["supervisor", "legal_officer", "admin"],
  "GET /api/v1/staff/calendar/days": ["supervisor", "legal_officer", "admin"],
  "POST /api/v1/staff/calendar/years/:year/load": ["admin"],
  "POST /api/v1/staff/calendar/years/:year/upload": ["admin"],

  // reports: the 三率 report; the two exports are mounted by the reports module (files, not JSON)
  "GET /api/v1/staff/reports/service-rates": ["hotline_agent", "dispatcher", "supervisor", "admin"],
  "GET /api/v1/staff/reports/service-rates.csv": ["hotline_agent", "dispatcher", "supervisor", "admin"],
  "GET /api/v1/staff/reports/service-rates.xlsx": ["hotline_agent", "dispatcher", "supervisor", "admin"],
  // 收费率看板 and season targets (issue 16)
  "GET /api/v1/staff/dashboards/collection": ["supervisor", "admin"],
  "GET /api/v1/staff/dashboards/collection/curve": ["supervisor", "admin"],
  "GET /api/v1/staff/dashboards/collection/accounts": ["supervisor", "admin"],
  "GET /api/v1/staff/dashboards/targets/:season": ["supervisor", "admin"],
  "PUT /api/v1/staff/dashboards/targets/:season": ["admin"],

  // 报停/复供: dispatchers (and supervisors, admins) review and send the valve visit; the technician it is sent to
  // confirms it with the sealed-valve photo; the hotline reads the desk; the account page's status: everyone
  "GET /api/v1/staff/suspensions": ["hotline_agent", "dispatcher", "technician", "supervisor", "admin"],
  "GET /api/v1/staff/suspensions/:id": ["hotline_agent", "dispatcher", "technician", "supervisor", "admin"],
  "POST /api/v1/staff/suspensions/:id/decision": ["dispatcher", "supervisor", "admin"],
  "POST /api/v1/staff/suspensions/:id/valve-visit": ["dispatcher", "supervisor", "admin"],
  "POST /api/v1/staff/suspensions/:id/valve-visit/confirm": ["technician", "dispatcher", "supervisor", "admin"],
  "GET /api/v1/staff/accounts/:id/heating-status": EVERY_ROLE,
  // mounted by the suspensions module (multipart upload of the valve photo)
  "POST /api/v1/staff/suspension-valve-photos": ["technician", "dispatcher", "supervisor", "admin"],

  // home visits (入户走访): field staff record (their communities only), corrections instead of edits, the
  // day's list, plan progress and assignments for supervisors; photo upload and the PDF are mounted (files)
  "POST /api/v1/staff/visits": ["grid_worker", "technician", "supervisor", "admin"],
  "GET /api/v1/staff/visits": ["hotline_agent", "technician", "grid_worker", "legal_officer", "supervisor", "admin"],
  "GET /api/v1/staff/visits/today": ["grid_worker", "technician"],
  "GET /api/v1/staff/visits/:id": [
    "hotline_agent",
    "technician",
    "grid_worker",
    "legal_officer",
    "supervisor",
    "admin",
  ],
  "POST /api/v1/staff/visits/:id/corrections": ["grid_worker", "technician", "supervisor", "admin"],
  "PATCH /api/v1/staff/visits/:id": ["grid_worker", "technician", "supervisor", "admin"],
  "DELETE /api/v1/staff/visits/:id": ["grid_worker", "technician", "supervisor", "admin"],
  "GET /api/v1/staff/accounts/:id/visits": [
    "hotline_agent",
    "technician",
    "grid_worker",
    "legal_officer",
    "supervisor",
    "admin",
  ],
  "GET /api/v1/staff/accounts/:id/visits.pdf": [
    "hotline_agent",
    "technician",
    "grid_worker",
    "legal_officer",
    "supervisor",
    "admin",
  ],

  // arrears reminders (欠费智能提醒): the reminder desk reads campaigns, the ladder and an account's 催缴记录;
  // supervisors start / pause / resume / cancel campaigns and mark 不宜催缴; only administrators edit the
  // ladder; a hotline agent may send one reminder from the account page; visit tasks for grid workers
  "GET /api/v1/staff/reminders/campaigns": ["hotline_agent", "grid_worker", "legal_officer", "supervisor", "admin"],
  "GET /api/v1/staff/reminders/campaigns/:id": ["hotline_agent", "grid_worker", "legal_officer", "supervisor", "admin"],
  "POST /api/v1/staff/reminders/campaigns": ["supervisor", "admin"],
  "POST /api/v1/staff/reminders/campaigns/:id/pause": ["supervisor", "admin"],
  "POST /api/v1/staff/reminders/campaigns/:id/resume": ["supervisor", "admin"],
  "POST /api/v1/staff/reminders/campaigns/:id/cancel": ["supervisor", "admin"],
  "GET /api/v1/staff/reminders/ladder": ["hotline_agent", "grid_worker", "legal_officer", "supervisor", "admin"],
  "PUT /api/v1/staff/reminders/ladder": ["admin"],
  // the ladder's supervisor-review step (主管复核): supervisors decide
  "GET /api/v1/staff/reminders/reviews": ["supervisor", "admin"],
  "GET /api/v1/staff/reminders/reviews/:id": ["supervisor", "admin"],
  "POST /api/v1/staff/reminders/reviews/:id/decision": ["supervisor", "admin"],
  "GET /api/v1/staff/accounts/:id/reminders": ["hotline_agent", "grid_worker", "legal_officer", "supervisor", "admin"],
  "POST /api/v1/staff/accounts/:id/reminders": ["hotline_agent", "supervisor", "admin"],
  "GET /api/v1/staff/accounts/:id/reminder-state": [
    "hotline_agent",
    "grid_worker",
    "legal_officer",
    "supervisor",
    "admin",
  ],
  "POST /api/v1/staff/accounts/:id/reminder-hold": ["supervisor", "admin"],
  "POST /api/v1/staff/accounts/:id/reminder-hold/release": ["supervisor", "admin"],
  "GET /api/v1/staff/visit-tasks": ["grid_worker", "supervisor", "admin"],
  "POST /api/v1/staff/visit-tasks/:id/done": ["grid_worker", "supervisor", "admin"],
  "POST /api/v1/staff/visit-photos": ["grid_worker", "technician", "supervisor", "admin"],
  "GET /api/v1/staff/visit-plans/progress": ["supervisor", "admin"],
  "POST /api/v1/staff/visit-plans/build": ["supervisor", "admin"],
  "GET /api/v1/staff/special-groups": ["grid_worker", "supervisor", "admin"],
  "GET /api/v1/staff/visit-assignments": ["supervisor", "admin"],
  "PUT /api/v1/staff/visit-assignments/:staffId": ["supervisor", "admin"],

  // 法务 (malicious arrears → court): the legal desk is the legal officers and the supervisors; approval of a
  // transfer is further limited to the configured role (LEGAL_APPROVER_ROLE) inside the handler; the court
  // scan upload is mounted (multipart)
  "GET /api/v1/staff/legal/candidates": ["legal_officer", "supervisor"],
  "POST /api/v1/staff/legal/candidates/refresh": ["legal_officer", "supervisor"],
  "GET /api/v1/staff/legal/accounts/:id/check": ["legal_officer", "supervisor"],
  "POST /api/v1/staff/legal/accounts/:id/dismiss": ["legal_officer", "supervisor"],
  "GET /api/v1/staff/legal/cases": ["legal_officer", "supervisor"],
  "POST /api/v1/staff/legal/cases": ["legal_officer", "supervisor"],
  "GET /api/v1/staff/legal/cases/:id": ["legal_officer", "supervisor"],
  "POST /api/v1/staff/legal/cases/:id/approve": ["legal_officer", "supervisor"],
  "POST /api/v1/staff/legal/cases/:id/filing": ["legal_officer", "supervisor"],
  "POST /api/v1/staff/legal/cases/:id/register": ["legal_officer", "supervisor"],
  "POST /api/v1/staff/legal/cases/:id/close": ["legal_officer", "supervisor"],
  "GET /api/v1/staff/legal/deadlines": ["legal_officer", "supervisor"],
  // 诉讼材料包: build, list, one-time download link
  "POST /api/v1/staff/legal/cases/:id/packet": ["legal_officer", "supervisor"],
  "GET /api/v1/staff/legal/cases/:id/packets": ["legal_officer", "supervisor"],
  "POST /api/v1/staff/legal/cases/:id/packets/:packetId/link": ["legal_officer", "supervisor"],
  // 典型案例 (drafted on the desk, reviewed by a supervisor), reports and the arrears register (mounted: XLSX)
  "GET /api/v1/staff/legal/typical-cases": ["legal_officer", "supervisor"],
  "GET /api/v1/staff/legal/cases/:id/typical-case": ["legal_officer", "supervisor"],
  "POST /api/v1/staff/legal/cases/:id/typical-case": ["legal_officer", "supervisor"],
  "PUT /api/v1/staff/legal/typical-cases/:id": ["legal_officer", "supervisor"],
  "POST /api/v1/staff/legal/typical-cases/:id/approve": ["supervisor"],
  "POST /api/v1/staff/legal/typical-cases/:id/reject": ["supervisor"],
  "GET /api/v1/staff/legal/reports": ["legal_officer", "supervisor"],
  "GET /api/v1/staff/legal/arrears-register.xlsx": ["legal_officer", "supervisor"],
  "POST /api/v1/staff/legal/scans": ["legal_officer", "supervisor"],
  // 催告函 and 证据链 of a case (the legal desk)
  "GET /api/v1/staff/legal/cases/:id/final-notices": ["legal_officer", "supervisor"],
  "POST /api/v1/staff/legal/cases/:id/final-notices": ["legal_officer", "supervisor"],
  "POST /api/v1/staff/legal/cases/:id/final-notices/:noticeId/send": ["legal_officer", "supervisor"],
  "POST /api/v1/staff/legal/cases/:id/verify-chain": ["legal_officer", "supervisor"],
  "POST /api/v1/staff/legal/accounts/:id/verify-chain": ["legal_officer", "supervisor"],
};

/** staff-only routes that modules mount themselves (no declaration to read the roles from: only probed) */
const MOUNTED_STAFF_ROUTES: readonly RouteKey[] = [
  "POST /api/v1/staff/notice-images",
  "POST /api/v1/staff/photos",
  "POST /api/v1/staff/hardship/attachments",
  "GET /api/v1/staff/hardship/summary.csv",
  "GET /api/v1/staff/reports/service-rates.csv",
  "GET /api/v1/staff/reports/service-rates.xlsx",
  "POST /api/v1/staff/register-imports",
  "GET /api/v1/staff/register-template.xlsx",
  "GET /api/v1/staff/register-imports/:id/report.csv",
  "POST /api/v1/staff/suspension-valve-photos",
  "POST /api/v1/staff/visit-photos",
  "GET /api/v1/staff/accounts/:id/visits.pdf",
  "POST /api/v1/staff/legal/scans",
  "GET /api/v1/staff/legal/arrears-register.xlsx",
];

/**
 * Role gates a handler applies to part of a route's input (the route itself lets more roles in). Each
 * body passes validation, so the refusal can only come from the role check.
 */
const BODY_GATES: { name: string; key: RouteKey; body: (accountId: number) => unknown; allowed: Allowed }[] = [
  {
    name: "revealing an ID number",
    key: "POST /api/v1/staff/accounts/:id/reveal",
    body: () => ({ fields: ["idNumber"], reason: "权限矩阵测试" }),
    allowed: ["community_reviewer", "center_reviewer", "legal_officer", "admin"],
  },
  {
    name: "taking cash over the counter",
    key: "POST /api/v1/staff/payments/offline",
    body: (accountId) => ({ accountId, method: "cash", amountFen: 1, receiptNo: "AUTHZ-1" }),
    // the route admits grid workers for 代缴 only
    allowed: ["cashier", "supervisor", "admin"],
  },
];

const allows = (allowed: Allowed, role: StaffRole) => allowed === ANY_STAFF || allowed.includes(role);
const sorted = <T extends string>(items: readonly T[]): T[] => [...items].sort();

let srv: TestServer;
let accountId: number;
let residentToken: string;
const tokens = new Map<StaffRole, string>();

beforeAll(async () => {
  srv = await startTestServer();
  const county = await seedSmallCounty(srv.deps, 6);
  accountId = county.rows[0].id;
  // sign-in writes sessions and audit rows: all of it happens before any "nothing written" snapshot
  const sessions = await Promise.all(STAFF_ROLES.map((role) => staffLogin(srv.url, role, DEMO_PASSWORD)));
  for (const [i, role] of STAFF_ROLES.entries()) tokens.set(role, sessions[i].accessToken);
  residentToken = (await residentLogin(srv.url)).accessToken;
});
afterAll(async () => srv?.close());

/** plausible path values: the seeded account for account routes, 1 for everything else */
function target(key: RouteKey) {
  return fillPath(key, {
    id: key.includes("/staff/accounts/:id") ? accountId : 1,
    titleId: 1,
    staffId: 1,
    packetId: 1,
    noticeId: 1,
    year: 2099,
    season: "2099-2100",
  });
}

async function call(key: RouteKey, token: string | undefined, body?: unknown) {
  const { method, path } = target(key);
  const hasBody = method !== "GET" && method !== "DELETE";
  const res = await client(srv.url, token).call<{ error?: { code?: string } } | undefined>(
    method,
    path,
    hasBody ? (body ?? {}) : undefined,
  );
  return { status: res.status, code: typeof res.body === "object" ? res.body?.error?.code : undefined };
}

/** Runs `calls`, then checks that no table changed (row counts and checksums). */
async function expectNothingWritten(calls: () => Promise<void>) {
  const before = await tableFingerprint(srv.deps);
  await calls();
  expect(await tableFingerprint(srv.deps)).toEqual(before);
}

const KEYS = Object.keys(MATRIX).sort();

describe("the matrix covers the server's staff routes", () => {
  it("lists every staff role", () => {
    expect(sorted(EVERY_ROLE)).toEqual(sorted(STAFF_ROLES));
  });

  it("has a row for every staff route the server declares or mounts, and none more", () => {
    const declared = declaredRoutes(srv.deps);
    const staffDeclared = declared.filter((r) => r.auth === "staff").map((r) => r.key);
    const staffMounted = mountedRoutes(srv.deps)
      .map((r) => r.key)
      .filter((k) => k.split(" ")[1].startsWith("/api/v1/staff/"));
    expect(sorted(staffMounted)).toEqual(sorted(MOUNTED_STAFF_ROUTES));
    expect(new Set(staffDeclared).size).toBe(staffDeclared.length);
    expect(sorted([...staffDeclared, ...staffMounted])).toEqual(KEYS);
    // staff routes live under /staff/, and nothing under /staff/ is reachable without a staff sign-in
    for (const r of declared) {
      expect(r.key.split(" ")[1].startsWith("/api/v1/staff/"), r.key).toBe(r.auth === "staff");
    }
  });

  it("grants each declared staff route exactly the roles of its row", () => {
    const actual: Record<RouteKey, Allowed> = {};
    for (const r of declaredRoutes(srv.deps)) {
      if (r.auth === "staff") actual[r.key] = r.roles ? sorted(r.roles) : ANY_STAFF;
    }
    const expected: Record<RouteKey, Allowed> = {};
    for (const key of KEYS) {
      if (MOUNTED_STAFF_ROUTES.includes(key)) continue;
      const allowed = MATRIX[key];
      expected[key] = allowed === ANY_STAFF ? ANY_STAFF : sorted(allowed);
    }
    expect(actual).toEqual(expected);
  });

  it("names real routes in the body gates", () => {
    for (const g of BODY_GATES) expect(KEYS, g.name).toContain(g.key);
  });
});

describe("without a staff sign-in", () => {
  it("no token: 401 UNAUTHENTICATED on every staff route, nothing written", async () => {
    const seen: Record<RouteKey, string> = {};
    await expectNothingWritten(async () => {
      for (const key of KEYS) {
        const r = await call(key, undefined);
        seen[key] = `${r.status} ${r.code}`;
      }
    });
    expect(seen).toEqual(Object.fromEntries(KEYS.map((k) => [k, "401 UNAUTHENTICATED"])));
  });

  it("a resident's token: 403 FORBIDDEN on every staff route, nothing written", async () => {
    const seen: Record<RouteKey, string> = {};
    await expectNothingWritten(async () => {
      for (const key of KEYS) {
        const r = await call(key, residentToken);
        seen[key] = `${r.status} ${r.code}`;
      }
    });
    expect(seen).toEqual(Object.fromEntries(KEYS.map((k) => [k, "403 FORBIDDEN"])));
  });
});

describe("roles outside a route's list get 403 FORBIDDEN and write nothing", () => {
  for (const role of STAFF_ROLES) {
    const refused = KEYS.filter((k) => !allows(MATRIX[k], role));
    const gates = BODY_GATES.filter((g) => !allows(g.allowed, role));
    it(`${role}: ${refused.length} routes, ${gates.length} body gates`, async () => {
      const token = tokens.get(role);
      const seen: Record<string, string> = {};
      await expectNothingWritten(async () => {
        for (const key of refused) {
          const r = await call(key, token);
          seen[key] = `${r.status} ${r.code}`;
        }
        for (const g of gates) {
          const r = await call(g.key, token, g.body(accountId));
          seen[`${g.key} (${g.name})`] = `${r.status} ${r.code}`;
        }
      });
      const expected = Object.fromEntries([
        ...refused.map((k) => [k, "403 FORBIDDEN"]),
        ...gates.map((g) => [`${g.key} (${g.name})`, "403 FORBIDDEN"]),
      ]);
      expect(seen).toEqual(expected);
    });
  }
});

// after every refusal above: what allowed roles do may write (an audit row of an export, a reveal …)
describe("roles inside a route's list pass the role gate", () => {
  for (const role of STAFF_ROLES) {
    const admitted = KEYS.filter((k) => allows(MATRIX[k], role));
    const gates = BODY_GATES.filter((g) => allows(g.allowed, role));
    it(`${role}: ${admitted.length} routes, ${gates.length} body gates`, async () => {
      const token = tokens.get(role);
      const wrong: Record<string, string> = {};
      const check = (name: string, r: { status: number; code?: string }) => {
        // 400/404/409 are fine (empty body, made-up id); a refusal or a crash is not
        if (r.status === 401 || r.status === 403 || r.status >= 500) wrong[name] = `${r.status} ${r.code}`;
      };
      for (const key of admitted) check(key, await call(key, token));
      for (const g of gates) check(`${g.key} (${g.name})`, await call(g.key, token, g.body(accountId)));
      expect(wrong).toEqual({});
    });
  }
});

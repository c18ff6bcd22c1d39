import { Bill } from "@warmline/server/src/modules/billing";
import { PaymentPlan, settlePlan } from "@warmline/server/src/modules/hardship";
import { openBills, PaymentAllocation, PaymentOrder } from "@warmline/server/src/modules/payments";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { shanghaiDate } from "@warmline/shared";
import { In } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seasonsWithBills } from "../support/billing";
import { bindByName, seedSmallCounty } from "../support/county";
import { client, type Json, residentLogin, staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";
import { until } from "../support/wait";

/**
 * 按计划缴费 (issue 12): a resident pays the next instalment of an approved hardship plan online, through the
 * sandbox WeChat Pay flow. The money goes to the plan's bills only (principal; late fees are waived under
 * the plan), even while an older bill outside the plan is open; paying more than the instalment counts
 * toward the next one; bad input is refused with a stable code and writes nothing.
 */

let srv: TestServer;
let county: Awaited<ReturnType<typeof seedSmallCounty>>;
type Resident = Awaited<ReturnType<typeof residentLogin>>;
type Staff = Awaited<ReturnType<typeof staffLogin>>;
let resident: Resident;
let other: Resident;
let community: Staff;
let center: Staff;
const sandbox = () => client(srv.url);
const orders = () => srv.deps.ds.getRepository(PaymentOrder);

/** the i-th active account of the county, bindable by its owner's name */
function household(i: number) {
  const account = county.rows.filter((a) => a.status === "active")[i] as (typeof county.rows)[number];
  return { ownerName: account.ownerName, account };
}

/** An approved 3-instalment plan covering only the account's newest bill (so an older bill stays open). */
async function approvedPlan(me: Resident, accountId: number, billIds?: number[]) {
  const app = await me.api.post("/api/v1/me/hardship/applications", {
    accountId,
    category: "dibao",
    certificateNo: "DB6207229999",
    terms: { kind: "instalments", count: 3 },
    contactPhone: "13912345678",
    ...(billIds ? { billIds } : {}),
  });
  expect(app.status).toBe(201);
  const url = `/api/v1/staff/hardship/applications/${app.body.id}`;
  const first = await community.api.post(`${url}/community-review`, { decision: "approve", reason: "入户核实属实" });
  expect(first.status).toBe(200);
  const second = await center.api.post(`${url}/center-review`, { decision: "approve", reason: "同意分3期" });
  expect(second.status).toBe(200);
  expect(second.body.plan.status).toBe("active");
  return { appId: app.body.id as number, plan: second.body.plan as Json };
}

async function planOf(me: Resident, appId: number) {
  const res = await me.api.get(`/api/v1/me/hardship/applications/${appId}`);
  expect(res.status).toBe(200);
  return res.body.plan as Json;
}

/** The sandbox cashier takes the money; the notification settles the order. */
async function payAtSandbox(order: { id: number; outTradeNo: string }) {
  const paid = await sandbox().post("/sandbox/wechatpay/test/pay", { out_trade_no: order.outTradeNo });
  expect(paid.status).toBe(200);
  return until(async () => {
    const o = await orders().findOneByOrFail({ id: order.id });
    return o.status === "paid" ? o : null;
  });
}

let accountId: number;
let appId: number;
let plan: Json;
let olderBillId: number;
let planBillId: number;

beforeAll(async () => {
  srv = await startTestServer();
  county = await seedSmallCounty(srv.deps, 30);
  await seasonsWithBills(srv.url, ["2025-2026", "2026-2027"]);
  [community, center] = await Promise.all(
    ["community_reviewer", "center_reviewer"].map((u) => staffLogin(srv.url, u, DEMO_PASSWORD)),
  );
  resident = await residentLogin(srv.url);
  other = await residentLogin(srv.url);
  const h = household(0);
  accountId = h.account.id;
  expect((await bindByName(resident.api, h)).status).toBeLessThan(300);
  expect((await bindByName(other.api, household(1))).status).toBeLessThan(300);
  const open = await openBills(srv.deps.ds, accountId);
  expect(open.map((o) => o.seasonCode)).toEqual(["2025-2026", "2026-2027"]);
  olderBillId = (open[0] as (typeof open)[number]).bill.id;
  planBillId = (open[1] as (typeof open)[number]).bill.id;
  ({ appId, plan } = await approvedPlan(resident, accountId, [planBillId]));
  expect(plan.billIds).toEqual([planBillId]);
});
afterAll(async () => srv?.close());

describe("paying an instalment of a hardship plan", () => {
  it("refuses bad input with a stable code and a Chinese message, and creates no order", async () => {
    const before = await orders().count();
    const remaining = plan.principalFen as number;
    const otherPlan = await approvedPlan(other, household(1).account.id);
    const cases: [object, number, string][] = [
      [{ planId: plan.id, amountFen: 0 }, 400, "HARDSHIP_PLAN_PAY_AMOUNT"],
      [{ planId: plan.id, amountFen: -5 }, 400, "HARDSHIP_PLAN_PAY_AMOUNT"],
      [{ planId: plan.id, amountFen: remaining + 1 }, 400, "HARDSHIP_PLAN_PAY_AMOUNT"],
      [{ planId: plan.id, billIds: [planBillId] }, 400, "HARDSHIP_PLAN_PAY_INPUT"],
      [{ planId: otherPlan.plan.id }, 404, "HARDSHIP_PLAN_NOT_FOUND"], // another household's plan
      [{ planId: 987654 }, 404, "HARDSHIP_PLAN_NOT_FOUND"],
    ];
    for (const [extra, status, code] of cases) {
      const res = await resident.api.post("/api/v1/me/payments", { accountId, vendor: "wechat", ...extra });
      expect([res.status, res.body.error?.code]).toEqual([status, code]);
      expect(res.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    }
    // the other household's own plan, through someone else's account: still not theirs
    const foreign = await other.api.post("/api/v1/me/payments", {
      accountId: household(1).account.id,
      vendor: "wechat",
      planId: plan.id,
    });
    expect([foreign.status, foreign.body.error.code]).toEqual([404, "HARDSHIP_PLAN_NOT_FOUND"]);
    expect(await orders().count()).toBe(before);
  });

  it("pays exactly the next instalment by default: to the plan's bill only, principal only, shown paid", async () => {
    const first = plan.instalments[0] as Json;
    const order = await resident.api.post("/api/v1/me/payments", { accountId, vendor: "wechat", planId: plan.id });
    expect(order.status).toBe(201);
    expect(order.body.amountFen).toBe(first.amountFen);
    // pressing the button again hands out the same order
    const again = await resident.api.post("/api/v1/me/payments", { accountId, vendor: "wechat", planId: plan.id });
    expect(again.body.id).toBe(order.body.id);
    const row = await orders().findOneByOrFail({ id: order.body.id });
    expect(row.billIds).toEqual([planBillId]); // not the older open bill, which is outside the plan
    await payAtSandbox(order.body);

    const allocations = await srv.deps.ds.getRepository(PaymentAllocation).findBy({ paymentOrderId: order.body.id });
    expect(allocations.map((a) => [a.billId, a.principalFen, a.lateFeeFen])).toEqual([
      [planBillId, first.amountFen, 0],
    ]);
    const older = await srv.deps.ds.getRepository(Bill).findOneByOrFail({ id: olderBillId });
    expect(older.paidFen).toBe(0);

    const now = await planOf(resident, appId);
    expect(now.paidFen).toBe(first.amountFen);
    expect(now.instalments.map((i: Json) => i.status)).toEqual(["paid", "unpaid", "unpaid"]);
    expect(await settlePlan(srv.deps, plan.id, shanghaiDate(new Date()))).toBe("active");
    const status = await resident.api.get(`/api/v1/me/payments/${order.body.id}`);
    expect(status.body).toMatchObject({ status: "paid", surplus: null });
  });

  it("more than the instalment counts toward the next one; the rest of the plan closes it", async () => {
    const [, second, third] = plan.instalments as Json[];
    const extra = 1_234;
    const order = await resident.api.post("/api/v1/me/payments", {
      accountId,
      vendor: "wechat",
      planId: plan.id,
      amountFen: second.amountFen + extra,
    });
    expect(order.status).toBe(201);
    expect(order.body.amountFen).toBe(second.amountFen + extra);
    await payAtSandbox(order.body);
    const now = await planOf(resident, appId);
    expect(now.instalments.map((i: Json) => [i.status, i.paidFen])).toEqual([
      ["paid", plan.instalments[0].amountFen],
      ["paid", second.amountFen],
      ["partial", extra],
    ]);

    // the default is now the rest of the third instalment; one fen over what is left is refused
    const over = await resident.api.post("/api/v1/me/payments", {
      accountId,
      vendor: "wechat",
      planId: plan.id,
      amountFen: third.amountFen - extra + 1,
    });
    expect([over.status, over.body.error.code]).toEqual([400, "HARDSHIP_PLAN_PAY_AMOUNT"]);
    const last = await resident.api.post("/api/v1/me/payments", { accountId, vendor: "wechat", planId: plan.id });
    expect(last.status).toBe(201);
    expect(last.body.amountFen).toBe(third.amountFen - extra);
    await payAtSandbox(last.body);
    const bill = await srv.deps.ds.getRepository(Bill).findOneByOrFail({ id: planBillId });
    expect(bill.status).toBe("paid");
    const flagged = await orders().countBy({ accountId, flagged: true });
    expect(flagged).toBe(0);

    // the payment that paid it off closes the plan by itself (job hardship.plan_check), not at the next sweep
    await until(async () => (await planOf(resident, appId)).status === "completed");
    expect(await settlePlan(srv.deps, plan.id, shanghaiDate(new Date()))).toBe("completed");
    const done = await planOf(resident, appId);
    expect(done.status).toBe("completed");
    expect(done.instalments.map((i: Json) => i.status)).toEqual(["paid", "paid", "paid"]);
    // a closed plan takes no more money
    const closed = await resident.api.post("/api/v1/me/payments", { accountId, vendor: "wechat", planId: plan.id });
    expect([closed.status, closed.body.error.code]).toEqual([409, "HARDSHIP_PLAN_NOT_PAYABLE"]);
    // the older bill outside the plan is still owed, and paid as before (bills, arrears first)
    const rest = await resident.api.post("/api/v1/me/payments", { accountId, vendor: "wechat" });
    expect(rest.status).toBe(201);
    const restRow = await orders().findOneByOrFail({ id: rest.body.id });
    expect(restRow.billIds).toEqual([olderBillId]);
  });

  it("at the window (cashier) and by 代缴 (grid worker) the money goes to the plan's bills only", async () => {
    const h = household(3);
    const me = await residentLogin(srv.url);
    expect((await bindByName(me.api, h)).status).toBeLessThan(300);
    const open = await openBills(srv.deps.ds, h.account.id);
    expect(open).toHaveLength(2);
    const [older, newer] = open as [(typeof open)[number], (typeof open)[number]];
    const { appId: id, plan: p } = await approvedPlan(me, h.account.id, [newer.bill.id]);
    const [first] = p.instalments as Json[];
    const cashier = await staffLogin(srv.url, "cashier", DEMO_PASSWORD);
    const pay = (body: Json, who: Staff = cashier) =>
      who.api.post("/api/v1/staff/payments/offline", { accountId: h.account.id, method: "cash", ...body });

    // bad input writes nothing
    const before = await orders().countBy({ accountId: h.account.id });
    const bad = [
      [await pay({ planId: p.id, amountFen: p.principalFen + 1, receiptNo: "P0" }), 400, "HARDSHIP_PLAN_PAY_AMOUNT"],
      [
        await pay({ planId: p.id, billIds: [older.bill.id], amountFen: 100, receiptNo: "P0" }),
        400,
        "HARDSHIP_PLAN_PAY_INPUT",
      ],
      [await pay({ planId: plan.id, amountFen: 100, receiptNo: "P0" }), 404, "HARDSHIP_PLAN_NOT_FOUND"],
    ] as const;
    for (const [res, status, code] of bad) expect([res.status, res.body.error?.code]).toEqual([status, code]);
    expect(await orders().countBy({ accountId: h.account.id })).toBe(before);

    // the first instalment at the window: all of it to the plan's bill, none to the older one
    const cash = await pay({ planId: p.id, amountFen: first.amountFen, receiptNo: "P1" });
    expect(cash.status).toBe(201);
    const allocations = await srv.deps.ds.getRepository(PaymentAllocation).findBy({ paymentOrderId: cash.body.id });
    expect(allocations.map((a) => [a.billId, a.principalFen, a.lateFeeFen])).toEqual([
      [newer.bill.id, first.amountFen, 0],
    ]);
    expect((await srv.deps.ds.getRepository(Bill).findOneByOrFail({ id: older.bill.id })).paidFen).toBe(0);
    expect((await planOf(me, id)).instalments.map((i: Json) => i.status)).toEqual(["paid", "unpaid", "unpaid"]);

    // the rest by 代缴 (a 低保 household): the plan closes by itself
    const supervisor = await staffLogin(srv.url, "supervisor", DEMO_PASSWORD);
    const flags = await supervisor.api.put(`/api/v1/staff/accounts/${h.account.id}/hardship-flags`, {
      hardshipCategory: "dibao",
      specialGroups: [],
      reason: "低保证核实",
    });
    expect(flags.status).toBe(200);
    const grid = await staffLogin(srv.url, "grid_worker", DEMO_PASSWORD);
    const rest = p.principalFen - first.amountFen;
    const assisted = await pay({ planId: p.id, method: "assisted", amountFen: rest, receiptNo: "P2" }, grid);
    expect(assisted.status).toBe(201);
    await until(async () => (await planOf(me, id)).status === "completed");
    expect((await srv.deps.ds.getRepository(Bill).findOneByOrFail({ id: older.bill.id })).paidFen).toBe(0);
  });

  it("each review decision reaches the applicant outside the app: a subscribe message with a consent, else SMS", async () => {
    const applicationNo = (await resident.api.get(`/api/v1/me/hardship/applications/${appId}`)).body.applicationNo;
    const sms = async () =>
      (
        (await sandbox().get("/sandbox/sms/test/messages?phone=13912345678")).body.messages as {
          templateCode: string;
          text: string;
        }[]
      ).filter(
        (m) => m.templateCode === srv.deps.config.sms.templates.hardship_progress && m.text.includes(applicationNo),
      );
    // the first plan's two decisions (beforeAll) and its completion (paid off above): no consent was given,
    // so each went by SMS to the contact phone
    const texts = await until(async () => ((await sms()).length >= 3 ? sms() : null));
    expect(texts.map((t) => t.text)).toEqual([
      expect.stringContaining("已通过社区初审，等待供热中心复核"),
      expect.stringContaining("已通过复核，分期/缓缴计划已生效"),
      expect.stringContaining("计划已全部缴清"),
    ]);

    // a resident who said yes to the subscribe message gets that instead (one consent, one message)
    const openid = `hardship-msg-${Date.now()}`;
    const me = await residentLogin(srv.url, { openid });
    const h = household(4);
    expect((await bindByName(me.api, h)).status).toBeLessThan(300);
    const consent = await me.api.post("/api/v1/me/message-subscriptions", {
      results: [{ template: "hardship_progress", accepted: true }],
    });
    expect([consent.status, consent.body.counts.hardship_progress]).toEqual([200, 1]);
    const app = await me.api.post("/api/v1/me/hardship/applications", {
      accountId: h.account.id,
      category: "disabled",
      certificateNo: "CJ6207229999",
      terms: { kind: "deferral", months: 2 },
      contactPhone: "13912340000",
    });
    expect(app.status).toBe(201);
    const url = `/api/v1/staff/hardship/applications/${app.body.id}`;
    expect(
      (await community.api.post(`${url}/community-review`, { decision: "reject", reason: "证件已过期" })).status,
    ).toBe(200);
    const wechat = await until(async () => {
      const got = (await sandbox().get(`/sandbox/wechat/test/messages?touser=${openid}`)).body.messages as {
        templateId: string;
        data: Record<string, string>;
      }[];
      return got.length ? got : null;
    });
    expect(wechat).toHaveLength(1);
    expect(wechat[0]?.templateId).toBe(srv.deps.config.residentMessages.wechat.hardship_progress);
    expect(JSON.stringify(wechat[0]?.data)).toContain("未通过社区初审");
    const noSms = (await sandbox().get("/sandbox/sms/test/messages?phone=13912340000")).body.messages as unknown[];
    expect(noSms).toHaveLength(0);
  });

  it("a defaulted plan is paid bill by bill again, not by the plan", async () => {
    const h = household(2);
    const me = await residentLogin(srv.url);
    expect((await bindByName(me.api, h)).status).toBeLessThan(300);
    const { plan: p } = await approvedPlan(me, h.account.id);
    const row = await srv.deps.ds.getRepository(PaymentPlan).findOneByOrFail({ id: p.id });
    // a day long after the first instalment's grace period
    const late = `${Number(row.startDate.slice(0, 4)) + 1}${row.startDate.slice(4)}`;
    expect(await settlePlan(srv.deps, p.id, late)).toBe("defaulted");
    const before = await orders().countBy({ accountId: h.account.id });
    const res = await me.api.post("/api/v1/me/payments", { accountId: h.account.id, vendor: "wechat", planId: p.id });
    expect([res.status, res.body.error.code]).toEqual([409, "HARDSHIP_PLAN_NOT_PAYABLE"]);
    expect(await orders().countBy({ accountId: h.account.id })).toBe(before);
    expect(await srv.deps.ds.getRepository(Bill).countBy({ id: In(p.billIds), paidFen: 0 })).toBe(p.billIds.length);
  });
});

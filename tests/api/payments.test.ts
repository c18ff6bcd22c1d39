import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "@warmline/server/src/modules/audit";
import { Bill } from "@warmline/server/src/modules/billing";
import {
  LedgerEntry,
  PaymentAllocation,
  PaymentOrder,
  openBills,
  newOutTradeNo,
  settleVendorPayment,
} from "@warmline/server/src/modules/payments";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { bindByName, seedSmallCounty } from "../support/county";
import { residentLogin, staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";
import { seasonsWithBills } from "../support/billing";

let srv: TestServer;
let county: Awaited<ReturnType<typeof seedSmallCounty>>;
let cashier: Awaited<ReturnType<typeof staffLogin>>;

beforeAll(async () => {
  srv = await startTestServer();
  county = await seedSmallCounty(srv.deps, 60);
  await seasonsWithBills(srv.url, ["2025-2026", "2026-2027"]);
  cashier = await staffLogin(srv.url, "cashier", DEMO_PASSWORD);
});
afterAll(async () => srv?.close());

const billsOf = async (accountId: number) =>
  (await srv.deps.ds.getRepository(Bill).find({ where: { accountId }, relations: { season: true } })).sort((a, b) =>
    a.season!.startDate < b.season!.startDate ? -1 : 1,
  );

describe("offline payments (cashier desk)", () => {
  it("applies money to old arrears first, each bill's late fee before its principal, and the resident sees it", async () => {
    const h = county.households[0];
    const [old, current] = await openBills(srv.deps.ds, h.account.id);
    expect(old.seasonCode).toBe("2025-2026");
    const oldLateFee = old.owedFen - old.bill.amountFen;
    expect(oldLateFee).toBeGreaterThan(0);
    const currentLateFee = current.owedFen - current.bill.amountFen;
    const amount = old.owedFen + currentLateFee + 1_000; // all of last season, this season's late fee and 10 元
    const res = await cashier.api.post("/api/v1/staff/payments/offline", {
      accountId: h.account.id,
      method: "cash",
      amountFen: amount,
      receiptNo: "YH-2026-000123",
    });
    expect(res.status).toBe(201);
    expect(res.body.allocations).toEqual([
      { billId: old.bill.id, seasonCode: "2025-2026", principalFen: old.bill.amountFen, lateFeeFen: oldLateFee },
      {
        billId: current.bill.id,
        seasonCode: "2026-2027",
        principalFen: 1_000,
        lateFeeFen: currentLateFee,
      },
    ]);
    const [b1, b2] = await billsOf(h.account.id);
    expect(b1.status).toBe("paid");
    expect(b2.status).toBe("partial");
    expect(await srv.deps.ds.getRepository(LedgerEntry).countBy({ sourceType: "payment", sourceId: res.body.id })).toBe(
      1,
    );
    expect(
      await srv.deps.ds.getRepository(AuditLog).countBy({ action: "payment.offline", targetId: String(res.body.id) }),
    ).toBe(1);

    const me = await residentLogin(srv.url);
    await bindByName(me.api, h);
    const history = await me.api.get(`/api/v1/me/accounts/${h.account.id}/payments`);
    expect(history.body.items.map((p: { receiptNo: string }) => p.receiptNo)).toEqual(["YH-2026-000123"]);
    const bills = await me.api.get(`/api/v1/me/accounts/${h.account.id}/bills`);
    expect(bills.body.items[0]).toMatchObject({ seasonCode: "2025-2026", status: "paid", owedFen: 0 });
  });

  it("refuses to skip old arrears, to take more than is owed, and bad input", async () => {
    const h = county.households[1];
    const [old, current] = await openBills(srv.deps.ds, h.account.id);
    const skip = await cashier.api.post("/api/v1/staff/payments/offline", {
      accountId: h.account.id,
      method: "card",
      amountFen: 100,
      receiptNo: "R1",
      billIds: [current.bill.id],
    });
    expect(skip.status).toBe(400);
    expect(skip.body.error.code).toBe("ARREARS_FIRST");
    const over = await cashier.api.post("/api/v1/staff/payments/offline", {
      accountId: h.account.id,
      method: "card",
      amountFen: old.owedFen + current.owedFen + 1,
      receiptNo: "R2",
    });
    expect(over.status).toBe(400);
    expect(over.body.error.code).toBe("AMOUNT_EXCEEDS_OWED");
    const bad = await cashier.api.post("/api/v1/staff/payments/offline", {
      accountId: h.account.id,
      method: "bitcoin",
      amountFen: -1,
    });
    expect(bad.status).toBe(400);
    expect(await srv.deps.ds.getRepository(PaymentOrder).countBy({ accountId: h.account.id })).toBe(0);
  });

  it("lets grid workers record 代缴 only for special-group households", async () => {
    const grid = await staffLogin(srv.url, "grid_worker", DEMO_PASSWORD);
    const plain = county.rows.find((a) => a.hardshipCategory === "none" && a.status === "active" && a.id > 3)!;
    const special = county.rows.find((a) => a.hardshipCategory !== "none" && a.status !== "closed")!;
    const no = await grid.api.post("/api/v1/staff/payments/offline", {
      accountId: plain.id,
      method: "assisted",
      amountFen: 100,
      receiptNo: "G1",
    });
    expect(no.status).toBe(403);
    expect(no.body.error.code).toBe("ASSISTED_NOT_ELIGIBLE");
    const cash = await grid.api.post("/api/v1/staff/payments/offline", {
      accountId: special.id,
      method: "cash",
      amountFen: 100,
      receiptNo: "G2",
    });
    expect(cash.status).toBe(403);
    const ok = await grid.api.post("/api/v1/staff/payments/offline", {
      accountId: special.id,
      method: "assisted",
      amountFen: 100,
      receiptNo: "G3",
    });
    expect(ok.status).toBe(201);
    expect(ok.body.channel).toBe("assisted");
    const agent = await staffLogin(srv.url, "hotline_agent", DEMO_PASSWORD);
    expect(
      (
        await agent.api.post("/api/v1/staff/payments/offline", {
          accountId: special.id,
          method: "cash",
          amountFen: 100,
          receiptNo: "G4",
        })
      ).status,
    ).toBe(403);
    // an elderly person living alone (a special-group flag, no hardship category) may be paid for too
    const supervisor = await staffLogin(srv.url, "supervisor", DEMO_PASSWORD);
    const flagged = await supervisor.api.put(`/api/v1/staff/accounts/${plain.id}/hardship-flags`, {
      hardshipCategory: "none",
      specialGroups: ["elderly_alone"],
      reason: "网格员走访核实独居",
    });
    expect(flagged.status).toBe(200);
    const elderly = await grid.api.post("/api/v1/staff/payments/offline", {
      accountId: plain.id,
      method: "assisted",
      amountFen: 100,
      receiptNo: "G5",
    });
    expect(elderly.status).toBe(201);
    expect(elderly.body.channel).toBe("assisted");
  });
});

describe("settlement of vendor payments", () => {
  async function createdOrder(accountId: number, status: "created" | "closed" = "created") {
    const open = await openBills(srv.deps.ds, accountId);
    const total = open.reduce((s, o) => s + o.owedFen, 0);
    return srv.deps.ds.getRepository(PaymentOrder).save(
      srv.deps.ds.getRepository(PaymentOrder).create({
        outTradeNo: newOutTradeNo(),
        accountId,
        residentUserId: null,
        staffUserId: null,
        channel: "wechat",
        amountFen: total,
        refundedFen: 0,
        status,
        billIds: open.map((o) => o.bill.id),
        vendorRef: null,
        transactionId: null,
        receiptNo: null,
        expireAt: new Date(Date.now() + 3600_000),
        paidAt: null,
        flagged: false,
        flagReason: null,
        unappliedFen: 0,
      }),
    );
  }

  it("50 concurrent confirmations of one payment settle it once: one ledger entry, bills paid once", async () => {
    const order = await createdOrder(county.households[2].account.id);
    const paid = {
      vendor: "wechat" as const,
      transactionId: "4200000000202611270000000001",
      amountFen: order.amountFen,
      paidAt: new Date(),
    };
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, () => srv.deps.ds.transaction((m) => settleVendorPayment(m, order.outTradeNo, paid))),
    );
    const counts: Record<string, number> = {};
    for (const o of outcomes) counts[o.outcome] = (counts[o.outcome] ?? 0) + 1;
    expect(counts).toEqual({ settled: 1, replay: 49 });
    expect(await srv.deps.ds.getRepository(LedgerEntry).countBy({ sourceType: "payment", sourceId: order.id })).toBe(1);
    expect(await srv.deps.ds.getRepository(PaymentAllocation).countBy({ paymentOrderId: order.id })).toBe(
      order.billIds.length,
    );
    const bills = await billsOf(county.households[2].account.id);
    for (const b of bills) {
      expect(b.status).toBe("paid");
      expect(b.paidFen).toBe(b.amountFen);
    }
  });

  it("a wrong amount applies nothing; money for a closed order is kept and flagged", async () => {
    const account = county.rows.find((a) => a.id > 10 && a.status === "active")!;
    const order = await createdOrder(account.id);
    const wrong = await srv.deps.ds.transaction((m) =>
      settleVendorPayment(m, order.outTradeNo, {
        vendor: "wechat",
        transactionId: "T-wrong",
        amountFen: order.amountFen - 1,
        paidAt: new Date(),
      }),
    );
    expect(wrong.outcome).toBe("amount_mismatch");
    expect((await srv.deps.ds.getRepository(PaymentOrder).findOneByOrFail({ id: order.id })).status).toBe("created");
    expect(await srv.deps.ds.getRepository(LedgerEntry).countBy({ sourceId: order.id })).toBe(0);

    await srv.deps.ds.getRepository(PaymentOrder).update({ id: order.id }, { status: "closed" });
    const late = await srv.deps.ds.transaction((m) =>
      settleVendorPayment(m, order.outTradeNo, {
        vendor: "wechat",
        transactionId: "T-late",
        amountFen: order.amountFen,
        paidAt: new Date(),
      }),
    );
    expect(late.outcome).toBe("flagged");
    const saved = await srv.deps.ds.getRepository(PaymentOrder).findOneByOrFail({ id: order.id });
    expect(saved).toMatchObject({
      status: "paid",
      flagged: true,
      unappliedFen: order.amountFen,
      transactionId: "T-late",
    });
    expect(await srv.deps.ds.getRepository(LedgerEntry).countBy({ sourceId: order.id })).toBe(1);
    for (const b of await billsOf(account.id)) expect(b.paidFen).toBe(0);
    const unknown = await srv.deps.ds.transaction((m) =>
      settleVendorPayment(m, "WL-nope", { vendor: "wechat", transactionId: "T-x", amountFen: 1, paidAt: new Date() }),
    );
    expect(unknown.outcome).toBe("unknown_order");
  });
});

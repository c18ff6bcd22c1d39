/**
 * Helpers for service-level tests of money (settlement, refunds) on the embedded SQLite of `sqliteDeps()`:
 * seasons, accounts with bills, payment orders as the vendor flow leaves them, a staff request context,
 * the outbox rows a change wrote, and a fake payment vendor (a stand-in for WeChat Pay / Alipay, not for
 * our database or queue) that records what it was asked and answers as told.
 *
 * Amounts and dates are given explicitly so a test can work its expected numbers out by hand.
 */
import type { StaffRole } from "@warmline/shared";
import type { Context } from "koa";
import type { DataSource } from "typeorm";
import type {
  BillRow,
  CreatedTrade,
  PaymentVendor,
  PaymentVendorClient,
  RefundInput,
  RefundResult,
  VendorTrade,
  VerifiedNotification,
} from "../integrations/payments";
import { OutboxJob } from "../jobs/entities";
import { HeatingAccount } from "../modules/accounts";
import { Bill, HeatingSeason } from "../modules/billing";
import { newOutTradeNo, PaymentOrder } from "../modules/payments";
import type { SmallCounty } from "./sqliteDeps";

/** A heating season with a late fee of 万分之五 a day (5 bp), capped at the bill amount, unless told otherwise. */
export async function addSeason(
  ds: DataSource,
  s: Pick<HeatingSeason, "code" | "startDate" | "endDate" | "dueDate"> &
    Partial<Pick<HeatingSeason, "lateFeeRateBp" | "lateFeeCapBp">>,
): Promise<HeatingSeason> {
  return ds.getRepository(HeatingSeason).save({ lateFeeRateBp: 5, lateFeeCapBp: 10_000, status: "open", ...s });
}

let accountSeq = 0;

/**
 * A new residential account in the seeded community with one unpaid bill per entry, inserted in the order
 * given (so a test can give a newer season's bill the lower id). The bill's due date is its season's.
 */
export async function accountWithBills(
  ds: DataSource,
  county: SmallCounty,
  bills: { season: HeatingSeason; amountFen: number }[],
  account: Partial<HeatingAccount> = {},
): Promise<{ account: HeatingAccount; bills: Bill[] }> {
  accountSeq += 1;
  const a = await ds.getRepository(HeatingAccount).save({
    accountNo: `20${String(accountSeq).padStart(8, "0")}`,
    communityId: county.community.id,
    buildingId: county.building.id,
    unit: "1",
    room: String(100 + accountSeq),
    address: `民乐县城关镇新华路 8 号 1 单元 ${100 + accountSeq}`,
    heatedArea: 10_000,
    category: "residential",
    ownerName: "李秀英",
    phoneEnc: null,
    phoneBidx: null,
    idNumberEnc: null,
    idNumberBidx: null,
    hardshipCategory: "none",
    status: "active",
    ...account,
  });
  const saved: Bill[] = [];
  for (const b of bills) {
    saved.push(
      await ds.getRepository(Bill).save({
        accountId: a.id,
        seasonId: b.season.id,
        category: "residential",
        heatedArea: a.heatedArea,
        unitPriceFen: 0,
        suspended: false,
        amountFen: b.amountFen,
        paidFen: 0,
        waivedFen: 0,
        lateFeeAccruedFen: 0,
        lateFeePaidFen: 0,
        lateFeeWaivedFen: 0,
        lateFeeAccruedUntil: null,
        lateFeeExempt: false,
        dueDate: b.season.dueDate,
        status: "unpaid",
      }),
    );
  }
  return { account: a, bills: saved };
}

/** An online payment order as createOnlinePayment leaves it: created, waiting for the vendor's money. */
export async function addOrder(
  ds: DataSource,
  o: { accountId: number; billIds: number[]; amountFen: number } & Partial<PaymentOrder>,
): Promise<PaymentOrder> {
  const repo = ds.getRepository(PaymentOrder);
  return repo.save(
    repo.create({
      outTradeNo: newOutTradeNo(),
      residentUserId: null,
      staffUserId: null,
      channel: "wechat",
      refundedFen: 0,
      status: "created",
      vendorRef: null,
      transactionId: null,
      receiptNo: null,
      expireAt: null,
      paidAt: null,
      flagged: false,
      flagReason: null,
      unappliedFen: 0,
      invoiceBuyer: null,
      ...o,
    }),
  );
}

/** The request context of a signed-in staff user, as the auth middleware leaves it (what services read of it). */
export function staffContext(staffId: number, roles: StaffRole[]): Context {
  const ctx: Pick<Context, "state" | "ip"> = {
    state: { auth: { kind: "staff", id: staffId, roles }, requestId: "unit-test" },
    ip: "127.0.0.1",
  };
  return ctx as Context;
}

/** The outbox rows of one job name, oldest first, with their payloads parsed. */
export async function outboxRows(
  ds: DataSource,
  jobName: string,
): Promise<(OutboxJob & { data: Record<string, unknown> })[]> {
  const rows = await ds.getRepository(OutboxJob).find({ where: { jobName }, order: { id: "ASC" } });
  return rows.map((r) => Object.assign(r, { data: JSON.parse(r.payload) as Record<string, unknown> }));
}

/** What the fake vendor does with the next refund request: answer with a status, or throw this error. */
export type FakeRefundAnswer = RefundResult["status"] | Error;

/**
 * A payment vendor that answers refund requests from a script (default: SUCCESS) and records every request.
 * Anything else a test did not expect to reach the vendor throws.
 */
export class FakePaymentVendor implements PaymentVendorClient {
  readonly refunds: RefundInput[] = [];
  private readonly script: FakeRefundAnswer[] = [];

  constructor(readonly vendor: PaymentVendor = "wechat") {}

  /** the answers to the next refund requests, in order; when they run out the vendor answers SUCCESS */
  answer(...answers: FakeRefundAnswer[]): this {
    this.script.push(...answers);
    return this;
  }

  async refund(input: RefundInput): Promise<RefundResult> {
    this.refunds.push(input);
    const next = this.script.shift() ?? "SUCCESS";
    if (next instanceof Error) throw next;
    // the vendor keeps a refund number unique: its refund id follows from our number
    return { refundId: `fake-${input.outRefundNo}`, status: next, raw: { fake: true } };
  }

  async createTrade(): Promise<CreatedTrade> {
    throw new Error("FakePaymentVendor: createTrade not expected");
  }
  async queryTrade(): Promise<VendorTrade | null> {
    throw new Error("FakePaymentVendor: queryTrade not expected");
  }
  async closeTrade(): Promise<void> {
    throw new Error("FakePaymentVendor: closeTrade not expected");
  }
  async downloadBill(): Promise<BillRow[]> {
    throw new Error("FakePaymentVendor: downloadBill not expected");
  }
  async verifyNotification(): Promise<VerifiedNotification> {
    throw new Error("FakePaymentVendor: verifyNotification not expected");
  }
  notificationAnswer(ok: boolean): { status: number; type: string; body: string } {
    return { status: ok ? 200 : 500, type: "application/json", body: "{}" };
  }
}

/** The two seasons the payment tests work with: 2025-2026 and 2026-2027, due the day before each starts. */
export async function paymentSeasons(ds: DataSource): Promise<{ s2025: HeatingSeason; s2026: HeatingSeason }> {
  const s2025 = await addSeason(ds, {
    code: "2025-2026",
    startDate: "2025-10-15",
    endDate: "2026-04-15",
    dueDate: "2025-10-14",
  });
  const s2026 = await addSeason(ds, {
    code: "2026-2027",
    startDate: "2026-10-15",
    endDate: "2027-04-15",
    dueDate: "2026-10-14",
  });
  return { s2025, s2026 };
}

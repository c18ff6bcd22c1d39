import { addDays, seasonCodeFor, shanghaiDate, shanghaiMidnight } from "@warmline/shared";
import type { DataSource } from "typeorm";
import { BillRun, generateSeasonBills, createSeason } from "../modules/billing";
import { PaymentOrder, openBills, applyToBills, newOutTradeNo, writeLedger, requestInvoice } from "../modules/payments";
import { DEMO_HOUSEHOLDS } from "./demo";
import { rng } from "./random";

const DEMO_TARIFFS = [
  { category: "residential" as const, unitPriceFen: 2_160, suspensionShareBp: 3_000 },
  { category: "non_residential" as const, unitPriceFen: 2_900, suspensionShareBp: 3_000 },
  { category: "public_institution" as const, unitPriceFen: 2_600, suspensionShareBp: 3_000 },
];

/**
 * The demo's money: last season and the current one with their bills; last season mostly paid (a few
 * households in arrears), the current one partly paid, through the same settlement code as real payments
 * (bank-window and online channels, paid on realistic dates).
 */
export async function seedDemoBilling(ds: DataSource, today = shanghaiDate(new Date())): Promise<void> {
  const r = rng(7);
  const current = seasonCodeFor(today);
  const startYear = Number(current.slice(0, 4));
  const previous = `${startYear - 1}-${startYear}`;
  const shares: [string, number][] = [
    [previous, 0.95],
    [current, 0.55],
  ];
  for (const [code, paidShare] of shares) {
    const season = await createSeason(ds, { code, lateFeeRateBp: 5, lateFeeCapBp: 10_000, tariffs: DEMO_TARIFFS });
    const run = await ds.getRepository(BillRun).save({ seasonId: season.id, status: "queued", requestedBy: null });
    await generateSeasonBills(ds, run.id);
    const bills = await ds.query(
      `SELECT id, account_id AS accountId FROM bills WHERE season_id = ${Number(season.id)} ORDER BY id`,
    );
    for (const { accountId } of bills as { accountId: number }[]) {
      // the fixed demo households (README) keep their bills open so the pay flow can be tried on them
      if (accountId <= DEMO_HOUSEHOLDS.length || !r.chance(paidShare)) continue;
      // paid between 20 days before the season and 25 days into it, never after today
      const day = addDays(season.startDate, r.int(-20, 25));
      const paidAt = new Date(shanghaiMidnight([day, today].sort()[0]).getTime() + r.int(8, 18) * 3600_000);
      await ds.transaction(async (m) => {
        const open = (await openBills(m, accountId, shanghaiDate(paidAt))).filter((o) => o.bill.seasonId === season.id);
        if (!open.length) return;
        const order = await m.getRepository(PaymentOrder).save(
          m.getRepository(PaymentOrder).create({
            outTradeNo: newOutTradeNo(paidAt),
            accountId,
            residentUserId: null,
            staffUserId: null,
            channel: r.pick(["wechat", "wechat", "alipay", "cash", "card", "transfer"] as const),
            amountFen: open[0].owedFen,
            refundedFen: 0,
            status: "paid",
            billIds: [open[0].bill.id],
            vendorRef: null,
            transactionId: null,
            receiptNo: null,
            expireAt: null,
            paidAt,
            flagged: false,
            flagReason: null,
            unappliedFen: 0,
          }),
        );
        await applyToBills(m, order, order.amountFen, paidAt);
        await m.getRepository(PaymentOrder).save(order);
        await writeLedger(m, order, paidAt);
      });
    }
  }
  // e-invoices for the newest demo payments, requested through the normal job (the sandbox platform
  // issues them once the server is up); older demo payments stay without one to keep the start quick
  const recent = (await ds.query(
    "SELECT id FROM payment_orders WHERE status = 'paid' ORDER BY paid_at DESC, id DESC LIMIT 40",
  )) as { id: number }[];
  for (const { id } of recent) await requestInvoice(ds.manager, Number(id));
}

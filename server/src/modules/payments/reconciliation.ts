import { addDays, type ReconRunView, shanghaiDate, shanghaiMidnight } from "@warmline/shared";
import { Between, type DataSource } from "typeorm";
import { z } from "zod";
import type { Deps } from "../../deps";
import type { BillRow, PaymentVendor } from "../../integrations/payments";
import { enqueue } from "../../jobs/outbox";
import { defineJob } from "../../jobs/registry";
import { PaymentOrder, ReconItem, ReconRun } from "./entities";
import { settleVendorPayment } from "./settlement";

export async function startRecon(ds: DataSource, vendor: PaymentVendor, date: string): Promise<ReconRun> {
  return ds.transaction(async (m) => {
    const run = await m
      .getRepository(ReconRun)
      .save(m.getRepository(ReconRun).create({ vendor, date, status: "queued" }));
    await enqueue(m, "payments.reconcile", { runId: run.id }, { dedupeKey: `recon:${run.id}` });
    return run;
  });
}

/**
 * 对账: the vendor's bill for one business date against the orders we have as paid that day. Three sets:
 * paid at the vendor but not here (settled automatically through the normal settlement when the order
 * exists), here but not at the vendor, and amount mismatches (both left flagged for staff).
 */
export async function reconcile(deps: Deps, runId: number): Promise<ReconRun> {
  const { ds } = deps;
  const runs = ds.getRepository(ReconRun);
  const run = await runs.findOneByOrFail({ id: runId });
  if (run.status === "done") return run;
  await runs.update({ id: runId }, { status: "running", error: null });
  await ds.getRepository(ReconItem).delete({ runId }); // a retried run starts its item list again
  const client = deps.payments[run.vendor];
  if (!client) throw new Error(`no ${run.vendor} client`);
  const vendorRows = (await client.downloadBill(run.date)).filter((r: BillRow) => r.state === "PAID");
  const from = shanghaiMidnight(run.date);
  const to = new Date(shanghaiMidnight(addDays(run.date, 1)).getTime() - 1);
  const ours = await ds
    .getRepository(PaymentOrder)
    .find({ where: { channel: run.vendor, status: "paid", paidAt: Between(from, to) } });
  const oursByNo = new Map(ours.map((o) => [o.outTradeNo, o]));
  const vendorNos = new Set(vendorRows.map((r) => r.outTradeNo));
  const items: Partial<ReconItem>[] = [];
  let matched = 0;
  for (const row of vendorRows) {
    // only this vendor's orders: a row naming an order of the other channel is "not here" (flagged for staff)
    let order =
      oursByNo.get(row.outTradeNo) ??
      (await ds.getRepository(PaymentOrder).findOneBy({ outTradeNo: row.outTradeNo, channel: run.vendor }));
    if (order && order.status === "paid") {
      if (order.amountFen === row.amountFen) matched++;
      else
        items.push({
          kind: "amount_mismatch",
          outTradeNo: row.outTradeNo,
          transactionId: row.transactionId,
          vendorAmountFen: row.amountFen,
          ourAmountFen: order.amountFen,
          resolution: "flagged",
          note: null,
        });
      continue;
    }
    // paid at the vendor, not here
    let resolution: "auto_settled" | "flagged" = "flagged";
    let note: string | null = "本系统无此订单";
    if (order) {
      const res = await ds.transaction((m) =>
        settleVendorPayment(m, row.outTradeNo, {
          vendor: run.vendor,
          transactionId: row.transactionId,
          amountFen: row.amountFen,
          paidAt: row.at,
        }),
      );
      order = res.order;
      if (res.outcome === "settled" || res.outcome === "flagged") {
        resolution = "auto_settled";
        note = res.outcome === "flagged" ? "已补记入账，款项到账时订单已关闭，待人工处理" : "已按渠道账单补记入账";
      } else note = `未能补记：${res.outcome}`;
    }
    items.push({
      kind: "missing_here",
      outTradeNo: row.outTradeNo,
      transactionId: row.transactionId,
      vendorAmountFen: row.amountFen,
      ourAmountFen: order?.amountFen ?? null,
      resolution,
      note,
    });
  }
  for (const o of ours) {
    if (vendorNos.has(o.outTradeNo)) continue;
    items.push({
      kind: "missing_there",
      outTradeNo: o.outTradeNo,
      transactionId: o.transactionId,
      vendorAmountFen: null,
      ourAmountFen: o.amountFen,
      resolution: "flagged",
      note: "渠道账单无此笔，请核实",
    });
  }
  if (items.length) await ds.getRepository(ReconItem).insert(items.map((i) => ({ ...i, runId })));
  await runs.update(
    { id: runId },
    {
      status: "done",
      vendorCount: vendorRows.length,
      ourCount: ours.length,
      matched,
      missingHere: items.filter((i) => i.kind === "missing_here").length,
      missingThere: items.filter((i) => i.kind === "missing_there").length,
      amountMismatch: items.filter((i) => i.kind === "amount_mismatch").length,
      finishedAt: new Date(),
    },
  );
  return runs.findOneByOrFail({ id: runId });
}

export async function presentRecon(ds: DataSource, run: ReconRun, withItems = true): Promise<ReconRunView> {
  const items = withItems
    ? await ds.getRepository(ReconItem).find({ where: { runId: run.id }, order: { id: "ASC" } })
    : [];
  return {
    id: run.id,
    vendor: run.vendor,
    date: run.date,
    status: run.status,
    vendorCount: run.vendorCount,
    ourCount: run.ourCount,
    matched: run.matched,
    missingHere: run.missingHere,
    missingThere: run.missingThere,
    amountMismatch: run.amountMismatch,
    error: run.error,
    createdAt: run.createdAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    items: items.map((i) => ({
      id: i.id,
      kind: i.kind,
      outTradeNo: i.outTradeNo,
      transactionId: i.transactionId,
      vendorAmountFen: i.vendorAmountFen,
      ourAmountFen: i.ourAmountFen,
      resolution: i.resolution,
      note: i.note,
    })),
  };
}

export function reconcileJob(deps: () => Deps) {
  return defineJob({
    name: "payments.reconcile",
    schema: z.object({ runId: z.number().int().positive() }),
    maxAttempts: 5,
    async handle({ runId }, { ds, attempt }) {
      try {
        await reconcile(deps(), runId);
      } catch (err) {
        await ds
          .getRepository(ReconRun)
          .update(
            { id: runId },
            { status: attempt >= 5 ? "failed" : "queued", error: (err as Error).message.slice(0, 500) },
          );
        throw err;
      }
    },
  });
}

/** 02:00 Asia/Shanghai of the day after `date` */
function dailyAt(date: string): number {
  return shanghaiMidnight(addDays(date, 1)).getTime() + 2 * 3600_000;
}

/**
 * The daily reconciliation: at 02:00 each day, a run per vendor for the day before, then the next day's
 * job is queued. The dedupe key makes scheduling idempotent across processes and restarts.
 */
export function reconcileDailyJob(deps: () => Deps) {
  return defineJob({
    name: "payments.reconcile_daily",
    schema: z.object({ date: z.string() }),
    async handle({ date }, { ds }) {
      for (const vendor of Object.keys(deps().payments) as PaymentVendor[]) await startRecon(ds, vendor, date);
      deps().jobs.kick();
      await scheduleDailyRecon(ds, addDays(date, 1));
    },
  });
}

export async function scheduleDailyRecon(ds: DataSource, date = addDays(shanghaiDate(new Date()), -1)): Promise<void> {
  await ds.transaction((m) =>
    enqueue(
      m,
      "payments.reconcile_daily",
      { date },
      { dedupeKey: `recon_daily:${date}`, delayMs: Math.max(0, dailyAt(date) - Date.now()) },
    ),
  );
}

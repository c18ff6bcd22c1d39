import type Router from "@koa/router";
import {
  formatYuan,
  HARDSHIP_APP_STATUS_LABELS,
  HARDSHIP_APP_STATUSES,
  HARDSHIP_PLAN_STATUS_LABELS,
  HARDSHIP_PLAN_STATUSES,
  HARDSHIP_SUMMARY_ROLES,
  type HardshipSummary,
  shanghaiDate,
} from "@warmline/shared";
import type { Context } from "koa";
import type { Deps } from "../../deps";
import { authenticateRequest, requireAuth } from "../../http/auth";
import { API_PREFIX } from "../../http/route";
import { audit } from "../audit";
import { HardshipApplication, PaymentPlan } from "./entities";
import { paidSinceStart } from "./service";

export const SUMMARY_CSV_PATH = `${API_PREFIX}/staff/hardship/summary.csv`;

/** Applications by state; plans by state with principal and waived late fees; what active plans still owe. */
export async function hardshipSummary(deps: Pick<Deps, "ds">, at = new Date()): Promise<HardshipSummary> {
  const asOf = shanghaiDate(at);
  const apps = await deps.ds
    .getRepository(HardshipApplication)
    .createQueryBuilder("h")
    .select("h.status", "status")
    .addSelect("COUNT(*)", "n")
    .groupBy("h.status")
    .getRawMany<{ status: string; n: string | number }>();
  const applications = Object.fromEntries(HARDSHIP_APP_STATUSES.map((s) => [s, 0])) as HardshipSummary["applications"];
  for (const r of apps) applications[r.status as keyof typeof applications] = Number(r.n);
  const plans = Object.fromEntries(
    HARDSHIP_PLAN_STATUSES.map((s) => [s, { count: 0, principalFen: 0, lateFeeWaivedFen: 0 }]),
  ) as HardshipSummary["plans"];
  let outstandingFen = 0;
  for (const p of await deps.ds.getRepository(PaymentPlan).find()) {
    const row = plans[p.status];
    row.count += 1;
    row.principalFen += p.principalFen;
    row.lateFeeWaivedFen += p.lateFeeWaivedFen;
    if (p.status === "active") {
      outstandingFen += Math.max(0, p.principalFen - (await paidSinceStart(deps.ds.manager, p, asOf)));
    }
  }
  return { applications, plans, outstandingFen, asOf };
}

const cell = (v: string | number) => {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** The summary as CSV (UTF-8 with BOM, so Excel reads the Chinese). */
export function summaryCsv(s: HardshipSummary): string {
  const rows: (string | number)[][] = [
    ["困难缓缴/分期汇总", `截至 ${s.asOf}`],
    [],
    ["申请状态", "件数"],
    ...HARDSHIP_APP_STATUSES.map((k) => [HARDSHIP_APP_STATUS_LABELS[k], s.applications[k]]),
    [],
    ["计划状态", "户数", "本金（元）", "已免滞纳金（元）"],
    ...HARDSHIP_PLAN_STATUSES.map((k) => [
      HARDSHIP_PLAN_STATUS_LABELS[k],
      s.plans[k].count,
      formatYuan(s.plans[k].principalFen).replace("¥", ""),
      formatYuan(s.plans[k].lateFeeWaivedFen).replace("¥", ""),
    ]),
    [],
    ["执行中计划待缴本金（元）", formatYuan(s.outstandingFen).replace("¥", "")],
  ];
  return `\ufeff${rows.map((r) => r.map(cell).join(",")).join("\r\n")}\r\n`;
}

/** GET /api/v1/staff/hardship/summary.csv: the export (audited). */
export function mountSummaryExport(router: Router, deps: Deps): void {
  router.get(SUMMARY_CSV_PATH, async (ctx: Context) => {
    await authenticateRequest(deps.tokens, ctx);
    requireAuth(ctx, "staff", HARDSHIP_SUMMARY_ROLES);
    const summary = await hardshipSummary(deps);
    await audit(deps.ds, ctx, {
      action: "report.export",
      targetType: "report",
      targetId: "hardship-summary",
      details: { to: summary.asOf, format: "csv" },
    });
    const name = `困难缓缴分期汇总_${summary.asOf}.csv`;
    ctx.status = 200;
    ctx.type = "text/csv; charset=utf-8";
    ctx.set(
      "Content-Disposition",
      `attachment; filename="hardship-summary_${summary.asOf}.csv"; filename*=UTF-8''${encodeURIComponent(name)}`,
    );
    ctx.set("Cache-Control", "no-store");
    ctx.body = summaryCsv(summary);
  });
}

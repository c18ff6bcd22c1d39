import {
  addDays,
  type BizDate,
  type ComplianceCase,
  deadlineCompliance,
  LEGAL_CASE_STATE_LABELS,
  LEGAL_CASE_STATES,
  LEGAL_DESK_ROLES,
  LEGAL_OUTCOME_LABELS,
  LEGAL_OUTCOMES,
  type LegalOutcome,
  type LegalReportQuery,
  LegalReportQuerySchema,
  LegalReportSchema,
  type LegalReportView,
  seasonCalendar,
  shanghaiDate,
  shanghaiMidnight,
} from "@warmline/shared";
import { type DataSource, In, IsNull, Not } from "typeorm";
import type { Deps } from "../../deps";
import { route } from "../../http/route";
import { PaymentOrder } from "../payments";
import { LegalCase } from "./entities";

/** the opening-date range of a query: from/to as given, or a season's business year (10-15 … next 10-14) */
export function reportRange(q: LegalReportQuery): { from: BizDate | null; to: BizDate | null } {
  if (q.season) {
    const y = Number(q.season.slice(0, 4));
    return {
      from: seasonCalendar(q.season).startDate,
      to: addDays(seasonCalendar(`${y + 1}-${y + 2}`).startDate, -1),
    };
  }
  return { from: q.from ?? null, to: q.to ?? null };
}

/**
 * 法务报表 over the cases opened in the range: cases by state; deadline compliance on the stored deadlines
 * (提交法院 within the working days: filed on or before submit_due; 启动诉讼: registered on or before
 * litigate_due — n / N by shared deadlineCompliance); amounts recovered: payments on each case's account
 * since the case was opened (paid, refunds deducted), split by the case's outcome ("open" while open).
 */
export async function legalReport(ds: DataSource, q: LegalReportQuery, now = new Date()): Promise<LegalReportView> {
  const { from, to } = reportRange(q);
  const qb = ds.getRepository(LegalCase).createQueryBuilder("c");
  if (from) qb.andWhere("c.created_at >= :from", { from: shanghaiMidnight(from) });
  if (to) qb.andWhere("c.created_at < :to", { to: shanghaiMidnight(addDays(to, 1)) });
  const cases = await qb.orderBy("c.id", "ASC").getMany();
  const today = shanghaiDate(now);

  const byState = LEGAL_CASE_STATES.map((state) => ({
    state,
    label: LEGAL_CASE_STATE_LABELS[state],
    count: cases.filter((c) => c.state === state).length,
  }));
  const compliance: ComplianceCase[] = cases.map((c) => ({
    state: c.state,
    approvedOn: c.approvedOn,
    submitDue: c.submitDue,
    litigateDue: c.litigateDue,
    filedOn: c.filedOn,
    registeredOn: c.registeredOn,
    closedOn: c.closedAt ? shanghaiDate(c.closedAt) : null,
  }));

  // payments since opening, per case (one query over the cases' accounts, matched by opening instant)
  const recoveredOf = new Map<number, number>();
  const accountIds = [...new Set(cases.map((c) => c.accountId))];
  if (accountIds.length) {
    const pays: Pick<PaymentOrder, "accountId" | "amountFen" | "refundedFen" | "paidAt">[] = [];
    for (let i = 0; i < accountIds.length; i += 500) {
      pays.push(
        ...(await ds.getRepository(PaymentOrder).find({
          select: { id: true, accountId: true, amountFen: true, refundedFen: true, paidAt: true },
          where: { accountId: In(accountIds.slice(i, i + 500)), paidAt: Not(IsNull()) },
        })),
      );
    }
    for (const c of cases) {
      let sum = 0;
      for (const p of pays) {
        if (p.accountId === c.accountId && p.paidAt && p.paidAt >= c.createdAt) sum += p.amountFen - p.refundedFen;
      }
      recoveredOf.set(c.id, sum);
    }
  }
  const groups: (LegalOutcome | "open")[] = [...LEGAL_OUTCOMES, "open"];
  const byOutcome = groups.map((outcome) => {
    const of = cases.filter((c) => (c.state === "closed" ? c.outcome : "open") === outcome);
    return {
      outcome,
      label: outcome === "open" ? "未结案" : LEGAL_OUTCOME_LABELS[outcome],
      cases: of.length,
      owedFen: of.reduce((s, c) => s + c.owedFen, 0),
      recoveredFen: of.reduce((s, c) => s + (recoveredOf.get(c.id) ?? 0), 0),
    };
  });
  return {
    from,
    to,
    season: q.season ?? null,
    totalCases: cases.length,
    byState,
    submit: deadlineCompliance(compliance, "submit", today),
    litigate: deadlineCompliance(compliance, "litigate", today),
    recovered: {
      totalFen: byOutcome.reduce((s, g) => s + g.recoveredFen, 0),
      owedFen: byOutcome.reduce((s, g) => s + g.owedFen, 0),
      byOutcome,
    },
    generatedAt: now.toISOString(),
  };
}

export function legalReportRoutes(deps: Deps) {
  return [
    route({
      method: "get",
      path: "/staff/legal/reports",
      summary: "法务报表：案件状态分布、期限达标率（5个工作日内提交法院、7日内启动诉讼）、追回金额",
      tags: ["legal"],
      auth: "staff",
      roles: LEGAL_DESK_ROLES,
      query: LegalReportQuerySchema,
      response: LegalReportSchema,
      errors: [400],
      async handler({ query }) {
        return legalReport(deps.ds, query);
      },
    }),
  ];
}

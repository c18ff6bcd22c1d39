import {
  hardshipStatusOf,
  type HardshipStatus,
  OPEN_HARDSHIP_APP_STATUSES,
  planStanding,
  shanghaiDate,
} from "@warmline/shared";
import { type DataSource, In } from "typeorm";
import type { Deps } from "../../deps";
import { HardshipApplication, PaymentPlan, PlanInstalment } from "./entities";
import { presentApplications } from "./present";
import { paidSinceStart } from "./service";

export interface QueueQuery {
  page: number;
  pageSize: number;
  status?: HardshipApplication["status"];
  communityId?: number;
  category?: HardshipApplication["category"];
  minWaitDays?: number;
  accountId?: number;
  /** the viewer's community scope (scope.ts): null or absent = every community */
  scopeCommunityId?: number | null;
}

/** The review queues: filtered, longest waiting first; counts of both queues (same filters but status). */
export async function searchApplications(deps: Pick<Deps, "ds" | "vault">, q: QueueQuery, now = new Date()) {
  const base = () => {
    const qb = deps.ds.getRepository(HardshipApplication).createQueryBuilder("h");
    if (q.scopeCommunityId != null) qb.andWhere("h.community_id = :scope", { scope: q.scopeCommunityId });
    if (q.communityId) qb.andWhere("h.community_id = :c", { c: q.communityId });
    if (q.category) qb.andWhere("h.category = :cat", { cat: q.category });
    if (q.accountId) qb.andWhere("h.account_id = :acc", { acc: q.accountId });
    if (q.minWaitDays !== undefined && q.minWaitDays > 0) {
      qb.andWhere("h.waiting_since <= :since", { since: new Date(now.getTime() - q.minWaitDays * 86_400_000) });
    }
    return qb;
  };
  const list = base();
  if (q.status) list.andWhere("h.status = :s", { s: q.status });
  const [rows, total] = await list
    .orderBy("CASE WHEN h.waiting_since IS NULL THEN 1 ELSE 0 END", "ASC")
    .addOrderBy("h.waiting_since", "ASC")
    .addOrderBy("h.id", "DESC")
    .skip((q.page - 1) * q.pageSize)
    .take(q.pageSize)
    .getManyAndCount();
  const counted = await base()
    .select("h.status", "status")
    .addSelect("COUNT(*)", "n")
    .andWhere("h.status IN (:...open)", { open: [...OPEN_HARDSHIP_APP_STATUSES] })
    .groupBy("h.status")
    .getRawMany<{ status: string; n: number | string }>();
  const counts = { pending_community: 0, pending_center: 0 };
  for (const r of counted) counts[r.status as keyof typeof counts] = Number(r.n);
  return { items: await presentApplications(deps, rows), total, page: q.page, pageSize: q.pageSize, counts };
}

/**
 * hardshipStatus(accountId, at): how other modules must treat a household on the date of `at` —
 * "applying" (an application waits for review), "plan_active" / "deferred" (an approved plan in good
 * standing), "defaulted" (its newest plan defaulted: unpaid after the grace period, whether or not the
 * daily job has marked it yet) or "none". Arrears reminders are softened and legal escalation is refused
 * for applying, plan_active and deferred (HARDSHIP_PROTECTED).
 */
export async function hardshipStatus(
  ds: DataSource,
  accountId: number,
  at: Date = new Date(),
): Promise<HardshipStatus> {
  const open = await ds
    .getRepository(HardshipApplication)
    .countBy({ accountId, status: In([...OPEN_HARDSHIP_APP_STATUSES]) });
  const plan = await ds.getRepository(PaymentPlan).findOne({ where: { accountId }, order: { id: "DESC" } });
  if (!plan) return hardshipStatusOf(open > 0, null);
  let status = plan.status;
  if (status === "active") {
    const asOf = shanghaiDate(at);
    const instalments = await ds
      .getRepository(PlanInstalment)
      .find({ where: { planId: plan.id }, order: { seq: "ASC" } });
    status = planStanding(instalments, await paidSinceStart(ds.manager, plan, asOf), asOf, plan.graceDays).status;
  }
  return hardshipStatusOf(open > 0, { kind: plan.kind, status });
}

import { addDays, type HardshipAppCategory, type HardshipTerms, shanghaiDate } from "@warmline/shared";
import type { Context } from "koa";
import type { Deps } from "../deps";
import { Bill } from "../modules/billing";
import {
  centerReview,
  communityReview,
  createApplication,
  HardshipApplication,
  PaymentPlan,
  PlanInstalment,
  settlePlan,
  withdrawApplication,
} from "../modules/hardship";
import { StaffUser } from "../modules/staff";
import { DEMO_HOUSEHOLDS } from "./demo";

/**
 * Demo hardship applications in every state (待初审 — one of them waiting 4 days —, 待复核, approved with an
 * instalment plan and with a deferral, a defaulted plan, rejected, withdrawn), on households with unpaid
 * bills other than the fixed demo households (whose bills the README's payment walk-through uses).
 */
export async function seedDemoHardship(deps: Deps): Promise<number> {
  const staff = async (username: string) => {
    const u = await deps.ds.getRepository(StaffUser).findOneOrFail({ where: { username }, relations: { roles: true } });
    return {
      state: { auth: { kind: "staff", id: u.id, roles: (u.roles ?? []).map((r) => r.role) } },
      ip: "",
    } as unknown as Context;
  };
  const [agent, grid, community, center] = await Promise.all(
    ["hotline_agent", "grid_worker", "community_reviewer", "center_reviewer"].map(staff),
  );
  const owing = await deps.ds
    .getRepository(Bill)
    .createQueryBuilder("b")
    .select("DISTINCT b.account_id", "accountId")
    .where("b.status IN (:...s)", { s: ["unpaid", "partial"] })
    .andWhere("b.account_id > :skip", { skip: DEMO_HOUSEHOLDS.length })
    .orderBy("b.account_id", "ASC")
    .limit(8)
    .getRawMany<{ accountId: number | string }>();
  const ids = owing.map((r) => Number(r.accountId));
  if (ids.length < 8) return 0;
  const actorOf = (ctx: Context, name: string) => ({
    kind: "staff" as const,
    id: (ctx.state.auth as { id: number }).id,
    name,
  });
  const cases: { category: HardshipAppCategory; terms: HardshipTerms; note: string; grid?: boolean }[] = [
    { category: "dibao", terms: { kind: "instalments", count: 3 }, note: "来电申请分期，家中仅靠低保金生活" },
    { category: "disabled", terms: { kind: "instalments", count: 2 }, note: "肢体残疾二级，行动不便", grid: true },
    { category: "tekun", terms: { kind: "deferral", months: 3 }, note: "特困供养人员，申请缓缴", grid: true },
    { category: "dibao", terms: { kind: "instalments", count: 3 }, note: "低保户，申请分3期" },
    { category: "mobility", terms: { kind: "deferral", months: 2 }, note: "失能老人，子女在外务工", grid: true },
    { category: "other", terms: { kind: "instalments", count: 2 }, note: "家庭主要劳动力因病失业" },
    { category: "dibao", terms: { kind: "instalments", count: 2 }, note: "低保户，居民自行缴清后撤回" },
    { category: "dibao", terms: { kind: "instalments", count: 2 }, note: "分期后未按期缴费" },
  ];
  const made: number[] = [];
  for (const [i, c] of cases.entries()) {
    const ctx = c.grid ? grid : agent;
    const app = await createApplication(deps, ctx, actorOf(ctx, c.grid ? "网格员" : "热线坐席"), {
      accountId: ids[i] as number,
      category: c.category,
      categoryReason: c.category === "other" ? "家庭主要劳动力因病失业" : undefined,
      certificateNo: c.category === "other" || c.category === "mobility" ? undefined : `DB62072${String(100000 + i)}`,
      terms: c.terms,
      contactPhone: `1390936${String(1000 + i)}`,
      note: c.note,
      attachmentIds: [],
      channel: c.grid ? "grid_worker" : "hotline",
    });
    made.push(app.id);
  }
  const [waiting, waitingLong, pendingCenter, approved, deferred, rejected, withdrawn, defaulted] = made as number[];
  // 待初审 for 4 days already: shows as overdue in the queue
  await deps.ds
    .getRepository(HardshipApplication)
    .createQueryBuilder()
    .update()
    .set({ waitingSince: new Date(Date.now() - 4 * 86_400_000), createdAt: new Date(Date.now() - 4 * 86_400_000) })
    .where("id = :id", { id: waitingLong })
    .execute();
  void waiting;
  for (const id of [pendingCenter, approved, deferred, rejected, defaulted] as number[]) {
    await communityReview(deps, community, id, { decision: "approve", reason: "经社区入户核实，情况属实" });
  }
  await centerReview(deps, center, approved as number, { decision: "approve", reason: "符合分期条件" });
  await centerReview(deps, center, deferred as number, { decision: "approve", reason: "重度困难，同意缓缴" });
  await centerReview(deps, center, rejected as number, {
    decision: "reject",
    reason: "经核实家庭收入高于低保标准，建议正常缴费",
  });
  await withdrawApplication(deps, grid, actorOf(grid, "网格员"), withdrawn as number, "居民已自行缴清");
  await centerReview(deps, center, defaulted as number, { decision: "approve", reason: "同意分2期" });
  // the defaulted one: its first instalment fell due 20 days ago and was not paid
  const plan = await deps.ds.getRepository(PaymentPlan).findOneByOrFail({ applicationId: defaulted as number });
  const today = shanghaiDate(new Date());
  const insts = await deps.ds.getRepository(PlanInstalment).find({ where: { planId: plan.id }, order: { seq: "ASC" } });
  for (const [k, inst] of insts.entries()) {
    await deps.ds.getRepository(PlanInstalment).update({ id: inst.id }, { dueDate: addDays(today, -20 + 30 * k) });
  }
  await deps.ds.getRepository(PaymentPlan).update({ id: plan.id }, { startDate: addDays(today, -50) });
  await settlePlan(deps, plan.id, today);
  return made.length;
}

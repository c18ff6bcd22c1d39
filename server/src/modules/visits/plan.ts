import {
  type BizDate,
  DEFAULT_VISIT_PLAN_CONFIG,
  isVisitMonth,
  monthBounds,
  monthOf,
  type PlanAssignment,
  type PlanHousehold,
  selectVisitPlan,
  shanghaiDate,
  shanghaiMidnight,
  addDays,
  VISIT_POSITION_LABELS,
  VISIT_PRIORITY_LABELS,
  type VisitPlanConfig,
  type YearMonth,
} from "@warmline/shared";
import { type DataSource, type EntityManager, In } from "typeorm";
import { Building, Community, HeatingAccount } from "../accounts";
import { Bill } from "../billing";
import { StaffRoleGrant, StaffUser } from "../staff";
import { HomeVisit, StaffCommunityAssignment, VisitPlanEntry } from "./entities";
import { openVisitTasks } from "./reminderPort";
import { communitiesOf } from "./scope";
import { isSpecialGroup } from "./special";

type Db = DataSource | EntityManager;

/** Every assignment, as the plan rule reads it: the table's rows plus the legacy single community of grid workers. */
export async function planAssignments(db: Db): Promise<PlanAssignment[]> {
  const rows = await db.getRepository(StaffCommunityAssignment).find();
  const out: PlanAssignment[] = rows.map((r) => ({
    staffId: r.staffId,
    communityId: r.communityId,
    from: r.validFrom,
    to: r.validTo,
  }));
  const grid = await db.getRepository(StaffRoleGrant).findBy({ role: "grid_worker" });
  if (grid.length > 0) {
    const staff = await db
      .getRepository(StaffUser)
      .findBy({ id: In(grid.map((g) => g.staffUserId)), status: "active" });
    for (const s of staff)
      if (s.communityId) out.push({ staffId: s.id, communityId: s.communityId, from: "2000-01-01", to: null });
  }
  return out;
}

/** Active accounts with whether they owe principal and whether they are a special-group household. */
export async function planHouseholds(db: Db): Promise<PlanHousehold[]> {
  const accounts = await db.getRepository(HeatingAccount).find({
    where: { status: "active" },
    select: { id: true, communityId: true, hardshipCategory: true, specialGroups: true },
  });
  const owing = await db
    .getRepository(Bill)
    .createQueryBuilder("b")
    .select("DISTINCT b.account_id", "accountId")
    .where("b.status IN (:...s)", { s: ["unpaid", "partial"] })
    .andWhere("b.amount_fen > b.paid_fen + b.waived_fen")
    .getRawMany<{ accountId: number | string }>();
  const unpaid = new Set(owing.map((r) => Number(r.accountId)));
  return accounts.map((a) => ({
    accountId: a.id,
    communityId: a.communityId,
    unpaid: unpaid.has(a.id),
    special: isSpecialGroup(a),
  }));
}

/**
 * Builds (or brings up to date) a month's visit lists: new target households are added; households whose
 * community changed hands since are moved to the new worker; nothing is removed (a household planned stays
 * planned for the month, even once it pays). Safe to run again, and twice at once (unique month+account).
 */
export async function buildPlan(
  ds: DataSource,
  month: YearMonth,
  asOf: BizDate = shanghaiDate(new Date()),
  config: VisitPlanConfig = DEFAULT_VISIT_PLAN_CONFIG,
): Promise<{ month: string; entries: number; created: number; reassigned: number }> {
  const entries = selectVisitPlan({
    month,
    asOf,
    assignments: await planAssignments(ds),
    households: await planHouseholds(ds),
    config,
  });
  const repo = ds.getRepository(VisitPlanEntry);
  const existing = new Map((await repo.findBy({ month })).map((e) => [e.accountId, e]));
  let created = 0;
  let reassigned = 0;
  const fresh = entries.filter((e) => !existing.has(e.accountId));
  for (let i = 0; i < fresh.length; i += 500) {
    const chunk = fresh.slice(i, i + 500);
    const r = await repo
      .createQueryBuilder()
      .insert()
      .values(chunk.map((e) => ({ month, ...e })))
      .orIgnore()
      .updateEntity(false)
      .execute();
    created += r.raw?.affectedRows ?? chunk.length;
  }
  for (const e of entries) {
    const had = existing.get(e.accountId);
    if (had && had.staffId !== e.staffId) {
      await repo.update({ id: had.id }, { staffId: e.staffId, communityId: e.communityId });
      reassigned++;
    }
  }
  // households of a community whose worker changed, planned earlier under a priority no longer selected
  return { month, entries: (await repo.countBy({ month })) as number, created, reassigned };
}

/** Instants of a month in Shanghai, [from, to). */
export function monthRange(month: YearMonth): { from: Date; to: Date } {
  const { first, last } = monthBounds(month);
  return { from: shanghaiMidnight(first), to: shanghaiMidnight(addDays(last, 1)) };
}

/** Current visit rows (no correction replaces them) of these accounts in [from, to). */
export async function currentVisits(db: Db, accountIds: number[], from: Date, to: Date): Promise<HomeVisit[]> {
  if (accountIds.length === 0) return [];
  const out: HomeVisit[] = [];
  for (let i = 0; i < accountIds.length; i += 1000) {
    const rows = await db
      .getRepository(HomeVisit)
      .createQueryBuilder("v")
      .where("v.account_id IN (:...ids)", { ids: accountIds.slice(i, i + 1000) })
      .andWhere("v.started_at >= :from AND v.started_at < :to", { from, to })
      .andWhere("NOT EXISTS (SELECT 1 FROM home_visits c WHERE c.corrects_id = v.id)")
      .orderBy("v.started_at", "ASC")
      .getMany();
    out.push(...rows);
  }
  return out;
}

interface Progress {
  households: number;
  targetVisits: number;
  visits: number;
  householdsDone: number;
}
const zero = (): Progress => ({ households: 0, targetVisits: 0, visits: 0, householdsDone: 0 });

/** A month's progress per worker, per community and in total: visits count up to each household's target. */
export async function planProgress(ds: DataSource, month: YearMonth) {
  const entries = await ds.getRepository(VisitPlanEntry).findBy({ month });
  const { from, to } = monthRange(month);
  const visits = await currentVisits(
    ds,
    entries.map((e) => e.accountId),
    from,
    to,
  );
  const count = new Map<number, number>();
  for (const v of visits) count.set(v.accountId, (count.get(v.accountId) ?? 0) + 1);
  const workers = new Map<number, Progress>();
  const communities = new Map<number, Progress>();
  const total = zero();
  for (const e of entries) {
    const n = Math.min(count.get(e.accountId) ?? 0, e.target);
    for (const p of [
      workers.get(e.staffId) ?? workers.set(e.staffId, zero()).get(e.staffId),
      communities.get(e.communityId) ?? communities.set(e.communityId, zero()).get(e.communityId),
      total,
    ] as Progress[]) {
      p.households++;
      p.targetVisits += e.target;
      p.visits += n;
      if (n >= e.target) p.householdsDone++;
    }
  }
  const staff = await ds.getRepository(StaffUser).findBy({ id: In([...workers.keys(), 0]) });
  const coms = await ds.getRepository(Community).findBy({ id: In([...communities.keys(), 0]) });
  const sName = new Map(staff.map((s) => [s.id, s.displayName]));
  const cName = new Map(coms.map((c) => [c.id, c.name]));
  return {
    month,
    isVisitMonth: isVisitMonth(month, DEFAULT_VISIT_PLAN_CONFIG),
    workers: [...workers].map(([staffId, p]) => ({ staffId, name: sName.get(staffId) ?? `#${staffId}`, ...p })),
    communities: [...communities].map(([communityId, p]) => ({
      communityId,
      name: cName.get(communityId) ?? `#${communityId}`,
      ...p,
    })),
    total,
  };
}

/**
 * The signed-in worker's list for today: their plan entries of this month (the plan is built first when the
 * month has none yet), with visits so far, sorted by community, building, unit and room.
 */
export async function todayList(ds: DataSource, staffId: number, now = new Date()) {
  const date = shanghaiDate(now);
  const month = monthOf(date);
  if (!(await ds.getRepository(VisitPlanEntry).existsBy({ month }))) await buildPlan(ds, month, date);
  const entries = await ds.getRepository(VisitPlanEntry).findBy({ month, staffId });
  // the open visit tasks of the worker's communities come too (one per household: the earliest due)
  const tasks = await openVisitTasks(ds, await communitiesOf(ds, staffId, date));
  const taskOf = new Map<number, (typeof tasks)[number]>();
  for (const t of tasks) if (!taskOf.has(t.accountId)) taskOf.set(t.accountId, t);
  const planned = new Set(entries.map((e) => e.accountId));
  for (const t of taskOf.values()) {
    if (planned.has(t.accountId)) continue;
    entries.push(
      Object.assign(new VisitPlanEntry(), {
        month,
        accountId: t.accountId,
        communityId: t.communityId,
        staffId,
        priority: t.soft ? "special" : "unpaid",
        target: 1,
      }),
    );
  }
  const ids = entries.map((e) => e.accountId);
  const accounts = ids.length ? await ds.getRepository(HeatingAccount).findBy({ id: In(ids) }) : [];
  const buildings = await ds
    .getRepository(Building)
    .findBy({ id: In([...new Set(accounts.map((a) => a.buildingId ?? 0))]) });
  const coms = await ds
    .getRepository(Community)
    .findBy({ id: In([...new Set(accounts.map((a) => a.communityId)), 0]) });
  const { from, to } = monthRange(month);
  const visits = await currentVisits(ds, ids, from, to);
  const acc = new Map(accounts.map((a) => [a.id, a]));
  const bName = new Map(buildings.map((b) => [b.id, b.name]));
  const cName = new Map(coms.map((c) => [c.id, c.name]));
  const collator = new Intl.Collator("zh-CN", { numeric: true });
  const items = entries.flatMap((e) => {
    const a = acc.get(e.accountId);
    if (!a) return [];
    const mine = visits.filter((v) => v.accountId === a.id);
    const last = mine[mine.length - 1];
    const lastWithPosition = [...mine].reverse().find((v) => v.positionKind);
    return [
      {
        accountId: a.id,
        accountNo: a.accountNo,
        ownerName: a.ownerName,
        address: a.address,
        communityId: a.communityId,
        communityName: cName.get(a.communityId) ?? "",
        buildingName: a.buildingId ? (bName.get(a.buildingId) ?? null) : null,
        unit: a.unit,
        room: a.room,
        priority: e.priority,
        priorityLabel: VISIT_PRIORITY_LABELS[e.priority],
        target: e.target,
        doneThisMonth: mine.length,
        visitedToday: mine.some((v) => shanghaiDate(v.startedAt) === date),
        lastVisitAt: last ? last.startedAt.toISOString() : null,
        lastPosition: lastWithPosition?.positionKind ? VISIT_POSITION_LABELS[lastWithPosition.positionKind] : null,
        task: taskOf.has(a.id)
          ? (({ id, reason, dueDate, soft }) => ({ id, reason, dueDate, soft }))(
              taskOf.get(a.id) as (typeof tasks)[number],
            )
          : null,
      },
    ];
  });
  items.sort(
    (x, y) =>
      collator.compare(x.communityName, y.communityName) ||
      collator.compare(x.buildingName ?? "", y.buildingName ?? "") ||
      collator.compare(x.unit ?? "", y.unit ?? "") ||
      collator.compare(x.room ?? "", y.room ?? "") ||
      x.accountId - y.accountId,
  );
  return { date, month, items };
}

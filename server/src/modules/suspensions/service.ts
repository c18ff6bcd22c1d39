import {
  type BizDate,
  type CreateSuspensionInput,
  checkSuspensionApplication,
  type HeatingStatus,
  type HeatingStatusHistory,
  HEATING_STATUS_LABELS,
  openSuspensionSeason,
  SUSPENSION_VISIT_ROLES,
  type SuspensionAction,
  suspensionActionAllowed,
  type SuspensionDecisionInput,
  type SuspensionRules,
  type SuspensionView,
  seasonCodeFor,
  shanghaiDate,
  suspensionDeadline,
} from "@warmline/shared";
import type { Context } from "koa";
import type { EntityManager } from "typeorm";
import type { Deps } from "../../deps";
import { staffAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { AccountHeatingStatus, HeatingAccount, heatingStatusesForSeason, isUniqueViolation } from "../accounts";
import { audit } from "../audit";
import { billsOfAccount, HeatingSeason, Tariff } from "../billing";
import { StaffRoleGrant, StaffUser } from "../staff";
import { SuspensionApplication, SuspensionEvent } from "./entities";
import { presentApplications } from "./present";

export type SuspensionActor = { kind: "resident"; id: number } | { kind: "staff"; id: number; name: string };

export const rulesOf = (deps: Pick<Deps, "config">): SuspensionRules => deps.config.suspension;
const today = (): BizDate => shanghaiDate(new Date());

/** Overdue money of an account (principal and late fees of bills past their due date), fen. */
export async function arrearsOf(deps: Pick<Deps, "ds">, accountId: number, asOf: BizDate): Promise<number> {
  const { items } = await billsOfAccount(deps.ds, accountId, asOf);
  return items.filter((b) => b.dueDate < asOf).reduce((s, b) => s + b.owedFen, 0);
}

async function statusIn(m: Pick<EntityManager, "getRepository">, account: HeatingAccount, seasonCode: string) {
  const map = await heatingStatusesForSeason(m, seasonCode, [account]);
  return map.get(account.id) as HeatingStatus;
}

async function locked(m: EntityManager, id: number): Promise<SuspensionApplication> {
  const qb = m.getRepository(SuspensionApplication).createQueryBuilder("s").where("s.id = :id", { id });
  if (m.connection.options.type !== "better-sqlite3") qb.setLock("pessimistic_write");
  const app = await qb.getOne();
  if (!app) throw new AppError("SUSPENSION_NOT_FOUND");
  return app;
}

function guard(app: SuspensionApplication, action: SuspensionAction): void {
  if (!suspensionActionAllowed(action, app.status)) {
    throw new AppError("SUSPENSION_STATE_CONFLICT", { status: app.status });
  }
}

async function addEvent(
  m: EntityManager,
  applicationId: number,
  actor: SuspensionActor,
  type: string,
  note: string | null,
): Promise<void> {
  await m.getRepository(SuspensionEvent).insert({
    applicationId,
    type,
    actorKind: actor.kind,
    actorId: actor.id,
    actorName: actor.kind === "staff" ? actor.name.slice(0, 64) : null,
    note: note ? note.slice(0, 200) : null,
  });
}

/** The heating status the application grants, recorded from its season on (the bill run reads it). */
async function grant(m: EntityManager, app: SuspensionApplication, actor: SuspensionActor): Promise<void> {
  await m.getRepository(AccountHeatingStatus).insert({
    accountId: app.accountId,
    seasonCode: app.seasonCode,
    status: app.kind === "suspend" ? "suspended" : "active",
    applicationId: app.id,
    note: app.kind === "suspend" ? "报停申请批准" : "复供申请批准",
    createdBy: actor.kind === "staff" ? actor.id : null,
  });
}

export async function staffActorOf(deps: Pick<Deps, "ds">, ctx: Context): Promise<SuspensionActor & { kind: "staff" }> {
  const s = staffAuth(ctx);
  const user = await deps.ds.getRepository(StaffUser).findOneBy({ id: s.id });
  return { kind: "staff", id: s.id, name: user?.displayName ?? `#${s.id}` };
}

/** The rules a resident reads before applying: the open season, its deadline, the arrears rule, the base share. */
export async function openRules(deps: Pick<Deps, "config" | "ds">, category?: string) {
  const rules = rulesOf(deps);
  const open = openSuspensionSeason(today(), rules);
  // the share of the target season's tariff when that season is set up already; the tariffs' default otherwise
  const season = await deps.ds.getRepository(HeatingSeason).findOneBy({ code: open.seasonCode });
  const tariff = season
    ? await deps.ds
        .getRepository(Tariff)
        .findOneBy({ seasonId: season.id, category: (category ?? "residential") as never })
    : null;
  return {
    seasonCode: open.seasonCode,
    deadline: open.deadline,
    arrearsRule: rules.arrearsRule,
    baseShareBp: tariff?.suspensionShareBp ?? DEFAULT_BASE_SHARE_BP,
  };
}

/** Tariff.suspensionShareBp's column default (30 %) */
const DEFAULT_BASE_SHARE_BP = 3_000;

/** Files a 报停 or 复供 application (access to the account is checked by the route). */
export async function apply(
  deps: Deps,
  ctx: Context,
  actor: SuspensionActor,
  input: CreateSuspensionInput,
): Promise<SuspensionView> {
  const rules = rulesOf(deps);
  const now = today();
  const seasonCode = input.seasonCode ?? openSuspensionSeason(now, rules).seasonCode;
  const account = await deps.ds.getRepository(HeatingAccount).findOneBy({ id: input.accountId });
  if (!account || account.status === "closed") throw new AppError("ACCOUNT_NOT_FOUND");
  const open = await deps.ds.getRepository(SuspensionApplication).existsBy({
    accountId: account.id,
    seasonCode,
    openFlag: true,
  });
  const refusal = checkSuspensionApplication({
    kind: input.kind,
    today: now,
    seasonCode,
    rules,
    statusForSeason: await statusIn(deps.ds.manager, account, seasonCode),
    arrearsFen: input.kind === "suspend" ? await arrearsOf(deps, account.id, now) : 0,
    openApplicationExists: open,
  });
  if (refusal) throw new AppError(refusal.code, refusal.details, refusal.message);
  let id: number;
  try {
    id = await deps.ds.transaction(async (m) => {
      const saved = await m.getRepository(SuspensionApplication).save(
        m.getRepository(SuspensionApplication).create({
          accountId: account.id,
          kind: input.kind,
          seasonCode,
          deadline: suspensionDeadline(seasonCode, rules),
          reason: input.reason,
          status: "pending",
          openFlag: true,
          channel: actor.kind,
          residentUserId: actor.kind === "resident" ? actor.id : null,
          reviewerId: null,
          reviewerName: null,
          reviewNote: null,
          reviewedAt: null,
          technicianId: null,
          technicianName: null,
          visitDate: null,
          photoKey: null,
          photoMime: null,
          visitNote: null,
          visitConfirmedAt: null,
          withdrawnAt: null,
        }),
      );
      await addEvent(m, saved.id, actor, "submitted", input.reason);
      await audit(m, ctx, {
        action: "suspension.apply",
        targetType: "suspension_application",
        targetId: saved.id,
        details: { accountId: account.id, suspensionKind: input.kind, seasonCode },
      });
      return saved.id;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("SUSPENSION_OPEN_EXISTS", { seasonCode });
    throw err;
  }
  return viewOf(deps, id);
}

/** The resident withdraws a pending application. */
export async function withdraw(deps: Deps, ctx: Context, actor: SuspensionActor, id: number, reason?: string) {
  await deps.ds.transaction(async (m) => {
    const app = await locked(m, id);
    guard(app, "withdraw");
    await m
      .getRepository(SuspensionApplication)
      .update({ id }, { status: "withdrawn", openFlag: null, withdrawnAt: new Date() });
    await addEvent(m, id, actor, "withdrawn", reason ?? null);
    await audit(m, ctx, {
      action: "suspension.withdraw",
      targetType: "suspension_application",
      targetId: id,
      details: { accountId: app.accountId, reason: reason ?? null },
    });
  });
  return viewOf(deps, id);
}

/** Approve (the season's heating status changes from then on) or reject with a reason. */
export async function decide(deps: Deps, ctx: Context, id: number, input: SuspensionDecisionInput) {
  const actor = await staffActorOf(deps, ctx);
  const approve = input.decision === "approve";
  if (!approve && !input.note) throw new AppError("SUSPENSION_REJECT_NOTE_REQUIRED");
  await deps.ds.transaction(async (m) => {
    const app = await locked(m, id);
    guard(app, approve ? "approve" : "reject");
    await m.getRepository(SuspensionApplication).update(
      { id },
      {
        status: approve ? "approved" : "rejected",
        // an approved application without a valve visit is finished; the visit reopens it
        openFlag: null,
        reviewerId: actor.id,
        reviewerName: actor.name.slice(0, 64),
        reviewNote: input.note ?? null,
        reviewedAt: new Date(),
      },
    );
    if (approve) await grant(m, app, actor);
    await addEvent(m, id, actor, approve ? "approved" : "rejected", input.note ?? null);
    await audit(m, ctx, {
      action: approve ? "suspension.approve" : "suspension.reject",
      targetType: "suspension_application",
      targetId: id,
      details: {
        accountId: app.accountId,
        suspensionKind: app.kind,
        seasonCode: app.seasonCode,
        note: input.note ?? null,
      },
    });
  });
  return viewOf(deps, id);
}

/**
 * Schedules the valve visit (关阀加封 / 拆封开阀) for a technician: from "pending" it approves at the same
 * time; from "approved" it adds the visit.
 */
export async function scheduleVisit(
  deps: Deps,
  ctx: Context,
  id: number,
  input: { technicianId: number; scheduledDate: string; note?: string },
) {
  const actor = await staffActorOf(deps, ctx);
  const tech = await deps.ds.getRepository(StaffUser).findOneBy({ id: input.technicianId });
  const isTech = await deps.ds
    .getRepository(StaffRoleGrant)
    .existsBy({ staffUserId: input.technicianId, role: "technician" });
  if (tech?.status !== "active" || !isTech) throw new AppError("SUSPENSION_TECHNICIAN_INVALID");
  try {
    await deps.ds.transaction(async (m) => {
      const app = await locked(m, id);
      guard(app, "schedule_visit");
      const fromPending = app.status === "pending";
      await m.getRepository(SuspensionApplication).update(
        { id },
        {
          status: "valve_visit_scheduled",
          openFlag: true,
          technicianId: tech.id,
          technicianName: tech.displayName.slice(0, 64),
          visitDate: input.scheduledDate,
          ...(fromPending
            ? { reviewerId: actor.id, reviewerName: actor.name.slice(0, 64), reviewedAt: new Date() }
            : {}),
        },
      );
      if (fromPending) {
        await grant(m, app, actor);
        await addEvent(m, id, actor, "approved", input.note ?? null);
      }
      await addEvent(m, id, actor, "visit_scheduled", `${tech.displayName}，${input.scheduledDate}`);
      await audit(m, ctx, {
        action: "suspension.schedule_visit",
        targetType: "suspension_application",
        targetId: id,
        details: {
          accountId: app.accountId,
          suspensionKind: app.kind,
          seasonCode: app.seasonCode,
          technicianId: tech.id,
          visitDate: input.scheduledDate,
          approved: fromPending,
        },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("SUSPENSION_OPEN_EXISTS");
    throw err;
  }
  return viewOf(deps, id);
}

/** Only the technician the visit is assigned to confirms it (dispatchers, supervisors and admins may too). */
export function checkVisitActor(ctx: Context, app: SuspensionApplication): void {
  const s = staffAuth(ctx);
  const others = SUSPENSION_VISIT_ROLES.filter((r) => r !== "technician");
  if (s.roles.some((r) => (others as readonly string[]).includes(r))) return;
  if (app.technicianId !== s.id) throw new AppError("SUSPENSION_NOT_YOUR_VISIT");
}

/** The technician confirms the visit (the sealed-valve photo must be uploaded first). */
export async function confirmVisit(deps: Deps, ctx: Context, id: number, note?: string) {
  const actor = await staffActorOf(deps, ctx);
  await deps.ds.transaction(async (m) => {
    const app = await locked(m, id);
    checkVisitActor(ctx, app);
    guard(app, "confirm_visit");
    if (!app.photoKey) throw new AppError("SUSPENSION_PHOTO_REQUIRED");
    await m
      .getRepository(SuspensionApplication)
      .update({ id }, { status: "done", openFlag: null, visitNote: note ?? null, visitConfirmedAt: new Date() });
    await addEvent(m, id, actor, "visit_confirmed", note ?? null);
    await audit(m, ctx, {
      action: "suspension.confirm_visit",
      targetType: "suspension_application",
      targetId: id,
      details: { accountId: app.accountId, suspensionKind: app.kind, seasonCode: app.seasonCode },
    });
  });
  return viewOf(deps, id);
}

export async function viewOf(deps: Deps, id: number): Promise<SuspensionView> {
  const app = await deps.ds.getRepository(SuspensionApplication).findOneBy({ id });
  if (!app) throw new AppError("SUSPENSION_NOT_FOUND");
  return (await presentApplications(deps, [app]))[0] as SuspensionView;
}

/** The account's heating status now and next season, the status history and the applications. */
export async function heatingHistory(deps: Deps, accountId: number): Promise<HeatingStatusHistory> {
  const account = await deps.ds.getRepository(HeatingAccount).findOneBy({ id: accountId });
  if (!account) throw new AppError("ACCOUNT_NOT_FOUND");
  const current = seasonCodeFor(today());
  const y = Number(current.slice(0, 4)) + 1;
  const next = `${y}-${y + 1}`;
  const [cur, nxt] = [
    await statusIn(deps.ds.manager, account, current),
    await statusIn(deps.ds.manager, account, next),
  ];
  const rows = await deps.ds
    .getRepository(AccountHeatingStatus)
    .find({ where: { accountId }, order: { id: "DESC" }, take: 50 });
  const apps = await deps.ds
    .getRepository(SuspensionApplication)
    .find({ where: { accountId }, order: { id: "DESC" }, take: 50 });
  return {
    current: { seasonCode: current, status: cur, label: HEATING_STATUS_LABELS[cur] },
    next: { seasonCode: next, status: nxt, label: HEATING_STATUS_LABELS[nxt] },
    history: rows.map((r) => ({
      seasonCode: r.seasonCode,
      status: r.status,
      label: HEATING_STATUS_LABELS[r.status],
      applicationId: r.applicationId,
      note: r.note,
      at: r.createdAt.toISOString(),
    })),
    applications: await presentApplications(deps, apps),
  };
}

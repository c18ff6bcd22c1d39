import {
  type CorrectVisitInput,
  HARDSHIP_PROTECTED,
  indoorFloorC10,
  type RecordVisitInput,
  shanghaiDate,
  VISIT_KIND_LABELS,
  VISIT_OUTCOME_LABELS,
  VISIT_POSITION_LABELS,
  type VisitView,
  visitIssues,
} from "@warmline/shared";
import type { Context } from "koa";
import { type EntityManager, In } from "typeorm";
import type { Deps } from "../../deps";
import { staffAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { Community, HeatingAccount } from "../accounts";
import { audit } from "../audit";
import { appendChained } from "../evidence";
import { hardshipStatus } from "../hardship";
import { StaffUser } from "../staff";
import { createTicketIn, Ticket } from "../tickets";
import { outdoorAt } from "../weather";
import { Building } from "../accounts";
import { HomeVisit, HomeVisitEffect, HomeVisitPhoto } from "./entities";
import { claimVisitPhotos, visitPhotoView } from "./photos";
import { requireAccountScope } from "./scope";
import { visitFollowUps } from "./reminderPort";

type VisitFields = Omit<CorrectVisitInput, "reason">;

/** the ticket statuses in which a cold room is still being worked on (a visit links to it, not a second one) */
const OPEN_TICKET_STATUSES = ["new", "responded", "dispatched", "on_site"];

const EFFECT_LABELS: Record<HomeVisitEffect["kind"], string> = {
  cold_room_ticket: "室温低于标准，已生成室温不达标工单",
  service_ticket: "住户对供热质量有异议，已生成服务工单",
  follow_up: "已按承诺日期安排跟进提醒",
  task_completed: "已完成对应的走访任务",
};

/** The record rules (shared visitIssues) as one 400 with every issue; the message is the first issue's. */
function checkRules(input: VisitFields, now: Date): void {
  const issues = visitIssues(
    {
      startedAt: input.startedAt,
      endedAt: input.endedAt,
      kind: input.kind,
      outcome: input.outcome,
      indoorTempC10: input.indoorTempC10 ?? null,
      tempMethod: input.tempMethod ?? null,
      position: input.position ?? null,
      photoCount: input.photoIds.length,
    },
    now,
  );
  if (issues.length > 0) {
    throw new AppError(
      "VISIT_INVALID",
      issues.map((i) => ({ ...i, in: "body" })),
      issues[0]?.message,
    );
  }
}

async function checkCoVisitor(m: EntityManager, staffId: number, coVisitorId: number | null | undefined) {
  if (!coVisitorId) return;
  const co = await m.getRepository(StaffUser).findOneBy({ id: coVisitorId });
  if (co?.status !== "active" || co.id === staffId) throw new AppError("VISIT_COVISITOR_INVALID");
}

/** The row's columns from the form (everything but account, author, chain and draft key). */
async function columnsOf(m: EntityManager, account: HeatingAccount, input: VisitFields, now: Date) {
  let outdoorTempC10: number | null = null;
  if (input.indoorTempC10 !== null && input.indoorTempC10 !== undefined) {
    const building = account.buildingId ? await m.getRepository(Building).findOneBy({ id: account.buildingId }) : null;
    outdoorTempC10 =
      (await outdoorAt(m, input.endedAt < now ? input.endedAt : now, building?.stationId))?.tempC10 ?? null;
  }
  const pos = input.position ?? null;
  return {
    coVisitorId: input.coVisitorId ?? null,
    startedAt: input.startedAt,
    endedAt: input.endedAt,
    kind: input.kind,
    outcome: input.outcome,
    indoorTempC10: input.indoorTempC10 ?? null,
    tempMethod: input.indoorTempC10 === null || input.indoorTempC10 === undefined ? null : (input.tempMethod ?? null),
    outdoorTempC10,
    faultsFound: input.faultsFound || null,
    faultsFixed: input.faultsFixed || null,
    policyExplained: [...new Set(input.policyExplained)],
    positionKind: pos?.kind ?? null,
    promisedDate: pos?.kind === "promised" ? (pos.promisedDate ?? null) : null,
    positionReason: pos?.reason || null,
    notes: input.notes || null,
    photoIds: [...new Set(input.photoIds)],
    tempPhotoId: input.tempPhotoId ?? null,
    signaturePhotoId: input.signaturePhotoId ?? null,
    latE6: input.location ? Math.round(input.location.lat * 1e6) : null,
    lngE6: input.location ? Math.round(input.location.lng * 1e6) : null,
    accuracyM: input.location?.accuracyM != null ? Math.round(input.location.accuracyM) : null,
  };
}

function allPhotoIds(v: Pick<HomeVisit, "photoIds" | "tempPhotoId" | "signaturePhotoId">): number[] {
  return [
    ...v.photoIds,
    ...(v.tempPhotoId ? [v.tempPhotoId] : []),
    ...(v.signaturePhotoId ? [v.signaturePhotoId] : []),
  ];
}

/**
 * What a visit leads to, in its transaction: a reading below the applicable floor opens a 室温不达标 ticket
 * (or links the cold-room ticket already being worked on), 对供热质量有异议 opens a service ticket (unless the
 * cold-room ticket covers it), 承诺日期 schedules a follow-up through the reminders module, and a visit that
 * answers a visit task completes it.
 */
async function applyEffects(
  m: EntityManager,
  deps: Deps,
  staffId: number,
  account: HeatingAccount,
  visit: HomeVisit,
  taskId: number | null,
  now: Date,
): Promise<void> {
  const effect = (kind: HomeVisitEffect["kind"], refId: number | null) =>
    m.getRepository(HomeVisitEffect).insert({ visitId: visit.id, kind, refId });
  const actor = { kind: "staff" as const, id: staffId };
  let coldTicket: number | null = null;
  if (visit.indoorTempC10 !== null && visit.indoorTempC10 < indoorFloorC10(visit.outdoorTempC10)) {
    const open = await m.getRepository(Ticket).findOne({
      where: { accountId: account.id, category: "cold_room", status: In(OPEN_TICKET_STATUSES) as never },
      order: { id: "DESC" },
    });
    const floor = indoorFloorC10(visit.outdoorTempC10);
    coldTicket =
      open?.id ??
      (
        await createTicketIn(
          m,
          deps,
          actor,
          {
            channel: "visit",
            category: "cold_room",
            accountId: account.id,
            contactName: account.ownerName,
            indoorTempC10: visit.indoorTempC10,
            description:
              `入户走访测温（走访记录#${visit.id}）：室温${(visit.indoorTempC10 / 10).toFixed(1)}℃，低于标准${(floor / 10).toFixed(1)}℃。${visit.faultsFound ? `发现问题：${visit.faultsFound}` : ""}`.slice(
                0,
                1000,
              ),
          },
          now,
        )
      ).id;
    await effect("cold_room_ticket", coldTicket);
  }
  if (visit.positionKind === "disputes_quality") {
    const id =
      coldTicket ??
      (
        await createTicketIn(
          m,
          deps,
          actor,
          {
            channel: "visit",
            category: "other",
            accountId: account.id,
            contactName: account.ownerName,
            description: `入户走访（走访记录#${visit.id}）：住户对供热质量有异议——${visit.positionReason ?? ""}`.slice(
              0,
              1000,
            ),
          },
          now,
        )
      ).id;
    await effect("service_ticket", id);
  }
  const ports = await visitFollowUps();
  if (visit.positionKind === "promised" && visit.promisedDate) {
    if (ports) {
      const ref = await ports.scheduleFollowUpReminder(m, {
        accountId: account.id,
        date: visit.promisedDate,
        source: "promise",
        visitId: visit.id,
      });
      await effect("follow_up", ref);
    }
  }
  if (taskId) {
    if (!ports) throw new AppError("VISIT_TASK_NOT_FOUND");
    await ports.completeVisitTask(m, taskId, {
      staffId,
      visitId: visit.id,
      accountId: account.id,
      note: `走访记录#${visit.id}`,
    });
    await effect("task_completed", taskId);
  }
}

/** 经济困难: the offer to start a hardship application on the resident's behalf (none while one is open). */
async function hardshipOffer(deps: Deps, visit: HomeVisit) {
  if (visit.positionKind !== "hardship") return null;
  const status = await hardshipStatus(deps.ds, visit.accountId);
  if (HARDSHIP_PROTECTED.includes(status)) return null;
  return {
    accountId: visit.accountId,
    channel: "grid_worker" as const,
    path: "/api/v1/staff/hardship/applications",
    message: "住户表示经济困难：可现在代其提交困难缓缴/分期申请",
  };
}

/**
 * 登记走访: checks the rules and the caller's communities, writes the row, claims its photos and applies its
 * effects (tickets, follow-up, task) — all in one transaction, with an audit row. A retried save of the same
 * phone draft (`clientKey`) answers the visit already recorded.
 */
export async function recordVisit(deps: Deps, ctx: Context, input: RecordVisitInput, now = new Date()) {
  const staffId = staffAuth(ctx).id;
  const account = await deps.ds.getRepository(HeatingAccount).findOneBy({ id: input.accountId });
  if (!account) throw new AppError("ACCOUNT_NOT_FOUND");
  await requireAccountScope(deps.ds, ctx, account);
  if (input.clientKey) {
    const same = await deps.ds
      .getRepository(HomeVisit)
      .findOneBy({ authorStaffId: staffId, clientKey: input.clientKey });
    if (same)
      return {
        visit: (await presentVisits(deps, [same]))[0] as VisitView,
        hardshipOffer: await hardshipOffer(deps, same),
      };
  }
  checkRules(input, now);
  const visit = await deps.ds
    .transaction(async (m) => {
      await checkCoVisitor(m, staffId, input.coVisitorId);
      const row: HomeVisit = await m.getRepository(HomeVisit).save(
        Object.assign(new HomeVisit(), {
          ...(await columnsOf(m, account, input, now)),
          accountId: account.id,
          communityId: account.communityId,
          authorStaffId: staffId,
          correctsId: null,
          correctionReason: null,
          rootId: null,
          clientKey: input.clientKey ?? null,
        }),
      );
      row.rootId = row.id;
      await m.getRepository(HomeVisit).update({ id: row.id }, { rootId: row.id });
      await appendChained(m, "home_visits", account.id);
      await claimVisitPhotos(m, staffId, allPhotoIds(row), row.id);
      await applyEffects(m, deps, staffId, account, row, input.taskId ?? null, now);
      await audit(m, ctx, {
        action: "visit.record",
        targetType: "home_visit",
        targetId: row.id,
        details: { accountId: account.id, kind: row.kind, outcome: row.outcome, position: row.positionKind },
      });
      return row;
    })
    .catch(async (err) => {
      // the same draft saved twice at once: the unique (author, clientKey) lets one through; answer with it
      const same =
        input.clientKey && /duplicate|unique/i.test(String((err as Error).message))
          ? await deps.ds.getRepository(HomeVisit).findOneBy({ authorStaffId: staffId, clientKey: input.clientKey })
          : null;
      if (!same) throw err;
      return same;
    });
  return {
    visit: (await presentVisits(deps, [visit]))[0] as VisitView,
    hardshipOffer: await hardshipOffer(deps, visit),
  };
}

/**
 * 更正走访: a new row that replaces `id` (which must be the chain's current row), by its author, its
 * co-visitor or a supervisor/administrator, with a reason. Photos of the chain may be named again. Effects
 * are applied for what the correction adds (a new low reading opens a ticket; nothing is undone).
 */
export async function correctVisit(deps: Deps, ctx: Context, id: number, input: CorrectVisitInput, now = new Date()) {
  const auth = staffAuth(ctx);
  const old = await deps.ds.getRepository(HomeVisit).findOneBy({ id });
  if (!old) throw new AppError("VISIT_NOT_FOUND");
  const account = await deps.ds.getRepository(HeatingAccount).findOneByOrFail({ id: old.accountId });
  await requireAccountScope(deps.ds, ctx, account);
  const boss = auth.roles.some((r) => r === "supervisor" || r === "admin");
  if (!boss && old.authorStaffId !== auth.id && old.coVisitorId !== auth.id) throw new AppError("VISIT_NOT_AUTHOR");
  checkRules(input, now);
  const visit = await deps.ds.transaction(async (m) => {
    if (await m.getRepository(HomeVisit).existsBy({ correctsId: old.id }))
      throw new AppError("VISIT_ALREADY_CORRECTED");
    await checkCoVisitor(m, old.authorStaffId, input.coVisitorId);
    const rootId = old.rootId ?? old.id;
    const chain = await m.getRepository(HomeVisit).findBy({ rootId });
    const chainIds = [...new Set([old.id, rootId, ...chain.map((c) => c.id)])];
    let row: HomeVisit;
    try {
      row = await m.getRepository(HomeVisit).save(
        Object.assign(new HomeVisit(), {
          ...(await columnsOf(m, account, input, now)),
          accountId: old.accountId,
          communityId: old.communityId,
          authorStaffId: old.authorStaffId,
          correctsId: old.id,
          correctionReason: input.reason,
          rootId,
          clientKey: null,
        }),
      );
    } catch (err) {
      // two corrections of one row at once: the unique corrects_id lets one through
      if (/duplicate|unique/i.test(String((err as Error).message))) throw new AppError("VISIT_ALREADY_CORRECTED");
      throw err;
    }
    await appendChained(m, "home_visits", old.accountId);
    await claimVisitPhotos(m, auth.id, allPhotoIds(row), row.id, chainIds);
    const hadCold = await m
      .getRepository(HomeVisitEffect)
      .existsBy({ visitId: In(chainIds), kind: "cold_room_ticket" });
    const hadService = await m
      .getRepository(HomeVisitEffect)
      .existsBy({ visitId: In(chainIds), kind: "service_ticket" });
    const hadFollowUp = await m.getRepository(HomeVisitEffect).existsBy({ visitId: In(chainIds), kind: "follow_up" });
    const effective = Object.assign(new HomeVisit(), row, {
      indoorTempC10: hadCold ? null : row.indoorTempC10,
      positionKind:
        (row.positionKind === "disputes_quality" && hadService) || (row.positionKind === "promised" && hadFollowUp)
          ? null
          : row.positionKind,
    });
    await applyEffects(m, deps, auth.id, account, effective, null, now);
    await audit(m, ctx, {
      action: "visit.correct",
      targetType: "home_visit",
      targetId: row.id,
      details: { corrects: old.id, reason: input.reason },
    });
    return row;
  });
  return {
    visit: (await presentVisits(deps, [visit]))[0] as VisitView,
    hardshipOffer: await hardshipOffer(deps, visit),
  };
}

/** The API view of visit rows, with names, photo links, effects and whether a later correction replaces them. */
export async function presentVisits(deps: Deps, rows: HomeVisit[]): Promise<VisitView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const { ds } = deps;
  const [accounts, staff, photos, effects, successors] = await Promise.all([
    ds.getRepository(HeatingAccount).findBy({ id: In([...new Set(rows.map((r) => r.accountId))]) }),
    ds.getRepository(StaffUser).findBy({
      id: In([...new Set(rows.flatMap((r) => [r.authorStaffId, ...(r.coVisitorId ? [r.coVisitorId] : [])]))]),
    }),
    ds.getRepository(HomeVisitPhoto).findBy({ id: In([...new Set(rows.flatMap(allPhotoIds)), 0]) }),
    ds.getRepository(HomeVisitEffect).find({ where: { visitId: In(ids) }, order: { id: "ASC" } }),
    ds.getRepository(HomeVisit).find({ where: { correctsId: In(ids) }, select: { id: true, correctsId: true } }),
  ]);
  const communities = await ds
    .getRepository(Community)
    .findBy({ id: In([...new Set(rows.map((r) => r.communityId))]) });
  const acc = new Map(accounts.map((a) => [a.id, a]));
  const names = new Map(staff.map((s) => [s.id, s.displayName]));
  const pics = new Map(photos.map((p) => [p.id, p]));
  const com = new Map(communities.map((c) => [c.id, c.name]));
  const next = new Map(successors.map((s) => [s.correctsId as number, s.id]));
  return rows.map((v) => {
    const a = acc.get(v.accountId);
    const photo = (id: number, role: "photo" | "signature" | "temperature") => {
      const p = pics.get(id);
      return p ? [visitPhotoView(deps, p, role)] : [];
    };
    return {
      id: v.id,
      accountId: v.accountId,
      accountNo: a?.accountNo ?? "",
      address: a?.address ?? "",
      communityId: v.communityId,
      communityName: com.get(v.communityId) ?? null,
      visitors: [v.authorStaffId, ...(v.coVisitorId ? [v.coVisitorId] : [])].map((id) => ({
        id,
        name: names.get(id) ?? `#${id}`,
      })),
      startedAt: v.startedAt.toISOString(),
      endedAt: v.endedAt.toISOString(),
      kind: v.kind,
      kindLabel: VISIT_KIND_LABELS[v.kind],
      outcome: v.outcome,
      outcomeLabel: VISIT_OUTCOME_LABELS[v.outcome],
      indoorTempC10: v.indoorTempC10,
      tempMethod: v.tempMethod,
      outdoorTempC10: v.outdoorTempC10,
      faultsFound: v.faultsFound,
      faultsFixed: v.faultsFixed,
      policyExplained: v.policyExplained ?? [],
      position: v.positionKind
        ? {
            kind: v.positionKind,
            label: VISIT_POSITION_LABELS[v.positionKind],
            promisedDate: v.promisedDate,
            reason: v.positionReason,
          }
        : null,
      notes: v.notes,
      photos: [
        ...v.photoIds.flatMap((id) => photo(id, "photo")),
        ...(v.tempPhotoId ? photo(v.tempPhotoId, "temperature") : []),
        ...(v.signaturePhotoId ? photo(v.signaturePhotoId, "signature") : []),
      ],
      location:
        v.latE6 !== null && v.lngE6 !== null
          ? { lat: v.latE6 / 1e6, lng: v.lngE6 / 1e6, accuracyM: v.accuracyM }
          : null,
      correctsId: v.correctsId,
      correctionReason: v.correctionReason,
      rootId: v.rootId ?? v.id,
      supersededById: next.get(v.id) ?? null,
      effects: effects
        .filter((e) => e.visitId === v.id)
        .map((e) => ({ kind: e.kind, refId: e.refId, label: EFFECT_LABELS[e.kind] })),
      createdAt: v.createdAt.toISOString(),
    };
  });
}

/** the current rows (no later correction replaces them) */
export function currentOnly<T extends { supersededById: number | null }>(views: T[]): T[] {
  return views.filter((v) => v.supersededById === null);
}

export const visitDay = (v: HomeVisit) => shanghaiDate(v.startedAt);

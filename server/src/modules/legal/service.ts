import {
  addMonthsClamped,
  type BizDate,
  filingDateError,
  LEGAL_AUDIENCE,
  LEGAL_CASE_STATE_LABELS,
  LEGAL_DEADLINE_LABELS,
  LEGAL_EVENT_LABELS,
  LEGAL_OUTCOME_LABELS,
  type LegalAction,
  type LegalCandidateView,
  type LegalCaseState,
  type LegalCaseView,
  type LegalDeadlineDue,
  type LegalDeadlineKind,
  type LegalEventKind,
  type LegalOutcome,
  type LegalRuleConfig,
  legalDeadlineStatus,
  legalDeadlines,
  legalTransition,
  maskName,
  OPEN_LEGAL_CASE_STATES,
  shanghaiDate,
  type StaffRole,
  type WorkCalendar,
} from "@warmline/shared";
import type { Context } from "koa";
import { type DataSource, type EntityManager, In, IsNull, MoreThanOrEqual, Not } from "typeorm";
import type { Deps } from "../../deps";
import { staffAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { logger } from "../../lib/logger";
import { Community, HeatingAccount, isUniqueViolation } from "../accounts";
import { raiseAlert } from "../alerts";
import { audit } from "../audit";
import { Bill } from "../billing";
import { appendChained } from "../evidence";
import { raiseCalendarMissingAlert, workCalendar } from "../calendar";
import { HardshipApplication } from "../hardship";
import { PaymentOrder } from "../payments";
import { arrearsOf } from "../reminders";
import { StaffUser } from "../staff";
import { Ticket } from "../tickets";
import { LegalCandidate, LegalCandidateDismissal, LegalCase, LegalCaseEvent, LegalCaseScan } from "./entities";
import { evaluateAccount } from "./facts";

type LegalConfig = Deps["config"]["legal"];
type Db = DataSource | EntityManager;

// ---------------------------------------------------------------------------------------------------------
// candidates

/** accounts with principal due before the rule's limit (the only ones the rule can pick), in id order */
async function oldArrearsAccounts(ds: DataSource, asOf: BizDate, rule: LegalRuleConfig): Promise<number[]> {
  const limit = addMonthsClamped(asOf, -rule.minArrearsMonths);
  const rows = await ds
    .getRepository(Bill)
    .createQueryBuilder("b")
    .select("DISTINCT b.account_id", "accountId")
    .where("b.status IN (:...open)", { open: ["unpaid", "partial"] })
    .andWhere("b.due_date < :limit", { limit })
    .orderBy("b.account_id", "ASC")
    .getRawMany<{ accountId: number | string }>();
  return rows.map((r) => Number(r.accountId));
}

/**
 * The daily candidate run (job "legal.candidates_daily", or 刷新 on the desk): evaluates every account with
 * old enough arrears and rewrites `legal_candidates` with those meeting the rule. Returns how many.
 */
export async function refreshCandidates(ds: DataSource, cfg: LegalConfig, now = new Date()): Promise<number> {
  const asOf = shanghaiDate(now);
  const ids = await oldArrearsAccounts(ds, asOf, cfg.rule);
  const rows: Partial<LegalCandidate>[] = [];
  for (const id of ids) {
    const e = await evaluateAccount(ds, id, asOf, cfg.rule, now);
    if (!e?.result.candidate || !e.arrearsKey) continue;
    rows.push({
      accountId: id,
      communityId: e.account.communityId,
      arrearsKey: e.arrearsKey,
      evaluatedOn: asOf,
      owedFen: e.owedFen,
      principalFen: e.principalFen,
      oldestDueDate: e.oldestDueDate,
      arrearsMonths: e.result.arrearsMonths,
      visitDays: e.result.visitDays,
      lastPosition: e.result.lastPosition,
      candidate: true,
      reasons: e.result.reasons,
    });
  }
  await ds.transaction(async (m) => {
    await m.createQueryBuilder().delete().from(LegalCandidate).execute();
    for (let i = 0; i < rows.length; i += 500) {
      await m
        .createQueryBuilder()
        .insert()
        .into(LegalCandidate)
        .values(rows.slice(i, i + 500) as never)
        .updateEntity(false)
        .execute();
    }
  });
  logger.info({ evaluated: ids.length, candidates: rows.length }, "legal candidates refreshed");
  return rows.length;
}

export async function listCandidates(
  ds: DataSource,
  q: { page: number; pageSize: number; communityId?: number },
): Promise<{ items: LegalCandidateView[]; total: number; page: number; pageSize: number }> {
  const qb = ds
    .getRepository(LegalCandidate)
    .createQueryBuilder("c")
    .where("NOT EXISTS (SELECT 1 FROM legal_candidate_dismissals d WHERE d.arrears_key = c.arrears_key)")
    .andWhere("NOT EXISTS (SELECT 1 FROM legal_cases k WHERE k.arrears_key = c.arrears_key)");
  if (q.communityId) qb.andWhere("c.community_id = :cid", { cid: q.communityId });
  const [rows, total] = await qb
    .orderBy("c.owed_fen", "DESC")
    .addOrderBy("c.id", "ASC")
    .skip((q.page - 1) * q.pageSize)
    .take(q.pageSize)
    .getManyAndCount();
  const accounts = await accountsById(
    ds,
    rows.map((r) => r.accountId),
  );
  const open = rows.length
    ? await ds.getRepository(LegalCase).find({
        select: { id: true, accountId: true },
        where: { openAccountId: In(rows.map((r) => r.accountId)) },
      })
    : [];
  const openBy = new Map(open.map((c) => [c.accountId, c.id]));
  return {
    items: rows.map((r) => {
      const a = accounts.get(r.accountId);
      return {
        accountId: r.accountId,
        accountNo: a?.accountNo ?? "",
        ownerName: maskName(a?.ownerName) ?? "",
        communityName: a?.communityName ?? "",
        address: a?.address ?? "",
        owedFen: r.owedFen,
        principalFen: r.principalFen,
        oldestDueDate: r.oldestDueDate,
        arrearsMonths: r.arrearsMonths,
        visitDays: r.visitDays,
        lastPosition: r.lastPosition,
        candidate: r.candidate,
        reasons: r.reasons,
        evaluatedOn: r.evaluatedOn,
        openCaseId: openBy.get(r.accountId) ?? null,
      };
    }),
    total,
    page: q.page,
    pageSize: q.pageSize,
  };
}

/** The rule for one account now, with its reasons (the desk's 查看原因 for any account). */
export async function checkAccount(deps: Deps, accountId: number, now = new Date()): Promise<LegalCandidateView> {
  const asOf = shanghaiDate(now);
  const e = await evaluateAccount(deps.ds, accountId, asOf, deps.config.legal.rule, now);
  if (!e) throw new AppError("ACCOUNT_NOT_FOUND");
  const a = (await accountsById(deps.ds, [accountId])).get(accountId);
  const open = await deps.ds.getRepository(LegalCase).findOneBy({ openAccountId: accountId });
  return {
    accountId,
    accountNo: e.account.accountNo,
    ownerName: maskName(e.account.ownerName) ?? "",
    communityName: a?.communityName ?? "",
    address: e.account.address,
    owedFen: e.owedFen,
    principalFen: e.principalFen,
    oldestDueDate: e.oldestDueDate,
    arrearsMonths: e.result.arrearsMonths,
    visitDays: e.result.visitDays,
    lastPosition: e.result.lastPosition,
    candidate: e.result.candidate,
    reasons: e.result.reasons,
    evaluatedOn: asOf,
    openCaseId: open?.id ?? null,
  };
}

/** 不予移交: the legal officer decides not to escalate these arrears (audited); the candidate leaves the list. */
export async function dismissCandidate(deps: Deps, ctx: Context, accountId: number, reason: string, now = new Date()) {
  const staff = staffAuth(ctx);
  const e = await evaluateAccount(deps.ds, accountId, shanghaiDate(now), deps.config.legal.rule, now);
  if (!e) throw new AppError("ACCOUNT_NOT_FOUND");
  if (!e.arrearsKey) throw new AppError("LEGAL_NOT_CANDIDATE");
  const key = e.arrearsKey;
  await deps.ds.transaction(async (m) => {
    if (await m.getRepository(LegalCase).countBy({ openAccountId: accountId })) {
      throw new AppError("LEGAL_DISMISS_CASE_OPEN");
    }
    await m
      .createQueryBuilder()
      .insert()
      .into(LegalCandidateDismissal)
      .values({ accountId, arrearsKey: key, reason, staffId: staff.id })
      .orIgnore()
      .updateEntity(false)
      .execute();
    await m.getRepository(LegalCandidate).delete({ accountId });
    await audit(m, ctx, {
      action: "legal.candidate_dismiss",
      targetType: "account",
      targetId: accountId,
      details: { reason, arrearsKey: key },
    });
  });
  return { accountId, dismissed: true };
}

// ---------------------------------------------------------------------------------------------------------
// cases

/** appends a timeline event (and chains it: modules/evidence) */
export async function addEvent(
  m: EntityManager,
  caseId: number,
  kind: LegalEventKind,
  actorStaffId: number | null,
  data: Record<string, unknown>,
  dedupeKey: string | null = null,
): Promise<boolean> {
  if (dedupeKey !== null && (await m.getRepository(LegalCaseEvent).existsBy({ caseId, dedupeKey }))) return false;
  try {
    await m.getRepository(LegalCaseEvent).insert({ caseId, kind, actorStaffId, data: data as never, dedupeKey });
    await appendChained(m, "legal_case_events", caseId);
  } catch (err) {
    // the same news seen by two runs at once: the unique key keeps one
    if (dedupeKey !== null && isUniqueViolation(err)) return false;
    throw err;
  }
  return true;
}

async function lockCase(m: EntityManager, id: number): Promise<LegalCase> {
  const qb = m.getRepository(LegalCase).createQueryBuilder("c").where("c.id = :id", { id });
  if (m.connection.options.type !== "better-sqlite3") qb.setLock("pessimistic_write");
  const row = await qb.getOne();
  if (!row) throw new AppError("LEGAL_CASE_NOT_FOUND");
  return row;
}

function step(c: LegalCase, action: LegalAction, outcome?: LegalOutcome): LegalCaseState {
  const next = legalTransition(c.state, action, outcome);
  if (!next) {
    throw new AppError("LEGAL_STATE_CONFLICT", { state: c.state, stateLabel: LEGAL_CASE_STATE_LABELS[c.state] });
  }
  return next;
}

/**
 * 立案审查: opens a case from an account. Refuses a second case for the same arrears (open or closed), a
 * hardship household (困难不拒缴), and an account that no longer meets the rule (the reasons in details).
 */
export async function openCase(deps: Deps, ctx: Context, accountId: number, note?: string, now = new Date()) {
  const staff = staffAuth(ctx);
  const { ds } = deps;
  const e = await evaluateAccount(ds, accountId, shanghaiDate(now), deps.config.legal.rule, now);
  if (!e) throw new AppError("ACCOUNT_NOT_FOUND");
  const existing = await ds.getRepository(LegalCase).findOne({
    where: [{ openAccountId: accountId }, ...(e.arrearsKey ? [{ arrearsKey: e.arrearsKey }] : [])],
  });
  if (existing) throw new AppError("LEGAL_CASE_EXISTS", { caseId: existing.id, caseNo: existing.caseNo });
  const failed = e.result.reasons.filter((r) => !r.met);
  if (failed.some((r) => r.condition === "no_hardship")) {
    throw new AppError("LEGAL_HARDSHIP_HOUSEHOLD", { reasons: failed });
  }
  if (!e.result.candidate || !e.arrearsKey || !e.facts.oldestUnpaidDueDate) {
    throw new AppError("LEGAL_NOT_CANDIDATE", { reasons: failed });
  }
  const season = e.arrearsKey.split(":")[1] as string;
  let id = 0;
  try {
    await ds.transaction(async (m) => {
      const ins = await m
        .createQueryBuilder()
        .insert()
        .into(LegalCase)
        .values({
          caseNo: `T${now.getTime()}${accountId}`.slice(0, 24),
          accountId,
          openAccountId: accountId,
          arrearsKey: e.arrearsKey as string,
          communityId: e.account.communityId,
          state: "pending_review",
          outcome: null,
          owedFen: e.owedFen,
          principalFen: e.principalFen,
          oldestDueDate: e.oldestDueDate,
          arrearsSeason: season,
          reasons: e.result.reasons as never,
          openedBy: staff.id,
        })
        .execute();
      id = Number(ins.identifiers[0]?.id ?? (ins.raw as { insertId?: number }).insertId);
      const caseNo = `FW${shanghaiDate(now).replace(/-/g, "")}${String(id).padStart(5, "0")}`;
      await m.getRepository(LegalCase).update({ id }, { caseNo });
      await addEvent(m, id, "opened", staff.id, {
        owedFen: e.owedFen,
        principalFen: e.principalFen,
        oldestDueDate: e.oldestDueDate,
        visitDays: e.result.visitDays,
        note: note ?? null,
      });
      await m.getRepository(LegalCandidate).delete({ accountId });
      await audit(m, ctx, {
        action: "legal.case_open",
        targetType: "legal_case",
        targetId: id,
        details: { accountNo: e.account.accountNo, caseNo, owedFen: e.owedFen },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("LEGAL_CASE_EXISTS");
    throw err;
  }
  return getCase(deps, ctx, id, now);
}

/** the deadlines from an approval day, or the missing year when the calendar lacks one */
async function computeDeadlines(ds: DataSource, cfg: LegalConfig, approvedOn: BizDate) {
  const cal = await workCalendar(ds);
  const due = legalDeadlines(cal, approvedOn, cfg.deadlines);
  const by = (k: LegalDeadlineKind) => due.find((d) => d.kind === k) as LegalDeadlineDue;
  const submit = by("submit");
  const litigate = by("litigate");
  const missing =
    "missingYear" in submit ? submit.missingYear : "missingYear" in litigate ? litigate.missingYear : null;
  return {
    submitDue: "due" in submit ? submit.due : null,
    litigateDue: "due" in litigate ? litigate.due : null,
    deadlineMissingYear: missing,
  };
}

/** 批准移交: by the role the centre configured (LEGAL_APPROVER_ROLE); fixes the court deadlines. */
export async function approveCase(deps: Deps, ctx: Context, id: number, now = new Date()) {
  const staff = staffAuth(ctx);
  const cfg = deps.config.legal;
  if (!(await deps.ds.getRepository(LegalCase).existsBy({ id }))) throw new AppError("LEGAL_CASE_NOT_FOUND");
  if (!staff.roles.includes(cfg.approverRole as StaffRole)) {
    throw new AppError("LEGAL_APPROVER_REQUIRED", { approverRole: cfg.approverRole });
  }
  const approvedOn = shanghaiDate(now);
  const deadlines = await computeDeadlines(deps.ds, cfg, approvedOn);
  await deps.ds.transaction(async (m) => {
    const c = await lockCase(m, id);
    const state = step(c, "approve");
    await m
      .getRepository(LegalCase)
      .update({ id }, { state, approvedBy: staff.id, approvedAt: now, approvedOn, ...deadlines });
    await addEvent(m, id, "approved", staff.id, { approvedOn, ...deadlines });
    if (deadlines.deadlineMissingYear !== null) {
      await raiseCalendarMissingAlert(m, deadlines.deadlineMissingYear, `法务案件 ${c.caseNo} 的期限`, now);
    }
    await audit(m, ctx, { action: "legal.case_approve", targetType: "legal_case", targetId: id, details: deadlines });
  });
  return getCase(deps, ctx, id, now);
}

/**
 * 材料已导出: a litigation packet is ready (called in the transaction that marks it so). Every ready packet
 * is an `exported` event with its ZIP hash; the first one also moves an approved case on to 材料已导出.
 */
export async function markExported(
  m: EntityManager,
  id: number,
  actorStaffId: number,
  data: { packetId: number; zipSha256: string; zipBytes: number },
  now = new Date(),
): Promise<void> {
  const c = await lockCase(m, id);
  if (c.state === "approved") {
    await m.getRepository(LegalCase).update({ id }, { state: step(c, "export"), exportedOn: shanghaiDate(now) });
  }
  await addEvent(
    m,
    id,
    "exported",
    actorStaffId,
    { ...data, firstExport: c.state === "approved" },
    `packet:${data.packetId}`,
  );
}

/** 登记提交法院: court, filing date (between approval and today), receipt number and the uploaded scan. */
export async function fileCase(
  deps: Deps,
  ctx: Context,
  id: number,
  body: { courtName: string; filedOn: BizDate; receiptNo: string; scanId: number },
  now = new Date(),
) {
  const staff = staffAuth(ctx);
  await deps.ds.transaction(async (m) => {
    const c = await lockCase(m, id);
    const state = step(c, "file");
    const err = filingDateError(body.filedOn, c.approvedOn as string, shanghaiDate(now));
    if (err === "before_approval") throw new AppError("LEGAL_FILING_BEFORE_APPROVAL", { approvedOn: c.approvedOn });
    if (err === "future") throw new AppError("LEGAL_FILING_IN_FUTURE");
    const scan = await m.getRepository(LegalCaseScan).findOneBy({ id: body.scanId, caseId: id });
    if (!scan) throw new AppError("LEGAL_SCAN_REQUIRED");
    await m
      .getRepository(LegalCase)
      .update(
        { id },
        { state, filedOn: body.filedOn, courtName: body.courtName, courtReceiptNo: body.receiptNo, scanId: scan.id },
      );
    await addEvent(m, id, "filed", staff.id, {
      courtName: body.courtName,
      filedOn: body.filedOn,
      receiptNo: body.receiptNo,
      scanSha256: scan.sha256,
    });
    await audit(m, ctx, {
      action: "legal.case_file",
      targetType: "legal_case",
      targetId: id,
      details: { courtName: body.courtName, filedOn: body.filedOn, courtReceiptNo: body.receiptNo },
    });
  });
  return getCase(deps, ctx, id, now);
}

/** 法院立案: the court's case number and date (not before the filing, not in the future). */
export async function registerCase(
  deps: Deps,
  ctx: Context,
  id: number,
  body: { registeredOn: BizDate; courtCaseNo: string },
  now = new Date(),
) {
  const staff = staffAuth(ctx);
  await deps.ds.transaction(async (m) => {
    const c = await lockCase(m, id);
    const state = step(c, "register");
    if (body.registeredOn < (c.filedOn as string) || body.registeredOn > shanghaiDate(now)) {
      throw new AppError("LEGAL_REGISTER_DATE_INVALID", { filedOn: c.filedOn });
    }
    await m
      .getRepository(LegalCase)
      .update({ id }, { state, registeredOn: body.registeredOn, courtCaseNo: body.courtCaseNo });
    await addEvent(m, id, "registered", staff.id, { ...body });
    await audit(m, ctx, { action: "legal.case_register", targetType: "legal_case", targetId: id, details: body });
  });
  return getCase(deps, ctx, id, now);
}

/** 结案 with its outcome (判决 only after 立案). */
export async function closeCase(
  deps: Deps,
  ctx: Context,
  id: number,
  body: { outcome: LegalOutcome; note?: string },
  now = new Date(),
) {
  const staff = staffAuth(ctx);
  await deps.ds.transaction(async (m) => {
    const c = await lockCase(m, id);
    const state = step(c, "close", body.outcome);
    await m
      .getRepository(LegalCase)
      .update({ id }, { state, outcome: body.outcome, openAccountId: null, closedAt: now });
    await addEvent(m, id, "closed", staff.id, { outcome: body.outcome, note: body.note ?? null });
    await audit(m, ctx, {
      action: "legal.case_close",
      targetType: "legal_case",
      targetId: id,
      details: { caseOutcome: LEGAL_OUTCOME_LABELS[body.outcome], reason: body.note ?? null },
    });
  });
  return getCase(deps, ctx, id, now);
}

// ---------------------------------------------------------------------------------------------------------
// presenting

async function accountsById(ds: Db, ids: number[]) {
  const out = new Map<number, { accountNo: string; ownerName: string; address: string; communityName: string }>();
  if (ids.length === 0) return out;
  const accounts = await ds.getRepository(HeatingAccount).findBy({ id: In([...new Set(ids)]) });
  const communities = await ds
    .getRepository(Community)
    .findBy({ id: In([...new Set(accounts.map((a) => a.communityId))]) });
  const names = new Map(communities.map((c) => [c.id, c.name]));
  for (const a of accounts) {
    out.set(a.id, {
      accountNo: a.accountNo,
      ownerName: a.ownerName,
      address: a.address,
      communityName: names.get(a.communityId) ?? "",
    });
  }
  return out;
}

function deadlineViews(cal: WorkCalendar | null, c: LegalCase, today: BizDate, warn: number) {
  if (!c.approvedOn) return [];
  const kinds: [LegalDeadlineKind, string | null, string | null][] = [
    ["submit", c.submitDue, c.filedOn],
    ["litigate", c.litigateDue, c.registeredOn],
  ];
  return kinds.map(([kind, due, doneOn]) => {
    const d: LegalDeadlineDue = due ? { kind, due } : { kind, missingYear: c.deadlineMissingYear ?? 0 };
    const st = cal
      ? legalDeadlineStatus(cal, d, doneOn, today, warn)
      : { state: "calendar_missing" as const, workdaysLeft: null };
    return {
      kind,
      dueDate: due,
      missingYear: due ? null : c.deadlineMissingYear,
      state: c.state === "closed" && !doneOn && st.state !== "calendar_missing" ? ("met" as const) : st.state,
      workdaysLeft: c.state === "closed" ? null : st.workdaysLeft,
      doneOn,
    };
  });
}

function actionsFor(c: LegalCase, roles: readonly string[], approverRole: string) {
  const out: ("approve" | "file" | "register" | "close")[] = [];
  if (legalTransition(c.state, "approve") && roles.includes(approverRole)) out.push("approve");
  if (legalTransition(c.state, "file")) out.push("file");
  if (legalTransition(c.state, "register")) out.push("register");
  if (c.state !== "closed") out.push("close");
  return out;
}

async function presentCases(deps: Deps, rows: LegalCase[], roles: readonly string[], now: Date) {
  const accounts = await accountsById(
    deps.ds,
    rows.map((r) => r.accountId),
  );
  const cal = await workCalendar(deps.ds);
  const today = shanghaiDate(now);
  return rows.map((c) => {
    const a = accounts.get(c.accountId);
    return {
      id: c.id,
      caseNo: c.caseNo,
      accountId: c.accountId,
      accountNo: a?.accountNo ?? "",
      ownerName: maskName(a?.ownerName) ?? "",
      communityName: a?.communityName ?? "",
      address: a?.address ?? "",
      state: c.state,
      stateLabel: LEGAL_CASE_STATE_LABELS[c.state],
      outcome: c.outcome,
      owedFen: c.owedFen,
      principalFen: c.principalFen,
      oldestDueDate: c.oldestDueDate,
      arrearsSeason: c.arrearsSeason,
      reasons: c.reasons,
      openedAt: c.createdAt.toISOString(),
      approvedOn: c.approvedOn,
      filedOn: c.filedOn,
      courtName: c.courtName,
      courtReceiptNo: c.courtReceiptNo,
      hasScan: c.scanId !== null,
      registeredOn: c.registeredOn,
      courtCaseNo: c.courtCaseNo,
      closedAt: c.closedAt?.toISOString() ?? null,
      deadlines: deadlineViews(cal, c, today, deps.config.legal.deadlines.warnWorkdays),
      actions: actionsFor(c, roles, deps.config.legal.approverRole),
    };
  });
}

export async function getCase(deps: Deps, ctx: Context, id: number, now = new Date()): Promise<LegalCaseView> {
  const c = await deps.ds.getRepository(LegalCase).findOneBy({ id });
  if (!c) throw new AppError("LEGAL_CASE_NOT_FOUND");
  const [view] = await presentCases(deps, [c], staffAuth(ctx).roles, now);
  const events = await deps.ds.getRepository(LegalCaseEvent).find({ where: { caseId: id }, order: { id: "ASC" } });
  const staffIds = [...new Set(events.map((e) => e.actorStaffId).filter((x): x is number => x !== null))];
  const staff = staffIds.length ? await deps.ds.getRepository(StaffUser).findBy({ id: In(staffIds) }) : [];
  const names = new Map(staff.map((s) => [s.id, s.displayName]));
  return {
    ...(view as Omit<LegalCaseView, "events">),
    events: events.map((e) => ({
      id: e.id,
      kind: e.kind,
      label: LEGAL_EVENT_LABELS[e.kind] ?? e.kind,
      actorName: e.actorStaffId === null ? null : (names.get(e.actorStaffId) ?? `#${e.actorStaffId}`),
      at: e.createdAt.toISOString(),
      data: e.data ?? {},
    })),
  };
}

export async function listCases(
  deps: Deps,
  ctx: Context,
  q: { page: number; pageSize: number; state?: LegalCaseState; open?: "true" | "false" },
  now = new Date(),
) {
  const where =
    q.state !== undefined
      ? { state: q.state }
      : q.open === "true"
        ? { state: In([...OPEN_LEGAL_CASE_STATES]) }
        : q.open === "false"
          ? { state: "closed" as const }
          : {};
  const [rows, total] = await deps.ds.getRepository(LegalCase).findAndCount({
    where,
    order: { id: "DESC" },
    skip: (q.page - 1) * q.pageSize,
    take: q.pageSize,
  });
  const items = await presentCases(deps, rows, staffAuth(ctx).roles, now);
  return { items: items.map(({ reasons: _r, ...rest }) => rest), total, page: q.page, pageSize: q.pageSize };
}

/** 期限一览: every deadline of the open approved cases, the nearest first (missing-calendar ones on top). */
export async function listDeadlines(deps: Deps, now = new Date()) {
  const rows = await deps.ds.getRepository(LegalCase).find({
    where: { state: In(OPEN_LEGAL_CASE_STATES.filter((s) => s !== "pending_review")), approvedOn: Not(IsNull()) },
    order: { id: "ASC" },
  });
  const accounts = await accountsById(
    deps.ds,
    rows.map((r) => r.accountId),
  );
  const cal = await workCalendar(deps.ds);
  const today = shanghaiDate(now);
  const items = rows.flatMap((c) =>
    deadlineViews(cal, c, today, deps.config.legal.deadlines.warnWorkdays).map((d) => ({
      ...d,
      caseId: c.id,
      caseNo: c.caseNo,
      accountNo: accounts.get(c.accountId)?.accountNo ?? "",
      caseState: c.state,
    })),
  );
  items.sort((a, b) => (a.dueDate ?? "0000").localeCompare(b.dueDate ?? "0000") || a.caseId - b.caseId);
  return { items };
}

// ---------------------------------------------------------------------------------------------------------
// the sweeps: deadlines, news on the accounts of open cases

/**
 * Deadline alerts in the legal officers' inbox (job "legal.deadline_sweep"): 2 working days left (or the
 * configured number) and breached, each once per case and deadline. A case whose deadlines could not be
 * computed gets them as soon as the year is loaded; until then 节假日数据缺失 is raised to the supervisors.
 */
export async function sweepDeadlines(ds: DataSource, cfg: LegalConfig, now = new Date()) {
  const today = shanghaiDate(now);
  const cases = await ds.getRepository(LegalCase).find({
    where: { state: In(OPEN_LEGAL_CASE_STATES.filter((s) => s !== "pending_review")), approvedOn: Not(IsNull()) },
  });
  let raised = 0;
  for (const c of cases) {
    if (c.deadlineMissingYear !== null) {
      const d = await computeDeadlines(ds, cfg, c.approvedOn as string);
      if (d.deadlineMissingYear === null) {
        await ds.getRepository(LegalCase).update({ id: c.id }, d);
        Object.assign(c, d);
      } else {
        await raiseCalendarMissingAlert(ds.manager, d.deadlineMissingYear, `法务案件 ${c.caseNo} 的期限`, now);
      }
    }
    const cal = await workCalendar(ds);
    for (const d of deadlineViews(cal, c, today, cfg.deadlines.warnWorkdays)) {
      if (d.state !== "due_soon" && d.state !== "breached") continue;
      const soon = d.state === "due_soon";
      const label = LEGAL_DEADLINE_LABELS[d.kind];
      await raiseAlert(ds.manager, {
        kind: soon ? "legal_deadline_soon" : "legal_deadline_breached",
        audience: LEGAL_AUDIENCE,
        dedupeKey: `legal_deadline_${soon ? "soon" : "breached"}:${c.id}:${d.kind}`,
        subjectType: "legal_case",
        subjectId: c.id,
        stationId: null,
        title: soon
          ? `法务期限将到：${c.caseNo} ${label}（剩 ${d.workdaysLeft} 个工作日）`
          : `法务期限已超：${c.caseNo} ${label}`,
        body: soon
          ? `案件 ${c.caseNo} 应于 ${d.dueDate} 前${label}，还剩 ${d.workdaysLeft} 个工作日。`
          : `案件 ${c.caseNo} 应于 ${d.dueDate} 前${label}，已超期，请尽快处理并说明原因。`,
        data: { caseId: c.id, deadline: d.kind, dueDate: d.dueDate },
        at: now,
      });
      raised++;
    }
  }
  return raised;
}

/**
 * 案件期间的新情况 (job "legal.activity_check"): a payment, a hardship application or a new service
 * complaint on the account of an open case since it was opened → a timeline event and an alert in the legal
 * officers' inbox, once each. A payment that leaves nothing owed offers to close the case (已全额缴清).
 * A periodic check rather than a hook in payments, hardship and tickets: those modules stay untouched.
 */
export async function checkCaseActivity(ds: DataSource, now = new Date()) {
  const cases = await ds.getRepository(LegalCase).find({ where: { state: In([...OPEN_LEGAL_CASE_STATES]) } });
  let found = 0;
  for (const c of cases) {
    const since = c.createdAt;
    const [payments, apps, tickets] = await Promise.all([
      ds.getRepository(PaymentOrder).find({
        where: { accountId: c.accountId, paidAt: MoreThanOrEqual(since) },
        order: { id: "ASC" },
      }),
      ds.getRepository(HardshipApplication).find({
        where: { accountId: c.accountId, createdAt: MoreThanOrEqual(since) },
        order: { id: "ASC" },
      }),
      ds.getRepository(Ticket).find({
        where: { accountId: c.accountId, createdAt: MoreThanOrEqual(since), category: Not("inquiry") },
        order: { id: "ASC" },
      }),
    ]);
    const news: { kind: LegalEventKind; key: string; data: Record<string, unknown>; title: string; body: string }[] =
      [];
    if (payments.length) {
      const owed = (await arrearsOf(ds, c.accountId, shanghaiDate(now))).owedFen;
      for (const p of payments) {
        const full = owed <= 0;
        news.push({
          kind: "payment",
          key: `payment:${p.id}`,
          data: {
            paymentOrderId: p.id,
            amountFen: p.amountFen,
            paidAt: p.paidAt?.toISOString(),
            owedFenNow: owed,
            offerClose: full,
          },
          title: full ? `法务案件户已全额缴清：${c.caseNo}` : `法务案件户有缴费：${c.caseNo}`,
          body: full
            ? `案件 ${c.caseNo} 的欠费户缴费 ${(p.amountFen / 100).toFixed(2)} 元，已无欠费，可结案（结案方式：已全额缴清）。`
            : `案件 ${c.caseNo} 的欠费户缴费 ${(p.amountFen / 100).toFixed(2)} 元，仍欠 ${(owed / 100).toFixed(2)} 元。`,
        });
      }
    }
    for (const a of apps) {
      news.push({
        kind: "hardship_application",
        key: `hardship:${a.id}`,
        data: { applicationId: a.id, applicationNo: a.applicationNo },
        title: `法务案件户提出困难申请：${c.caseNo}`,
        body: `案件 ${c.caseNo} 的欠费户提交了困难缓缴/分期申请（${a.applicationNo}）。困难不拒缴：请暂停移交，待审核结果。`,
      });
    }
    for (const t of tickets) {
      news.push({
        kind: "complaint",
        key: `ticket:${t.id}`,
        data: { ticketId: t.id, ticketNo: t.ticketNo, category: t.category },
        title: `法务案件户新增诉求：${c.caseNo}`,
        body: `案件 ${c.caseNo} 的欠费户新增服务诉求（${t.ticketNo}），请核实服务是否到位后再推进。`,
      });
    }
    for (const n of news) {
      await ds.transaction(async (m) => {
        const fresh = await addEvent(m, c.id, n.kind, null, n.data, n.key);
        if (!fresh) return;
        found++;
        await raiseAlert(m, {
          kind: "legal_case_activity",
          audience: LEGAL_AUDIENCE,
          dedupeKey: `legal_activity:${c.id}:${n.key}`,
          subjectType: "legal_case",
          subjectId: c.id,
          stationId: null,
          title: n.title,
          body: n.body,
          data: { caseId: c.id, ...n.data },
          at: now,
        });
      });
    }
  }
  return found;
}

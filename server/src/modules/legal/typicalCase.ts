import {
  NoticeInputSchema,
  shanghaiDate,
  TYPICAL_CASE_STATE_LABELS,
  TYPICAL_LEAK_LABELS,
  type TypicalCaseOfCase,
  type TypicalCaseSecrets,
  type TypicalCaseState,
  type TypicalCaseTextInput,
  type TypicalCaseView,
  typicalCaseDraft,
  typicalCaseLeaks,
} from "@warmline/shared";
import type { Context } from "koa";
import { type DataSource, Entity, type EntityManager, In, Index } from "typeorm";
import { CreatedAt, FkColumn, IdColumn, Instant, Int, Str, Text, UpdatedAt } from "../../db/columns";
import type { Deps } from "../../deps";
import { staffAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { Building, Community, HeatingAccount, isUniqueViolation } from "../accounts";
import { audit } from "../audit";
import { insertNotice } from "../notices";
import { StaffUser } from "../staff";
import { LegalCase } from "./entities";

/**
 * 曝光典型案例: the anonymized summary of a closed case a legal officer drafts (generated from the case,
 * editable), a supervisor other than the author approves — which publishes it as a notice to the case's
 * community — or rejects with a reason (the author may then revise it, back to 待审核). One per case.
 * Every save and the approval pass the leak check (full name, ID number, phone, unit/room, address, account
 * number of the household): 422 TYPICAL_CASE_LEAK, nothing written.
 */
@Entity("legal_typical_cases")
@Index(["state", "id"])
export class LegalTypicalCase {
  @IdColumn() id!: number;
  @Index({ unique: true }) @FkColumn({ name: "case_id" }) caseId!: number;
  @Int({ name: "community_id" }) communityId!: number;
  @Str(60) title!: string;
  @Text() body!: string;
  @Str(16) state!: TypicalCaseState;
  @Int({ name: "author_staff_id" }) authorStaffId!: number;
  @Int({ name: "reviewer_staff_id", nullable: true }) reviewerStaffId!: number | null;
  @Instant({ name: "reviewed_at", nullable: true }) reviewedAt!: Date | null;
  @Str(200, { name: "reject_reason", nullable: true }) rejectReason!: string | null;
  @Int({ name: "notice_id", nullable: true }) noticeId!: number | null;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

type Db = DataSource | EntityManager;

interface CaseContext {
  c: LegalCase;
  account: HeatingAccount;
  communityName: string;
  buildingName: string | null;
}

async function caseContext(db: Db, caseId: number): Promise<CaseContext> {
  const c = await db.getRepository(LegalCase).findOneBy({ id: caseId });
  if (!c) throw new AppError("LEGAL_CASE_NOT_FOUND");
  const account = await db.getRepository(HeatingAccount).findOneByOrFail({ id: c.accountId });
  const community = await db.getRepository(Community).findOneBy({ id: c.communityId });
  const building = account.buildingId ? await db.getRepository(Building).findOneBy({ id: account.buildingId }) : null;
  return { c, account, communityName: community?.name ?? "", buildingName: building?.name ?? null };
}

function suggestion(x: CaseContext) {
  if (x.c.state !== "closed" || !x.c.outcome) return null;
  return typicalCaseDraft({
    ownerName: x.account.ownerName,
    communityName: x.communityName,
    buildingName: x.buildingName,
    amountFen: x.c.owedFen,
    outcome: x.c.outcome,
    closedOn: shanghaiDate(x.c.closedAt ?? new Date()),
    season: x.c.arrearsSeason,
  });
}

function secretsOf(deps: Deps, a: HeatingAccount): TypicalCaseSecrets {
  return {
    ownerName: a.ownerName,
    accountNo: a.accountNo,
    idNumber: deps.vault.decrypt(a.idNumberEnc),
    phone: deps.vault.decrypt(a.phoneEnc),
    unit: a.unit,
    room: a.room,
    address: a.address,
  };
}

/** refuses a text that gives the household away (422, the kinds in details) */
function checkLeaks(deps: Deps, a: HeatingAccount, text: { title: string; body: string }) {
  const leaks = typicalCaseLeaks(`${text.title}\n${text.body}`, secretsOf(deps, a));
  if (leaks.length) {
    throw new AppError("TYPICAL_CASE_LEAK", { leaks, labels: leaks.map((k) => TYPICAL_LEAK_LABELS[k]) });
  }
}

async function present(db: Db, rows: LegalTypicalCase[]): Promise<TypicalCaseView[]> {
  if (!rows.length) return [];
  const cases = await db.getRepository(LegalCase).findBy({ id: In(rows.map((r) => r.caseId)) });
  const caseNo = new Map(cases.map((c) => [c.id, c.caseNo]));
  const communities = await db.getRepository(Community).findBy({ id: In(rows.map((r) => r.communityId)) });
  const cName = new Map(communities.map((c) => [c.id, c.name]));
  const staffIds = rows.flatMap((r) => [r.authorStaffId, ...(r.reviewerStaffId ? [r.reviewerStaffId] : [])]);
  const staff = await db.getRepository(StaffUser).findBy({ id: In(staffIds) });
  const sName = new Map(staff.map((s) => [s.id, s.displayName]));
  return rows.map((r) => ({
    id: r.id,
    caseId: r.caseId,
    caseNo: caseNo.get(r.caseId) ?? "",
    communityId: r.communityId,
    communityName: cName.get(r.communityId) ?? "",
    title: r.title,
    body: r.body,
    state: r.state,
    stateLabel: TYPICAL_CASE_STATE_LABELS[r.state],
    authorName: sName.get(r.authorStaffId) ?? `#${r.authorStaffId}`,
    reviewerName: r.reviewerStaffId ? (sName.get(r.reviewerStaffId) ?? `#${r.reviewerStaffId}`) : null,
    reviewedAt: r.reviewedAt?.toISOString() ?? null,
    rejectReason: r.rejectReason,
    noticeId: r.noticeId,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }));
}

async function one(db: Db, id: number): Promise<TypicalCaseView> {
  const row = await db.getRepository(LegalTypicalCase).findOneBy({ id });
  if (!row) throw new AppError("TYPICAL_CASE_NOT_FOUND");
  return (await present(db, [row]))[0] as TypicalCaseView;
}

async function lockTypical(m: EntityManager, id: number): Promise<LegalTypicalCase> {
  const qb = m.getRepository(LegalTypicalCase).createQueryBuilder("t").where("t.id = :id", { id });
  if (m.connection.options.type !== "better-sqlite3") qb.setLock("pessimistic_write");
  const row = await qb.getOne();
  if (!row) throw new AppError("TYPICAL_CASE_NOT_FOUND");
  return row;
}

/** the case page's panel: the typical case, or the generated text to start from */
export async function typicalCaseOfCase(deps: Deps, caseId: number): Promise<TypicalCaseOfCase> {
  const x = await caseContext(deps.ds, caseId);
  const row = await deps.ds.getRepository(LegalTypicalCase).findOneBy({ caseId });
  const item = row ? ((await present(deps.ds, [row]))[0] ?? null) : null;
  return {
    item,
    suggestion: suggestion(x),
    unavailableReason: x.c.state === "closed" ? null : "案件结案后才能撰写典型案例",
  };
}

export async function listTypicalCases(
  deps: Deps,
  q: { page: number; pageSize: number; state?: TypicalCaseState },
): Promise<{ items: TypicalCaseView[]; total: number; page: number; pageSize: number }> {
  const [rows, total] = await deps.ds.getRepository(LegalTypicalCase).findAndCount({
    where: q.state ? { state: q.state } : {},
    order: { id: "DESC" },
    skip: (q.page - 1) * q.pageSize,
    take: q.pageSize,
  });
  return { items: await present(deps.ds, rows), total, page: q.page, pageSize: q.pageSize };
}

/** 撰写: from a closed case, the generated text unless an edited one is sent (checked for leaks) */
export async function draftTypicalCase(
  deps: Deps,
  ctx: Context,
  caseId: number,
  input: Partial<TypicalCaseTextInput>,
): Promise<TypicalCaseView> {
  const staff = staffAuth(ctx);
  const x = await caseContext(deps.ds, caseId);
  const gen = suggestion(x);
  if (!gen) throw new AppError("TYPICAL_CASE_NOT_CLOSED", { state: x.c.state });
  const text = { title: input.title ?? gen.title, body: input.body ?? gen.body };
  checkLeaks(deps, x.account, text);
  let id = 0;
  try {
    await deps.ds.transaction(async (m) => {
      if (await m.getRepository(LegalTypicalCase).existsBy({ caseId })) throw new AppError("TYPICAL_CASE_EXISTS");
      const ins = await m.getRepository(LegalTypicalCase).insert({
        caseId,
        communityId: x.c.communityId,
        title: text.title,
        body: text.body,
        state: "draft",
        authorStaffId: staff.id,
        reviewerStaffId: null,
        reviewedAt: null,
        rejectReason: null,
        noticeId: null,
      });
      id = Number(ins.identifiers[0]?.id);
      await audit(m, ctx, {
        action: "legal.typical_draft",
        targetType: "legal_typical_case",
        targetId: id,
        details: {
          caseNo: x.c.caseNo,
          title: text.title,
          edited: input.title !== undefined || input.body !== undefined,
        },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("TYPICAL_CASE_EXISTS");
    throw err;
  }
  return one(deps.ds, id);
}

/** 修改: a draft, or a rejected one (back to 待审核) */
export async function reviseTypicalCase(
  deps: Deps,
  ctx: Context,
  id: number,
  text: TypicalCaseTextInput,
): Promise<TypicalCaseView> {
  const existing = await deps.ds.getRepository(LegalTypicalCase).findOneBy({ id });
  if (!existing) throw new AppError("TYPICAL_CASE_NOT_FOUND");
  const x = await caseContext(deps.ds, existing.caseId);
  checkLeaks(deps, x.account, text);
  await deps.ds.transaction(async (m) => {
    const row = await lockTypical(m, id);
    if (row.state === "published") throw new AppError("TYPICAL_CASE_STATE", { state: row.state });
    await m.getRepository(LegalTypicalCase).update(
      { id },
      {
        title: text.title,
        body: text.body,
        state: "draft",
        authorStaffId: staffAuth(ctx).id,
        reviewerStaffId: null,
        reviewedAt: null,
        rejectReason: null,
      },
    );
    await audit(m, ctx, {
      action: "legal.typical_update",
      targetType: "legal_typical_case",
      targetId: id,
      details: { caseNo: x.c.caseNo, title: text.title, before: row.state },
    });
  });
  return one(deps.ds, id);
}

/**
 * 审核通过: a supervisor other than the author; the text is checked once more and published as a notice to
 * the case's community in the same transaction.
 */
export async function approveTypicalCase(deps: Deps, ctx: Context, id: number, now = new Date()) {
  const staff = staffAuth(ctx);
  const existing = await deps.ds.getRepository(LegalTypicalCase).findOneBy({ id });
  if (!existing) throw new AppError("TYPICAL_CASE_NOT_FOUND");
  const x = await caseContext(deps.ds, existing.caseId);
  await deps.ds.transaction(async (m) => {
    const row = await lockTypical(m, id);
    if (row.state !== "draft") throw new AppError("TYPICAL_CASE_STATE", { state: row.state });
    if (row.authorStaffId === staff.id) throw new AppError("TYPICAL_CASE_SELF_REVIEW");
    checkLeaks(deps, x.account, row);
    const notice = await insertNotice(
      m,
      ctx,
      NoticeInputSchema.parse({
        title: row.title,
        body: row.body,
        kind: "other",
        audience: "communities",
        communityIds: [row.communityId],
        publishAt: now.toISOString(),
      }),
    );
    await m
      .getRepository(LegalTypicalCase)
      .update({ id }, { state: "published", reviewerStaffId: staff.id, reviewedAt: now, noticeId: notice.id });
    await audit(m, ctx, {
      action: "legal.typical_approve",
      targetType: "legal_typical_case",
      targetId: id,
      details: { caseNo: x.c.caseNo, title: row.title, noticeId: notice.id, communityId: row.communityId },
    });
  });
  return one(deps.ds, id);
}

/** 审核不通过, with the reason (the author may revise) */
export async function rejectTypicalCase(deps: Deps, ctx: Context, id: number, reason: string, now = new Date()) {
  const staff = staffAuth(ctx);
  await deps.ds.transaction(async (m) => {
    const row = await lockTypical(m, id);
    if (row.state !== "draft") throw new AppError("TYPICAL_CASE_STATE", { state: row.state });
    if (row.authorStaffId === staff.id) throw new AppError("TYPICAL_CASE_SELF_REVIEW");
    await m
      .getRepository(LegalTypicalCase)
      .update({ id }, { state: "rejected", reviewerStaffId: staff.id, reviewedAt: now, rejectReason: reason });
    await audit(m, ctx, {
      action: "legal.typical_reject",
      targetType: "legal_typical_case",
      targetId: id,
      details: { title: row.title, reason },
    });
  });
  return one(deps.ds, id);
}

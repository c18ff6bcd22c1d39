import {
  REMINDER_GRADE_LABELS,
  REVIEW_DECISION_LABELS,
  type ReminderReviewView,
  type ReviewDecisionInput,
} from "@warmline/shared";
import type { Context } from "koa";
import { type DataSource, type EntityManager, In } from "typeorm";
import { staffAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { HeatingAccount } from "../accounts";
import { StaffAlert, raiseAlert, SUPERVISOR_AUDIENCE } from "../alerts";
import { audit } from "../audit";
import { Reminder, ReminderHold, ReminderReview } from "./entities";
import { presentReminders } from "./service";

/**
 * 主管复核 (the ladder's review step, +90 days by default): when a review-step reminder passes the checks
 * right before sending (the account still owes, no 不宜催缴 mark, no open complaint, not on the soft track),
 * a review is opened for the account and the supervisors' inbox gets an alert. A supervisor decides once:
 *   continue     the ladder goes on as it is;
 *   hold         不宜催缴 with a reason (the same mark as the account page's; later reminders are suppressed);
 *   legal_check  refer the account to the legal desk's candidate check (a link to it; the legal module
 *                decides on its own rule whether the account is a candidate).
 * The decision acknowledges the alert and is audited.
 */

const alertKey = (reviewId: number) => `reminder_review:${reviewId}`;
/** the legal desk's candidate view, opened on the account */
export const legalCheckPath = (accountId: number) => `/legal/candidates?accountId=${accountId}`;

/**
 * Opens the review of a review-step reminder (once per reminder: its unique key) and raises the alert, in
 * one transaction. A second call (a retried send) changes nothing.
 */
export async function openReview(
  ds: DataSource,
  r: Pick<Reminder, "id" | "accountId" | "grade" | "seasonCode">,
  account: Pick<HeatingAccount, "accountNo" | "address" | "communityId">,
  owed: { owedFen: number; oldestSeason: string | null },
): Promise<ReminderReview> {
  return ds.transaction(async (m) => {
    await m
      .createQueryBuilder()
      .insert()
      .into(ReminderReview)
      .values({
        accountId: r.accountId,
        reminderId: r.id,
        grade: r.grade,
        owedFen: owed.owedFen,
        seasonCode: owed.oldestSeason ?? r.seasonCode,
        status: "open",
        decision: null,
        reason: null,
        decidedBy: null,
        decidedAt: null,
      })
      .orIgnore()
      .updateEntity(false)
      .execute();
    const review = await m.getRepository(ReminderReview).findOneByOrFail({ reminderId: r.id });
    const grade = r.grade ? REMINDER_GRADE_LABELS[r.grade] : "欠费";
    await raiseAlert(m, {
      kind: "reminder_review",
      audience: SUPERVISOR_AUDIENCE,
      dedupeKey: alertKey(review.id),
      subjectType: "reminder_review",
      subjectId: review.id,
      stationId: null,
      title: `欠费${grade}户待主管复核：户号 ${account.accountNo}`,
      body: `户号 ${account.accountNo}（${account.address}）自${review.seasonCode}供热季起欠费 ${(review.owedFen / 100).toFixed(2)} 元，已到催缴阶梯的主管复核步骤。请在「催缴复核」中决定：继续催缴、标记不宜催缴或转法务候选核查。`,
      data: { reviewId: review.id, accountId: r.accountId, reminderId: r.id, owedFen: review.owedFen },
    });
    return review;
  });
}

async function present(ds: DataSource, rows: ReminderReview[], withHistory: boolean): Promise<ReminderReviewView[]> {
  const ids = [...new Set(rows.map((r) => r.accountId))];
  const accounts = ids.length
    ? await ds.getRepository(HeatingAccount).find({
        select: { id: true, accountNo: true, address: true },
        where: { id: In(ids) },
      })
    : [];
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const history = new Map<number, Reminder[]>();
  if (withHistory && ids.length) {
    const reminders = await ds
      .getRepository(Reminder)
      .find({ where: { accountId: In(ids) }, order: { id: "DESC" }, take: 50 * ids.length });
    for (const x of reminders) {
      const list = history.get(x.accountId) ?? [];
      if (list.length < 50) list.push(x);
      history.set(x.accountId, list);
    }
  }
  const out: ReminderReviewView[] = [];
  for (const r of rows) {
    out.push({
      id: r.id,
      accountId: r.accountId,
      accountNo: byId.get(r.accountId)?.accountNo ?? null,
      address: byId.get(r.accountId)?.address ?? null,
      reminderId: r.reminderId,
      grade: r.grade,
      owedFen: r.owedFen,
      seasonCode: r.seasonCode,
      status: r.status,
      decision: r.decision,
      reason: r.reason,
      decidedBy: r.decidedBy,
      decidedAt: r.decidedAt ? r.decidedAt.toISOString() : null,
      createdAt: r.createdAt.toISOString(),
      legalCheckPath: legalCheckPath(r.accountId),
      ...(withHistory ? { history: await presentReminders(ds, history.get(r.accountId) ?? [], false) } : {}),
    });
  }
  return out;
}

/** 催缴复核 list: open ones oldest first (the queue), decided ones newest first. */
export async function listReviews(
  ds: DataSource,
  q: { page: number; pageSize: number; state: "open" | "decided" | "all" },
) {
  const [rows, total] = await ds.getRepository(ReminderReview).findAndCount({
    where: q.state === "all" ? {} : { status: q.state },
    order: { id: q.state === "open" ? "ASC" : "DESC" },
    skip: (q.page - 1) * q.pageSize,
    take: q.pageSize,
  });
  return { items: await present(ds, rows, true), total, page: q.page, pageSize: q.pageSize };
}

export async function getReview(ds: DataSource, id: number): Promise<ReminderReviewView> {
  const row = await ds.getRepository(ReminderReview).findOneBy({ id });
  if (!row) throw new AppError("REMINDER_REVIEW_NOT_FOUND");
  return (await present(ds, [row], true))[0] as ReminderReviewView;
}

/** a standing 不宜催缴 mark for the account (one that stands already is kept, with its own reason) */
async function holdFromReview(m: EntityManager, accountId: number, reason: string, staffId: number): Promise<boolean> {
  if (await m.getRepository(ReminderHold).countBy({ activeAccountId: accountId })) return false;
  await m
    .createQueryBuilder()
    .insert()
    .into(ReminderHold)
    .values({ accountId, activeAccountId: accountId, reason, createdBy: staffId })
    .orIgnore()
    .updateEntity(false)
    .execute();
  return true;
}

/** A supervisor's decision on an open review: once (a second one is REMINDER_REVIEW_DECIDED). Audited. */
export async function decideReview(
  ds: DataSource,
  ctx: Context,
  id: number,
  input: ReviewDecisionInput,
): Promise<ReminderReviewView> {
  const staff = staffAuth(ctx);
  const reason = input.reason?.trim() ? input.reason.trim() : null;
  await ds.transaction(async (m) => {
    const review = await m.getRepository(ReminderReview).findOneBy({ id });
    if (!review) throw new AppError("REMINDER_REVIEW_NOT_FOUND");
    const now = new Date();
    const moved = await m
      .createQueryBuilder()
      .update(ReminderReview)
      .set({ status: "decided", decision: input.decision, reason, decidedBy: staff.id, decidedAt: now })
      .where("id = :id AND status = 'open'", { id })
      .execute();
    if (!moved.affected) throw new AppError("REMINDER_REVIEW_DECIDED");
    let held: boolean | undefined;
    if (input.decision === "hold") {
      held = await holdFromReview(m, review.accountId, `主管复核：${reason ?? ""}`.slice(0, 200), staff.id);
    }
    // the inbox alert is answered by the decision
    await m
      .createQueryBuilder()
      .update(StaffAlert)
      .set({ ackAt: now, ackBy: staff.id, ackNote: `复核结论：${REVIEW_DECISION_LABELS[input.decision]}` })
      .where("dedupe_key = :k AND ack_at IS NULL", { k: alertKey(id) })
      .execute();
    await audit(m, ctx, {
      action: "reminder.review_decide",
      targetType: "reminder_review",
      targetId: id,
      details: {
        accountId: review.accountId,
        decision: input.decision,
        ...(reason ? { reason } : {}),
        ...(held === false ? { holdExisted: true } : {}),
      },
    });
  });
  return getReview(ds, id);
}

import { addDays, type LadderDefinition, shanghaiDate } from "@warmline/shared";
import { HeatingAccount } from "@warmline/server/src/modules/accounts";
import { StaffAlert } from "@warmline/server/src/modules/alerts";
import { AuditLog } from "@warmline/server/src/modules/audit";
import { Bill } from "@warmline/server/src/modules/billing";
import {
  openCampaign,
  planCampaign,
  Reminder,
  ReminderHold,
  ReminderReview,
  sendReminder,
} from "@warmline/server/src/modules/reminders";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { In } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seasonsWithBills } from "../support/billing";
import { seedSmallCounty } from "../support/county";
import { type Json, residentLogin, staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";
import { until } from "../support/wait";

/**
 * The ladder's supervisor-review step (主管复核, +90 days): a review-step reminder that passes the checks
 * right before sending opens a review for the account and an alert in the supervisors' inbox; a supervisor
 * decides once — continue, 不宜催缴 with a reason (later reminders are suppressed), or refer to the legal
 * candidate check — audited; the soft track gets no review.
 */

let srv: TestServer;
type Staff = Awaited<ReturnType<typeof staffLogin>>;
let admin: Staff;
let sup: Staff;
let agent: Staff;
let accounts: HeatingAccount[];
const today = () => shanghaiDate(new Date());

/** "HH:MM" in Beijing time, `hours` from now */
function clock(hours: number): string {
  return new Date(Date.now() + 8 * 3600_000 + hours * 3600_000).toISOString().slice(11, 16);
}

/** the current-season bill of `accountId` unpaid and due on `due` (every other bill paid) */
async function owe(accountId: number, due: string) {
  const bills = srv.deps.ds.getRepository(Bill);
  const current = (await bills.find({ where: { accountId }, order: { id: "DESC" } }))[0] as Bill;
  await bills.update(
    { id: current.id },
    { paidFen: 0, status: "unpaid", dueDate: due, lateFeeAccruedFen: 0, lateFeeAccruedUntil: null },
  );
}

beforeAll(async () => {
  srv = await startTestServer({ REMINDER_CHANNEL_ATTEMPTS: "1" });
  await seedSmallCounty(srv.deps, 8);
  await seasonsWithBills(srv.url, ["2025-2026", "2026-2027"]);
  admin = await staffLogin(srv.url, "admin", DEMO_PASSWORD);
  sup = await staffLogin(srv.url, "supervisor", DEMO_PASSWORD);
  agent = await staffLogin(srv.url, "hotline_agent", DEMO_PASSWORD);
  const ds = srv.deps.ds;
  await ds
    .getRepository(HeatingAccount)
    .createQueryBuilder()
    .update()
    .set({ status: "active", hardshipCategory: "none" })
    .execute();
  await ds.query(
    "UPDATE bills SET paid_fen = amount_fen, status = 'paid', late_fee_accrued_fen = 0, late_fee_accrued_until = NULL",
  );
  accounts = await ds.getRepository(HeatingAccount).find({ order: { id: "ASC" } });
  // accounts 0–3 owe for 100 days (重点, the review step key_90); account 3 is a 低保 household (soft track)
  for (const a of accounts.slice(0, 4)) await owe(a.id, addDays(today(), -100));
  await ds
    .getRepository(HeatingAccount)
    .update({ id: (accounts[3] as HeatingAccount).id }, { hardshipCategory: "dibao" });
  // messages go now, whatever the hour the suite runs at
  const def: LadderDefinition = (await admin.api.get("/api/v1/staff/reminders/ladder")).body.definition;
  def.settings.quietHours = { start: clock(2), end: clock(3) };
  expect((await admin.api.put("/api/v1/staff/reminders/ladder", { definition: def, note: "测试" })).status).toBe(200);
}, 180_000);

afterAll(async () => {
  await srv?.close();
});

const id = (i: number) => (accounts[i] as HeatingAccount).id;

describe("the +90 days supervisor review", () => {
  let reviews: Json[];

  it("opens one review per account at the review step, with an alert in the supervisors' inbox", async () => {
    const ds = srv.deps.ds;
    const c = await openCampaign(ds, srv.deps, {
      planKey: "test:review",
      kind: "daily",
      planDate: today(),
      startedBy: null,
    });
    await planCampaign(srv.deps, c.id);
    const planned = await ds.getRepository(Reminder).findBy({ campaignId: c.id });
    expect(planned.map((r) => r.stepKey).sort()).toEqual(["key_90", "key_90", "key_90", "key_90"]);
    expect(planned.every((r) => r.review)).toBe(true);
    // the queue sends them; the three non-soft accounts get a review each
    const list = await until(async () => {
      const r = await sup.api.get("/api/v1/staff/reminders/reviews?state=open");
      expect(r.status).toBe(200);
      return r.body.total >= 3 ? r.body : null;
    }, 60_000);
    await until(async () => {
      const left = await ds.getRepository(Reminder).countBy({ campaignId: c.id, status: In(["planned", "sending"]) });
      return left === 0 ? true : null;
    }, 60_000);
    expect(list.total).toBe(3);
    reviews = list.items;
    expect(reviews.map((r: Json) => r.accountId).sort((a: number, b: number) => a - b)).toEqual([id(0), id(1), id(2)]);
    for (const r of reviews) {
      expect(r.status).toBe("open");
      expect(r.grade).toBe("key");
      expect(r.owedFen).toBeGreaterThan(0);
      expect(r.seasonCode).toBe("2026-2027");
      expect(r.accountNo).toBe(accounts.find((a) => a.id === r.accountId)?.accountNo);
      expect(r.legalCheckPath).toBe(`/legal/candidates?accountId=${r.accountId}`);
      // its history holds the review step's reminder
      expect(r.history.map((h: Json) => h.id)).toContain(r.reminderId);
    }
    // the soft-track household gets no review
    expect(await ds.getRepository(ReminderReview).countBy({ accountId: id(3) })).toBe(0);
    // one alert per review in the supervisors' inbox
    const alerts = await ds.getRepository(StaffAlert).findBy({ kind: "reminder_review" });
    expect(alerts).toHaveLength(3);
    expect(alerts.every((a) => a.audience === "supervisor" && a.ackAt === null)).toBe(true);
    const inbox = await sup.api.get("/api/v1/staff/alerts?state=open");
    expect(inbox.status).toBe(200);
    expect(inbox.body.items.filter((a: Json) => a.kind === "reminder_review")).toHaveLength(3);

    // a send run again (a redelivered job) opens nothing more
    for (const r of planned) await sendReminder(srv.deps, r.id);
    expect(await ds.getRepository(ReminderReview).count()).toBe(3);
    expect(await ds.getRepository(StaffAlert).countBy({ kind: "reminder_review" })).toBe(3);
  });

  it("is read and decided by supervisors only: others get 403 and nothing changes", async () => {
    const r = reviews[0] as Json;
    expect((await agent.api.get("/api/v1/staff/reminders/reviews")).status).toBe(403);
    expect((await agent.api.get(`/api/v1/staff/reminders/reviews/${r.id}`)).status).toBe(403);
    const denied = await agent.api.post(`/api/v1/staff/reminders/reviews/${r.id}/decision`, { decision: "continue" });
    expect(denied.status).toBe(403);
    const row = await srv.deps.ds.getRepository(ReminderReview).findOneByOrFail({ id: r.id });
    expect(row.status).toBe("open");
    expect((await sup.api.get("/api/v1/staff/reminders/reviews/999999")).status).toBe(404);
    const missing = await sup.api.post("/api/v1/staff/reminders/reviews/999999/decision", { decision: "continue" });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("REMINDER_REVIEW_NOT_FOUND");
    const bad = await sup.api.post(`/api/v1/staff/reminders/reviews/${r.id}/decision`, { decision: "forgive" });
    expect(bad.status).toBe(400);
  });

  it("continue: decided once, audited, the alert answered", async () => {
    const ds = srv.deps.ds;
    const r = reviews.find((x: Json) => x.accountId === id(0)) as Json;
    const res = await sup.api.post(`/api/v1/staff/reminders/reviews/${r.id}/decision`, {
      decision: "continue",
      reason: "已电话沟通，继续提醒",
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "decided", decision: "continue", reason: "已电话沟通，继续提醒" });
    expect(res.body.decidedBy).toBe(sup.staff.id);
    const again = await admin.api.post(`/api/v1/staff/reminders/reviews/${r.id}/decision`, {
      decision: "hold",
      reason: "再来一次",
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("REMINDER_REVIEW_DECIDED");
    expect(await ds.getRepository(ReminderHold).countBy({ accountId: id(0) })).toBe(0);
    const audits = await ds
      .getRepository(AuditLog)
      .findBy({ action: "reminder.review_decide", targetId: String(r.id) });
    expect(audits).toHaveLength(1);
    expect(audits[0]?.details).toMatchObject({ accountId: id(0), decision: "continue" });
    const alert = await ds.getRepository(StaffAlert).findOneByOrFail({ dedupeKey: `reminder_review:${r.id}` });
    expect(alert.ackAt).not.toBeNull();
    expect(alert.ackBy).toBe(sup.staff.id);
    // the decided list has it, the open list no longer
    const open = await sup.api.get("/api/v1/staff/reminders/reviews?state=open");
    expect(open.body.items.map((x: Json) => x.id)).not.toContain(r.id);
    const decided = await sup.api.get("/api/v1/staff/reminders/reviews?state=decided");
    expect(decided.body.items.map((x: Json) => x.id)).toContain(r.id);
  });

  it("不宜催缴 needs a reason, marks the account and later reminders are suppressed", async () => {
    const ds = srv.deps.ds;
    const r = reviews.find((x: Json) => x.accountId === id(1)) as Json;
    const noReason = await sup.api.post(`/api/v1/staff/reminders/reviews/${r.id}/decision`, { decision: "hold" });
    expect(noReason.status).toBe(400);
    expect((await ds.getRepository(ReminderReview).findOneByOrFail({ id: r.id })).status).toBe("open");
    const res = await sup.api.post(`/api/v1/staff/reminders/reviews/${r.id}/decision`, {
      decision: "hold",
      reason: "家中老人病故，暂缓催缴",
    });
    expect(res.status).toBe(200);
    expect(res.body.decision).toBe("hold");
    const state = await sup.api.get(`/api/v1/staff/accounts/${id(1)}/reminder-state`);
    expect(state.body.hold.reason).toContain("家中老人病故");
    // a reminder sent to the account afterwards is suppressed as 不宜催缴
    const one = await sup.api.post(`/api/v1/staff/accounts/${id(1)}/reminders`, {});
    expect(one.status).toBe(201);
    const done = await until(async () => {
      const row = await ds.getRepository(Reminder).findOneByOrFail({ id: one.body.id });
      return row.status === "planned" || row.status === "sending" ? null : row;
    }, 30_000);
    expect(done.status).toBe("suppressed");
    expect(done.suppressionReason).toBe("do_not_remind");
  });

  it("转法务候选核查 links to the legal candidate check of the account", async () => {
    const r = reviews.find((x: Json) => x.accountId === id(2)) as Json;
    const res = await admin.api.post(`/api/v1/staff/reminders/reviews/${r.id}/decision`, { decision: "legal_check" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ decision: "legal_check", legalCheckPath: `/legal/candidates?accountId=${id(2)}` });
    const audit = await srv.deps.ds
      .getRepository(AuditLog)
      .findOneByOrFail({ action: "reminder.review_decide", targetId: String(r.id) });
    expect(audit.details).toMatchObject({ accountId: id(2), decision: "legal_check" });
    expect((await sup.api.get("/api/v1/staff/reminders/reviews?state=open")).body.total).toBe(0);
  });
});

describe("the arrears subscribe-message consent of the mini-program", () => {
  it("gives the template id of the resident's platform and counts each answer", async () => {
    const me = await residentLogin(srv.url, { openid: "review-consent-openid" });
    const first = await me.api.get("/api/v1/me/subscriptions/arrears");
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      remaining: 0,
      templateId: srv.deps.config.messages.wechat.templates.arrears_reminder,
    });
    expect(first.body.templateId).toBeTruthy();
    expect((await me.api.post("/api/v1/me/subscriptions/arrears", { accepted: true })).body.remaining).toBe(1);
    expect((await me.api.post("/api/v1/me/subscriptions/arrears", { accepted: false })).body.remaining).toBe(1);
    expect((await me.api.get("/api/v1/me/subscriptions/arrears")).body.remaining).toBe(1);
    // staff tokens are not residents
    expect((await sup.api.get("/api/v1/me/subscriptions/arrears")).status).toBe(403);
  });
});

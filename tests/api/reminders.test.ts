import { addDays, type LadderDefinition, nextDailyTurn, shanghaiDate } from "@warmline/shared";
import { OutboxJob } from "@warmline/server/src/jobs/entities";
import { HeatingAccount } from "@warmline/server/src/modules/accounts";
import { AuditLog } from "@warmline/server/src/modules/audit";
import { Bill } from "@warmline/server/src/modules/billing";
import {
  arrearsOf,
  completeVisitTask,
  createVisitTask,
  openCampaign,
  planCampaign,
  Reminder,
  ReminderAttempt,
  ReminderCampaign,
  scheduleFollowUpReminder,
  sendReminder,
  VisitTask,
} from "@warmline/server/src/modules/reminders";
import { createStaffUser, StaffUser } from "@warmline/server/src/modules/staff";
import { enqueue } from "@warmline/server/src/jobs/outbox";
import { SubscribeConsent } from "@warmline/server/src/modules/tickets";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { In, Like } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seasonsWithBills } from "../support/billing";
import { bindByName, seedSmallCounty } from "../support/county";
import { client, type Json, residentLogin, staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";
import { until } from "../support/wait";

/**
 * 欠费智能提醒 on MariaDB + BullMQ (issue 13): planning a campaign over a county with hand-set due dates
 * (exactly one reminder per due step; reruns and two planners at once add none), and the checks right
 * before sending: quiet hours delay, a payment in between suppresses, an open complaint suppresses, a
 * failing vendor falls back subscribe → SMS → visit task. The Redis-loss drill is reminders-redis.test.ts.
 */

let srv: TestServer;
let county: Awaited<ReturnType<typeof seedSmallCounty>>;
type Staff = Awaited<ReturnType<typeof staffLogin>>;
let admin: Staff;
let sup: Staff;
let agent: Staff;
let cashier: Staff;
let grid: Staff;
const sandbox = () => client(srv.url);
const today = () => shanghaiDate(new Date());

/** "HH:MM" in Beijing time, `hours` from now */
function clock(hours: number): string {
  const d = new Date(Date.now() + 8 * 3600_000 + hours * 3600_000);
  return d.toISOString().slice(11, 16);
}

async function ladder(): Promise<LadderDefinition> {
  const res = await admin.api.get("/api/v1/staff/reminders/ladder");
  expect(res.status).toBe(200);
  return res.body.definition;
}

async function putLadder(def: LadderDefinition, note = "测试调整") {
  return admin.api.put("/api/v1/staff/reminders/ladder", { definition: def, note });
}

/** quiet hours around now (messages wait) or well away from now (messages go) */
async function quiet(inside: boolean) {
  const def = await ladder();
  def.settings.quietHours = inside ? { start: clock(-1), end: clock(1) } : { start: clock(2), end: clock(3) };
  const res = await putLadder(def);
  expect(res.status).toBe(200);
}

/** every bill paid, then the current-season bill of `accountId` unpaid and due on `due` */
async function owe(accountId: number, due: string) {
  const bills = srv.deps.ds.getRepository(Bill);
  const rows = await bills.find({ where: { accountId }, order: { id: "DESC" } });
  const current = rows[0] as Bill;
  await bills.update(
    { id: current.id },
    {
      paidFen: 0,
      status: "unpaid",
      dueDate: due,
      lateFeeAccruedFen: 0,
      lateFeeAccruedUntil: null,
      lateFeePaidFen: 0,
      lateFeeWaivedFen: 0,
    },
  );
}

const GROUPS = {
  // 3 days before due: 提醒, step notice_m7
  soon: { from: 0, to: 10, offset: +3, step: "notice_m7" },
  // 35 days overdue: 催缴, step overdue_30
  overdue: { from: 10, to: 20, offset: -35, step: "overdue_30" },
  // 100 days overdue: 重点, step key_90
  key: { from: 20, to: 25, offset: -100, step: "key_90" },
  // due in 30 days: not yet anything
  later: { from: 25, to: 30, offset: +30, step: null },
} as const;
/** accounts 30… are kept for the single-account scenarios, 0…29 for the county campaign */
const COUNTY = 30;

beforeAll(async () => {
  // SMS answers later than 1.5 s count as timed out (the drill below makes the platform answer in 2.5 s)
  srv = await startTestServer({ REMINDER_CHANNEL_ATTEMPTS: "2", SMS_TIMEOUT_MS: "1500" });
  county = await seedSmallCounty(srv.deps, 60);
  await seasonsWithBills(srv.url, ["2025-2026", "2026-2027"]);
  admin = await staffLogin(srv.url, "admin", DEMO_PASSWORD);
  sup = await staffLogin(srv.url, "supervisor", DEMO_PASSWORD);
  agent = await staffLogin(srv.url, "hotline_agent", DEMO_PASSWORD);
  cashier = await staffLogin(srv.url, "cashier", DEMO_PASSWORD);
  grid = await staffLogin(srv.url, "grid_worker", DEMO_PASSWORD);
  // a known county: everyone active, no hardship flags, everything paid
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
  for (const g of Object.values(GROUPS)) {
    for (let i = g.from; i < g.to; i++) await owe((county.rows[i] as HeatingAccount).id, addDays(today(), g.offset));
  }
  // one overdue household is a 低保 household: the soft track
  await ds
    .getRepository(HeatingAccount)
    .update({ id: (county.rows[GROUPS.overdue.from] as HeatingAccount).id }, { hardshipCategory: "dibao" });
  // messages go now (the suite must not depend on the hour it runs at)
  await quiet(false);
}, 180_000);

afterAll(async () => {
  await srv?.close();
});

describe("ladder", () => {
  it("is refused with the issue's code when bad, and saved as a new audited version when good", async () => {
    const def = await ladder();
    const overlapping = structuredClone(def);
    overlapping.steps.push({ key: "again", grade: "notice", offsetDays: 0, chain: ["sms"], template: "due" });
    const r1 = await putLadder(overlapping);
    expect(r1.status).toBe(400);
    expect(r1.body.error.code).toBe("LADDER_STEPS_OVERLAP");

    const empty = structuredClone(def);
    empty.settings.quietHours = { start: "21:00", end: "21:00" };
    expect((await putLadder(empty)).body.error.code).toBe("LADDER_QUIET_HOURS_EMPTY");
    const rate0 = structuredClone(def);
    rate0.settings.ratePerSecond.sms = 0;
    expect((await putLadder(rate0)).body.error.code).toBe("LADDER_RATE_INVALID");
    const noAmount = structuredClone(def);
    noAmount.templates.overdue = noAmount.templates.overdue.replaceAll("{amount}", "");
    const r4 = await putLadder(noAmount);
    expect(r4.body.error.code).toBe("LADDER_TEMPLATE_PLACEHOLDER_MISSING");
    expect(r4.body.error.details.issues[0]).toMatchObject({ path: "templates.overdue", detail: "{amount}" });
    const swapped = structuredClone(def);
    [swapped.steps[0], swapped.steps[1]] = [swapped.steps[1] as Json, swapped.steps[0] as Json];
    expect((await putLadder(swapped)).body.error.code).toBe("LADDER_STEPS_OUT_OF_ORDER");

    const before = (await admin.api.get("/api/v1/staff/reminders/ladder")).body.version;
    const ok = await putLadder(def, "原样保存");
    expect(ok.status).toBe(200);
    expect(ok.body.version).toBe(before + 1);
    expect(
      await srv.deps.ds
        .getRepository(AuditLog)
        .countBy({ action: "reminder.ladder_update", targetId: String(before + 1) }),
    ).toBe(1);
    // only an administrator edits it
    expect((await sup.api.put("/api/v1/staff/reminders/ladder", { definition: def, note: "主管修改" })).status).toBe(
      403,
    );
  });
});

describe("a campaign over the county", () => {
  it("plans exactly one reminder per due step; two planners at once and reruns add none", async () => {
    const ds = srv.deps.ds;
    const c = await openCampaign(ds, srv.deps, {
      planKey: "test:county",
      kind: "daily",
      planDate: today(),
      startedBy: null,
    });
    // two workers plan the same campaign at the same moment
    const both = await Promise.allSettled([planCampaign(srv.deps, c.id), planCampaign(srv.deps, c.id)]);
    expect(both.map((b) => b.status)).toEqual(["fulfilled", "fulfilled"]);
    const countyIds = county.rows.slice(0, COUNTY).map((r) => r.id);
    const rows = await ds.getRepository(Reminder).findBy({ accountId: In(countyIds) });
    const expected = new Map<number, string>();
    for (const g of Object.values(GROUPS)) {
      for (let i = g.from; i < g.to; i++) {
        const id = (county.rows[i] as HeatingAccount).id;
        if (!g.step) continue;
        // 催缴 by age, 重点 by amount: a large arrears 35 days old takes the 重点 ladder's +30 step
        const big = (await arrearsOf(ds, id, today())).owedFen >= srv.deps.config.reminders.thresholds.keyAmountFen;
        expected.set(id, g.step === "overdue_30" && big ? "key_30" : g.step);
      }
    }
    expect([...expected.values()].filter((s) => s === "overdue_30").length).toBeGreaterThan(0);
    expect(rows).toHaveLength(expected.size);
    for (const r of rows) {
      expect(r.stepKey).toBe(expected.get(r.accountId));
      expect(r.seasonCode).toBe("2026-2027");
      expect(r.campaignId).toBe(c.id);
    }
    // every planned reminder has one send job
    const jobs = await ds
      .getRepository(OutboxJob)
      .countBy({ jobName: "reminders.send", dedupeKey: Like("reminders.send:%:0") });
    expect(jobs).toBeGreaterThanOrEqual(expected.size);

    // a rerun of the same campaign and a new campaign started by a supervisor plan nothing more
    await planCampaign(srv.deps, c.id);
    const started = await sup.api.post("/api/v1/staff/reminders/campaigns");
    expect(started.status).toBe(201);
    const second = await until(async () => {
      const r = await sup.api.get(`/api/v1/staff/reminders/campaigns/${started.body.id}`);
      return r.body.state === "done" ? r.body : null;
    }, 30_000);
    expect(second.counts.total).toBe(0);
    expect(await ds.getRepository(Reminder).countBy({ accountId: In(countyIds) })).toBe(expected.size);

    // the campaign's sends run through the queue to the end; the console's counts follow
    const done = await until(async () => {
      const r = await sup.api.get(`/api/v1/staff/reminders/campaigns/${c.id}`);
      return r.body.state === "done" ? r.body : null;
    }, 60_000);
    expect(done.counts.total).toBe(expected.size);
    expect(done.counts.planned + done.counts.sending).toBe(0);
    const finished = await ds.getRepository(Reminder).findBy({ campaignId: c.id });
    // 催缴 / 重点 steps end with a message or a visit task; 到期前 steps have only the subscribe channel
    for (const r of finished.filter((x) => x.stepKey !== "notice_m7")) {
      expect(r.status).toBe("sent");
      expect(["sms", "visit_task"]).toContain(r.channel);
    }
    for (const r of finished.filter((x) => x.stepKey === "notice_m7")) {
      expect(r.status).toBe("failed"); // nobody bound, no consent: no channel left
    }
    // the 低保 household got the informative text, never the stern one, and no 催缴 visit
    const soft = finished.find(
      (r) => r.accountId === (county.rows[GROUPS.overdue.from] as HeatingAccount).id,
    ) as Reminder;
    expect(soft.soft).toBe(true);
    expect(soft.template).toBe("soft");
    expect(soft.text).toContain("困难缓缴/分期");
    expect(soft.text).not.toContain("欠缴");
    expect(soft.text).not.toContain("催缴");
    expect(finished.filter((r) => r.id !== soft.id && r.stepKey !== "notice_m7").every((r) => !r.soft)).toBe(true);
    const smsSent = finished.filter((r) => r.channel === "sms");
    for (const r of smsSent) {
      expect(r.text).toContain("0936-4466666");
      expect(r.text).toContain("2026-2027");
      expect(r.vendorMessageId).toBeTruthy();
    }
    const sandboxSms = (await sandbox().get("/sandbox/sms/test/messages")).body.messages as { bizId: string }[];
    for (const r of smsSent) expect(sandboxSms.filter((m) => m.bizId === r.vendorMessageId)).toHaveLength(1);
    const list = await sup.api.get("/api/v1/staff/reminders/campaigns");
    expect(list.body.items.map((x: Json) => x.id)).toContain(c.id);
  });

  it("the account's 催缴记录 lists its reminder with the attempts; residents see only their own", async () => {
    const r = await srv.deps.ds.getRepository(Reminder).findOneByOrFail({ stepKey: "overdue_30", channel: "sms" });
    const res = await agent.api.get(`/api/v1/staff/accounts/${r.accountId}/reminders`);
    expect(res.status).toBe(200);
    const item = res.body.items.find((x: Json) => x.id === r.id);
    expect(item.status).toBe("sent");
    expect(item.attempts.map((a: Json) => `${a.channel}:${a.outcome}`)).toEqual([
      "subscribe:skipped",
      "sms:calling",
      "sms:accepted",
    ]);
    const account = await srv.deps.ds.getRepository(HeatingAccount).findOneByOrFail({ id: r.accountId });
    const me = await residentLogin(srv.url);
    expect((await me.api.get(`/api/v1/me/accounts/${r.accountId}/reminders`)).status).toBe(404);
    expect((await bindByName(me.api, { ownerName: account.ownerName, account })).status).toBe(201);
    const mine = await me.api.get(`/api/v1/me/accounts/${r.accountId}/reminders`);
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((x: Json) => x.id)).toContain(r.id);
    const notice = await me.api.get(`/api/v1/me/accounts/${r.accountId}/arrears-notice`);
    expect(notice.status).toBe(200);
    expect(notice.body.owedFen).toBeGreaterThan(0);
    expect(notice.body.oldestSeason).toBe("2026-2027");
    expect(notice.body.hotline).toBe("0936-4466666");
  });
});

describe("checks right before sending", () => {
  let next = COUNTY;
  /** a fresh account owing 40 days (催缴), with a single reminder planned while quiet hours hold it back */
  async function heldReminder() {
    const account = county.rows[next++] as HeatingAccount;
    await owe(account.id, addDays(today(), -40));
    await quiet(true);
    const res = await agent.api.post(`/api/v1/staff/accounts/${account.id}/reminders`, { note: "测试" });
    expect(res.status).toBe(201);
    const id = res.body.id as number;
    // the worker ran it and put it off to the end of the quiet hours: a delay, nothing sent
    const delayed = await until(() =>
      srv.deps.ds
        .getRepository(OutboxJob)
        .findOneBy({ jobName: "reminders.send", dedupeKey: Like(`reminders.send:${id}:q%`) }),
    );
    expect(delayed.availableAt.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
    expect((await srv.deps.ds.getRepository(Reminder).findOneByOrFail({ id })).status).toBe("planned");
    expect(
      await srv.deps.ds.getRepository(AuditLog).countBy({ action: "reminder.send_one", targetId: String(account.id) }),
    ).toBe(1);
    await quiet(false);
    return { account, id };
  }
  const smsTo = async (account: HeatingAccount) => {
    const phone = srv.deps.vault.decrypt(account.phoneEnc) as string;
    return (await sandbox().get(`/sandbox/sms/test/messages?phone=${phone}`)).body.messages as Json[];
  };

  it("quiet hours delay a message; once they end it goes", async () => {
    const { account, id } = await heldReminder();
    const before = (await smsTo(account)).length;
    const out = await sendReminder(srv.deps, id);
    expect(out.status).toBe("sent");
    const r = await srv.deps.ds.getRepository(Reminder).findOneByOrFail({ id });
    expect(r.channel).toBe("sms");
    expect((await smsTo(account)).length).toBe(before + 1);
    // the same job again (a redelivery): nothing more
    expect((await sendReminder(srv.deps, id)).status).toBe("skipped");
    expect((await smsTo(account)).length).toBe(before + 1);
    // a second single reminder the same day is refused
    expect((await agent.api.post(`/api/v1/staff/accounts/${account.id}/reminders`, {})).body.error.code).toBe(
      "REMINDER_ALREADY_TODAY",
    );
  });

  it("a payment between planning and sending suppresses it", async () => {
    const { account, id } = await heldReminder();
    const owed = await arrearsOf(srv.deps.ds, account.id, today());
    const paid = await cashier.api.post("/api/v1/staff/payments/offline", {
      accountId: account.id,
      method: "cash",
      amountFen: owed.owedFen,
      receiptNo: `YH-RM-${id}`,
    });
    expect(paid.status).toBe(201);
    const before = (await smsTo(account)).length;
    expect(await sendReminder(srv.deps, id)).toEqual({ status: "suppressed", reason: "paid" });
    const r = await srv.deps.ds.getRepository(Reminder).findOneByOrFail({ id });
    expect(r.status).toBe("suppressed");
    expect(r.suppressionReason).toBe("paid");
    expect((await smsTo(account)).length).toBe(before);
  });

  it("an open complaint suppresses it; so does 不宜催缴", async () => {
    const { account, id } = await heldReminder();
    const t = await agent.api.post("/api/v1/staff/tickets", {
      channel: "hotline",
      accountId: account.id,
      category: "noise",
      description: "管道噪音很大",
    });
    expect(t.status).toBe(201);
    expect(await sendReminder(srv.deps, id)).toEqual({ status: "suppressed", reason: "open_complaint" });

    const other = await heldReminder();
    expect(
      (await grid.api.post(`/api/v1/staff/accounts/${other.account.id}/reminder-hold`, { reason: "家中有丧事" }))
        .status,
    ).toBe(403);
    const held = await sup.api.post(`/api/v1/staff/accounts/${other.account.id}/reminder-hold`, {
      reason: "家中有丧事",
    });
    expect(held.status).toBe(200);
    expect(held.body.hold.reason).toBe("家中有丧事");
    expect(
      (await sup.api.post(`/api/v1/staff/accounts/${other.account.id}/reminder-hold`, { reason: "再次标记" })).status,
    ).toBe(409);
    expect(await sendReminder(srv.deps, other.id)).toEqual({ status: "suppressed", reason: "do_not_remind" });
    const released = await sup.api.post(`/api/v1/staff/accounts/${other.account.id}/reminder-hold/release`, {
      reason: "已过百日",
    });
    expect(released.body.hold).toBeNull();
  });

  it("a failing subscribe vendor is retried, then SMS; a refusing SMS platform falls back to a visit task", async () => {
    const { account, id } = await heldReminder();
    // a resident bound through WeChat with one consent for the arrears message
    const me = await residentLogin(srv.url, { openid: `o-rm-${id}` });
    expect((await bindByName(me.api, { ownerName: account.ownerName, account })).status).toBe(201);
    const consent = await me.api.post("/api/v1/me/subscriptions/arrears", { accepted: true });
    expect(consent.body.remaining).toBe(1);
    // the single reminder's chain is subscribe → SMS; make it the ladder's full chain for this drill
    await srv.deps.ds.getRepository(Reminder).update({ id }, { chain: "subscribe,sms,visit_task" });
    await sandbox().post("/sandbox/wechat/test/fail-next", { mode: "busy", count: 2 });
    await sandbox().post("/sandbox/sms/test/fail-next", { mode: "reject", count: 1 });

    // attempt 1 and 2: WeChat busy (REMINDER_CHANNEL_ATTEMPTS=2): retried, the consent given back each time
    await expect(sendReminder(srv.deps, id)).rejects.toThrow(/unavailable/);
    expect((await srv.deps.ds.getRepository(Reminder).findOneByOrFail({ id })).status).toBe("planned");
    const out = await sendReminder(srv.deps, id);
    expect(out.status).toBe("sent");
    const r = await srv.deps.ds.getRepository(Reminder).findOneByOrFail({ id });
    expect(r.channel).toBe("visit_task");
    const attempts = await srv.deps.ds
      .getRepository(ReminderAttempt)
      .find({ where: { reminderId: id }, order: { id: "ASC" } });
    expect(attempts.map((a) => `${a.channel}:${a.outcome}`)).toEqual([
      "subscribe:calling",
      "subscribe:unavailable",
      "subscribe:calling",
      "subscribe:unavailable",
      "sms:calling",
      "sms:rejected",
      "visit_task:created",
    ]);
    const consentRow = await srv.deps.ds
      .getRepository(SubscribeConsent)
      .findOneByOrFail({ residentUserId: me.resident.id, template: "arrears_reminder" });
    expect(consentRow.remaining).toBe(1);
    const task = await srv.deps.ds.getRepository(VisitTask).findOneByOrFail({ reminderId: id });
    expect(task.status).toBe("open");
    expect(task.reason).toContain("催缴");

    // the task list: the supervisor sees it and marks it done; the reminder counts as delivered
    const tasks = await sup.api.get(`/api/v1/staff/visit-tasks?accountId=${account.id}`);
    expect(tasks.body.items.map((x: Json) => x.id)).toContain(task.id);
    const done = await sup.api.post(`/api/v1/staff/visit-tasks/${task.id}/done`, {
      note: "已上门，户主承诺月底前缴清",
    });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe("done");
    expect((await srv.deps.ds.getRepository(Reminder).findOneByOrFail({ id })).status).toBe("delivered");
  });

  it("an SMS timeout after the platform accepted is not sent again, on any channel", async () => {
    const { account, id } = await heldReminder();
    await srv.deps.ds.getRepository(Reminder).update({ id }, { chain: "subscribe,sms,visit_task" });
    const before = (await smsTo(account)).length;
    await sandbox().post("/sandbox/sms/test/fail-next", { mode: "slow", count: 1, delayMs: 2500 });
    expect(await sendReminder(srv.deps, id)).toEqual({ status: "failed", reason: "VENDOR_OUTCOME_UNKNOWN" });
    // the platform did take it (it answered after our timeout)
    await until(async () => (await smsTo(account)).length === before + 1);
    // a retry of the job changes nothing: no second text, no visit task
    expect((await sendReminder(srv.deps, id)).status).toBe("skipped");
    await new Promise((r) => setTimeout(r, 500));
    expect((await smsTo(account)).length).toBe(before + 1);
    expect(await srv.deps.ds.getRepository(VisitTask).countBy({ reminderId: id })).toBe(0);
    const attempts = await srv.deps.ds
      .getRepository(ReminderAttempt)
      .find({ where: { reminderId: id }, order: { id: "ASC" } });
    expect(attempts.map((a) => `${a.channel}:${a.outcome}`)).toEqual([
      "subscribe:skipped",
      "sms:calling",
      "sms:unknown",
    ]);
  });

  it("a run that died during the vendor call is never called again", async () => {
    const { account, id } = await heldReminder();
    const before = (await smsTo(account)).length;
    // what a crash leaves: the row claimed long ago and an attempt "calling" with no answer
    await srv.deps.ds
      .getRepository(Reminder)
      .update({ id }, { status: "sending", claimedAt: new Date(Date.now() - 10 * 60_000) });
    await srv.deps.ds
      .getRepository(ReminderAttempt)
      .insert({ reminderId: id, channel: "sms", outcome: "calling", detail: "崩溃前" });
    expect(await sendReminder(srv.deps, id)).toEqual({ status: "failed", reason: "VENDOR_OUTCOME_UNKNOWN" });
    expect((await smsTo(account)).length).toBe(before);
  });

  it("an SMS 退订 reply stops SMS reminders to that number", async () => {
    const { account, id } = await heldReminder();
    const phone = srv.deps.vault.decrypt(account.phoneEnc) as string;
    const bad = await sandbox().post("/api/v1/notify/sms-up?token=wrong", [{ phone_number: phone, content: "TD" }]);
    expect(bad.status).toBe(403);
    // the resident replies TD; the SMS platform (sandbox) pushes the reply to the server
    const up = await sandbox().post("/sandbox/sms/test/reply", { phone, content: "TD" });
    expect(up.body).toEqual({ pushed: 200 });
    const state = await sup.api.get(`/api/v1/staff/accounts/${account.id}/reminder-state`);
    expect(state.body.smsOptedOut).toBe(true);
    const before = (await smsTo(account)).length;
    expect(await sendReminder(srv.deps, id)).toEqual({ status: "suppressed", reason: "opted_out" });
    expect((await smsTo(account)).length).toBe(before);
  });
});

describe("campaign control", () => {
  it("a supervisor pauses, resumes and cancels a campaign; cancelled reminders are kept as suppressed", async () => {
    const ds = srv.deps.ds;
    const fresh = county.rows.slice(50, 56);
    for (const a of fresh) await owe(a.id, addDays(today(), -65)); // 催缴 +60 step (or 重点 +30 if large)
    await quiet(true); // nothing goes out while the test drives the campaign
    const started = await sup.api.post("/api/v1/staff/reminders/campaigns");
    expect(started.status).toBe(201);
    const id = started.body.id as number;
    // planning over (every account looked at): the fresh ones plus any other account with a step now due
    await until(async () => (await ds.getRepository(ReminderCampaign).findOneByOrFail({ id })).planningDone);
    const planned = await ds.getRepository(Reminder).countBy({ campaignId: id });
    expect(await ds.getRepository(Reminder).countBy({ campaignId: id, accountId: In(fresh.map((a) => a.id)) })).toBe(
      fresh.length,
    );
    expect((await cashier.api.post(`/api/v1/staff/reminders/campaigns/${id}/pause`)).status).toBe(403);
    const paused = await sup.api.post(`/api/v1/staff/reminders/campaigns/${id}/pause`);
    expect(paused.body.state).toBe("paused");
    expect((await sup.api.post(`/api/v1/staff/reminders/campaigns/${id}/pause`)).body.error.code).toBe(
      "CAMPAIGN_STATE_CONFLICT",
    );
    const resumed = await sup.api.post(`/api/v1/staff/reminders/campaigns/${id}/resume`);
    expect(resumed.body.state).toBe("running");
    expect(
      await ds.getRepository(OutboxJob).countBy({ jobName: "reminders.send", dedupeKey: Like("reminders.send:%:r1") }),
    ).toBe(planned);
    const cancelled = await sup.api.post(`/api/v1/staff/reminders/campaigns/${id}/cancel`);
    expect(cancelled.body.state).toBe("cancelled");
    expect(cancelled.body.counts.suppressed).toBe(planned);
    const rows = await ds.getRepository(Reminder).findBy({ campaignId: id });
    expect(rows.every((r) => r.status === "suppressed" && r.suppressionReason === "campaign_cancelled")).toBe(true);
    // a send job that still runs for one of them changes nothing
    expect((await sendReminder(srv.deps, rows[0]?.id as number)).status).toBe("skipped");
    expect(
      await ds.getRepository(AuditLog).countBy({
        action: In(["reminder.campaign_pause", "reminder.campaign_resume", "reminder.campaign_cancel"]),
        targetId: String(id),
      }),
    ).toBe(3);
    await quiet(false);
  });
});

describe("the daily job and the face used by home visits", () => {
  it("the daily planning turn plans a campaign for its date and schedules the next turn", async () => {
    const ds = srv.deps.ds;
    await enqueue(ds.manager, "reminders.plan_daily", { date: today() }, { dedupeKey: "test:plan_daily" });
    const c = await until(() =>
      ds.getRepository(ReminderCampaign).findOneBy({ planKey: `daily:${today()}`, planningDone: true }),
    );
    expect(c.kind).toBe("daily");
    // the next turn is scheduled (tomorrow's, or today's when the planning time has not come yet)
    const nextDate = shanghaiDate(nextDailyTurn(new Date(), srv.deps.config.reminders.planTime));
    await until(() =>
      ds
        .getRepository(OutboxJob)
        .findOneBy({ jobName: "reminders.plan_daily", dedupeKey: `reminders.plan_daily:${nextDate}` }),
    );
    // run again for the same date: the same campaign, no new reminders
    const before = await ds.getRepository(Reminder).count();
    await enqueue(ds.manager, "reminders.plan_daily", { date: today() }, { dedupeKey: "test:plan_daily:2" });
    await until(
      async () => (await ds.getRepository(OutboxJob).findOneBy({ dedupeKey: "test:plan_daily:2" }))?.status === "done",
    );
    expect(await ds.getRepository(ReminderCampaign).countBy({ planKey: `daily:${today()}` })).toBe(1);
    expect(await ds.getRepository(Reminder).count()).toBe(before);
  });

  it("createVisitTask, completeVisitTask and scheduleFollowUpReminder are idempotent", async () => {
    const ds = srv.deps.ds;
    const account = county.rows[57] as HeatingAccount;
    await owe(account.id, addDays(today(), -20));
    const [a, b] = await ds.transaction(async (m) => [
      await createVisitTask(m, { accountId: account.id, source: "manual", reason: "测试走访", dueDate: today() }),
      await createVisitTask(m, { accountId: account.id, source: "manual", reason: "测试走访", dueDate: today() }),
    ]);
    expect(b?.id).toBe(a?.id);
    const staff = await ds.getRepository(StaffUser).findOneByOrFail({ username: "grid_worker" });
    const done1 = await ds.transaction((m) =>
      completeVisitTask(m, a?.id as number, { staffId: staff.id, visitId: 4242, note: "已走访" }),
    );
    const done2 = await ds.transaction((m) =>
      completeVisitTask(m, a?.id as number, { staffId: staff.id, visitId: 4242, note: "再次保存" }),
    );
    expect(done1.status).toBe("done");
    expect(done2.note).toBe("已走访");
    expect(done2.visitId).toBe(4242);

    const r1 = await ds.transaction((m) =>
      scheduleFollowUpReminder(m, {
        accountId: account.id,
        date: addDays(today(), 3),
        source: "promise",
        visitId: 4242,
      }),
    );
    const r2 = await ds.transaction((m) =>
      scheduleFollowUpReminder(m, {
        accountId: account.id,
        date: addDays(today(), 3),
        source: "promise",
        visitId: 4242,
      }),
    );
    expect(r1).toBeTypeOf("number");
    expect(r2).toBe(r1);
    const row = await ds.getRepository(Reminder).findOneByOrFail({ id: r1 as number });
    expect(row.stepKey).toBe("promise_4242");
    expect(row.template).toBe("promise");
    expect(row.plannedFor).toBe(addDays(today(), 3));
    const jobs = await ds
      .getRepository(OutboxJob)
      .findBy({ dedupeKey: In([`reminders.send:${r1}:0`, "reminders.promise_check:4242"]) });
    expect(jobs).toHaveLength(2);
  });
});

describe("visit tasks by community", () => {
  it("a grid worker of one community sees and completes only that community's tasks", async () => {
    const ds = srv.deps.ds;
    const mine = county.rows[58] as HeatingAccount;
    const other = county.rows.find((r) => r.communityId !== mine.communityId) as HeatingAccount;
    const [t1, t2] = await ds.transaction(async (m) => [
      await createVisitTask(m, { accountId: mine.id, source: "manual", reason: "本社区走访", dueDate: today() }),
      await createVisitTask(m, { accountId: other.id, source: "manual", reason: "他社区走访", dueDate: today() }),
    ]);
    await createStaffUser(ds, {
      username: "grid_rm",
      displayName: "网格员甲",
      password: DEMO_PASSWORD,
      roles: ["grid_worker"],
      communityId: mine.communityId,
    });
    const g = await staffLogin(srv.url, "grid_rm", DEMO_PASSWORD);
    const list = await g.api.get("/api/v1/staff/visit-tasks?status=open&pageSize=100");
    expect(list.status).toBe(200);
    const ids = list.body.items.map((x: Json) => x.id);
    expect(ids).toContain(t1?.id);
    expect(ids).not.toContain(t2?.id);
    expect(list.body.items.every((x: Json) => x.communityId === mine.communityId)).toBe(true);
    const foreign = await g.api.post(`/api/v1/staff/visit-tasks/${t2?.id}/done`, { note: "越权完成" });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe("VISIT_TASK_NOT_FOUND");
    const own = await g.api.post(`/api/v1/staff/visit-tasks/${t1?.id}/done`, { note: "已上门了解情况" });
    expect(own.status).toBe(200);
    expect(own.body.doneBy).toBeTypeOf("number");
    expect(
      (await sup.api.get("/api/v1/staff/visit-tasks?status=open&pageSize=100")).body.items.map((x: Json) => x.id),
    ).toContain(t2?.id);
  });
});

import { addDays, type LadderDefinition, shanghaiDate } from "@warmline/shared";
import { HeatingAccount } from "@warmline/server/src/modules/accounts";
import { Bill } from "@warmline/server/src/modules/billing";
import { Reminder, ReminderAttempt } from "@warmline/server/src/modules/reminders";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seasonsWithBills } from "../support/billing";
import { seedSmallCounty } from "../support/county";
import { client, type Json, staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";
import { until } from "../support/wait";

/**
 * 短信回执: the SMS platform's delivery report of a reminder text moves the reminder sent → delivered or
 * sent → failed (with the platform's code) and leaves an attempt row; a repeated report changes nothing; a
 * push without the token is refused.
 */

let srv: TestServer;
let sup: Awaited<ReturnType<typeof staffLogin>>;
let accounts: HeatingAccount[];
const sandbox = () => client(srv.url);

function clock(hours: number): string {
  return new Date(Date.now() + 8 * 3600_000 + hours * 3600_000).toISOString().slice(11, 16);
}

beforeAll(async () => {
  srv = await startTestServer();
  await seedSmallCounty(srv.deps, 4);
  await seasonsWithBills(srv.url, ["2025-2026", "2026-2027"]);
  sup = await staffLogin(srv.url, "supervisor", DEMO_PASSWORD);
  const admin = await staffLogin(srv.url, "admin", DEMO_PASSWORD);
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
  for (const a of accounts.slice(0, 2)) {
    const bill = (await ds.getRepository(Bill).find({ where: { accountId: a.id }, order: { id: "DESC" } }))[0] as Bill;
    await ds
      .getRepository(Bill)
      .update({ id: bill.id }, { paidFen: 0, status: "unpaid", dueDate: addDays(shanghaiDate(new Date()), -40) });
  }
  const def: LadderDefinition = (await admin.api.get("/api/v1/staff/reminders/ladder")).body.definition;
  def.settings.quietHours = { start: clock(2), end: clock(3) };
  expect((await admin.api.put("/api/v1/staff/reminders/ladder", { definition: def, note: "测试" })).status).toBe(200);
}, 180_000);

afterAll(async () => {
  await srv?.close();
});

/** one reminder to the account from the account page, sent by SMS (no mini-program user bound) */
async function sentBySms(accountId: number): Promise<Reminder> {
  const one = await sup.api.post(`/api/v1/staff/accounts/${accountId}/reminders`, {});
  expect(one.status).toBe(201);
  const row = await until(async () => {
    const r = await srv.deps.ds.getRepository(Reminder).findOneByOrFail({ id: one.body.id });
    return r.status === "planned" || r.status === "sending" ? null : r;
  }, 30_000);
  expect(row).toMatchObject({ status: "sent", channel: "sms" });
  expect(row.vendorMessageId).toBeTruthy();
  return row;
}

describe("SMS delivery reports of reminder texts", () => {
  it("moves a reminder sent → delivered, once", async () => {
    const ds = srv.deps.ds;
    const r = await sentBySms((accounts[0] as HeatingAccount).id);
    const push = await sandbox().post("/sandbox/sms/test/report", { bizId: r.vendorMessageId, delivered: true });
    expect(push.status).toBe(200);
    expect(push.body.pushed).toBe(200);
    const row = await ds.getRepository(Reminder).findOneByOrFail({ id: r.id });
    expect(row.status).toBe("delivered");
    expect(row.deliveredAt).toBeInstanceOf(Date);
    const attempts = await ds.getRepository(ReminderAttempt).findBy({ reminderId: r.id, outcome: "delivered" });
    expect(attempts).toHaveLength(1);
    expect(attempts[0]?.vendorMessageId).toBe(r.vendorMessageId);
    // the platform pushes again (or a late 未送达 comes): nothing moves back
    await sandbox().post("/sandbox/sms/test/report", { bizId: r.vendorMessageId, delivered: true });
    await sandbox().post("/sandbox/sms/test/report", { bizId: r.vendorMessageId, delivered: false });
    expect((await ds.getRepository(Reminder).findOneByOrFail({ id: r.id })).status).toBe("delivered");
    expect(await ds.getRepository(ReminderAttempt).countBy({ reminderId: r.id, outcome: "delivered" })).toBe(1);
    expect(await ds.getRepository(ReminderAttempt).countBy({ reminderId: r.id, outcome: "undelivered" })).toBe(0);
    // the account's 催缴记录 shows it delivered with the report
    const list = await sup.api.get(`/api/v1/staff/accounts/${(accounts[0] as HeatingAccount).id}/reminders`);
    const shown = list.body.items.find((x: Json) => x.id === r.id);
    expect(shown.status).toBe("delivered");
    expect(shown.attempts.map((a: Json) => a.outcome)).toContain("delivered");
  });

  it("moves a reminder sent → failed with the platform's code", async () => {
    const ds = srv.deps.ds;
    const r = await sentBySms((accounts[1] as HeatingAccount).id);
    await sandbox().post("/sandbox/sms/test/report", {
      bizId: r.vendorMessageId,
      delivered: false,
      errCode: "IC:0001",
    });
    const row = await ds.getRepository(Reminder).findOneByOrFail({ id: r.id });
    expect(row.status).toBe("failed");
    expect(row.failureReason).toContain("IC:0001");
    expect(await ds.getRepository(ReminderAttempt).countBy({ reminderId: r.id, outcome: "undelivered" })).toBe(1);
  });

  it("refuses a push without the token or with a body that is not a list", async () => {
    const r = await sandbox().post("/api/v1/notify/sms-report?token=wrong", [
      { biz_id: "1", out_id: "rm1", success: true },
    ]);
    expect(r.status).toBe(403);
    const token = encodeURIComponent(srv.deps.config.sms.upToken ?? "");
    expect((await sandbox().post(`/api/v1/notify/sms-report?token=${token}`, { nope: 1 })).status).toBe(400);
    // a report of something that is not a reminder text is answered and ignored
    const other = await sandbox().post(`/api/v1/notify/sms-report?token=${token}`, [
      { biz_id: "1", out_id: "ticket:1:2:x", success: true },
    ]);
    expect(other.status).toBe(200);
    expect(other.body.code).toBe(0);
  });
});

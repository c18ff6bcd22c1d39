import { addDays, shanghaiDate } from "@warmline/shared";
import { HeatingAccount } from "@warmline/server/src/modules/accounts";
import { Bill } from "@warmline/server/src/modules/billing";
import { Reminder, ReminderAttempt, VisitTask } from "@warmline/server/src/modules/reminders";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { In } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seasonsWithBills } from "../support/billing";
import { seedSmallCounty } from "../support/county";
import { client, type Json, staffLogin } from "../support/http";
import { ownRedis } from "../support/redis";
import { startTestServer, type TestServer } from "../support/server";
import { until } from "../support/wait";

/**
 * The Redis-loss drill of issue 13: a campaign is being sent (slowly: 3 messages a second per channel) when
 * Redis restarts empty and every queued send job is gone. The outbox sends the lost jobs again once their
 * lease runs out; the reminder rows guard the sends. Nothing may be lost (every reminder finishes) and
 * nothing doubled (one SMS per SMS reminder at the platform, one visit task per task reminder).
 */

let redis: Awaited<ReturnType<typeof ownRedis>>;
let srv: TestServer;

/** "HH:MM" in Beijing time, `hours` from now */
function clock(hours: number): string {
  return new Date(Date.now() + 8 * 3600_000 + hours * 3600_000).toISOString().slice(11, 16);
}

beforeAll(async () => {
  redis = await ownRedis();
  srv = await startTestServer({
    REDIS_URL: redis.url,
    OUTBOX_LEASE_MS: "1500",
    REMINDER_RATE_SMS: "3",
    REMINDER_RATE_SUBSCRIBE: "3",
    REMINDER_CHANNEL_ATTEMPTS: "2",
    // quiet hours away from now, whatever the hour the suite runs at
    REMINDER_QUIET_HOURS: `${clock(2)}-${clock(3)}`,
  });
  await seedSmallCounty(srv.deps, 36);
  await seasonsWithBills(srv.url, ["2025-2026", "2026-2027"]);
  const ds = srv.deps.ds;
  await ds
    .getRepository(HeatingAccount)
    .createQueryBuilder()
    .update()
    .set({ status: "active", hardshipCategory: "none" })
    .execute();
  // last season paid; this season's bill 40 days overdue for everyone: 催缴 (subscribe → SMS → visit task)
  const today = shanghaiDate(new Date());
  await ds.query(
    "UPDATE bills SET paid_fen = amount_fen, status = 'paid', late_fee_accrued_fen = 0, late_fee_accrued_until = NULL",
  );
  const current = await ds.getRepository(Bill).find({ where: {}, order: { id: "DESC" } });
  const bySeason = Math.max(...current.map((b) => b.seasonId));
  await ds
    .getRepository(Bill)
    .createQueryBuilder()
    .update()
    .set({ paidFen: 0, status: "unpaid", dueDate: addDays(today, -40) })
    .where("season_id = :s", { s: bySeason })
    .execute();
}, 180_000);

afterAll(async () => {
  await srv?.close();
  await redis?.stop();
});

describe("Redis flushed in the middle of a campaign", () => {
  it("loses nothing and sends nothing twice", async () => {
    const sup = await staffLogin(srv.url, "supervisor", DEMO_PASSWORD);
    const started = await sup.api.post("/api/v1/staff/reminders/campaigns");
    expect(started.status).toBe(201);
    const id = started.body.id as number;
    const progress = async () => (await sup.api.get(`/api/v1/staff/reminders/campaigns/${id}`)).body as Json;

    // some messages out, most still queued: Redis restarts empty
    await until(async () => {
      const p = await progress();
      return p.counts.total > 20 && p.counts.sent >= 3 ? p : null;
    }, 60_000);
    const before = await progress();
    expect(before.counts.planned).toBeGreaterThan(0);
    await redis.restart();

    const done = await until(async () => {
      const p = await progress();
      return p.state === "done" ? p : null;
    }, 150_000);
    expect(done.counts.planned + done.counts.sending).toBe(0);

    const ds = srv.deps.ds;
    const rows = await ds.getRepository(Reminder).findBy({ campaignId: id });
    expect(rows).toHaveLength(done.counts.total);
    expect(rows.length).toBeGreaterThan(20);
    // nothing lost: every reminder ended with a message or a visit task (everyone owes; no one opted out)
    for (const r of rows) expect(r.status).toBe("sent");

    const attempts = await ds.getRepository(ReminderAttempt).findBy({ reminderId: In(rows.map((r) => r.id)) });
    const sms = (await client(srv.url).get("/sandbox/sms/test/messages")).body.messages as { outId: string | null }[];
    for (const r of rows) {
      const finals = attempts.filter(
        (a) => a.reminderId === r.id && (a.outcome === "accepted" || a.outcome === "created"),
      );
      expect(finals).toHaveLength(1);
      // nothing twice: the platform got exactly one text for an SMS reminder and none for the others
      expect(sms.filter((m) => m.outId === `rm${r.id}`)).toHaveLength(r.channel === "sms" ? 1 : 0);
    }
    const tasks = await ds.getRepository(VisitTask).findBy({ reminderId: In(rows.map((r) => r.id)) });
    expect(tasks).toHaveLength(rows.filter((r) => r.channel === "visit_task").length);
  });
});

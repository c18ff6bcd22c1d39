import { OutboxJob } from "@warmline/server/src/jobs/entities";
import { sendTicketMessage } from "@warmline/server/src/modules/notifications";
import { Ticket, TicketEvent } from "@warmline/server/src/modules/tickets";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { readFollowUp } from "@warmline/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedSmallCounty } from "../support/county";
import { client, staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

/**
 * 回访 on the real API (MariaDB): a reached follow-up records 是否解决 and 满意程度; a call that did not get
 * through is recorded with its time; 无法联系 only after ≥3 missed calls on ≥2 Beijing dates (409 before),
 * then the result goes by SMS to the ticket's contact phone and the ticket closes.
 */
let srv: TestServer;
type Staff = Awaited<ReturnType<typeof staffLogin>>;
let agent: Staff;
let tech: Staff;
let phoneSerial = 0;

beforeAll(async () => {
  srv = await startTestServer();
  await seedSmallCounty(srv.deps, 10);
  [agent, tech] = await Promise.all(["hotline_agent", "technician"].map((u) => staffLogin(srv.url, u, DEMO_PASSWORD)));
}, 120_000);
afterAll(async () => srv?.close());

/** a hotline ticket, answered and resolved: waiting for the follow-up */
async function resolvedTicket() {
  const phone = `1370055${String(++phoneSerial).padStart(4, "0")}`;
  const res = await agent.api.post("/api/v1/staff/tickets", {
    channel: "hotline",
    address: "金山花园 3 号楼 2 单元 501",
    category: "leak",
    description: "暖气片漏水",
    callerPhone: phone,
  });
  expect(res.status, res.text).toBe(201);
  const id = res.body.id as number;
  expect((await agent.api.post(`/api/v1/staff/tickets/${id}/respond`, { note: "已电话联系" })).status).toBe(200);
  const r = await tech.api.post(`/api/v1/staff/tickets/${id}/resolve`, { note: "更换阀门" });
  expect(r.status, r.text).toBe(200);
  return { id, phone };
}
const followUp = (id: number, body: object) => agent.api.post(`/api/v1/staff/tickets/${id}/follow-up`, body);
const eventsOf = (ticketId: number) =>
  srv.deps.ds.getRepository(TicketEvent).find({ where: { ticketId }, order: { at: "ASC", id: "ASC" } });
const lastOf = async (ticketId: number, type: string) =>
  (await eventsOf(ticketId)).filter((e) => e.type === type).at(-1);
/** a missed call recorded earlier (the API stamps the current time: earlier days are written as it would have) */
async function missedAt(ticketId: number, at: Date) {
  const repo = srv.deps.ds.getRepository(TicketEvent);
  await repo.save(
    repo.create({
      ticketId,
      type: "follow_up_missed",
      at,
      cycle: 0,
      actorKind: "staff",
      actorId: agent.staff.id,
      data: { comment: null },
      uniqueKey: null,
    }),
  );
}
/** moves the ticket's log (and its timestamps) `hours` back, as if it had been resolved that long ago */
async function backdate(ticketId: number, hours: number) {
  const ms = hours * 3600_000;
  const repo = srv.deps.ds.getRepository(TicketEvent);
  for (const e of await eventsOf(ticketId)) await repo.update({ id: e.id }, { at: new Date(e.at.getTime() - ms) });
  const t = await srv.deps.ds.getRepository(Ticket).findOneByOrFail({ id: ticketId });
  await srv.deps.ds.getRepository(Ticket).update(
    { id: ticketId },
    {
      createdAt: new Date(t.createdAt.getTime() - ms),
      respondedAt: t.respondedAt && new Date(t.respondedAt.getTime() - ms),
      resolvedAt: t.resolvedAt && new Date(t.resolvedAt.getTime() - ms),
    },
  );
}
async function queueItem(id: number) {
  const res = await agent.api.get("/api/v1/staff/tickets?followUp=true&pageSize=200");
  expect(res.status).toBe(200);
  return (res.body.items as { id: number; followUpMissed?: unknown }[]).find((t) => t.id === id);
}

describe("回访 (reached)", () => {
  it("solved and 满意: closes; the record carries outcome, solved, level as the rates read them", async () => {
    const { id } = await resolvedTicket();
    const res = await followUp(id, { outcome: "reached", solved: true, level: "satisfied", score: 5 });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: "closed", satisfied: true, score: 5 });
    const e = await lastOf(id, "followed_up");
    expect(e?.data).toEqual({
      outcome: "reached",
      solved: true,
      level: "satisfied",
      satisfied: true,
      score: 5,
      comment: null,
    });
    expect(readFollowUp(e?.data)).toEqual({ kind: "reached", solved: true, level: "satisfied" });
  });

  it("solved and 基本满意: closes, counted as satisfied with level basic", async () => {
    const { id } = await resolvedTicket();
    const res = await followUp(id, { outcome: "reached", solved: true, level: "basic", score: 4 });
    expect(res.status, res.text).toBe(200);
    expect(res.body.status).toBe("closed");
    expect(res.body.events.find((x: { type: string }) => x.type === "followed_up").text).toBe("已解决，基本满意，4分");
    expect(readFollowUp((await lastOf(id, "followed_up"))?.data)).toEqual({
      kind: "reached",
      solved: true,
      level: "basic",
    });
  });

  it("not solved (even if 满意): reopened in a new cycle, as an unsatisfied answer is", async () => {
    const { id } = await resolvedTicket();
    const res = await followUp(id, { outcome: "reached", solved: false, level: "satisfied", score: 3 });
    expect(res.status, res.text).toBe(200);
    expect(res.body.status).toBe("new");
    expect((await lastOf(id, "reopened"))?.data).toEqual({ reason: "回访未解决" });
    const t = await srv.deps.ds.getRepository(Ticket).findOneByOrFail({ id });
    expect(t.cycle).toBe(1);
  });

  it("不满意: reopened (today's behaviour); the old body (satisfied + score) still works", async () => {
    const { id } = await resolvedTicket();
    const res = await followUp(id, { satisfied: false, score: 2 });
    expect(res.status, res.text).toBe(200);
    expect(res.body.status).toBe("new");
    expect((await lastOf(id, "reopened"))?.data).toEqual({ reason: "回访不满意" });
  });

  it("refuses a reached follow-up without 是否解决 / 满意程度 (400, nothing written)", async () => {
    const { id } = await resolvedTicket();
    const before = (await eventsOf(id)).length;
    const res = await followUp(id, { outcome: "reached", score: 5 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(JSON.stringify(res.body)).toContain("请选择满意程度");
    expect((await eventsOf(id)).length).toBe(before);
  });
});

describe("回访未接通 and 无法联系", () => {
  it("a missed call is recorded with its time; the queue shows the count; 无法联系 too early → 409, nothing written", async () => {
    const { id } = await resolvedTicket();
    const t0 = Date.now();
    const res = await followUp(id, { outcome: "missed" });
    expect(res.status, res.text).toBe(200);
    expect(res.body.status).toBe("resolved");
    const missed = await lastOf(id, "follow_up_missed");
    expect(Math.abs((missed?.at.getTime() ?? 0) - t0)).toBeLessThan(10_000);
    expect(await queueItem(id)).toMatchObject({ followUpMissed: { count: 1, days: 1, meetsRule: false } });

    // three calls, but all today: the rule wants two different dates
    expect((await followUp(id, { outcome: "missed" })).status).toBe(200);
    expect((await followUp(id, { outcome: "missed", comment: "关机" })).status).toBe(200);
    expect(await queueItem(id)).toMatchObject({ followUpMissed: { count: 3, days: 1, meetsRule: false } });
    const before = (await eventsOf(id)).length;
    const early = await followUp(id, { outcome: "unreachable" });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe("FOLLOW_UP_UNREACHABLE_TOO_EARLY");
    expect(early.body.error.message).toContain("无法联系");
    expect((await eventsOf(id)).length).toBe(before);
    expect((await srv.deps.ds.getRepository(Ticket).findOneByOrFail({ id })).status).toBe("resolved");
  });

  it("≥3 missed calls on ≥2 dates: 无法联系 closes the ticket, records attempts + smsAt, and sends the SMS to the contact phone", async () => {
    const { id, phone } = await resolvedTicket();
    await backdate(id, 30);
    const now = Date.now();
    // two calls a millisecond apart, 29 h ago: one Shanghai date, earlier than today's whatever the hour
    // (26 h and 25 h ago fell on two dates between 00:00 and 02:00 in Shanghai)
    await missedAt(id, new Date(now - 29 * 3600_000));
    await missedAt(id, new Date(now - 29 * 3600_000 + 1));
    // two calls (one date): still too early
    expect((await followUp(id, { outcome: "unreachable" })).status).toBe(409);
    expect((await followUp(id, { outcome: "missed" })).status).toBe(200);
    expect(await queueItem(id)).toMatchObject({ followUpMissed: { count: 3, days: 2, meetsRule: true } });

    const res = await followUp(id, { outcome: "unreachable", comment: "三次未接通" });
    expect(res.status, res.text).toBe(200);
    expect(res.body.status).toBe("closed");
    expect(res.body.satisfied).toBeNull();
    const e = await lastOf(id, "followed_up");
    const data = e?.data as { outcome: string; attempts: string[]; smsAt: string };
    expect(data.outcome).toBe("unreachable");
    expect(data.attempts).toHaveLength(3);
    expect(data.smsAt).toBe(e?.at.toISOString());
    expect(readFollowUp(data)).toMatchObject({ kind: "unreachable" });
    expect((await lastOf(id, "closed"))?.data).toEqual({ reason: "unreachable" });
    expect(res.body.events.at(-1).text).toBe("工单办结（无法联系）");

    // the result SMS is queued with the close, and goes to the ticket's contact phone
    const jobs = await srv.deps.ds.getRepository(OutboxJob).findBy({ jobName: "tickets.notify" });
    const payload = { ticketId: id, eventId: e?.id as number, kind: "unreachable_result" as const };
    expect(jobs.some((j) => JSON.stringify(JSON.parse(String(j.payload))) === JSON.stringify(payload))).toBe(true);
    await sendTicketMessage(srv.deps, payload);
    const sms = await client(srv.url).get(`/sandbox/sms/test/messages?phone=${phone}`);
    expect(sms.status).toBe(200);
    const texts = (sms.body.messages as { params: Record<string, string> }[]).map((m) => m.params);
    expect(texts).toContainEqual(expect.objectContaining({ detail: expect.stringContaining("多次回访未能联系到您") }));

    // done: no further follow-up
    expect((await followUp(id, { outcome: "missed" })).status).toBe(409);
  });

  it("missed calls of an earlier resolution do not count after the ticket is reopened and resolved again", async () => {
    const { id } = await resolvedTicket();
    await backdate(id, 60);
    const now = Date.now();
    await missedAt(id, new Date(now - 50 * 3600_000));
    await missedAt(id, new Date(now - 49 * 3600_000));
    expect((await followUp(id, { outcome: "reached", solved: false, level: "unsatisfied", score: 1 })).status).toBe(
      200,
    );
    expect((await agent.api.post(`/api/v1/staff/tickets/${id}/respond`, { note: "再次联系" })).status).toBe(200);
    expect((await tech.api.post(`/api/v1/staff/tickets/${id}/resolve`, { note: "再次处理" })).status).toBe(200);
    expect((await followUp(id, { outcome: "missed" })).status).toBe(200);
    expect(await queueItem(id)).toMatchObject({ followUpMissed: { count: 1, days: 1, meetsRule: false } });
    expect((await followUp(id, { outcome: "unreachable" })).status).toBe(409);
  });
});

import { StaffAlert } from "@warmline/server/src/modules/alerts";
import { AuditLog } from "@warmline/server/src/modules/audit";
import { TicketEvent, createTicket, sweepSla } from "@warmline/server/src/modules/tickets";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedSmallCounty } from "../support/county";
import { residentLogin, staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";
import { until } from "../support/wait";

let srv: TestServer;
let county: Awaited<ReturnType<typeof seedSmallCounty>>;
type Staff = Awaited<ReturnType<typeof staffLogin>>;
let sup: Staff;
let admin: Staff;
let agent: Staff;

beforeAll(async () => {
  srv = await startTestServer();
  county = await seedSmallCounty(srv.deps, 20);
  [sup, admin, agent] = await Promise.all(
    ["supervisor", "admin", "hotline_agent"].map((u) => staffLogin(srv.url, u, DEMO_PASSWORD)),
  );
});
afterAll(async () => srv?.close());

let next = 0;
const freshAccount = () => county.rows.filter((a) => a.status === "active")[next++] as (typeof county.rows)[number];

/** a hotline ticket opened `minutesAgo` minutes ago, nobody has answered it */
async function lateTicket(minutesAgo: number) {
  const account = freshAccount();
  return createTicket(
    srv.deps,
    { kind: "staff", id: 1 },
    { channel: "hotline", category: "no_heat", accountId: account.id, description: "整栋楼不热，已经两个小时" },
    new Date(Date.now() - minutesAgo * 60_000),
  );
}

const alertsOf = (ticketId: number) =>
  srv.deps.ds.getRepository(StaffAlert).findBy({ subjectType: "ticket", subjectId: ticketId });

describe("escalation inbox (升级提醒)", () => {
  it("a breached response clock reaches the supervisors' inbox once, however often it is noticed", async () => {
    const before = (await sup.api.get("/api/v1/staff/alerts/summary")).body.open as number;
    const t = await lateTicket(35);
    // the delayed job escalates it
    await until(() => srv.deps.ds.getRepository(TicketEvent).findOneBy({ ticketId: t.id, type: "escalated" }), 15_000);
    const [alert] = await until(async () => {
      const rows = await alertsOf(t.id);
      return rows.length ? rows : null;
    }, 5_000);
    expect(alert).toMatchObject({ kind: "sla_breach", audience: "supervisor", ackAt: null });
    // the sweeper notices the same breach again, twice: still one alert
    await sweepSla(srv.deps.ds, new Date(), srv.deps.config.sla);
    await sweepSla(srv.deps.ds, new Date(Date.now() + 60_000), srv.deps.config.sla);
    expect(await alertsOf(t.id)).toHaveLength(1);

    const summary = await sup.api.get("/api/v1/staff/alerts/summary");
    expect(summary.status).toBe(200);
    expect(summary.body.open).toBe(before + 1);
    const list = await sup.api.get("/api/v1/staff/alerts?state=open");
    expect(list.status).toBe(200);
    const item = list.body.items.find((a: { ticket: { id: number } | null }) => a.ticket?.id === t.id);
    expect(item).toMatchObject({
      kind: "sla_breach",
      clock: "response",
      title: `工单 ${t.ticketNo} 响应时限超时`,
      ackAt: null,
      ackBy: null,
    });
    expect(item.body).toContain("升级至专班主管");
    // due 30 minutes after the ticket was opened
    expect(new Date(item.dueAt).getTime()).toBe(t.createdAt.getTime() + 30 * 60_000);
    // escalated when the clock ran out (5 minutes ago), not when the timer or the sweeper noticed it
    expect(new Date(item.createdAt).getTime()).toBe(t.createdAt.getTime() + 30 * 60_000);
    expect(item.ticket).toMatchObject({ ticketNo: t.ticketNo, status: "new" });
    expect(item.ticket.sla.response.breached).toBe(true);
  });

  it("a supervisor acknowledges it with a note; someone else cannot acknowledge it again", async () => {
    const t = await lateTicket(40);
    await sweepSla(srv.deps.ds, new Date(), srv.deps.config.sla);
    const [alert] = await alertsOf(t.id);
    expect(alert).toBeDefined();
    const id = (alert as StaffAlert).id;
    const openBefore = (await sup.api.get("/api/v1/staff/alerts/summary")).body.open as number;

    const ack = await sup.api.post(`/api/v1/staff/alerts/${id}/ack`, { note: "已电话督促调度，10分钟内联系住户" });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ id, ackNote: "已电话督促调度，10分钟内联系住户" });
    expect(ack.body.ackBy).toContain("专班主管");
    expect(Date.now() - new Date(ack.body.ackAt).getTime()).toBeLessThan(60_000);
    // the same person again: nothing changes
    const again = await sup.api.post(`/api/v1/staff/alerts/${id}/ack`, {});
    expect(again.status).toBe(200);
    expect(again.body.ackAt).toBe(ack.body.ackAt);
    expect(again.body.ackNote).toBe(ack.body.ackNote);
    // somebody else: refused, naming who did it
    const other = await admin.api.post(`/api/v1/staff/alerts/${id}/ack`, { note: "我来处理" });
    expect(other.status).toBe(409);
    expect(other.body.error).toMatchObject({ code: "ALERT_ALREADY_ACKED", message: "该提醒已由他人处理" });
    expect(other.body.error.details.ackBy).toBe(ack.body.ackBy);

    expect((await sup.api.get("/api/v1/staff/alerts/summary")).body.open).toBe(openBefore - 1);
    const open = await sup.api.get("/api/v1/staff/alerts?state=open&pageSize=100");
    expect(open.body.items.map((a: { id: number }) => a.id)).not.toContain(id);
    const acked = await admin.api.get("/api/v1/staff/alerts?state=acked");
    expect(acked.body.items.map((a: { id: number }) => a.id)).toContain(id);
    const audit = await srv.deps.ds.getRepository(AuditLog).findBy({ action: "alert.ack", targetId: String(id) });
    expect(audit).toHaveLength(1);
    // the 督办 is on the ticket's staff timeline, with who and when, once
    const detail = await sup.api.get(`/api/v1/staff/tickets/${t.id}`);
    const notes = (detail.body.events as { type: string; text: string; actorName: string | null }[]).filter((e) =>
      e.text.startsWith("专班主管已知悉"),
    );
    expect(notes).toEqual([
      expect.objectContaining({
        type: "note",
        text: "专班主管已知悉响应时限超时，督办：已电话督促调度，10分钟内联系住户",
        actorName: ack.body.ackBy,
      }),
    ]);
  });

  it("others cannot read or acknowledge the inbox; bad input is a clear 400", async () => {
    expect((await agent.api.get("/api/v1/staff/alerts")).status).toBe(403);
    expect((await agent.api.get("/api/v1/staff/alerts/summary")).status).toBe(403);
    expect((await agent.api.post("/api/v1/staff/alerts/1/ack", {})).status).toBe(403);
    const resident = await residentLogin(srv.url);
    expect((await resident.api.get("/api/v1/staff/alerts")).status).toBe(403);

    const missing = await sup.api.post("/api/v1/staff/alerts/99999999/ack", {});
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("ALERT_NOT_FOUND");
    for (const [path, body] of [
      ["/api/v1/staff/alerts?state=late", undefined],
      ["/api/v1/staff/alerts?pageSize=1000", undefined],
      ["/api/v1/staff/alerts/abc/ack", {}],
      ["/api/v1/staff/alerts/1/ack", { note: "很".repeat(201) }],
    ] as const) {
      const res = body === undefined ? await sup.api.get(path) : await sup.api.post(path, body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_FAILED");
      expect(res.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    }
    const broken = await sup.api.post("/api/v1/staff/alerts/1/ack", "{not json");
    expect(broken.status).toBe(400);
  });
});

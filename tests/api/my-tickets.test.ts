import { StaffRoleGrant } from "@warmline/server/src/modules/staff";
import { Ticket } from "@warmline/server/src/modules/tickets";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedSmallCounty } from "../support/county";
import { staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

/** 我的工单: a technician's own tickets (dispatched to them), by the next due time; the recent finished ones apart. */

let srv: TestServer;
type Staff = Awaited<ReturnType<typeof staffLogin>>;
let agent: Staff;
let dispatcher: Staff;
let tech: Staff;
let stationId: number;

beforeAll(async () => {
  srv = await startTestServer();
  await seedSmallCounty(srv.deps, 20);
  [agent, dispatcher, tech] = await Promise.all(
    ["hotline_agent", "dispatcher", "technician"].map((u) => staffLogin(srv.url, u, DEMO_PASSWORD)),
  );
  stationId = (await dispatcher.api.get("/api/v1/staff/stations")).body.items[0].id;
});
afterAll(async () => srv?.close());

type Item = { id: number; ticketNo: string; status: string; sla: { next: { dueAt: string } | null } };
const ids = (body: { items: Item[] }) => body.items.map((t) => t.id);

/** a hotline ticket, answered and dispatched to `technicianId` (or to a crew only) */
async function dispatchedTicket(category: string, technicianId?: number) {
  const created = await agent.api.post("/api/v1/staff/tickets", {
    channel: "hotline",
    callerPhone: "13800001111",
    address: "民乐县城东小区3号楼2单元501",
    category,
    description: "暖气不热，屋里很冷",
  });
  expect(created.status).toBe(201);
  const id = created.body.id as number;
  expect((await agent.api.post(`/api/v1/staff/tickets/${id}/respond`, { note: "已电话联系居民" })).status).toBe(200);
  const dispatched = await dispatcher.api.post(`/api/v1/staff/tickets/${id}/dispatch`, {
    stationId,
    crew: "维修一班",
    ...(technicianId ? { technicianId } : {}),
  });
  expect(dispatched.status).toBe(200);
  return id;
}

describe("GET /staff/my-tickets", () => {
  it("lists only the tickets dispatched to me, overdue first, then by the next due time; finished ones in the done tab", async () => {
    const techId = tech.staff.id;
    const first = await dispatchedTicket("no_heat", techId);
    const second = await dispatchedTicket("cold_room", techId);
    const crewOnly = await dispatchedTicket("no_heat");
    // another technician's ticket (only active technicians can be assigned: the dispatcher gets the role here)
    await srv.deps.ds
      .getRepository(StaffRoleGrant)
      .save({ staffUserId: dispatcher.staff.id, role: "technician" as const });
    const others = await dispatchedTicket("no_heat", dispatcher.staff.id);

    const open = await tech.api.get("/api/v1/staff/my-tickets");
    expect(open.status).toBe(200);
    expect(ids(open.body)).toEqual(expect.arrayContaining([first, second]));
    expect(ids(open.body)).not.toContain(crewOnly);
    expect(ids(open.body)).not.toContain(others);
    // sorted by the running clocks' next due time
    const due = open.body.items.map((t: Item) => t.sla.next?.dueAt ?? "9999");
    expect(due).toEqual([...due].sort());
    expect(open.body.total).toBe(open.body.items.length);

    // an overdue ticket comes first
    await srv.deps.ds
      .getRepository(Ticket)
      .update({ id: second }, { slaNextDueAt: new Date(Date.now() - 3_600_000), slaBreached: true });
    const again = await tech.api.get("/api/v1/staff/my-tickets?tab=open");
    expect(ids(again.body)[0]).toBe(second);

    // the dispatcher's own list is theirs alone
    const theirs = await dispatcher.api.get("/api/v1/staff/my-tickets");
    expect(ids(theirs.body)).toEqual([others]);

    // resolved: out of the open tab, into the done tab
    expect((await tech.api.post(`/api/v1/staff/tickets/${first}/on-site`, {})).status).toBe(200);
    const resolved = await tech.api.post(`/api/v1/staff/tickets/${first}/resolve`, { note: "更换阀门，已恢复供热" });
    expect(resolved.body.status).toBe("resolved");
    const openAfter = await tech.api.get("/api/v1/staff/my-tickets?tab=open");
    expect(ids(openAfter.body)).not.toContain(first);
    expect(ids(openAfter.body)).toContain(second);
    const done = await tech.api.get("/api/v1/staff/my-tickets?tab=done");
    expect(done.status).toBe(200);
    expect(ids(done.body)).toEqual([first]);
  });

  it("a technician no longer lists the whole SLA board; an unknown tab is a 400 with a code", async () => {
    const board = await tech.api.get("/api/v1/staff/tickets?open=true");
    expect(board.status).toBe(403);
    expect(board.body.error.code).toBe("FORBIDDEN");
    const bad = await tech.api.get("/api/v1/staff/my-tickets?tab=all");
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("VALIDATION_FAILED");
    expect(bad.body.error.message).toBeTruthy();
  });
});

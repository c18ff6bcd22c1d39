import { Ticket } from "@warmline/server/src/modules/tickets";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedSmallCounty } from "../support/county";
import { staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

/** 派单 to a technician: the list to choose from, the assignment, and the technician's 我的工单 (masked phone). */
let srv: TestServer;
type Staff = Awaited<ReturnType<typeof staffLogin>>;
let agent: Staff;
let dispatcher: Staff;
let tech: Staff;
let stationId: number;

beforeAll(async () => {
  srv = await startTestServer();
  await seedSmallCounty(srv.deps, 10);
  [agent, dispatcher, tech] = await Promise.all(
    ["hotline_agent", "dispatcher", "technician"].map((u) => staffLogin(srv.url, u, DEMO_PASSWORD)),
  );
  stationId = (await dispatcher.api.get("/api/v1/staff/stations")).body.items[0].id;
}, 120_000);
afterAll(async () => srv?.close());

async function respondedTicket() {
  const res = await agent.api.post("/api/v1/staff/tickets", {
    channel: "hotline",
    callerPhone: "13800002468",
    address: "民乐县城东小区3号楼2单元501",
    category: "leak",
    description: "暖气片漏水",
  });
  expect(res.status, res.text).toBe(201);
  expect((await agent.api.post(`/api/v1/staff/tickets/${res.body.id}/respond`, { note: "已联系" })).status).toBe(200);
  return res.body.id as number;
}

describe("派单 to a technician", () => {
  it("lists active technicians only (with and without a station filter)", async () => {
    const all = await dispatcher.api.get("/api/v1/staff/technicians");
    expect(all.status, all.text).toBe(200);
    const ids = (all.body.items as { id: number }[]).map((t) => t.id);
    expect(ids).toContain(tech.staff.id);
    expect(ids).not.toContain(agent.staff.id);
    expect(ids).not.toContain(dispatcher.staff.id);
    const byStation = await dispatcher.api.get(`/api/v1/staff/technicians?stationId=${stationId}`);
    expect(byStation.status).toBe(200);
    for (const t of byStation.body.items as { stationId: number | null }[]) {
      expect([stationId, null]).toContain(t.stationId);
    }
    expect((await dispatcher.api.get("/api/v1/staff/technicians?stationId=abc")).status).toBe(400);
    expect((await tech.api.get("/api/v1/staff/technicians")).status).toBe(403);
  });

  it("assigns the technician; the ticket is in their 我的工单 with the masked contact phone", async () => {
    const id = await respondedTicket();
    const res = await dispatcher.api.post(`/api/v1/staff/tickets/${id}/dispatch`, {
      stationId,
      technicianId: tech.staff.id,
    });
    expect(res.status, res.text).toBe(200);
    expect((await srv.deps.ds.getRepository(Ticket).findOneByOrFail({ id })).technicianId).toBe(tech.staff.id);
    expect(res.body.events.at(-1).text).toContain("维修人员");
    const mine = await tech.api.get("/api/v1/staff/my-tickets?tab=open&pageSize=100");
    expect(mine.status, mine.text).toBe(200);
    const item = (mine.body.items as { id: number; contactPhone: string | null }[]).find((t) => t.id === id);
    expect(item?.contactPhone).toBe("138********");
  });

  it("refuses someone who is not an active technician (404 TECHNICIAN_NOT_FOUND, nothing written)", async () => {
    const id = await respondedTicket();
    for (const technicianId of [agent.staff.id, 999_999]) {
      const res = await dispatcher.api.post(`/api/v1/staff/tickets/${id}/dispatch`, { stationId, technicianId });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("TECHNICIAN_NOT_FOUND");
    }
    const t = await srv.deps.ds.getRepository(Ticket).findOneByOrFail({ id });
    expect(t).toMatchObject({ status: "responded", technicianId: null });
  });
});

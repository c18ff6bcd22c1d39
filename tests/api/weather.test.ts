import type { HeatingAccount } from "@warmline/server/src/modules/accounts";
import { Building } from "@warmline/server/src/modules/accounts";
import { createTicket } from "@warmline/server/src/modules/tickets";
import { OutdoorReading } from "@warmline/server/src/modules/weather";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedSmallCounty } from "../support/county";
import { staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

let srv: TestServer;
type Staff = Awaited<ReturnType<typeof staffLogin>>;
let dispatcher: Staff;
let tech: Staff;
let agent: Staff;
/** ordinary households (no special group), each in a building of its own */
let households: HeatingAccount[];

beforeAll(async () => {
  srv = await startTestServer();
  const county = await seedSmallCounty(srv.deps, 60);
  const seen = new Set<number>();
  households = county.rows.filter((a) => {
    if (a.status !== "active" || a.hardshipCategory !== "none" || !a.buildingId || seen.has(a.buildingId)) return false;
    seen.add(a.buildingId);
    return true;
  });
  [dispatcher, tech, agent] = await Promise.all(
    ["dispatcher", "technician", "hotline_agent"].map((u) => staffLogin(srv.url, u, DEMO_PASSWORD)),
  );
});
afterAll(async () => srv?.close());

let next = 0;
/** a cold-room report by phone from the next household, with the indoor reading given */
async function coldRoom(indoorTempC10: number) {
  const account = households[next++] as HeatingAccount;
  return createTicket(
    srv.deps,
    { kind: "staff", id: 1 },
    { channel: "hotline", category: "cold_room", accountId: account.id, indoorTempC10, description: "卧室温度偏低" },
  );
}

const stationOf = async (a: HeatingAccount) =>
  (await srv.deps.ds.getRepository(Building).findOneByOrFail({ id: a.buildingId as number })).stationId as number;

describe("outdoor temperature (室外气温)", () => {
  it("with no reading the 20 ℃ floor applies; a reading older than 3 hours does not count", async () => {
    const empty = await agent.api.get("/api/v1/staff/outdoor-readings");
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ current: null, floorC10: 200, items: [] });
    const old = await dispatcher.api.post("/api/v1/staff/outdoor-readings", {
      tempC10: -150,
      at: new Date(Date.now() - 4 * 3600_000).toISOString(),
    });
    expect(old.status).toBe(201);
    const t = await coldRoom(185);
    expect(t.outdoorTempC10).toBeNull();
    expect(t.priority).toBe("high"); // 18.5 ℃ is below 20 ℃
    const list = await agent.api.get("/api/v1/staff/outdoor-readings");
    expect(list.body.current).toBeNull();
    expect(list.body.items.map((r: { id: number }) => r.id)).toEqual([old.body.id]);
  });

  it("below −10 ℃ outside the floor is 18 ℃: a report of 18.5 ℃ is not a cold room, 17.5 ℃ is", async () => {
    const res = await dispatcher.api.post("/api/v1/staff/outdoor-readings", { tempC10: -125 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ tempC10: -125, stationId: null, source: "manual" });
    expect(res.body.recordedBy).toContain("调度");
    const now = await agent.api.get("/api/v1/staff/outdoor-readings");
    expect(now.body).toMatchObject({ floorC10: 180, current: { id: res.body.id, tempC10: -125 } });

    const warmEnough = await coldRoom(185);
    expect(warmEnough).toMatchObject({ outdoorTempC10: -125, priority: "normal" });
    const cold = await coldRoom(175);
    expect(cold).toMatchObject({ outdoorTempC10: -125, priority: "high" });
    expect(cold.priorityReasons).toEqual(["室温17.5℃低于标准18.0℃"]);
  });

  it("a station's own reading comes first for its households", async () => {
    const account = households[next] as HeatingAccount;
    const stationId = await stationOf(account);
    // milder at that station: the 20 ℃ floor applies there, while the county reading (−12.5 ℃) stands
    const own = await tech.api.post("/api/v1/staff/outdoor-readings", { tempC10: -55, stationId });
    expect(own.status).toBe(201);
    expect(own.body.stationName).toBeTruthy();
    const t = await coldRoom(185);
    expect(t).toMatchObject({ outdoorTempC10: -55, priority: "high" });
    const forStation = await agent.api.get(`/api/v1/staff/outdoor-readings?stationId=${stationId}`);
    expect(forStation.body).toMatchObject({ floorC10: 200, current: { id: own.body.id } });
    expect((await agent.api.get("/api/v1/staff/outdoor-readings")).body.current.id).toBe(own.body.id);
  });

  it("the outdoor value of an indoor measurement is a reading too", async () => {
    const t = await coldRoom(170);
    const r = await tech.api.post(`/api/v1/staff/tickets/${t.id}/measure`, {
      indoorTempC10: 172,
      outdoorTempC10: -133,
      method: "thermometer",
    });
    expect(r.status).toBe(200);
    const row = await srv.deps.ds.getRepository(OutdoorReading).findOneByOrFail({ source: "measurement" });
    expect(row).toMatchObject({ tempC10: -133, stationId: t.stationId });
  });

  it("bad readings are refused clearly; only field and dispatch staff record them", async () => {
    const post = (body: unknown) => dispatcher.api.post("/api/v1/staff/outdoor-readings", body);
    for (const body of [{ tempC10: 999 }, { tempC10: -12.5 }, { tempC10: "冷" }, {}, { tempC10: -100, at: "昨天" }]) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_FAILED");
      expect(res.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    }
    for (const at of [new Date(Date.now() + 3600_000), new Date(Date.now() - 8 * 24 * 3600_000)]) {
      const res = await post({ tempC10: -100, at: at.toISOString() });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: "OUTDOOR_TIME_INVALID" });
    }
    const station = await post({ tempC10: -100, stationId: 999_999 });
    expect(station.status).toBe(404);
    expect(station.body.error.code).toBe("STATION_NOT_FOUND");
    expect((await agent.api.post("/api/v1/staff/outdoor-readings", { tempC10: -100 })).status).toBe(403);
    expect((await agent.api.get("/api/v1/staff/outdoor-readings?hours=500")).status).toBe(400);
  });
});

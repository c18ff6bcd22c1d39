import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "@warmline/server/src/modules/audit";
import { TicketEvent } from "@warmline/server/src/modules/tickets";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { ServiceRatesSchema, shanghaiDate } from "@warmline/shared";
import { seedSmallCounty } from "../support/county";
import { staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

/**
 * The 三率 report and its exports on the real API (MariaDB): tickets driven through the real actions, then the
 * four rates as the shared definitions count them, and the definitions in both export files.
 */
// exceljs is the server's dependency (the tests package does not list it): read the workbook with the server's copy
const ExcelJS = createRequire(new URL("../../server/package.json", import.meta.url))(
  "exceljs",
) as typeof import("exceljs");
let srv: TestServer;
type Staff = Awaited<ReturnType<typeof staffLogin>>;
let agent: Staff;
let dispatcher: Staff;
let tech: Staff;
let sup: Staff;
const TODAY = shanghaiDate(new Date());
const RANGE = `from=${TODAY}&to=${TODAY}`;
const ids: Record<string, number> = {};

beforeAll(async () => {
  srv = await startTestServer();
  await seedSmallCounty(srv.deps, 10);
  [agent, dispatcher, tech, sup] = await Promise.all(
    ["hotline_agent", "dispatcher", "technician", "supervisor"].map((u) => staffLogin(srv.url, u, DEMO_PASSWORD)),
  );
  const open = async (name: string) => {
    const res = await agent.api.post("/api/v1/staff/tickets", {
      channel: "hotline",
      address: `金山花园 ${Object.keys(ids).length + 1} 号楼`,
      category: "no_heat",
      description: "暖气片不热，屋里冷",
      callerPhone: "13900001111",
    });
    expect(res.status).toBe(201);
    ids[name] = res.body.id;
    return res.body.id as number;
  };
  const step = async (who: Staff, id: number, action: string, body: object) => {
    const res = await who.api.post(`/api/v1/staff/tickets/${id}/${action}`, body);
    expect(res.status, `${action}: ${res.text}`).toBe(200);
  };
  // satisfied: closed
  const a = await open("satisfied");
  await step(agent, a, "respond", { note: "已电话联系" });
  await step(tech, a, "resolve", { note: "排气后正常" });
  await step(agent, a, "follow-up", { satisfied: true, score: 5 });
  // unsatisfied: reopened, the new cycle's clock still runs (not yet due for 办结)
  const b = await open("unsatisfied");
  await step(agent, b, "respond", { note: "已电话联系" });
  await step(tech, b, "resolve", { note: "调整阀门" });
  await step(agent, b, "follow-up", { satisfied: false, score: 2, comment: "还是冷" });
  // reached through the follow-up form: solved, 基本满意 (closed; counts as satisfied, and apart as basic)
  const e = await open("basic");
  await step(agent, e, "respond", { note: "已电话联系" });
  await step(tech, e, "resolve", { note: "清洗过滤器" });
  await step(agent, e, "follow-up", { outcome: "reached", solved: true, level: "basic", score: 4 });
  // a duplicate, linked into the first one's incident
  const c = await open("duplicate");
  await step(dispatcher, c, "link", { incidentTicketId: a });
  // just opened: no clock due yet
  await open("fresh");
  // resolved, the resident could not be reached: the record the follow-up action writes for 无法联系 (outcome
  // "unreachable", the missed calls, the result SMS), inserted directly because the calls must fall on two
  // dates after the resolution and this ticket must stay in today's range (ticket-followups.test.ts drives it)
  const d = await open("unreachable");
  await step(agent, d, "respond", { note: "已电话联系" });
  await step(tech, d, "resolve", { note: "更换阀门" });
  const now = Date.now();
  const events = srv.deps.ds.getRepository(TicketEvent);
  await events.save(
    events.create({
      ticketId: d,
      type: "followed_up",
      at: new Date(now),
      cycle: 0,
      actorKind: "staff",
      actorId: agent.staff.id,
      data: {
        outcome: "unreachable",
        attempts: [now - 26 * 3600_000, now - 25 * 3600_000, now - 60_000].map((t) => new Date(t).toISOString()),
        smsAt: new Date(now).toISOString(),
      },
      uniqueKey: null,
    }),
  );
}, 120_000);
afterAll(async () => srv?.close());

describe("三率 on the API", () => {
  it("counts today's tickets by the definitions", async () => {
    const res = await sup.api.get(`/api/v1/staff/reports/service-rates?${RANGE}&groupBy=day`);
    expect(res.status).toBe(200);
    const view = ServiceRatesSchema.parse(res.body);
    expect(view.total).toEqual({
      key: "total",
      label: "合计",
      tickets: 6,
      duplicates: 1,
      responseDue: 4,
      respondedInTime: 4,
      completionDue: 3,
      completed: 3,
      followedUp: 3,
      solved: 2,
      satisfied: 2,
      basicSatisfied: 1,
      unreachable: 1,
      responseRate: 1,
      completionRate: 1,
      solveRate: 2 / 3,
      satisfactionRate: 2 / 3,
    });
    expect(view.rows.map((r) => [r.key, r.tickets])).toEqual([[TODAY, 6]]);
  });

  it("exports CSV with the definitions under the table, and writes an audit row", async () => {
    const before = await srv.deps.ds.getRepository(AuditLog).countBy({ action: "report.export" });
    const res = await dispatcher.api.get(`/api/v1/staff/reports/service-rates.csv?${RANGE}&groupBy=channel`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const lines = res.text
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n");
    expect(lines[0].split(",").slice(0, 6)).toEqual(["分组", "工单数", "合并重复", "应响应", "及时响应", "响应率"]);
    expect(lines.find((l) => l.startsWith("供热热线,"))).toBe(
      "供热热线,6,1,4,4,100.0%,3,3,100.0%,3,2,66.7%,2,1,66.7%,1",
    );
    expect(lines.find((l) => l.startsWith("合计,"))).toBe("合计,6,1,4,4,100.0%,3,3,100.0%,3,2,66.7%,2,1,66.7%,1");
    const defs = lines.slice(lines.indexOf("指标定义"));
    expect(defs.slice(2, 6).map((l) => l.split(",")[0])).toEqual(["响应率", "办结率", "解决率", "满意率"]);
    expect(defs.filter((l) => l.startsWith("统计规则,")).length).toBe(3);
    expect(await srv.deps.ds.getRepository(AuditLog).countBy({ action: "report.export" })).toBe(before + 1);
  });

  it("exports XLSX with a 指标定义 sheet", async () => {
    const res = await fetch(`${srv.url}/api/v1/staff/reports/service-rates.xlsx?${RANGE}&groupBy=station`, {
      headers: { authorization: `Bearer ${sup.accessToken}` },
    });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await res.arrayBuffer()) as import("exceljs").Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["三率统计", "指标定义"]);
    const ws = wb.getWorksheet("三率统计");
    expect(ws?.getCell(`A${ws.rowCount}`).value).toBe("合计");
    expect(ws?.getCell(`I${ws.rowCount}`).value).toBe(1); // 办结率 3/3
    expect(ws?.getCell(`L${ws.rowCount}`).value).toBeCloseTo(2 / 3); // 解决率 2/3
    expect(wb.getWorksheet("指标定义")?.getCell("A3").value).toBe("办结率");
  });

  it("refuses the report to roles without it", async () => {
    const res = await tech.api.get(`/api/v1/staff/reports/service-rates?${RANGE}`);
    expect(res.status).toBe(403);
  });
});

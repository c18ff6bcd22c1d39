import "reflect-metadata";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Router from "@koa/router";
import { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import {
  coldRoomResolveCheck,
  computeSla,
  idNumberProblem,
  type SlaEvent,
  type StaffRole,
  ServiceRatesSchema,
  type TicketStatus,
} from "@warmline/shared";
import ExcelJS from "exceljs";
import Koa from "koa";
import { DataSource } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENTITIES } from "../bootstrap";
import { dataSourceOptions } from "../db/dataSource";
import type { Deps } from "../deps";
import { authenticateRequest } from "../http/auth";
import { errorHandler } from "../http/errors";
import { requestContext } from "../http/requestId";
import { mountRoutes } from "../http/route";
import { PiiVault } from "../lib/pii";
import { HeatingAccount } from "../modules/accounts";
import { AuditLog } from "../modules/audit";
import { TokenService } from "../modules/auth";
import { mountReportFileRoutes, reportRoutes, serviceRates } from "../modules/reports";
import { StaffUser } from "../modules/staff";
import { Ticket, TicketEvent } from "../modules/tickets";
import { seedCounty } from "./demo";
import { type SeedTicketsResult, seedDemoTickets } from "./demoTickets";

const TODAY = "2026-11-27";
/** 16:00 in Shanghai */
const NOW = new Date("2026-11-27T08:00:00Z");
let vaultRef: PiiVault;
const file = `/tmp/warmline-demo-tickets-${process.pid}.sqlite`;
let ds: DataSource;
let result: SeedTicketsResult;
let seedMs = 0;
let tickets: Ticket[];
let eventsOf: Map<number, TicketEvent[]>;

/** The workflow, written out again here (independently of the seed) to check the rows against the log. */
function expectedStatus(events: TicketEvent[]): TicketStatus {
  let s: TicketStatus = "new";
  for (const e of events) {
    if (["responded", "dispatched", "on_site", "resolved", "closed"].includes(e.type)) s = e.type as TicketStatus;
    if (e.type === "reopened") s = "new";
  }
  return s;
}

beforeAll(async () => {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  ds = new DataSource(
    dataSourceOptions(
      { driver: "sqlite", url: "", sqliteFile: file, poolSize: 1, flavor: "mariadb" } as never,
      ENTITIES,
    ),
  );
  await ds.initialize();
  await ds.runMigrations({ transaction: "each" });
  const vault = new PiiVault(new Map([["k1", randomBytes(32)]]), "k1", randomBytes(32));
  await seedCounty(ds, vault, { accounts: 2000 });
  const t0 = performance.now();
  result = await seedDemoTickets(ds, TODAY, { now: NOW, vault });
  vaultRef = vault;
  seedMs = performance.now() - t0;
  tickets = await ds.getRepository(Ticket).find({ order: { id: "ASC" } });
  const events = await ds.getRepository(TicketEvent).find({ order: { ticketId: "ASC", at: "ASC", id: "ASC" } });
  eventsOf = new Map();
  for (const e of events) eventsOf.set(e.ticketId, [...(eventsOf.get(e.ticketId) ?? []), e]);
}, 120_000);

afterAll(async () => {
  await ds?.destroy();
  for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
});

describe("seedDemoTickets (2,000 accounts, SQLite)", () => {
  it("writes a 联系电话 on every ticket, and resolves no cold room that was still below the floor", async () => {
    for (const t of tickets) expect(vaultRef.decrypt(t.callerPhoneEnc)).toMatch(/^139\d{8}$/);
    let coldResolutions = 0;
    for (const t of tickets.filter((x) => x.category === "cold_room")) {
      const log = eventsOf.get(t.id) ?? [];
      log.forEach((e, i) => {
        if (e.type !== "resolved") return;
        coldResolutions += 1;
        const check = coldRoomResolveCheck(t.category, e.cycle, log.slice(0, i), null);
        expect(check, `${t.ticketNo} resolved at ${e.at.toISOString()}`).toMatchObject({ required: true, met: true });
      });
    }
    expect(coldResolutions).toBeGreaterThan(50);
  });

  it("gives every demo household an ID number that passes the register's check (checksum, date, region)", async () => {
    const rows = await ds.getRepository(HeatingAccount).find({ select: { id: true, idNumberEnc: true } });
    const ids = rows.map((a) => (a.idNumberEnc ? vaultRef.decrypt(a.idNumberEnc) : null)).filter((x) => x !== null);
    expect(ids.length).toBeGreaterThan(1800);
    expect(ids.filter((id) => idNumberProblem(id as string, TODAY) !== null)).toEqual([]);
  });

  it("writes a season of tickets quickly", () => {
    console.log(`seedDemoTickets: ${result.tickets} tickets, ${result.events} events in ${Math.round(seedMs)} ms`);
    expect(result.from).toBe("2026-10-15");
    expect(tickets.length).toBe(result.tickets);
    // 44 days × 3–8 per 1,000 accounts × 2 (plus cold-spell incidents)
    expect(tickets.length).toBeGreaterThan(44 * 6);
    expect(tickets.length).toBeLessThan(44 * 20);
    expect(seedMs).toBeLessThan(10_000); // ~3 s budget at start; generous here for a busy CI machine
  });

  it("numbers tickets GD + Shanghai date + 4 characters, uniquely", () => {
    const nos = new Set<string>();
    for (const t of tickets) {
      const d = new Date(t.createdAt.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, "");
      expect(t.ticketNo).toMatch(new RegExp(`^GD${d}[0-9A-Z]{4}$`));
      nos.add(t.ticketNo);
    }
    expect(nos.size).toBe(tickets.length);
  });

  it("keeps every ticket row consistent with its events", () => {
    for (const t of tickets) {
      const events = eventsOf.get(t.id) ?? [];
      expect(events[0]?.type, t.ticketNo).toBe("created");
      expect(events[0].at.getTime()).toBe(t.createdAt.getTime());
      expect(events.every((e) => e.at.getTime() <= NOW.getTime())).toBe(true);
      const status = expectedStatus(events);
      expect(t.status, t.ticketNo).toBe(status);
      const sla = computeSla(
        t.category,
        events.map((e): SlaEvent => ({ type: e.type, at: e.at, data: e.data as SlaEvent["data"] })),
        NOW,
      );
      const clocks = [sla.response, sla.resolution, sla.measurement].filter((c) => c !== null);
      const running = status === "closed" ? [] : clocks.filter((c) => c.metAt === null && !c.paused && c.dueAt);
      const next = running.map((c) => c.dueAt?.getTime() as number).sort((a, b) => a - b)[0];
      const ms = (d: Date | null | undefined) => (d ? d.getTime() : null);
      expect(
        {
          cycle: t.cycle,
          grade: t.grade,
          responseDueAt: ms(t.responseDueAt),
          resolutionDueAt: ms(t.resolutionDueAt),
          measurementDueAt: ms(t.measurementDueAt),
          slaNextDueAt: ms(t.slaNextDueAt),
          slaBreached: t.slaBreached,
          respondedAt: ms(t.respondedAt),
          resolvedAt: ms(t.resolvedAt),
        },
        t.ticketNo,
      ).toEqual({
        cycle: sla.cycle,
        grade: sla.grade,
        responseDueAt: ms(sla.response.dueAt),
        resolutionDueAt: ms(sla.resolution.dueAt),
        measurementDueAt: ms(sla.measurement?.dueAt),
        slaNextDueAt: next ?? null,
        slaBreached: clocks.some((c) => c.breached),
        respondedAt: ms(sla.response.metAt),
        resolvedAt: ms(sla.resolution.metAt),
      });
      const closed = events.filter((e) => e.type === "closed").at(-1);
      expect(ms(t.closedAt)).toBe(status === "closed" ? ms(closed?.at) : null);
      const followUp = events.filter((e) => e.type === "followed_up").at(-1);
      expect(t.satisfied).toBe(followUp ? (followUp.data as { satisfied: boolean }).satisfied : null);
      // every closing follows a satisfied follow-up, every reopening an unsatisfied one
      events.forEach((e, i) => {
        if (e.type === "closed") expect((events[i - 1].data as { satisfied: boolean }).satisfied).toBe(true);
        if (e.type === "reopened") expect((events[i - 1].data as { satisfied: boolean }).satisfied).toBe(false);
      });
      expect(events.filter((e) => e.type === "reopened").length).toBe(t.cycle);
    }
  });

  it("leaves older tickets closed and the last day's in every state, a few breached", () => {
    const dayAgo = NOW.getTime() - 24 * 3600_000;
    const older = tickets.filter((t) => t.createdAt.getTime() < NOW.getTime() - 4 * 24 * 3600_000);
    expect(older.every((t) => t.status === "closed")).toBe(true);
    const open = tickets.filter((t) => t.status !== "closed");
    expect(open.length).toBe(result.open);
    const states = new Set(open.map((t) => t.status));
    for (const s of ["new", "responded", "dispatched", "on_site", "resolved"]) expect(states, s).toContain(s);
    expect(open.filter((t) => t.slaBreached).length).toBeGreaterThanOrEqual(2);
    expect(open.filter((t) => t.slaNextDueAt === null && t.status !== "resolved").length).toBeGreaterThan(0); // paused
    expect(tickets.filter((t) => t.createdAt.getTime() >= dayAgo).length).toBeGreaterThan(5);
  });

  it("has a realistic mix: cold rooms most, WeChat most, readings, incidents, reopenings", () => {
    const count = <K extends string>(xs: K[]) =>
      xs.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<K, number>());
    const cats = count(tickets.map((t) => t.category));
    const top = [...cats.entries()].sort((a, b) => b[1] - a[1])[0][0];
    expect(top).toBe("cold_room");
    const channels = count(tickets.map((t) => t.channel));
    expect([...channels.entries()].sort((a, b) => b[1] - a[1])[0][0]).toBe("wechat");
    expect(channels.size).toBe(5);
    const all = [...eventsOf.values()].flat();
    expect(
      all.some(
        (e) => e.type === "measured" && typeof (e.data as { indoorTempC10?: number }).indoorTempC10 === "number",
      ),
    ).toBe(true);
    expect(tickets.some((t) => t.cycle > 0 && t.status === "closed")).toBe(true);
    expect(tickets.some((t) => t.stationId === null)).toBe(true);
    expect(tickets.filter((t) => t.incidentId !== null).length).toBeGreaterThanOrEqual(3);
  });

  it("gives plausible 三率 over the season", async () => {
    const view = await serviceRates(ds, { from: "2026-10-15", to: TODAY, groupBy: "month" }, NOW);
    expect(view.total.tickets).toBe(tickets.length);
    expect(view.rows.map((r) => r.key)).toEqual(["2026-10", "2026-11"]);
    expect(view.total.responseRate).toBeGreaterThanOrEqual(0.9);
    expect(view.total.responseRate).toBeLessThan(1);
    expect(view.total.completionRate).toBeGreaterThan(0.9);
    expect(view.total.satisfactionRate).toBeGreaterThan(0.85);
    expect(view.total.satisfactionRate).toBeLessThan(1);
    const byStation = await serviceRates(ds, { from: "2026-10-15", to: TODAY, groupBy: "station" }, NOW);
    expect(byStation.rows.at(-1)?.label).toBe("未关联换热站");
    expect(byStation.rows.reduce((s, r) => s + r.tickets, 0)).toBe(tickets.length);
  });
});

describe("三率 routes on the seeded county", () => {
  let server: http.Server;
  let base = "";
  let tokens: TokenService;
  const token = async (role: StaffRole) => {
    const u = await ds.getRepository(StaffUser).findOneByOrFail({ username: role });
    return tokens.signAccess({ kind: "staff", id: u.id, roles: [role] });
  };
  const get = async (path: string, role?: StaffRole) =>
    fetch(`${base}${path}`, { headers: role ? { authorization: `Bearer ${await token(role)}` } : {} });
  const RANGE = "from=2026-10-15&to=2026-11-27";

  beforeAll(async () => {
    tokens = new TokenService(ds, "test-secret-for-report-routes-0123456789", 900, 3600);
    const deps = { ds, tokens } as unknown as Deps;
    const router = new Router();
    mountRoutes(router, new OpenAPIRegistry(), reportRoutes(deps), (ctx) => authenticateRequest(tokens, ctx));
    mountReportFileRoutes(router, deps);
    const app = new Koa();
    app.use(requestContext);
    app.use(errorHandler);
    app.use(router.routes());
    server = http.createServer(app.callback());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server?.close(() => r()));
  });

  it("answers the JSON report to report roles only", async () => {
    expect((await get(`/staff/reports/service-rates?${RANGE}`)).status).toBe(401);
    const forbidden = await get(`/staff/reports/service-rates?${RANGE}`, "technician");
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { error: { code: string } }).error.code).toBe("FORBIDDEN");
    const res = await get(`/staff/reports/service-rates?${RANGE}&groupBy=channel`, "hotline_agent");
    expect(res.status).toBe(200);
    const view = ServiceRatesSchema.parse(await res.json());
    expect(view.groupBy).toBe("channel");
    expect(view.rows.map((r) => r.key)).toEqual(["12345", "alipay", "hotline", "visit", "wechat"]);
    expect(view.total.tickets).toBe(tickets.length);
  });

  it("exports CSV with a BOM, a Chinese file name, and an audit row", async () => {
    const res = await get(`/staff/reports/service-rates.csv?${RANGE}&groupBy=month`, "supervisor");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(
      'attachment; filename="service-rates_2026-10-15_2026-11-27_month.csv"; ' +
        "filename*=UTF-8''%E4%B8%89%E7%8E%87%E7%BB%9F%E8%AE%A1_2026-10-15_2026-11-27.csv",
    );
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString("utf8").slice(1).trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "分组,工单数,合并重复,应响应,及时响应,响应率,应办结,按时办结,办结率,回访联系上,已解决,解决率,满意（含基本满意）,其中基本满意,满意率,无法联系",
    );
    // the table, then an empty line and the definitions (指标定义)
    expect(lines.slice(0, 5).map((l) => l.split(",")[0])).toEqual(["分组", "2026年10月", "2026年11月", "合计", ""]);
    expect(lines[5]).toBe("指标定义");
    expect(lines[3].split(",")[1]).toBe(String(tickets.length));
    const supervisor = await ds.getRepository(StaffUser).findOneByOrFail({ username: "supervisor" });
    const rows = await ds.getRepository(AuditLog).find({ where: { action: "report.export" }, order: { id: "ASC" } });
    expect(rows.at(-1)).toMatchObject({
      actorType: "staff",
      actorId: supervisor.id,
      targetType: "report",
      targetId: "service-rates",
      details: { from: "2026-10-15", to: "2026-11-27", groupBy: "month", format: "csv" },
    });
  });

  it("exports XLSX", async () => {
    const before = await ds.getRepository(AuditLog).countBy({ action: "report.export" });
    const res = await get(`/staff/reports/service-rates.xlsx?${RANGE}&groupBy=station`, "dispatcher");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await res.arrayBuffer()) as ExcelJS.Buffer);
    const ws = wb.getWorksheet("三率统计");
    expect(ws?.getCell("A2").value).toBe("分组");
    expect(ws?.getCell(`A${ws.rowCount}`).value).toBe("合计");
    expect(ws?.getCell(`B${ws.rowCount}`).value).toBe(tickets.length);
    expect(await ds.getRepository(AuditLog).countBy({ action: "report.export" })).toBe(before + 1);
  });

  it("answers bad queries with the usual JSON errors, and writes no audit row for them", async () => {
    const before = await ds.getRepository(AuditLog).countBy({ action: "report.export" });
    const errorOf = async (res: Response) => [
      res.status,
      ((await res.json()) as { error: { code: string } }).error.code,
    ];
    expect(await errorOf(await get(`/staff/reports/service-rates.csv?${RANGE}`))).toEqual([401, "UNAUTHENTICATED"]);
    expect(await errorOf(await get(`/staff/reports/service-rates.xlsx?${RANGE}`, "cashier"))).toEqual([
      403,
      "FORBIDDEN",
    ]);
    const missing = await get("/staff/reports/service-rates.csv?from=2026-10-15", "supervisor");
    expect(missing.status).toBe(400);
    const body = (await missing.json()) as { error: { code: string; details: { path: string; in: string }[] } };
    expect(body.error.code).toBe("VALIDATION_FAILED");
    expect(body.error.details[0]).toMatchObject({ path: "to", in: "query" });
    expect(
      await errorOf(await get("/staff/reports/service-rates.csv?from=2026-02-30&to=2026-03-01", "supervisor")),
    ).toEqual([400, "VALIDATION_FAILED"]);
    expect(
      await errorOf(await get("/staff/reports/service-rates.xlsx?from=2025-10-15&to=2026-11-27", "supervisor")),
    ).toEqual([400, "REPORT_RANGE_TOO_LONG"]);
    expect(
      await errorOf(await get("/staff/reports/service-rates?from=2025-10-15&to=2026-11-27", "supervisor")),
    ).toEqual([400, "REPORT_RANGE_TOO_LONG"]);
    expect(await ds.getRepository(AuditLog).countBy({ action: "report.export" })).toBe(before);
  });
});

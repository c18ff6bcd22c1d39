import type { ServiceRateRow, ServiceRatesQuery, ServiceRatesView, TicketEventType } from "@warmline/shared";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../http/errors";
import { type SqliteDeps, sqliteDeps } from "../../testing/sqliteDeps";
import { createTicket, TicketEvent } from "../tickets";
import { attachmentDisposition, reportFileNames } from "./routes";
import { checkRange, serviceRates } from "./serviceRates";
import { serviceRatesCsv, serviceRatesXlsx } from "./serviceRatesExport";

const q = (groupBy: ServiceRatesQuery["groupBy"]): ServiceRatesQuery => ({
  from: "2026-11-23",
  to: "2026-11-30",
  groupBy,
});

/** a row with its rates worked out from the counts, as the report makes them */
function row(key: string, label: string, [tickets, respondedInTime, completed, followedUp, satisfied]: number[]) {
  const ratio = (n: number, d: number) => (d === 0 ? null : n / d);
  return {
    key,
    label,
    tickets,
    respondedInTime,
    completed,
    followedUp,
    satisfied,
    responseRate: ratio(respondedInTime, tickets),
    completionRate: ratio(completed, tickets),
    satisfactionRate: ratio(satisfied, followedUp),
  } satisfies ServiceRateRow;
}

/** The weekly report of the hand-worked set in shared/src/tickets/rates.test.ts (its "groups by ISO week"). */
const view: ServiceRatesView = {
  ...q("week"),
  rows: [
    row("2026-11-23", "2026年第48周 (11-23～11-29)", [8, 7, 5, 6, 5]),
    row("2026-11-30", "2026年第49周 (11-30～12-06)", [1, 0, 0, 0, 0]),
  ],
  total: row("total", "合计", [9, 7, 5, 6, 5]),
};

describe("checkRange", () => {
  it("refuses a reversed range, dates that do not exist, and one longer than 366 days", () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof AppError ? [e.code, e.status, e.details] : String(e);
      }
      return null;
    };
    expect(err(() => checkRange({ from: "2026-11-30", to: "2026-11-01" }))).toEqual([
      "VALIDATION_FAILED",
      400,
      [{ path: "to", message: "结束日期不能早于开始日期", in: "query" }],
    ]);
    expect(err(() => checkRange({ from: "2026-02-30", to: "2026-03-01" }))).toEqual([
      "VALIDATION_FAILED",
      400,
      [{ path: "from", message: "开始日期无效", in: "query" }],
    ]);
    expect(err(() => checkRange({ from: "2026-01-01", to: "2027-01-01" }))).toBeNull();
    expect(err(() => checkRange({ from: "2026-01-01", to: "2027-01-02" }))).toEqual([
      "REPORT_RANGE_TOO_LONG",
      400,
      undefined,
    ]);
  });
});

describe("serviceRates (the queries, on SQLite)", () => {
  let env: SqliteDeps;
  /** a Shanghai wall-clock time "2026-11-23 09:00" as an instant */
  const sh = (t: string) => new Date(`${t.replace(" ", "T")}:00+08:00`);
  const NOW = sh("2026-12-05 08:00");

  beforeAll(async () => {
    env = await sqliteDeps();
    const staff = { kind: "staff" as const, id: env.county.staff.id };
    const report = (at: string, withAccount: boolean) =>
      createTicket(
        env.deps,
        staff,
        {
          channel: "hotline",
          category: "no_heat",
          ...(withAccount ? { accountId: env.county.account.id } : { address: "金山花园 9 号楼" }),
          description: "暖气片不热",
        },
        sh(at),
      );
    const events = (ticketId: number, list: [TicketEventType, string, Record<string, unknown>?][]) => {
      const repo = env.deps.ds.getRepository(TicketEvent);
      return repo.save(
        list.map(([type, at, data]) =>
          repo.create({
            ticketId,
            type,
            at: sh(at),
            cycle: 0,
            actorKind: "staff",
            actorId: staff.id,
            data: data ?? null,
            uniqueKey: null,
          }),
        ),
      );
    };
    // in the range: the first day's morning, at the station; the last day's last minute, without one
    const first = await report("2026-11-23 09:00", true);
    await events(first.id, [
      ["responded", "2026-11-23 09:10", { note: "已联系" }],
      ["resolved", "2026-11-23 10:00", { note: "已处理" }],
      ["followed_up", "2026-11-24 10:00", { satisfied: true, score: 5, comment: null }],
      ["closed", "2026-11-24 10:00"],
    ]);
    await report("2026-11-30 23:59", false);
    // outside it, by a minute on either side (Shanghai dates, not UTC ones)
    const before = await report("2026-11-22 23:59", true);
    await events(before.id, [["responded", "2026-11-23 00:05"]]);
    await report("2026-12-01 00:00", true);
  }, 60_000);
  afterAll(async () => env?.close());

  it("reads the tickets created in the range (Shanghai dates) with their stations and events", async () => {
    const v = await serviceRates(env.deps.ds, { from: "2026-11-23", to: "2026-11-30", groupBy: "station" }, NOW);
    expect(
      v.rows.map((r) => [r.key, r.label, r.tickets, r.respondedInTime, r.completed, r.followedUp, r.satisfied]),
    ).toEqual([
      [String(env.county.station.id), "城东换热站", 1, 1, 1, 1, 1],
      ["none", "未关联换热站", 1, 0, 0, 0, 0],
    ]);
    const days = await serviceRates(env.deps.ds, { from: "2026-11-23", to: "2026-11-30", groupBy: "day" }, NOW);
    expect(days.rows.filter((r) => r.tickets > 0).map((r) => [r.key, r.tickets])).toEqual([
      ["2026-11-23", 1],
      ["2026-11-30", 1],
    ]);
    const edges = await serviceRates(env.deps.ds, { from: "2026-11-22", to: "2026-12-01", groupBy: "month" }, NOW);
    expect(edges.total.tickets).toBe(4);
  });

  it("refuses a range longer than 366 days", async () => {
    await expect(
      serviceRates(env.deps.ds, { from: "2026-01-01", to: "2027-01-02", groupBy: "day" }, NOW),
    ).rejects.toMatchObject({ code: "REPORT_RANGE_TOO_LONG" });
  });
});

describe("exports", () => {
  it("writes the CSV for Excel", () => {
    expect(serviceRatesCsv(view)).toBe(
      "\uFEFF分组,工单数,及时响应数,响应率,办结数,办结率,回访数,满意数,满意率\r\n" +
        "2026年第48周 (11-23～11-29),8,7,87.5%,5,62.5%,6,5,83.3%\r\n" +
        "2026年第49周 (11-30～12-06),1,0,0.0%,0,0.0%,0,0,\r\n" +
        "合计,9,7,77.8%,5,55.6%,6,5,83.3%\r\n",
    );
  });

  it("quotes CSV fields and defuses formulas", () => {
    const v: ServiceRatesView = {
      ...view,
      rows: [{ ...view.rows[0], label: '=HYPERLINK("x"),1' }],
    };
    expect(serviceRatesCsv(v).split("\r\n")[1]).toBe('"\'=HYPERLINK(""x""),1",8,7,87.5%,5,62.5%,6,5,83.3%');
  });

  it("writes the workbook", async () => {
    const buf = await serviceRatesXlsx(view);
    expect(buf.subarray(0, 2).toString()).toBe("PK");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ExcelJS.Buffer);
    const ws = wb.getWorksheet("三率统计");
    expect(ws).toBeDefined();
    if (!ws) return;
    expect(ws.getCell("A1").value).toBe("供热服务三率统计（2026-11-23 至 2026-11-30，按周）");
    expect(ws.getCell("A1").isMerged && ws.getCell("I1").isMerged).toBe(true);
    expect((ws.getRow(2).values as unknown[]).slice(1)).toEqual([
      "分组",
      "工单数",
      "及时响应数",
      "响应率",
      "办结数",
      "办结率",
      "回访数",
      "满意数",
      "满意率",
    ]);
    expect((ws.getRow(3).values as unknown[]).slice(1)).toEqual([
      "2026年第48周 (11-23～11-29)",
      8,
      7,
      0.875,
      5,
      0.625,
      6,
      5,
      5 / 6,
    ]);
    expect(ws.getCell("D3").numFmt).toBe("0.0%");
    expect(ws.getCell("I4").value).toBeNull(); // no follow-up in week 49: no rate
    expect(ws.getCell("A5").value).toBe("合计");
    expect(ws.getCell("D5").value).toBe(7 / 9);
    expect(ws.getCell("A5").font?.bold).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 2 });
    expect(ws.getColumn(1).width).toBeGreaterThanOrEqual(20);
    expect(ws.rowCount).toBe(5);
  });

  it("names the file in UTF-8 with an ASCII fallback", () => {
    const names = reportFileNames(q("week"), "xlsx");
    expect(names).toEqual({
      name: "三率统计_2026-11-23_2026-11-30.xlsx",
      ascii: "service-rates_2026-11-23_2026-11-30_week.xlsx",
    });
    expect(attachmentDisposition(names.name, names.ascii)).toBe(
      `attachment; filename="service-rates_2026-11-23_2026-11-30_week.xlsx"; filename*=UTF-8''%E4%B8%89%E7%8E%87%E7%BB%9F%E8%AE%A1_2026-11-23_2026-11-30.xlsx`,
    );
    expect(attachmentDisposition("报表(1)'s.csv", 'a"b.csv')).toBe(
      `attachment; filename="a_b.csv"; filename*=UTF-8''%E6%8A%A5%E8%A1%A8%281%29%27s.csv`,
    );
  });
});

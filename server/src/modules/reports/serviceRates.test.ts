import type { ServiceRateRow, ServiceRatesQuery, ServiceRatesView, TicketEventType } from "@warmline/shared";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../http/errors";
import { type SqliteDeps, sqliteDeps } from "../../testing/sqliteDeps";
import { createTicket, Ticket, TicketEvent } from "../tickets";
import { attachmentDisposition, reportFileNames } from "./routes";
import { checkRange, serviceRates } from "./serviceRates";
import { RATE_COLUMNS, serviceRatesCsv, serviceRatesXlsx } from "./serviceRatesExport";

const q = (groupBy: ServiceRatesQuery["groupBy"]): ServiceRatesQuery => ({
  from: "2026-11-23",
  to: "2026-11-30",
  groupBy,
});

/**
 * a row with its rates worked out from the counts, as the report makes them: [tickets, duplicates, responseDue,
 * respondedInTime, completionDue, completed, followedUp, solved, satisfied, basicSatisfied, unreachable]
 */
function row(key: string, label: string, n: number[]) {
  const [tickets, duplicates, responseDue, respondedInTime, completionDue, completed] = n;
  const [followedUp, solved, satisfied, basicSatisfied, unreachable] = n.slice(6);
  const ratio = (x: number, d: number) => (d === 0 ? null : x / d);
  return {
    key,
    label,
    tickets,
    duplicates,
    responseDue,
    respondedInTime,
    completionDue,
    completed,
    followedUp,
    solved,
    satisfied,
    basicSatisfied,
    unreachable,
    responseRate: ratio(respondedInTime, responseDue),
    completionRate: ratio(completed, completionDue),
    solveRate: ratio(solved, followedUp),
    satisfactionRate: ratio(satisfied, followedUp),
  } satisfies ServiceRateRow;
}

/** A weekly report with every kind of count in it. */
const view: ServiceRatesView = {
  ...q("week"),
  rows: [
    row("2026-11-23", "2026年第48周 (11-23～11-29)", [9, 1, 8, 7, 8, 3, 6, 5, 5, 1, 1]),
    row("2026-11-30", "2026年第49周 (11-30～12-06)", [1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0]),
  ],
  total: row("total", "合计", [10, 1, 9, 7, 9, 3, 6, 5, 5, 1, 1]),
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
    const iso = (t: string) => sh(t).toISOString();
    await events(first.id, [
      ["responded", "2026-11-23 09:10", { note: "已联系" }],
      // graded 较大 (4 h): resolved after 2 h is in time only if the grade is read
      ["graded", "2026-11-23 09:20", { grade: "major", reason: "整栋不热" }],
      ["resolved", "2026-11-23 11:00", { note: "已处理" }],
      // 无法联系 by the rule (3 calls on 2 days), the result sent by SMS a minute after the resolution
      [
        "followed_up",
        "2026-11-24 16:00",
        {
          outcome: "unreachable",
          attempts: [iso("2026-11-23 14:00"), iso("2026-11-23 18:00"), iso("2026-11-24 15:55")],
          smsAt: iso("2026-11-23 11:01"),
        },
      ],
      ["closed", "2026-11-24 16:00"],
    ]);
    // the same building's report half an hour later, linked into the first one's incident
    const dup = await report("2026-11-23 09:30", true);
    await events(dup.id, [["responded", "2026-11-23 09:35"]]);
    const tickets = env.deps.ds.getRepository(Ticket);
    await tickets.update({ id: first.id }, { incidentId: first.id });
    await tickets.update({ id: dup.id }, { incidentId: first.id });
    await report("2026-11-30 23:59", false);
    // outside it, by a minute on either side (Shanghai dates, not UTC ones)
    const before = await report("2026-11-22 23:59", true);
    await events(before.id, [["responded", "2026-11-23 00:05"]]);
    await report("2026-12-01 00:00", true);
  }, 60_000);
  afterAll(async () => env?.close());

  it("reads the tickets created in the range (Shanghai dates) with their stations, incidents and events", async () => {
    const v = await serviceRates(env.deps.ds, { from: "2026-11-23", to: "2026-11-30", groupBy: "station" }, NOW);
    expect(
      v.rows.map((r) => [
        r.key,
        r.label,
        r.tickets,
        r.duplicates,
        r.responseDue,
        r.respondedInTime,
        r.completionDue,
        r.completed,
        r.followedUp,
        r.unreachable,
      ]),
    ).toEqual([
      [String(env.county.station.id), "城东换热站", 2, 1, 1, 1, 1, 1, 0, 1],
      ["none", "未关联换热站", 1, 0, 1, 0, 1, 0, 0, 0],
    ]);
    expect(v.total).toMatchObject({ completionRate: 0.5, solveRate: null, satisfactionRate: null });
    const days = await serviceRates(env.deps.ds, { from: "2026-11-23", to: "2026-11-30", groupBy: "day" }, NOW);
    expect(days.rows.filter((r) => r.tickets > 0).map((r) => [r.key, r.tickets])).toEqual([
      ["2026-11-23", 2],
      ["2026-11-30", 1],
    ]);
    const edges = await serviceRates(env.deps.ds, { from: "2026-11-22", to: "2026-12-01", groupBy: "month" }, NOW);
    expect(edges.total.tickets).toBe(5);
  });

  it("refuses a range longer than 366 days", async () => {
    await expect(
      serviceRates(env.deps.ds, { from: "2026-01-01", to: "2027-01-02", groupBy: "day" }, NOW),
    ).rejects.toMatchObject({ code: "REPORT_RANGE_TOO_LONG" });
  });
});

describe("exports", () => {
  const HEADER =
    "分组,工单数,合并重复,应响应,及时响应,响应率,应办结,按时办结,办结率,回访联系上,已解决,解决率,满意（含基本满意）,其中基本满意,满意率,无法联系";

  it("writes the CSV for Excel: the table, then the definitions", () => {
    const csv = serviceRatesCsv(view);
    expect(csv.startsWith("\uFEFF")).toBe(true);
    expect(csv.endsWith("\r\n")).toBe(true);
    const lines = csv.slice(1).split("\r\n");
    expect(lines.slice(0, 5)).toEqual([
      HEADER,
      "2026年第48周 (11-23～11-29),9,1,8,7,87.5%,8,3,37.5%,6,5,83.3%,5,1,83.3%,1",
      "2026年第49周 (11-30～12-06),1,0,1,0,0.0%,1,0,0.0%,0,0,,0,0,,0",
      "合计,10,1,9,7,77.8%,9,3,33.3%,6,5,83.3%,5,1,83.3%,1",
      "",
    ]);
    expect(lines[5]).toBe("指标定义");
    expect(lines[6]).toBe("指标,计算,分子,分母,说明,县方案目标");
    expect(lines.slice(7, 11).map((l) => l.split(",").slice(0, 2))).toEqual([
      ["响应率", "及时响应 ÷ 应响应"],
      ["办结率", "按时办结 ÷ 应办结"],
      ["解决率", "已解决 ÷ 回访联系上"],
      ["满意率", "满意（含基本满意） ÷ 回访联系上"],
    ]);
    expect(lines[8]).toContain("48小时内把结果答复诉求人");
    expect(lines[8].endsWith(",超98%")).toBe(true);
    const rules = lines.slice(11).filter((l) => l.startsWith("统计规则,"));
    expect(rules).toHaveLength(3);
    expect(rules[2]).toContain("至少3次呼叫未接通");
    expect(rules[2]).toContain("至少2个不同日期");
  });

  it("quotes CSV fields and defuses formulas", () => {
    const v: ServiceRatesView = {
      ...view,
      rows: [{ ...view.rows[0], label: '=HYPERLINK("x"),1' }],
    };
    expect(serviceRatesCsv(v).split("\r\n")[1]).toBe(
      '"\'=HYPERLINK(""x""),1",9,1,8,7,87.5%,8,3,37.5%,6,5,83.3%,5,1,83.3%,1',
    );
  });

  it("writes the workbook: the figures, and the definitions on their own sheet", async () => {
    const buf = await serviceRatesXlsx(view);
    expect(buf.subarray(0, 2).toString()).toBe("PK");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["三率统计", "指标定义"]);
    const ws = wb.getWorksheet("三率统计");
    expect(ws).toBeDefined();
    if (!ws) return;
    expect(ws.getCell("A1").value).toBe("供热服务三率统计（2026-11-23 至 2026-11-30，按周）");
    expect(ws.getCell("A1").isMerged && ws.getCell("P1").isMerged).toBe(true);
    expect((ws.getRow(2).values as unknown[]).slice(1)).toEqual(HEADER.split(","));
    expect(RATE_COLUMNS).toEqual(HEADER.split(","));
    expect((ws.getRow(3).values as unknown[]).slice(1)).toEqual([
      "2026年第48周 (11-23～11-29)",
      9,
      1,
      8,
      7,
      7 / 8,
      8,
      3,
      3 / 8,
      6,
      5,
      5 / 6,
      5,
      1,
      5 / 6,
      1,
    ]);
    expect(ws.getCell("F3").numFmt).toBe("0.0%");
    expect(ws.getCell("I3").numFmt).toBe("0.0%");
    expect(ws.getCell("L4").value).toBeNull(); // nobody reached in week 49: no 解决率
    expect(ws.getCell("O4").value).toBeNull();
    expect(ws.getCell("A5").value).toBe("合计");
    expect(ws.getCell("F5").value).toBe(7 / 9);
    expect(ws.getCell("A5").font?.bold).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 2 });
    expect(ws.getColumn(1).width).toBeGreaterThanOrEqual(20);
    expect(ws.rowCount).toBe(5);

    const defs = wb.getWorksheet("指标定义");
    if (!defs) throw new Error("no definitions sheet");
    expect((defs.getRow(1).values as unknown[]).slice(1)).toEqual([
      "指标",
      "计算",
      "分子",
      "分母",
      "说明",
      "县方案目标",
    ]);
    expect([2, 3, 4, 5].map((r) => defs.getCell(`A${r}`).value)).toEqual(["响应率", "办结率", "解决率", "满意率"]);
    expect(defs.getCell("B3").value).toBe("按时办结 ÷ 应办结");
    expect(String(defs.getCell("D2").value)).toContain("时限未到且尚未联系的不计入");
    expect(defs.getCell("F3").value).toBe("超98%");
    expect(defs.getCell("A7").value).toBe("统计规则");
    expect(String(defs.getCell("B9").value)).toContain("无法联系");
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

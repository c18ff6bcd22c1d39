import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TABLE_WIDTH_AT_1440 } from "../components/tableWidth";
import { declaredTableWidth } from "../test/antd";
import { apiError, json } from "../test/fakeFetch";
import { NOW, at, clock, sla, signedInAs, staffWith, ticketDetail, ticketSummary } from "../test/fixtures";
import { renderApp } from "../test/renderApp";

const BOARD = "GET /api/v1/staff/tickets";
const STATIONS = "GET /api/v1/staff/stations";
const OUTDOOR = "GET /api/v1/staff/outdoor-readings";
const page = (items: unknown[]) => json(200, { items, total: items.length, page: 1, pageSize: 200 });
const stations = () =>
  json(200, {
    items: [
      { id: 2, name: "城东换热站" },
      { id: 3, name: "城西换热站" },
    ],
  });

/** −12.5 ℃ outside half an hour ago: the 18 ℃ room floor applies. */
const outdoor = () => {
  const current = {
    id: 11,
    tempC10: -125,
    at: at(-30),
    stationId: null,
    stationName: null,
    source: "sensor",
    recordedBy: null,
  };
  return json(200, { current, floorC10: 180, items: [current] });
};

/** 20 minutes left, nothing wrong. */
const onTime = ticketSummary({ id: 1, ticketNo: "GD20260110000001", sla: sla(20) });
/** the response is 5 minutes overdue */
const overdue = ticketSummary({
  id: 2,
  ticketNo: "GD20260110000002",
  priority: "urgent",
  priorityReasons: ["室温15.5℃过低（低于16.0℃）", "老人、残疾等特殊群体家庭"],
  sla: sla(-5, { response: clock({ clock: "response", dueAt: at(-5), breached: true, warned: true }) }),
});
/** 5 minutes left, past the 75 % warning */
const warned = ticketSummary({
  id: 3,
  ticketNo: "GD20260110000003",
  channel: "12345",
  accountId: null,
  accountNo: null,
  address: "城关镇南关村 12 号",
  suggestIncident: true,
  sla: sla(5, { response: clock({ clock: "response", dueAt: at(5), warned: true }) }),
});
/** waiting for the resident */
const paused = ticketSummary({
  id: 4,
  ticketNo: "GD20260110000004",
  status: "responded",
  sla: sla(20, {
    paused: true,
    next: null,
    resolution: clock({ clock: "resolution", paused: true, dueAt: null, warnAt: null, remainingMinutes: 40 }),
  }),
});

const rows = () => [...document.querySelectorAll(".sla-board-table tbody tr[data-ticket-no]")] as HTMLElement[];
const rowOf = (no: string) => document.querySelector(`.sla-board-table tr[data-ticket-no="${no}"]`) as HTMLElement;

afterEach(() => {
  vi.useRealTimers();
});

describe("SLA 看板", () => {
  it("lists open tickets by time left with live countdowns, red when overdue, orange when warned, grey when paused", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW);
    const { fake } = renderApp("/sla-board");
    signedInAs(fake, staffWith("hotline_agent"));
    fake.on(STATIONS, stations());
    fake.on(OUTDOOR, outdoor());
    // the server's order is not trusted: the board sorts by the due times it was sent
    fake.on(BOARD, page([onTime, paused, warned, overdue]));

    await waitFor(() => expect(rows()).toHaveLength(4));
    expect(fake.callsTo(BOARD)[0].url).toBe("/api/v1/staff/tickets?open=true&page=1&pageSize=200");
    expect(rows().map((r) => r.getAttribute("data-ticket-no"))).toEqual([
      "GD20260110000002",
      "GD20260110000003",
      "GD20260110000001",
      "GD20260110000004",
    ]);

    const [red, orange, plain, grey] = rows();
    expect(within(red).getByText("超时 00:05:00")).toBeTruthy();
    expect(red.className).toContain("sla-row-breached");
    expect(within(orange).getByText("00:05:00")).toBeTruthy();
    expect(orange.className).toContain("sla-row-warned");
    expect(within(plain).getByText("00:20:00")).toBeTruthy();
    expect(plain.className).not.toMatch(/sla-row-/);
    expect(within(grey).getByText("已暂停")).toBeTruthy();
    expect(grey.className).toContain("sla-row-paused");

    // every column
    for (const t of ["室温不达标", "微信小程序", "1000234567", "城东换热站", "紧急", "一般", "待响应", "响应时限"])
      expect(within(red).getAllByText(t).length, t).toBeGreaterThan(0);
    expect(red.querySelector("[data-reasons]")?.getAttribute("data-reasons")).toBe(
      "室温15.5℃过低（低于16.0℃）；老人、残疾等特殊群体家庭",
    );
    expect(within(orange).getByText("12345转办")).toBeTruthy();
    expect(within(orange).getByText("未关联户号")).toBeTruthy();
    expect(within(orange).getByText("城关镇南关村 12 号")).toBeTruthy();
    expect(within(orange).getByText("疑似同一事件")).toBeTruthy();
    expect(within(plain).queryByText("疑似同一事件")).toBeNull();
    expect(screen.getByText("超时 1 件")).toBeTruthy();

    // above the filters: the outdoor temperature and the room floor it sets (a hotline agent may not record one)
    expect(await screen.findByText("−12.5 ℃")).toBeTruthy();
    expect(screen.getByText("当前室温标准 18 ℃")).toBeTruthy();
    expect(fake.callsTo(OUTDOOR)[0].url).toBe("/api/v1/staff/outdoor-readings?hours=24");
    expect(screen.queryByRole("button", { name: /登记气温/ })).toBeNull();

    // the clock moves: counted down every second, no new request needed; the 20-minute one turns orange at 75 %
    vi.setSystemTime(NOW + 3_000);
    expect(await within(plain).findByText("00:19:57", undefined, { timeout: 3000 })).toBeTruthy();
    expect(within(orange).getByText("00:04:57")).toBeTruthy();
    expect(within(red).getByText("超时 00:05:03")).toBeTruthy();
    vi.setSystemTime(NOW + 13 * 60_000);
    await waitFor(() => expect(rowOf("GD20260110000001").className).toContain("sla-row-warned"), { timeout: 3000 });
    expect(within(rowOf("GD20260110000001")).getByText("00:07:00")).toBeTruthy();
    expect(within(rowOf("GD20260110000003")).getByText("超时 00:08:00")).toBeTruthy();
    expect(rowOf("GD20260110000003").className).toContain("sla-row-breached");
    expect(fake.callsTo(BOARD)).toHaveLength(1);
  });

  it("filters by station and breached-only through the URL, and opens a ticket", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/sla-board?grade=major");
    signedInAs(fake, staffWith("dispatcher"));
    fake.on(STATIONS, stations());
    // the outdoor reading follows the station filter
    fake.on(OUTDOOR, outdoor(), outdoor());
    fake.on(BOARD, page([onTime, overdue]), page([overdue]), page([overdue]));
    fake.on("GET /api/v1/staff/tickets/2", json(200, ticketDetail({}, { id: 2, ticketNo: "GD20260110000002" })));

    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(fake.callsTo(BOARD)[0].url).toBe("/api/v1/staff/tickets?open=true&grade=major&page=1&pageSize=200");

    await user.click(screen.getByRole("checkbox", { name: "仅看超时" }));
    await waitFor(() => expect(fake.callsTo(BOARD)).toHaveLength(2));
    expect(fake.callsTo(BOARD)[1].url).toBe(
      "/api/v1/staff/tickets?open=true&grade=major&breached=true&page=1&pageSize=200",
    );
    await waitFor(() => expect(rows()).toHaveLength(1));

    const station = document.getElementById("board-station") as HTMLElement;
    fireEvent.mouseDown(station.closest(".ant-select")?.querySelector(".ant-select-selector") ?? station);
    fireEvent.click(await screen.findByTitle("城西换热站"));
    await waitFor(() => expect(fake.callsTo(BOARD)).toHaveLength(3));
    expect(fake.callsTo(BOARD)[2].url).toBe(
      "/api/v1/staff/tickets?open=true&stationId=3&grade=major&breached=true&page=1&pageSize=200",
    );
    await waitFor(() => expect(fake.callsTo(OUTDOOR)).toHaveLength(2));
    expect(fake.callsTo(OUTDOOR)[1].url).toBe("/api/v1/staff/outdoor-readings?hours=24&stationId=3");

    await user.click(rowOf("GD20260110000002"));
    await waitFor(() => expect(screen.getByTestId("location").textContent).toBe("/tickets/2"));
    expect(await screen.findByText("工单详情 · GD20260110000002")).toBeTruthy();
  });

  it("still shows the board when the outdoor readings fail", async () => {
    const { fake } = renderApp("/sla-board");
    signedInAs(fake, staffWith("dispatcher"));
    fake.on(STATIONS, stations());
    fake.on(OUTDOOR, apiError(403, "FORBIDDEN", "没有权限"));
    fake.on(BOARD, page([onTime]));

    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(await screen.findByText("气温读数加载失败")).toBeTruthy();
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.getByText("未办结 1 件")).toBeTruthy();
  });

  it("asks for no more width than a 1440 px screen leaves it, so 剩余时间 is never cut off", async () => {
    const { fake } = renderApp("/sla-board");
    signedInAs(fake, staffWith("dispatcher"));
    fake.on(STATIONS, stations());
    fake.on(OUTDOOR, outdoor());
    fake.on(BOARD, page([onTime, paused, warned, overdue]));

    await waitFor(() => expect(rows()).toHaveLength(4));
    const table = document.querySelector(".sla-board-table") as HTMLElement;
    expect(declaredTableWidth(table)).toBeLessThanOrEqual(TABLE_WIDTH_AT_1440);
    // the remaining time is the last column: nothing after it to scroll to
    const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent);
    expect(heads.at(-1)).toBe("剩余时间");
  });
});

import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { apiError, json } from "../test/fakeFetch";
import { NOW, rateRow, signedInAs, staffWith } from "../test/fixtures";
import { renderApp } from "../test/renderApp";

const REPORT = "GET /api/v1/staff/reports/service-rates";
const CSV = "GET /api/v1/staff/reports/service-rates.csv";
const XLSX = "GET /api/v1/staff/reports/service-rates.xlsx";

const byDay = {
  from: "2025-10-15",
  to: "2026-01-10",
  groupBy: "day",
  rows: [
    rateRow({ key: "2026-01-09", label: "2026-01-09" }),
    rateRow({
      key: "2026-01-10",
      label: "2026-01-10",
      tickets: 4,
      responseDue: 4,
      respondedInTime: 2,
      completionDue: 4,
      completed: 1,
      followedUp: 0,
      solved: 0,
      satisfied: 0,
      responseRate: 0.5,
      completionRate: 0.25,
      solveRate: null,
      satisfactionRate: null,
    }),
  ],
  total: rateRow({
    key: "total",
    label: "合计",
    tickets: 14,
    duplicates: 1,
    responseDue: 13,
    respondedInTime: 11,
    completionDue: 12,
    completed: 9,
    followedUp: 5,
    solved: 4,
    satisfied: 4,
    basicSatisfied: 1,
    unreachable: 2,
    responseRate: 11 / 13,
    completionRate: 9 / 12,
    solveRate: 0.8,
    satisfactionRate: 0.8,
  }),
};
const byStation = {
  ...byDay,
  groupBy: "station",
  rows: [rateRow({ key: "2", label: "城东换热站" }), rateRow({ key: "3", label: "城西换热站", responseRate: 0.5 })],
};

const table = () =>
  waitFor(
    () => {
      const el = document.querySelector(".service-rates-table");
      if (!el?.querySelector("tr[data-row-key]")) throw new Error("no rows yet");
      return el as HTMLElement;
    },
    { timeout: 10_000 },
  ); // the first render of the page is slow on a busy machine
const cells = (tr: Element) => [...tr.querySelectorAll("td")].map((td) => td.textContent);

afterEach(() => {
  vi.useRealTimers();
});

describe("三率报表", () => {
  it("shows this season by day with totals and charts, and saves the CSV fetched with the token", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW);
    const user = userEvent.setup();
    const createObjectURL = vi.spyOn(URL, "createObjectURL").mockReturnValue("blob:console/report");
    vi.spyOn(URL, "revokeObjectURL").mockImplementation(() => undefined);
    const clicks: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push(this);
    });
    const { fake } = renderApp("/reports/service");
    signedInAs(fake, staffWith("supervisor"));
    fake.on(REPORT, json(200, byDay), json(200, byStation));
    fake.on(
      CSV,
      new Response("日期,工单数\n2026-01-09,10\n", {
        status: 200,
        headers: {
          "content-type": "text/csv; charset=utf-8",
          "content-disposition": `attachment; filename="service-rates.csv"; filename*=UTF-8''${encodeURIComponent("三率报表_2025-10-15_2026-01-10.csv")}`,
        },
      }),
    );
    fake.on(XLSX, apiError(403, "FORBIDDEN", "您没有权限进行此操作"));

    const t = await table();
    // this heating season: 10-15 to today (Beijing)
    expect(fake.callsTo(REPORT).map((c) => c.url)).toEqual([
      "/api/v1/staff/reports/service-rates?from=2025-10-15&to=2026-01-10&groupBy=day",
      "/api/v1/staff/reports/service-rates?from=2025-10-15&to=2026-01-10&groupBy=station",
    ]);
    expect((document.getElementById("report-from") as HTMLInputElement).value).toBe("2025-10-15");
    expect((document.getElementById("report-to") as HTMLInputElement).value).toBe("2026-01-10");
    expect([...t.querySelectorAll("thead th")].map((th) => th.textContent?.trim())).toEqual([
      "日期",
      "工单数",
      "合并重复",
      "响应率",
      "办结率",
      "解决率",
      "满意率",
      "其中基本满意",
      "无法联系",
    ]);
    // each rate over its numerator/denominator
    const rows = [...t.querySelectorAll("tbody tr[data-row-key]")];
    expect(cells(rows[0])).toEqual([
      "2026-01-09",
      "10",
      "0",
      "90.0%9/10",
      "80.0%8/10",
      "80.0%4/5",
      "80.0%4/5",
      "0",
      "0",
    ]);
    expect(cells(rows[1])).toEqual(["2026-01-10", "4", "0", "50.0%2/4", "25.0%1/4", "—0/0", "—0/0", "0", "0"]);
    const total = t.querySelector(".service-rates-total") as HTMLElement;
    expect(cells(total)).toEqual(["合计", "14", "1", "84.6%11/13", "75.0%9/12", "80.0%4/5", "80.0%4/5", "1", "2"]);

    // the four rates of the range as cards: rate, numerator / denominator, target, what the denominator leaves out
    const card = (key: string) => document.querySelector(`.rate-card-${key}`) as HTMLElement;
    expect(card("completion").querySelector(".rate-card-value")?.textContent).toBe("75.0%");
    expect(card("completion").querySelector(".rate-card-counts")?.textContent).toBe("按时办结 9 / 应办结 12");
    expect(card("completion").textContent).toContain("目标 超98%");
    expect(card("completion").querySelector(".rate-card-help")?.textContent).toContain("时限未到的不计入");
    expect(card("satisfaction").querySelector(".rate-card-counts")?.textContent).toBe("满意 4 / 回访联系上 5");
    expect(card("satisfaction").querySelector(".rate-card-help")?.textContent).toContain("满意含基本满意 1 件。");
    expect(card("solve").querySelector(".rate-card-value")?.textContent).toBe("80.0%");
    expect(document.querySelector(".rate-aside")?.textContent).toBe(
      "合并重复 1 件不计入任何比率；无法联系 2 件不计入解决率、满意率。",
    );
    // the full definition on hover, the rules for all rates folded below the cards
    await user.hover(card("completion").querySelector(".rate-title") as HTMLElement);
    expect((await screen.findAllByText(/办结不以满意为条件/, undefined, { timeout: 5000 })).length).toBeGreaterThan(0);
    await user.click(screen.getByText("统计口径（各比率的分子、分母与无法联系规则）"));
    expect(await screen.findByText(/累计至少3次呼叫未接通/, undefined, { timeout: 5000 })).toBeTruthy();

    // rates over time as lines, and the stations' rates as bars
    const charts = await waitFor(() => {
      const el = document.querySelector(".service-rates-charts");
      if (!el?.querySelector(".chart-stations rect")) throw new Error("no charts yet");
      return el as HTMLElement;
    });
    expect(charts.querySelector('svg[aria-label="三率走势"]')).toBeTruthy();
    expect(charts.querySelectorAll(".chart-rates path")).toHaveLength(4);
    // two stations × four rates
    expect(charts.querySelectorAll(".chart-stations rect")).toHaveLength(8);
    expect(charts.textContent).toContain("城西换热站");

    await user.click(screen.getByRole("button", { name: /导出CSV/ }));
    await waitFor(() => expect(clicks).toHaveLength(1));
    const csv = fake.callsTo(CSV)[0];
    expect(csv.url).toBe("/api/v1/staff/reports/service-rates.csv?from=2025-10-15&to=2026-01-10&groupBy=day");
    expect(csv.authorization).toBe("Bearer A");
    expect(clicks[0].download).toBe("三率报表_2025-10-15_2026-01-10.csv");
    expect(clicks[0].href).toBe("blob:console/report");
    expect(await (createObjectURL.mock.calls[0][0] as Blob).text()).toContain("2026-01-09,10");

    // a refusal is said, nothing is saved
    await user.click(screen.getByRole("button", { name: /导出Excel/ }));
    expect(await screen.findByText("您没有权限进行此操作")).toBeTruthy();
    expect(fake.callsTo(XLSX)[0].url).toBe(
      "/api/v1/staff/reports/service-rates.xlsx?from=2025-10-15&to=2026-01-10&groupBy=day",
    );
    expect(clicks).toHaveLength(1);
  }, 60_000);

  it("groups by station over a chosen range, and refuses a range that ends before it starts", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/reports/service?from=2025-12-01&to=2025-12-31");
    signedInAs(fake, staffWith("dispatcher"));
    fake.on(REPORT, json(200, byDay), json(200, byStation), json(200, byStation));

    await table();
    await waitFor(() => expect(fake.callsTo(REPORT)).toHaveLength(2));
    expect(fake.callsTo(REPORT)[0].url).toBe(
      "/api/v1/staff/reports/service-rates?from=2025-12-01&to=2025-12-31&groupBy=day",
    );

    const to = document.getElementById("report-to") as HTMLInputElement;
    await user.clear(to);
    await user.type(to, "2025-11-30");
    await user.click(screen.getByRole("button", { name: /查询/ }));
    expect(await screen.findByText("结束日期不能早于开始日期")).toBeTruthy();
    await user.clear(to);
    await user.type(to, "2025-12-31");

    await user.click(screen.getByRole("radio", { name: "换热站" }).closest("label") as HTMLElement);
    await user.click(screen.getByRole("button", { name: /查询/ }));
    await waitFor(() => expect(fake.callsTo(REPORT)).toHaveLength(3));
    expect(fake.callsTo(REPORT)[2].url).toBe(
      "/api/v1/staff/reports/service-rates?from=2025-12-01&to=2025-12-31&groupBy=station",
    );
    const t = document.querySelector(".service-rates-table") as HTMLElement;
    expect(await within(t).findByText("城西换热站")).toBeTruthy();
    expect(within(t).getByText("换热站")).toBeTruthy();
    expect(screen.getByTestId("location").textContent).toBe("/reports/service");
    // grouped by station, the report itself draws the station bars: no extra request
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.callsTo(REPORT)).toHaveLength(3);
  }, 60_000);

  it("an empty date shows one message, not two, and it goes as soon as a date is chosen", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW);
    const user = userEvent.setup();
    const { fake } = renderApp("/reports/service");
    signedInAs(fake, staffWith("dispatcher"));
    fake.on(REPORT, json(200, byDay), json(200, byStation));
    await table();
    await waitFor(() => expect(fake.callsTo(REPORT)).toHaveLength(2));
    const from = document.getElementById("report-from") as HTMLInputElement;
    const item = from.closest(".ant-form-item") as HTMLElement;
    const messages = () => [...item.querySelectorAll(".ant-form-item-explain-error")].map((e) => e.textContent);

    fireEvent.change(from, { target: { value: "" } });
    await user.click(screen.getByRole("button", { name: /查询/ }));
    await waitFor(() => expect(messages()).toEqual(["请选择开始日期"]));
    fireEvent.change(from, { target: { value: "2025-12-01" } });
    await waitFor(() => expect(messages()).toEqual([]));
    expect(fake.callsTo(REPORT)).toHaveLength(2);
  });
});

import { fireEvent, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { chooseOption, modal } from "../test/antd";
import { apiError, json } from "../test/fakeFetch";
import { signedInAs, staffWith } from "../test/fixtures";
import { renderApp } from "../test/renderApp";

const YEARS = "GET /api/v1/staff/calendar/years";
const DAYS = "GET /api/v1/staff/calendar/days";
const SUMMARY = "GET /api/v1/staff/alerts/summary";

const loaded = (year: number) => ({
  year,
  source: "package",
  sourceDetail: "chinese-days@1.5.7",
  loadedBy: null,
  loadedAt: "2026-12-03T01:00:00.000Z",
  holidays: year === 2026 ? 33 : 28,
  makeupWorkdays: year === 2026 ? 6 : 5,
});
const coverage = {
  items: [loaded(2025), loaded(2026)],
  today: "2026-12-03",
  packageYears: [2024, 2025, 2026],
  missing: [2027],
};
/** 2026 as the server sends it: every day, 春节 2-15…2-23 off, Sat 2-14 and 2-28 worked */
function days2026() {
  const out: { date: string; kind: string; name: string | null }[] = [];
  for (let d = new Date("2026-01-01T00:00:00Z"); d.getUTCFullYear() === 2026; d.setUTCDate(d.getUTCDate() + 1)) {
    const date = d.toISOString().slice(0, 10);
    const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
    const spring = date >= "2026-02-15" && date <= "2026-02-23";
    const makeup = date === "2026-02-14" || date === "2026-02-28";
    out.push({
      date,
      kind: spring ? "holiday" : makeup ? "makeup_workday" : weekend ? "restday" : "workday",
      name: spring || makeup ? "春节" : null,
    });
  }
  return { year: 2026, loaded: loaded(2026), days: out };
}

describe("节假日日历", () => {
  it("shows the loaded years, the missing-data warning and the month grid with holidays and make-up days", async () => {
    const { fake } = renderApp("/calendar");
    signedInAs(fake, staffWith("supervisor"));
    fake.on(SUMMARY, json(200, { open: 0, latestAt: null }), json(200, { open: 0, latestAt: null }));
    fake.on(YEARS, json(200, coverage));
    fake.on(DAYS, json(200, days2026()));
    expect(await screen.findByText("节假日数据缺失：2027年")).toBeTruthy();
    await waitFor(() => expect(document.querySelector('[data-date="2026-02-14"]')).toBeTruthy());
    expect(fake.callsTo(DAYS)[0]?.url).toBe("/api/v1/staff/calendar/days?year=2026");
    const cell = (date: string) => document.querySelector(`[data-date="${date}"]`) as HTMLElement;
    expect(cell("2026-02-14").dataset.kind).toBe("makeup_workday");
    expect(cell("2026-02-14").textContent).toBe("14班");
    expect(cell("2026-02-16").textContent).toBe("16休");
    expect(cell("2026-02-16").className).toContain("cal-holiday");
    expect(cell("2026-03-07").className).toContain("cal-restday");
    // February 2026 begins on a Sunday: six empty cells before it in a Monday-first week
    const feb = screen.getByTestId("month-2");
    expect(feb.querySelectorAll("tbody tr:first-child td:not([data-date])")).toHaveLength(6);
    expect(screen.getByText(/02-15 至 02-23（9天）/)).toBeTruthy();
    // a supervisor reads; only admins load
    expect(screen.queryByText(/从数据包导入2026年/)).toBeNull();
    expect(screen.queryByText(/上传2026年安排/)).toBeNull();
  });

  it("an admin chooses the missing year, uploads a CSV and sees the problems the server names", async () => {
    const { fake } = renderApp("/calendar");
    signedInAs(fake, staffWith("admin"));
    fake.on(SUMMARY, json(200, { open: 1, latestAt: null }), json(200, { open: 1, latestAt: null }));
    fake.on(YEARS, json(200, coverage));
    fake.on(DAYS, json(200, days2026()), json(200, { year: 2027, loaded: null, days: [] }));
    await screen.findByText("从数据包导入2026年");
    await chooseOption(document.querySelector(".ant-card-head .ant-select input")?.id ?? "", "2027年");
    expect(await screen.findByText(/2027年的节假日安排尚未导入，数据包中也没有该年/)).toBeTruthy();
    expect(screen.getByText("从数据包导入2027年").closest("button")?.disabled).toBe(true);

    fake.on(
      "POST /api/v1/staff/calendar/years/2027/upload",
      apiError(400, "CALENDAR_UPLOAD_INVALID", "节假日数据有误，请按提示修改后重新上传，未做任何更改", {
        problems: [{ line: 2, message: "无法识别的类型：年假" }],
      }),
    );
    const input = document.querySelector('input[type="file"]') as HTMLInputElement;
    const file = new File(["2027-01-01,节假日,元旦\n2027-01-02,年假\n"], "2027.csv", { type: "text/csv" });
    await userEvent.upload(input, file);
    const dialog = await modal("节假日数据有误");
    expect(dialog.textContent).toContain("第2行：无法识别的类型：年假");
    expect(fake.callsTo("POST /api/v1/staff/calendar/years/2027/upload")[0]?.body).toEqual({
      csv: "2027-01-01,节假日,元旦\n2027-01-02,年假\n",
      fileName: "2027.csv",
    });
    fireEvent.keyDown(document.body, { key: "Escape" });
  });
});

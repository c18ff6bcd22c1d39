import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { json } from "../test/fakeFetch";
import { signedInAs, staffWith } from "../test/fixtures";
import { renderApp } from "../test/renderApp";

const SUMMARY = "GET /api/v1/staff/alerts/summary";
const LIST = "GET /api/v1/staff/alerts";

/** the count on the bell, as antd's badge gives it */
const badgeCount = () => document.querySelector(".app-alert-bell .ant-scroll-number")?.getAttribute("title");

describe("header bell (升级提醒)", () => {
  it("shows a supervisor how many escalations are open and opens the inbox", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/nowhere");
    signedInAs(fake, staffWith("supervisor"));
    fake.on(SUMMARY, json(200, { open: 3, latestAt: "2026-01-10T05:56:00.000Z" }));
    fake.on(LIST, json(200, { items: [], total: 0, page: 1, pageSize: 20 }));

    const bell = await screen.findByRole("button", { name: "升级提醒" });
    await waitFor(() => expect(badgeCount()).toBe("3"));
    expect(fake.callsTo(SUMMARY)[0].url).toBe("/api/v1/staff/alerts/summary");

    await user.click(bell);
    await waitFor(() => expect(screen.getByTestId("location").textContent).toBe("/alerts"));
    expect(await screen.findByText("暂无待处理的升级提醒")).toBeTruthy();
    expect(fake.callsTo(LIST)[0].url).toBe("/api/v1/staff/alerts?state=open&page=1&pageSize=20");
  });

  it("an admin has the bell too; no badge when nothing is open", async () => {
    const { fake } = renderApp("/nowhere");
    signedInAs(fake, staffWith("admin"));
    fake.on(SUMMARY, json(200, { open: 0, latestAt: null }));

    expect(await screen.findByRole("button", { name: "升级提醒" })).toBeTruthy();
    await waitFor(() => expect(fake.callsTo(SUMMARY)).toHaveLength(1));
    expect(badgeCount()).toBeUndefined();
  });

  it("other roles have no bell, and the summary is not asked for", async () => {
    const { fake } = renderApp("/nowhere");
    signedInAs(fake, staffWith("dispatcher", "hotline_agent", "cashier"));
    await screen.findByRole("button", { name: /退出登录/ });
    expect(screen.queryByRole("button", { name: "升级提醒" })).toBeNull();
    expect(screen.queryByRole("menuitem", { name: /升级提醒/ })).toBeNull();
    expect(fake.callsTo(SUMMARY)).toHaveLength(0);
  });
});

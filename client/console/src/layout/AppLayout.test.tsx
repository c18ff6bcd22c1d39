import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { json } from "../test/fakeFetch";
import { signedInAs, staffWith } from "../test/fixtures";
import { renderApp } from "../test/renderApp";
import { PHONE_QUERY } from "./usePhone";

/** The window answers media queries as a phone (390 px) would, or as a desktop. */
function windowWidth(px: number) {
  vi.stubGlobal(
    "matchMedia",
    vi.fn((query: string) => ({
      matches: query === PHONE_QUERY && px < 768,
      media: query,
      addEventListener: () => {},
      removeEventListener: () => {},
    })),
  );
}

const MINE = "GET /api/v1/staff/my-tickets";
const empty = () => json(200, { items: [], total: 0, page: 1, pageSize: 100 });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("the frame on a phone", () => {
  it("below 768 px the desk menu is a drawer opened from the header; roles are left out of the header", async () => {
    windowWidth(390);
    const user = userEvent.setup();
    const { fake } = renderApp("/my-tickets");
    signedInAs(fake, staffWith("technician"));
    fake.on(MINE, empty(), empty());

    const open = await screen.findByRole("button", { name: "打开菜单" });
    expect(document.querySelector(".app-sider")).toBeNull();
    expect(document.querySelector(".app-layout-phone")).toBeTruthy();
    expect(screen.queryByRole("menuitem", { name: /我的工单/ })).toBeNull();
    expect(screen.getByRole("button", { name: "退出登录" })).toBeTruthy();
    expect(document.querySelector(".app-header .ant-tag")).toBeNull();

    await user.click(open);
    const item = await screen.findByRole("menuitem", { name: /账户查询/ });
    expect(screen.getByRole("menuitem", { name: /我的工单/ })).toBeTruthy();
    // choosing a desk goes there and closes the drawer
    fake.on("GET /api/v1/staff/accounts", json(200, { items: [], total: 0, page: 1, pageSize: 20 }));
    await user.click(item);
    await waitFor(() => expect(screen.getByTestId("location").textContent).toBe("/accounts"));
    await waitFor(() => expect(document.querySelector(".app-drawer.ant-drawer-open")).toBeNull());
  });

  it("on a desktop the menu stays a sider and the header shows the roles", async () => {
    windowWidth(1440);
    const { fake } = renderApp("/my-tickets");
    signedInAs(fake, staffWith("technician"));
    fake.on(MINE, empty());
    expect(await screen.findByRole("menuitem", { name: /我的工单/ })).toBeTruthy();
    expect(document.querySelector(".app-sider")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "打开菜单" })).toBeNull();
    expect(document.querySelector(".app-header .ant-tag")?.textContent).toBe("维修员");
  });
});

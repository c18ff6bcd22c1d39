import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { json } from "../test/fakeFetch";
import { account, signedInAs, staffWith } from "../test/fixtures";
import { renderApp } from "../test/renderApp";

const SEARCH = "GET /api/v1/staff/accounts";
const page = (items: unknown[], total = items.length) => json(200, { items, total, page: 1, pageSize: 20 });

describe("account search", () => {
  it("searches by the one box, lists results and opens a row", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/accounts");
    signedInAs(fake, staffWith("hotline_agent"));
    fake.on(
      "GET /api/v1/staff/communities",
      json(200, { items: [{ id: 3, code: "XH", name: "新华小区", district: null, accountCount: 1200 }] }),
    );
    fake.on(SEARCH, page([]), page([account], 1));

    await waitFor(() => expect(fake.callsTo(SEARCH)).toHaveLength(1));
    await user.type(document.getElementById("account-search") as HTMLElement, "13812345678");
    await user.click(screen.getByRole("button", { name: "查询" }));

    const cell = await screen.findByText("1000234567");
    expect(screen.getByText("138********")).toBeTruthy();
    expect(screen.getByText("共 1 户")).toBeTruthy();
    expect(fake.callsTo(SEARCH)[1].url).toBe("/api/v1/staff/accounts?q=13812345678&page=1&pageSize=20");

    fake.on("GET /api/v1/staff/accounts/42", json(200, account));
    await user.click(cell.closest("tr")?.querySelector("td:nth-child(2)") as HTMLElement);
    await waitFor(() => expect(screen.getByTestId("location").textContent).toBe("/accounts/42"));
  });

  it("shows a failed search's message inline", async () => {
    const { fake } = renderApp("/accounts");
    signedInAs(fake, staffWith("hotline_agent"));
    fake.on("GET /api/v1/staff/communities", json(200, { items: [] }));
    fake.on(SEARCH, json(429, { error: { code: "RATE_LIMITED", message: "请求过于频繁，请稍后再试" } }));
    expect((await screen.findByRole("alert")).textContent).toContain("请求过于频繁，请稍后再试");
  });
});

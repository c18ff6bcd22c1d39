import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { json } from "../test/fakeFetch";
import { signedInAs, staffWith } from "../test/fixtures";
import { renderApp } from "../test/renderApp";

const row = {
  id: 1,
  actorType: "staff",
  actorId: 7,
  actorName: "刘敏",
  action: "account.reveal",
  targetType: "account",
  targetId: "42",
  details: { fields: ["phone"], reason: "回访核实" },
  ip: "10.0.0.8",
  requestId: "req-abc",
  createdAt: "2025-11-27T07:22:01.000Z",
};

describe("audit log", () => {
  it("lists rows for a supervisor, with the menu entry", async () => {
    const { fake } = renderApp("/audit");
    signedInAs(fake, staffWith("supervisor"));
    fake.on("GET /api/v1/staff/audit-logs", json(200, { items: [row], total: 1, page: 1, pageSize: 20 }));
    expect(await screen.findByText("account.reveal")).toBeTruthy();
    expect(screen.getAllByText("刘敏")).toHaveLength(2); // header and the row
    expect(screen.getByText("2025-11-27 15:22:01")).toBeTruthy();
    expect(screen.getByText("account #42")).toBeTruthy();
    expect(screen.getByText("10.0.0.8")).toBeTruthy();
    expect(screen.getAllByText("审计日志").length).toBeGreaterThan(0);
  });

  it("is refused to other roles without asking the server", async () => {
    const { fake } = renderApp("/audit");
    signedInAs(fake, staffWith("hotline_agent", "cashier"));
    expect(await screen.findByText("没有权限")).toBeTruthy();
    expect(fake.callsTo("GET /api/v1/staff/audit-logs")).toHaveLength(0);
    expect(screen.queryByRole("menuitem", { name: /审计日志/ })).toBeNull();
  });
});

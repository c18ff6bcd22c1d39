import { fireEvent, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { json } from "../test/fakeFetch";
import { signedInAs, staffWith } from "../test/fixtures";
import { renderApp } from "../test/renderApp";

const row = {
  id: 1,
  actorType: "staff",
  actorId: 7,
  actorName: "刘敏",
  action: "pii.reveal",
  targetType: "heating_account",
  targetId: "42",
  details: { fields: ["phone"], reason: "回访核实", accountNo: "1010110101" },
  ip: "10.0.0.8",
  requestId: "req-abc",
  createdAt: "2025-11-27T07:22:01.000Z",
};

describe("audit log", () => {
  it("filters by an action chosen by its Chinese name", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/audit");
    signedInAs(fake, staffWith("admin"));
    fake.on("GET /api/v1/staff/audit-logs", json(200, { items: [row], total: 1, page: 1, pageSize: 20 }));
    await screen.findByText("查看完整个人信息");
    expect(screen.queryByPlaceholderText("操作代码")).toBeNull();
    const select = screen.getByLabelText("操作");
    fireEvent.mouseDown(select.closest(".ant-select")?.querySelector(".ant-select-selector") ?? select);
    await user.type(select, "线下");
    fireEvent.click(await screen.findByTitle("线下收费"));
    await user.click(screen.getByRole("button", { name: "查询" }));
    await waitFor(() =>
      expect(fake.callsTo("GET /api/v1/staff/audit-logs").some((c) => c.url.includes("action=payment.offline"))).toBe(
        true,
      ),
    );
  });

  it("lists rows for a supervisor, with the menu entry", async () => {
    const { fake } = renderApp("/audit");
    signedInAs(fake, staffWith("supervisor"));
    fake.on("GET /api/v1/staff/audit-logs", json(200, { items: [row], total: 1, page: 1, pageSize: 20 }));
    // actions, objects and details in words, no codes or JSON
    expect(await screen.findByText("查看完整个人信息")).toBeTruthy();
    expect(screen.getByText("查看内容：手机号；原因：回访核实；户号：1010110101")).toBeTruthy();
    expect(screen.queryByText(/pii\.reveal|heating_account|"fields"/)).toBeNull();
    expect(screen.getAllByText("刘敏")).toHaveLength(2); // header and the row
    expect(screen.getByText("2025-11-27 15:22:01")).toBeTruthy();
    expect(screen.getByText("供热账户 #42")).toBeTruthy();
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

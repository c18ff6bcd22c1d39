import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { chooseOption, modal, rowWith } from "../test/antd";
import { apiError, json } from "../test/fakeFetch";
import { signedInAs, staffWith } from "../test/fixtures";
import { renderApp } from "../test/renderApp";

/** 走访分工 (issue 14): supervisors set which communities each grid worker and technician covers. */

const LIST = "GET /api/v1/staff/visit-assignments";
const PUT = "PUT /api/v1/staff/visit-assignments/21";
const SLOW = { timeout: 15_000 };

const communities = () =>
  json(200, {
    items: [
      { id: 3, code: "XH", name: "新华小区", district: null, accountCount: 120 },
      { id: 5, code: "HX", name: "河西小区", district: null, accountCount: 80 },
    ],
  });
const assignments = (grid: number[]) => ({
  items: [
    {
      staffId: 21,
      name: "赵丽",
      roles: ["grid_worker"],
      communities: grid.map((id) => ({ id, name: id === 3 ? "新华小区" : "河西小区", from: "2026-11-01" })),
    },
    { staffId: 22, name: "孙强", roles: ["technician", "hotline_agent"], communities: [] },
  ],
});

function page(...roles: Parameters<typeof staffWith>) {
  const { fake } = renderApp("/visit-assignments");
  signedInAs(fake, staffWith(...roles));
  fake.on(
    "GET /api/v1/staff/alerts/summary",
    ...Array.from({ length: 5 }, () => json(200, { open: 0, latestAt: null })),
  );
  return fake;
}

describe("走访分工", () => {
  it("lists each field worker's communities; 调整 saves the new set (from today, audited by the server)", async () => {
    const user = userEvent.setup();
    const fake = page("supervisor");
    fake.on(LIST, json(200, assignments([3])));
    fake.on("GET /api/v1/staff/communities", communities());
    const zhao = await rowWith("赵丽");
    expect(within(zhao).getByText("社区网格员")).toBeTruthy();
    expect(within(zhao).getByText("新华小区")).toBeTruthy();
    const sun = await rowWith("孙强");
    expect(within(sun).getByText("未分配")).toBeTruthy();
    expect(within(sun).queryByText("热线坐席")).toBeNull(); // only the field roles are shown

    await user.click(within(zhao).getByRole("button", { name: /调整/ }));
    const dlg = await modal("调整 赵丽 负责的小区");
    await chooseOption("assignment-communities", "河西小区");
    fake.on(PUT, json(200, assignments([3, 5])));
    await user.click(within(dlg).getByRole("button", { name: "保存" }));
    await waitFor(() => expect(fake.callsTo(PUT)).toHaveLength(1));
    expect(fake.callsTo(PUT)[0]?.body).toEqual({ communityIds: [3, 5] });
    await waitFor(async () => expect((await rowWith("赵丽")).textContent).toContain("河西小区"));
    expect(await screen.findByText(/已记入审计日志/)).toBeTruthy();
  });

  it("a refused change shows the server's message and keeps the dialog", async () => {
    const user = userEvent.setup();
    const fake = page("admin");
    fake.on(LIST, json(200, assignments([3])));
    fake.on("GET /api/v1/staff/communities", communities());
    await user.click(within(await rowWith("赵丽")).getByRole("button", { name: /调整/ }));
    const dlg = await modal("调整 赵丽 负责的小区");
    fake.on(PUT, apiError(400, "VISIT_ASSIGNMENT_INVALID", "只能为网格员或维修员分配存在的小区"));
    await user.click(within(dlg).getByRole("button", { name: "保存" }));
    expect(await within(dlg).findByText("只能为网格员或维修员分配存在的小区")).toBeTruthy();
  });

  it("grid workers may not open it", async () => {
    const fake = page("grid_worker");
    expect(await screen.findByText("没有权限", undefined, SLOW)).toBeTruthy();
    expect(fake.callsTo(LIST)).toHaveLength(0);
  });
});

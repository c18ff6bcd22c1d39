import type { SuspensionView } from "@warmline/shared";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { TABLE_WIDTH_AT_1440 } from "../components/tableWidth";
import { declaredTableWidth, rowWith } from "../test/antd";
import { apiError, json } from "../test/fakeFetch";
import { signedInAs, staffWith } from "../test/fixtures";
import { renderApp } from "../test/renderApp";

const LIST = "GET /api/v1/staff/suspensions";
const DETAIL = "GET /api/v1/staff/suspensions/5";
const DECIDE = "POST /api/v1/staff/suspensions/5/decision";

function app(over: Partial<SuspensionView> = {}): SuspensionView {
  return {
    id: 5,
    accountId: 42,
    accountNo: "MLCD000042",
    address: "民乐县城关镇新华路 8 号 3 单元 502",
    kind: "suspend",
    kindLabel: "报停",
    seasonCode: "2027-2028",
    deadline: "2027-09-30",
    reason: "房屋空置，全家外出务工",
    status: "pending",
    statusLabel: "待审核",
    channel: "resident",
    reviewerName: null,
    reviewNote: null,
    reviewedAt: null,
    visit: null,
    events: [
      { type: "submitted", label: "提交申请", actorName: "居民", note: "房屋空置", at: "2026-12-03T02:00:00.000Z" },
    ],
    createdAt: "2026-12-03T02:00:00.000Z",
    updatedAt: "2026-12-03T02:00:00.000Z",
    ...over,
  };
}
const page = (items: SuspensionView[]) => json(200, { items, total: items.length, page: 1, pageSize: 20 });

describe("报停/复供办理", () => {
  it("lists applications with filters in the URL, opens one and approves it", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/suspensions?status=pending");
    signedInAs(fake, staffWith("dispatcher"));
    fake.on(LIST, page([app()]), page([app({ status: "approved", statusLabel: "已批准" })]));
    fake.on(
      DETAIL,
      json(200, app()),
      json(200, app({ status: "approved", statusLabel: "已批准", reviewerName: "刘敏" })),
    );
    fake.on(DECIDE, json(200, app({ status: "approved", statusLabel: "已批准", reviewerName: "刘敏" })));
    fake.on("GET /api/v1/staff/technicians", json(200, { items: [{ id: 9, displayName: "王师傅", stationId: null }] }));

    const row = await rowWith("MLCD000042");
    expect(fake.callsTo(LIST)[0].url).toBe("/api/v1/staff/suspensions?status=pending&page=1&pageSize=20");
    expect(row.textContent).toContain("报停");
    expect(row.textContent).toContain("2027-2028");
    expect(row.textContent).toContain("待审核");
    // every column, 办理 included, fits a 1440 px screen without scrolling sideways
    expect(
      declaredTableWidth(document.querySelector(".suspension-desk .ant-table-wrapper") as HTMLElement),
    ).toBeLessThanOrEqual(TABLE_WIDTH_AT_1440);
    await user.click(within(row).getByRole("button", { name: "办理" }));
    expect(await screen.findByText("2027-2028（申请截止 2027-09-30）")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "批准" }));
    await waitFor(() => expect(fake.callsTo(DECIDE)).toHaveLength(1));
    expect(fake.callsTo(DECIDE)[0].body).toEqual({ decision: "approve" });
  });

  it("shows a refusal's message (a rejection without a reason)", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/suspensions?open=5");
    signedInAs(fake, staffWith("dispatcher"));
    fake.on(LIST, page([app()]));
    fake.on(DETAIL, json(200, app()));
    fake.on("GET /api/v1/staff/technicians", json(200, { items: [] }));
    fake.on(DECIDE, apiError(400, "SUSPENSION_REJECT_NOTE_REQUIRED", "不予批准时请填写原因"));
    await user.click(await screen.findByRole("button", { name: "不予批准" }));
    expect(await screen.findByText("不予批准时请填写原因")).toBeTruthy();
  });

  it("a technician sees the valve task: confirm waits for the photo", async () => {
    const { fake } = renderApp("/suspensions?open=5");
    signedInAs(fake, { ...staffWith("technician"), id: 9 });
    const visit = {
      technicianId: 9,
      technicianName: "王师傅",
      label: "上门关阀加封",
      scheduledDate: "2027-09-20",
      photoUrl: null,
      confirmedAt: null,
      note: null,
    };
    const scheduled = app({ status: "valve_visit_scheduled", statusLabel: "已安排上门关阀", visit });
    fake.on(LIST, page([scheduled]));
    fake.on(DETAIL, json(200, scheduled));
    expect(await screen.findByText("上门关阀加封任务")).toBeTruthy();
    expect(screen.getByRole("button", { name: /上传阀门照片/ })).toBeTruthy();
    expect((screen.getByRole("button", { name: "确认办结" }) as HTMLButtonElement).disabled).toBe(true);
  });
});

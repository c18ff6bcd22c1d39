import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { CampaignView } from "@warmline/shared";
import { describe, expect, it } from "vitest";
import { rowWith } from "../test/antd";
import { apiError, json } from "../test/fakeFetch";
import { signedInAs, staffWith } from "../test/fixtures";
import { renderApp } from "../test/renderApp";
import { campaignPercent } from "./ReminderCampaignsPage";

const LIST = "GET /api/v1/staff/reminders/campaigns";
const SLOW = { timeout: 15_000 };

function campaign(over: Partial<CampaignView> = {}, counts: Partial<CampaignView["counts"]> = {}): CampaignView {
  return {
    id: 12,
    kind: "manual",
    planDate: "2026-12-03",
    state: "running",
    ladderVersion: 2,
    startedBy: 7,
    createdAt: "2026-12-03T02:00:00.000Z",
    finishedAt: null,
    counts: { planned: 30, sending: 2, sent: 10, delivered: 3, failed: 1, suppressed: 4, total: 50, ...counts },
    ...over,
  };
}
const page = (...items: CampaignView[]) => json(200, { items, total: items.length, page: 1, pageSize: 20 });

function open(role: Parameters<typeof staffWith>[0], ...lists: (Response | (() => Response))[]) {
  const { fake } = renderApp("/reminders/campaigns");
  signedInAs(fake, staffWith(role));
  fake.on(
    "GET /api/v1/staff/alerts/summary",
    ...Array.from({ length: 5 }, () => json(200, { open: 0, latestAt: null })),
  );
  fake.on(LIST, ...lists);
  return fake;
}

/** the confirm dialog antd opens (modal.confirm), by its title */
const confirmDialog = (title: string) =>
  waitFor(() => {
    const el = [...document.querySelectorAll(".ant-modal-confirm")].find((m) => m.textContent?.includes(title));
    if (!el) throw new Error(`no confirm ${title}`);
    return el as HTMLElement;
  });

describe("催缴活动", () => {
  it("shows each campaign's counts and follows a running one until it is done", async () => {
    // the second answer waits until the running state has been looked at
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const later = () =>
      gate.then(() =>
        page(campaign({ state: "done", finishedAt: "2026-12-03T02:05:00.000Z" }, { planned: 0, sending: 0, sent: 42 })),
      ) as unknown as Response;
    const fake = open("supervisor", page(campaign()), later);
    await screen.findByText("进行中", undefined, SLOW);
    const row = await rowWith("#12");
    expect(row.textContent).toContain("手动发起");
    // 计划 50, 待发送 32 (planned + sending), 已发送 10, 已送达 3, 失败 1, 已拦截 4; 18 of 50 ended
    const cells = [...row.querySelectorAll("td")].map((td) => td.textContent);
    expect(cells).toEqual(expect.arrayContaining(["50", "32", "10", "3", "1", "4", "18/50"]));
    // asked for again while running, then no more once done
    await waitFor(() => expect(fake.callsTo(LIST)).toHaveLength(2), { timeout: 6000 });
    release();
    const done = await rowWith("已完成");
    expect(done.textContent).toContain("42");
    expect(done.textContent).toContain("50/50");
    await new Promise((r) => setTimeout(r, 2600));
    expect(fake.callsTo(LIST)).toHaveLength(2);
  }, 30_000);

  it("a supervisor starts a campaign after confirming, and pauses one after confirming", async () => {
    const user = userEvent.setup();
    const fake = open(
      "supervisor",
      page(campaign({ state: "paused" })),
      ...Array.from({ length: 8 }, () => page(campaign({ id: 13 }), campaign({ state: "paused" }))),
    );
    fake.on("POST /api/v1/staff/reminders/campaigns", json(201, campaign({ id: 13 })));
    fake.on("POST /api/v1/staff/reminders/campaigns/13/pause", json(200, campaign({ id: 13, state: "paused" })));
    await rowWith("#12");

    await user.click(screen.getByRole("button", { name: /立即发起催缴/ }));
    const ask = await confirmDialog("立即发起一次催缴提醒？");
    expect(fake.callsTo("POST /api/v1/staff/reminders/campaigns")).toHaveLength(0);
    await user.click(within(ask).getByRole("button", { name: /发\s?起/ }));
    await waitFor(() => expect(fake.callsTo("POST /api/v1/staff/reminders/campaigns")).toHaveLength(1));
    expect(await screen.findByText("已发起第 13 批催缴提醒，正在规划")).toBeTruthy();

    const running = await rowWith("#13");
    // a paused campaign offers 继续, a running one 暂停; cancelling asks as well
    expect(within(await rowWith("#12")).getByRole("button", { name: /继续/ })).toBeTruthy();
    await user.click(within(running).getByRole("button", { name: /暂停/ }));
    const pause = await confirmDialog("暂停该批次？");
    await user.click(within(pause).getByRole("button", { name: /^暂\s?停$/ }));
    await waitFor(() => expect(fake.callsTo("POST /api/v1/staff/reminders/campaigns/13/pause")).toHaveLength(1));
  }, 30_000);

  it("a refused change shows the server's message", async () => {
    const user = userEvent.setup();
    const fake = open("admin", page(campaign({ state: "paused" })), page(campaign({ state: "paused" })));
    fake.on(
      "POST /api/v1/staff/reminders/campaigns/12/cancel",
      apiError(409, "CAMPAIGN_STATE_CONFLICT", "提醒批次当前状态不允许此操作"),
    );
    const row = await rowWith("#12");
    await user.click(within(row).getByRole("button", { name: /取\s?消/ }));
    const ask = await confirmDialog("取消该批次？");
    await user.click(within(ask).getByRole("button", { name: "取消批次" }));
    expect(await screen.findByText("提醒批次当前状态不允许此操作")).toBeTruthy();
  }, 30_000);

  it("a hotline agent sees the progress but may not start, pause or cancel", async () => {
    open("hotline_agent", page(campaign({ state: "paused" })));
    const row = await rowWith("#12");
    expect(screen.queryByRole("button", { name: /立即发起催缴/ })).toBeNull();
    expect(within(row).queryByRole("button")).toBeNull();
  }, 30_000);

  it("percent counts ended reminders; a done campaign is 100", () => {
    expect(campaignPercent(campaign())).toBe(36);
    expect(campaignPercent(campaign({ state: "done" }))).toBe(100);
    expect(campaignPercent(campaign({}, { total: 0 }))).toBe(0);
  });
});

import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReconRunView } from "@warmline/shared";
import { describe, expect, it } from "vitest";
import { TABLE_WIDTH_AT_1440 } from "../components/tableWidth";
import { yesterdayInShanghai } from "../format";
import { declaredTableWidth } from "../test/antd";
import { apiError, json } from "../test/fakeFetch";
import { signedInAs, staffWith } from "../test/fixtures";
import { renderApp } from "../test/renderApp";

const RUNS = "GET /api/v1/staff/reconciliations";
const START = "POST /api/v1/staff/reconciliations";
const RUN = "GET /api/v1/staff/reconciliations/12";

function run(over: Partial<ReconRunView> = {}): ReconRunView {
  return {
    id: 12,
    vendor: "wechat",
    date: "2026-01-09",
    status: "queued",
    vendorCount: 0,
    ourCount: 0,
    matched: 0,
    missingHere: 0,
    missingThere: 0,
    amountMismatch: 0,
    error: null,
    createdAt: "2026-01-10T02:00:00.000Z",
    finishedAt: null,
    items: [],
    ...over,
  };
}

const done = run({
  status: "done",
  vendorCount: 120,
  ourCount: 119,
  matched: 117,
  missingHere: 2,
  missingThere: 1,
  amountMismatch: 1,
  finishedAt: "2026-01-10T02:00:09.000Z",
  items: [
    {
      id: 1,
      kind: "missing_here",
      outTradeNo: "WL20260109101010000001",
      transactionId: "4200000001",
      vendorAmountFen: 216250,
      ourAmountFen: null,
      resolution: "auto_settled",
      note: "回调丢失，已按渠道账单补记",
    },
    {
      id: 2,
      kind: "missing_here",
      outTradeNo: "WL20260109101010000002",
      transactionId: "4200000002",
      vendorAmountFen: 88800,
      ourAmountFen: null,
      resolution: "flagged",
      note: "订单已关闭",
    },
    {
      id: 3,
      kind: "missing_there",
      outTradeNo: "WL20260109101010000003",
      transactionId: "4200000003",
      vendorAmountFen: null,
      ourAmountFen: 150000,
      resolution: "flagged",
      note: null,
    },
    {
      id: 4,
      kind: "amount_mismatch",
      outTradeNo: "WL20260109101010000004",
      transactionId: "4200000004",
      vendorAmountFen: 100000,
      ourAmountFen: 100100,
      resolution: "flagged",
      note: null,
    },
  ],
});
const { items: _items, ...doneSummary } = done;

const section = (kind: string) =>
  waitFor(() => {
    const el = document.querySelector(`.recon-items-${kind}`);
    if (!el) throw new Error(`no ${kind} section`);
    return el as HTMLElement;
  });

describe("对账", () => {
  it("starts yesterday's WeChat run, polls until it is done, and shows the three sets of differences", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/reconciliation");
    signedInAs(fake, staffWith("supervisor"));
    fake.on(RUNS, json(200, { items: [] }), json(200, { items: [run()] }), json(200, { items: [doneSummary] }));
    fake.on(START, json(202, run()));
    fake.on(RUN, json(200, run({ status: "running" })), json(200, run({ status: "running" })), json(200, done));

    expect(await screen.findByText("暂无对账记录")).toBeTruthy();
    // yesterday in Beijing, WeChat
    const date = document.getElementById("recon-date") as HTMLInputElement;
    expect(date.value).toBe(yesterdayInShanghai());
    await user.click(screen.getByRole("button", { name: /开始对账/ }));
    await waitFor(() => expect(fake.callsTo(START)).toHaveLength(1));
    expect(fake.callsTo(START)[0].body).toEqual({ date: yesterdayInShanghai(), vendor: "wechat" });

    const panel = await waitFor(() => {
      const el = document.querySelector(".recon-run");
      if (!el) throw new Error("no run panel");
      return el as HTMLElement;
    });
    expect(await within(panel).findByText("正在获取渠道对账单并逐笔核对，请稍候…")).toBeTruthy();
    expect(within(panel).getByText("对账中")).toBeTruthy();

    const here = await section("missing_here");
    expect(within(here).getByText("渠道已收款、本系统未入账（2 笔）")).toBeTruthy();
    const settled = within(here).getByText("WL20260109101010000001").closest("tr") as HTMLElement;
    expect(within(settled).getByText("¥2,162.50")).toBeTruthy();
    expect(within(settled).getByText("—")).toBeTruthy(); // nothing on our side
    expect(within(settled).getByText("自动补记入账")).toBeTruthy();
    expect(within(settled).getByText("回调丢失，已按渠道账单补记")).toBeTruthy();
    const left = within(here).getByText("WL20260109101010000002").closest("tr") as HTMLElement;
    expect(within(left).getByText("待人工处理")).toBeTruthy();

    const there = await section("missing_there");
    expect(within(there).getByText("本系统已入账、渠道无记录（1 笔）")).toBeTruthy();
    expect(within(there).getByText("¥1,500.00")).toBeTruthy();

    const mismatch = await section("amount_mismatch");
    expect(within(mismatch).getByText("金额不一致（1 笔）")).toBeTruthy();
    expect(within(mismatch).getByText("¥1,000.00")).toBeTruthy();
    expect(within(mismatch).getByText("¥1,001.00")).toBeTruthy();
    expect(within(mismatch).getByText("-¥1.00")).toBeTruthy();

    expect(within(panel).getByText("已完成")).toBeTruthy();
    expect(within(panel).getByText("有 3 笔差异待人工处理")).toBeTruthy();
    expect(within(panel).getByText("117")).toBeTruthy();

    // polled about once a second, not after it was done; the list then shows the counts
    expect(fake.callsTo(RUN)).toHaveLength(3);
    await waitFor(() => expect(fake.callsTo(RUNS)).toHaveLength(3));
    const listRow = await waitFor(() => {
      const tr = document.querySelector('.recon-runs tr[data-row-key="12"]');
      if (!tr?.textContent?.includes("已完成")) throw new Error("list not refreshed");
      return tr as HTMLElement;
    });
    expect(listRow.textContent).toContain("2026-01-09");
    expect(listRow.textContent).toContain("微信支付");
    await new Promise((r) => setTimeout(r, 1500));
    expect(fake.callsTo(RUN)).toHaveLength(3);
  });

  it("shows a failed run with its error", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/reconciliation");
    signedInAs(fake, staffWith("admin"));
    fake.on(RUNS, json(200, { items: [] }), json(200, { items: [] }), json(200, { items: [] }));
    fake.on(START, json(202, run({ vendor: "alipay" })));
    fake.on(RUN, json(200, run({ vendor: "alipay", status: "failed", error: "渠道对账单尚未生成" })));
    await screen.findByText("暂无对账记录");
    await user.click(screen.getByRole("button", { name: /开始对账/ }));
    expect((await screen.findByRole("alert")).textContent).toContain("对账失败：渠道对账单尚未生成");
  });

  it("refuses a date in the future without asking the server", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/reconciliation");
    signedInAs(fake, staffWith("supervisor"));
    fake.on(RUNS, json(200, { items: [] }));
    await screen.findByText("暂无对账记录");
    fireEvent.change(document.getElementById("recon-date") as HTMLInputElement, { target: { value: "2999-01-01" } });
    await user.click(screen.getByRole("button", { name: /开始对账/ }));
    expect(await screen.findByText("不能选择未来的日期")).toBeTruthy();
    expect(fake.callsTo(START)).toHaveLength(0);
  });

  it("a cashier reads past runs and their items but cannot start one", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/reconciliation");
    signedInAs(fake, staffWith("cashier"));
    fake.on(RUNS, json(200, { items: [doneSummary] }));
    fake.on(RUN, json(200, done));

    const row = await waitFor(() => {
      const tr = document.querySelector('.recon-runs tr[data-row-key="12"]');
      if (!tr) throw new Error("no run row");
      return tr as HTMLElement;
    });
    for (const t of ["117", "120", "119"]) expect(within(row).getByText(t)).toBeTruthy();
    expect(screen.queryByRole("button", { name: /开始对账/ })).toBeNull();
    expect(document.getElementById("recon-date")).toBeNull();

    await user.click(within(row).getByRole("button", { name: "查看" }));
    expect(await section("amount_mismatch")).toBeTruthy();
    expect(screen.getByTestId("location").textContent).toBe("/reconciliation");
    // an already finished run is asked for once
    await new Promise((r) => setTimeout(r, 1200));
    expect(fake.callsTo(RUN)).toHaveLength(1);
  });

  it("an empty date shows one message, not two, and it goes as soon as a date is chosen", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/reconciliation");
    signedInAs(fake, staffWith("supervisor"));
    fake.on(RUNS, json(200, { items: [] }));
    await screen.findByText("暂无对账记录");
    const date = document.getElementById("recon-date") as HTMLInputElement;
    const item = date.closest(".ant-form-item") as HTMLElement;
    const messages = () => [...item.querySelectorAll(".ant-form-item-explain-error")].map((e) => e.textContent);

    fireEvent.change(date, { target: { value: "" } });
    await user.click(screen.getByRole("button", { name: /开始对账/ }));
    await waitFor(() => expect(messages()).toEqual(["请选择对账日期"]));
    fireEvent.change(date, { target: { value: "2026-01-09" } });
    await waitFor(() => expect(messages()).toEqual([]));
    expect(fake.callsTo(START)).toHaveLength(0);
  });

  it("a refusal of the server goes once the date or the vendor is changed", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/reconciliation");
    signedInAs(fake, staffWith("supervisor"));
    fake.on(RUNS, json(200, { items: [] }));
    fake.on(START, apiError(409, "RECON_RUNNING", "该渠道当日的对账正在进行"));
    await screen.findByText("暂无对账记录");
    await user.click(screen.getByRole("button", { name: /开始对账/ }));
    expect((await screen.findByRole("alert")).textContent).toContain("该渠道当日的对账正在进行");

    fireEvent.change(document.getElementById("recon-date") as HTMLInputElement, { target: { value: "2026-01-08" } });
    await waitFor(() => expect(screen.queryByRole("alert")).toBeNull());
  });

  it("asks for no more width than a 1440 px screen leaves it: 发起时间 and 查看 are never cut off", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/reconciliation");
    signedInAs(fake, staffWith("supervisor"));
    fake.on(RUNS, json(200, { items: [doneSummary] }));
    fake.on(RUN, json(200, done));

    const row = await waitFor(() => {
      const tr = document.querySelector('.recon-runs tr[data-row-key="12"]');
      if (!tr) throw new Error("no run row");
      return tr as HTMLElement;
    });
    expect(declaredTableWidth(document.querySelector(".recon-runs") as HTMLElement)).toBeLessThanOrEqual(
      TABLE_WIDTH_AT_1440,
    );
    await user.click(within(row).getByRole("button", { name: "查看" }));
    for (const kind of ["missing_here", "missing_there", "amount_mismatch"]) {
      const items = await section(kind);
      expect(declaredTableWidth(items), kind).toBeLessThanOrEqual(TABLE_WIDTH_AT_1440);
    }
  });
});

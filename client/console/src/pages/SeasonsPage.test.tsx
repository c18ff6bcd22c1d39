import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { json } from "../test/fakeFetch";
import { signedInAs, staffWith } from "../test/fixtures";
import { renderApp } from "../test/renderApp";

const SEASONS = "GET /api/v1/staff/seasons";
const season = {
  id: 3,
  code: "2025-2026",
  startDate: "2025-10-15",
  endDate: "2026-04-15",
  dueDate: "2025-10-14",
  lateFeeRateBp: 5,
  lateFeeCapBp: 10000,
  status: "open",
  tariffs: [
    { category: "residential", unitPriceFen: 2500, suspensionShareBp: 3000 },
    { category: "non_residential", unitPriceFen: 3850, suspensionShareBp: 2550 },
    { category: "public_institution", unitPriceFen: 3200, suspensionShareBp: 3000 },
  ],
  billCount: 2000,
};
const run = (over: object) => ({
  id: 77,
  seasonId: 3,
  status: "queued",
  total: 0,
  processed: 0,
  created: 0,
  skipped: 0,
  error: null,
  startedAt: null,
  finishedAt: null,
  ...over,
});

describe("供热季", () => {
  it("lists seasons with tariffs in 元/m², base share and late fee rate", async () => {
    const { fake } = renderApp("/seasons");
    signedInAs(fake, staffWith("supervisor"));
    fake.on(SEASONS, json(200, { items: [season] }));
    const row = await waitFor(() => {
      const el = document.querySelector('tr[data-row-key="3"]');
      if (!el) throw new Error("no row");
      return el as HTMLElement;
    });
    const text = row.textContent ?? "";
    for (const t of [
      "2025-2026",
      "2025-10-15 至 2026-04-15",
      "居民：25.00 元/m²",
      "非居民（经营）：38.50 元/m²",
      "报停基础费 25.5%",
      "报停基础费 30%",
      "万分之5/日",
      "上限为本金的 100%",
      "开放",
    ]) {
      expect(text, t).toContain(t);
    }
  });

  it("generates bills and polls the run every second until it is done", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/seasons");
    signedInAs(fake, staffWith("supervisor"));
    fake.on(SEASONS, json(200, { items: [season] }));
    fake.on("POST /api/v1/staff/seasons/3/bill-runs", json(202, run({})));
    // the run stays at 50 % until the test has seen it (a loaded machine may render slower than the polls),
    // then finishes
    let finish = false;
    const half = run({ status: "running", total: 2400, processed: 1200, created: 1190, skipped: 10 });
    const done = run({ status: "done", total: 2400, processed: 2400, created: 2390, skipped: 10 });
    fake.on(
      "GET /api/v1/staff/bill-runs/77",
      json(200, run({ status: "running", total: 2400, processed: 600, created: 590, skipped: 10 })),
      ...Array.from({ length: 30 }, () => () => json(200, finish ? done : half)),
    );

    await user.click(await screen.findByRole("button", { name: /生成账单/ }));
    await user.click(await screen.findByRole("button", { name: "生成" }));

    const panel = await waitFor(() => {
      const el = document.querySelector(".bill-run");
      if (!el) throw new Error("no progress yet");
      return el as HTMLElement;
    });
    expect(await within(panel).findByText("25%", {}, { timeout: 6000 })).toBeTruthy();
    expect(await within(panel).findByText("50%", {}, { timeout: 6000 })).toBeTruthy();
    expect(within(panel).getByText("1200 / 2400 户")).toBeTruthy();
    // the generate button waits for the run
    expect((screen.getByRole("button", { name: /生成账单/ }) as HTMLButtonElement).disabled).toBe(true);
    finish = true;
    expect(
      await within(panel).findByText(
        "账单生成完成：新开 2390 户，跳过 10 户（已有账单或不需开票）",
        {},
        { timeout: 6000 },
      ),
    ).toBeTruthy();
    expect(within(panel).getByText("已完成")).toBeTruthy();

    // polled about once a second, and not after it finished
    const polls = fake.callsTo("GET /api/v1/staff/bill-runs/77").length;
    expect(polls).toBeGreaterThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 1600));
    expect(fake.callsTo("GET /api/v1/staff/bill-runs/77")).toHaveLength(polls);
    expect((screen.getByRole("button", { name: /生成账单/ }) as HTMLButtonElement).disabled).toBe(false);
  });

  it("shows a failed run with its error", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/seasons");
    signedInAs(fake, staffWith("admin"));
    fake.on(SEASONS, json(200, { items: [season] }));
    fake.on("POST /api/v1/staff/seasons/3/bill-runs", json(202, run({})));
    fake.on("GET /api/v1/staff/bill-runs/77", json(200, run({ status: "failed", error: "数据库连接中断" })));
    await user.click(await screen.findByRole("button", { name: /生成账单/ }));
    await user.click(await screen.findByRole("button", { name: "生成" }));
    expect((await screen.findByRole("alert")).textContent).toContain("账单生成失败：数据库连接中断");
  });

  it("creates the next season with the three categories' prices in 元/m²", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/seasons");
    signedInAs(fake, staffWith("supervisor"));
    const created = { ...season, id: 4, code: "2026-2027", startDate: "2026-10-15", endDate: "2027-04-15" };
    fake.on(SEASONS, json(200, { items: [season] }), json(200, { items: [created, season] }));
    fake.on("POST /api/v1/staff/seasons", json(201, created));

    await user.click(await screen.findByRole("button", { name: /新建供热季/ }));
    const dialog = await screen.findByRole("dialog");
    const field = (id: string) => document.getElementById(id) as HTMLInputElement;
    // the next code and last season's prices are suggested
    expect(field("season-code").value).toBe("2026-2027");
    expect(field("tariff-residential").value).toBe("25.00");
    expect(field("tariff-non_residential-share").value).toBe("25.5");

    await user.clear(field("tariff-residential"));
    await user.type(field("tariff-residential"), "26.5");
    await user.clear(field("tariff-public_institution"));
    await user.type(field("tariff-public_institution"), "33.333");
    await user.click(within(dialog).getByRole("button", { name: "下一步：核对" }));
    expect(await within(dialog).findByText("金额格式有误，应为数字，最多两位小数")).toBeTruthy();
    expect(fake.callsTo("POST /api/v1/staff/seasons")).toHaveLength(0);

    await user.clear(field("tariff-public_institution"));
    await user.type(field("tariff-public_institution"), "33.3");
    await user.click(within(dialog).getByRole("button", { name: "下一步：核对" }));
    // read back before anything is created; 返回修改 creates nothing
    const box = await waitFor(() => {
      const el = document.querySelector(".ant-modal-confirm");
      if (!el) throw new Error("no confirmation yet");
      return el as HTMLElement;
    });
    expect(box.textContent).toContain("确认新建 2026-2027 供热季？");
    expect(box.textContent).toContain("居民：26.50 元/m²（报停基础费 30%）");
    expect(box.textContent).toContain("滞纳金：每日万分之5，上限为本金的 100%");
    await user.click(within(box).getByRole("button", { name: "返回修改" }));
    expect(fake.callsTo("POST /api/v1/staff/seasons")).toHaveLength(0);
    await user.click(within(dialog).getByRole("button", { name: "下一步：核对" }));
    await waitFor(() => expect(document.querySelectorAll(".ant-modal-confirm").length).toBeGreaterThan(0));
    const oks = await screen.findAllByRole("button", { name: "确认创建" });
    await user.click(oks[oks.length - 1] as HTMLElement);
    await waitFor(() => expect(fake.callsTo("POST /api/v1/staff/seasons")).toHaveLength(1));
    expect(fake.callsTo("POST /api/v1/staff/seasons")[0].body).toEqual({
      code: "2026-2027",
      lateFeeRateBp: 5,
      lateFeeCapBp: 10000,
      tariffs: [
        { category: "residential", unitPriceFen: 2650, suspensionShareBp: 3000 },
        { category: "non_residential", unitPriceFen: 3850, suspensionShareBp: 2550 },
        { category: "public_institution", unitPriceFen: 3330, suspensionShareBp: 3000 },
      ],
    });
    expect(await screen.findByText("2026-2027")).toBeTruthy();
  });

  it("deletes a season created by mistake while it has no bills; one with bills offers no delete", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/seasons");
    signedInAs(fake, staffWith("admin"));
    const empty = { ...season, id: 4, code: "2026-2027", billCount: 0 };
    fake.on(SEASONS, json(200, { items: [empty, season] }), json(200, { items: [season] }));
    fake.on("DELETE /api/v1/staff/seasons/4", new Response(null, { status: 204 }));
    const row = await waitFor(() => {
      const el = document.querySelector('tr[data-row-key="4"]');
      if (!el) throw new Error("no row");
      return el as HTMLElement;
    });
    const billed = document.querySelector('tr[data-row-key="3"]') as HTMLElement;
    expect(within(billed).queryByRole("button", { name: /删除/ })).toBeNull();
    await user.click(within(row).getByRole("button", { name: /删除/ }));
    await user.click(await screen.findByRole("button", { name: "删除" }));
    await waitFor(() => expect(fake.callsTo("DELETE /api/v1/staff/seasons/4")).toHaveLength(1));
    await waitFor(() => expect(document.querySelector('tr[data-row-key="4"]')).toBeNull());
  });
});

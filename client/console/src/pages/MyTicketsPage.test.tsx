import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { json } from "../test/fakeFetch";
import { NOW, at, clock, sla, signedInAs, staffWith, ticketDetail, ticketSummary } from "../test/fixtures";
import { renderApp } from "../test/renderApp";

const MINE = "GET /api/v1/staff/my-tickets";
const page = (items: unknown[]) => json(200, { items, total: items.length, page: 1, pageSize: 100 });

/** dispatched to me, the resolution 10 minutes overdue */
const overdue = ticketSummary({
  id: 7,
  ticketNo: "GD20260110000007",
  category: "no_heat",
  status: "dispatched",
  priority: "urgent",
  address: "城关镇东关街 8 号楼 2 单元 301",
  sla: sla(-40, {
    response: clock({ clock: "response", metAt: at(-60) }),
    resolution: clock({ clock: "resolution", dueAt: at(-10), breached: true, warned: true }),
    next: { clock: "resolution", dueAt: at(-10) },
  }),
});
/** on site, 35 minutes left */
const onSite = ticketSummary({
  id: 5,
  status: "on_site",
  address: "城关镇南关村 12 号",
  sla: sla(5, {
    response: clock({ clock: "response", metAt: at(-20) }),
    next: { clock: "resolution", dueAt: at(35) },
  }),
});
const done = ticketSummary({ id: 3, ticketNo: "GD20260109000003", status: "resolved", sla: sla(0, { next: null }) });

const cards = () => [...document.querySelectorAll(".my-ticket-list[data-tab] .my-ticket-link")] as HTMLElement[];

afterEach(() => {
  vi.useRealTimers();
});

describe("我的工单", () => {
  it("is a technician's home: their tickets as cards in the server's due order, overdue marked; a tap opens the ticket", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW);
    const user = userEvent.setup();
    const { fake } = renderApp("/");
    signedInAs(fake, staffWith("technician"));
    fake.on(MINE, page([overdue, onSite]));

    await waitFor(() => expect(screen.getByTestId("location").textContent).toBe("/my-tickets"));
    await waitFor(() => expect(cards()).toHaveLength(2));
    expect(fake.callsTo(MINE)[0].url).toBe("/api/v1/staff/my-tickets?tab=open&pageSize=100");
    expect(cards().map((c) => c.dataset.ticketNo)).toEqual(["GD20260110000007", "GD20260110000005"]);

    const [first, second] = cards();
    for (const text of [
      "GD20260110000007",
      "不热",
      "城关镇东关街 8 号楼 2 单元 301",
      "紧急",
      "已派单",
      "超时 00:10:00",
    ]) {
      expect(first.textContent).toContain(text);
    }
    expect(first.querySelector(".my-ticket-breached")).toBeTruthy();
    expect(second.textContent).toContain("00:35:00");
    expect(second.textContent).toContain("处理中（已到场）");
    expect(second.querySelector(".my-ticket-breached")).toBeNull();
    expect(screen.getByRole("tab", { name: "待处理（2）" })).toBeTruthy();
    // the menu: 我的工单 selected; no SLA board for a technician
    const menu = screen.getAllByRole("menuitem").map((m) => m.textContent?.trim());
    expect(menu).toContain("我的工单");
    expect(menu).not.toContain("SLA 看板");

    fake.on("GET /api/v1/staff/tickets/5", json(200, ticketDetail({ actions: ["measure", "resolve"] })));
    await user.click(within(second).getByText("GD20260110000005"));
    await waitFor(() => expect(screen.getByTestId("location").textContent).toBe("/tickets/5"));
    expect(await screen.findByRole("button", { name: "入户测温" })).toBeTruthy();
    // the ticket belongs to 我的工单 in the menu
    const selected = document.querySelector(".ant-menu-item-selected");
    expect(selected?.textContent).toContain("我的工单");
  });

  it("the second tab lists the recently finished ones; nothing assigned says so", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/my-tickets");
    signedInAs(fake, staffWith("technician"));
    fake.on(MINE, page([]), page([done]));

    expect(await screen.findByText("暂无派给您的待处理工单")).toBeTruthy();
    await user.click(screen.getByRole("tab", { name: "近期已完成" }));
    await waitFor(() => expect(fake.callsTo(MINE)).toHaveLength(2));
    expect(fake.callsTo(MINE)[1].url).toBe("/api/v1/staff/my-tickets?tab=done&pageSize=100");
    await waitFor(() => expect(screen.getByTestId("location").textContent).toBe("/my-tickets"));
    const doneCard = await waitFor(() => {
      const c = document.querySelector('.my-ticket-list[data-tab="done"] .my-ticket-link') as HTMLElement | null;
      if (!c) throw new Error("no card yet");
      return c;
    });
    expect(doneCard.textContent).toContain("已处理待回访");
    expect(doneCard.getAttribute("href")).toBe("/tickets/3");
  });

  it("a hotline agent has no 我的工单 and lands on the account search; the page refuses without asking", async () => {
    const { fake } = renderApp("/my-tickets");
    signedInAs(fake, staffWith("hotline_agent"));
    expect(await screen.findByText("没有权限")).toBeTruthy();
    const menu = screen.getAllByRole("menuitem").map((m) => m.textContent?.trim());
    expect(menu).not.toContain("我的工单");
    expect(fake.callsTo(MINE)).toHaveLength(0);
  });
});

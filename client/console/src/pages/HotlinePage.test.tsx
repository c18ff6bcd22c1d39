import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { chooseOption } from "../test/antd";
import { apiError, json } from "../test/fakeFetch";
import { NOW, account, call, signedInAs, staffWith, ticketDetail, ticketSummary } from "../test/fixtures";
import { renderApp } from "../test/renderApp";

const ACCOUNTS = "GET /api/v1/staff/accounts";
const TICKETS = "GET /api/v1/staff/tickets";
const CALLS = "GET /api/v1/staff/calls";
const LOG = "POST /api/v1/staff/calls";
const CREATE = "POST /api/v1/staff/tickets";
const calls = (items: unknown[]) => json(200, { items, total: items.length, page: 1, pageSize: 10 });
const accounts = (items: unknown[]) => json(200, { items, total: items.length, page: 1, pageSize: 10 });

const input = (id: string) => document.getElementById(id) as HTMLInputElement;

/** The phone, reason and notes of a call. */
async function fillCall(user: ReturnType<typeof userEvent.setup>, reason: string, notes?: string) {
  await waitFor(() => expect(input("call-phone")).toBeTruthy());
  await user.type(input("call-phone"), "13800001111");
  await chooseOption("call-reason", reason);
  if (notes) await user.type(input("call-notes"), notes);
}

/** Finds account 42 by its 户号 (one match is taken at once) with its open tickets. */
async function findAccount(user: ReturnType<typeof userEvent.setup>) {
  await user.type(input("call-account-search"), "1000234567");
  await user.click(screen.getByRole("button", { name: "查找户号" }));
  return waitFor(() => {
    const el = document.querySelector(".hotline-account");
    if (!el?.textContent?.includes("来电户：1000234567")) throw new Error("no account yet");
    return el as HTMLElement;
  });
}

afterEach(() => {
  vi.useRealTimers();
});

describe("热线受理", () => {
  it("logs a call from a caller whose household is not found, at the time it came in", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW);
    const user = userEvent.setup();
    const { fake } = renderApp("/hotline");
    signedInAs(fake, staffWith("hotline_agent"));
    const logged = call({ notes: "询问何时恢复供热" });
    fake.on(CALLS, calls([]), calls([logged]));
    fake.on(ACCOUNTS, accounts([]));
    fake.on(LOG, json(201, logged));

    expect(await screen.findByText("暂无来电记录")).toBeTruthy();
    // the time defaults to now (Beijing)
    expect(input("call-time").value).toBe("2026-01-10T15:00");
    // the phone and reason are asked for
    await user.click(screen.getByRole("button", { name: "仅登记来电" }));
    expect(await screen.findByText("请填写来电号码")).toBeTruthy();
    expect(await screen.findByText("请选择来电事由")).toBeTruthy();
    expect(fake.callsTo(LOG)).toHaveLength(0);

    await fillCall(user, "不热", "询问何时恢复供热");
    await user.type(input("call-account-search"), "金山花园 99 号");
    await user.click(screen.getByRole("button", { name: "查找户号" }));
    expect(await screen.findByText("未找到供热账户：可不关联户号登记来电；新建工单时请填写地址")).toBeTruthy();
    expect(fake.callsTo(ACCOUNTS)[0].url).toBe(
      `/api/v1/staff/accounts?q=${encodeURIComponent("金山花园 99 号").replaceAll("%20", "+")}&page=1&pageSize=10`,
    );

    await user.click(screen.getByRole("button", { name: "仅登记来电" }));
    await waitFor(() => expect(fake.callsTo(LOG)).toHaveLength(1));
    expect(fake.callsTo(LOG)[0].body).toEqual({
      callerPhone: "13800001111",
      calledAt: "2026-01-10T07:00:00.000Z",
      reason: "no_heat",
      notes: "询问何时恢复供热",
    });
    expect(await screen.findByText("来电已登记（138******** · 未关联户号）")).toBeTruthy();
    // the recent calls follow, and the form is ready for the next call
    const list = document.querySelector(".hotline-calls") as HTMLElement;
    expect(await within(list).findByText("询问何时恢复供热")).toBeTruthy();
    expect(within(list).getByText("2026-01-10 14:59:00")).toBeTruthy();
    expect(input("call-phone").value).toBe("");
  }, 60_000);

  it("shows the caller's open tickets with the reply to read, and attaches the call to one", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/hotline");
    signedInAs(fake, staffWith("hotline_agent"));
    const open = ticketSummary({ status: "dispatched" });
    fake.on(CALLS, calls([]), calls([call({ accountId: 42, accountNo: "1000234567", ticketId: 5 })]));
    fake.on(ACCOUNTS, accounts([account]));
    fake.on(TICKETS, json(200, { items: [open], total: 1, page: 1, pageSize: 20 }));
    fake.on(LOG, json(201, call({ id: 61, accountId: 42, accountNo: "1000234567", ticketId: 5 })));
    fake.on("GET /api/v1/staff/tickets/5", json(200, ticketDetail()));

    await fillCall(user, "室温不达标", "催促上门");
    const acc = await findAccount(user);
    expect(acc.textContent).toContain("民乐县城关镇新华路 8 号 3 单元 502");
    expect(acc.textContent).toContain("王*国");

    const tickets = document.querySelector(".hotline-open-tickets") as HTMLElement;
    const row = await within(tickets).findByText("GD20260110000005");
    expect(fake.callsTo(TICKETS)[0].url).toBe("/api/v1/staff/tickets?open=true&q=1000234567&page=1&pageSize=20");
    const tr = row.closest("tr") as HTMLElement;
    expect(within(tr).getByText("已派单")).toBeTruthy();

    await user.click(within(tr).getByRole("button", { name: "话术" }));
    expect(
      await screen.findByText("您的工单GD20260110000005已派至城东换热站，维修人员将尽快上门，请保持电话畅通。"),
    ).toBeTruthy();

    await user.click(within(tr).getByRole("button", { name: "关联到此工单" }));
    await waitFor(() => expect(fake.callsTo(LOG)).toHaveLength(1));
    expect(fake.callsTo(LOG)[0].body).toMatchObject({
      callerPhone: "13800001111",
      accountId: 42,
      reason: "cold_room",
      notes: "催促上门",
      ticketId: 5,
    });
    expect(await screen.findByText("来电已登记并关联到工单 GD20260110000005")).toBeTruthy();
    expect(fake.callsTo(CREATE)).toHaveLength(0);
  }, 60_000);

  it("opens a ticket from a call: the call first, then the ticket with it; a refused ticket is retried without a second call", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/hotline");
    signedInAs(fake, staffWith("hotline_agent"));
    const created = ticketDetail({ channel: "hotline" }, { id: 8, ticketNo: "GD20260110000008" });
    fake.on(CALLS, calls([]), calls([call({ id: 61, ticketId: 8 })]), calls([call({ id: 61, ticketId: 8 })]));
    fake.on(ACCOUNTS, accounts([account]));
    const none = () => json(200, { items: [], total: 0, page: 1, pageSize: 20 });
    fake.on(TICKETS, none(), none());
    fake.on(LOG, json(201, call({ id: 61, accountId: 42, accountNo: "1000234567" })));
    fake.on(CREATE, apiError(503, "SERVICE_UNAVAILABLE", "服务暂时不可用，请稍后再试"), json(201, created));

    await fillCall(user, "室温不达标");
    await findAccount(user);
    expect(await screen.findByText("该户没有未办结的工单")).toBeTruthy();
    // an account is linked: no address is asked for
    expect(input("ticket-address")).toBeNull();

    const form = document.querySelector(".hotline-new-ticket") as HTMLElement;
    await user.type(input("ticket-temp"), "16.55");
    await user.click(within(form).getByRole("button", { name: /新建工单/ }));
    expect(await within(form).findByText("温度请填写数字，最多一位小数（如 16.5）")).toBeTruthy();
    expect(await within(form).findByText("请描述问题（至少5个字）")).toBeTruthy();
    expect(fake.callsTo(LOG)).toHaveLength(0);

    await user.clear(input("ticket-temp"));
    await user.type(input("ticket-temp"), "16.5");
    await user.type(input("ticket-description"), "卧室暖气片不热，室温偏低");
    await user.type(input("ticket-contact-time"), "下午都在家");
    await user.click(within(form).getByRole("button", { name: /新建工单/ }));
    expect(await screen.findByText("服务暂时不可用，请稍后再试")).toBeTruthy();
    expect(fake.callsTo(LOG)).toHaveLength(1);

    await user.click(within(form).getByRole("button", { name: /新建工单/ }));
    await waitFor(() => expect(fake.callsTo(CREATE)).toHaveLength(2));
    expect(fake.callsTo(LOG)).toHaveLength(1);
    expect(fake.callsTo(LOG)[0].body).toMatchObject({ callerPhone: "13800001111", accountId: 42, reason: "cold_room" });
    expect(fake.callsTo(CREATE)[1].body).toEqual({
      channel: "hotline",
      accountId: 42,
      callerPhone: "13800001111",
      category: "cold_room",
      indoorTempC10: 165,
      description: "卧室暖气片不热，室温偏低",
      preferredContactTime: "下午都在家",
      callLogId: 61,
    });
    const done = await waitFor(() => {
      const el = document.querySelector(".hotline-outcome");
      if (!el?.textContent?.includes("已新建工单")) throw new Error("no outcome");
      return el as HTMLElement;
    });
    expect(within(done).getByRole("link", { name: "GD20260110000008" }).getAttribute("href")).toBe("/tickets/8");
  }, 60_000);
});

import type { AlertView } from "@warmline/shared";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { modal, rowWith } from "../test/antd";
import { apiError, json } from "../test/fakeFetch";
import { NOW, at, clock, sla, signedInAs, staffWith, ticketSummary } from "../test/fixtures";
import { renderApp } from "../test/renderApp";
import { formatSpan } from "./AlertsPage";
import { TABLE_WIDTH_AT_1440 } from "../components/tableWidth";
import { declaredTableWidth } from "../test/antd";

const LIST = "GET /api/v1/staff/alerts";
const SUMMARY = "GET /api/v1/staff/alerts/summary";
const ACK = "POST /api/v1/staff/alerts/31/ack";

const page = (items: AlertView[]) => json(200, { items, total: items.length, page: 1, pageSize: 20 });
const summary = (open: number) => json(200, { open, latestAt: open ? at(-64) : null });

/** ticket 5: its response was due 65 minutes ago and nobody has answered yet */
const late = ticketSummary({
  sla: sla(-65, {
    response: clock({ clock: "response", dueAt: at(-65), remainingMinutes: -65, warned: true, breached: true }),
  }),
});

/** the open escalation of ticket 5 (raised a minute after the clock ran out) */
function openAlert(over: Partial<AlertView> = {}): AlertView {
  return {
    id: 31,
    kind: "sla_breach",
    title: "工单 GD20260110000005 响应时限超时",
    body: "室温不达标｜民乐县城关镇新华路 8 号 3 单元 502。应于 2026-01-10 13:55 前完成，已超时，升级至专班主管督办。",
    createdAt: at(-64),
    ticket: late,
    stationName: "城东换热站",
    clock: "response",
    dueAt: at(-65),
    ackAt: null,
    ackBy: null,
    ackNote: null,
    ...over,
  };
}

/** ticket 6's resolution breach, which 张三 has already taken care of */
const ackedAlert = openAlert({
  id: 30,
  title: "工单 GD20260110000006 处理时限超时",
  createdAt: at(-180),
  ticket: ticketSummary({ id: 6, ticketNo: "GD20260110000006", status: "dispatched", priority: "normal" }),
  // dispatched to another station than the building's: the alert is for that one
  stationName: "城西换热站",
  clock: "resolution",
  dueAt: at(-181),
  ackAt: at(-20),
  ackBy: "张三",
  ackNote: "已电话督促城东站",
});

async function openInbox(...lists: Response[]) {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW);
  const user = userEvent.setup();
  const { fake } = renderApp("/alerts");
  signedInAs(fake, staffWith("supervisor"));
  fake.on(SUMMARY, summary(1), summary(0), summary(0));
  fake.on(LIST, ...lists);
  return { user, fake };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("升级提醒", () => {
  it("lists the open escalations: when, which ticket, which clock, how late, and the ticket as it is now", async () => {
    const { fake } = await openInbox(page([openAlert()]));

    const row = await rowWith("GD20260110000005");
    expect(fake.callsTo(LIST)[0].url).toBe("/api/v1/staff/alerts?state=open&page=1&pageSize=20");
    expect(screen.getAllByText("升级提醒").length).toBeGreaterThan(0);
    const cells = [...row.querySelectorAll("td")].map((td) => td.textContent);
    expect(cells[0]).toBe("2026-01-10 13:56:00");
    expect(cells[1]).toContain("室温不达标");
    expect(cells[1]).toContain("优先");
    expect(cells[2]).toBe("城东换热站");
    expect(cells[3]).toBe("响应时限");
    expect(cells[4]).toContain("2026-01-10 13:55:00");
    expect(cells[4]).toContain("已超时 1小时5分");
    expect(cells[5]).toContain("待响应");
    expect(within(row).getByRole("link", { name: "GD20260110000005" }).getAttribute("href")).toBe("/tickets/5");
    expect(within(row).getByRole("button", { name: "已知悉" })).toBeTruthy();
    // every column, 处理 included, fits a 1440 px screen without scrolling sideways
    const table = document.querySelector(".alerts-table") as HTMLElement;
    expect(declaredTableWidth(table)).toBeLessThanOrEqual(TABLE_WIDTH_AT_1440);
    // the header's bell counts the open ones
    await waitFor(() =>
      expect(document.querySelector(".app-alert-bell .ant-scroll-number")?.getAttribute("title")).toBe("1"),
    );
  });

  it("shows an alert about something other than a ticket (an unconfirmed refund) with its text", async () => {
    const refundAlert = openAlert({
      id: 40,
      kind: "refund_unconfirmed",
      title: "退款 RF20260110120000123456 未确认",
      body: "缴费单 WL202601100001（微信支付）退款 ¥50.00，2026-01-10 12:00 发起，多次向渠道查询仍未确认结果。",
      ticket: null,
      stationName: null,
      clock: null,
      dueAt: null,
    });
    await openInbox(page([refundAlert]));
    const row = await rowWith("RF20260110120000123456");
    const cells = [...row.querySelectorAll("td")].map((td) => td.textContent);
    expect(cells[1]).toContain("退款未确认");
    expect(cells[1]).toContain("退款 ¥50.00");
    expect(cells[3]).toBe("—");
    expect(cells[4]).not.toContain("已超时");
    expect(within(row).getByRole("button", { name: "已知悉" })).toBeTruthy();
  });

  it("shows the security alerts (a suspicious binding, a locked staff account) readably, tagged red", async () => {
    const other = { ticket: null, stationName: null, clock: null, dueAt: null } as const;
    const bind = openAlert({
      id: 41,
      kind: "bind_after_failures",
      title: "户号 1010110103 在多次验证失败后被绑定",
      body: "2026-01-10 13:20 居民用户 #88 以“预留手机号后4位”验证绑定了户号 1010110103；此前 24 小时内该户号验证失败 6 次。",
      ...other,
    });
    const locked = openAlert({
      id: 42,
      kind: "staff_locked",
      title: "工作人员账号 cashier（收费员）被锁定",
      body: "2026-01-10 13:30 连续 10 次密码错误，账号锁定 15 分钟，最后一次来自 10.0.0.7。",
      ...other,
    });
    await openInbox(page([bind, locked]));
    const bindRow = await rowWith("1010110103");
    const bindCell = [...bindRow.querySelectorAll("td")][1] as HTMLElement;
    expect(bindCell.textContent).toContain("可疑绑定");
    expect(bindCell.textContent).toContain("验证失败 6 次");
    expect(bindCell.querySelector(".ant-tag-red")).toBeTruthy();
    const lockRow = await rowWith("工作人员账号 cashier");
    const lockCell = [...lockRow.querySelectorAll("td")][1] as HTMLElement;
    expect(lockCell.textContent).toContain("账号锁定");
    expect(lockCell.textContent).toContain("连续 10 次密码错误");
    expect(lockCell.querySelector(".ant-tag-red")).toBeTruthy();
    expect(within(lockRow).getByRole("button", { name: "已知悉" })).toBeTruthy();
  });

  it("已处理 asks for the acknowledged ones and shows who confirmed, when, and the note", async () => {
    const { user, fake } = await openInbox(page([openAlert()]), page([ackedAlert]));
    await rowWith("GD20260110000005");

    await user.click(screen.getByText("已处理"));
    const row = await rowWith("GD20260110000006");
    expect(fake.callsTo(LIST)[1].url).toBe("/api/v1/staff/alerts?state=acked&page=1&pageSize=20");
    expect(row.textContent).toContain("张三 于 01-10 14:40 确认");
    expect(row.textContent).toContain("备注：已电话督促城东站");
    expect(row.textContent).toContain("城西换热站");
    expect(within(row).queryByRole("button", { name: "已知悉" })).toBeNull();
  });

  it("已知悉 sends the note, says 已确认 and asks for the inbox and the bell again", async () => {
    const { user, fake } = await openInbox(page([openAlert()]), page([]));
    fake.on(ACK, json(200, openAlert({ ackAt: at(0), ackBy: "刘敏", ackNote: "已联系维修班组" })));

    const row = await rowWith("GD20260110000005");
    await user.click(within(row).getByRole("button", { name: "已知悉" }));
    const dialog = await modal("确认已知悉");
    await user.type(within(dialog).getByLabelText("督办备注"), "  已联系维修班组 ");
    await user.click(within(dialog).getByRole("button", { name: "确认" }));

    await waitFor(() => expect(fake.callsTo(ACK)).toHaveLength(1));
    expect(fake.callsTo(ACK)[0].body).toEqual({ note: "已联系维修班组" });
    expect(await screen.findByText("已确认")).toBeTruthy();
    // the acknowledged alert leaves the open list, and the bell is asked again
    expect(await screen.findByText("暂无待处理的升级提醒")).toBeTruthy();
    expect(fake.callsTo(LIST)).toHaveLength(2);
    await waitFor(() => expect(fake.callsTo(SUMMARY).length).toBeGreaterThanOrEqual(2));
  });

  it("sends no note when none is written", async () => {
    const { user, fake } = await openInbox(page([openAlert()]), page([]));
    fake.on(ACK, json(200, openAlert({ ackAt: at(0), ackBy: "刘敏" })));

    await user.click(within(await rowWith("GD20260110000005")).getByRole("button", { name: "已知悉" }));
    await user.click(within(await modal("确认已知悉")).getByRole("button", { name: "确认" }));
    await waitFor(() => expect(fake.callsTo(ACK)).toHaveLength(1));
    expect(fake.callsTo(ACK)[0].body).toEqual({});
    expect(await screen.findByText("已确认")).toBeTruthy();
  });

  it("when someone else was first (409), shows the server's message with who did it and the row as it is now", async () => {
    const { user, fake } = await openInbox(
      page([openAlert()]),
      page([openAlert({ ackAt: at(-1), ackBy: "张三", ackNote: null })]),
    );
    fake.on(ACK, apiError(409, "ALERT_ALREADY_ACKED", "该提醒已由他人处理", { ackBy: "张三", ackAt: at(-1) }));

    await user.click(within(await rowWith("GD20260110000005")).getByRole("button", { name: "已知悉" }));
    await user.click(within(await modal("确认已知悉")).getByRole("button", { name: "确认" }));

    expect(await screen.findByText("该提醒已由他人处理（张三 于 01-10 14:59 确认）")).toBeTruthy();
    expect(screen.queryByText("已确认")).toBeNull();
    await waitFor(async () =>
      expect((await rowWith("GD20260110000005")).textContent).toContain("张三 于 01-10 14:59 确认"),
    );
    expect(fake.callsTo(LIST)).toHaveLength(2);
    await waitFor(() => expect(document.querySelector(".ant-modal")).toBeNull());
  });

  it("is refused to roles without the inbox, without asking the server", async () => {
    const { fake } = renderApp("/alerts");
    signedInAs(fake, staffWith("dispatcher"));
    expect(await screen.findByText("没有权限")).toBeTruthy();
    expect(fake.calls.filter((c) => c.path !== "/api/v1/staff/me")).toHaveLength(0);
  });
});

describe("formatSpan", () => {
  it("says how long in hours and minutes", () => {
    expect(formatSpan(30_000)).toBe("不足1分钟");
    expect(formatSpan(25 * 60_000)).toBe("25分钟");
    expect(formatSpan(65 * 60_000)).toBe("1小时5分");
    expect(formatSpan(120 * 60_000)).toBe("2小时");
    expect(formatSpan((27 * 60 + 3) * 60_000)).toBe("1天3小时3分");
  });
});

import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReminderView } from "@warmline/shared";
import { describe, expect, it } from "vitest";
import { modal } from "../test/antd";
import { apiError, json } from "../test/fakeFetch";
import { account, openBills, signedInAs, staffWith } from "../test/fixtures";
import { renderApp } from "../test/renderApp";

/** The account page's 催缴记录 tab: every reminder as evidence, 发送提醒, and 不宜催缴. */

const LIST = "GET /api/v1/staff/accounts/42/reminders";
const STATE = "GET /api/v1/staff/accounts/42/reminder-state";
const SLOW = { timeout: 15_000 };

const TEXT =
  "您的供热户号1000234567自2024-2025供热季起欠缴供热费，截至2026年12月3日共计¥3,785.95（含滞纳金¥123.45），滞纳金按日累计，请尽快缴清。";

function reminder(over: Partial<ReminderView> = {}): ReminderView {
  return {
    id: 301,
    campaignId: 12,
    accountId: 42,
    stepKey: "overdue_30",
    seasonCode: "2024-2025",
    grade: "overdue",
    soft: false,
    chain: ["subscribe", "sms", "visit_task"],
    template: "overdue",
    status: "sent",
    channel: "sms",
    text: TEXT,
    vendorMessageId: "BIZ-900117",
    owedFen: 378595,
    suppressionReason: null,
    failureReason: null,
    plannedAt: "2026-12-03T01:00:00.000Z",
    sentAt: "2026-12-03T01:00:05.000Z",
    finishedAt: "2026-12-03T01:00:05.000Z",
    attempts: [
      {
        channel: "subscribe",
        outcome: "skipped",
        detail: "无剩余订阅授权",
        vendorMessageId: null,
        at: "2026-12-03T01:00:04.000Z",
      },
      {
        channel: "sms",
        outcome: "accepted",
        detail: null,
        vendorMessageId: "BIZ-900117",
        at: "2026-12-03T01:00:05.000Z",
      },
    ],
    ...over,
  };
}

const suppressed = reminder({
  id: 300,
  stepKey: "notice_15",
  template: "due",
  grade: "notice",
  status: "suppressed",
  channel: null,
  text: null,
  vendorMessageId: null,
  suppressionReason: "paid",
  sentAt: null,
  attempts: [],
});

const page = (...items: ReminderView[]) => json(200, { items, total: items.length, page: 1, pageSize: 10 });
/** a fresh answer each time (a Response body reads once) */
const noHold = () => json(200, { hold: null, smsOptedOut: false });

function accountPage(role: Parameters<typeof staffWith>[0]) {
  const { fake } = renderApp("/accounts/42");
  signedInAs(fake, staffWith(role));
  fake.on(
    "GET /api/v1/staff/alerts/summary",
    ...Array.from({ length: 5 }, () => json(200, { open: 0, latestAt: null })),
  );
  fake.on("GET /api/v1/staff/accounts/42", json(200, account));
  fake.on("GET /api/v1/staff/accounts/42/bills", json(200, { items: openBills, totalOwedFen: 378595 }));
  fake.on("GET /api/v1/staff/accounts/42/payments", json(200, { items: [] }));
  return fake;
}

async function openTab(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByRole("tab", { name: "催缴记录" }, SLOW));
  return waitFor(() => {
    const el = document.querySelector(".account-reminders");
    if (!el) throw new Error("no tab");
    return el as HTMLElement;
  }, SLOW);
}

describe("account page: 催缴记录", () => {
  it("lists every reminder with status, channel, template, text, vendor id, times and the suppression reason; loads only when opened", async () => {
    const user = userEvent.setup();
    const fake = accountPage("hotline_agent");
    fake.on(LIST, page(reminder(), suppressed));
    fake.on(STATE, json(200, { hold: null, smsOptedOut: true }));
    await screen.findByRole("tab", { name: "催缴记录" }, SLOW);
    expect(fake.callsTo(LIST)).toHaveLength(0);

    const tab = await openTab(user);
    const rows = await waitFor(() => {
      const r = [...tab.querySelectorAll("tr.ant-table-row")] as HTMLElement[];
      if (r.length !== 2) throw new Error("not loaded");
      return r;
    }, SLOW);
    const [sent, stopped] = rows as [HTMLElement, HTMLElement];
    expect(within(sent).getByText("已发送")).toBeTruthy();
    expect(sent.textContent).toContain("短信");
    expect(sent.textContent).toContain("小程序订阅消息 → 短信 → 网格员走访任务");
    expect(sent.textContent).toContain("逾期催缴");
    expect(sent.textContent).toContain("催缴");
    expect(sent.textContent).toContain(TEXT);
    expect(sent.textContent).toContain("BIZ-900117");
    expect(sent.textContent).toContain("计划 2026-12-03 09:00:00");
    expect(sent.textContent).toContain("发送 2026-12-03 09:00:05");
    expect(sent.textContent).toContain("应缴 ¥3,785.95");
    expect(within(stopped).getByText("已拦截")).toBeTruthy();
    expect(stopped.textContent).toContain("已缴清（发送前复核）");
    expect(within(tab).getByText("该户手机号已退订催缴短信")).toBeTruthy();
    // a hotline agent sends, but does not mark 不宜催缴
    expect(within(tab).getByRole("button", { name: /发送提醒/ })).toBeTruthy();
    expect(within(tab).queryByRole("button", { name: /不宜催缴/ })).toBeNull();

    // the attempts behind a reminder
    await user.click(within(sent).getByRole("button", { name: /展开|expand/i }));
    const attempts = await waitFor(() => {
      const el = tab.querySelector(".reminder-attempts");
      if (!el) throw new Error("no attempts");
      return el as HTMLElement;
    });
    expect(attempts.textContent).toContain("小程序订阅消息 · 跳过 · 无剩余订阅授权");
    expect(attempts.textContent).toContain("短信 · 平台已受理 · BIZ-900117");
  }, 40_000);

  it("发送提醒 sends one reminder with the note; a refusal shows the server's message", async () => {
    const user = userEvent.setup();
    const fake = accountPage("supervisor");
    fake.on(LIST, page(), page(reminder({ id: 305, status: "sent" })), page(reminder({ id: 305 })));
    fake.on(STATE, noHold(), noHold());
    fake.on(
      "POST /api/v1/staff/accounts/42/reminders",
      json(201, reminder({ id: 305, status: "planned", channel: null, sentAt: null })),
      apiError(409, "REMINDER_ALREADY_TODAY", "今天已给该户发过一条单户提醒，请勿重复发送"),
    );
    const tab = await openTab(user);
    await within(tab).findByText("暂无催缴提醒记录", undefined, SLOW);

    await user.click(within(tab).getByRole("button", { name: /发送提醒/ }));
    let dialog = await modal("发送欠费提醒");
    await user.type(within(dialog).getByLabelText("备注（选填）"), "居民来电要求");
    await user.click(within(dialog).getByRole("button", { name: /发\s?送/ }));
    await waitFor(() => expect(fake.callsTo("POST /api/v1/staff/accounts/42/reminders")).toHaveLength(1));
    expect(fake.callsTo("POST /api/v1/staff/accounts/42/reminders")[0]?.body).toEqual({ note: "居民来电要求" });
    expect(await screen.findByText(/提醒已排入发送/)).toBeTruthy();
    // the list is asked for again and shows it
    await waitFor(() => expect(within(tab).getByText("BIZ-900117")).toBeTruthy(), SLOW);

    await user.click(within(tab).getByRole("button", { name: /发送提醒/ }));
    dialog = await modal("发送欠费提醒");
    await user.click(within(dialog).getByRole("button", { name: /发\s?送/ }));
    expect(await screen.findByText("今天已给该户发过一条单户提醒，请勿重复发送")).toBeTruthy();
  }, 40_000);

  it("a supervisor marks 不宜催缴 with a reason and lifts it again", async () => {
    const user = userEvent.setup();
    const fake = accountPage("supervisor");
    const hold = {
      id: 4,
      accountId: 42,
      reason: "家中老人新丧",
      createdBy: 7,
      createdAt: "2026-12-03T03:00:00.000Z",
      releasedAt: null,
      releasedBy: null,
      releaseReason: null,
    };
    fake.on(LIST, page(suppressed));
    fake.on(STATE, noHold(), json(200, { hold, smsOptedOut: false }), noHold());
    fake.on("POST /api/v1/staff/accounts/42/reminder-hold", json(200, { hold, smsOptedOut: false }));
    fake.on("POST /api/v1/staff/accounts/42/reminder-hold/release", json(200, { hold: null, smsOptedOut: false }));
    const tab = await openTab(user);

    await user.click(await within(tab).findByRole("button", { name: /标记不宜催缴/ }, SLOW));
    let dialog = await modal("标记不宜催缴");
    // a reason is required
    await user.click(within(dialog).getByRole("button", { name: /标\s?记/ }));
    expect(await within(dialog).findByText("请填写原因")).toBeTruthy();
    expect(fake.callsTo("POST /api/v1/staff/accounts/42/reminder-hold")).toHaveLength(0);
    await user.type(within(dialog).getByLabelText("原因"), "家中老人新丧");
    await user.click(within(dialog).getByRole("button", { name: /标\s?记/ }));
    await waitFor(() =>
      expect(fake.callsTo("POST /api/v1/staff/accounts/42/reminder-hold")[0]?.body).toEqual({ reason: "家中老人新丧" }),
    );
    expect(await within(tab).findByText("已标记不宜催缴：家中老人新丧")).toBeTruthy();

    await user.click(within(tab).getByRole("button", { name: /解除不宜催缴/ }));
    dialog = await modal("解除不宜催缴");
    await user.type(within(dialog).getByLabelText("原因"), "已过百日，家属同意");
    await user.click(within(dialog).getByRole("button", { name: /解\s?除/ }));
    await waitFor(() =>
      expect(fake.callsTo("POST /api/v1/staff/accounts/42/reminder-hold/release")[0]?.body).toEqual({
        reason: "已过百日，家属同意",
      }),
    );
    await waitFor(() => expect(within(tab).queryByText(/已标记不宜催缴/)).toBeNull());
  }, 40_000);

  it("a cashier has no 催缴记录 tab", async () => {
    accountPage("cashier");
    await screen.findByRole("tab", { name: "困难缓缴/分期" }, SLOW);
    expect(screen.queryByRole("tab", { name: "催缴记录" })).toBeNull();
  }, 40_000);
});

import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { apiError, json } from "../test/fakeFetch";
import { signedInAs, staffWith, ticketDetail, ticketSummary } from "../test/fixtures";
import { renderApp } from "../test/renderApp";

const QUEUE = "GET /api/v1/staff/tickets";
const FOLLOW_UP = "POST /api/v1/staff/tickets/5/follow-up";
const page = (items: unknown[]) => json(200, { items, total: items.length, page: 1, pageSize: 10 });
const labelOf = (radio: HTMLElement) => radio.closest("label") as HTMLElement;

describe("回访队列", () => {
  it("lists resolved tickets with the follow-up script and records the resident's verdict inline", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/follow-ups");
    signedInAs(fake, staffWith("hotline_agent"));
    const resolved = ticketSummary({ status: "resolved" });
    // asked again after every answer (the refusal too: someone else may have called meanwhile)
    fake.on(QUEUE, page([resolved]), page([resolved]), page([]));
    fake.on(
      FOLLOW_UP,
      apiError(409, "TICKET_BAD_STATE", "工单当前状态不能进行该操作"),
      json(200, ticketDetail({ actions: [] }, { status: "closed", satisfied: true, score: 5 })),
    );

    const card = await waitFor(() => {
      const el = document.querySelector('.follow-up-item[data-ticket-no="GD20260110000005"]');
      if (!el) throw new Error("no card yet");
      return el as HTMLElement;
    });
    expect(fake.callsTo(QUEUE)[0].url).toBe("/api/v1/staff/tickets?followUp=true&page=1&pageSize=10");
    expect(card.textContent).toContain(
      "您好，这里是民乐县供热中心回访，您反映的问题（工单GD20260110000005）现在解决了吗？对处理结果是否满意？",
    );
    for (const t of ["1000234567", "城东换热站", "17.5℃", "家里暖气不热，室温只有17度多"]) {
      expect(card.textContent, t).toContain(t);
    }

    await user.click(within(card).getByRole("button", { name: "提交回访" }));
    expect(await within(card).findByText("请选择是否解决")).toBeTruthy();
    expect(await within(card).findByText("请选择满意程度")).toBeTruthy();
    expect(await within(card).findByText("请选择评分（1–5分）")).toBeTruthy();
    expect(fake.callsTo(FOLLOW_UP)).toHaveLength(0);
    // 无法联系 waits for the missed calls the rule asks for
    expect((within(card).getByRole("radio", { name: "无法联系" }) as HTMLInputElement).disabled).toBe(true);
    expect(card.textContent).toContain("尚未记录未接通");

    // 不满意 warns that the ticket goes back for handling
    await user.click(labelOf(within(card).getByRole("radio", { name: "不满意" })));
    expect(await within(card).findByText("未解决或不满意：工单将重新处理（回到待响应，时限重新计时）")).toBeTruthy();
    await user.click(labelOf(within(card).getByRole("radio", { name: "已解决" })));
    await user.click(labelOf(within(card).getByRole("radio", { name: "基本满意" })));
    await user.click(labelOf(within(card).getByRole("radio", { name: "5分" })));
    await user.type(within(card).getByLabelText("回访记录"), "暖气已经热了");
    await user.click(within(card).getByRole("button", { name: "提交回访" }));
    expect(await within(card).findByText("工单当前状态不能进行该操作")).toBeTruthy();
    await waitFor(() => expect(fake.callsTo(QUEUE)).toHaveLength(2));

    await user.click(within(card).getByRole("button", { name: /提交回访/ }));
    await waitFor(() => expect(fake.callsTo(FOLLOW_UP)).toHaveLength(2));
    expect(fake.callsTo(FOLLOW_UP)[1].body).toEqual({
      outcome: "reached",
      solved: true,
      level: "basic",
      score: 5,
      comment: "暖气已经热了",
    });
    expect(await screen.findByText("工单 GD20260110000005 回访完成，已办结")).toBeTruthy();
    expect(await screen.findByText("没有待回访的工单")).toBeTruthy();
  }, 60_000);

  it("shows the missed calls so far; once the rule is met, 无法联系 sends only the outcome", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/follow-ups");
    signedInAs(fake, staffWith("hotline_agent"));
    const resolved = ticketSummary({
      status: "resolved",
      followUpMissed: { count: 3, days: 2, meetsRule: true },
    });
    fake.on(QUEUE, page([resolved]), page([]));
    fake.on(FOLLOW_UP, json(200, ticketDetail({ actions: [] }, { status: "closed" })));
    const card = await waitFor(() => {
      const el = document.querySelector('.follow-up-item[data-ticket-no="GD20260110000005"]');
      if (!el) throw new Error("no card yet");
      return el as HTMLElement;
    });
    expect(card.textContent).toContain("已拨打 3 次未接通（2 天）");
    await user.click(labelOf(within(card).getByRole("radio", { name: "无法联系" })));
    expect(await within(card).findByText(/处理结果将以短信发送至联系电话/)).toBeTruthy();
    expect(within(card).queryByRole("radio", { name: "已解决" })).toBeNull();
    await user.click(within(card).getByRole("button", { name: "提交回访" }));
    await waitFor(() => expect(fake.callsTo(FOLLOW_UP)).toHaveLength(1));
    expect(fake.callsTo(FOLLOW_UP)[0].body).toEqual({ outcome: "unreachable" });
    expect(await screen.findByText("工单 GD20260110000005 已按无法联系办结，处理结果已短信告知")).toBeTruthy();
  }, 60_000);

  it("shows the contact phone masked; one click reveals it (no reason asked) with a 拨打 link", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/follow-ups");
    signedInAs(fake, staffWith("hotline_agent"));
    fake.on(QUEUE, page([ticketSummary({ status: "resolved", contactPhone: "093*********" })]));
    const REVEAL = "POST /api/v1/staff/tickets/5/contact-phone";
    fake.on(REVEAL, json(200, { ticketId: 5, phone: "0936-4466666" }));

    const card = await waitFor(() => {
      const el = document.querySelector('.follow-up-item[data-ticket-no="GD20260110000005"]');
      if (!el) throw new Error("no card yet");
      return el as HTMLElement;
    });
    expect(card.textContent).toContain("093*********");
    expect(within(card).queryByRole("link", { name: /拨打/ })).toBeNull();
    await user.click(within(card).getByRole("button", { name: /查看完整号码/ }));
    const call = await within(card).findByRole("link", { name: /拨打/ });
    expect(call.getAttribute("href")).toBe("tel:09364466666");
    expect(card.textContent).toContain("0936-4466666");
    expect(fake.callsTo(REVEAL)).toHaveLength(1);
    expect(screen.queryByRole("dialog")).toBeNull();
  }, 60_000);
});

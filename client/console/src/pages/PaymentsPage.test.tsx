import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { RefundView } from "@warmline/shared";
import { describe, expect, it } from "vitest";
import { apiError, json } from "../test/fakeFetch";
import { payment, signedInAs, staffWith } from "../test/fixtures";
import { modal, paymentDrawer as drawer, rowWith as row } from "../test/antd";
import { renderApp } from "../test/renderApp";

const SEARCH = "GET /api/v1/staff/payments";
const REFUNDS = "GET /api/v1/staff/payments/900/refunds";
const REFUND = "POST /api/v1/staff/payments/900/refunds";
const page = (items: unknown[], total = items.length) => json(200, { items, total, page: 1, pageSize: 20 });

function refund(over: Partial<RefundView> = {}): RefundView {
  return {
    id: 31,
    paymentOrderId: 900,
    outRefundNo: "RF20260111090000000001",
    amountFen: 100000,
    status: "succeeded",
    reason: "重复缴费退回",
    staffUserId: 7,
    createdAt: "2026-01-11T01:00:00.000Z",
    finishedAt: "2026-01-11T01:00:05.000Z",
    ...over,
  };
}

/** ¥3,785.95 paid by WeChat, ¥1,000.00 of it refunded already: ¥2,785.95 may still be refunded. */
const wechat = payment({
  channel: "wechat",
  receiptNo: null,
  transactionId: "4200001234202601101234567890",
  refundedFen: 100000,
  invoiceId: 70,
  invoiceStatus: "issued",
});
const flagged = payment({
  id: 901,
  outTradeNo: "WL20260110160000999999",
  channel: "alipay",
  amountFen: 50000,
  flagged: true,
  flagReason: "订单关闭后到账",
  unappliedFen: 50000,
  allocations: [],
});

describe("缴费查询", () => {
  it("searches by the one box and lists payments with refunded amount, status and the flag", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/payments");
    signedInAs(fake, staffWith("cashier"));
    fake.on(SEARCH, page([]), page([wechat, flagged], 2));

    await waitFor(() => expect(fake.callsTo(SEARCH)).toHaveLength(1));
    expect(fake.callsTo(SEARCH)[0].url).toBe("/api/v1/staff/payments?page=1&pageSize=20");
    await user.type(document.getElementById("payment-search") as HTMLElement, "1000234567");
    await user.click(screen.getByRole("button", { name: "查询" }));

    const first = await row("WL20260110153000123456");
    expect(fake.callsTo(SEARCH)[1].url).toBe("/api/v1/staff/payments?q=1000234567&page=1&pageSize=20");
    for (const t of ["2026-01-10 15:30:00", "1000234567", "微信支付", "¥3,785.95", "¥1,000.00", "已支付"]) {
      expect(within(first).getByText(t), t).toBeTruthy();
    }
    expect(within(first).queryByText("异常")).toBeNull();
    const second = await row("WL20260110160000999999");
    expect(within(second).getByText("支付宝")).toBeTruthy();
    expect(within(second).getByText("异常")).toBeTruthy();
    expect(screen.getByText("共 2 笔")).toBeTruthy();
  });

  it("shows a cashier the allocations and refunds of a payment, but no 退款 button", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/payments?q=1000234567");
    signedInAs(fake, staffWith("cashier"));
    fake.on(SEARCH, page([wechat]));
    fake.on(REFUNDS, json(200, { items: [refund()] }));

    await user.click(await row("WL20260110153000123456"));
    const d = await drawer();
    const allocations = d.querySelector(".allocation-table") as HTMLElement;
    expect(within(allocations).getByText("2024-2025")).toBeTruthy();
    expect(within(allocations).getByText("¥1,623.45")).toBeTruthy(); // ¥1,500.00 本金 + ¥123.45 滞纳金
    const refunds = await waitFor(() => {
      const el = d.querySelector(".refund-table") as HTMLElement;
      if (!el.textContent?.includes("重复缴费退回")) throw new Error("no refunds yet");
      return el;
    });
    expect(within(refunds).getByText("已退款")).toBeTruthy();
    expect(within(d).getByText("¥2,785.95")).toBeTruthy(); // 可退金额
    expect(within(d).getByText("4200001234202601101234567890")).toBeTruthy();
    expect(within(d).queryByRole("button", { name: /退款/ })).toBeNull();
    expect(screen.queryByRole("button", { name: /退款/ })).toBeNull();
    // its invoice, with a link to it on 发票管理
    expect(within(d).getByText("电子发票")).toBeTruthy();
    expect(within(d).getByText("已开具")).toBeTruthy();
    await user.click(within(d).getByRole("link", { name: "查看发票" }));
    await waitFor(() => expect(screen.getByTestId("location").textContent).toBe("/invoices"));
  });

  it("lets a supervisor refund: checks the amount in 元, shows REFUND_TOO_LARGE on the amount, then refunds", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/payments?q=1000234567");
    signedInAs(fake, staffWith("supervisor"));
    const after = { ...wechat, refundedFen: 105000 };
    // the list: shown, after the refused refund, after the refund; then once the vendor confirmed it,
    // the list again and the payment looked up by its order number
    fake.on(SEARCH, page([wechat]), page([wechat]), page([after]), page([after]), page([after]));
    fake.on(
      REFUNDS,
      json(200, { items: [refund()] }),
      json(200, { items: [refund()] }),
      json(200, {
        items: [refund({ id: 32, amountFen: 5000, status: "processing", reason: "多缴部分退回" }), refund()],
      }),
      json(200, { items: [refund({ id: 32, amountFen: 5000, reason: "多缴部分退回" }), refund()] }),
    );
    fake.on(
      REFUND,
      apiError(400, "REFUND_TOO_LARGE", "退款金额超过可退金额", { refundableFen: 5000 }),
      json(201, refund({ id: 32, amountFen: 5000, status: "processing", reason: "多缴部分退回", finishedAt: null })),
    );

    await user.click(await row("WL20260110153000123456"));
    const d = await drawer();
    await user.click(within(d).getByRole("button", { name: /退款/ }));
    const dialog = await modal("退款");
    const amount = document.getElementById("refund-amount") as HTMLInputElement;
    // defaults to what may still be refunded: ¥3,785.95 − ¥1,000.00
    expect(amount.value).toBe("2785.95");
    const submit = () => user.click(within(dialog).getByRole("button", { name: "确认退款" }));

    // more than refundable, more than two decimals, nothing, and too short a reason are refused here
    await user.clear(amount);
    await user.type(amount, "2785.96");
    await user.type(within(dialog).getByLabelText("退款原因"), "多缴");
    await submit();
    expect(await within(dialog).findByText("不能超过可退金额 ¥2,785.95")).toBeTruthy();
    expect(within(dialog).getByText("请填写退款原因（至少4个字）")).toBeTruthy();
    await user.clear(amount);
    await user.type(amount, "12.345");
    await submit();
    expect(await within(dialog).findByText("金额格式有误，应为数字，最多两位小数")).toBeTruthy();
    await user.clear(amount);
    await user.type(amount, "0");
    await submit();
    expect(await within(dialog).findByText("金额应大于 0")).toBeTruthy();
    expect(fake.callsTo(REFUND)).toHaveLength(0);

    // the server's REFUND_TOO_LARGE is shown on the amount, with what it will still refund
    await user.clear(amount);
    await user.type(amount, "100.5");
    await user.type(within(dialog).getByLabelText("退款原因"), "部分退回");
    await submit();
    const tooLarge = await within(dialog).findByText("退款金额超过可退金额（当前可退 ¥50.00）");
    expect(tooLarge.closest(".ant-form-item")?.querySelector("#refund-amount")).toBeTruthy();
    expect(fake.callsTo(REFUND)[0].body).toEqual({ amountFen: 10050, reason: "多缴部分退回" });

    await user.clear(amount);
    await user.type(amount, "50");
    await submit();
    await waitFor(() => expect(fake.callsTo(REFUND)).toHaveLength(2));
    expect(fake.callsTo(REFUND)[1].body).toEqual({ amountFen: 5000, reason: "多缴部分退回" });
    expect(await screen.findByText("退款 ¥50.00 已提交，渠道处理中")).toBeTruthy();
    await waitFor(() => expect(document.getElementById("refund-amount")).toBeNull());
    // the drawer follows the refreshed payment and its refunds
    expect(await within(d).findByText("退款中")).toBeTruthy();
    expect(await within(d).findByText("¥2,735.95")).toBeTruthy();
    // opened again, the form starts afresh from what is refundable now
    await user.click(within(d).getByRole("button", { name: /退款/ }));
    await modal("退款");
    expect((document.getElementById("refund-amount") as HTMLInputElement).value).toBe("2735.95");
    expect((within(await modal("退款")).getByLabelText("退款原因") as HTMLTextAreaElement).value).toBe("");
    await user.click(within(await modal("退款")).getByRole("button", { name: "取消" }));

    // 退款中 is asked again until the vendor confirms it; then the payment is looked up afresh
    const refunds = d.querySelector(".refund-table") as HTMLElement;
    await waitFor(() => expect(within(refunds).getAllByText("已退款")).toHaveLength(2), { timeout: 6000 });
    await waitFor(() =>
      expect(fake.calls.map((c) => c.url)).toContain(
        "/api/v1/staff/payments?q=WL20260110153000123456&page=1&pageSize=5",
      ),
    );
    expect(fake.callsTo(REFUNDS)).toHaveLength(4);
  });

  it("does not offer 退款 for a payment already refunded in full", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/payments?q=1000234567");
    signedInAs(fake, staffWith("admin"));
    fake.on(SEARCH, page([{ ...wechat, refundedFen: wechat.amountFen }]));
    fake.on(REFUNDS, json(200, { items: [refund({ amountFen: wechat.amountFen })] }));
    await user.click(await row("WL20260110153000123456"));
    const d = await drawer();
    const button = within(d).getByRole("button", { name: /退款/ }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
  });

  it("退款: a refusal above the form goes once the amount or the reason is edited", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/payments?q=1000234567");
    signedInAs(fake, staffWith("supervisor"));
    fake.on(SEARCH, page([wechat]), page([wechat]), page([wechat]));
    fake.on(
      REFUNDS,
      json(200, { items: [refund()] }),
      json(200, { items: [refund()] }),
      json(200, { items: [refund()] }),
    );
    fake.on(REFUND, apiError(409, "REFUND_IN_PROGRESS", "该笔缴费有退款正在处理，请稍后再试"));

    await user.click(await row("WL20260110153000123456"));
    const d = await drawer();
    await user.click(within(d).getByRole("button", { name: /退款/ }));
    const dialog = await modal("退款");
    await user.type(within(dialog).getByLabelText("退款原因"), "重复缴费退回");
    await user.click(within(dialog).getByRole("button", { name: "确认退款" }));
    expect(await within(dialog).findByText("该笔缴费有退款正在处理，请稍后再试")).toBeTruthy();
    await user.type(within(dialog).getByLabelText("退款原因"), "（居民申请）");
    await waitFor(() => expect(within(dialog).queryByText("该笔缴费有退款正在处理，请稍后再试")).toBeNull());
    expect(fake.callsTo(REFUND)).toHaveLength(1);
  });
});

import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { modal, paymentDrawer, rowWith } from "../test/antd";
import { apiError, json } from "../test/fakeFetch";
import { payment, signedInAs, staffWith } from "../test/fixtures";
import { renderApp } from "../test/renderApp";

const QUEUE = "GET /api/v1/staff/payments";
const RESOLVE = "POST /api/v1/staff/payments/901/resolve-flag";
const REFUNDS = "GET /api/v1/staff/payments/901/refunds";
const page = (items: unknown[], total = items.length) => json(200, { items, total, page: 1, pageSize: 20 });

/** ¥500.00 that arrived after its order had closed: nothing of it applied yet. */
const late = payment({
  id: 901,
  outTradeNo: "WL20260110160000999999",
  channel: "alipay",
  amountFen: 50000,
  receiptNo: null,
  transactionId: "2026011022001400000000000001",
  flagged: true,
  flagReason: "订单关闭后到账",
  unappliedFen: 50000,
  allocations: [],
});
const allocated = {
  ...late,
  flagged: false,
  flagReason: null,
  unappliedFen: 0,
  allocations: [{ billId: 502, seasonCode: "2025-2026", principalFen: 50000, lateFeeFen: 0 }],
};

describe("异常款项", () => {
  it("lists paid, flagged money with its reason and unapplied amount", async () => {
    const { fake } = renderApp("/payments/flagged");
    signedInAs(fake, staffWith("cashier"));
    fake.on(QUEUE, page([late]));
    const row = await rowWith("WL20260110160000999999");
    expect(fake.callsTo(QUEUE)[0].url).toBe("/api/v1/staff/payments?flagged=true&status=paid&page=1&pageSize=20");
    for (const t of ["订单关闭后到账", "支付宝", "1000234567"]) expect(within(row).getByText(t), t).toBeTruthy();
    expect(within(row).getAllByText("¥500.00")).toHaveLength(2); // amount and unapplied
    expect(screen.getByText("待处理 1 笔")).toBeTruthy();
    // the menu marks this desk, not 缴费查询
    const selected = document.querySelector(".ant-menu-item-selected");
    expect(selected?.textContent).toContain("异常款项");
  });

  it("a supervisor allocates it to the open bills with a reason; FLAG_NOT_OPEN is shown in the dialog", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/payments/flagged");
    signedInAs(fake, staffWith("supervisor"));
    fake.on(QUEUE, page([late]), page([late]), page([]));
    fake.on(REFUNDS, json(200, { items: [] }), json(200, { items: [] }), json(200, { items: [] }));
    fake.on(RESOLVE, apiError(409, "FLAG_NOT_OPEN", "该笔支付没有待处理的款项"), json(200, allocated));

    const row = await rowWith("WL20260110160000999999");
    await user.click(within(row).getByRole("button", { name: "处理" }));
    const d = await paymentDrawer();
    expect(within(d).getByText("异常款项：订单关闭后到账")).toBeTruthy();
    expect(within(d).getByText("未分配到账单")).toBeTruthy();
    await user.click(within(d).getByRole("button", { name: /处理异常款/ }));
    const dialog = await modal("处理异常款");
    const submit = () => user.click(within(dialog).getByRole("button", { name: "确认处理" }));

    // an action and a reason of four characters are needed
    await user.type(within(dialog).getByLabelText("处理说明"), "核实");
    await submit();
    expect(await within(dialog).findByText("请选择处理方式")).toBeTruthy();
    expect(await within(dialog).findByText("请填写处理说明（至少4个字）")).toBeTruthy();
    expect(fake.callsTo(RESOLVE)).toHaveLength(0);

    await user.click(within(dialog).getByLabelText(/分配到该户欠费账单/));
    await user.type(within(dialog).getByLabelText("处理说明"), "电话已核实");
    await submit();
    expect(await within(dialog).findByText("该笔支付没有待处理的款项")).toBeTruthy();
    expect(fake.callsTo(RESOLVE)[0].body).toEqual({ action: "allocate", reason: "核实电话已核实" });

    await submit();
    await waitFor(() => expect(fake.callsTo(RESOLVE)).toHaveLength(2));
    expect(await screen.findByText("已分配到欠费账单")).toBeTruthy();
    // the drawer shows the answer: applied to 2025-2026, no longer flagged; the queue is empty now
    await waitFor(() => expect(within(d).queryByText("异常款项：订单关闭后到账")).toBeNull());
    expect(within(d.querySelector(".allocation-table") as HTMLElement).getByText("2025-2026")).toBeTruthy();
    expect(within(d).queryByRole("button", { name: /处理异常款/ })).toBeNull();
    expect(await screen.findByText("没有待处理的异常款项")).toBeTruthy();
  });

  it("refunds the unapplied money; the flag clears once the vendor confirms the refund", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/payments/flagged");
    signedInAs(fake, staffWith("admin"));
    const refunded = { ...late, flagged: false, flagReason: null, unappliedFen: 0, refundedFen: 50000 };
    // the queue: shown, after the resolve, after the vendor confirmed; then the payment by its order number
    fake.on(QUEUE, page([late]), page([late]), page([]), page([refunded]));
    const back = (status: string) => ({
      id: 40,
      paymentOrderId: 901,
      outRefundNo: "RF20260111090000000040",
      amountFen: 50000,
      status,
      reason: "居民要求退回",
      staffUserId: 7,
      createdAt: "2026-01-11T01:00:00.000Z",
      finishedAt: status === "processing" ? null : "2026-01-11T01:00:03.000Z",
    });
    fake.on(
      REFUNDS,
      json(200, { items: [] }),
      json(200, { items: [back("processing")] }),
      json(200, { items: [back("succeeded")] }),
    );
    // the server answers at once: refund under way, still flagged until the vendor confirms
    fake.on(RESOLVE, json(200, { ...late, refundedFen: 50000 }));

    await user.click(await rowWith("WL20260110160000999999"));
    const d = await paymentDrawer();
    await user.click(within(d).getByRole("button", { name: /处理异常款/ }));
    const dialog = await modal("处理异常款");
    await user.click(within(dialog).getByLabelText("原路退回 ¥500.00"));
    await user.type(within(dialog).getByLabelText("处理说明"), "居民要求退回");
    await user.click(within(dialog).getByRole("button", { name: "确认处理" }));
    await waitFor(() => expect(fake.callsTo(RESOLVE)).toHaveLength(1));
    expect(fake.callsTo(RESOLVE)[0].body).toEqual({ action: "refund", reason: "居民要求退回" });
    expect(await screen.findByText("已提交原路退回")).toBeTruthy();

    // while the refund is with the vendor it cannot be handled twice
    expect(await within(d).findByText("退款中")).toBeTruthy();
    expect(within(d).getByText(/退款处理中，渠道确认后自动解除异常/)).toBeTruthy();
    expect((within(d).getByRole("button", { name: /处理异常款/ }) as HTMLButtonElement).disabled).toBe(true);

    // confirmed: the drawer and the queue follow
    expect(await within(d).findByText("已退款", {}, { timeout: 6000 })).toBeTruthy();
    await waitFor(() => expect(within(d).queryByText("异常款项：订单关闭后到账")).toBeNull());
    expect(within(d).queryByRole("button", { name: /处理异常款/ })).toBeNull();
    expect(await screen.findByText("没有待处理的异常款项")).toBeTruthy();
    expect(fake.callsTo(QUEUE).map((c) => c.url)).toContain(
      "/api/v1/staff/payments?q=WL20260110160000999999&page=1&pageSize=5",
    );
  });

  it("a cashier sees the queue but cannot act on it", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/payments/flagged");
    signedInAs(fake, staffWith("cashier"));
    fake.on(QUEUE, page([late]));
    fake.on(REFUNDS, json(200, { items: [] }));
    const row = await rowWith("WL20260110160000999999");
    await user.click(within(row).getByRole("button", { name: "详情" }));
    const d = await paymentDrawer();
    expect(within(d).getByText(/请联系专班主管处理/)).toBeTruthy();
    expect(within(d).queryByRole("button", { name: /处理异常款/ })).toBeNull();
    expect(within(d).queryByRole("button", { name: /退款/ })).toBeNull();
  });
});

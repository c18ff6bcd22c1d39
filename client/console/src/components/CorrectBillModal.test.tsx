import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { apiError, json } from "../test/fakeFetch";
import { account, openBills, signedInAs, staffWith } from "../test/fixtures";
import { renderApp } from "../test/renderApp";

const DETAIL = "GET /api/v1/staff/accounts/42";
const BILLS = "GET /api/v1/staff/accounts/42/bills";
const PAYMENTS = "GET /api/v1/staff/accounts/42/payments";
const CORRECTIONS = "GET /api/v1/staff/accounts/42/bill-corrections";
const CORRECT = "POST /api/v1/staff/bills/502/correct";

const correction = {
  id: 7,
  billId: 502,
  seasonCode: "2025-2026",
  oldArea: 86.5,
  newArea: 80,
  oldAmountFen: 216250,
  newAmountFen: 200000,
  oldLateFeeFen: 0,
  newLateFeeFen: 0,
  reason: "入户实测面积与登记不符",
  staffName: "李主管",
  createdAt: "2026-01-10T02:00:00.000Z",
};

describe("bill correction (更正面积)", () => {
  it("a supervisor corrects an issued bill's area with a reason and sees it in the history", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/accounts/42");
    signedInAs(fake, staffWith("supervisor"));
    fake.on(DETAIL, json(200, account));
    const corrected = { ...openBills[1], heatedArea: 80, amountFen: 200000, owedFen: 200000 };
    const list = { items: openBills, totalOwedFen: 378595 };
    fake.on(BILLS, json(200, list), json(200, { items: [openBills[0], corrected], totalOwedFen: 362345 }));
    fake.on(PAYMENTS, json(200, { items: [] }), json(200, { items: [] }));
    fake.on(CORRECTIONS, json(200, { items: [] }), json(200, { items: [correction] }));
    fake.on(
      CORRECT,
      apiError(409, "BILL_CORRECTION_BELOW_SETTLED", "更正后的金额低于已缴或已减免的本金"),
      json(200, corrected),
    );

    const table = await waitFor(
      () => {
        const el = document.querySelector(".bill-table");
        if (!el?.textContent?.includes("2025-2026")) throw new Error("no bills yet");
        return el as HTMLElement;
      },
      { timeout: 10_000 },
    );
    const actions = within(table).getAllByRole("button", { name: "更正面积" });
    expect(actions).toHaveLength(2);
    await user.click(actions[1]);
    const dialog = await screen.findByRole("dialog");
    expect(within(dialog).getByText("86.50 ㎡")).toBeTruthy();

    // the same area, three decimals and a short reason are refused here
    await user.type(within(dialog).getByLabelText("更正后供热面积（㎡）"), "86.5");
    await user.type(within(dialog).getByLabelText("更正原因"), "有误");
    await user.click(within(dialog).getByRole("button", { name: "确认更正" }));
    expect(await within(dialog).findByText("与账单面积相同")).toBeTruthy();
    expect(await within(dialog).findByText("请填写更正原因（至少4个字）")).toBeTruthy();
    await user.clear(within(dialog).getByLabelText("更正后供热面积（㎡）"));
    await user.type(within(dialog).getByLabelText("更正后供热面积（㎡）"), "80.125");
    expect(await within(dialog).findByText("请填写大于0的面积，最多两位小数")).toBeTruthy();
    expect(fake.callsTo(CORRECT)).toHaveLength(0);

    await user.clear(within(dialog).getByLabelText("更正后供热面积（㎡）"));
    await user.type(within(dialog).getByLabelText("更正后供热面积（㎡）"), "80");
    // 80 ㎡ × ¥25.00 previewed before sending
    expect(await within(dialog).findByText("¥2,000.00")).toBeTruthy();
    await user.clear(within(dialog).getByLabelText("更正原因"));
    await user.type(within(dialog).getByLabelText("更正原因"), "入户实测面积与登记不符");
    await user.click(within(dialog).getByRole("button", { name: "确认更正" }));
    expect(await within(dialog).findByText("更正后的金额低于已缴或已减免的本金")).toBeTruthy();
    await user.click(within(dialog).getByRole("button", { name: "确认更正" }));
    await waitFor(() => expect(fake.callsTo(CORRECT)).toHaveLength(2));
    expect(fake.callsTo(CORRECT)[1].body).toEqual({ heatedArea: 80, reason: "入户实测面积与登记不符" });

    const history = await waitFor(() => {
      const el = document.querySelector(".bill-corrections");
      if (!el) throw new Error("no history yet");
      return el as HTMLElement;
    });
    expect(within(history).getByText("86.50 → 80.00")).toBeTruthy();
    expect(within(history).getByText("¥2,162.50 → ¥2,000.00")).toBeTruthy();
    expect(within(history).getByText("李主管")).toBeTruthy();
  });

  it("other roles see no 更正面积", async () => {
    const { fake } = renderApp("/accounts/42");
    signedInAs(fake, staffWith("cashier"));
    fake.on(DETAIL, json(200, account));
    fake.on(BILLS, json(200, { items: openBills, totalOwedFen: 378595 }));
    fake.on(PAYMENTS, json(200, { items: [] }));
    fake.on(CORRECTIONS, json(200, { items: [] }));
    const table = await waitFor(
      () => {
        const el = document.querySelector(".bill-table");
        if (!el?.textContent?.includes("2025-2026")) throw new Error("no bills yet");
        return el as HTMLElement;
      },
      { timeout: 10_000 },
    );
    expect(within(table).queryByRole("button", { name: "更正面积" })).toBeNull();
  });
});

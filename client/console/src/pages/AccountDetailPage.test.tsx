import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { apiError, json } from "../test/fakeFetch";
import { account, signedInAs, staffWith } from "../test/fixtures";
import { renderApp } from "../test/renderApp";

const DETAIL = "GET /api/v1/staff/accounts/42";
const REVEAL = "POST /api/v1/staff/accounts/42/reveal";

describe("account detail", () => {
  it("shows every field with the masked values the server sent", async () => {
    const { fake } = renderApp("/accounts/42");
    signedInAs(fake, staffWith("hotline_agent"));
    fake.on(DETAIL, json(200, account));

    const root = await waitFor(() => {
      const el = document.querySelector(".account-detail");
      if (!el?.textContent?.includes("1000234567")) throw new Error("not loaded");
      return el as HTMLElement;
    });
    for (const text of [
      "新华小区",
      "8 号楼",
      "城东换热站",
      "86.50",
      "居民",
      "正常供热",
      "王*国",
      "138****5678",
      "620***********123X",
      "低保",
      "2025-11-27 15:22:01",
    ]) {
      expect(within(root).getByText(text)).toBeTruthy();
    }
  });

  it("asks for a reason, then shows the unmasked values (ID number only for allowed roles)", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/accounts/42");
    signedInAs(fake, staffWith("center_reviewer"));
    fake.on(DETAIL, json(200, account));
    fake.on(REVEAL, apiError(400, "VALIDATION_FAILED", "提交的信息有误，请检查后重试"));
    fake.on(REVEAL, json(200, { phone: "13812345678", idNumber: "62072219880101123X" }));

    await user.click(await screen.findByRole("button", { name: /查看完整信息/ }));
    const dialog = await screen.findByRole("dialog");
    expect(within(dialog).getByText("此操作将记入审计日志")).toBeTruthy();
    expect(within(dialog).getByLabelText("身份证号")).toBeTruthy();

    // too short a reason is refused in the browser
    await user.type(within(dialog).getByLabelText("查看原因"), "查");
    await user.click(within(dialog).getByRole("button", { name: "确认查看" }));
    expect(await within(dialog).findByText("请填写查看原因")).toBeTruthy();
    expect(fake.callsTo(REVEAL)).toHaveLength(0);

    // a server refusal is shown in the dialog
    await user.type(within(dialog).getByLabelText("查看原因"), "回访核实");
    await user.click(within(dialog).getByRole("button", { name: "确认查看" }));
    expect(await within(dialog).findByText("提交的信息有误，请检查后重试")).toBeTruthy();

    await user.click(within(dialog).getByRole("button", { name: "确认查看" }));
    expect(await screen.findByText("13812345678")).toBeTruthy();
    expect(screen.getByText("62072219880101123X")).toBeTruthy();
    expect(fake.callsTo(REVEAL)[1].body).toEqual({ fields: ["phone", "idNumber"], reason: "查回访核实" });
  });

  it("offers only the phone to a role that may not see ID numbers", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/accounts/42");
    signedInAs(fake, staffWith("cashier"));
    fake.on(DETAIL, json(200, account));
    await user.click(await screen.findByRole("button", { name: /查看完整信息/ }));
    const dialog = await screen.findByRole("dialog");
    expect(within(dialog).getByLabelText("电话")).toBeTruthy();
    expect(within(dialog).queryByLabelText("身份证号")).toBeNull();
  });

  it("says so when the account does not exist", async () => {
    const { fake } = renderApp("/accounts/42");
    signedInAs(fake, staffWith("hotline_agent"));
    fake.on(DETAIL, apiError(404, "ACCOUNT_NOT_FOUND", "供热账户不存在"));
    expect(await screen.findByText("供热账户不存在")).toBeTruthy();
    expect(screen.queryByRole("button", { name: /查看完整信息/ })).toBeNull();
  });
});

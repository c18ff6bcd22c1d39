import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { apiError, json } from "../test/fakeFetch";
import { invoiceDrawer, modal } from "../test/antd";
import {
  account,
  bill,
  invoice,
  invoiceDetail,
  invoiceTitle,
  openBills,
  payment,
  signedInAs,
  staffWith,
} from "../test/fixtures";
import { renderApp } from "../test/renderApp";

const DETAIL = "GET /api/v1/staff/accounts/42";
const REVEAL = "POST /api/v1/staff/accounts/42/reveal";
const BILLS = "GET /api/v1/staff/accounts/42/bills";
const PAYMENTS = "GET /api/v1/staff/accounts/42/payments";
const INVOICES = "GET /api/v1/staff/accounts/42/invoices";
const TITLES = "GET /api/v1/staff/accounts/42/invoice-titles";

/** The account with no bills and no payments yet. */
function accountWithNothing(fake: ReturnType<typeof renderApp>["fake"]) {
  fake.on(DETAIL, json(200, account));
  fake.on(BILLS, json(200, { items: [], totalOwedFen: 0 }));
  fake.on(PAYMENTS, json(200, { items: [] }));
}

describe("account detail", () => {
  it("shows every field with the masked values the server sent", async () => {
    const { fake } = renderApp("/accounts/42");
    signedInAs(fake, staffWith("hotline_agent"));
    accountWithNothing(fake);

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
      "138********",
      "620***************",
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
    accountWithNothing(fake);
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
    accountWithNothing(fake);
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

  it("shows bills with status tags and lets a supervisor waive a late fee with a reason", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/accounts/42");
    signedInAs(fake, staffWith("supervisor"));
    fake.on(DETAIL, json(200, account));
    const paidOld = bill({ id: 400, seasonCode: "2023-2024", paidFen: 216250, owedFen: 0, status: "paid" });
    const list = { items: [paidOld, ...openBills], totalOwedFen: 378595 };
    const waived = { ...openBills[0], lateFeeFen: 0, lateFeeWaivedFen: 12345, owedFen: 150000 };
    fake.on(
      BILLS,
      json(200, list),
      json(200, list),
      json(200, { items: [paidOld, waived, openBills[1]], totalOwedFen: 366250 }),
    );
    fake.on(PAYMENTS, json(200, { items: [] }), json(200, { items: [] }), json(200, { items: [] }));
    const empty = json(200, { items: [] });
    fake.on(
      "GET /api/v1/staff/accounts/42/bill-corrections",
      empty,
      json(200, { items: [] }),
      json(200, { items: [] }),
    );
    const WAIVE = "POST /api/v1/staff/bills/501/waive";
    fake.on(WAIVE, apiError(400, "WAIVER_TOO_LARGE", "减免金额超过应缴金额"), json(200, waived));

    const table = await waitFor(() => {
      const el = document.querySelector(".bill-table");
      if (!el?.textContent?.includes("2024-2025")) throw new Error("no bills yet");
      return el as HTMLElement;
    });
    expect(screen.getByText("¥3,785.95")).toBeTruthy();
    for (const tag of ["已缴清", "部分缴纳", "未缴"]) expect(within(table).getByText(tag)).toBeTruthy();
    // only bills that still owe money can be waived
    const actions = within(table).getAllByRole("button", { name: "减免" });
    expect(actions).toHaveLength(2);

    await user.click(actions[0]);
    const dialog = await screen.findByRole("dialog");
    expect(within(dialog).getByText("¥1,500.00")).toBeTruthy(); // principal owed
    expect(within(dialog).getByText("¥123.45")).toBeTruthy(); // late fee owed

    // nothing to waive, a late fee above what is owed, and too short a reason are refused here
    await user.click(within(dialog).getByRole("button", { name: "确认减免" }));
    expect(await within(dialog).findByText("减免金额应大于 0")).toBeTruthy();
    await user.type(within(dialog).getByLabelText("减免滞纳金（元）"), "123.46");
    await user.type(within(dialog).getByLabelText("减免原因"), "困难");
    await user.click(within(dialog).getByRole("button", { name: "确认减免" }));
    expect(await within(dialog).findByText("不能超过欠缴滞纳金")).toBeTruthy();
    expect(await within(dialog).findByText("请填写减免原因（至少4个字）")).toBeTruthy();
    expect(fake.callsTo(WAIVE)).toHaveLength(0);

    await user.clear(within(dialog).getByLabelText("减免滞纳金（元）"));
    await user.type(within(dialog).getByLabelText("减免滞纳金（元）"), "123.45");
    await user.type(within(dialog).getByLabelText("减免原因"), "户减免");
    // the server's refusal is shown in the dialog
    await user.click(within(dialog).getByRole("button", { name: "确认减免" }));
    expect(await within(dialog).findByText("减免金额超过应缴金额")).toBeTruthy();
    await user.click(within(dialog).getByRole("button", { name: "确认减免" }));
    await waitFor(() => expect(fake.callsTo(WAIVE)).toHaveLength(2));
    expect(fake.callsTo(WAIVE)[1].body).toEqual({ principalFen: 0, lateFeeFen: 12345, reason: "困难户减免" });
    expect(await screen.findByText("¥3,662.50")).toBeTruthy();
  });

  it("lists payments with channel, allocation and the flagged marker; no 减免 for other roles", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/accounts/42");
    signedInAs(fake, staffWith("hotline_agent"));
    fake.on(DETAIL, json(200, account));
    fake.on(BILLS, json(200, { items: openBills, totalOwedFen: 378595 }));
    fake.on(
      PAYMENTS,
      json(200, {
        items: [
          payment({
            id: 901,
            channel: "wechat",
            receiptNo: null,
            transactionId: "4200001234",
            flagged: true,
            flagReason: "订单关闭后到账，待人工核对",
          }),
          payment(),
        ],
      }),
    );
    const table = await waitFor(() => {
      const el = document.querySelector(".bill-table");
      if (!el?.textContent?.includes("2024-2025")) throw new Error("no bills yet");
      return el as HTMLElement;
    });
    expect(within(table).queryByRole("button", { name: "减免" })).toBeNull();

    await user.click(screen.getByRole("tab", { name: "缴费记录" }));
    const payments = await waitFor(() => {
      const el = document.querySelector(".payment-table");
      if (!el?.textContent?.includes("微信支付")) throw new Error("no payments yet");
      return el as HTMLElement;
    });
    const rows = [...payments.querySelectorAll("tbody tr[data-row-key]")] as HTMLElement[];
    expect(rows).toHaveLength(2);
    expect(rows[0].textContent).toContain("微信支付");
    expect(rows[0].textContent).toContain("4200001234");
    expect(within(rows[0]).getByText("异常")).toBeTruthy();
    expect(rows[0].textContent).toContain("订单关闭后到账，待人工核对");
    expect(rows[1].textContent).toContain("现金");
    expect(rows[1].textContent).toContain("SJ-0001");
    expect(within(rows[1]).queryByText("异常")).toBeNull();
    expect(within(rows[1]).getByText("2024-2025 本金 ¥1,500.00 + 滞纳金 ¥123.45")).toBeTruthy();
    expect(within(rows[1]).getByText("2025-2026 本金 ¥2,162.50")).toBeTruthy();
  });

  it("has a 发票 tab: the account's invoices (failed ones marked, a row opens it) and its titles, added and removed", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/accounts/42");
    signedInAs(fake, staffWith("hotline_agent"));
    accountWithNothing(fake);
    const red = invoice({
      id: 71,
      kind: "red",
      originalInvoiceId: 70,
      invoiceNo: "26622000000012349999",
      totalFen: -100000,
    });
    const failed = invoice({
      id: 73,
      status: "failed",
      paymentOrderId: 905,
      invoiceNo: null,
      issuedAt: null,
      failReason: "电子发票平台多次开具失败，请人工重开",
      attempts: 5,
    });
    fake.on(INVOICES, json(200, { items: [failed, red, invoice()] }));
    const company = invoiceTitle({ isDefault: true });
    const person = invoiceTitle({ id: 6, kind: "personal", name: "王建国", taxId: null, email: "wjg@example.cn" });
    fake.on(
      TITLES,
      json(200, { items: [company] }),
      json(200, { items: [company, person] }),
      json(200, { items: [person] }),
    );
    const CREATE = "POST /api/v1/staff/accounts/42/invoice-titles";
    fake.on(CREATE, json(201, person));
    const DELETE = "DELETE /api/v1/staff/accounts/42/invoice-titles/5";
    fake.on(DELETE, new Response(null, { status: 204 }));
    fake.on("GET /api/v1/staff/invoices/71", json(200, invoiceDetail(red, [invoice()])));

    await user.click(await screen.findByRole("tab", { name: "发票" }));
    const table = await waitFor(() => {
      const el = document.querySelector(".account-invoice-table");
      if (!el?.textContent?.includes("26622000000012349999")) throw new Error("no invoices yet");
      return el as HTMLElement;
    });
    expect(fake.callsTo(INVOICES)).toHaveLength(1);
    const rows = [...table.querySelectorAll("tbody tr[data-row-key]")] as HTMLElement[];
    expect(rows.map((r) => r.getAttribute("data-row-key"))).toEqual(["73", "71", "70"]);
    expect(rows[0].className).toContain("invoice-row-failed");
    expect(within(rows[0]).getByText("开具失败")).toBeTruthy();
    expect(within(rows[1]).getByText("红字发票")).toBeTruthy();
    expect(within(rows[2]).getByText("蓝字发票")).toBeTruthy();
    // one account's list: no 户号 column
    expect(within(table).queryByText("户号")).toBeNull();

    await user.click(rows[1]);
    const d = await invoiceDrawer("26622000000012349999");
    expect(d.textContent).toContain("红字发票");
    await user.click(within(d).getByRole("button", { name: /Close|关闭/ }));

    // titles: the default one is marked; a hotline agent may add one for a caller
    const titles = await waitFor(() => {
      const el = document.querySelector(".invoice-title-table");
      if (!el?.textContent?.includes("民乐县新华商贸有限公司")) throw new Error("no titles yet");
      return el as HTMLElement;
    });
    expect(within(titles).getByText("默认")).toBeTruthy();
    expect(within(titles).getByText("91620722MA74XYW18Y")).toBeTruthy();

    await user.click(screen.getByRole("button", { name: /新增抬头/ }));
    const dialog = await modal("新增发票抬头");
    const save = () => user.click(within(dialog).getByRole("button", { name: "保存" }));
    await save();
    expect(await within(dialog).findByText("抬头名称至少2个字")).toBeTruthy();
    expect(await within(dialog).findByText("单位抬头须填写纳税人识别号")).toBeTruthy();
    await user.click(within(dialog).getByRole("radio", { name: "个人" }).closest("label") as HTMLElement);
    await waitFor(() => expect(document.getElementById("new-title-tax-id")).toBeNull());
    await user.type(within(dialog).getByLabelText("抬头名称"), "王建国");
    await user.type(within(dialog).getByLabelText("接收邮箱（选填）"), "wjg@example.cn");
    await save();
    await waitFor(() => expect(fake.callsTo(CREATE)).toHaveLength(1));
    expect(fake.callsTo(CREATE)[0].body).toEqual({
      kind: "personal",
      name: "王建国",
      email: "wjg@example.cn",
      isDefault: false,
    });
    expect(await screen.findByText("已保存抬头「王建国」")).toBeTruthy();
    await waitFor(() => expect(within(titles).getByText("wjg@example.cn")).toBeTruthy());

    // removing one asks first
    const companyRow = titles.querySelector('tr[data-row-key="5"]') as HTMLElement;
    await user.click(within(companyRow).getByRole("button", { name: /删除/ }));
    const confirm = await waitFor(() => {
      const el = document.querySelector(".ant-popconfirm");
      if (!el) throw new Error("no confirm");
      return el as HTMLElement;
    });
    expect(confirm.textContent).toContain("删除抬头「民乐县新华商贸有限公司」？");
    await user.click(within(confirm).getByRole("button", { name: "删除" }));
    await waitFor(() => expect(fake.callsTo(DELETE)).toHaveLength(1));
    expect(await screen.findByText("已删除抬头")).toBeTruthy();
    await waitFor(() => expect(within(titles).queryByText("民乐县新华商贸有限公司")).toBeNull());
  }, 60_000);

  it("shows a technician the account's invoices and titles read-only", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/accounts/42");
    signedInAs(fake, staffWith("technician"));
    accountWithNothing(fake);
    fake.on(INVOICES, json(200, { items: [invoice()] }));
    fake.on(TITLES, json(200, { items: [invoiceTitle()] }));

    await user.click(await screen.findByRole("tab", { name: "发票" }));
    await waitFor(() => expect(document.querySelector(".account-invoice-table")?.textContent).toContain("王建国"));
    await waitFor(() =>
      expect(document.querySelector(".invoice-title-table")?.textContent).toContain("民乐县新华商贸有限公司"),
    );
    expect(screen.queryByRole("button", { name: /新增抬头/ })).toBeNull();
    expect(screen.queryByRole("button", { name: /删除/ })).toBeNull();
    expect(screen.queryByRole("button", { name: "详情" })).toBeNull();
  });

  it("减免: a late fee that is not a number shows one message, and the server's refusal goes once an amount is edited", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/accounts/42");
    signedInAs(fake, staffWith("supervisor"));
    fake.on(DETAIL, json(200, account));
    fake.on(BILLS, json(200, { items: openBills, totalOwedFen: 378595 }));
    fake.on(PAYMENTS, json(200, { items: [] }));
    const WAIVE = "POST /api/v1/staff/bills/501/waive";
    fake.on(WAIVE, apiError(400, "WAIVER_TOO_LARGE", "减免金额超过应缴金额"));

    const table = await waitFor(() => {
      const el = document.querySelector(".bill-table");
      if (!el?.textContent?.includes("2024-2025")) throw new Error("no bills yet");
      return el as HTMLElement;
    });
    await user.click(within(table).getAllByRole("button", { name: "减免" })[0]);
    const dialog = await screen.findByRole("dialog");
    const lateFee = within(dialog).getByLabelText("减免滞纳金（元）");
    const messages = () =>
      [...(lateFee.closest(".ant-form-item") as HTMLElement).querySelectorAll(".ant-form-item-explain-error")].map(
        (e) => e.textContent,
      );

    await user.type(lateFee, "abc");
    await user.click(within(dialog).getByRole("button", { name: "确认减免" }));
    await waitFor(() => expect(messages()).toEqual(["金额格式有误，应为数字，最多两位小数"]));
    await user.clear(lateFee);
    await user.type(lateFee, "100");
    await waitFor(() => expect(messages()).toEqual([]));

    await user.type(within(dialog).getByLabelText("减免原因"), "困难户减免");
    await user.click(within(dialog).getByRole("button", { name: "确认减免" }));
    expect(await within(dialog).findByText("减免金额超过应缴金额")).toBeTruthy();
    await user.type(lateFee, ".5");
    await waitFor(() => expect(within(dialog).queryByText("减免金额超过应缴金额")).toBeNull());
    expect(fake.callsTo(WAIVE)).toHaveLength(1);
  });

  it("新增抬头: the server's refusal goes once the title is edited", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/accounts/42");
    signedInAs(fake, staffWith("hotline_agent"));
    accountWithNothing(fake);
    fake.on(INVOICES, json(200, { items: [] }));
    fake.on(TITLES, json(200, { items: [] }));
    const CREATE = "POST /api/v1/staff/accounts/42/invoice-titles";
    fake.on(CREATE, apiError(409, "INVOICE_TITLE_EXISTS", "该户已有相同的发票抬头"));

    await user.click(await screen.findByRole("tab", { name: "发票" }));
    await user.click(await screen.findByRole("button", { name: /新增抬头/ }));
    const dialog = await modal("新增发票抬头");
    await user.click(within(dialog).getByRole("radio", { name: "个人" }).closest("label") as HTMLElement);
    await user.type(within(dialog).getByLabelText("抬头名称"), "王建国");
    await user.click(within(dialog).getByRole("button", { name: "保存" }));
    expect((await within(dialog).findByRole("alert")).textContent).toContain("该户已有相同的发票抬头");
    await user.type(within(dialog).getByLabelText("抬头名称"), "（个人）");
    await waitFor(() => expect(within(dialog).queryByRole("alert")).toBeNull());
    expect(fake.callsTo(CREATE)).toHaveLength(1);
  });
});

import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { PaymentPlanView } from "@warmline/shared";
import { describe, expect, it, vi } from "vitest";
import { apiError, json } from "../test/fakeFetch";
import { invoiceDrawer } from "../test/antd";
import {
  account,
  bill,
  invoiceDetail,
  invoiceTitle,
  openBills,
  payment,
  signedInAs,
  staffWith,
} from "../test/fixtures";
import { renderApp } from "../test/renderApp";
import { methodsFor } from "./CashierPage";

const SEARCH = "GET /api/v1/staff/accounts";
const DETAIL = "GET /api/v1/staff/accounts/42";
const BILLS = "GET /api/v1/staff/accounts/42/bills";
const PAY = "POST /api/v1/staff/payments/offline";
const TITLES = "GET /api/v1/staff/accounts/42/invoice-titles";
const PAYMENT = "GET /api/v1/staff/payments/900";
const HARDSHIP = "GET /api/v1/staff/accounts/42/hardship";
const noTitles = () => json(200, { items: [] });

const paidOld = bill({ id: 400, seasonCode: "2023-2024", paidFen: 216250, owedFen: 0, status: "paid" });
const billList = { items: [paidOld, ...openBills], totalOwedFen: 378595 };
const paidUp = { items: openBills.map((b) => ({ ...b, owedFen: 0, status: "paid" })), totalOwedFen: 0 };

const input = (id: string) => document.getElementById(id) as HTMLInputElement;

describe("收费台", () => {
  it("finds the account, shows open bills oldest first, takes the total and prints a receipt", async () => {
    const user = userEvent.setup();
    const print = vi.fn();
    vi.stubGlobal("print", print);
    const { fake } = renderApp("/cashier");
    signedInAs(fake, staffWith("cashier"));
    fake.on(SEARCH, json(200, { items: [account], total: 1, page: 1, pageSize: 10 }));
    fake.on(DETAIL, json(200, account));
    fake.on(BILLS, json(200, billList), json(200, paidUp));
    fake.on(TITLES, noTitles());
    fake.on(PAYMENT, json(200, payment({ invoiceId: 70, invoiceStatus: "issued" })));

    await waitFor(() => expect(input("cashier-search")).toBeTruthy());
    await user.type(input("cashier-search"), "1000234567");
    await user.click(screen.getByRole("button", { name: "查找" }));

    // one match is taken at once
    await screen.findByText("¥3,785.95");
    expect(fake.callsTo(SEARCH)[0].url).toBe("/api/v1/staff/accounts?q=1000234567&page=1&pageSize=10");
    await waitFor(() => expect(screen.getByTestId("location").textContent).toBe("/cashier"));
    const rows = [...document.querySelectorAll(".bill-table tbody tr[data-row-key]")];
    expect(rows.map((r) => r.getAttribute("data-row-key"))).toEqual(["501", "502"]); // the paid bill is not listed
    expect(rows[0].textContent).toContain("2024-2025");
    expect(rows[0].textContent).toContain("¥2,000.00"); // 应缴
    expect(rows[0].textContent).toContain("¥500.00"); // 已缴
    expect(rows[0].textContent).toContain("¥123.45"); // 滞纳金
    expect(rows[0].textContent).toContain("¥1,623.45"); // 欠费
    expect(within(rows[0] as HTMLElement).getByText("部分缴纳")).toBeTruthy();

    // the amount defaults to the total owed; counter methods only
    expect(input("pay-amount").value).toBe("3785.95");
    expect(screen.getByLabelText("金额（元）")).toBe(input("pay-amount"));
    expect(screen.getByLabelText("收据号/流水号")).toBe(input("receipt-no"));
    expect(screen.getByRole("radio", { name: "现金" })).toBeTruthy();
    expect(screen.queryByRole("radio", { name: "网格员代缴" })).toBeNull();

    // a receipt number is required
    await user.click(screen.getByRole("button", { name: "确认收款" }));
    expect(await screen.findByText("请填写收据号/流水号")).toBeTruthy();
    expect(fake.callsTo(PAY)).toHaveLength(0);

    fake.on(PAY, json(201, payment()));
    await user.type(input("receipt-no"), "SJ-0001");
    await user.click(screen.getByRole("button", { name: "确认收款" }));

    const receipt = await waitFor(() => {
      const el = document.querySelector(".receipt");
      if (!el) throw new Error("no receipt yet");
      return el as HTMLElement;
    });
    expect(fake.callsTo(PAY)[0].body).toEqual({
      accountId: 42,
      method: "cash",
      amountFen: 378595,
      receiptNo: "SJ-0001",
    });
    const text = receipt.textContent ?? "";
    for (const t of [
      // the issuer as on the invoices (INVOICE_SELLER_NAME), the amount in capitals, the allocation rule
      "民乐县城区集中供热中心",
      "叁仟柒佰捌拾伍元玖角伍分",
      "部分缴费时先抵扣滞纳金，再抵扣本金",
      "1000234567",
      "民乐县城关镇新华路 8 号 3 单元 502",
      "王*国",
      "¥3,785.95",
      "现金",
      "SJ-0001",
      "WL20260110153000123456",
      "2026-01-10 15:30:00",
      "刘敏",
    ]) {
      expect(text, t).toContain(t);
    }
    const lines = [...receipt.querySelectorAll("tbody tr")].map((tr) =>
      [...tr.querySelectorAll("td")].map((td) => td.textContent),
    );
    expect(lines).toEqual([
      ["2024-2025", "¥1,500.00", "¥123.45", "¥1,623.45"],
      ["2025-2026", "¥2,162.50", "¥0.00", "¥2,162.50"],
    ]);
    // the allocation is also said outside the receipt
    expect(screen.getByText("2024-2025 本金 ¥1,500.00 + 滞纳金 ¥123.45")).toBeTruthy();

    await user.click(screen.getByRole("button", { name: /打印$/ }));
    expect(print).toHaveBeenCalledTimes(1);
    // the bills were asked for again after the money moved
    await waitFor(() => expect(fake.callsTo(BILLS)).toHaveLength(2));
  });

  it("pays only past seasons in part, refuses bad amounts in the browser, shows the server's refusal inline", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/cashier?account=42");
    signedInAs(fake, staffWith("cashier"));
    fake.on(DETAIL, json(200, account));
    fake.on(BILLS, json(200, billList), json(200, billList));
    fake.on(TITLES, noTitles(), noTitles());

    await screen.findByText("¥3,785.95");
    await user.click(screen.getByRole("checkbox", { name: "仅缴往期" }));
    const oldest = await screen.findByRole("radio", { name: "缴至 2024-2025 供热季（¥1,623.45）" });
    expect((oldest as HTMLInputElement).checked).toBe(true);
    await waitFor(() => expect(input("pay-amount").value).toBe("1623.45"));
    expect(document.querySelector('tr[data-row-key="502"]')?.className).toContain("bill-row-excluded");

    await user.type(input("receipt-no"), "SJ-0002");
    await user.clear(input("pay-amount"));
    await user.type(input("pay-amount"), "1.234");
    await user.click(screen.getByRole("button", { name: "确认收款" }));
    expect(await screen.findByText("金额格式有误，应为数字，最多两位小数")).toBeTruthy();
    await user.clear(input("pay-amount"));
    await user.type(input("pay-amount"), "1623.46");
    await user.click(screen.getByRole("button", { name: "确认收款" }));
    expect(await screen.findByText("缴费金额不能超过应缴 ¥1,623.45")).toBeTruthy();
    expect(fake.callsTo("POST /api/v1/staff/payments/offline")).toHaveLength(0);

    // meanwhile the household paid part online: the server refuses and says what is owed now
    fake.on(PAY, apiError(400, "AMOUNT_EXCEEDS_OWED", "缴费金额超过应缴金额", { owedFen: 90000 }));
    await user.clear(input("pay-amount"));
    await user.type(input("pay-amount"), "1000.5");
    // before the money is taken: where a partial amount goes (2024-2025 owes ¥123.45 late fee + ¥1,500.00;
    // ¥1,000.50 − ¥123.45 = ¥877.05 of principal)
    expect(await screen.findByText("部分缴费：先抵扣滞纳金 ¥123.45，再抵扣本金 ¥877.05")).toBeTruthy();
    expect(screen.getByText("2024-2025 供热季：滞纳金 ¥123.45，本金 ¥877.05")).toBeTruthy();
    expect(screen.getByText(/部分缴费时先抵扣滞纳金，再抵扣本金/)).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "确认收款" }));

    const alert = await waitFor(() => {
      const el = document.querySelector(".cashier-error");
      if (!el) throw new Error("no error yet");
      return el as HTMLElement;
    });
    expect(alert.textContent).toContain("缴费金额超过应缴金额（当前应缴 ¥900.00）");
    expect(fake.callsTo(PAY)[0].body).toEqual({
      accountId: 42,
      method: "cash",
      amountFen: 100050,
      receiptNo: "SJ-0002",
      billIds: [501],
    });
    expect(document.querySelector(".receipt")).toBeNull();
    // what is owed is asked for again
    await waitFor(() => expect(fake.callsTo(BILLS)).toHaveLength(2));
  });

  it("offers a grid worker 网格员代缴 only, and not for households outside the special groups", async () => {
    expect(methodsFor(["grid_worker"])).toEqual(["assisted"]);
    expect(methodsFor(["cashier"])).toEqual(["cash", "card", "transfer"]);
    expect(methodsFor(["supervisor", "grid_worker"])).toEqual(["cash", "card", "transfer", "assisted"]);

    const { fake } = renderApp("/cashier?account=42");
    signedInAs(fake, staffWith("grid_worker"));
    fake.on(DETAIL, json(200, { ...account, hardshipCategory: "none" }));
    fake.on(BILLS, json(200, billList));
    fake.on(TITLES, noTitles());
    await screen.findByText("¥3,785.95");
    expect(screen.getByRole("radio", { name: "网格员代缴" })).toBeTruthy();
    expect(screen.queryByRole("radio", { name: "现金" })).toBeNull();
    expect(screen.getByText(/网格员代缴仅限特殊群体/)).toBeTruthy();
    expect((screen.getByRole("button", { name: "确认收款" }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("records the payment for a saved title, prints the receipt PDF and follows the invoice until issued", async () => {
    const user = userEvent.setup();
    const open = vi.fn(() => ({}) as Window);
    vi.stubGlobal("open", open);
    const { fake } = renderApp("/cashier?account=42");
    signedInAs(fake, staffWith("cashier"));
    fake.on(DETAIL, json(200, account));
    fake.on(BILLS, json(200, billList), json(200, paidUp));
    fake.on(TITLES, json(200, { items: [invoiceTitle()] }));
    fake.on(PAY, json(201, payment()));
    fake.on(
      PAYMENT,
      json(200, payment()),
      json(200, payment({ invoiceId: 70, invoiceStatus: "queued" })),
      json(200, payment({ invoiceId: 70, invoiceStatus: "issued" })),
    );
    const RECEIPT = "POST /api/v1/staff/payments/900/receipt-link";
    fake.on(RECEIPT, json(200, { url: "/api/v1/files/cmVjZWlwdDo5MDA.sig", expiresAt: "2026-01-10T07:35:00.000Z" }));
    fake.on("GET /api/v1/staff/invoices/70", json(200, invoiceDetail({ buyerKind: "company" })));

    await screen.findByText("¥3,785.95");
    // no default title: 个人（户主） is chosen, the saved ones and 新抬头 are offered
    const owner = await screen.findByRole("radio", { name: "个人（户主）" });
    expect((owner as HTMLInputElement).checked).toBe(true);
    const saved = await screen.findByRole("radio", { name: /单位 · 民乐县新华商贸有限公司/ });
    expect(screen.getByText("91620722MA74XYW18Y")).toBeTruthy();
    expect(screen.getByRole("radio", { name: "新抬头" })).toBeTruthy();
    await user.click(saved);
    await user.type(input("receipt-no"), "SJ-0003");
    await user.click(screen.getByRole("button", { name: "确认收款" }));

    await waitFor(() => expect(document.querySelector(".receipt")).toBeTruthy());
    expect(fake.callsTo(PAY)[0].body).toEqual({
      accountId: 42,
      method: "cash",
      amountFen: 378595,
      receiptNo: "SJ-0003",
      invoiceTitleId: 5,
    });

    // the printable receipt PDF opens in a new tab
    await user.click(screen.getByRole("button", { name: /打印收据PDF/ }));
    await waitFor(() =>
      expect(open).toHaveBeenCalledWith("http://localhost:3000/api/v1/files/cmVjZWlwdDo5MDA.sig", "_blank"),
    );
    expect(fake.callsTo(RECEIPT)).toHaveLength(1);

    // the invoice is requested a moment later and issued by the platform: the payment is asked again until then
    const status = document.querySelector(".cashier-invoice") as HTMLElement;
    expect(status.textContent).toContain("电子发票");
    await waitFor(() => expect(status.textContent).toContain("已开具"), { timeout: 10_000 });
    expect(fake.callsTo(PAYMENT)).toHaveLength(3);
    await user.click(within(status).getByRole("button", { name: "查看发票" }));
    const d = await invoiceDrawer("26622000000012345678");
    expect(within(d).getByRole("button", { name: /打印\/查看PDF/ })).toBeTruthy();
  }, 60_000);

  it("uses the account's default title, or a new one typed in place and checked like the server does", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/cashier?account=42");
    signedInAs(fake, staffWith("cashier"));
    fake.on(DETAIL, json(200, account));
    fake.on(BILLS, json(200, billList), json(200, paidUp));
    fake.on(TITLES, json(200, { items: [invoiceTitle({ isDefault: true })] }));
    fake.on(PAY, json(201, payment()));
    fake.on(PAYMENT, json(200, payment({ invoiceId: 70, invoiceStatus: "issued" })));

    await screen.findByText("¥3,785.95");
    // with a default title the invoice goes to it unless another is chosen: it is preselected
    const saved = await screen.findByRole("radio", { name: /民乐县新华商贸有限公司/ });
    await waitFor(() => expect((saved as HTMLInputElement).checked).toBe(true));
    expect(screen.queryByRole("radio", { name: "个人（户主）" })).toBeNull();

    await user.click(screen.getByRole("radio", { name: "新抬头" }));
    await waitFor(() => expect(input("cashier-title-name")).toBeTruthy());
    expect(screen.getByText("新抬头将保存到该户，下次收费可直接选择")).toBeTruthy();
    await user.type(input("receipt-no"), "SJ-0004");
    await user.click(screen.getByRole("button", { name: "确认收款" }));
    expect(await screen.findByText("抬头名称至少2个字")).toBeTruthy();
    expect(await screen.findByText("单位抬头须填写纳税人识别号")).toBeTruthy();
    await user.type(input("cashier-title-name"), "民乐县第一中学");
    await user.type(input("cashier-title-tax-id"), "12345");
    await user.type(input("cashier-title-email"), "caiwu@");
    await user.click(screen.getByRole("button", { name: "确认收款" }));
    expect(await screen.findByText("纳税人识别号格式或校验位不正确")).toBeTruthy();
    expect(await screen.findByText("邮箱格式不正确")).toBeTruthy();
    expect(fake.callsTo(PAY)).toHaveLength(0);

    await user.clear(input("cashier-title-tax-id"));
    await user.type(input("cashier-title-tax-id"), "91620722ma74xyw18y");
    await user.type(input("cashier-title-email"), "example.cn");
    await user.click(screen.getByRole("button", { name: "确认收款" }));
    await waitFor(() => expect(fake.callsTo(PAY)).toHaveLength(1));
    expect(fake.callsTo(PAY)[0].body).toEqual({
      accountId: 42,
      method: "cash",
      amountFen: 378595,
      receiptNo: "SJ-0004",
      invoiceTitle: {
        kind: "company",
        name: "民乐县第一中学",
        taxId: "91620722MA74XYW18Y",
        email: "caiwu@example.cn",
      },
    });
    await waitFor(() => expect(document.querySelector(".receipt")).toBeTruthy());
  }, 60_000);

  it("tells a grid worker the invoice will follow without asking for the payment (not theirs to look up)", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/cashier?account=42");
    signedInAs(fake, staffWith("grid_worker"));
    fake.on(DETAIL, json(200, account));
    fake.on(BILLS, json(200, billList), json(200, paidUp));
    fake.on(TITLES, noTitles());
    fake.on(PAY, json(201, payment({ channel: "assisted" })));

    await screen.findByText("¥3,785.95");
    await user.type(input("receipt-no"), "DJ-0001");
    await user.click(screen.getByRole("button", { name: "确认收款" }));
    await waitFor(() => expect(document.querySelector(".receipt")).toBeTruthy());
    expect(fake.callsTo(PAY)[0].body).toEqual({
      accountId: 42,
      method: "assisted",
      amountFen: 378595,
      receiptNo: "DJ-0001",
    });
    expect(document.querySelector(".cashier-invoice")?.textContent).toContain("系统将自动开具");
    expect(screen.getByRole("button", { name: /打印收据PDF/ })).toBeTruthy();
    expect(fake.callsTo(PAYMENT)).toHaveLength(0);
  });

  it("the server's refusal goes once the cashier changes the amount or the seasons paid", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/cashier?account=42");
    signedInAs(fake, staffWith("cashier"));
    fake.on(DETAIL, json(200, account));
    fake.on(BILLS, json(200, billList), json(200, billList), json(200, billList));
    fake.on(TITLES, noTitles(), noTitles(), noTitles());
    const refusal = () => apiError(400, "AMOUNT_EXCEEDS_OWED", "缴费金额超过应缴金额", { owedFen: 90000 });
    fake.on(PAY, refusal(), refusal());
    const refused = () => document.querySelector(".cashier-error");

    await screen.findByText("¥3,785.95");
    await user.type(input("receipt-no"), "SJ-0003");
    await user.click(screen.getByRole("button", { name: "确认收款" }));
    await waitFor(() => expect(refused()?.textContent).toContain("缴费金额超过应缴金额（当前应缴 ¥900.00）"));
    await user.clear(input("pay-amount"));
    await user.type(input("pay-amount"), "900");
    await waitFor(() => expect(refused()).toBeNull());

    await user.click(screen.getByRole("button", { name: "确认收款" }));
    await waitFor(() => expect(refused()).toBeTruthy());
    await user.click(screen.getByRole("checkbox", { name: "仅缴往期" }));
    await waitFor(() => expect(refused()).toBeNull());
    expect(fake.callsTo(PAY)).toHaveLength(2);
  });

  it("an active hardship plan is paid toward its own bill by default: the next instalment, at most the plan's rest", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/cashier?account=42");
    signedInAs(fake, staffWith("cashier"));
    fake.on(DETAIL, json(200, account));
    fake.on(BILLS, json(200, billList));
    fake.on(TITLES, noTitles());
    // a 2-instalment plan on the newer bill (502); the first instalment is paid
    const plan: PaymentPlanView = {
      id: 7,
      applicationId: 12,
      accountId: 42,
      kind: "instalments",
      status: "active",
      principalFen: 150001,
      paidFen: 75001,
      startDate: "2026-11-25",
      deferredUntil: null,
      deferralMonths: null,
      lateFeeWaivedFen: 0,
      billIds: [502],
      reinstated: false,
      instalments: [
        { seq: 1, amountFen: 75001, dueDate: "2026-12-25", paidFen: 75001, status: "paid" },
        { seq: 2, amountFen: 75000, dueDate: "2027-01-25", paidFen: 0, status: "unpaid" },
      ],
    };
    fake.on(HARDSHIP, json(200, { accountId: 42, status: "plan_active", applications: [], plans: [plan] }));

    const byPlan = await screen.findByRole("checkbox", { name: "按困难分期计划缴费：第2期应缴 ¥750.00" });
    expect((byPlan as HTMLInputElement).checked).toBe(true);
    await waitFor(() => expect(input("pay-amount").value).toBe("750.00"));
    // 仅缴往期 is not offered while paying by the plan; the partial-payment split does not apply
    expect(screen.queryByRole("checkbox", { name: "仅缴往期" })).toBeNull();
    // more than the plan's rest is refused in the browser
    await user.clear(input("pay-amount"));
    await user.type(input("pay-amount"), "750.01");
    await user.type(input("receipt-no"), "SJ-0009");
    await user.click(screen.getByRole("button", { name: "确认收款" }));
    expect(await screen.findByText("缴费金额不能超过计划剩余 ¥750.00")).toBeTruthy();
    expect(fake.callsTo(PAY)).toHaveLength(0);

    fake.on(PAY, json(201, payment()));
    await user.clear(input("pay-amount"));
    await user.type(input("pay-amount"), "750");
    await user.click(screen.getByRole("button", { name: "确认收款" }));
    await waitFor(() => expect(fake.callsTo(PAY)).toHaveLength(1));
    expect(fake.callsTo(PAY)[0].body).toEqual({
      accountId: 42,
      method: "cash",
      amountFen: 75000,
      receiptNo: "SJ-0009",
      planId: 7,
    });
  });

  it("unticking the plan pays bills oldest first as usual", async () => {
    const { fake } = renderApp("/cashier?account=42");
    signedInAs(fake, staffWith("cashier"));
    fake.on(DETAIL, json(200, account));
    fake.on(BILLS, json(200, billList));
    fake.on(TITLES, noTitles());
    const plan: PaymentPlanView = {
      id: 7,
      applicationId: 12,
      accountId: 42,
      kind: "instalments",
      status: "active",
      principalFen: 100000,
      paidFen: 0,
      startDate: "2026-11-25",
      deferredUntil: null,
      deferralMonths: null,
      lateFeeWaivedFen: 0,
      billIds: [502],
      reinstated: false,
      instalments: [
        { seq: 1, amountFen: 50000, dueDate: "2026-12-25", paidFen: 0, status: "unpaid" },
        { seq: 2, amountFen: 50000, dueDate: "2027-01-25", paidFen: 0, status: "unpaid" },
      ],
    };
    fake.on(HARDSHIP, json(200, { accountId: 42, status: "plan_active", applications: [], plans: [plan] }));
    const user = userEvent.setup();
    const byPlan = await screen.findByRole("checkbox", { name: "按困难分期计划缴费：第1期应缴 ¥500.00" });
    await waitFor(() => expect(input("pay-amount").value).toBe("500.00"));
    await user.click(byPlan);
    await waitFor(() => expect(input("pay-amount").value).toBe("3785.95"));
    expect(screen.getByRole("checkbox", { name: "仅缴往期" })).toBeTruthy();
  });
});

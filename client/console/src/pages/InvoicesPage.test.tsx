import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { invoiceDrawer as drawer, modal, rowWith as row } from "../test/antd";
import { apiError, json } from "../test/fakeFetch";
import { invoice, invoiceDetail, invoiceItem, signedInAs, staffWith } from "../test/fixtures";
import { renderApp } from "../test/renderApp";

const SEARCH = "GET /api/v1/staff/invoices";
const page = (items: unknown[], total = items.length) => json(200, { items, total, page: 1, pageSize: 20 });

/** ¥2,162.50 paid, issued; ¥1,000.00 of it refunded and reversed by a red invoice. */
const blue = invoice({ reversedFen: -100000 });
const red = invoice({
  id: 71,
  kind: "red",
  refundId: 31,
  originalInvoiceId: 70,
  invoiceNo: "26622000000012349999",
  issuedAt: "2026-01-11T01:00:10.000Z",
  totalFen: -100000,
  items: [invoiceItem({ amountFen: -100000, unit: null, quantity: null, unitPrice: null })],
  createdAt: "2026-01-11T01:00:06.000Z",
});
/** A 单位 invoice the platform refused three times: the tax id's check character is wrong. */
const failed = invoice({
  id: 72,
  status: "failed",
  paymentOrderId: 901,
  outTradeNo: "WL20260110160000999999",
  invoiceNo: null,
  issuedAt: null,
  buyerKind: "company",
  buyerName: "民乐县新华商贸有限公司",
  buyerTaxId: "91620722MA74XYW12A",
  totalFen: 50000,
  items: [invoiceItem({ amountFen: 50000, unit: null, quantity: null, unitPrice: null })],
  failReason: "购买方纳税人识别号校验失败（E2003）",
  attempts: 3,
});

const input = (id: string) => document.getElementById(id) as HTMLInputElement;
/** antd button-style radios take the click on their label. */
const labelOf = (radio: HTMLElement) => radio.closest("label") as HTMLElement;

describe("发票管理", () => {
  it("searches by the one box, lists blue and red invoices, highlights failed ones and filters them quickly", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/invoices");
    signedInAs(fake, staffWith("hotline_agent"));
    fake.on(SEARCH, page([failed, red, blue]), page([red, blue], 2), page([]));

    const first = await row("26622000000012345678");
    expect(fake.callsTo(SEARCH)[0].url).toBe("/api/v1/staff/invoices?page=1&pageSize=20");
    for (const t of ["蓝字发票", "已开具", "1000234567", "王建国", "¥2,162.50", "2026-01-10 15:31:00"]) {
      expect(within(first).getByText(t), t).toBeTruthy();
    }
    expect(first.className).not.toContain("invoice-row-failed");
    const second = await row("26622000000012349999");
    expect(within(second).getByText("红字发票")).toBeTruthy();
    expect(within(second).getByText("¥-1,000.00")).toBeTruthy();
    const third = await row("民乐县新华商贸有限公司");
    expect(third.className).toContain("invoice-row-failed");
    expect(within(third).getByText("开具失败")).toBeTruthy();
    expect(within(third).getByText("91620722MA74XYW12A")).toBeTruthy();
    expect(within(third).getByText("3")).toBeTruthy(); // attempts
    expect(screen.getByText("共 3 张")).toBeTruthy();

    await user.type(input("invoice-search"), "1000234567");
    await user.click(screen.getByRole("button", { name: "查询" }));
    await waitFor(() => expect(fake.callsTo(SEARCH)).toHaveLength(2));
    expect(fake.callsTo(SEARCH)[1].url).toBe("/api/v1/staff/invoices?q=1000234567&page=1&pageSize=20");
    await waitFor(() => expect(screen.getByText("共 2 张")).toBeTruthy());

    // the quick filter keeps the search box and asks for failed ones only; pressed, it says so
    const quick = screen.getByRole("button", { name: /开具失败/ });
    expect(quick.getAttribute("aria-pressed")).toBe("false");
    await user.click(quick);
    await waitFor(() => expect(fake.callsTo(SEARCH)).toHaveLength(3));
    expect(fake.callsTo(SEARCH)[2].url).toBe("/api/v1/staff/invoices?q=1000234567&status=failed&page=1&pageSize=20");
    expect(await screen.findByText("没有开具失败的发票")).toBeTruthy();
    expect(screen.getByRole("button", { name: /开具失败/ }).getAttribute("aria-pressed")).toBe("true");
  });

  it("passes status and kind from the link, and opens an invoice's drawer from ?invoice=", async () => {
    const { fake } = renderApp("/invoices?kind=red&invoice=71");
    signedInAs(fake, staffWith("cashier"));
    fake.on(SEARCH, page([red]));
    fake.on("GET /api/v1/staff/invoices/71", json(200, invoiceDetail(red, [blue])));
    await drawer("26622000000012349999");
    expect(fake.callsTo(SEARCH)[0].url).toBe("/api/v1/staff/invoices?kind=red&page=1&pageSize=20");
  });

  it("shows every field, the lines and the 红字 history; opens the blue one and prints its PDF", async () => {
    const user = userEvent.setup();
    const open = vi.fn(() => ({}) as Window);
    vi.stubGlobal("open", open);
    const { fake } = renderApp("/invoices?q=1000234567");
    signedInAs(fake, staffWith("hotline_agent"));
    fake.on(SEARCH, page([red, blue]));
    fake.on("GET /api/v1/staff/invoices/71", json(200, invoiceDetail(red, [blue])));
    fake.on("GET /api/v1/staff/invoices/70", json(200, invoiceDetail(blue, [red])));
    const LINK = "POST /api/v1/staff/invoices/70/link";
    fake.on(
      LINK,
      json(200, { url: "/api/v1/files/aW52b2ljZTo3MA.sig", expiresAt: "2026-01-11T02:05:00.000Z" }),
      apiError(409, "INVOICE_NOT_READY", "发票尚未开具完成，请稍后再试"),
      json(200, { url: "/api/v1/files/aW52b2ljZTo3MA.sig2", expiresAt: "2026-01-11T02:06:00.000Z" }),
    );

    await user.click(await row("26622000000012349999"));
    let d = await drawer("26622000000012349999");
    for (const t of [
      "发票详情 · 26622000000012349999",
      "王建国（个人）",
      "民乐县供热中心",
      "WL20260110153000123456",
      "2026-01-11 09:00:10",
      "查看原蓝字发票",
    ]) {
      expect(d.textContent, t).toContain(t);
    }
    // a hotline agent may see the payment's order number but not open 缴费查询, and not reissue
    expect(within(d).queryByRole("link", { name: "WL20260110153000123456" })).toBeNull();
    expect(within(d).getByRole("link", { name: "1000234567" }).getAttribute("href")).toBe("/accounts/42");
    const items = d.querySelector(".invoice-items-table") as HTMLElement;
    expect(within(items).getByText("*供热*供暖费")).toBeTruthy();
    expect(within(items).getByText("2025-2026供热季")).toBeTruthy();
    expect(within(items).getByText("免税")).toBeTruthy();
    const history = [
      ...(d.querySelector(".invoice-related-table") as HTMLElement).querySelectorAll("tbody tr[data-row-key]"),
    ];
    expect(history.map((r) => r.getAttribute("data-row-key"))).toEqual(["70", "71"]);
    expect(history[1].textContent).toContain("当前");

    await user.click(within(history[0] as HTMLElement).getByRole("button", { name: "查看" }));
    d = await drawer("26622000000012345678");
    expect(d.textContent).toContain("已红冲金额");
    expect(d.textContent).toContain("¥-1,000.00");
    expect(within(d).queryByRole("button", { name: /重新开具/ })).toBeNull();

    await user.click(within(d).getByRole("button", { name: /打印\/查看PDF/ }));
    await waitFor(() => expect(open).toHaveBeenCalledTimes(1));
    // a path served by the API on the console's origin, no Authorization header needed
    expect(open).toHaveBeenCalledWith("http://localhost:3000/api/v1/files/aW52b2ljZTo3MA.sig", "_blank");
    expect(fake.callsTo(LINK)).toHaveLength(1);

    // a refusal is said, nothing is opened
    await user.click(within(d).getByRole("button", { name: /打印\/查看PDF/ }));
    expect(await screen.findByText("发票尚未开具完成，请稍后再试")).toBeTruthy();
    expect(open).toHaveBeenCalledTimes(1);

    // a blocked pop-up gets a link to click instead
    open.mockReturnValueOnce(null as unknown as Window);
    await user.click(within(d).getByRole("button", { name: /打印\/查看PDF/ }));
    const fallback = await screen.findByRole("link", { name: "点此打开 PDF" });
    expect(fallback.getAttribute("href")).toBe("http://localhost:3000/api/v1/files/aW52b2ljZTo3MA.sig2");
    expect(screen.getAllByText("浏览器拦截了新窗口").length).toBeGreaterThan(0);
  });

  it("shows why an invoice failed and lets a cashier reissue it with a reason and a corrected title", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/invoices?status=failed");
    signedInAs(fake, staffWith("cashier"));
    const DETAIL = "GET /api/v1/staff/invoices/72";
    const REISSUE = "POST /api/v1/staff/invoices/72/reissue";
    const fixed = { buyerTaxId: "91620722MA74XYW18Y", failReason: null };
    fake.on(SEARCH, page([failed]), page([{ ...failed, ...fixed, status: "queued" }]));
    fake.on(
      DETAIL,
      json(200, invoiceDetail(failed)),
      json(200, invoiceDetail({ ...failed, ...fixed, status: "queued" })),
      json(200, invoiceDetail({ ...failed, ...fixed, status: "issued", invoiceNo: "26622000000012350000" })),
    );
    fake.on(
      REISSUE,
      apiError(502, "INVOICE_PROVIDER_ERROR", "电子发票服务暂时不可用，请稍后再试"),
      json(200, { ...failed, ...fixed, status: "queued" }),
    );

    await user.click(await row("民乐县新华商贸有限公司"));
    const d = await drawer("民乐县新华商贸有限公司");
    const reason = d.querySelector(".invoice-fail-reason") as HTMLElement;
    expect(reason.textContent).toContain("开具失败：购买方纳税人识别号校验失败（E2003）");
    expect(reason.textContent).toContain("已尝试开具 3 次");
    expect((within(d).getByRole("button", { name: /打印\/查看PDF/ }) as HTMLButtonElement).disabled).toBe(true);

    await user.click(within(d).getByRole("button", { name: /重新开具/ }));
    const dialog = await modal("重新开具");
    const submit = () => user.click(within(dialog).getByRole("button", { name: "确认重开" }));

    // too short a reason is refused here
    await user.type(within(dialog).getByLabelText("重开原因"), "重开");
    await submit();
    expect(await within(dialog).findByText("请填写重开原因（至少4个字）")).toBeTruthy();

    // the corrected title starts from the invoice's buyer and is checked like the server does
    await user.click(within(dialog).getByRole("checkbox", { name: "更正购买方抬头" }));
    await waitFor(() => expect(input("reissue-title-name").value).toBe("民乐县新华商贸有限公司"));
    expect(input("reissue-title-tax-id").value).toBe("91620722MA74XYW12A");
    await user.type(within(dialog).getByLabelText("重开原因"), "：税号有误");
    await submit();
    expect(await within(dialog).findByText("纳税人识别号格式或校验位不正确")).toBeTruthy();
    // a 个人 title has no tax id; back to 单位, it is asked for again
    await user.click(labelOf(within(dialog).getByRole("radio", { name: "个人" })));
    await waitFor(() => expect(input("reissue-title-tax-id")).toBeNull());
    await user.click(labelOf(within(dialog).getByRole("radio", { name: "单位" })));
    await waitFor(() => expect(input("reissue-title-tax-id")).toBeTruthy());
    await user.clear(input("reissue-title-tax-id"));
    await submit();
    expect(await within(dialog).findByText("单位抬头须填写纳税人识别号")).toBeTruthy();
    await user.clear(input("reissue-title-name"));
    await user.type(input("reissue-title-name"), "民");
    await submit();
    expect(await within(dialog).findByText("抬头名称至少2个字")).toBeTruthy();
    expect(fake.callsTo(REISSUE)).toHaveLength(0);

    await user.type(input("reissue-title-name"), "乐县新华商贸有限公司");
    await user.type(input("reissue-title-tax-id"), "91620722ma74xyw18y");
    // the platform is down: said in the dialog, which stays open
    await submit();
    expect(await within(dialog).findByText("电子发票服务暂时不可用，请稍后再试")).toBeTruthy();
    await submit();
    await waitFor(() => expect(fake.callsTo(REISSUE)).toHaveLength(2));
    expect(fake.callsTo(REISSUE)[1].body).toEqual({
      reason: "重开：税号有误",
      title: { kind: "company", name: "民乐县新华商贸有限公司", taxId: "91620722MA74XYW18Y" },
    });
    expect(await screen.findByText("已重新提交开具，结果将自动刷新")).toBeTruthy();

    // the drawer follows the invoice (asked again after the reissue, then while queued) until it is issued
    await drawer("26622000000012350000");
    await waitFor(() => expect(within(d).getAllByText("已开具").length).toBeGreaterThan(0), { timeout: 6000 });
    expect(within(d).queryByRole("button", { name: /重新开具/ })).toBeNull();
    expect(fake.callsTo(DETAIL)).toHaveLength(3);
  }, 60_000);

  it("重新开具: the platform's refusal goes once the cashier edits the reason or the title", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/invoices?status=failed");
    signedInAs(fake, staffWith("cashier"));
    fake.on(SEARCH, page([failed]), page([failed]));
    fake.on("GET /api/v1/staff/invoices/72", json(200, invoiceDetail(failed)), json(200, invoiceDetail(failed)));
    const REISSUE = "POST /api/v1/staff/invoices/72/reissue";
    const down = () => apiError(502, "INVOICE_PROVIDER_ERROR", "电子发票服务暂时不可用，请稍后再试");
    fake.on(REISSUE, down(), down());

    await user.click(await row("民乐县新华商贸有限公司"));
    const d = await drawer("民乐县新华商贸有限公司");
    await user.click(within(d).getByRole("button", { name: /重新开具/ }));
    const dialog = await modal("重新开具");
    const submit = () => user.click(within(dialog).getByRole("button", { name: "确认重开" }));
    await user.type(within(dialog).getByLabelText("重开原因"), "平台故障后重开");
    await submit();
    expect(await within(dialog).findByText("电子发票服务暂时不可用，请稍后再试")).toBeTruthy();
    await user.type(within(dialog).getByLabelText("重开原因"), "一次");
    await waitFor(() => expect(within(dialog).queryByText("电子发票服务暂时不可用，请稍后再试")).toBeNull());

    await submit();
    expect(await within(dialog).findByText("电子发票服务暂时不可用，请稍后再试")).toBeTruthy();
    await user.click(within(dialog).getByRole("checkbox", { name: "更正购买方抬头" }));
    await waitFor(() => expect(within(dialog).queryByText("电子发票服务暂时不可用，请稍后再试")).toBeNull());
    expect(fake.callsTo(REISSUE)).toHaveLength(2);
  });
});

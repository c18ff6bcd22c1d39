import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { HardshipApplicationView, PaymentPlanView } from "@warmline/shared";
import { describe, expect, it } from "vitest";
import { modal } from "../test/antd";
import { apiError, json } from "../test/fakeFetch";
import { account, bill, openBills, signedInAs, staffWith } from "../test/fixtures";
import { renderApp } from "../test/renderApp";

/** The account page's hardship parts: 已减免 on bills, the 困难缓缴/分期 tab, and the register's flags. */

const DETAIL = "GET /api/v1/staff/accounts/42";
const BILLS = "GET /api/v1/staff/accounts/42/bills";
const PAYMENTS = "GET /api/v1/staff/accounts/42/payments";
const HARDSHIP = "GET /api/v1/staff/accounts/42/hardship";
const HISTORY = "GET /api/v1/staff/accounts/42/hardship-flags/history";
const FLAGS = "PUT /api/v1/staff/accounts/42/hardship-flags";

const REASON = "困难群众分期免缴滞纳金（申请 KN20261203-000012）";

const application: HardshipApplicationView = {
  id: 12,
  applicationNo: "KN20261203-000012",
  accountId: 42,
  accountNo: "1000234567",
  address: account.address,
  ownerNameMasked: "王*国",
  communityId: 3,
  communityName: "新华小区",
  status: "approved",
  channel: "hotline",
  category: "dibao",
  categoryReason: null,
  certificateNo: "DB6*********",
  requestedTerms: { kind: "instalments", count: 3 },
  grantedTerms: { kind: "instalments", count: 2 },
  billIds: [501],
  principalFen: 150001,
  contactPhone: "139********",
  note: null,
  submittedAt: "2026-11-20T02:00:00.000Z",
  waitingSince: null,
  communityReviewerId: 3,
  centerReviewerId: 4,
  decidedAt: "2026-11-25T02:00:00.000Z",
};

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
  lateFeeWaivedFen: 12345,
  billIds: [501],
  reinstated: false,
  instalments: [
    { seq: 1, amountFen: 75001, dueDate: "2026-12-25", paidFen: 75001, status: "paid" },
    { seq: 2, amountFen: 75000, dueDate: "2027-01-25", paidFen: 0, status: "unpaid" },
  ],
};

const deferral: PaymentPlanView = {
  ...plan,
  id: 5,
  applicationId: 9,
  kind: "deferral",
  deferralMonths: 2,
  deferredUntil: "2026-03-14",
  status: "completed",
  instalments: [{ seq: 1, amountFen: 80000, dueDate: "2026-03-14", paidFen: 80000, status: "paid" }],
};

const history = {
  items: [
    {
      id: 88,
      at: "2026-11-18T03:04:05.000Z",
      actorName: "专班·陈静",
      reason: "社区入户核实：独居，行动不便",
      changes: [{ field: "specialGroups", before: "无", after: "行动不便、独居老人" }],
    },
  ],
};

function accountPage(fake: ReturnType<typeof renderApp>["fake"], bills = openBills) {
  fake.on(DETAIL, json(200, account));
  fake.on(BILLS, json(200, { items: bills, totalOwedFen: 0 }));
  fake.on(PAYMENTS, json(200, { items: [] }));
}

/** the first render of the whole app (antd under a loaded machine) may take a while: an upper bound, not a wait */
const SLOW = { timeout: 15_000 };

const tab = (user: ReturnType<typeof userEvent.setup>) =>
  screen.findByRole("tab", { name: "困难缓缴/分期" }, SLOW).then((t) => user.click(t));

describe("account page: hardship", () => {
  it("a bill whose late fee a plan waived shows 已减免 with the reason; others do not", async () => {
    const { fake } = renderApp("/accounts/42");
    signedInAs(fake, staffWith("cashier"));
    const relieved = bill({
      ...openBills[0],
      id: 501,
      seasonCode: "2024-2025",
      lateFeeFen: 0,
      lateFeeExempt: true,
      lateFeeWaivedFen: 12345,
      reliefReason: REASON,
    });
    accountPage(fake, [relieved, openBills[1] as (typeof openBills)[number]]);
    const table = await waitFor(() => {
      const el = document.querySelector(".bill-table");
      if (!el?.textContent?.includes("2025-2026")) throw new Error("no bills yet");
      return el as HTMLElement;
    }, SLOW);
    const [row1, row2] = [...table.querySelectorAll("tbody tr[data-row-key]")] as HTMLElement[];
    expect(within(row1 as HTMLElement).getByText("已减免")).toBeTruthy();
    expect(within(row1 as HTMLElement).getByText(REASON)).toBeTruthy();
    expect(within(row2 as HTMLElement).queryByText("已减免")).toBeNull();
    // no hardship request until the tab is opened
    expect(fake.callsTo(HARDSHIP)).toHaveLength(0);
  });

  it("the tab shows standing, applications (linked for the hardship desk), plans with instalments, and the flag history", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/accounts/42");
    signedInAs(fake, staffWith("hotline_agent"));
    accountPage(fake);
    fake.on(
      HARDSHIP,
      json(200, {
        accountId: 42,
        status: "plan_active",
        applications: [application],
        plans: [plan, deferral],
      }),
    );
    fake.on(HISTORY, json(200, history));
    await tab(user);

    const root = await waitFor(() => {
      const el = document.querySelector(".account-hardship");
      if (!el?.textContent?.includes("KN20261203-000012")) throw new Error("not loaded");
      return el as HTMLElement;
    }, SLOW);
    expect(within(root).getByText("分期计划执行中")).toBeTruthy();
    const link = within(root).getByRole("link", { name: "KN20261203-000012" });
    expect(link.getAttribute("href")).toBe("/hardship/applications/12");
    expect(within(root).getByText("分 3 期 → 批准分 2 期")).toBeTruthy();

    const plans = [...root.querySelectorAll(".account-hardship-plan")] as HTMLElement[];
    expect(plans.map((p) => p.getAttribute("data-plan-id"))).toEqual(["7", "5"]);
    const p7 = plans[0] as HTMLElement;
    expect(p7.textContent).toContain("分期缴纳计划 #7（分 2 期）");
    expect(within(p7).getByText("执行中")).toBeTruthy();
    expect(p7.textContent).toContain("已免滞纳金 ¥123.45");
    const rows = [...p7.querySelectorAll("tbody tr[data-row-key]")] as HTMLElement[];
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringContaining("2026-12-25"),
      expect.stringContaining("2027-01-25"),
    ]);
    expect(rows[0]?.textContent).toContain("¥750.01");
    expect(within(rows[0] as HTMLElement).getByText("已缴清")).toBeTruthy();
    expect(within(rows[1] as HTMLElement).getByText("未到期")).toBeTruthy();
    expect((plans[1] as HTMLElement).textContent).toContain("缓缴计划 #5（缓缴 2 个月）");
    expect(within(plans[1] as HTMLElement).getByText("已完成")).toBeTruthy();

    const hist = root.querySelector(".hardship-flag-history") as HTMLElement;
    await waitFor(() => expect(hist.textContent).toContain("专班·陈静"));
    expect(hist.textContent).toContain("特殊群体：无 → 行动不便、独居老人");
    expect(hist.textContent).toContain("社区入户核实：独居，行动不便");
  });

  it("a role outside the hardship desk sees the applications without links, and no flags button", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/accounts/42");
    signedInAs(fake, staffWith("cashier"));
    accountPage(fake);
    fake.on(HARDSHIP, json(200, { accountId: 42, status: "applying", applications: [application], plans: [] }));
    fake.on(HISTORY, json(200, { items: [] }));
    await tab(user);
    const root = await waitFor(() => {
      const el = document.querySelector(".account-hardship");
      if (!el?.textContent?.includes("KN20261203-000012")) throw new Error("not loaded");
      return el as HTMLElement;
    }, SLOW);
    expect(within(root).queryByRole("link")).toBeNull();
    expect(within(root).getByText("困难申请审核中")).toBeTruthy();
    expect(within(root).getByText("暂无计划")).toBeTruthy();
    expect(await within(root).findByText("暂无修改记录")).toBeTruthy();
    // no flags button for roles that may not change the register
    expect(screen.queryByRole("button", { name: /困难类别\/特殊群体/ })).toBeNull();
  });

  it("out of a reviewer's community: a plain message, no error", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/accounts/42");
    signedInAs(fake, staffWith("community_reviewer"));
    accountPage(fake);
    fake.on(HARDSHIP, apiError(404, "HARDSHIP_NOT_FOUND", "困难申请不存在"));
    fake.on(HISTORY, json(200, { items: [] }));
    await tab(user);
    expect(await screen.findByText("该户不在您负责的社区，困难申请与计划不显示")).toBeTruthy();
    expect(screen.queryByText("困难申请不存在")).toBeNull();
  });

  it("a supervisor sets the hardship category and special groups with a reason; the page and history follow", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/accounts/42");
    signedInAs(fake, staffWith("supervisor"));
    accountPage(fake);
    const saved = { ...account, hardshipCategory: "disabled", specialGroups: ["mobility", "elderly_alone"] };
    fake.on(FLAGS, apiError(404, "ACCOUNT_NOT_FOUND", "供热账户不存在"), json(200, saved));
    fake.on(HISTORY, json(200, history));

    await user.click(await screen.findByRole("button", { name: /困难类别\/特殊群体/ }, SLOW));
    const dialog = await modal("困难类别与特殊群体");
    // the current values are chosen; a reason is required
    expect((within(dialog).getByRole("checkbox", { name: "行动不便" }) as HTMLInputElement).checked).toBe(false);
    await user.click(within(dialog).getByRole("button", { name: "保存" }));
    expect(await within(dialog).findByText("请填写修改原因（至少2个字）")).toBeTruthy();
    expect(fake.callsTo(FLAGS)).toHaveLength(0);

    await user.click(within(dialog).getByRole("checkbox", { name: "独居老人" }));
    await user.click(within(dialog).getByRole("checkbox", { name: "行动不便" }));
    await user.type(within(dialog).getByLabelText("修改原因"), "社区入户核实：独居，行动不便");
    await user.click(within(dialog).getByRole("button", { name: "保存" }));
    // the server's refusal is shown in the dialog, then a retry succeeds
    expect(await within(dialog).findByText("供热账户不存在")).toBeTruthy();
    await user.click(within(dialog).getByRole("button", { name: "保存" }));
    await waitFor(() => expect(fake.callsTo(FLAGS)).toHaveLength(2));
    expect(fake.callsTo(FLAGS)[1]?.body).toEqual({
      hardshipCategory: "dibao",
      specialGroups: ["mobility", "elderly_alone"],
      reason: "社区入户核实：独居，行动不便",
    });
    expect(await screen.findByText("困难类别与特殊群体已保存，已记入审计日志")).toBeTruthy();
    // the saved account replaces the shown one
    const details = document.querySelector(".account-detail .ant-descriptions") as HTMLElement;
    await waitFor(() => expect(within(details).getByText("残疾")).toBeTruthy());
    expect(within(details).getByText("行动不便")).toBeTruthy();
    expect(within(details).getByText("独居老人")).toBeTruthy();
  });
});

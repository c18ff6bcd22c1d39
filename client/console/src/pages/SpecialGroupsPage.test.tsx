import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { chooseOption, rowWith } from "../test/antd";
import { apiError, json } from "../test/fakeFetch";
import { account, openBills, signedInAs, staffWith } from "../test/fixtures";
import { renderApp } from "../test/renderApp";

/** 特殊群体 (issue 14): the list with payment state and last visit, the coverage figure, a community filter, 代缴. */

const LIST = "GET /api/v1/staff/special-groups";
const SLOW = { timeout: 15_000 };

const item = (over: Record<string, unknown>) => ({
  accountId: 42,
  accountNo: "1000234567",
  ownerName: "王*国",
  address: "新华路 8 号 3 单元 502",
  communityId: 3,
  communityName: "新华小区",
  category: "elderly_alone",
  categoryLabel: "独居老人",
  paymentState: "unpaid",
  paymentStateLabel: "未缴清",
  owedFen: 378595,
  covered: false,
  lastVisitAt: "2026-12-01T02:00:00.000Z",
  ...over,
});

const groups = () =>
  json(200, {
    season: "2026-2027",
    items: [
      item({}),
      item({
        accountId: 43,
        accountNo: "1000234568",
        ownerName: "李*",
        paymentState: "plan",
        paymentStateLabel: "分期/缓缴计划中",
        owedFen: 100000,
        covered: true,
        lastVisitAt: null,
      }),
      item({
        accountId: 44,
        accountNo: "2000000001",
        ownerName: "张*",
        communityId: 5,
        communityName: "河西小区",
        paymentState: "paid",
        paymentStateLabel: "已缴清",
        owedFen: 0,
        covered: true,
        categoryLabel: "失能",
      }),
    ],
    coverage: { covered: 2, total: 3, rate: 2 / 3, target: 1 },
    byCommunity: [
      { communityId: 3, name: "新华小区", covered: 1, total: 2 },
      { communityId: 5, name: "河西小区", covered: 1, total: 1 },
    ],
  });

function page(...roles: Parameters<typeof staffWith>) {
  const { fake } = renderApp("/special-groups");
  signedInAs(fake, staffWith(...roles));
  fake.on(
    "GET /api/v1/staff/alerts/summary",
    ...Array.from({ length: 5 }, () => json(200, { open: 0, latestAt: null })),
  );
  return fake;
}

describe("特殊群体", () => {
  it("shows each household's payment state and last visit, and the coverage against 100 %", async () => {
    const fake = page("grid_worker");
    fake.on(LIST, groups());
    const unpaid = await rowWith("1000234567");
    expect(fake.callsTo(LIST)[0]?.url).toBe("/api/v1/staff/special-groups");
    expect(within(unpaid).getByText("未缴清")).toBeTruthy();
    expect(unpaid.textContent).toContain("欠 ¥3,785.95");
    expect(unpaid.textContent).toContain("2026-12-01 10:00:00");
    expect(unpaid.textContent).toContain("独居老人");
    const never = await rowWith("1000234568");
    expect(within(never).getByText("未走访")).toBeTruthy();
    expect(within(never).getByText("分期/缓缴计划中")).toBeTruthy();
    expect(screen.getByTestId("coverage-note").textContent).toBe(
      "已缴清或在分期/缓缴计划中 2/3 户，目标100%，还差 1 户",
    );
    expect(document.querySelector(".ant-statistic-content")?.textContent).toContain("66.7");
    // 代缴 only where money is owed
    const paid = await rowWith("2000000001");
    expect(within(paid).queryByRole("button", { name: /代缴/ })).toBeNull();
    expect(within(unpaid).getByRole("button", { name: /代缴/ })).toBeTruthy();
  });

  it("the community filter narrows the list and the coverage figure", async () => {
    const fake = page("supervisor");
    fake.on(LIST, groups());
    await rowWith("2000000001");
    await chooseOption("special-community", "河西小区（1 户）");
    await waitFor(() => expect(document.querySelectorAll("tr.ant-table-row")).toHaveLength(1));
    expect(screen.getByTestId("coverage-note").textContent).toBe("已缴清或在分期/缓缴计划中 1/1 户，目标100%，已达标");
    expect(fake.callsTo(LIST)).toHaveLength(1); // filtered here, from the one answer
  });

  it("代缴 opens the offline payment form for that household, with 网格员代缴 for a grid worker", async () => {
    const user = userEvent.setup();
    const fake = page("grid_worker");
    fake.on(LIST, groups());
    fake.on("GET /api/v1/staff/accounts/42", json(200, { ...account, specialGroups: ["elderly_alone"] }));
    fake.on("GET /api/v1/staff/accounts/42/bills", json(200, { items: openBills, totalOwedFen: 378595 }));
    fake.on("GET /api/v1/staff/accounts/42/invoice-titles", json(200, { items: [] }));
    fake.on(
      "GET /api/v1/staff/accounts/42/hardship",
      json(200, { accountId: 42, status: "none", applications: [], plans: [] }),
    );
    const row = await rowWith("1000234567");
    await user.click(within(row).getByRole("button", { name: /代缴/ }));
    await waitFor(() => expect(screen.getByTestId("location").textContent).toBe("/cashier"), SLOW);
    expect(await screen.findByRole("radio", { name: "网格员代缴" }, SLOW)).toBeTruthy();
    expect(screen.queryByRole("radio", { name: "现金" })).toBeNull();
  });

  it("a role outside the list is not let in", async () => {
    const fake = page("cashier");
    expect(await screen.findByText("没有权限", undefined, SLOW)).toBeTruthy();
    expect(fake.callsTo(LIST)).toHaveLength(0);
  });

  it("a failed answer shows the error with a retry", async () => {
    const fake = page("supervisor");
    fake.on(LIST, apiError(403, "FORBIDDEN", "您的角色无权执行此操作"), groups());
    expect(await screen.findByText("您的角色无权执行此操作", undefined, SLOW)).toBeTruthy();
    await userEvent.setup().click(screen.getByRole("button", { name: /重\s?试/ }));
    await rowWith("1000234567");
  });
});

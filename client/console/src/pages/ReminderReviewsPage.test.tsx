import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReminderReviewView } from "@warmline/shared";
import { describe, expect, it } from "vitest";
import { rowWith } from "../test/antd";
import { json } from "../test/fakeFetch";
import { signedInAs, staffWith } from "../test/fixtures";
import { renderApp } from "../test/renderApp";

const LIST = "GET /api/v1/staff/reminders/reviews";
const SLOW = { timeout: 15_000 };

function review(over: Partial<ReminderReviewView> = {}): ReminderReviewView {
  return {
    id: 5,
    accountId: 41,
    accountNo: "HX0041",
    address: "城关镇幸福小区3号楼2单元401",
    reminderId: 900,
    grade: "key",
    owedFen: 268_050,
    seasonCode: "2026-2027",
    status: "open",
    decision: null,
    reason: null,
    decidedBy: null,
    decidedAt: null,
    createdAt: "2026-12-03T02:00:00.000Z",
    legalCheckPath: "/legal/candidates?accountId=41",
    history: [],
    ...over,
  };
}
const page = (...items: ReminderReviewView[]) => json(200, { items, total: items.length, page: 1, pageSize: 20 });

function open(...lists: Response[]) {
  const { fake } = renderApp("/reminders/reviews");
  signedInAs(fake, staffWith("supervisor"));
  fake.on(
    "GET /api/v1/staff/alerts/summary",
    ...Array.from({ length: 5 }, () => json(200, { open: 0, latestAt: null })),
  );
  fake.on(LIST, ...lists);
  return fake;
}

describe("催缴复核", () => {
  it("lists the accounts to review with their amount and a link to the legal candidate check", async () => {
    open(page(review()));
    await screen.findByText("HX0041", undefined, SLOW);
    const row = await rowWith("HX0041");
    expect(row.textContent).toContain("2,680.50");
    expect(row.textContent).toContain("重点");
    expect(row.textContent).toContain("待复核");
    const link = within(row).getByRole("link", { name: "法务候选核查" });
    expect(link.getAttribute("href")).toBe("/legal/candidates?accountId=41");
  }, 30_000);

  it("不宜催缴 asks for a reason before it is sent", async () => {
    const user = userEvent.setup();
    const fake = open(page(review()), page(review({ status: "decided", decision: "hold", reason: "家中有丧事" })));
    fake.on(
      "POST /api/v1/staff/reminders/reviews/5/decision",
      json(200, review({ status: "decided", decision: "hold", reason: "家中有丧事" })),
    );
    await screen.findByText("HX0041", undefined, SLOW);
    const row = await rowWith("HX0041");
    await user.click(within(row).getByRole("button", { name: "复核" }));
    const dialog = await screen.findByRole("dialog");
    await user.click(within(dialog).getByLabelText("不宜催缴"));
    await user.click(within(dialog).getByRole("button", { name: "提交结论" }));
    expect(await within(dialog).findByText("标记不宜催缴须填写原因（至少2个字）")).toBeTruthy();
    expect(fake.callsTo("POST /api/v1/staff/reminders/reviews/5/decision")).toHaveLength(0);
    await user.type(within(dialog).getByRole("textbox"), "家中有丧事");
    await user.click(within(dialog).getByRole("button", { name: "提交结论" }));
    await waitFor(() => expect(fake.callsTo("POST /api/v1/staff/reminders/reviews/5/decision")).toHaveLength(1));
    expect(fake.callsTo("POST /api/v1/staff/reminders/reviews/5/decision")[0]?.body).toEqual({
      decision: "hold",
      reason: "家中有丧事",
    });
  }, 30_000);
});

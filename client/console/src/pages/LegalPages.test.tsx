import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { LegalCandidateView, LegalCaseView } from "@warmline/shared";
import { describe, expect, it } from "vitest";
import { modal, rowWith } from "../test/antd";
import { json } from "../test/fakeFetch";
import { signedInAs, staffWith } from "../test/fixtures";
import { renderApp } from "../test/renderApp";

const SLOW = { timeout: 15_000 };

const REASONS: LegalCandidateView["reasons"] = [
  { condition: "arrears_age", met: true, text: "未缴本金 3456.00 元，最早应缴日 2025-10-14，超过6个月" },
  { condition: "visits", met: true, text: "入户催缴沟通 2 天次（需不同日期至少 2 次）" },
  { condition: "refusal", met: true, text: "最近一次表态（2026-11-20）：拒绝缴费" },
  { condition: "no_hardship", met: true, text: "无困难类别、申请、分期或缓缴" },
  { condition: "no_complaint", met: true, text: "无未办结的服务诉求" },
  { condition: "no_cold_room", met: true, text: "本季无未解决的低于标准室温的测温记录" },
  { condition: "not_held", met: true, text: "未标记不宜催缴" },
];

const candidate: LegalCandidateView = {
  accountId: 31,
  accountNo: "MLX000031",
  ownerName: "王*国",
  communityName: "民乐花园",
  address: "民乐花园3号楼2单元301",
  owedFen: 345_600,
  principalFen: 330_000,
  oldestDueDate: "2025-10-14",
  arrearsMonths: 13,
  visitDays: 2,
  lastPosition: "refuses",
  candidate: true,
  reasons: REASONS,
  evaluatedOn: "2026-12-03",
  openCaseId: null,
};

function legalCase(over: Partial<LegalCaseView> = {}): LegalCaseView {
  return {
    id: 5,
    caseNo: "FW2026120300005",
    accountId: 31,
    accountNo: "MLX000031",
    ownerName: "王*国",
    communityName: "民乐花园",
    address: "民乐花园3号楼2单元301",
    state: "approved",
    stateLabel: "已批准移交",
    outcome: null,
    owedFen: 345_600,
    principalFen: 330_000,
    oldestDueDate: "2025-10-14",
    arrearsSeason: "2025-2026",
    reasons: REASONS,
    openedAt: "2026-12-03T02:00:00.000Z",
    approvedOn: "2026-12-28",
    filedOn: null,
    courtName: null,
    courtReceiptNo: null,
    hasScan: false,
    registeredOn: null,
    courtCaseNo: null,
    closedAt: null,
    deadlines: [
      { kind: "submit", dueDate: null, missingYear: 2027, state: "calendar_missing", workdaysLeft: null, doneOn: null },
      { kind: "litigate", dueDate: "2027-01-04", missingYear: null, state: "open", workdaysLeft: 4, doneOn: null },
    ],
    events: [
      {
        id: 1,
        kind: "opened",
        label: "立案审查（由候选转入）",
        actorName: "周律",
        at: "2026-12-03T02:00:00.000Z",
        data: {},
      },
      { id: 2, kind: "approved", label: "批准移交法务", actorName: "吴主任", at: "2026-12-28T02:00:00.000Z", data: {} },
    ],
    actions: ["file", "close"],
    ...over,
  };
}

function open(path: string, role: Parameters<typeof staffWith>[0]) {
  const { fake } = renderApp(path);
  signedInAs(fake, staffWith(role));
  fake.on(
    "GET /api/v1/staff/alerts/summary",
    ...Array.from({ length: 5 }, () => json(200, { open: 0, latestAt: null })),
  );
  return fake;
}

describe("法务 desk", () => {
  it("lists the candidates with why, and dismisses one with a reason", async () => {
    const fake = open("/legal/candidates", "legal_officer");
    const list = json(200, { items: [candidate], total: 1, page: 1, pageSize: 20 });
    fake.on("GET /api/v1/staff/legal/candidates", list, json(200, { items: [], total: 0, page: 1, pageSize: 20 }));
    fake.on("POST /api/v1/staff/legal/accounts/31/dismiss", json(200, { accountId: 31, dismissed: true }));
    const row = await rowWith("MLX000031");
    expect(row.textContent).toContain("3,456.00");
    expect(row.textContent).toContain("拒绝缴费");
    await userEvent.click(within(row).getByRole("button", { name: "不予移交" }));
    const dialog = await modal("不予移交");
    await userEvent.type(within(dialog).getByRole("textbox"), "住户已承诺下月结清");
    await userEvent.click(within(dialog).getByRole("button", { name: /确认不予移交/ }));
    await waitFor(() => expect(fake.callsTo("POST /api/v1/staff/legal/accounts/31/dismiss")).toHaveLength(1));
    expect(fake.callsTo("POST /api/v1/staff/legal/accounts/31/dismiss")[0]?.body).toEqual({
      reason: "住户已承诺下月结清",
    });
  }, 30_000);

  it("shows a case with 节假日数据缺失 instead of a guessed date, its timeline, and only the allowed actions", async () => {
    const fake = open("/legal/cases/5", "legal_officer");
    fake.on("GET /api/v1/staff/legal/cases/5", json(200, legalCase()));
    expect(await screen.findByText("法务案件 FW2026120300005", undefined, SLOW)).toBeTruthy();
    expect(screen.getByText("节假日数据缺失（2027年）")).toBeTruthy();
    expect(screen.getByText(/2027-01-04 · 进行中 · 剩 4 个工作日/)).toBeTruthy();
    expect(screen.getByText("批准移交法务")).toBeTruthy();
    expect(screen.getByText(/吴主任/)).toBeTruthy();
    expect(screen.getByRole("button", { name: "登记提交法院" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "批准移交" })).toBeNull();
  }, 30_000);
});

describe("法务 case: paid in full", () => {
  it("offers to close with 已全额缴清 and posts the outcome", async () => {
    const paid = legalCase({
      events: [
        ...legalCase().events,
        {
          id: 3,
          kind: "payment",
          label: "案件期间收到缴费",
          actorName: null,
          at: "2026-12-29T02:00:00.000Z",
          data: { amountFen: 345_600, owedFenNow: 0, offerClose: true },
        },
      ],
    });
    const fake = open("/legal/cases/5", "legal_officer");
    fake.on("GET /api/v1/staff/legal/cases/5", json(200, paid), json(200, paid));
    fake.on(
      "POST /api/v1/staff/legal/cases/5/close",
      json(200, legalCase({ state: "closed", stateLabel: "结案", outcome: "paid_in_full", actions: [] })),
    );
    expect(await screen.findByText(/该户已全额缴清欠费，可以结案/, undefined, SLOW)).toBeTruthy();
    expect(screen.getByText(/缴费 ¥3,456.00，现欠 ¥0.00（已无欠费，可结案）/)).toBeTruthy();
    const alert = screen.getByText(/该户已全额缴清欠费/).closest(".ant-alert") as HTMLElement;
    await userEvent.click(within(alert).getByRole("button", { name: /结\s*案/ }));
    const dialog = await modal("结案");
    await userEvent.click(within(dialog).getByRole("button", { name: /结\s*案/ }));
    await waitFor(() => expect(fake.callsTo("POST /api/v1/staff/legal/cases/5/close")).toHaveLength(1));
    expect(fake.callsTo("POST /api/v1/staff/legal/cases/5/close")[0]?.body).toEqual({ outcome: "paid_in_full" });
  }, 30_000);
});

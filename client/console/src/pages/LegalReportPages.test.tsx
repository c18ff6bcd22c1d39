import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { LegalCaseView, LegalReportView, TypicalCaseView } from "@warmline/shared";
import { describe, expect, it } from "vitest";
import { modal, rowWith } from "../test/antd";
import { apiError, json } from "../test/fakeFetch";
import { signedInAs, staffWith } from "../test/fixtures";
import { renderApp } from "../test/renderApp";

const SLOW = { timeout: 15_000 };

function open(path: string, role: Parameters<typeof staffWith>[0]) {
  const { fake } = renderApp(path);
  signedInAs(fake, staffWith(role));
  fake.on(
    "GET /api/v1/staff/alerts/summary",
    ...Array.from({ length: 5 }, () => json(200, { open: 0, latestAt: null })),
  );
  return fake;
}

const closedCase: LegalCaseView = {
  id: 5,
  caseNo: "FW2026120300005",
  accountId: 31,
  accountNo: "MLX000031",
  ownerName: "欧*娜",
  communityName: "民乐花园",
  address: "民乐花园3号楼2单元301",
  state: "closed",
  stateLabel: "结案",
  outcome: "judgment",
  owedFen: 345_600,
  principalFen: 330_000,
  oldestDueDate: "2025-10-14",
  arrearsSeason: "2025-2026",
  reasons: [],
  openedAt: "2026-03-02T02:00:00.000Z",
  approvedOn: "2026-03-02",
  filedOn: "2026-03-06",
  courtName: "民乐县人民法院",
  courtReceiptNo: "R-1",
  hasScan: true,
  registeredOn: "2026-03-08",
  courtCaseNo: "（2026）甘0722民初123号",
  closedAt: "2026-06-01T02:00:00.000Z",
  deadlines: [],
  events: [],
  actions: [],
};

const SUGGESTION = {
  title: "典型案例：民乐花园3号楼住户欧阳某欠缴供热费移交法务",
  body: "民乐花园3号楼住户欧阳某，欠缴2025-2026供热季供热费，累计欠费 3456.00 元（含滞纳金）。",
};

function typical(over: Partial<TypicalCaseView> = {}): TypicalCaseView {
  return {
    id: 9,
    caseId: 5,
    caseNo: "FW2026120300005",
    communityId: 2,
    communityName: "民乐花园",
    ...SUGGESTION,
    state: "draft",
    stateLabel: "待审核",
    authorName: "周律",
    reviewerName: null,
    reviewedAt: null,
    rejectReason: null,
    noticeId: null,
    createdAt: "2026-06-02T02:00:00.000Z",
    updatedAt: "2026-06-02T02:00:00.000Z",
    ...over,
  };
}

describe("典型案例 on a closed case", () => {
  it("starts from the generated anonymized text, edits it and submits it for review", async () => {
    const fake = open("/legal/cases/5", "legal_officer");
    fake.on("GET /api/v1/staff/legal/cases/5", json(200, closedCase), json(200, closedCase));
    fake.on("GET /api/v1/staff/legal/cases/5/packets", json(200, { items: [] }), json(200, { items: [] }));
    fake.on(
      "GET /api/v1/staff/legal/cases/5/typical-case",
      json(200, { item: null, suggestion: SUGGESTION, unavailableReason: null }),
      json(200, { item: typical(), suggestion: SUGGESTION, unavailableReason: null }),
    );
    fake.on("POST /api/v1/staff/legal/cases/5/typical-case", json(201, typical()));
    const title = await screen.findByDisplayValue(SUGGESTION.title, undefined, SLOW);
    const panel = title.closest(".legal-typical-panel") as HTMLElement;
    const body = within(panel).getByDisplayValue(SUGGESTION.body);
    await userEvent.type(body, "现已结清。");
    await userEvent.click(within(panel).getByRole("button", { name: "提交审核" }));
    await waitFor(() => expect(fake.callsTo("POST /api/v1/staff/legal/cases/5/typical-case")).toHaveLength(1));
    expect(fake.callsTo("POST /api/v1/staff/legal/cases/5/typical-case")[0]?.body).toEqual({
      title: SUGGESTION.title,
      body: `${SUGGESTION.body}现已结清。`,
    });
    expect(await within(panel).findByText("待审核")).toBeTruthy();
    // a legal officer does not review
    expect(within(panel).queryByRole("button", { name: "通过并发布" })).toBeNull();
  }, 30_000);

  it("names what leaked when the server refuses the text", async () => {
    const fake = open("/legal/cases/5", "legal_officer");
    fake.on("GET /api/v1/staff/legal/cases/5", json(200, closedCase));
    fake.on("GET /api/v1/staff/legal/cases/5/packets", json(200, { items: [] }));
    fake.on(
      "GET /api/v1/staff/legal/cases/5/typical-case",
      json(200, { item: null, suggestion: SUGGESTION, unavailableReason: null }),
      json(200, { item: null, suggestion: SUGGESTION, unavailableReason: null }),
    );
    fake.on(
      "POST /api/v1/staff/legal/cases/5/typical-case",
      apiError(422, "TYPICAL_CASE_LEAK", "典型案例不能含有住户全名", { leaks: ["name"], labels: ["住户全名或名字"] }),
    );
    const title = await screen.findByDisplayValue(SUGGESTION.title, undefined, SLOW);
    const panel = title.closest(".legal-typical-panel") as HTMLElement;
    await userEvent.click(within(panel).getByRole("button", { name: "提交审核" }));
    expect(await screen.findByText(/住户全名或名字/)).toBeTruthy();
  }, 30_000);
});

describe("典型案例审核", () => {
  it("a supervisor approves a draft: it is published", async () => {
    const fake = open("/legal/typical-cases", "supervisor");
    fake.on(
      "GET /api/v1/staff/legal/typical-cases",
      json(200, { items: [typical()], total: 1, page: 1, pageSize: 20 }),
      json(200, { items: [], total: 0, page: 1, pageSize: 20 }),
    );
    fake.on(
      "POST /api/v1/staff/legal/typical-cases/9/approve",
      json(200, typical({ state: "published", stateLabel: "已审核发布", noticeId: 41 })),
    );
    const row = await rowWith("FW2026120300005");
    expect(row.textContent).toContain("欧阳某");
    await userEvent.click(within(row).getByRole("button", { name: "通过并发布" }));
    const dialog = await modal("审核通过并发布");
    await userEvent.click(within(dialog).getByRole("button", { name: "通过并发布" }));
    await waitFor(() => expect(fake.callsTo("POST /api/v1/staff/legal/typical-cases/9/approve")).toHaveLength(1));
  }, 30_000);

  it("sends one back with a reason", async () => {
    const fake = open("/legal/typical-cases", "supervisor");
    fake.on(
      "GET /api/v1/staff/legal/typical-cases",
      json(200, { items: [typical()], total: 1, page: 1, pageSize: 20 }),
      json(200, { items: [], total: 0, page: 1, pageSize: 20 }),
    );
    fake.on(
      "POST /api/v1/staff/legal/typical-cases/9/reject",
      json(200, typical({ state: "rejected", stateLabel: "未通过审核", rejectReason: "结果描述过于简略" })),
    );
    const row = await rowWith("FW2026120300005");
    await userEvent.click(within(row).getByRole("button", { name: "不通过" }));
    const dialog = await modal("审核不通过");
    await userEvent.type(within(dialog).getByRole("textbox"), "结果描述过于简略");
    await userEvent.click(within(dialog).getByRole("button", { name: "不通过" }));
    await waitFor(() => expect(fake.callsTo("POST /api/v1/staff/legal/typical-cases/9/reject")).toHaveLength(1));
    expect(fake.callsTo("POST /api/v1/staff/legal/typical-cases/9/reject")[0]?.body).toEqual({
      reason: "结果描述过于简略",
    });
  }, 30_000);
});

const report: LegalReportView = {
  from: null,
  to: null,
  season: null,
  totalCases: 6,
  byState: [
    { state: "pending_review", label: "待审查", count: 1 },
    { state: "approved", label: "已批准移交", count: 2 },
    { state: "exported", label: "材料已导出", count: 0 },
    { state: "filed", label: "已提交法院", count: 0 },
    { state: "litigating", label: "已立案/诉讼中", count: 1 },
    { state: "closed", label: "结案", count: 2 },
  ],
  submit: { met: 1, counted: 3, late: 2, pending: 0, calendarMissing: 1 },
  litigate: { met: 0, counted: 0, late: 0, pending: 2, calendarMissing: 0 },
  recovered: {
    totalFen: 127_000,
    owedFen: 460_000,
    byOutcome: [
      { outcome: "paid_in_full", label: "已全额缴清", cases: 1, owedFen: 100_000, recoveredFen: 100_000 },
      { outcome: "open", label: "未结案", cases: 4, owedFen: 330_000, recoveredFen: 27_000 },
    ],
  },
  generatedAt: "2026-12-03T02:00:00.000Z",
};

describe("法务报表", () => {
  it("shows n / N of each deadline, the states and the amounts; asks for a season", async () => {
    const fake = open("/legal/reports", "legal_officer");
    fake.on("GET /api/v1/staff/legal/reports", json(200, report), json(200, { ...report, season: "2025-2026" }));
    expect(await screen.findByText("1 / 3（33.3%）", undefined, SLOW)).toBeTruthy();
    expect(screen.getByText("暂无")).toBeTruthy();
    expect(screen.getByText("¥1,270.00")).toBeTruthy();
    expect((await rowWith("已批准移交")).textContent).toContain("2");
    await userEvent.click(screen.getByText("按供热季"));
    await waitFor(() => expect(fake.callsTo("GET /api/v1/staff/legal/reports")).toHaveLength(2));
    expect(fake.callsTo("GET /api/v1/staff/legal/reports")[1]?.url).toMatch(/season=\d{4}-\d{4}/);
  }, 30_000);
});

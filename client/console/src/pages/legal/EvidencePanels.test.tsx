import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ChainVerifyView, FinalNoticeView, LegalCaseView } from "@warmline/shared";
import { describe, expect, it } from "vitest";
import { modal } from "../../test/antd";
import { json } from "../../test/fakeFetch";
import { signedInAs, staffWith } from "../../test/fixtures";
import { renderApp } from "../../test/renderApp";

const SLOW = { timeout: 15_000 };

const legalCase: LegalCaseView = {
  id: 5,
  caseNo: "FW2026120300005",
  accountId: 31,
  accountNo: "MLX000031",
  ownerName: "王*国",
  communityName: "民乐花园",
  address: "民乐花园3号楼2单元301",
  state: "pending_review",
  stateLabel: "待审查",
  outcome: null,
  owedFen: 345_600,
  principalFen: 330_000,
  oldestDueDate: "2025-10-14",
  arrearsSeason: "2025-2026",
  reasons: [],
  openedAt: "2026-12-03T02:00:00.000Z",
  approvedOn: null,
  filedOn: null,
  courtName: null,
  courtReceiptNo: null,
  hasScan: false,
  registeredOn: null,
  courtCaseNo: null,
  closedAt: null,
  deadlines: [],
  events: [],
  actions: ["close"],
};

const notice = (over: Partial<FinalNoticeView> = {}): FinalNoticeView => ({
  id: 7,
  caseId: 5,
  noticeNo: "CG2026120300005-1",
  owedFen: 351_200,
  principalFen: 330_000,
  asOf: "2026-12-03",
  payBy: "2026-12-13",
  seasons: ["2025-2026"],
  sha256: "a".repeat(64),
  size: 40_000,
  generatedBy: "周律",
  generatedAt: "2026-12-03T03:00:00.000Z",
  sendState: "unsent",
  sendStateLabel: "未发送",
  channels: [],
  sentBy: null,
  sentAt: null,
  deliveries: [],
  pdfUrl: "/api/v1/files/f.7.1.sig.pdf",
  ...over,
});

function open() {
  const { fake } = renderApp("/legal/cases/5");
  signedInAs(fake, staffWith("legal_officer"));
  fake.on(
    "GET /api/v1/staff/alerts/summary",
    ...Array.from({ length: 5 }, () => json(200, { open: 0, latestAt: null })),
  );
  fake.on("GET /api/v1/staff/legal/cases/5", ...Array.from({ length: 5 }, () => json(200, legalCase)));
  fake.on("GET /api/v1/staff/legal/cases/5/packets", ...Array.from({ length: 5 }, () => json(200, { items: [] })));
  return fake;
}

describe("催告函 and 证据链 on the case page", () => {
  it("generates a notice, sends it once and shows the record of the send", async () => {
    const fake = open();
    const sent = notice({
      sendState: "sent",
      sendStateLabel: "已发送",
      channels: ["sms"],
      sentBy: "周律",
      sentAt: "2026-12-03T03:05:00.000Z",
      deliveries: [
        {
          channel: "sms",
          result: "sent",
          vendorMessageId: "BIZ-1",
          detail: "尾号1234",
          at: "2026-12-03T03:05:00.000Z",
        },
      ],
    });
    fake.on(
      "GET /api/v1/staff/legal/cases/5/final-notices",
      json(200, { items: [], allowed: true, payDays: 10 }),
      json(200, { items: [notice()], allowed: true, payDays: 10 }),
      ...Array.from({ length: 4 }, () => json(200, { items: [sent], allowed: true, payDays: 10 })),
    );
    fake.on("POST /api/v1/staff/legal/cases/5/final-notices", json(201, notice()));
    fake.on("POST /api/v1/staff/legal/cases/5/final-notices/7/send", json(200, { ...sent, duplicate: false }));
    expect(await screen.findByText("尚未生成催告函", undefined, SLOW)).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: /生成催告函/ }));
    await waitFor(() => expect(fake.callsTo("POST /api/v1/staff/legal/cases/5/final-notices")).toHaveLength(1));
    expect(await screen.findByText("CG2026120300005-1", undefined, SLOW)).toBeTruthy();
    expect(screen.getByText("¥3,512.00")).toBeTruthy();
    const pdf = screen.getByRole("link", { name: /查看\/下载/ });
    expect(pdf.getAttribute("href")).toContain("/api/v1/files/f.7.1.sig.pdf");
    await userEvent.click(screen.getByRole("button", { name: /发\s*送/ }));
    const dialog = await modal("发送催告函");
    expect(dialog.textContent).toContain("2026-12-13");
    await userEvent.click(within(dialog).getByRole("button", { name: /发\s*送/ }));
    await waitFor(() => expect(fake.callsTo("POST /api/v1/staff/legal/cases/5/final-notices/7/send")).toHaveLength(1));
    expect(await screen.findByText(/短信：已发送（回执 BIZ-1）/, undefined, SLOW)).toBeTruthy();
    expect(screen.queryByRole("button", { name: /^发\s*送$/ })).toBeNull();
  }, 40_000);

  it("校验证据链 shows OK, or the first broken row", async () => {
    const fake = open();
    fake.on(
      "GET /api/v1/staff/legal/cases/5/final-notices",
      ...Array.from({ length: 5 }, () => json(200, { items: [], allowed: true, payDays: 10 })),
    );
    const chains: ChainVerifyView["chains"] = [
      { table: "home_visits", tableLabel: "入户走访记录", chainKey: "home_visits:31", rows: 2, ok: true },
      { table: "reminders", tableLabel: "催缴提醒", chainKey: "reminders:31", rows: 1, ok: false },
    ];
    fake.on(
      "POST /api/v1/staff/legal/cases/5/verify-chain",
      json(200, {
        ok: true,
        checkedAt: "2026-12-03T03:00:00.000Z",
        chains: chains.map((c) => ({ ...c, ok: true })),
        broken: null,
      }),
      json(200, {
        ok: false,
        checkedAt: "2026-12-03T03:01:00.000Z",
        chains,
        broken: {
          table: "reminders",
          tableLabel: "催缴提醒",
          chainKey: "reminders:31",
          rowId: 88,
          reason: "hash_mismatch",
          reasonLabel: "记录内容与哈希不符（记录被修改）",
          expected: "b".repeat(64),
          stored: "c".repeat(64),
        },
      }),
    );
    const button = await screen.findByRole("button", { name: /校验证据链/ }, SLOW);
    await userEvent.click(button);
    expect(await screen.findByText("证据链完整：未发现被改动的记录", undefined, SLOW)).toBeTruthy();
    expect(screen.getByText("入户走访记录：2 条")).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: /校验证据链/ }));
    expect(await screen.findByText("证据链断裂：催缴提醒 第 88 条记录", undefined, SLOW)).toBeTruthy();
    expect(screen.getByText("记录内容与哈希不符（记录被修改）")).toBeTruthy();
    expect(screen.getByText("b".repeat(64))).toBeTruthy();
    expect(screen.getByText("c".repeat(64))).toBeTruthy();
  }, 40_000);
});

import { describe, expect, it } from "vitest";
import {
  compareNotices,
  NoticeInputSchema,
  type NoticeScope,
  noticePlainText,
  noticeState,
  noticeVisibleTo,
  parseNoticeBody,
  type ResidentPlaces,
} from "./notices";

const T = (s: string) => new Date(s);
const NOW = T("2026-12-03T02:00:00Z"); // 10:00 in Beijing

function notice(over: Partial<NoticeScope> = {}): NoticeScope {
  return {
    audience: "all",
    communityIds: [],
    stationIds: [],
    publishAt: T("2026-12-01T00:00:00Z"),
    expireAt: null,
    withdrawnAt: null,
    ...over,
  };
}

const NOWHERE: ResidentPlaces = { communityIds: [], stationIds: [] };
const IN_C1_S7: ResidentPlaces = { communityIds: [1], stationIds: [7] };

describe("noticeVisibleTo: who sees a notice, and when", () => {
  const cases: [string, Partial<NoticeScope>, ResidentPlaces, boolean][] = [
    ["to everyone, no binding", {}, NOWHERE, true],
    ["to everyone, bound", {}, IN_C1_S7, true],
    ["to community 1, bound there", { audience: "communities", communityIds: [3, 1] }, IN_C1_S7, true],
    ["to community 2, bound in 1", { audience: "communities", communityIds: [2] }, IN_C1_S7, false],
    ["to community 1, no binding", { audience: "communities", communityIds: [1] }, NOWHERE, false],
    ["to station 7, bound to a building of 7", { audience: "stations", stationIds: [7] }, IN_C1_S7, true],
    ["to station 8, bound to a building of 7", { audience: "stations", stationIds: [8] }, IN_C1_S7, false],
    // a station id that equals a community id is still a different place
    ["to station 1, bound in community 1 (station 7)", { audience: "stations", stationIds: [1] }, IN_C1_S7, false],
    ["to station 7, no binding", { audience: "stations", stationIds: [7] }, NOWHERE, false],
    ["published in an hour", { publishAt: T("2026-12-03T03:00:00Z") }, NOWHERE, false],
    ["published this instant", { publishAt: NOW }, NOWHERE, true],
    ["expires this instant", { expireAt: NOW }, NOWHERE, false],
    ["expires in a minute", { expireAt: T("2026-12-03T02:01:00Z") }, NOWHERE, true],
    ["withdrawn", { withdrawnAt: T("2026-12-02T00:00:00Z") }, IN_C1_S7, false],
  ];
  for (const [name, over, places, visible] of cases) {
    it(`${name}: ${visible ? "seen" : "not seen"}`, () => {
      expect(noticeVisibleTo(notice(over), places, NOW)).toBe(visible);
    });
  }

  it("states: withdrawn before scheduled or expired", () => {
    expect(noticeState(notice({ publishAt: T("2027-01-01T00:00:00Z") }), NOW)).toBe("scheduled");
    expect(noticeState(notice({ expireAt: T("2026-12-02T00:00:00Z") }), NOW)).toBe("expired");
    expect(noticeState(notice({ expireAt: T("2026-12-02T00:00:00Z"), withdrawnAt: NOW }), NOW)).toBe("withdrawn");
    expect(noticeState(notice(), NOW)).toBe("current");
  });
});

describe("compareNotices", () => {
  it("pinned first, then newest publication, then higher id", () => {
    const rows = [
      { id: 1, pinned: false, publishAt: T("2026-12-02T00:00:00Z") },
      { id: 2, pinned: true, publishAt: T("2026-11-01T00:00:00Z") },
      { id: 3, pinned: false, publishAt: T("2026-12-03T00:00:00Z") },
      { id: 4, pinned: false, publishAt: T("2026-12-02T00:00:00Z") },
    ];
    expect(rows.sort(compareNotices).map((r) => r.id)).toEqual([2, 3, 4, 1]);
  });
});

describe("parseNoticeBody: paragraphs, bold and lists only", () => {
  it("splits paragraphs on blank lines and keeps list items together", () => {
    const blocks = parseNoticeBody("第一段**重要**内容\n续行\n\n- 一号楼\n• 二号楼\n\n结尾");
    expect(blocks).toEqual([
      {
        type: "p",
        lines: [
          [
            { text: "第一段", bold: false },
            { text: "重要", bold: true },
            { text: "内容", bold: false },
          ],
          [{ text: "续行", bold: false }],
        ],
      },
      { type: "ul", items: [[{ text: "一号楼", bold: false }], [{ text: "二号楼", bold: false }]] },
      { type: "p", lines: [[{ text: "结尾", bold: false }]] },
    ]);
  });

  it("keeps markup it does not know as typed text (nothing becomes HTML)", () => {
    const blocks = parseNoticeBody('<img src=x onerror="alert(1)"> **未闭合');
    expect(blocks).toEqual([
      { type: "p", lines: [[{ text: '<img src=x onerror="alert(1)"> **未闭合', bold: false }]] },
    ]);
  });

  it("plain text drops the marks", () => {
    expect(noticePlainText("**停热**通知\n\n- 1号楼\n- 2号楼")).toBe("停热通知 1号楼；2号楼");
  });
});

describe("NoticeInputSchema", () => {
  const base = { title: "停热检修", body: "正文", kind: "outage", audience: "stations", stationIds: [3] };
  it("needs a target for a community or station audience", () => {
    expect(NoticeInputSchema.safeParse({ ...base, stationIds: [] }).success).toBe(false);
    expect(NoticeInputSchema.safeParse(base).success).toBe(true);
  });
  it("refuses an expiry before publication", () => {
    const r = NoticeInputSchema.safeParse({
      ...base,
      publishAt: "2026-12-03T00:00:00Z",
      expireAt: "2026-12-02T00:00:00Z",
    });
    expect(r.success).toBe(false);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { allDrafts, dataUrlToBlob, loadDraft, saveDraft, type VisitDraft } from "./visitDraft";

const PNG_1x1 =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

function draft(over: Partial<VisitDraft> = {}): VisitDraft {
  return {
    accountId: 42,
    clientKey: "draft-key-0001",
    startedAt: "2026-12-03T01:00:00.000Z",
    kind: "care",
    outcome: "met_owner",
    policyExplained: [],
    photos: [],
    savedAt: "2026-12-03T01:00:00.000Z",
    ...over,
  };
}

afterEach(() => localStorage.clear());

describe("visit drafts", () => {
  it("decodes a base64 data URL without fetch (the console's CSP refuses fetching data: URLs)", async () => {
    const blob = await dataUrlToBlob(PNG_1x1);
    expect(blob.type).toBe("image/png");
    const bytes = new Uint8Array(await blob.arrayBuffer());
    expect([...bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(bytes.length).toBe(70);
    await expect(dataUrlToBlob("not a data url")).rejects.toThrow();
  });

  it("keeps the resident's signature in the draft across a reload", () => {
    saveDraft(7, draft({ signature: { dataUrl: PNG_1x1 } }));
    expect(loadDraft(7, 42)?.signature).toEqual({ dataUrl: PNG_1x1 });
    expect(allDrafts(7)).toHaveLength(1);
    expect(allDrafts(8)).toHaveLength(0);
  });
});

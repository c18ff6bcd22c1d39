import { describe, expect, it, vi } from "vitest";
import { openInBrowser, platformPdf } from "./pdfFile.h5";

const URL = "http://host/api/v1/files/inv-9.pdf?sig=abc";

describe("H5 platformPdf", () => {
  it("opens the PDF in a new tab and cuts the tab's handle on this page", async () => {
    const tab = { opener: window } as unknown as Window;
    const open = vi.spyOn(window, "open").mockImplementation(() => tab);
    const assign = vi.spyOn(window.location, "assign").mockImplementation(() => undefined);
    await expect(platformPdf.open(URL)).resolves.toEqual({ kind: "opened" });
    expect(open).toHaveBeenCalledWith(URL, "_blank");
    expect(tab.opener).toBeNull();
    expect(assign).not.toHaveBeenCalled();
  });

  it("goes to the PDF in this tab when the popup is blocked", () => {
    const win = { open: vi.fn(() => null), location: { assign: vi.fn() } };
    expect(openInBrowser(URL, win)).toEqual({ kind: "opened" });
    expect(win.location.assign).toHaveBeenCalledWith(URL);
  });

  it("also when window.open throws", () => {
    const win = {
      open: vi.fn(() => {
        throw new Error("blocked");
      }),
      location: { assign: vi.fn() },
    };
    openInBrowser(URL, win);
    expect(win.location.assign).toHaveBeenCalledWith(URL);
  });
});

import type { OpenOutcome, PlatformPdf } from "./pdfFile";

type BrowserWindow = Pick<Window, "open"> & { location: Pick<Location, "assign"> };

/**
 * H5: the browser shows the PDF itself, in a new tab. A popup blocker (the link arrives after a request,
 * so the tap no longer counts) makes window.open return null: then this tab goes to the PDF instead.
 */
export function openInBrowser(url: string, win: BrowserWindow = window): OpenOutcome {
  let tab: Window | null = null;
  try {
    tab = win.open(url, "_blank");
  } catch {
    tab = null;
  }
  if (tab) {
    try {
      tab.opener = null; // the PDF tab gets no handle on this one
    } catch {
      // cross-origin already: nothing to clear
    }
    return { kind: "opened" };
  }
  win.location.assign(url);
  return { kind: "opened" };
}

export const platformPdf: PlatformPdf = {
  open: (url) => Promise.resolve(openInBrowser(url)),
};

import { downloadAndOpenPdf } from "./nativePdf";
import type { PlatformPdf } from "./pdfFile";

/** WeChat mini-program: wx.downloadFile, then wx.openDocument. */
export const platformPdf: PlatformPdf = {
  open: downloadAndOpenPdf,
};

import { downloadAndOpenPdf } from "./nativePdf";
import type { PlatformPdf } from "./pdfFile";

/** Alipay mini-program: my.downloadFile, then my.openDocument. */
export const platformPdf: PlatformPdf = {
  open: downloadAndOpenPdf,
};

/** What became of opening a PDF. */
export type OpenOutcome = { kind: "opened" } | { kind: "failed"; message: string };

/**
 * How this platform shows a PDF the API serves without an Authorization header (an invoice). The build
 * picks pdfFile.weapp.ts, pdfFile.alipay.ts or pdfFile.h5.ts for `import "./pdfFile"`; this file is the
 * shared type and the fallback. Only types may be shared from here: the build replaces this whole module
 * per platform.
 */
export interface PlatformPdf {
  /** Opens the PDF at an absolute URL (see resolveApiUrl). */
  open(url: string): Promise<OpenOutcome>;
}

export const platformPdf: PlatformPdf = {
  open: () => Promise.resolve({ kind: "failed", message: "当前平台暂不支持查看发票文件" }),
};

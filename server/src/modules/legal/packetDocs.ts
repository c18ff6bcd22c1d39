import { PassThrough, type Readable } from "node:stream";
import ExcelJS from "exceljs";
import PDFDocument from "pdfkit";
import type { Deps } from "../../deps";
import { resolvePdfFont } from "../invoices";

/** "2026-12-03 18:05" in Beijing time */
export function bjTime(d: Date | string | null | undefined): string {
  if (!d) return "";
  const t = typeof d === "string" ? new Date(d) : d;
  return new Date(t.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace("T", " ");
}

/** 205 → "20.5℃" */
export const celsius = (c10: number | null | undefined) => (c10 == null ? "" : `${(c10 / 10).toFixed(1)}℃`);

/** A4 PDF with the CJK font, as a stream (the caller writes, ends it, and the ZIP reads it as it comes). */
export function cjkPdf(deps: Deps, title: string): PDFKit.PDFDocument {
  const doc = new PDFDocument({
    size: "A4",
    margin: 50,
    lang: "zh-CN",
    displayTitle: true,
    info: { Title: title, Author: deps.config.invoices.seller.name, Creator: "暖线" },
  });
  doc.registerFont("cjk", resolvePdfFont(deps.config.invoices.fontFile));
  doc.font("cjk");
  return doc;
}

export function heading(doc: PDFKit.PDFDocument, text: string): void {
  if (doc.y > 720) doc.addPage();
  doc.moveDown(0.6).fontSize(13).text(text).moveDown(0.2).fontSize(10);
}

export function lines(doc: PDFKit.PDFDocument, rows: string[], empty = "（无）"): void {
  if (rows.length === 0) doc.text(empty);
  for (const r of rows) doc.text(r);
}

export interface Sheet {
  name: string;
  columns: { header: string; key: string; width?: number }[];
  rows: Iterable<Record<string, string | number | null>>;
}

/**
 * An XLSX written with ExcelJS's streaming writer into a stream (rows committed one by one), for the ZIP to
 * read as it is produced.
 */
export function xlsxStream(sheets: Sheet[]): Readable {
  const out = new PassThrough();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  void (async () => {
    for (const s of sheets) {
      const ws = wb.addWorksheet(s.name);
      ws.columns = s.columns.map((c) => ({ header: c.header, key: c.key, width: c.width ?? 16 }));
      for (const r of s.rows) ws.addRow(r).commit();
      ws.commit();
    }
    await wb.commit();
  })().catch((e: Error) => out.destroy(e));
  return out;
}

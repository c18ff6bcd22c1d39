/**
 * PDF documents: the 电子发票（普通发票） a resident downloads, and the 缴费收据 printed at the window.
 *
 * pdfkit embeds a subset of one TTF/OTF/TTC with Chinese glyphs (default: Noto Sans SC Regular from
 * @expo-google-fonts/noto-sans-sc); text stays real text, so pdftotext and screen readers can read it.
 * The layout works in PDF points (1/72 in) with the page margin handled here (pdfkit's margin is 0, so
 * pdfkit never starts a second page on its own).
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import { fenToCapitals, fenToYuan, type InvoiceItem, shanghaiDate, yuanToFen } from "@warmline/shared";
import PDFDocument from "pdfkit";
import QRCode from "qrcode";
import { unitPriceExTax } from "./items";

/** Items carry the tax-inclusive unit price; the document prints it without tax, like the 金额 column. */
function printedUnitPrice(it: InvoiceItem): string {
  const rule =
    it.taxTreatment === "taxable"
      ? { treatment: "taxable" as const, rateBp: it.taxRateBp }
      : { treatment: it.taxTreatment };
  return unitPriceExTax(yuanToFen(it.unitPrice as string), rule);
}

export interface InvoiceDocument {
  kind: "blue" | "red";
  /** 发票号码 (20 digits) */
  invoiceNo: string;
  issuedAt: Date;
  buyer: { kind: "personal" | "company"; name: string; taxId: string | null };
  seller: { name: string; taxId: string; address: string; bankAccount: string };
  items: InvoiceItem[];
  /** 价税合计 (negative on red invoices) */
  totalFen: number;
  taxFen: number;
  /** red invoices: the blue invoice they reverse (and the 红字发票信息确认单 when known) */
  original?: { invoiceNo: string; issuedAt: Date; confirmationNo?: string | null } | null;
  remark?: string | null;
  /** 开票人 */
  clerk: string;
  /** content of the QR code printed top left: the platform's, as it returned it */
  qrText: string;
  /**
   * a sandbox specimen (沙箱样张): the text is printed as a red banner under the title and across the
   * page, so the document can never pass for a real invoice. Null/absent on nothing else: real invoices are
   * the platform's own documents and are never rendered here.
   */
  specimen?: string | null;
}

/** the mark every document the sandbox platform (or our stand-in for it) produces carries */
export const SANDBOX_SPECIMEN_MARK = "沙箱样张，非正式发票";

export interface ReceiptDocument {
  receiptNo: string;
  outTradeNo: string;
  /** 收款单位 */
  org: string;
  accountNo: string;
  ownerName: string;
  address: string;
  /** e.g. "银行专窗（现金）" */
  channelLabel: string;
  /** the payment; must equal the sum of the lines */
  amountFen: number;
  paidAt: Date;
  /** 收款人 */
  cashier: string;
  lines: { season: string; principalFen: number; lateFeeFen: number }[];
}

export interface PdfOptions {
  /** a TTF/OTF/TTC with Chinese glyphs; default: the bundled Noto Sans SC Regular */
  fontFile?: string | null;
  /** PostScript name of the font inside a TTC; default: the collection's first font */
  fontFamily?: string | null;
}

const require = createRequire(import.meta.url);
const DEFAULT_FONT = "@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf";

/**
 * The font file PDFs will embed: `fontFile` when given, else the bundled Noto Sans SC. Throws when the file
 * is missing or not a TTF/OTF/TTC (WOFF/WOFF2 embed blank glyphs), so the server can check it at startup.
 */
export function resolvePdfFont(fontFile?: string | null): string {
  let file: string;
  if (fontFile) file = fontFile;
  else {
    try {
      file = require.resolve(DEFAULT_FONT);
    } catch (e) {
      throw new Error(`PDF font: ${DEFAULT_FONT} is not installed (${(e as Error).message})`);
    }
  }
  let head: Buffer;
  try {
    const fd = fs.openSync(file, "r");
    try {
      head = Buffer.alloc(4);
      fs.readSync(fd, head, 0, 4, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    throw new Error(`PDF font: cannot read ${file} (${(e as Error).message})`);
  }
  fontKind(head, file);
  return file;
}

function fontKind(head: Buffer, file: string): "sfnt" | "ttc" {
  const tag = head.toString("latin1", 0, 4);
  if (tag === "ttcf") return "ttc";
  if (tag === "OTTO" || tag === "true" || head.readUInt32BE(0) === 0x00010000) return "sfnt";
  if (tag === "wOFF" || tag === "wOF2")
    throw new Error(`PDF font: ${file} is WOFF/WOFF2; convert it to TTF (woff2_decompress) or use a TTF/TTC`);
  throw new Error(`PDF font: ${file} is not a TrueType/OpenType font or collection`);
}

interface LoadedFont {
  data: Buffer;
  /** PostScript name for collections (fontkit picks the font from a TTC by it) */
  family?: string;
}

/** Font files read once per process (10 MB for Noto Sans SC), keyed by path and chosen family. */
const fontCache = new Map<string, LoadedFont>();

function loadFont(opts: PdfOptions | undefined): LoadedFont {
  const file = resolvePdfFont(opts?.fontFile);
  const key = `${file}\0${opts?.fontFamily ?? ""}`;
  const cached = fontCache.get(key);
  if (cached) return cached;
  const data = fs.readFileSync(file);
  let loaded: LoadedFont = { data };
  if (fontKind(data, file) === "ttc") {
    const family = opts?.fontFamily ?? firstPostScriptName(data);
    if (!family) throw new Error(`PDF font: cannot read the font names of the collection ${file}`);
    loaded = { data, family };
  }
  fontCache.set(key, loaded);
  return loaded;
}

/** The PostScript name (name id 6) of the first font of a TrueType collection. */
function firstPostScriptName(ttc: Buffer): string | null {
  if (ttc.readUInt32BE(8) < 1) return null;
  const sfnt = ttc.readUInt32BE(12);
  const numTables = ttc.readUInt16BE(sfnt + 4);
  for (let i = 0; i < numTables; i++) {
    const rec = sfnt + 12 + i * 16;
    if (ttc.toString("latin1", rec, rec + 4) !== "name") continue;
    const table = ttc.readUInt32BE(rec + 8);
    const count = ttc.readUInt16BE(table + 2);
    const strings = table + ttc.readUInt16BE(table + 4);
    for (let j = 0; j < count; j++) {
      const r = table + 6 + j * 12;
      if (ttc.readUInt16BE(r + 6) !== 6) continue;
      const platform = ttc.readUInt16BE(r);
      const start = strings + ttc.readUInt16BE(r + 10);
      const raw = ttc.subarray(start, start + ttc.readUInt16BE(r + 8));
      if (platform === 1) return raw.toString("latin1");
      // Unicode / Windows platforms: UTF-16BE
      return Buffer.from(raw).swap16().toString("utf16le");
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// Drawing helpers

const FONT = "cjk";
/** the brown-red ink of the printed frame and labels of a 全电发票; values are black */
const INK = "#9c4a2a";
const BLACK = "#000000";
const RED = "#d01c1c";

type Doc = PDFKit.PDFDocument;
type Align = "left" | "center" | "right";

function newDocument(opts: PdfOptions | undefined, size: [number, number], info: PDFKit.DocumentInfo): Doc {
  const font = loadFont(opts);
  const doc = new PDFDocument({ size, margin: 0, info, lang: "zh-CN", displayTitle: true, autoFirstPage: true });
  doc.registerFont(FONT, font.data, font.family);
  doc.font(FONT);
  return doc;
}

function toBuffer(doc: Doc): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    doc.end();
  });
}

/**
 * Largest size ≤ size at which text fits in width on one line, down to 7 pt; text too long for that wraps,
 * at the largest size (down to 5 pt) at which the lines fit in height.
 */
function fitSize(doc: Doc, text: string, width: number, height: number, size: number): number {
  let s = size;
  while (s > 7 && doc.fontSize(s).widthOfString(text) > width) s -= 0.5;
  if (doc.fontSize(s).widthOfString(text) <= width) return s;
  s = size;
  while (s > 5 && doc.fontSize(s).heightOfString(text, { width, lineGap: 1 }) > height) s -= 0.5;
  return s;
}

interface TextBox {
  size?: number;
  color?: string;
  align?: Align;
  /** shrink the font so the text fits the box: on one line if it can (see fitSize), else wrapped */
  shrink?: boolean;
  /** faux bold: fill and stroke the glyph outlines */
  bold?: boolean;
  pad?: number;
}

/** Text vertically centred in the box x, y, w, h. Returns the height the text took. */
function textIn(doc: Doc, text: string, x: number, y: number, w: number, h: number, o: TextBox = {}): number {
  const pad = o.pad ?? 3;
  const width = Math.max(1, w - 2 * pad);
  let size = o.size ?? 9;
  if (o.shrink) size = fitSize(doc, text, width, h, size);
  doc.fontSize(size);
  const th = doc.heightOfString(text, { width, lineGap: 1 });
  const ty = y + Math.max(0, (h - th) / 2);
  doc.save();
  if (o.bold) doc.lineWidth(size / 40).strokeColor(o.color ?? BLACK);
  doc.fillColor(o.color ?? BLACK).text(text, x + pad, ty, {
    width,
    align: o.align ?? "left",
    lineGap: 1,
    fill: true,
    stroke: o.bold === true,
  });
  doc.restore();
  return th;
}

function measure(doc: Doc, text: string, width: number, size: number): number {
  return doc.fontSize(size).heightOfString(text, { width, lineGap: 1 });
}

function hline(doc: Doc, x1: number, x2: number, y: number, color = INK, width = 0.8): void {
  doc.save().lineWidth(width).strokeColor(color).moveTo(x1, y).lineTo(x2, y).stroke().restore();
}

function vline(doc: Doc, x: number, y1: number, y2: number, color = INK, width = 0.8): void {
  doc.save().lineWidth(width).strokeColor(color).moveTo(x, y1).lineTo(x, y2).stroke().restore();
}

/** Characters stacked top to bottom, centred in the box (the 购买方信息 / 备注 side labels). */
function verticalLabel(doc: Doc, label: string, x: number, y: number, w: number, h: number, size = 9): void {
  const chars = [...label];
  const step = Math.min(size * 1.25, h / chars.length);
  const top = y + (h - step * chars.length) / 2;
  doc.save().fontSize(size).fillColor(INK);
  chars.forEach((c, i) => {
    doc.text(c, x, top + i * step + (step - size * 1.2) / 2, { width: w, align: "center", lineBreak: false });
  });
  doc.restore();
}

/** A title with the double rule beneath it, centred on the page. Returns the y below the rules. */
function title(doc: Doc, text: string, y: number, size: number, color: string): number {
  const pageW = doc.page.width;
  doc.fontSize(size);
  const w = doc.widthOfString(text);
  const h = doc.currentLineHeight();
  textIn(doc, text, (pageW - w) / 2 - 10, y, w + 20, h, { size, color, align: "center", bold: true, pad: 0 });
  const ruleW = w + 16;
  hline(doc, (pageW - ruleW) / 2, (pageW + ruleW) / 2, y + h + 2, color, 0.9);
  hline(doc, (pageW - ruleW) / 2, (pageW + ruleW) / 2, y + h + 4.5, color, 0.9);
  return y + h + 6;
}

/** The ⊗ printed before amounts in capitals. */
function circledCross(doc: Doc, cx: number, cy: number, r: number): void {
  const d = r * Math.SQRT1_2;
  doc.save().lineWidth(0.7).strokeColor(BLACK);
  doc.circle(cx, cy, r).stroke();
  doc
    .moveTo(cx - d, cy - d)
    .lineTo(cx + d, cy + d)
    .moveTo(cx - d, cy + d)
    .lineTo(cx + d, cy - d)
    .stroke();
  doc.restore();
}

/** QR code as vector squares (runs of dark modules merged per row). */
function qrCode(doc: Doc, text: string, x: number, y: number, size: number): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
  const n = modules.size;
  const m = size / n;
  doc.save().fillColor(BLACK);
  for (let row = 0; row < n; row++) {
    let col = 0;
    while (col < n) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < n && modules.get(row, col)) col++;
      // a hair wider than the module so neighbouring squares do not leave white seams
      doc.rect(x + start * m, y + row * m, (col - start) * m + 0.05, m + 0.05);
    }
  }
  doc.fill();
  doc.restore();
}

/** "2026年11月27日" (Asia/Shanghai) */
function cnDate(d: Date): string {
  const [y, m, day] = shanghaiDate(d).split("-");
  return `${y}年${m}月${day}日`;
}

/** "2026年11月27日 14:05:09" (Asia/Shanghai, which has no daylight saving time) */
function cnDateTime(d: Date): string {
  const time = new Date(d.getTime() + 8 * 3600_000).toISOString().slice(11, 19);
  return `${cnDate(d)} ${time}`;
}

/** 9 % → "9%", 1300 bp → "13%", 150 bp → "1.5%" */
function rateLabel(item: InvoiceItem): string {
  if (item.taxTreatment === "exempt") return "免税";
  if (item.taxTreatment === "non_taxable") return "不征税";
  return `${item.taxRateBp / 100}%`;
}

function taxLabel(item: InvoiceItem): string {
  return item.taxTreatment === "taxable" ? fenToYuan(item.taxFen) : "***";
}

// ---------------------------------------------------------------------------------------------------------
// 电子发票（普通发票）

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 36;

/** Item table columns (widths in points, summing to the frame width 523.28). */
const COLUMNS: { title: string; width: number; align: Align }[] = [
  { title: "项目名称", width: 122, align: "left" },
  { title: "规格型号", width: 82, align: "left" },
  { title: "单位", width: 38, align: "center" },
  { title: "数量", width: 46, align: "right" },
  { title: "单价", width: 48, align: "right" },
  { title: "金额", width: 64, align: "right" },
  { title: "税率/征收率", width: 58, align: "center" },
  { title: "税额", width: 65.28, align: "right" },
];

/** Render a 全电 invoice (电子发票（普通发票）) on one A4 page. */
export async function renderInvoicePdf(doc: InvoiceDocument, opts?: PdfOptions): Promise<Buffer> {
  const red = doc.kind === "red";
  const name = "电子发票（普通发票）";
  const pdf = newDocument(opts, A4, {
    Title: `${name} ${doc.invoiceNo}${red ? "（红字）" : ""}`,
    Subject: `${doc.seller.name} ${red ? "红字" : "蓝字"}发票 ${doc.invoiceNo}`,
    Author: doc.seller.name,
    Creator: "暖线",
    Keywords: doc.invoiceNo,
  });
  const L = MARGIN;
  const W = A4[0] - 2 * MARGIN;
  const R = L + W;

  // --- head: QR code, title, number and date -----------------------------------------------------------
  qrCode(pdf, doc.qrText, L, 30, 66);
  title(pdf, name, 46, 18, INK);
  if (red) {
    const mark = "红字发票（销项负数）";
    pdf.fontSize(10);
    const mw = pdf.widthOfString(mark) + 14;
    const mx = (A4[0] - mw) / 2;
    pdf.save().lineWidth(1).strokeColor(RED).roundedRect(mx, 80, mw, 18, 3).stroke().restore();
    textIn(pdf, mark, mx, 80, mw, 18, { size: 10, color: RED, align: "center", pad: 0 });
  }
  const headX = 410;
  const headW = R - headX;
  for (const [i, [label, value]] of [
    ["发票号码：", doc.invoiceNo],
    ["开票日期：", cnDate(doc.issuedAt)],
  ].entries()) {
    const y = 46 + i * 18;
    pdf.fontSize(9.5);
    const lw = pdf.widthOfString(label);
    textIn(pdf, label, headX, y, lw + 1, 14, { size: 9.5, color: INK, pad: 0 });
    textIn(pdf, value, headX + lw, y, headW - lw, 14, { size: 9.5, shrink: true, pad: 0 });
  }

  // --- buyer and seller ---------------------------------------------------------------------------------
  const top = 110;
  const partyH = 62;
  const half = W / 2;
  const sideW = 22;
  const parties: [string, { name: string; taxId: string | null }, string][] = [
    ["购买方信息", doc.buyer, doc.buyer.kind === "personal" ? `${doc.buyer.name}（个人）` : doc.buyer.name],
    ["销售方信息", doc.seller, doc.seller.name],
  ];
  parties.forEach(([label, party, shownName], i) => {
    const x = L + i * half;
    verticalLabel(pdf, label, x, top, sideW, partyH);
    vline(pdf, x + sideW, top, top + partyH);
    const fx = x + sideW + 5;
    const fw = half - sideW - 8;
    const rows: [string, string][] = [
      ["名称：", shownName],
      ["统一社会信用代码/纳税人识别号：", party.taxId ?? ""],
    ];
    // the name may take two lines (a 单位 name can be 100 characters long)
    rows.forEach(([k, v], j) => {
      const [y, h] = j === 0 ? [top + 4, 28] : [top + 36, 20];
      const size = fitSize(pdf, k, fw * 0.62, h, 9);
      pdf.fontSize(size);
      const kw = pdf.widthOfString(k);
      textIn(pdf, k, fx, y, kw + 1, h, { size, color: INK, pad: 0 });
      textIn(pdf, v, fx + kw, y, fw - kw, h, { size: 9.5, shrink: true, pad: 0 });
    });
  });
  vline(pdf, L + half, top, top + partyH);

  // --- items --------------------------------------------------------------------------------------------
  const headY = top + partyH;
  const headH = 20;
  hline(pdf, L, R, headY);
  let cx = L;
  for (const c of COLUMNS) {
    textIn(pdf, c.title, cx, headY, c.width, headH, { size: 9, color: INK, align: "center", shrink: true });
    cx += c.width;
  }
  const cells = (it: InvoiceItem): string[] => [
    it.name,
    it.spec ?? "",
    it.unit ?? "",
    it.quantity ?? "",
    it.unitPrice ? printedUnitPrice(it) : "",
    fenToYuan(it.amountFen - it.taxFen),
    rateLabel(it),
    taxLabel(it),
  ];
  const itemSize = 9;
  const rowHeights = doc.items.map((it) =>
    Math.max(
      16,
      ...cells(it).map((t, k) => measure(pdf, t, (COLUMNS[k] as (typeof COLUMNS)[number]).width - 6, itemSize) + 5),
    ),
  );
  const totalRowH = 18;
  const bodyH = Math.max(110, rowHeights.reduce((a, b) => a + b, 0) + totalRowH + 8);
  const taxRow = 24;
  const remark = invoiceRemark(doc);
  const remarkW = W - sideW - 10;
  const remarkH = Math.max(64, measure(pdf, remark, remarkW, 9) + 12);
  const bottom = headY + headH + bodyH + taxRow + remarkH;
  if (bottom + 40 > A4[1] - MARGIN) {
    throw new Error(`invoice ${doc.invoiceNo}: ${doc.items.length} items do not fit on one page`);
  }

  let y = headY + headH + 2;
  doc.items.forEach((it, i) => {
    const h = rowHeights[i] as number;
    let x = L;
    cells(it).forEach((t, k) => {
      const c = COLUMNS[k] as (typeof COLUMNS)[number];
      textIn(pdf, t, x, y, c.width, h, { size: itemSize, align: c.align });
      x += c.width;
    });
    y += h;
  });

  // 合计 at the foot of the item block (a 全电发票 draws no rule above it)
  const sumY = headY + headH + bodyH - totalRowH - 2;
  const allUntaxed = doc.items.every((it) => it.taxTreatment !== "taxable");
  const amountX = L + COLUMNS.slice(0, 5).reduce((s, c) => s + c.width, 0);
  const amountW = (COLUMNS[5] as (typeof COLUMNS)[number]).width;
  const taxX = R - (COLUMNS[7] as (typeof COLUMNS)[number]).width;
  textIn(pdf, "合　　计", L, sumY, 122, totalRowH, { size: 9, color: INK, align: "center" });
  textIn(pdf, `¥${fenToYuan(doc.totalFen - doc.taxFen)}`, amountX - 30, sumY, amountW + 30, totalRowH, {
    size: 9,
    align: "right",
  });
  textIn(pdf, allUntaxed ? "***" : `¥${fenToYuan(doc.taxFen)}`, taxX, sumY, R - taxX, totalRowH, {
    size: 9,
    align: "right",
  });

  // --- 价税合计 -------------------------------------------------------------------------------------------
  const taxY = headY + headH + bodyH;
  hline(pdf, L, R, taxY);
  const capLabelW = 118;
  textIn(pdf, "价税合计（大写）", L, taxY, capLabelW, taxRow, { size: 9.5, color: INK, align: "center" });
  vline(pdf, L + capLabelW, taxY, taxY + taxRow);
  circledCross(pdf, L + capLabelW + 14, taxY + taxRow / 2, 5);
  const smallX = L + W * 0.66;
  textIn(pdf, fenToCapitals(doc.totalFen), L + capLabelW + 22, taxY, smallX - (L + capLabelW + 22), taxRow, {
    size: 10,
    shrink: true,
  });
  pdf.fontSize(9.5);
  const smallLabel = "（小写）";
  const slw = pdf.widthOfString(smallLabel);
  textIn(pdf, smallLabel, smallX, taxY, slw + 1, taxRow, { size: 9.5, color: INK, pad: 0 });
  textIn(pdf, `¥${fenToYuan(doc.totalFen)}`, smallX + slw, taxY, R - smallX - slw, taxRow, {
    size: 10,
    shrink: true,
    pad: 2,
  });

  // --- 备注 -----------------------------------------------------------------------------------------------
  const remarkY = taxY + taxRow;
  hline(pdf, L, R, remarkY);
  verticalLabel(pdf, "备注", L, remarkY, sideW, remarkH);
  vline(pdf, L + sideW, remarkY, remarkY + remarkH);
  pdf.save().fontSize(9).fillColor(BLACK);
  pdf.text(remark, L + sideW + 5, remarkY + 6, { width: remarkW, lineGap: 1 });
  pdf.restore();

  if (doc.specimen) specimenMark(pdf, doc.specimen, top, bottom);

  // frame, then the clerk under it
  pdf
    .save()
    .lineWidth(1)
    .strokeColor(INK)
    .rect(L, top, W, bottom - top)
    .stroke()
    .restore();
  pdf.fontSize(9.5);
  const clerkLabel = "开票人：";
  const clw = pdf.widthOfString(clerkLabel);
  textIn(pdf, clerkLabel, L + 6, bottom + 6, clw + 1, 16, { size: 9.5, color: INK, pad: 0 });
  textIn(pdf, doc.clerk, L + 6 + clw, bottom + 6, 200, 16, { size: 9.5, pad: 0 });

  return toBuffer(pdf);
}

/** A specimen's marks: a boxed red banner above the parties and the text twice across the page, faded. */
function specimenMark(pdf: Doc, text: string, top: number, bottom: number): void {
  pdf.fontSize(11);
  const bw = pdf.widthOfString(text) + 20;
  const bx = A4[0] - MARGIN - bw;
  pdf.save().lineWidth(1.2).strokeColor(RED).rect(bx, 84, bw, 22).stroke().restore();
  textIn(pdf, text, bx, 84, bw, 22, { size: 11, color: RED, align: "center", pad: 0 });
  const cx = A4[0] / 2;
  for (const cy of [top + (bottom - top) * 0.35, top + (bottom - top) * 0.8]) {
    pdf.save().translate(cx, cy).rotate(-18).fillColor(RED).fillOpacity(0.16).fontSize(40);
    const w = pdf.widthOfString(text);
    pdf.text(text, -w / 2, -20, { lineBreak: false });
    pdf.restore();
  }
}

/** 备注: the blue invoice a red one reverses, the seller's address and bank, then the caller's remark. */
function invoiceRemark(doc: InvoiceDocument): string {
  const parts: string[] = [];
  if (doc.kind === "red") {
    if (!doc.original) throw new Error(`red invoice ${doc.invoiceNo} names no original invoice`);
    parts.push(`被红冲蓝字数电发票号码：${doc.original.invoiceNo}　蓝字发票开票日期：${cnDate(doc.original.issuedAt)}`);
    if (doc.original.confirmationNo) parts.push(`红字发票信息确认单编号：${doc.original.confirmationNo}`);
  }
  // one item a line, so that numbers are not broken across lines
  parts.push(`销售方地址电话：${doc.seller.address}`, `销售方开户行及账号：${doc.seller.bankAccount}`);
  if (doc.remark?.trim()) parts.push(doc.remark.trim());
  return parts.join("\n");
}

// ---------------------------------------------------------------------------------------------------------
// 供热费缴费收据

const A5_LANDSCAPE: [number, number] = [595.28, 419.53];

/**
 * Render the receipt for an offline payment: A5 landscape, or A4 portrait when there are too many seasons
 * for A5. Throws when the lines do not add up to the amount paid.
 */
export async function renderReceiptPdf(doc: ReceiptDocument, opts?: PdfOptions): Promise<Buffer> {
  const principal = doc.lines.reduce((s, l) => s + l.principalFen, 0);
  const lateFee = doc.lines.reduce((s, l) => s + l.lateFeeFen, 0);
  if (principal + lateFee !== doc.amountFen) {
    throw new Error(
      `receipt ${doc.receiptNo}: lines add up to ${fenToYuan(principal + lateFee)}, paid ${fenToYuan(doc.amountFen)}`,
    );
  }
  const rowH = 22;
  const margin = 30;
  // title 72 + 3 info rows + header + lines + total + capitals + time row + note 40
  const needed = margin + 72 + rowH * (7 + doc.lines.length) + 40;
  const size = needed <= A5_LANDSCAPE[1] - margin ? A5_LANDSCAPE : A4;
  if (needed > size[1] - margin) throw new Error(`receipt ${doc.receiptNo}: too many lines for one page`);

  const pdf = newDocument(opts, size, {
    Title: `供热费缴费收据 ${doc.receiptNo}`,
    Subject: `${doc.org} 缴费收据 ${doc.receiptNo}`,
    Author: doc.org,
    Creator: "暖线",
    Keywords: `${doc.receiptNo} ${doc.accountNo}`,
  });
  const L = margin;
  const W = size[0] - 2 * margin;
  const R = L + W;

  const below = title(pdf, "供热费缴费收据", margin - 4, 18, BLACK);
  const metaY = below + 8;
  textIn(pdf, `收款单位：${doc.org}`, L, metaY, W * 0.6, 16, { size: 9.5, shrink: true, pad: 0 });
  textIn(pdf, `收据号：${doc.receiptNo}`, L + W * 0.6, metaY, W * 0.4, 16, {
    size: 9.5,
    align: "right",
    shrink: true,
    pad: 0,
  });

  let y = metaY + 22;
  const tableTop = y;
  const labelW = 78;
  const valueW = (W - 2 * labelW) / 2;
  type Cell = {
    text: string;
    width: number;
    label?: boolean;
    align?: Align;
    /** room kept free at the left (for the ⊗) */
    indent?: number;
    /** no rule to the right of this cell */
    open?: boolean;
  };
  const grid = (cellsOfRow: Cell[]) => {
    let x = L;
    for (const c of cellsOfRow) {
      const indent = c.indent ?? 0;
      textIn(pdf, c.text, x + indent, y, c.width - indent, rowH, {
        size: 9.5,
        color: c.label ? INK : BLACK,
        align: c.align ?? (c.label ? "center" : "left"),
        shrink: true,
        pad: 5,
      });
      x += c.width;
      if (x < R - 0.5 && !c.open) vline(pdf, x, y, y + rowH);
    }
    y += rowH;
    hline(pdf, L, R, y);
  };
  grid([
    { text: "户号", width: labelW, label: true },
    { text: doc.accountNo, width: valueW },
    { text: "户主", width: labelW, label: true },
    { text: doc.ownerName, width: valueW },
  ]);
  grid([
    { text: "地址", width: labelW, label: true },
    { text: doc.address, width: W - labelW },
  ]);
  grid([
    { text: "缴费方式", width: labelW, label: true },
    { text: doc.channelLabel, width: valueW },
    { text: "订单号", width: labelW, label: true },
    { text: doc.outTradeNo, width: valueW },
  ]);
  const col = W / 4;
  const money = (fen: number) => fenToYuan(fen);
  grid([
    { text: "供热季", width: col, label: true },
    { text: "供暖费（元）", width: col, label: true },
    { text: "滞纳金（元）", width: col, label: true },
    { text: "小计（元）", width: col, label: true },
  ]);
  for (const l of doc.lines) {
    grid([
      { text: l.season, width: col, align: "center" },
      { text: money(l.principalFen), width: col, align: "right" },
      { text: money(l.lateFeeFen), width: col, align: "right" },
      { text: money(l.principalFen + l.lateFeeFen), width: col, align: "right" },
    ]);
  }
  grid([
    { text: "合计", width: col, label: true },
    { text: money(principal), width: col, align: "right" },
    { text: money(lateFee), width: col, align: "right" },
    { text: `¥${money(doc.amountFen)}`, width: col, align: "right" },
  ]);
  // amount in capitals with the ⊗ mark, and in figures
  const capY = y;
  grid([
    { text: "金额（大写）", width: labelW, label: true },
    { text: fenToCapitals(doc.amountFen), width: W - labelW - 150, indent: 20, open: true },
    { text: "（小写）", width: 52, label: true, align: "right", open: true },
    { text: `¥${money(doc.amountFen)}`, width: 98 },
  ]);
  circledCross(pdf, L + labelW + 12, capY + rowH / 2, 5);
  grid([
    { text: "缴费时间", width: labelW, label: true },
    { text: cnDateTime(doc.paidAt), width: valueW },
    { text: "收款人", width: labelW, label: true },
    { text: doc.cashier, width: valueW },
  ]);
  pdf
    .save()
    .lineWidth(1)
    .strokeColor(INK)
    .rect(L, tableTop, W, y - tableTop)
    .stroke()
    .restore();

  textIn(pdf, "本收据为缴费凭证，电子发票将另行开具。", L, y + 8, W, 16, { size: 9, color: "#444444", pad: 0 });
  textIn(pdf, "收款单位（盖章）", L, y + 8, W, 16, { size: 9, color: "#444444", align: "right", pad: 0 });
  return toBuffer(pdf);
}

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fenToCapitals, type InvoiceItem } from "@warmline/shared";
import QRCode from "qrcode";
import { beforeAll, describe, expect, it } from "vitest";
import { type InvoiceDocument, type ReceiptDocument, renderInvoicePdf, renderReceiptPdf, resolvePdfFont } from "./pdf";

/** Rendered documents land here (git-ignored) so people can look at them. */
const ARTIFACTS = fileURLToPath(new URL("../../../../tests/artifacts/", import.meta.url));

/** Runs a poppler tool; a missing tool fails the test with a clear message (CI installs poppler-utils). */
function poppler(tool: string, args: string[]): string {
  const r = spawnSync(tool, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === "ENOENT") {
    throw new Error(`${tool} not found: install poppler-utils (apt-get install poppler-utils) to check PDFs`);
  }
  if (r.status !== 0) throw new Error(`${tool} ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** A binary PGM (P5) image, as pdftoppm -gray writes it. */
function parsePgm(pgm: Buffer): { width: number; height: number; pixels: Buffer } {
  // header: "P5" <ws> width <ws> height <ws> maxval <single ws>, comments start with #
  const fields: string[] = [];
  let i = 0;
  while (fields.length < 4) {
    while (/\s/.test(String.fromCharCode(pgm[i] as number))) i++;
    if (pgm[i] === 0x23) {
      while (pgm[i] !== 0x0a) i++;
      continue;
    }
    let tok = "";
    while (!/\s/.test(String.fromCharCode(pgm[i] as number))) tok += String.fromCharCode(pgm[i++] as number);
    fields.push(tok);
  }
  i++;
  const [magic, w, h, max] = fields;
  expect(magic).toBe("P5");
  expect(Number(max)).toBe(255);
  const pixels = pgm.subarray(i, i + Number(w) * Number(h));
  expect(pixels.length).toBe(Number(w) * Number(h));
  return { width: Number(w), height: Number(h), pixels };
}

/** Share of dark pixels (< 128 of 255). */
function darkShare(pgm: Buffer): number {
  const { pixels } = parsePgm(pgm);
  let dark = 0;
  for (const p of pixels) if (p < 128) dark++;
  return dark / pixels.length;
}

interface Checked {
  /** pdftotext -layout */
  text: string;
  /** pdftotext -raw: content stream order, so wrapped text is not interleaved with its neighbours */
  raw: string;
  info: string;
  fonts: string;
  dark: number;
}

/** Writes the PDF and its PNG to tests/artifacts and returns what poppler sees in it. */
function check(pdf: Buffer, name: string): Checked {
  expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  const file = path.join(ARTIFACTS, `${name}.pdf`);
  fs.writeFileSync(file, pdf);
  poppler("pdftoppm", ["-r", "60", "-png", "-singlefile", file, path.join(ARTIFACTS, name)]);
  expect(fs.statSync(path.join(ARTIFACTS, `${name}.png`)).size).toBeGreaterThan(2000);
  const grayBase = path.join(os.tmpdir(), `warmline-${process.pid}-${name}`);
  poppler("pdftoppm", ["-r", "30", "-gray", "-singlefile", file, grayBase]);
  const pgm = fs.readFileSync(`${grayBase}.pgm`);
  fs.rmSync(`${grayBase}.pgm`);
  return {
    text: poppler("pdftotext", ["-layout", file, "-"]),
    raw: poppler("pdftotext", ["-raw", file, "-"]),
    info: poppler("pdfinfo", [file]),
    fonts: poppler("pdffonts", [file]),
    dark: darkShare(pgm),
  };
}

/** No spaces: pdftotext -layout pads columns, and a long string may be split across cells. */
const squeeze = (s: string) => s.replace(/\s+/g, "");

const heating = (sign: 1 | -1): InvoiceItem => ({
  name: "*供热*供暖费",
  spec: "2026-2027供热季",
  unit: "平方米",
  quantity: sign < 0 ? "-85.50" : "85.50",
  unitPrice: "24.00",
  amountFen: sign * 205200,
  taxTreatment: "exempt",
  taxRateBp: 0,
  taxFen: 0,
  taxCode: "1100301030000000000",
});

const seller = {
  name: "民乐县城区集中供热中心",
  taxId: "91620722MA73XB0T5R",
  address: "甘肃省张掖市民乐县洪水镇供热路1号 0936-4466666",
  bankAccount: "甘肃民乐农村商业银行城区支行 2701 0001 0000 6688",
};

const blue: InvoiceDocument = {
  kind: "blue",
  invoiceNo: "26622000000012345678",
  issuedAt: new Date("2026-11-27T01:30:00Z"),
  buyer: { kind: "personal", name: "王建国", taxId: null },
  seller,
  items: [heating(1)],
  totalFen: 205200,
  taxFen: 0,
  remark: "户号：0102003004 地址：民乐县洪水镇幸福小区3号楼2单元501",
  clerk: "暖线系统",
  qrText: "01,32,,26622000000012345678,2052.00,20261127,,A1B2",
};

const red: InvoiceDocument = {
  ...blue,
  kind: "red",
  invoiceNo: "26622000000012349999",
  // 23:30 UTC is already the next day in Shanghai
  issuedAt: new Date("2026-12-01T23:30:00Z"),
  items: [heating(-1)],
  totalFen: -205200,
  original: {
    invoiceNo: blue.invoiceNo,
    issuedAt: blue.issuedAt,
    confirmationNo: "62072226120200000123",
  },
  qrText: "01,32,,26622000000012349999,-2052.00,20261202,,C3D4",
};

const receipt: ReceiptDocument = {
  receiptNo: "SJ202611270001",
  outTradeNo: "WL20261127140509123456",
  org: "民乐县城区集中供热中心",
  accountNo: "0102003004",
  ownerName: "王建国",
  address: "民乐县洪水镇幸福小区3号楼2单元501",
  channelLabel: "银行专窗（现金）",
  amountFen: 205200 + 120000 + 3600,
  paidAt: new Date("2026-11-27T06:05:09Z"),
  cashier: "李秀兰",
  lines: [
    { season: "2025-2026", principalFen: 120000, lateFeeFen: 3600 },
    { season: "2026-2027", principalFen: 205200, lateFeeFen: 0 },
  ],
};

beforeAll(() => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
});

describe("invoice PDF", () => {
  it("renders a blue 电子发票（普通发票） with real, readable text", async () => {
    const c = check(await renderInvoicePdf(blue), "invoice-demo");
    const text = squeeze(c.text);
    for (const s of [
      "电子发票（普通发票）",
      "发票号码：26622000000012345678",
      "开票日期：2026年11月27日",
      "王建国（个人）",
      "民乐县城区集中供热中心",
      "91620722MA73XB0T5R",
      "*供热*供暖费",
      "2026-2027供热季",
      "平方米",
      "85.50",
      "24.00",
      "2052.00",
      "免税",
      "***",
      "价税合计（大写）",
      "贰仟零伍拾贰元整",
      "（小写）¥2052.00",
      "开票人：暖线系统",
      "户号：0102003004",
    ]) {
      expect(text).toContain(s);
    }
    expect(fenToCapitals(blue.totalFen)).toBe("贰仟零伍拾贰元整");
    expect(text).not.toContain("红字");
    expect(c.info).toMatch(/^Title:\s+电子发票（普通发票） 26622000000012345678$/m);
    expect(c.info).toMatch(/^Pages:\s+1$/m);
    expect(c.info).toMatch(/^Page size:\s+595\.28 x 841\.89 pts \(A4\)/m);
    // the Chinese font is embedded (as a subset) and is the only font on the page
    expect(c.fonts).toMatch(/NotoSansSC-Regular\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
    expect(c.fonts.trim().split("\n")).toHaveLength(3);
    expect(c.dark).toBeGreaterThan(0.01);
    expect(c.dark).toBeLessThan(0.3);
  });

  it("renders a red invoice: marked 红字, negative amounts, the reversed blue invoice in 备注", async () => {
    const c = check(await renderInvoicePdf(red), "invoice-red-demo");
    const text = squeeze(c.text);
    for (const s of [
      "电子发票（普通发票）",
      "红字发票（销项负数）",
      "26622000000012349999",
      "开票日期：2026年12月02日",
      "王建国",
      "-85.50",
      "-2052.00",
      "负贰仟零伍拾贰元整",
      "（小写）¥-2052.00",
      "被红冲蓝字数电发票号码：26622000000012345678",
      "蓝字发票开票日期：2026年11月27日",
      "红字发票信息确认单编号：62072226120200000123",
    ]) {
      expect(text).toContain(s);
    }
    expect(c.info).toMatch(/^Pages:\s+1$/m);
    expect(c.dark).toBeGreaterThan(0.01);
  });

  it("shows rate and tax of a taxable company invoice", async () => {
    const tax = (amountFen: number) => Math.round((amountFen * 900) / 10900);
    const items: InvoiceItem[] = [
      // a part payment: amount only, no area and unit price
      {
        ...heating(1),
        unit: null,
        quantity: null,
        unitPrice: null,
        amountFen: 1090000,
        taxTreatment: "taxable",
        taxRateBp: 900,
        taxFen: tax(1090000),
      },
      {
        name: "*供热*供暖费滞纳金",
        spec: "2025-2026供热季",
        unit: null,
        quantity: null,
        unitPrice: null,
        amountFen: 32700,
        taxTreatment: "taxable",
        taxRateBp: 900,
        taxFen: tax(32700),
        taxCode: "1100301030000000000",
      },
    ];
    const doc: InvoiceDocument = {
      ...blue,
      invoiceNo: "26622000000012340001",
      buyer: { kind: "company", name: "民乐县洪水镇第一初级中学", taxId: "12622722438740083J" },
      items,
      totalFen: 1122700,
      taxFen: items.reduce((s, i) => s + i.taxFen, 0),
      remark: null,
    };
    const c = check(await renderInvoicePdf(doc), "invoice-company-demo");
    const text = squeeze(c.text);
    // 10900.00 incl. 9 % = 10000.00 + 900.00; 327.00 = 300.00 + 27.00
    for (const s of ["12622722438740083J", "9%", "10000.00", "900.00", "300.00", "27.00", "¥10300.00", "¥927.00"]) {
      expect(text).toContain(s);
    }
    expect(text).toContain("壹万壹仟贰佰贰拾柒元整");
    expect(text).not.toContain("（个人）");
  });

  it("keeps long names, many items and a long remark on the page", async () => {
    const longName = `甘肃省张掖市民乐县洪水镇${"幸福家园物业服务有限责任公司".repeat(4)}第一分公司`;
    const items = Array.from({ length: 8 }, (_, i) => ({
      ...heating(1),
      unit: null,
      quantity: null,
      unitPrice: null,
      name: i % 2 ? "*供热*供暖费滞纳金（逾期缴纳部分，按日万分之五计算）" : "*供热*供暖费",
      spec: `${2018 + i}-${2019 + i}供热季`,
      amountFen: 10000 + i,
    }));
    const doc: InvoiceDocument = {
      ...blue,
      buyer: { kind: "company", name: longName, taxId: "12622722438740083J" },
      items,
      totalFen: items.reduce((s, i) => s + i.amountFen, 0),
      remark: "多个供热季合并开具。".repeat(12),
    };
    const c = check(await renderInvoicePdf(doc), "invoice-long-demo");
    expect(c.info).toMatch(/^Pages:\s+1$/m);
    const raw = squeeze(c.raw);
    expect(raw).toContain(longName);
    expect(raw).toContain("按日万分之五计算");
    expect(raw).toContain("2025-2026供热季");
    expect(raw).toContain(fenToCapitals(doc.totalFen));
    await expect(
      renderInvoicePdf({ ...doc, items: Array.from({ length: 40 }, () => heating(1)), totalFen: 40 * 205200 }),
    ).rejects.toThrow(/do not fit/);
  });

  it("draws the QR code module for module", async () => {
    // where pdf.ts puts it: 66 pt square at (36, 30) pt
    const [qx, qy, qsize] = [36, 30, 66];
    const file = path.join(ARTIFACTS, "invoice-demo.pdf");
    fs.writeFileSync(file, await renderInvoicePdf(blue));
    const base = path.join(os.tmpdir(), `warmline-${process.pid}-qr`);
    poppler("pdftoppm", ["-r", "144", "-gray", "-singlefile", file, base]); // 2 px per pt
    const img = parsePgm(fs.readFileSync(`${base}.pgm`));
    fs.rmSync(`${base}.pgm`);
    const { modules } = QRCode.create(blue.qrText, { errorCorrectionLevel: "M" });
    const m = qsize / modules.size;
    let wrong = 0;
    for (let row = 0; row < modules.size; row++) {
      for (let col = 0; col < modules.size; col++) {
        const px = Math.round((qx + (col + 0.5) * m) * 2);
        const py = Math.round((qy + (row + 0.5) * m) * 2);
        const dark = (img.pixels[py * img.width + px] as number) < 128;
        if (dark !== Boolean(modules.get(row, col))) wrong++;
      }
    }
    expect(wrong).toBe(0);
  });

  it("refuses a red invoice that names no original", async () => {
    await expect(renderInvoicePdf({ ...red, original: null })).rejects.toThrow(/original/);
  });
});

describe("receipt PDF", () => {
  it("renders the 供热费缴费收据 of a window payment", async () => {
    const c = check(await renderReceiptPdf(receipt), "receipt-demo");
    const text = squeeze(c.text);
    for (const s of [
      "供热费缴费收据",
      "收据号：SJ202611270001",
      "0102003004",
      "王建国",
      "民乐县洪水镇幸福小区3号楼2单元501",
      "银行专窗（现金）",
      "WL20261127140509123456",
      "2025-2026",
      "1200.00",
      "36.00",
      "1236.00",
      "2026-2027",
      "2052.00",
      "¥3288.00",
      "叁仟贰佰捌拾捌元整",
      "2026年11月27日14:05:09",
      "李秀兰",
      "本收据为缴费凭证，电子发票将另行开具",
    ]) {
      expect(text).toContain(s);
    }
    expect(c.info).toMatch(/^Title:\s+供热费缴费收据 SJ202611270001$/m);
    expect(c.info).toMatch(/^Pages:\s+1$/m);
    expect(c.dark).toBeGreaterThan(0.01);
  });

  it("moves to A4 when the seasons do not fit on A5, and refuses lines that do not add up", async () => {
    const lines = Array.from({ length: 12 }, (_, i) => ({
      season: `${2010 + i}-${2011 + i}`,
      principalFen: 100000,
      lateFeeFen: 500,
    }));
    const c = check(await renderReceiptPdf({ ...receipt, lines, amountFen: 12 * 100500 }), "receipt-long-demo");
    expect(c.info).toMatch(/^Page size:\s+595\.28 x 841\.89 pts \(A4\)/m);
    expect(squeeze(c.text)).toContain("2021-2022");
    await expect(renderReceiptPdf({ ...receipt, amountFen: 1 })).rejects.toThrow(/add up/);
  });
});

describe("PDF font", () => {
  it("resolves the bundled Noto Sans SC and rejects missing or WOFF files", () => {
    expect(resolvePdfFont()).toMatch(/NotoSansSC_400Regular\.ttf$/);
    expect(resolvePdfFont(null)).toBe(resolvePdfFont());
    expect(() => resolvePdfFont("/nonexistent/font.ttf")).toThrow(/cannot read/);
    const woff = path.join(os.tmpdir(), `warmline-${process.pid}.woff2`);
    fs.writeFileSync(woff, Buffer.from("wOF2\0\0\0\0"));
    try {
      expect(() => resolvePdfFont(woff)).toThrow(/WOFF/);
    } finally {
      fs.rmSync(woff);
    }
  });

  // Debian fonts-wqy-microhei: a TTC, where pdfkit needs the PostScript name of a font in the collection
  const wqy = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";
  it.skipIf(!fs.existsSync(wqy))("embeds a font from a TTC", async () => {
    const c = check(await renderInvoicePdf(blue, { fontFile: wqy }), "invoice-ttc-demo");
    expect(c.fonts).toMatch(/WenQuanYiMicroHei\s/);
    expect(squeeze(c.text)).toContain("贰仟零伍拾贰元整");
  });
});

import { inflateRawSync } from "node:zlib";
import type { BillRow } from "../payments";
import { parseShanghaiDateTime, parseYuan } from "./alipayFormat";

/**
 * Alipay's trade bill (alipay.data.dataservice.bill.downloadurl.query, bill_type "trade"): the download
 * address serves a zip (`<pid>0156_<yyyyMMdd>.csv.zip`) holding two GBK-encoded CSV files,
 * `<pid>0156_<yyyyMMdd>_业务明细.csv` (one line per payment or refund) and `…_业务明细(汇总).csv`.
 * The detail file looks like:
 *
 *   #支付宝业务明细查询
 *   #账号：[20880000000000010156]
 *   #起始日期：[2025年01月01日 00:00:00]   终止日期：[2025年01月02日 00:00:00]
 *   #-----------------------------------------业务明细列表----------------------------------------
 *   支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,…,订单金额（元）,商家实收（元）,…,退款批次号/请求号,…
 *   2025010122001…\t,WL2025…\t,交易\t,…
 *   #-----------------------------------------业务明细列表结束------------------------------------
 *   #交易合计：…
 *
 * Values carry a trailing tab (so spreadsheets keep long numbers as text). Refund lines repeat the
 * order's 订单金额 and carry the refund as a negative 商家实收. Columns are found by their header names,
 * which are compared with full-width brackets and spaces normalised.
 */

export class BillFormatError extends Error {}

/** Parses the bytes the download address served: the zip Alipay sends, or a bare detail CSV. */
export function parseTradeBill(file: Buffer): BillRow[] {
  const csv = isZip(file) ? detailCsvFromZip(file) : file;
  return parseDetailCsv(decodeText(csv));
}

// ---- zip ----------------------------------------------------------------------------------------

const MAX_ENTRY_BYTES = 200 * 1024 * 1024;

const isZip = (b: Buffer) => b.length >= 4 && b.readUInt32LE(0) === 0x04034b50;

interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** The entries of a zip archive, from its central directory. Names are UTF-8 when flagged, else GBK. */
export function zipEntries(zip: Buffer): ZipEntry[] {
  const eocd = findEocd(zip);
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== 0x02014b50) throw new BillFormatError("bad zip directory");
    const flags = zip.readUInt16LE(at + 8);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const rawName = zip.subarray(at + 46, at + 46 + nameLength);
    entries.push({
      name: new TextDecoder(flags & 0x800 ? "utf-8" : "gbk").decode(rawName),
      method: zip.readUInt16LE(at + 10),
      flags,
      compressedSize: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
      localOffset: zip.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The uncompressed bytes of one entry (stored or deflated). */
export function zipRead(zip: Buffer, entry: ZipEntry): Buffer {
  if (entry.flags & 0x1) throw new BillFormatError("encrypted zip entry");
  if (entry.size > MAX_ENTRY_BYTES) throw new BillFormatError("zip entry too large");
  const at = entry.localOffset;
  if (at + 30 > zip.length || zip.readUInt32LE(at) !== 0x04034b50) throw new BillFormatError("bad zip entry header");
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  if (data.length !== entry.compressedSize) throw new BillFormatError("truncated zip entry");
  if (entry.method === 0) return Buffer.from(data);
  if (entry.method === 8) {
    try {
      return inflateRawSync(data, { maxOutputLength: MAX_ENTRY_BYTES });
    } catch {
      throw new BillFormatError("zip entry does not inflate");
    }
  }
  throw new BillFormatError(`zip compression method ${entry.method} not supported`);
}

function findEocd(zip: Buffer): number {
  const lowest = Math.max(0, zip.length - 22 - 0xffff);
  for (let at = zip.length - 22; at >= lowest; at--) {
    if (zip.readUInt32LE(at) === 0x06054b50) return at;
  }
  throw new BillFormatError("not a zip archive (no end of central directory)");
}

function detailCsvFromZip(zip: Buffer): Buffer {
  const entries = zipEntries(zip);
  const detail =
    entries.find((e) => e.name.includes("业务明细") && !e.name.includes("汇总")) ??
    (entries.length === 1 ? entries[0] : undefined);
  if (!detail) throw new BillFormatError(`no 业务明细 file in the bill zip (${entries.map((e) => e.name).join(", ")})`);
  return zipRead(zip, detail);
}

// ---- text ---------------------------------------------------------------------------------------

/** UTF-8 when the bytes are valid UTF-8 (or carry a BOM), else GBK (what Alipay writes). */
export function decodeText(bytes: Buffer): string {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return new TextDecoder("utf-8").decode(bytes.subarray(3));
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("gbk").decode(bytes);
  }
}

/** Splits CSV text into records (RFC 4180 quoting; CRLF or LF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field.trim() === "") {
      field = "";
      quoted = true;
    } else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Header names compared without spaces and with full-width brackets made ASCII: 订单金额（元） = 订单金额(元). */
const normHeader = (h: string) =>
  h
    .replace(/[\s\u3000`]/g, "")
    .replace(/（/g, "(")
    .replace(/）/g, ")");
/** Values lose the padding Alipay adds: tabs, spaces and the backtick some exports put in front. */
const cleanValue = (v: string) => v.replace(/^[\s`]+|[\s`]+$/g, "");

const COLUMNS = {
  tradeNo: ["支付宝交易号"],
  outTradeNo: ["商户订单号"],
  type: ["业务类型"],
  created: ["创建时间"],
  finished: ["完成时间"],
  orderAmount: ["订单金额(元)"],
  received: ["商家实收(元)", "实收金额(元)", "商户实收(元)"],
} as const;

/** The rows of a 业务明细 CSV text. Throws BillFormatError for anything it cannot read exactly. */
export function parseDetailCsv(text: string): BillRow[] {
  const records = parseCsv(text);
  let header: string[] | null = null;
  const rows: BillRow[] = [];
  for (const [index, record] of records.entries()) {
    const first = record[0]?.trim() ?? "";
    if (first.startsWith("#")) {
      if (header && first.includes("业务明细列表结束")) break;
      continue;
    }
    if (record.every((v) => cleanValue(v) === "")) continue;
    if (!header) {
      header = record.map(normHeader);
      continue;
    }
    rows.push(toBillRow(header, record.map(cleanValue), index + 1));
  }
  if (!header) throw new BillFormatError("no header line (支付宝交易号,商户订单号,…) in the bill");
  return rows;
}

function toBillRow(header: string[], values: string[], line: number): BillRow {
  const col = (names: readonly string[], required = true): string => {
    const at = header.findIndex((h) => names.includes(h));
    if (at < 0) {
      if (required) throw new BillFormatError(`bill has no column ${names[0]}`);
      return "";
    }
    return values[at] ?? "";
  };
  const fail = (what: string) => new BillFormatError(`bill line ${line}: ${what}`);
  const tradeNo = col(COLUMNS.tradeNo);
  const outTradeNo = col(COLUMNS.outTradeNo);
  if (!tradeNo || !outTradeNo) throw fail("no 支付宝交易号 or 商户订单号");
  const type = col(COLUMNS.type);
  const order = parseYuan(col(COLUMNS.orderAmount));
  if (order === null) throw fail(`订单金额 ${JSON.stringify(col(COLUMNS.orderAmount))} is not an amount`);
  const receivedText = col(COLUMNS.received, false);
  const received = receivedText === "" ? null : parseYuan(receivedText);
  if (receivedText !== "" && received === null) throw fail(`商家实收 ${JSON.stringify(receivedText)} is not an amount`);
  const whenText = col(COLUMNS.finished, false) || col(COLUMNS.created, false);
  const at = parseShanghaiDateTime(whenText);
  if (!at) throw fail(`完成时间 ${JSON.stringify(whenText)} is not a time`);
  if (type === "交易") {
    return { outTradeNo, transactionId: tradeNo, amountFen: Math.abs(order), state: "PAID", refundFen: 0, at };
  }
  if (type === "退款") {
    // the refund is the (negative) 商家实收 of the refund line; 订单金额 repeats the order's amount
    const refund = received === null ? Math.abs(order) : Math.abs(received);
    return { outTradeNo, transactionId: tradeNo, amountFen: Math.abs(order), state: "REFUND", refundFen: refund, at };
  }
  throw fail(`unknown 业务类型 ${JSON.stringify(type)}`);
}

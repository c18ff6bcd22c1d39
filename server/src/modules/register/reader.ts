import fs from "node:fs";
import {
  REGISTER_COLUMN_LABELS,
  REGISTER_REQUIRED_FIELDS,
  type RegisterCell,
  type RegisterField,
  type RegisterRawRow,
  registerFieldOfHeader,
} from "@warmline/shared";
import ExcelJS from "exceljs";

/**
 * Reading a register file row by row without holding it in memory: CSV through a small RFC 4180 tokenizer
 * over a streaming text decoder (UTF-8, or GBK/GB18030 when the bytes are not UTF-8), XLSX through
 * exceljs's streaming WorkbookReader (first worksheet only). The type is told by the first bytes.
 */

export type RegisterFormat = "xlsx" | "csv";

/** A file-level refusal (the whole file, not a row): code + Chinese message. */
export class RegisterFileError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** cells longer than this are cut while reading (the validation then reports them as too long) */
const CELL_CAP = 1_000;

/** XLSX is a ZIP ("PK\3\4"); an old .xls is an OLE file (D0 CF 11 E0); text with NUL bytes is binary. */
export function detectFormat(head: Buffer): RegisterFormat | null {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return "xlsx";
  if (head.length >= 4 && head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) return null;
  if (head.includes(0)) return null;
  return "csv";
}

/**
 * The text encoding of a CSV from its first bytes: a UTF-8 BOM or bytes that decode as strict UTF-8 →
 * "utf-8"; otherwise "gb18030" (a superset of GBK, what Excel on a Chinese Windows saves as "CSV").
 * A sample cut in the middle of a character is fine (the decoder is told more may follow).
 */
export function detectEncoding(sample: Buffer): "utf-8" | "gb18030" {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return "utf-8";
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(sample, { stream: true });
    return "utf-8";
  } catch {
    return "gb18030";
  }
}

async function readHead(file: string, n: number): Promise<Buffer> {
  const fh = await fs.promises.open(file, "r");
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** CSV records from decoded text chunks (quotes, doubled quotes, CR/LF, commas inside quotes). */
async function* csvRecords(chunks: AsyncIterable<string>): AsyncGenerator<string[]> {
  let record: string[] = [];
  let field = "";
  let quoted = false;
  let afterQuote = false;
  let pendingCr = false;
  const push = (c: string) => {
    if (field.length < CELL_CAP) field += c;
  };
  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (pendingCr) {
        pendingCr = false;
        if (c === "\n") continue;
      }
      if (quoted) {
        if (c === '"') {
          if (chunk[i + 1] === '"') {
            push('"');
            i++;
          } else if (i + 1 === chunk.length) {
            // a quote at the end of a chunk: decided by the next chunk's first character
            quoted = false;
            afterQuote = true;
          } else {
            quoted = false;
            afterQuote = true;
          }
        } else push(c);
        continue;
      }
      if (afterQuote && c === '"') {
        // the doubled quote was split across chunks
        push('"');
        quoted = true;
        afterQuote = false;
        continue;
      }
      afterQuote = false;
      if (c === '"' && field.length === 0) quoted = true;
      else if (c === ",") {
        record.push(field);
        field = "";
      } else if (c === "\n" || c === "\r") {
        record.push(field);
        field = "";
        yield record;
        record = [];
        pendingCr = c === "\r";
      } else push(c);
    }
  }
  if (field.length || record.length) {
    record.push(field);
    yield record;
  }
}

async function* decodedChunks(file: string, encoding: string): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: false });
  try {
    for await (const buf of fs.createReadStream(file, { highWaterMark: 64 * 1024 })) {
      yield decoder.decode(buf as Buffer, { stream: true });
    }
    yield decoder.decode();
  } catch (err) {
    if (err instanceof TypeError)
      throw new RegisterFileError("REGISTER_FILE_ENCODING", "文件编码无法识别，请另存为UTF-8或GBK编码的CSV，或XLSX");
    throw err;
  }
}

/** A worksheet cell as text; a formula is reported as such (never its cached result). */
function xlsxCell(v: unknown): RegisterCell {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v.slice(0, CELL_CAP);
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    if ("formula" in o || "sharedFormula" in o) return { formula: true };
    if (Array.isArray(o.richText))
      return (o.richText as { text?: string }[])
        .map((t) => t.text ?? "")
        .join("")
        .slice(0, CELL_CAP);
    if (typeof o.text === "string") return o.text.slice(0, CELL_CAP);
    if ("error" in o) return String(o.error);
  }
  return String(v).slice(0, CELL_CAP);
}

/** Zip entry chunks as text, decoded with one streaming decoder (a character split between chunks survives). */
async function* utf8Chunks(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8");
  for await (const c of chunks) yield typeof c === "string" ? c : decoder.decode(c, { stream: true });
  const tail = decoder.decode();
  if (tail) yield tail;
}

type ReaderInternals = {
  _parseWorksheet(iterator: AsyncIterable<Buffer | string>, sheetNo: string): Generator<unknown>;
  _parseSharedStrings(entry: NodeJS.ReadableStream): AsyncGenerator<unknown>;
};

/**
 * exceljs 4.4.0's streaming reader decodes every chunk of a sheet's XML on its own, so a Chinese character
 * split between two chunks (every ~16 KB) turns into "\uFFFD" — a few cells in every large register
 * (exceljs issues #2063, #2084, still open). Its SAX step passes text through untouched, so the sheet and
 * shared-string entries are handed to it already decoded by one streaming decoder. Overrides two internal
 * methods of the pinned version; reader.test.ts fails if an upgrade changes them.
 */
class Utf8SafeWorkbookReader extends ExcelJS.stream.xlsx.WorkbookReader {
  _parseWorksheet(iterator: AsyncIterable<Buffer | string>, sheetNo: string) {
    const base = ExcelJS.stream.xlsx.WorkbookReader.prototype as unknown as ReaderInternals;
    return base._parseWorksheet.call(this, utf8Chunks(iterator), sheetNo);
  }
  _parseSharedStrings(entry: NodeJS.ReadableStream) {
    entry.setEncoding("utf8");
    const base = ExcelJS.stream.xlsx.WorkbookReader.prototype as unknown as ReaderInternals;
    return base._parseSharedStrings.call(this, entry);
  }
}

async function* xlsxRecords(file: string): AsyncGenerator<RegisterCell[]> {
  const reader = new Utf8SafeWorkbookReader(file, {
    worksheets: "emit",
    sharedStrings: "cache",
    hyperlinks: "ignore",
    styles: "ignore",
    entries: "ignore",
  });
  try {
    for await (const sheet of reader) {
      for await (const row of sheet as unknown as AsyncIterable<ExcelJS.Row>) {
        const values = row.values as unknown[];
        const out: RegisterCell[] = [];
        for (let c = 1; c < values.length; c++) out.push(xlsxCell(values[c]));
        // the reader skips empty rows: the row number comes with the record
        yield Object.assign(out, { rowNumber: row.number });
      }
      return; // first worksheet only
    }
  } catch {
    // a broken ZIP or sheet XML: the file's fault, not the server's
    throw new RegisterFileError("REGISTER_FILE_UNREADABLE", "文件已损坏或不是有效的XLSX文件，请用Excel打开后重新保存");
  }
}

export interface RegisterRecord {
  /** the row number in the file (1 = the header row), as a person sees it in Excel */
  rowNo: number;
  raw: RegisterRawRow;
}

export interface OpenedRegister {
  format: RegisterFormat;
  encoding: string | null;
  rows: AsyncGenerator<RegisterRecord>;
}

/**
 * Opens a register file: type by first bytes, encoding for CSV, the header row mapped to fields (missing
 * required columns and a column named twice refuse the file). Data rows come one at a time; rows with
 * every cell empty are left out.
 */
export async function openRegister(file: string): Promise<OpenedRegister> {
  const head = await readHead(file, 64 * 1024);
  const format = detectFormat(head);
  if (!format)
    throw new RegisterFileError("REGISTER_FILE_TYPE", "只支持XLSX或CSV文件（旧版.xls请在Excel中另存为.xlsx）");
  const encoding = format === "csv" ? detectEncoding(head) : null;
  const source: AsyncGenerator<RegisterCell[] & { rowNumber?: number }> =
    format === "csv" ? csvRecords(decodedChunks(file, encoding as string)) : xlsxRecords(file);

  let lineNo = 0;
  let header: (RegisterField | null)[] | null = null;
  const isEmpty = (r: RegisterCell[]) => r.every((c) => typeof c === "string" && c.trim() === "");
  for (;;) {
    const next = await source.next();
    if (next.done) throw new RegisterFileError("REGISTER_FILE_EMPTY", "文件中没有数据（第一行应为列名）");
    lineNo = next.value.rowNumber ?? lineNo + 1;
    if (isEmpty(next.value)) continue;
    header = next.value.map((c) => (typeof c === "string" ? registerFieldOfHeader(c) : null));
    break;
  }
  const cols = header as (RegisterField | null)[];
  const seen = new Set<RegisterField>();
  for (const f of cols) {
    if (!f) continue;
    if (seen.has(f))
      throw new RegisterFileError("REGISTER_COLUMNS", `列“${REGISTER_COLUMN_LABELS[f]}”出现了两次，请删去一列`);
    seen.add(f);
  }
  const missing = REGISTER_REQUIRED_FIELDS.filter((f) => !seen.has(f));
  if (missing.length)
    throw new RegisterFileError(
      "REGISTER_COLUMNS",
      `缺少必需的列：${missing.map((f) => REGISTER_COLUMN_LABELS[f]).join("、")}（请使用导入模板）`,
    );

  async function* rows(): AsyncGenerator<RegisterRecord> {
    for await (const rec of source) {
      lineNo = rec.rowNumber ?? lineNo + 1;
      if (isEmpty(rec)) continue;
      const raw: RegisterRawRow = {};
      cols.forEach((f, i) => {
        if (f) raw[f] = rec[i] ?? "";
      });
      yield { rowNo: lineNo, raw };
    }
  }
  return { format, encoding, rows: rows() };
}

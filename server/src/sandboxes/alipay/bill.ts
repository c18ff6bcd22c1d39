import { crc32, deflateRawSync } from "node:zlib";
import { fenToYuan, parseYuan } from "../../integrations/alipay/alipayFormat";

/**
 * The sandbox's trade bill files, written the way Alipay writes them: a zip `<pid>0156_<yyyyMMdd>.csv.zip`
 * with GBK-encoded entries (names in GBK too, without the zip UTF-8 flag) `…_业务明细.csv` and
 * `…_业务明细(汇总).csv`; values padded with a trailing tab; refund lines with a negative 商家实收.
 */

/** One detail line of a sandbox bill, in Alipay's terms (amounts as yuan strings). */
export interface SandboxBillRow {
  trade_no: string;
  out_trade_no: string;
  biz_type: "交易" | "退款";
  subject?: string;
  /** "yyyy-MM-dd HH:mm:ss", Beijing time */
  gmt_create?: string;
  gmt_finish: string;
  /** 订单金额（元）: the order's amount (refund lines repeat it) */
  total_amount: string;
  /** 商家实收（元）: what the merchant received; negative on refund lines */
  receipt_amount: string;
  /** 退款批次号/请求号 */
  out_request_no?: string;
  buyer_logon_id?: string;
}

export type BillFileFormat = "zip" | "csv";

export const DETAIL_HEADER = [
  "支付宝交易号",
  "商户订单号",
  "业务类型",
  "商品名称",
  "创建时间",
  "完成时间",
  "门店编号",
  "门店名称",
  "操作员",
  "终端号",
  "对方账户",
  "订单金额（元）",
  "商家实收（元）",
  "支付宝红包（元）",
  "集分宝（元）",
  "支付宝优惠（元）",
  "商家优惠（元）",
  "券核销金额（元）",
  "券名称",
  "商家红包消费金额（元）",
  "卡消费金额（元）",
  "退款批次号/请求号",
  "服务费（元）",
  "分润（元）",
  "备注",
];

const RULE = "-----------------------------------------";

export interface RenderedBill {
  filename: string;
  contentType: string;
  body: Buffer;
}

/** The bill file for one date: the zip Alipay serves, or (format "csv") the bare GBK detail CSV. */
export function renderTradeBill(opts: {
  pid: string;
  /** yyyy-MM-dd */
  date: string;
  rows: readonly SandboxBillRow[];
  format?: BillFileFormat;
  exportedAt: string;
}): RenderedBill {
  const ymd = opts.date.replaceAll("-", "");
  const base = `${opts.pid}0156_${ymd}`;
  const detail = encodeGbk(detailCsv(opts));
  if (opts.format === "csv") {
    return { filename: `${base}_业务明细.csv`, contentType: "text/csv; charset=GBK", body: detail };
  }
  const summary = encodeGbk(summaryCsv(opts));
  return {
    filename: `${base}.csv.zip`,
    contentType: "application/zip",
    body: writeZip([
      { name: `${base}_业务明细.csv`, data: detail },
      { name: `${base}_业务明细(汇总).csv`, data: summary },
    ]),
  };
}

function period(date: string): string {
  const [y, m, d] = date.split("-");
  const next = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d) + 1));
  const [ny, nm, nd] = next.toISOString().slice(0, 10).split("-");
  return `#起始日期：[${y}年${m}月${d}日 00:00:00]   终止日期：[${ny}年${nm}月${nd}日 00:00:00]`;
}

const cnTime = (t: string) => {
  const [d, time] = t.split(" ");
  const [y, m, dd] = d.split("-");
  return `${y}年${m}月${dd}日 ${time}`;
};

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

function sum(rows: readonly SandboxBillRow[], pick: (r: SandboxBillRow) => string): string {
  let fen = 0;
  for (const r of rows) fen += parseYuan(pick(r)) ?? 0;
  return fenToYuan(fen);
}

function detailCsv(opts: { pid: string; date: string; rows: readonly SandboxBillRow[]; exportedAt: string }): string {
  const lines = [
    "#支付宝业务明细查询",
    `#账号：[${opts.pid}0156]`,
    period(opts.date),
    `#${RULE}业务明细列表----------------------------------------`,
    DETAIL_HEADER.join(","),
  ];
  for (const r of opts.rows) {
    const values = [
      r.trade_no,
      r.out_trade_no,
      r.biz_type,
      r.subject ?? "",
      r.gmt_create ?? r.gmt_finish,
      r.gmt_finish,
      "",
      "",
      "",
      "",
      r.buyer_logon_id ?? "",
      r.total_amount,
      r.receipt_amount,
      "0.00",
      "0.00",
      "0.00",
      "0.00",
      "0.00",
      "",
      "0.00",
      "0.00",
      r.out_request_no ?? "",
      "0.00",
      "0.00",
      "",
    ];
    lines.push(values.map((v) => `${csvField(v)}\t`).join(","));
  }
  const trades = opts.rows.filter((r) => r.biz_type === "交易");
  const refunds = opts.rows.filter((r) => r.biz_type === "退款");
  lines.push(
    `#${RULE}业务明细列表结束------------------------------------`,
    `#交易合计：${trades.length}笔，商家实收共${sum(trades, (r) => r.receipt_amount)}元，商家优惠共0.00元`,
    `#退款合计：${refunds.length}笔，商家实收退款共${sum(refunds, (r) => r.receipt_amount)}元，商家优惠退款共0.00元`,
    `#导出时间：[${cnTime(opts.exportedAt)}]`,
  );
  return `${lines.join("\r\n")}\r\n`;
}

function summaryCsv(opts: { pid: string; date: string; rows: readonly SandboxBillRow[]; exportedAt: string }): string {
  const trades = opts.rows.filter((r) => r.biz_type === "交易");
  const refunds = opts.rows.filter((r) => r.biz_type === "退款");
  const received = sum(opts.rows, (r) => r.receipt_amount);
  const line = (name: string) =>
    [
      name,
      "",
      String(trades.length),
      String(refunds.length),
      sum(trades, (r) => r.total_amount),
      received,
      "0.00",
      "0.00",
      "0.00",
      "0.00",
      "0.00",
      received,
    ].join(",");
  return `${[
    "#支付宝业务汇总查询",
    `#账号：[${opts.pid}0156]`,
    period(opts.date),
    `#${RULE}业务汇总列表----------------------------------------`,
    "门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）",
    line(""),
    line("合计"),
    "#----------------------------------------业务汇总列表结束-------------------------------------",
    `#导出时间：[${cnTime(opts.exportedAt)}]`,
  ].join("\r\n")}\r\n`;
}

// ---- GBK ----------------------------------------------------------------------------------------

let gbkTable: Map<string, number> | null = null;

/** Encodes text as GBK (the reverse of the runtime's GBK decoder); unmappable characters become "?". */
export function encodeGbk(text: string): Buffer {
  gbkTable ??= buildGbkTable();
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0x3f;
    if (code < 0x80) {
      out.push(code);
      continue;
    }
    const pair = gbkTable.get(ch);
    if (pair === undefined) out.push(0x3f);
    else out.push(pair >> 8, pair & 0xff);
  }
  return Buffer.from(out);
}

function buildGbkTable(): Map<string, number> {
  const decoder = new TextDecoder("gbk");
  const table = new Map<string, number>();
  const pair = Buffer.alloc(2);
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      pair[0] = lead;
      pair[1] = trail;
      const ch = decoder.decode(pair);
      if (ch.length === 1 && ch !== "\ufffd" && !table.has(ch)) table.set(ch, (lead << 8) | trail);
    }
  }
  return table;
}

// ---- zip ----------------------------------------------------------------------------------------

/** A deflated zip archive; entry names are written in GBK without the UTF-8 flag, as Alipay's are. */
export function writeZip(entries: { name: string; data: Buffer }[], at = new Date()): Buffer {
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const dosTime = (at.getHours() << 11) | (at.getMinutes() << 5) | (at.getSeconds() >> 1);
  const dosDate = ((at.getFullYear() - 1980) << 9) | ((at.getMonth() + 1) << 5) | at.getDate();
  for (const entry of entries) {
    const name = encodeGbk(entry.name);
    const packed = deflateRawSync(entry.data);
    const crc = crc32(entry.data);
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(20, 4);
    head.writeUInt16LE(0, 6);
    head.writeUInt16LE(8, 8);
    head.writeUInt16LE(dosTime, 10);
    head.writeUInt16LE(dosDate, 12);
    head.writeUInt32LE(crc, 14);
    head.writeUInt32LE(packed.length, 18);
    head.writeUInt32LE(entry.data.length, 22);
    head.writeUInt16LE(name.length, 26);
    head.writeUInt16LE(0, 28);
    local.push(head, name, packed);

    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(0, 8);
    dir.writeUInt16LE(8, 10);
    dir.writeUInt16LE(dosTime, 12);
    dir.writeUInt16LE(dosDate, 14);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(packed.length, 20);
    dir.writeUInt32LE(entry.data.length, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    central.push(dir, name);
    offset += head.length + name.length + packed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, directory, end]);
}

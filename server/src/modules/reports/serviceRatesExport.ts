/**
 * The 三率 report as files staff download: CSV for Excel and an .xlsx workbook (figures from serviceRates.ts,
 * percentages by the shared rule ratePercent).
 */
import { type RateGroup, ratePercent, type ServiceRateRow, type ServiceRatesView } from "@warmline/shared";
import ExcelJS from "exceljs";

export const GROUP_LABELS: Record<RateGroup, string> = {
  day: "按日",
  week: "按周",
  month: "按月",
  station: "按换热站",
  channel: "按渠道",
};

export const RATE_COLUMNS = [
  "分组",
  "工单数",
  "及时响应数",
  "响应率",
  "办结数",
  "办结率",
  "回访数",
  "满意数",
  "满意率",
] as const;

function csvField(v: string | number): string {
  let s = String(v);
  // a cell that starts like a formula is shown as text (CSV injection)
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvLine(r: ServiceRateRow): string {
  return [
    r.label,
    r.tickets,
    r.respondedInTime,
    ratePercent(r.respondedInTime, r.tickets),
    r.completed,
    ratePercent(r.completed, r.tickets),
    r.followedUp,
    r.satisfied,
    ratePercent(r.satisfied, r.followedUp),
  ]
    .map(csvField)
    .join(",");
}

/** CSV for Excel: UTF-8 with a BOM, CRLF line ends, Chinese header, rows then 合计. */
export function serviceRatesCsv(view: ServiceRatesView): string {
  const lines = [RATE_COLUMNS.join(","), ...view.rows.map(csvLine), csvLine(view.total)];
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

export const XLSX_SHEET_NAME = "三率统计";

export function reportTitle(view: Pick<ServiceRatesView, "from" | "to" | "groupBy">): string {
  return `供热服务三率统计（${view.from} 至 ${view.to}，${GROUP_LABELS[view.groupBy]}）`;
}

/**
 * The workbook: one sheet "三率统计"; row 1 the title with the range, row 2 the header (frozen with the
 * title), then a row per group and the 合计 row; rates are numbers formatted 0.0% (empty when undefined).
 */
export async function serviceRatesXlsx(view: ServiceRatesView): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "暖线 Warmline";
  const ws = wb.addWorksheet(XLSX_SHEET_NAME, { views: [{ state: "frozen", xSplit: 1, ySplit: 2 }] });
  ws.columns = [
    { key: "label", width: 30 },
    { key: "tickets", width: 10 },
    { key: "respondedInTime", width: 12 },
    { key: "responseRate", width: 10, style: { numFmt: "0.0%" } },
    { key: "completed", width: 10 },
    { key: "completionRate", width: 10, style: { numFmt: "0.0%" } },
    { key: "followedUp", width: 10 },
    { key: "satisfied", width: 10 },
    { key: "satisfactionRate", width: 10, style: { numFmt: "0.0%" } },
  ];
  ws.addRow([reportTitle(view)]);
  ws.mergeCells(1, 1, 1, RATE_COLUMNS.length);
  const title = ws.getRow(1);
  title.font = { bold: true, size: 14 };
  title.height = 24;
  title.alignment = { vertical: "middle", horizontal: "center" };
  const header = ws.addRow([...RATE_COLUMNS]);
  header.font = { bold: true };
  header.alignment = { vertical: "middle", horizontal: "center" };
  header.eachCell((c) => {
    c.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFE8EEF7" } };
    c.border = { bottom: { style: "thin" } };
  });
  const cells = (r: ServiceRateRow) => [
    r.label,
    r.tickets,
    r.respondedInTime,
    r.responseRate,
    r.completed,
    r.completionRate,
    r.followedUp,
    r.satisfied,
    r.satisfactionRate,
  ];
  for (const r of view.rows) ws.addRow(cells(r));
  const total = ws.addRow(cells(view.total));
  total.font = { bold: true };
  total.eachCell((c) => {
    c.border = { top: { style: "thin" } };
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

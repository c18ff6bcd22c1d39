/**
 * The 三率 report as files staff download: CSV for Excel and an .xlsx workbook (figures from serviceRates.ts,
 * percentages by the shared rule ratePercent). Both carry the definitions (SERVICE_RATE_DEFINITIONS and
 * SERVICE_RATE_SCOPE from @warmline/shared): the CSV as a block under the table, the workbook as a second
 * sheet "指标定义".
 */
import {
  type RateGroup,
  ratePercent,
  SERVICE_RATE_COUNT_LABELS,
  SERVICE_RATE_DEFINITION,
  SERVICE_RATE_DEFINITION_HEADER,
  SERVICE_RATE_SCOPE,
  type ServiceRateKey,
  type ServiceRateRow,
  type ServiceRatesView,
  serviceRateDefinitionRows,
} from "@warmline/shared";
import ExcelJS from "exceljs";

export const GROUP_LABELS: Record<RateGroup, string> = {
  day: "按日",
  week: "按周",
  month: "按月",
  station: "按换热站",
  channel: "按渠道",
};

type Column =
  | { kind: "label"; title: string }
  | { kind: "count"; field: keyof typeof SERVICE_RATE_COUNT_LABELS }
  | { kind: "rate"; rate: ServiceRateKey };

/** The table's columns: each rate after its numerator and denominator, then 无法联系. */
const COLUMNS: Column[] = [
  { kind: "label", title: "分组" },
  { kind: "count", field: "tickets" },
  { kind: "count", field: "duplicates" },
  { kind: "count", field: "responseDue" },
  { kind: "count", field: "respondedInTime" },
  { kind: "rate", rate: "response" },
  { kind: "count", field: "completionDue" },
  { kind: "count", field: "completed" },
  { kind: "rate", rate: "completion" },
  { kind: "count", field: "followedUp" },
  { kind: "count", field: "solved" },
  { kind: "rate", rate: "solve" },
  { kind: "count", field: "satisfied" },
  { kind: "count", field: "basicSatisfied" },
  { kind: "rate", rate: "satisfaction" },
  { kind: "count", field: "unreachable" },
];

const columnTitle = (c: Column) =>
  c.kind === "label"
    ? c.title
    : c.kind === "count"
      ? SERVICE_RATE_COUNT_LABELS[c.field]
      : SERVICE_RATE_DEFINITION[c.rate].name;

export const RATE_COLUMNS: readonly string[] = COLUMNS.map(columnTitle);

function csvField(v: string | number): string {
  let s = String(v);
  // a cell that starts like a formula is shown as text (CSV injection)
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const csvLine = (fields: (string | number)[]) => fields.map(csvField).join(",");

function csvCells(r: ServiceRateRow): (string | number)[] {
  return COLUMNS.map((c) => {
    if (c.kind === "label") return r.label;
    if (c.kind === "count") return r[c.field];
    const d = SERVICE_RATE_DEFINITION[c.rate];
    return ratePercent(r[d.numeratorField], r[d.denominatorField]);
  });
}

/** The definitions block: a title line, the header, a line per rate, then the rules for all rates. */
function definitionLines(): string[] {
  return [
    csvLine(["指标定义"]),
    csvLine([...SERVICE_RATE_DEFINITION_HEADER]),
    ...serviceRateDefinitionRows().map(csvLine),
    ...SERVICE_RATE_SCOPE.map((rule) => csvLine(["统计规则", rule])),
  ];
}

/**
 * CSV for Excel: UTF-8 with a BOM, CRLF line ends, Chinese header, rows then 合计; an empty line, then the
 * definitions (指标定义).
 */
export function serviceRatesCsv(view: ServiceRatesView): string {
  const lines = [
    csvLine([...RATE_COLUMNS]),
    ...view.rows.map((r) => csvLine(csvCells(r))),
    csvLine(csvCells(view.total)),
    "",
    ...definitionLines(),
  ];
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

export const XLSX_SHEET_NAME = "三率统计";
export const XLSX_DEFINITIONS_SHEET_NAME = "指标定义";

export function reportTitle(view: Pick<ServiceRatesView, "from" | "to" | "groupBy">): string {
  return `供热服务三率统计（${view.from} 至 ${view.to}，${GROUP_LABELS[view.groupBy]}）`;
}

/**
 * The workbook: sheet "三率统计" (row 1 the title with the range, row 2 the header, frozen with the title, then
 * a row per group and the 合计 row; rates are numbers formatted 0.0%, empty when undefined) and sheet
 * "指标定义" (a row per rate, then the rules for all rates).
 */
export async function serviceRatesXlsx(view: ServiceRatesView): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "暖线 Warmline";
  const ws = wb.addWorksheet(XLSX_SHEET_NAME, { views: [{ state: "frozen", xSplit: 1, ySplit: 2 }] });
  ws.columns = COLUMNS.map((c) =>
    c.kind === "label"
      ? { width: 30 }
      : c.kind === "rate"
        ? { width: 10, style: { numFmt: "0.0%" } }
        : { width: Math.max(10, columnTitle(c).length * 2 + 2) },
  );
  ws.addRow([reportTitle(view)]);
  ws.mergeCells(1, 1, 1, COLUMNS.length);
  const title = ws.getRow(1);
  title.font = { bold: true, size: 14 };
  title.height = 24;
  title.alignment = { vertical: "middle", horizontal: "center" };
  const header = ws.addRow([...RATE_COLUMNS]);
  header.font = { bold: true };
  header.alignment = { vertical: "middle", horizontal: "center", wrapText: true };
  header.eachCell((c) => {
    c.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFE8EEF7" } };
    c.border = { bottom: { style: "thin" } };
  });
  const cells = (r: ServiceRateRow) =>
    COLUMNS.map((c) =>
      c.kind === "label" ? r.label : c.kind === "count" ? r[c.field] : r[SERVICE_RATE_DEFINITION[c.rate].rateField],
    );
  for (const r of view.rows) ws.addRow(cells(r));
  const total = ws.addRow(cells(view.total));
  total.font = { bold: true };
  total.eachCell((c) => {
    c.border = { top: { style: "thin" } };
  });

  const defs = wb.addWorksheet(XLSX_DEFINITIONS_SHEET_NAME);
  defs.columns = [{ width: 10 }, { width: 22 }, { width: 50 }, { width: 50 }, { width: 40 }, { width: 16 }];
  const defHeader = defs.addRow([...SERVICE_RATE_DEFINITION_HEADER]);
  defHeader.font = { bold: true };
  for (const r of serviceRateDefinitionRows()) defs.addRow(r);
  defs.addRow([]);
  for (const rule of SERVICE_RATE_SCOPE) {
    const row = defs.addRow(["统计规则", rule]);
    defs.mergeCells(row.number, 2, row.number, 6);
  }
  defs.eachRow((row) => {
    row.alignment = { vertical: "top", wrapText: true };
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

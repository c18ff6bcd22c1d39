import { DownloadOutlined } from "@ant-design/icons";
import {
  RATE_GROUPS,
  type RateGroup,
  SERVICE_RATE_COUNT_LABELS,
  SERVICE_RATE_DEFINITIONS,
  type ServiceRateDefinition,
  type ServiceRateRow,
  ServiceRatesQuerySchema,
} from "@warmline/shared";
import { useMutation } from "@tanstack/react-query";
import { App, Button, Card, Col, Form, Input, Radio, Row, Space, Table, type TableColumnsType, Typography } from "antd";
import { type ReactNode, useMemo } from "react";
import { messageOf } from "../api/api";
import { downloadServiceRates, type ExportFormat, type ServiceRatesParams } from "../api/tickets";
import { BarChart, type ChartSeries, LineChart } from "../components/Charts";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { RateTitle, ServiceRateCards } from "../components/ServiceRateCards";
import { saveBlob } from "../components/saveBlob";
import { zodRule } from "../forms/zodRule";
import { shanghaiDate } from "../format";
import { RATE_GROUP_LABELS } from "../labels";
import { useServiceRates } from "../queries/tickets";
import { formatRate, seasonStart } from "../tickets";
import { useSearchState } from "./useSearchState";

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 24 * 60 * 60 * 1000;
/** The server refuses longer ranges (REPORT_RANGE_TOO_LONG). */
const MAX_DAYS = 366;

const groupOptions = RATE_GROUPS.map((g) => ({ value: g, label: RATE_GROUP_LABELS[g] ?? g }));
const TIME_GROUPS: readonly RateGroup[] = ["day", "week", "month"];
const KEY_TITLES: Record<RateGroup, string> = {
  day: "日期",
  week: "周（起始日）",
  month: "月份",
  station: "换热站",
  channel: "渠道",
};

const RATE_COLORS: Record<ServiceRateDefinition["key"], string> = {
  response: "#1677ff",
  completion: "#52c41a",
  solve: "#722ed1",
  satisfaction: "#fa8c16",
};
const RATE_SERIES = SERVICE_RATE_DEFINITIONS.map((d) => ({
  key: d.rateField,
  name: d.name,
  color: RATE_COLORS[d.key],
}));

/** A rate cell: the rate, and under it the numerator / denominator it comes from. */
function RateCell({ row, d }: { row: ServiceRateRow; d: ServiceRateDefinition }) {
  return (
    <span className={`rate-cell rate-cell-${d.key}`}>
      <span className="rate-value">{formatRate(row[d.rateField])}</span>
      <br />
      <Typography.Text type="secondary" className="rate-counts" style={{ fontSize: 12 }}>
        {row[d.numeratorField]}/{row[d.denominatorField]}
      </Typography.Text>
    </span>
  );
}

/** The table's columns after the group: counts and the four rates (the 合计 row uses the same list). */
const VALUE_COLUMNS: {
  key: string;
  title: ReactNode;
  value: (r: ServiceRateRow) => ReactNode;
}[] = [
  { key: "tickets", title: SERVICE_RATE_COUNT_LABELS.tickets, value: (r) => r.tickets },
  { key: "duplicates", title: SERVICE_RATE_COUNT_LABELS.duplicates, value: (r) => r.duplicates },
  ...SERVICE_RATE_DEFINITIONS.map((d) => ({
    key: d.rateField,
    title: <RateTitle d={d} />,
    value: (r: ServiceRateRow) => <RateCell row={r} d={d} />,
  })),
  { key: "basicSatisfied", title: SERVICE_RATE_COUNT_LABELS.basicSatisfied, value: (r) => r.basicSatisfied },
  { key: "unreachable", title: SERVICE_RATE_COUNT_LABELS.unreachable, value: (r) => r.unreachable },
];

const percentAxis = (v: number) => `${Math.round(v * 100)}%`;
const countAxis = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));

interface RangeValues {
  from: string;
  to: string;
  groupBy: RateGroup;
}

const EXPORTS: { format: ExportFormat; label: string }[] = [
  { format: "csv", label: "导出CSV" },
  { format: "xlsx", label: "导出Excel" },
];

/**
 * 三率报表: 响应率, 解决率, 满意率 and the plan's 办结率 (definitions from @warmline/shared serviceRates.ts,
 * shown on the cards, the column tooltips and the folded 统计口径) by day / week / month / station / channel,
 * for this heating season (10-15 to today) unless another range is chosen; a table with totals, charts,
 * and the same report as CSV or Excel.
 */
export function ServiceReportPage() {
  const { message } = App.useApp();
  const s = useSearchState();
  const [form] = Form.useForm<RangeValues>();
  const today = useMemo(() => shanghaiDate(new Date()), []);
  const params: ServiceRatesParams = {
    from: DATE.test(s.text("from")) ? s.text("from") : seasonStart(today),
    to: DATE.test(s.text("to")) ? s.text("to") : today,
    groupBy: (RATE_GROUPS as readonly string[]).includes(s.text("groupBy")) ? (s.text("groupBy") as RateGroup) : "day",
  };
  const report = useServiceRates(params);
  // the per-station bars: the same range by station (the report itself when it is grouped by station)
  const byStation = useServiceRates({ ...params, groupBy: "station" }, { enabled: params.groupBy !== "station" });
  const stationRows = (params.groupBy === "station" ? report.data : byStation.data)?.rows ?? [];
  const exporting = useMutation({
    mutationFn: async (format: ExportFormat) => {
      const file = await downloadServiceRates(params, format);
      saveBlob(file.blob, file.filename ?? `三率报表_${params.from}_${params.to}.${format}`);
    },
    onError: (e) => message.error(messageOf(e)),
  });

  const rows = report.data?.rows ?? [];
  const isTime = TIME_GROUPS.includes(params.groupBy);
  const labels = rows.map((r) => r.label);
  const keys = rows.map((r) => r.key);
  const rateSeries: ChartSeries[] = RATE_SERIES.map((x) => ({ ...x, values: rows.map((r) => r[x.key]) }));
  const countSeries: ChartSeries[] = [
    { key: "tickets", name: "工单数", color: "#8c8c8c", values: rows.map((r) => r.tickets) },
    { key: "completed", name: "按时办结数", color: "#52c41a", values: rows.map((r) => r.completed) },
  ];
  const stationSeries: ChartSeries[] = RATE_SERIES.map((x) => ({ ...x, values: stationRows.map((r) => r[x.key]) }));

  const columns: TableColumnsType<ServiceRateRow> = [
    { title: KEY_TITLES[params.groupBy], dataIndex: "label", width: 250 },
    ...VALUE_COLUMNS.map((c) => ({
      key: c.key,
      title: c.title,
      align: "right" as const,
      render: (_: unknown, r: ServiceRateRow) => c.value(r),
    })),
  ];
  const total = report.data?.total;

  return (
    <Space className="service-report-page" orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Card title={<Typography.Text strong>三率报表</Typography.Text>}>
        <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
          <Form<RangeValues>
            form={form}
            name="service-report"
            layout="inline"
            style={{ rowGap: 12 }}
            initialValues={params}
            onFinish={(v) => {
              const same = v.from === params.from && v.to === params.to && v.groupBy === params.groupBy;
              if (same) void report.refetch();
              else s.update({ from: v.from, to: v.to, groupBy: v.groupBy });
            }}
          >
            <Form.Item
              label="开始日期"
              name="from"
              htmlFor="report-from"
              validateFirst
              rules={[{ required: true, message: "请选择开始日期" }, zodRule(ServiceRatesQuerySchema.shape.from)]}
            >
              <Input id="report-from" type="date" max={today} style={{ width: 160 }} />
            </Form.Item>
            <Form.Item
              label="结束日期"
              name="to"
              htmlFor="report-to"
              dependencies={["from"]}
              validateFirst
              rules={[
                { required: true, message: "请选择结束日期" },
                zodRule(ServiceRatesQuerySchema.shape.to),
                ({ getFieldValue }) => ({
                  validator: async (_r, to: string | undefined) => {
                    const from = getFieldValue("from") as string | undefined;
                    if (!to || !from || !DATE.test(to) || !DATE.test(from)) return;
                    if (to < from) throw new Error("结束日期不能早于开始日期");
                    if ((Date.parse(to) - Date.parse(from)) / DAY_MS + 1 > MAX_DAYS)
                      throw new Error("统计区间不能超过366天");
                  },
                }),
              ]}
            >
              <Input id="report-to" type="date" max={today} style={{ width: 160 }} />
            </Form.Item>
            <Form.Item label="统计方式" name="groupBy">
              <Radio.Group id="report-group" optionType="button" options={groupOptions} />
            </Form.Item>
            <Form.Item>
              <Button type="primary" htmlType="submit" loading={report.isFetching}>
                查询
              </Button>
            </Form.Item>
            <Form.Item>
              <Space>
                {EXPORTS.map((x) => (
                  <Button
                    key={x.format}
                    icon={<DownloadOutlined />}
                    loading={exporting.isPending && exporting.variables === x.format}
                    disabled={exporting.isPending && exporting.variables !== x.format}
                    onClick={() => exporting.mutate(x.format)}
                  >
                    {x.label}
                  </Button>
                ))}
              </Space>
            </Form.Item>
          </Form>
          <Typography.Text type="secondary">
            统计区间 {params.from} 至 {params.to}
            （北京时间，按工单提交日期），按报表生成时的处理结果计算。每个比率下方为 分子/分母，悬停问号查看口径。
          </Typography.Text>
          {report.isError && <QueryErrorAlert error={report.error} onRetry={() => void report.refetch()} />}
          {total && <ServiceRateCards total={total} />}
          <Table<ServiceRateRow>
            className="service-rates-table"
            rowKey="key"
            size="small"
            columns={columns}
            dataSource={rows}
            loading={report.isFetching}
            pagination={rows.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
            locale={{ emptyText: "该区间没有工单" }}
            summary={() =>
              total ? (
                <Table.Summary fixed>
                  <Table.Summary.Row className="service-rates-total">
                    <Table.Summary.Cell index={0}>
                      <Typography.Text strong>合计</Typography.Text>
                    </Table.Summary.Cell>
                    {VALUE_COLUMNS.map((c, i) => (
                      <Table.Summary.Cell key={c.key} index={i + 1} align="right">
                        {c.value(total)}
                      </Table.Summary.Cell>
                    ))}
                  </Table.Summary.Row>
                </Table.Summary>
              ) : undefined
            }
          />
        </Space>
      </Card>
      {report.data && (
        <Card size="small" title="图表" className="service-rates-charts">
          <Row gutter={24}>
            <Col span={12}>
              {isTime ? (
                <LineChart
                  className="chart-rates"
                  title="三率走势"
                  labels={labels}
                  keys={keys}
                  series={rateSeries}
                  max={1}
                  format={percentAxis}
                />
              ) : params.groupBy === "station" ? (
                <BarChart
                  className="chart-counts"
                  title="各换热站工单数与按时办结数"
                  labels={labels}
                  keys={keys}
                  series={countSeries}
                  format={countAxis}
                />
              ) : (
                <BarChart
                  className="chart-rates"
                  title={`各${RATE_GROUP_LABELS[params.groupBy]}三率`}
                  labels={labels}
                  keys={keys}
                  series={rateSeries}
                  max={1}
                  format={percentAxis}
                />
              )}
            </Col>
            <Col span={12}>
              {byStation.isError && params.groupBy !== "station" ? (
                <QueryErrorAlert error={byStation.error} onRetry={() => void byStation.refetch()} />
              ) : (
                <BarChart
                  className="chart-stations"
                  title="各换热站三率"
                  labels={stationRows.map((r) => r.label)}
                  keys={stationRows.map((r) => r.key)}
                  series={stationSeries}
                  max={1}
                  format={percentAxis}
                />
              )}
            </Col>
          </Row>
        </Card>
      )}
    </Space>
  );
}

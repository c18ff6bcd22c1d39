import { DownloadOutlined } from "@ant-design/icons";
import { RATE_GROUPS, type RateGroup, type ServiceRateRow, ServiceRatesQuerySchema } from "@warmline/shared";
import { useMutation } from "@tanstack/react-query";
import { App, Button, Card, Col, Form, Input, Radio, Row, Space, Table, type TableColumnsType, Typography } from "antd";
import { useMemo } from "react";
import { messageOf } from "../api/api";
import { downloadServiceRates, type ExportFormat, type ServiceRatesParams } from "../api/tickets";
import { BarChart, type ChartSeries, LineChart } from "../components/Charts";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
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

const RATE_SERIES = [
  { key: "responseRate", name: "响应率", color: "#1677ff" },
  { key: "completionRate", name: "办结率", color: "#52c41a" },
  { key: "satisfactionRate", name: "满意率", color: "#fa8c16" },
] as const;

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
 * 三率报表: timely response, completion and satisfaction rates by day / week / month / station / channel,
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
    { key: "completed", name: "办结数", color: "#52c41a", values: rows.map((r) => r.completed) },
  ];
  const stationSeries: ChartSeries[] = RATE_SERIES.map((x) => ({ ...x, values: stationRows.map((r) => r[x.key]) }));

  const columns: TableColumnsType<ServiceRateRow> = [
    { title: KEY_TITLES[params.groupBy], dataIndex: "label", width: 140 },
    { title: "工单数", dataIndex: "tickets", align: "right" },
    { title: "及时响应数", dataIndex: "respondedInTime", align: "right" },
    { title: "响应率", dataIndex: "responseRate", align: "right", render: formatRate },
    { title: "办结数", dataIndex: "completed", align: "right" },
    { title: "办结率", dataIndex: "completionRate", align: "right", render: formatRate },
    { title: "回访数", dataIndex: "followedUp", align: "right" },
    { title: "满意数", dataIndex: "satisfied", align: "right" },
    { title: "满意率", dataIndex: "satisfactionRate", align: "right", render: formatRate },
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
            统计区间 {params.from} 至 {params.to}（北京时间）。响应率 = 及时响应数 / 工单数；办结率 = 办结数 /
            工单数；满意率 = 满意数 / 回访数。
          </Typography.Text>
          {report.isError && <QueryErrorAlert error={report.error} onRetry={() => void report.refetch()} />}
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
                    <Table.Summary.Cell index={1} align="right">
                      {total.tickets}
                    </Table.Summary.Cell>
                    <Table.Summary.Cell index={2} align="right">
                      {total.respondedInTime}
                    </Table.Summary.Cell>
                    <Table.Summary.Cell index={3} align="right">
                      {formatRate(total.responseRate)}
                    </Table.Summary.Cell>
                    <Table.Summary.Cell index={4} align="right">
                      {total.completed}
                    </Table.Summary.Cell>
                    <Table.Summary.Cell index={5} align="right">
                      {formatRate(total.completionRate)}
                    </Table.Summary.Cell>
                    <Table.Summary.Cell index={6} align="right">
                      {total.followedUp}
                    </Table.Summary.Cell>
                    <Table.Summary.Cell index={7} align="right">
                      {total.satisfied}
                    </Table.Summary.Cell>
                    <Table.Summary.Cell index={8} align="right">
                      {formatRate(total.satisfactionRate)}
                    </Table.Summary.Cell>
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
                  title="各换热站工单数与办结数"
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

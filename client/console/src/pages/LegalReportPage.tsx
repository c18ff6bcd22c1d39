import { DownloadOutlined } from "@ant-design/icons";
import { useMutation, useQuery } from "@tanstack/react-query";
import { formatYuan, LegalReportSchema, type LegalReportView } from "@warmline/shared";
import { App, Button, Card, Col, DatePicker, Row, Segmented, Space, Statistic, Table, Typography } from "antd";
import { useState } from "react";
import { api, messageOf } from "../api/api";
import { parseWith } from "../api/parse";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { saveBlob } from "../components/saveBlob";
import { shanghaiDate } from "../format";

type Compliance = LegalReportView["submit"];

/** "n / N（x%）" of a deadline, or 暂无 when no case counts yet */
export function complianceText(c: Compliance): string {
  if (c.counted === 0) return "暂无";
  return `${c.met} / ${c.counted}（${((c.met / c.counted) * 100).toFixed(1)}%）`;
}

/** the seasons offered: this one and the two before (a season starts on 10-15) */
function recentSeasons(today: string): string[] {
  const y = Number(today.slice(0, 4));
  const start = today.slice(5) >= "10-15" ? y : y - 1;
  return [0, 1, 2].map((k) => `${start - k}-${start - k + 1}`);
}

/**
 * 法务报表: cases by state, deadline compliance (提交法院 within 5 working days of approval, 启动诉讼 within 7
 * days: n / N on the stored deadlines), amounts recovered since opening by outcome; 导出欠费台账 downloads
 * the arrears register (XLSX, audited).
 */
export function LegalReportPage() {
  const { message } = App.useApp();
  const today = shanghaiDate(new Date());
  const seasons = recentSeasons(today);
  const [mode, setMode] = useState<"all" | "season" | "range">("all");
  const [season, setSeason] = useState(seasons[0] as string);
  const [range, setRange] = useState<[string, string] | null>(null);
  const query =
    mode === "season" ? { season } : mode === "range" && range?.[0] && range[1] ? { from: range[0], to: range[1] } : {};
  const report = useQuery({
    queryKey: ["legal", "report", query],
    queryFn: async ({ signal }) =>
      parseWith(LegalReportSchema, await api.get("/api/v1/staff/legal/reports", query, signal)),
  });
  const exportRegister = useMutation({
    mutationFn: () => api.download("/api/v1/staff/legal/arrears-register.xlsx"),
    onSuccess: (f) => saveBlob(f.blob, f.filename ?? `欠费台账_${today}.xlsx`),
    onError: (e) => message.error(messageOf(e)),
  });
  const r = report.data;
  return (
    <Card
      title="法务报表"
      extra={
        <Button icon={<DownloadOutlined />} loading={exportRegister.isPending} onClick={() => exportRegister.mutate()}>
          导出欠费台账
        </Button>
      }
    >
      <Space orientation="vertical" size="large" style={{ width: "100%" }}>
        <Space wrap>
          <Segmented
            value={mode}
            onChange={(v) => setMode(v as typeof mode)}
            options={[
              { value: "all", label: "全部案件" },
              { value: "season", label: "按供热季" },
              { value: "range", label: "按立案日期" },
            ]}
          />
          {mode === "season" ? (
            <Segmented value={season} onChange={(v) => setSeason(v as string)} options={seasons} />
          ) : null}
          {mode === "range" ? (
            <DatePicker.RangePicker
              aria-label="立案日期"
              onChange={(_, s) => setRange(s[0] && s[1] ? [s[0], s[1]] : null)}
            />
          ) : null}
        </Space>
        {report.error ? <QueryErrorAlert error={report.error} onRetry={() => report.refetch()} /> : null}
        {r ? (
          <>
            <Row gutter={16}>
              <Col span={6}>
                <Statistic title="案件数" value={r.totalCases} />
              </Col>
              <Col span={6}>
                <Statistic title="5个工作日内提交法院" value={complianceText(r.submit)} />
              </Col>
              <Col span={6}>
                <Statistic title="7日内启动诉讼" value={complianceText(r.litigate)} />
              </Col>
              <Col span={6}>
                <Statistic title="立案后追回金额" value={formatYuan(r.recovered.totalFen)} />
              </Col>
            </Row>
            <Typography.Text type="secondary">
              期限按批准移交时计算并保存的到期日统计：已办理的按办理日期判断是否按期；未办理且已过期的计为超期；结案时尚未到期且未办理的不计入；
              未到期的 {r.submit.pending} 件待定；节假日数据缺失的 {r.submit.calendarMissing} 件不计入。
            </Typography.Text>
            <Row gutter={16}>
              <Col span={10}>
                <Table
                  size="small"
                  title={() => "案件状态"}
                  rowKey="state"
                  pagination={false}
                  dataSource={r.byState}
                  columns={[
                    { title: "状态", dataIndex: "label" },
                    { title: "案件数", dataIndex: "count", align: "right" },
                  ]}
                />
              </Col>
              <Col span={14}>
                <Table
                  size="small"
                  title={() => "追回金额（立案后该户的缴费，已扣除退款）"}
                  rowKey="outcome"
                  pagination={false}
                  dataSource={r.recovered.byOutcome}
                  columns={[
                    { title: "结案方式", dataIndex: "label" },
                    { title: "案件数", dataIndex: "cases", align: "right" },
                    { title: "立案时欠费", dataIndex: "owedFen", align: "right", render: (v: number) => formatYuan(v) },
                    { title: "追回", dataIndex: "recoveredFen", align: "right", render: (v: number) => formatYuan(v) },
                  ]}
                />
              </Col>
            </Row>
          </>
        ) : null}
      </Space>
    </Card>
  );
}

import { DownloadOutlined, ReloadOutlined } from "@ant-design/icons";
import {
  formatYuan,
  HARDSHIP_APP_STATUS_LABELS,
  HARDSHIP_APP_STATUSES,
  HARDSHIP_PLAN_STATUS_LABELS,
  HARDSHIP_PLAN_STATUSES,
} from "@warmline/shared";
import { App, Button, Card, Col, Row, Space, Spin, Statistic, Table, Typography } from "antd";
import { useState } from "react";
import { Link } from "react-router";
import { messageOf } from "../api/api";
import { downloadHardshipSummary } from "../api/hardship";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { saveBlob } from "../components/saveBlob";
import { useHardshipSummary } from "../queries/hardship";

/** 困难缓缴/分期汇总: applications by state, plans by state with the money under them, and the CSV export. */
export function HardshipSummaryPage() {
  const q = useHardshipSummary();
  const { message } = App.useApp();
  const [exporting, setExporting] = useState(false);
  const s = q.data;

  const exportCsv = async () => {
    setExporting(true);
    try {
      const file = await downloadHardshipSummary();
      saveBlob(file.blob, file.filename ?? `困难缓缴分期汇总_${s?.asOf ?? ""}.csv`);
    } catch (err) {
      message.error(messageOf(err));
    } finally {
      setExporting(false);
    }
  };

  return (
    <Card
      className="hardship-summary-page"
      title={<Typography.Text strong>困难缓缴/分期汇总{s ? `（截至 ${s.asOf}）` : ""}</Typography.Text>}
      extra={
        <Space>
          <Button icon={<DownloadOutlined />} loading={exporting} onClick={() => void exportCsv()}>
            导出 CSV
          </Button>
          <Button icon={<ReloadOutlined />} loading={q.isFetching} onClick={() => void q.refetch()}>
            刷新
          </Button>
        </Space>
      }
    >
      {q.isError && <QueryErrorAlert error={q.error} onRetry={() => void q.refetch()} />}
      {q.isPending && <Spin />}
      {s && (
        <Space orientation="vertical" size="large" style={{ width: "100%" }}>
          <Row gutter={16}>
            <Col span={6}>
              <Statistic title="待社区初审" value={s.applications.pending_community} suffix="件" />
              <Link to="/hardship/community">去初审</Link>
            </Col>
            <Col span={6}>
              <Statistic title="待供热中心复核" value={s.applications.pending_center} suffix="件" />
              <Link to="/hardship/center">去复核</Link>
            </Col>
            <Col span={6}>
              <Statistic title="执行中的计划" value={s.plans.active.count} suffix="户" />
            </Col>
            <Col span={6}>
              <Statistic title="执行中计划待缴本金" value={formatYuan(s.outstandingFen)} />
            </Col>
          </Row>
          <Row gutter={24}>
            <Col span={10}>
              <Table
                size="small"
                rowKey="status"
                pagination={false}
                title={() => <Typography.Text strong>申请（按状态）</Typography.Text>}
                dataSource={HARDSHIP_APP_STATUSES.map((st) => ({ status: st, n: s.applications[st] }))}
                columns={[
                  {
                    title: "状态",
                    dataIndex: "status",
                    render: (st: keyof typeof HARDSHIP_APP_STATUS_LABELS) => HARDSHIP_APP_STATUS_LABELS[st],
                  },
                  { title: "件数", dataIndex: "n", align: "right" },
                ]}
              />
            </Col>
            <Col span={14}>
              <Table
                size="small"
                rowKey="status"
                pagination={false}
                title={() => <Typography.Text strong>分期/缓缴计划（按状态）</Typography.Text>}
                dataSource={HARDSHIP_PLAN_STATUSES.map((st) => ({ status: st, ...s.plans[st] }))}
                columns={[
                  {
                    title: "状态",
                    dataIndex: "status",
                    render: (st: keyof typeof HARDSHIP_PLAN_STATUS_LABELS) => HARDSHIP_PLAN_STATUS_LABELS[st],
                  },
                  { title: "户数", dataIndex: "count", align: "right" },
                  {
                    title: "计划本金",
                    dataIndex: "principalFen",
                    align: "right",
                    render: (f: number) => formatYuan(f),
                  },
                  {
                    title: "已免滞纳金",
                    dataIndex: "lateFeeWaivedFen",
                    align: "right",
                    render: (f: number) => formatYuan(f),
                  },
                ]}
              />
            </Col>
          </Row>
        </Space>
      )}
    </Card>
  );
}

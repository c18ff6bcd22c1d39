import { LoadingOutlined } from "@ant-design/icons";
import { RECON_KIND_LABELS, RECON_KINDS, formatYuan } from "@warmline/shared";
import { useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  Button,
  Card,
  Col,
  Empty,
  Row,
  Skeleton,
  Space,
  Statistic,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from "antd";
import { useEffect, useRef } from "react";
import { Link } from "react-router";
import type { ReconItem, ReconRunView } from "../api/payments";
import { EMPTY, formatDateTime, orEmpty } from "../format";
import { RECON_RESOLUTION_LABELS, RECON_STATUS_LABELS, RECON_VENDOR_LABELS } from "../labels";
import { queryKeys } from "../queries/keys";
import { isReconFinished, useReconRun } from "../queries/payments";
import { QueryErrorAlert } from "./QueryErrorAlert";
import { minTableWidth } from "./tableWidth";

type Kind = ReconItem["kind"];

export const RECON_STATUS_COLORS: Record<ReconRunView["status"], string> = {
  queued: "default",
  running: "processing",
  done: "success",
  failed: "error",
};

const mono = { fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace", fontSize: 12 };
const money = (f: number | null) => (f === null ? EMPTY : formatYuan(f));
/** -100 → "-¥1.00", 250 → "+¥2.50" */
const signedYuan = (f: number) => `${f > 0 ? "+" : f < 0 ? "-" : ""}${formatYuan(Math.abs(f))}`;

function columns(kind: Kind): TableColumnsType<ReconItem> {
  const cols: TableColumnsType<ReconItem> = [
    {
      title: "商户订单号",
      dataIndex: "outTradeNo",
      width: 220,
      render: (v: string) => (
        <Link to={`/payments?q=${encodeURIComponent(v)}`} style={mono}>
          {v}
        </Link>
      ),
    },
    {
      title: "渠道流水号",
      dataIndex: "transactionId",
      width: 200,
      render: (v: string | null) => <span style={mono}>{orEmpty(v)}</span>,
    },
    { title: "渠道金额", dataIndex: "vendorAmountFen", width: 110, align: "right", render: money },
    { title: "本系统金额", dataIndex: "ourAmountFen", width: 110, align: "right", render: money },
  ];
  if (kind === "amount_mismatch") {
    cols.push({
      title: "差额（渠道−本系统）",
      key: "diff",
      width: 150,
      align: "right",
      render: (_, i) =>
        i.vendorAmountFen === null || i.ourAmountFen === null ? EMPTY : signedYuan(i.vendorAmountFen - i.ourAmountFen),
    });
  }
  cols.push(
    {
      title: "处理结果",
      dataIndex: "resolution",
      width: 120,
      render: (r: ReconItem["resolution"]) => (
        <Tag color={r === "auto_settled" ? "green" : "orange"}>{RECON_RESOLUTION_LABELS[r] ?? r}</Tag>
      ),
    },
    { title: "说明", dataIndex: "note", render: orEmpty },
  );
  return cols;
}

const COUNT_OF: Record<Kind, (r: ReconRunView) => number> = {
  missing_here: (r) => r.missingHere,
  missing_there: (r) => r.missingThere,
  amount_mismatch: (r) => r.amountMismatch,
};

interface Props {
  runId: number;
  onClose: () => void;
}

/** One reconciliation run: asked for every second until it ends, then its counts and the three sets of differences. */
export function ReconRunDetail({ runId, onClose }: Props) {
  const qc = useQueryClient();
  const q = useReconRun(runId);
  const run = q.data;
  const finished = isReconFinished(run);

  // A run that ended while we watched changed the list's counts and may have settled payments.
  const sawUnfinished = useRef(false);
  useEffect(() => {
    if (run && !finished) sawUnfinished.current = true;
    if (finished && sawUnfinished.current) {
      sawUnfinished.current = false;
      void qc.invalidateQueries({ queryKey: queryKeys.reconRuns });
      void qc.invalidateQueries({ queryKey: queryKeys.paymentSearchAll });
    }
  }, [qc, run, finished]);

  const flaggedCount = run?.items.filter((i) => i.resolution === "flagged").length ?? 0;

  return (
    <Card
      className="recon-run"
      size="small"
      title={
        run ? `对账结果 · ${run.date} · ${RECON_VENDOR_LABELS[run.vendor] ?? run.vendor}` : `对账结果 · 第 ${runId} 次`
      }
      extra={
        <Space>
          {run && <Tag color={RECON_STATUS_COLORS[run.status]}>{RECON_STATUS_LABELS[run.status] ?? run.status}</Tag>}
          <Button size="small" onClick={onClose}>
            关闭
          </Button>
        </Space>
      }
    >
      {q.isError && <QueryErrorAlert error={q.error} onRetry={() => void q.refetch()} />}
      {q.isPending && !q.isError && <Skeleton active paragraph={{ rows: 3 }} />}
      {run && (
        <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
          {!finished && (
            <Alert
              type="info"
              role="status"
              showIcon
              icon={<LoadingOutlined />}
              title={run.status === "queued" ? "对账任务排队中，请稍候…" : "正在获取渠道对账单并逐笔核对，请稍候…"}
              description={`发起时间 ${formatDateTime(run.createdAt)}，完成后自动显示结果`}
            />
          )}
          {run.status === "failed" && (
            <Alert type="error" showIcon role="alert" title={`对账失败：${run.error ?? "原因未知"}，可重新发起`} />
          )}
          {run.status === "done" && (
            <>
              <Row gutter={16}>
                <Col span={4}>
                  <Statistic title="渠道笔数" value={run.vendorCount} />
                </Col>
                <Col span={4}>
                  <Statistic title="本系统笔数" value={run.ourCount} />
                </Col>
                <Col span={4}>
                  <Statistic title="已匹配" value={run.matched} styles={{ content: { color: "#389e0d" } }} />
                </Col>
                {RECON_KINDS.map((k) => (
                  <Col span={4} key={k}>
                    <Statistic
                      title={RECON_KIND_LABELS[k]}
                      value={COUNT_OF[k](run)}
                      styles={{ content: { color: COUNT_OF[k](run) > 0 ? "#cf1322" : undefined } }}
                    />
                  </Col>
                ))}
              </Row>
              <Typography.Text type="secondary">完成时间 {formatDateTime(run.finishedAt)}</Typography.Text>
              {flaggedCount > 0 && (
                <Alert
                  type="warning"
                  showIcon
                  title={`有 ${flaggedCount} 笔差异待人工处理`}
                  description="请逐笔核实：点击订单号可在缴费查询中查看该笔缴费；已到账未能入账的款项在“异常款项”中处理。"
                />
              )}
              {RECON_KINDS.map((k) => {
                const items = run.items.filter((i) => i.kind === k);
                const cols = columns(k);
                return (
                  <div key={k} className={`recon-items recon-items-${k}`}>
                    <Typography.Title level={5}>
                      {RECON_KIND_LABELS[k]}（{items.length} 笔）
                    </Typography.Title>
                    {items.length === 0 ? (
                      <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="无差异" />
                    ) : (
                      <Table<ReconItem>
                        rowKey="id"
                        size="small"
                        columns={cols}
                        dataSource={items}
                        scroll={{ x: minTableWidth(cols) }}
                        pagination={items.length > 20 ? { pageSize: 20, showTotal: (t) => `共 ${t} 笔` } : false}
                      />
                    )}
                  </div>
                );
              })}
            </>
          )}
        </Space>
      )}
    </Card>
  );
}

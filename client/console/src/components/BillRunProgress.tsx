import { Alert, Button, Card, Descriptions, Progress, Space, Tag } from "antd";
import type { BillRunView } from "../api/billing";
import { formatDateTime } from "../format";
import { BILL_RUN_STATUS_LABELS } from "../labels";
import { isRunFinished, useBillRun } from "../queries/billing";
import { QueryErrorAlert } from "./QueryErrorAlert";

const STATUS_COLORS: Record<BillRunView["status"], string> = {
  queued: "default",
  running: "processing",
  done: "success",
  failed: "error",
};

/** Whole percent of a run, 100 once done (a season with no accounts has total 0). */
export function runPercent(run: BillRunView): number {
  if (run.status === "done") return 100;
  if (run.total <= 0) return 0;
  return Math.min(100, Math.floor((run.processed * 100) / run.total));
}

interface Props {
  runId: number;
  seasonCode: string;
  onClose: () => void;
}

/** 账单生成进度, asked for every second until the run is done or failed. */
export function BillRunProgress({ runId, seasonCode, onClose }: Props) {
  const q = useBillRun(runId);
  const run = q.data;
  const finished = isRunFinished(run);

  return (
    <Card
      className="bill-run"
      size="small"
      title={`生成账单 · ${seasonCode} 供热季`}
      extra={
        <Space>
          {run && <Tag color={STATUS_COLORS[run.status]}>{BILL_RUN_STATUS_LABELS[run.status] ?? run.status}</Tag>}
          {finished && (
            <Button size="small" onClick={onClose}>
              关闭
            </Button>
          )}
        </Space>
      }
    >
      {q.isError && <QueryErrorAlert error={q.error} onRetry={() => void q.refetch()} />}
      {run && (
        <Space orientation="vertical" style={{ width: "100%" }}>
          <Progress
            percent={runPercent(run)}
            status={run.status === "failed" ? "exception" : run.status === "done" ? "success" : "active"}
          />
          <Descriptions
            size="small"
            column={4}
            items={[
              { key: "processed", label: "已处理", children: `${run.processed} / ${run.total} 户` },
              { key: "created", label: "新开账单", children: `${run.created} 户` },
              { key: "skipped", label: "跳过", children: `${run.skipped} 户` },
              {
                key: "time",
                label: run.finishedAt ? "完成时间" : "开始时间",
                children: formatDateTime(run.finishedAt ?? run.startedAt),
              },
            ]}
          />
          {run.status === "done" && (
            <Alert
              type="success"
              showIcon
              title={`账单生成完成：新开 ${run.created} 户，跳过 ${run.skipped} 户（已有账单或不需开票）`}
            />
          )}
          {run.status === "failed" && (
            <Alert type="error" showIcon role="alert" title={`账单生成失败：${run.error ?? "原因未知"}，可重新生成`} />
          )}
        </Space>
      )}
    </Card>
  );
}

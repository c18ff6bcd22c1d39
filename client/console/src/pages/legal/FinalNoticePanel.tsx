import { FilePdfOutlined, SendOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  FINAL_NOTICE_CASE_STATES,
  FINAL_NOTICE_CHANNEL_LABELS,
  FinalNoticeListSchema,
  FinalNoticeSchema,
  FinalNoticeSendResultSchema,
  type FinalNoticeView,
  formatYuan,
  type LegalCaseState,
} from "@warmline/shared";
import { Alert, App, Button, Card, Space, Table, Tag, Typography } from "antd";
import { api, messageOf } from "../../api/api";
import { fileUrl } from "../../api/files";
import { parseWith } from "../../api/parse";
import { formatDateTime } from "../../format";

const noticesKey = (caseId: number) => ["legal", "final-notices", caseId] as const;

const STATE_COLORS: Record<FinalNoticeView["sendState"], string> = {
  unsent: "default",
  sending: "processing",
  sent: "success",
  failed: "error",
};
const RESULT_LABELS: Record<string, string> = { sent: "已发送", failed: "失败", skipped: "未发送" };

/** the record of one notice's sends: channel, result, vendor message id */
function Deliveries({ n }: { n: FinalNoticeView }) {
  if (n.deliveries.length === 0) return <Typography.Text type="secondary">尚未发送</Typography.Text>;
  return (
    <Space direction="vertical" size={0}>
      {n.deliveries.map((d) => (
        <Typography.Text key={`${d.channel}-${d.at}-${d.vendorMessageId ?? ""}`} style={{ fontSize: 12 }}>
          {FINAL_NOTICE_CHANNEL_LABELS[d.channel] ?? d.channel}：{RESULT_LABELS[d.result] ?? d.result}
          {d.vendorMessageId ? `（回执 ${d.vendorMessageId}）` : ""}
          {d.detail ? ` · ${d.detail}` : ""} · {formatDateTime(d.at)}
        </Typography.Text>
      ))}
    </Space>
  );
}

/**
 * 催告函 on the case page: 生成催告函 makes the PDF with the amounts of the day (before review or once
 * approved); each notice can be opened, and sent once (SMS to the account's mobile, a subscribe message to a
 * bound resident with consent left); the record shows every channel's result.
 */
export function FinalNoticePanel({ caseId, caseState }: { caseId: number; caseState: LegalCaseState }) {
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: noticesKey(caseId),
    queryFn: async ({ signal }) =>
      parseWith(
        FinalNoticeListSchema,
        await api.get(`/api/v1/staff/legal/cases/${caseId}/final-notices`, undefined, signal),
      ),
  });
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: noticesKey(caseId) });
    void qc.invalidateQueries({ queryKey: ["legal", "case", caseId] });
  };
  const generate = useMutation({
    mutationFn: async () =>
      parseWith(FinalNoticeSchema, await api.post(`/api/v1/staff/legal/cases/${caseId}/final-notices`)),
    onSettled: refresh,
  });
  const send = useMutation({
    mutationFn: async (noticeId: number) =>
      parseWith(
        FinalNoticeSendResultSchema,
        await api.post(`/api/v1/staff/legal/cases/${caseId}/final-notices/${noticeId}/send`),
      ),
    onSettled: refresh,
  });
  const allowed = q.data?.allowed ?? (FINAL_NOTICE_CASE_STATES as readonly string[]).includes(caseState);
  const items = q.data?.items ?? [];

  const onGenerate = async () => {
    try {
      const n = await generate.mutateAsync();
      message.success(`已生成催告函 ${n.noticeNo}`);
    } catch (e) {
      message.error(messageOf(e));
    }
  };
  const onSend = (n: FinalNoticeView) =>
    modal.confirm({
      title: "发送催告函",
      content: `将以短信（及有订阅授权的小程序消息）通知欠费人：截至 ${n.asOf} 欠费 ${formatYuan(n.owedFen)}，请于 ${n.payBy} 前缴清。每份催告函只发送一次。`,
      okText: "发送",
      cancelText: "取消",
      onOk: async () => {
        try {
          const r = await send.mutateAsync(n.id);
          if (r.duplicate) message.info("该催告函已发送过，未重复发送");
          else if (r.sendState === "sent") message.success("催告函已发送");
          else message.warning("催告函未能发送，请查看发送记录");
        } catch (e) {
          message.error(messageOf(e));
        }
      },
    });

  return (
    <Card
      title="催告函"
      size="small"
      className="legal-final-notice-panel"
      extra={
        allowed ? (
          <Button icon={<FilePdfOutlined />} loading={generate.isPending} onClick={onGenerate}>
            生成催告函
          </Button>
        ) : null
      }
    >
      {q.error ? <Alert type="error" showIcon message={messageOf(q.error)} style={{ marginBottom: 8 }} /> : null}
      {!allowed ? (
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
          只有待审查或已批准移交（尚未导出材料）的案件可以生成和发送催告函。
        </Typography.Paragraph>
      ) : null}
      <Table<FinalNoticeView>
        size="small"
        rowKey="id"
        loading={q.isLoading}
        pagination={false}
        dataSource={items}
        locale={{ emptyText: "尚未生成催告函" }}
        columns={[
          {
            title: "编号",
            dataIndex: "noticeNo",
            render: (_: unknown, n) => (
              <Space direction="vertical" size={0}>
                <span>{n.noticeNo}</span>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {formatDateTime(n.generatedAt)} · {n.generatedBy ?? ""}
                </Typography.Text>
              </Space>
            ),
          },
          {
            title: "欠费（含滞纳金）",
            dataIndex: "owedFen",
            render: (_: unknown, n) => (
              <Space direction="vertical" size={0}>
                <span>{formatYuan(n.owedFen)}</span>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  截至 {n.asOf}，限 {n.payBy} 前缴清
                </Typography.Text>
              </Space>
            ),
          },
          {
            title: "发送",
            dataIndex: "sendState",
            render: (_: unknown, n) => (
              <Space direction="vertical" size={2}>
                <Tag color={STATE_COLORS[n.sendState]}>{n.sendStateLabel}</Tag>
                <Deliveries n={n} />
              </Space>
            ),
          },
          {
            title: "SHA-256",
            dataIndex: "sha256",
            render: (v: string) => (
              <Typography.Text code copyable={{ text: v }} style={{ fontSize: 12 }}>
                {v.slice(0, 12)}…
              </Typography.Text>
            ),
          },
          {
            title: "操作",
            key: "actions",
            render: (_: unknown, n) => (
              <Space>
                <Button size="small" href={fileUrl(n.pdfUrl)} target="_blank" rel="noopener" icon={<FilePdfOutlined />}>
                  查看/下载
                </Button>
                {allowed && (n.sendState === "unsent" || n.sendState === "failed") ? (
                  <Button
                    size="small"
                    type="primary"
                    icon={<SendOutlined />}
                    loading={send.isPending && send.variables === n.id}
                    onClick={() => onSend(n)}
                  >
                    发送
                  </Button>
                ) : null}
              </Space>
            ),
          },
        ]}
      />
    </Card>
  );
}

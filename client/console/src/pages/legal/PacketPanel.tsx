import { DownloadOutlined, FileZipOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  LEGAL_PACKET_CASE_STATES,
  LegalPacketLinkSchema,
  LegalPacketListSchema,
  LegalPacketSchema,
  type LegalCaseState,
  type LegalPacketView,
} from "@warmline/shared";
import { Alert, App, Button, Card, Progress, Space, Table, Tag, Typography } from "antd";
import { useEffect, useState } from "react";
import { api, messageOf } from "../../api/api";
import { fileUrl } from "../../api/files";
import { parseWith } from "../../api/parse";
import { formatDateTime } from "../../format";

const packetsKey = (caseId: number) => ["legal", "packets", caseId] as const;

async function listPackets(caseId: number, signal?: AbortSignal) {
  return parseWith(
    LegalPacketListSchema,
    await api.get(`/api/v1/staff/legal/cases/${caseId}/packets`, undefined, signal),
  );
}

const STATE_COLORS: Record<LegalPacketView["state"], string> = {
  queued: "default",
  building: "processing",
  ready: "success",
  failed: "error",
};

function sizeOf(bytes: number | null): string {
  if (bytes === null) return "";
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** starts a browser download of a (same-origin) link */
function download(href: string, fileName: string) {
  const a = document.createElement("a");
  a.href = href;
  a.download = fileName;
  a.rel = "noopener";
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/**
 * 诉讼材料包 on the case page: 生成材料包 starts the job; the list shows each packet's progress (polled while
 * one is building), its SHA-256 and whether it was downloaded. 下载 asks for a one-time link and follows it
 * at once: the link works once, a second download needs a new packet.
 */
export function PacketPanel({ caseId, caseState }: { caseId: number; caseState: LegalCaseState }) {
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  // a packet whose link was just followed: polled until the server has seen the download
  const [awaiting, setAwaiting] = useState<{ id: number; until: number } | null>(null);
  const q = useQuery({
    queryKey: packetsKey(caseId),
    queryFn: ({ signal }) => listPackets(caseId, signal),
    refetchInterval: (query) => {
      const items = query.state.data?.items ?? [];
      if (items.some((p) => p.state === "queued" || p.state === "building")) return 1000;
      const a = awaiting && items.find((p) => p.id === awaiting.id);
      return a && !a.downloadedAt && Date.now() < (awaiting?.until ?? 0) ? 1000 : false;
    },
  });
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: packetsKey(caseId) });
    void qc.invalidateQueries({ queryKey: ["legal", "case", caseId] });
  };
  const build = useMutation({
    mutationFn: async () => parseWith(LegalPacketSchema, await api.post(`/api/v1/staff/legal/cases/${caseId}/packet`)),
    onSettled: refresh,
  });
  const link = useMutation({
    mutationFn: async (packetId: number) =>
      parseWith(LegalPacketLinkSchema, await api.post(`/api/v1/staff/legal/cases/${caseId}/packets/${packetId}/link`)),
    onSettled: refresh,
  });
  // a packet that became ready may have moved the case on (材料已导出): reload the case page too
  const readyCount = (q.data?.items ?? []).filter((p) => p.state === "ready").length;
  useEffect(() => {
    if (readyCount > 0) void qc.invalidateQueries({ queryKey: ["legal", "case", caseId] });
  }, [readyCount, caseId, qc]);
  const canBuild = (LEGAL_PACKET_CASE_STATES as readonly string[]).includes(caseState);
  const items = q.data?.items ?? [];

  const onBuild = async () => {
    try {
      await build.mutateAsync();
      message.success("已开始生成诉讼材料包");
    } catch (e) {
      message.error(messageOf(e));
    }
  };

  const onDownload = (p: LegalPacketView) =>
    modal.confirm({
      title: "下载诉讼材料包",
      content:
        "下载链接只能使用一次：下载开始后即失效，如需再次下载请重新生成材料包。材料包含债务人完整身份信息，请妥善保管。",
      okText: "下载",
      cancelText: "取消",
      onOk: async () => {
        try {
          const l = await link.mutateAsync(p.id);
          download(fileUrl(l.url), l.fileName);
          setAwaiting({ id: p.id, until: Date.now() + 60_000 });
        } catch (e) {
          message.error(messageOf(e));
        }
      },
    });

  return (
    <Card
      title="诉讼材料包"
      size="small"
      className="legal-packet-panel"
      extra={
        canBuild ? (
          <Button icon={<FileZipOutlined />} loading={build.isPending} onClick={onBuild}>
            生成材料包
          </Button>
        ) : null
      }
    >
      <Space orientation="vertical" style={{ width: "100%" }}>
        {!canBuild && caseState === "pending_review" ? (
          <Typography.Text type="secondary">案件批准移交后可生成诉讼材料包。</Typography.Text>
        ) : null}
        <Alert
          type="info"
          showIcon
          title="材料包含案件摘要（债务人完整姓名、身份证号、住址）、对账单、催缴送达记录、走访记录及照片、服务记录、催告函和文件清单（SHA-256）。下载链接只能使用一次。"
        />
        <Table<LegalPacketView>
          size="small"
          rowKey="id"
          loading={q.isLoading}
          pagination={false}
          dataSource={items}
          locale={{ emptyText: "尚未生成材料包" }}
          columns={[
            { title: "编号", dataIndex: "id", width: 70 },
            {
              title: "状态",
              key: "state",
              width: 220,
              render: (_, p) =>
                p.state === "building" || p.state === "queued" ? (
                  <Space orientation="vertical" size={0} style={{ width: "100%" }}>
                    <Tag color={STATE_COLORS[p.state]}>{p.stateLabel}</Tag>
                    <Progress percent={p.progress} size="small" />
                    {p.stage ? <Typography.Text type="secondary">{p.stage}</Typography.Text> : null}
                  </Space>
                ) : (
                  <Space orientation="vertical" size={0}>
                    <Tag color={STATE_COLORS[p.state]}>{p.stateLabel}</Tag>
                    {p.error ? <Typography.Text type="danger">{p.error}</Typography.Text> : null}
                  </Space>
                ),
            },
            {
              title: "申请",
              key: "req",
              render: (_, p) => `${p.requestedBy ?? ""} ${formatDateTime(p.requestedAt)}`,
            },
            {
              title: "SHA-256",
              key: "sha",
              render: (_, p) =>
                p.sha256 ? (
                  <Typography.Text code copyable={{ text: p.sha256 }} className="packet-sha256">
                    {p.sha256}
                  </Typography.Text>
                ) : null,
            },
            { title: "大小", key: "bytes", width: 90, render: (_, p) => sizeOf(p.bytes) },
            {
              title: "下载",
              key: "dl",
              width: 200,
              render: (_, p) =>
                p.downloadedAt ? (
                  <Typography.Text type="secondary">
                    已下载（{p.downloadedBy ?? ""} {formatDateTime(p.downloadedAt)}），链接已失效
                  </Typography.Text>
                ) : p.downloadable ? (
                  <Space orientation="vertical" size={0}>
                    <Button
                      size="small"
                      type="primary"
                      icon={<DownloadOutlined />}
                      loading={link.isPending}
                      onClick={() => onDownload(p)}
                    >
                      下载（仅限一次）
                    </Button>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      链接只能使用一次
                    </Typography.Text>
                  </Space>
                ) : null,
            },
          ]}
        />
      </Space>
    </Card>
  );
}

import { SafetyCertificateOutlined } from "@ant-design/icons";
import { useMutation } from "@tanstack/react-query";
import { ChainVerifySchema, type ChainVerifyView } from "@warmline/shared";
import { Alert, Button, Card, Descriptions, Space, Tag, Typography } from "antd";
import { api, messageOf } from "../../api/api";
import { parseWith } from "../../api/parse";
import { formatDateTime } from "../../format";

/**
 * 证据链 on the case page: 校验证据链 recomputes the hash chains the case uses (its account's visit records
 * and reminders, its timeline) and shows OK, or the first broken row (table, id, expected vs stored hash).
 */
export function EvidenceChainPanel({ caseId }: { caseId: number }) {
  const verify = useMutation({
    mutationFn: async () =>
      parseWith(ChainVerifySchema, await api.post(`/api/v1/staff/legal/cases/${caseId}/verify-chain`)),
  });
  const r: ChainVerifyView | undefined = verify.data;
  return (
    <Card
      title="证据链"
      size="small"
      className="legal-chain-panel"
      extra={
        <Button icon={<SafetyCertificateOutlined />} loading={verify.isPending} onClick={() => verify.mutate()}>
          校验证据链
        </Button>
      }
    >
      {verify.error ? <Alert type="error" showIcon message={messageOf(verify.error)} /> : null}
      {!r && !verify.error ? (
        <Typography.Text type="secondary">
          走访记录、催缴提醒和案件时间线逐条以哈希相连；校验会重新计算并指出第一条被改动的记录。
        </Typography.Text>
      ) : null}
      {r ? (
        <Space direction="vertical" style={{ width: "100%" }}>
          {r.ok ? (
            <Alert type="success" showIcon message="证据链完整：未发现被改动的记录" />
          ) : (
            <Alert
              type="error"
              showIcon
              message={`证据链断裂：${r.broken?.tableLabel ?? ""} 第 ${r.broken?.rowId ?? "?"} 条记录`}
              description={
                r.broken ? (
                  <Descriptions size="small" column={1}>
                    <Descriptions.Item label="原因">{r.broken.reasonLabel}</Descriptions.Item>
                    <Descriptions.Item label="数据表">
                      {r.broken.table} #{r.broken.rowId ?? "?"}
                    </Descriptions.Item>
                    <Descriptions.Item label="应为哈希">
                      <Typography.Text code>{r.broken.expected ?? "-"}</Typography.Text>
                    </Descriptions.Item>
                    <Descriptions.Item label="存储哈希">
                      <Typography.Text code>{r.broken.stored ?? "-"}</Typography.Text>
                    </Descriptions.Item>
                  </Descriptions>
                ) : null
              }
            />
          )}
          <Space wrap>
            {r.chains.map((c) => (
              <Tag key={c.chainKey} color={c.ok ? "green" : "red"}>
                {c.tableLabel}：{c.rows} 条
              </Tag>
            ))}
          </Space>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            校验时间 {formatDateTime(r.checkedAt)}
          </Typography.Text>
        </Space>
      ) : null}
    </Card>
  );
}

import { useQuery } from "@tanstack/react-query";
import { Card, Descriptions, Table, Tag, Typography } from "antd";
import { Link } from "react-router";
import { accountHeatingStatus } from "../api/suspensions";
import { formatDateTime } from "../format";
import { SuspensionStatusTag } from "../pages/SuspensionDeskPage";

/**
 * 供热状态 on the account page: this season's and next season's heating status (正常供热 / 报停), the changes
 * (each from a granted 报停/复供 application) and the applications. Quiet when it cannot load: the account
 * page's own errors are shown above.
 */
export function AccountHeatingCard({ accountId }: { accountId: number }) {
  const q = useQuery({
    queryKey: ["suspensions", "account", accountId],
    queryFn: ({ signal }) => accountHeatingStatus(accountId, signal),
    staleTime: 0,
    retry: false,
  });
  const h = q.data;
  if (!h) {
    return q.isError ? (
      <Card size="small" title="供热状态" className="account-heating">
        <Typography.Text type="secondary">供热状态暂时无法读取</Typography.Text>
      </Card>
    ) : null;
  }
  const tag = (s: "active" | "suspended", label: string) => (
    <Tag color={s === "suspended" ? "orange" : "green"}>{label}</Tag>
  );
  return (
    <Card size="small" title="供热状态（报停/复供）" className="account-heating" style={{ marginTop: 16 }}>
      <Descriptions size="small" column={2}>
        <Descriptions.Item label={`本供热季 ${h.current.seasonCode}`}>
          {tag(h.current.status, h.current.label)}
        </Descriptions.Item>
        <Descriptions.Item label={`下一供热季 ${h.next.seasonCode}`}>
          {tag(h.next.status, h.next.label)}
        </Descriptions.Item>
      </Descriptions>
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        locale={{ emptyText: "没有报停/复供申请" }}
        dataSource={h.applications}
        columns={[
          { title: "申请时间", dataIndex: "createdAt", width: 170, render: (v: string) => formatDateTime(v) },
          { title: "类型", dataIndex: "kindLabel", width: 70 },
          { title: "供热季", dataIndex: "seasonCode", width: 110 },
          { title: "原因", dataIndex: "reason", ellipsis: true },
          {
            title: "状态",
            dataIndex: "status",
            width: 130,
            render: (s, r) => (
              <Link to={`/suspensions?open=${r.id}`}>
                <SuspensionStatusTag status={s} />
              </Link>
            ),
          },
        ]}
      />
      {h.history.length > 0 && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          变更记录：
          {h.history.map((c) => `${c.seasonCode} 起${c.label}（${c.note ?? ""}，${formatDateTime(c.at)}）`).join("；")}
        </Typography.Paragraph>
      )}
    </Card>
  );
}

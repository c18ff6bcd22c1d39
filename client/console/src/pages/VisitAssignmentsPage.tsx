import { EditOutlined, ReloadOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { STAFF_ROLE_LABELS, type StaffRole } from "@warmline/shared";
import { Alert, App, Button, Card, Modal, Select, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { messageOf } from "../api/api";
import { type Assignments, getAssignments, setAssignments } from "../api/visits";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { useCommunities } from "../queries/accounts";

type Row = Assignments["items"][number];

/**
 * 走访分工 (supervisors): which communities each grid worker and technician covers. A change takes effect
 * today (rows no longer wanted end yesterday) and is written to the audit log with the before and after
 * lists; the month's visit lists follow at the plan job's next run.
 */
export function VisitAssignmentsPage() {
  const { message } = App.useApp();
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ["visits", "assignments"], queryFn: ({ signal }) => getAssignments(signal) });
  const communities = useCommunities();
  const [editing, setEditing] = useState<Row | null>(null);
  const [chosen, setChosen] = useState<number[]>([]);
  const save = useMutation({
    mutationFn: ({ staffId, ids }: { staffId: number; ids: number[] }) => setAssignments(staffId, ids),
    onSuccess: (data) => {
      qc.setQueryData(["visits", "assignments"], data);
      void qc.invalidateQueries({ queryKey: ["visits", "progress"] });
      setEditing(null);
      message.success("负责小区已调整，自今日起生效，已记入审计日志");
    },
  });

  return (
    <Card
      title="走访分工（网格员、维修员负责的小区）"
      extra={
        <Button icon={<ReloadOutlined />} loading={list.isFetching} onClick={() => void list.refetch()}>
          刷新
        </Button>
      }
      className="visit-assignments-page"
    >
      {list.isError && <QueryErrorAlert error={list.error} onRetry={() => void list.refetch()} />}
      <Table<Row>
        size="small"
        rowKey="staffId"
        loading={list.isPending}
        dataSource={list.data?.items ?? []}
        pagination={false}
        scroll={{ x: 640 }}
        columns={[
          { title: "姓名", dataIndex: "name", key: "name" },
          {
            title: "角色",
            key: "roles",
            render: (_, r) =>
              r.roles
                .filter((x) => x === "grid_worker" || x === "technician")
                .map((x) => <Tag key={x}>{STAFF_ROLE_LABELS[x as StaffRole] ?? x}</Tag>),
          },
          {
            title: "负责小区",
            key: "communities",
            render: (_, r) =>
              r.communities.length ? (
                <Space size={4} wrap>
                  {r.communities.map((c) => (
                    <Tag key={c.id} color="blue" title={c.from ? `自 ${c.from} 起` : "员工档案中的所属小区"}>
                      {c.name}
                    </Tag>
                  ))}
                </Space>
              ) : (
                <Typography.Text type="secondary">未分配</Typography.Text>
              ),
          },
          {
            title: "操作",
            key: "edit",
            render: (_, r) => (
              <Button
                size="small"
                icon={<EditOutlined />}
                onClick={() => {
                  save.reset();
                  setChosen(r.communities.filter((c) => c.from !== "").map((c) => c.id));
                  setEditing(r);
                }}
              >
                调整
              </Button>
            ),
          },
        ]}
      />
      <Modal
        open={!!editing}
        title={editing ? `调整 ${editing.name} 负责的小区` : ""}
        okText="保存"
        confirmLoading={save.isPending}
        onCancel={() => setEditing(null)}
        onOk={() => editing && save.mutate({ staffId: editing.staffId, ids: chosen })}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">
          自今日起生效；本月走访清单在下次生成计划时随之调整。调整会记入审计日志。
        </Typography.Paragraph>
        {editing?.communities.some((c) => c.from === "") && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 8 }}
            message="员工档案中设置的所属小区始终计入其负责范围，需在员工管理中修改。"
          />
        )}
        <Select<number[]>
          id="assignment-communities"
          mode="multiple"
          allowClear
          style={{ width: "100%" }}
          placeholder="选择小区"
          loading={communities.isPending}
          value={chosen}
          onChange={setChosen}
          optionFilterProp="label"
          options={(communities.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
        />
        {save.isError && <Alert type="error" showIcon style={{ marginTop: 12 }} message={messageOf(save.error)} />}
      </Modal>
    </Card>
  );
}

import { PlusOutlined } from "@ant-design/icons";
import {
  STAFF_ROLE_LABELS,
  STAFF_ROLES,
  STAFF_STATUS_LABELS,
  STAFF_STATUSES,
  type StaffRole,
  type StaffStatus,
} from "@warmline/shared";
import {
  Alert,
  App,
  Button,
  Card,
  Input,
  Popconfirm,
  Select,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from "antd";
import { useState } from "react";
import { messageOf } from "../api/api";
import type { StaffPasswordIssued, StaffUser } from "../api/staffAdmin";
import { useAuth } from "../auth/AuthContext";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { ResetPasswordModal } from "../components/staff/ResetPasswordModal";
import { StaffFormModal } from "../components/staff/StaffFormModal";
import { TemporaryPasswordModal } from "../components/staff/TemporaryPasswordModal";
import { minTableWidth } from "../components/tableWidth";
import { formatDateTime } from "../format";
import { useDisableStaffUser, useEnableStaffUser, useStaffUsers, useUnlockStaffUser } from "../queries/staffAdmin";
import { useSearchState } from "./useSearchState";

const STATUS_COLORS: Record<StaffStatus, string> = { active: "green", disabled: "default", locked: "red" };

const isRole = (v: string): v is StaffRole => (STAFF_ROLES as readonly string[]).includes(v);
const isStatus = (v: string): v is StaffStatus => (STAFF_STATUSES as readonly string[]).includes(v);

/** 员工管理 (admin): staff accounts, their roles and scope; create, edit, reset a password, disable, unlock. */
export function StaffPage() {
  const { message } = App.useApp();
  const { staff: me } = useAuth();
  const s = useSearchState();
  const role = s.text("role");
  const status = s.text("status");
  const filters = {
    q: s.text("q") || undefined,
    role: isRole(role) ? role : undefined,
    status: isStatus(status) ? status : undefined,
  };
  const users = useStaffUsers({ ...filters, page: s.page, pageSize: s.pageSize });
  const disable = useDisableStaffUser();
  const enable = useEnableStaffUser();
  const unlock = useUnlockStaffUser();
  const [form, setForm] = useState<{ editing: StaffUser | null } | null>(null);
  const [resetting, setResetting] = useState<StaffUser | null>(null);
  const [shown, setShown] = useState<{ username: string; displayName: string; password: string } | null>(null);

  const issued = (r: StaffPasswordIssued) => {
    if (r.temporaryPassword)
      setShown({ username: r.user.username, displayName: r.user.displayName, password: r.temporaryPassword });
  };

  // a refused action (the last admin, one's own account) stays on the page until the next one
  const [refusal, setRefusal] = useState<string | null>(null);
  const act = async (what: string, run: () => Promise<unknown>) => {
    setRefusal(null);
    try {
      await run();
      message.success(what);
    } catch (e) {
      setRefusal(messageOf(e));
    }
  };

  const columns: TableColumnsType<StaffUser> = [
    {
      title: "用户名",
      dataIndex: "username",
      width: 140,
      render: (u: string) => (
        <Typography.Text strong style={{ wordBreak: "keep-all" }}>
          {u}
        </Typography.Text>
      ),
    },
    { title: "姓名", dataIndex: "displayName", width: 140 },
    {
      title: "角色",
      key: "roles",
      render: (_, u) => (
        <Space size={[0, 4]} wrap>
          {u.roles.map((r) => (
            <Tag key={r} color={r === "admin" ? "volcano" : "blue"}>
              {STAFF_ROLE_LABELS[r] ?? r}
            </Tag>
          ))}
        </Space>
      ),
    },
    {
      title: "所属范围",
      key: "scope",
      width: 120,
      render: (_, u) =>
        u.stationName || u.communityName ? (
          <Space orientation="vertical" size={0}>
            {u.stationName && <span>{u.stationName}</span>}
            {u.communityName && <span>{u.communityName}</span>}
          </Space>
        ) : (
          <Typography.Text type="secondary">全县</Typography.Text>
        ),
    },
    {
      title: "手机号",
      dataIndex: "phoneMasked",
      width: 110,
      render: (p: string | null) => p ?? <Typography.Text type="secondary">—</Typography.Text>,
    },
    {
      title: "状态",
      key: "status",
      width: 90,
      render: (_, u) => (
        <Space orientation="vertical" size={2}>
          <Tag color={STATUS_COLORS[u.status]}>{STAFF_STATUS_LABELS[u.status]}</Tag>
          {u.mustChangePassword && <Tag color="gold">待改密码</Tag>}
        </Space>
      ),
    },
    {
      title: "最近登录",
      dataIndex: "lastLoginAt",
      width: 150,
      render: (t: string | null) =>
        t ? formatDateTime(t) : <Typography.Text type="secondary">从未登录</Typography.Text>,
    },
    {
      title: "操作",
      key: "actions",
      width: 200,
      render: (_, u) => (
        <Space size={0} wrap>
          <Button type="link" size="small" onClick={() => setForm({ editing: u })}>
            编辑
          </Button>
          <Button type="link" size="small" onClick={() => setResetting(u)}>
            重置密码
          </Button>
          {u.status === "disabled" ? (
            <Button
              type="link"
              size="small"
              onClick={() => act(`已启用 ${u.displayName}`, () => enable.mutateAsync(u.id))}
            >
              启用
            </Button>
          ) : (
            <Popconfirm
              title={`停用 ${u.displayName}（${u.username}）？`}
              description={
                u.id === me?.id ? "这是您自己的账号。" : "停用后，该账号已登录的设备立即失效，且不能再登录。"
              }
              okText="停用"
              okButtonProps={{ danger: true }}
              cancelText="取消"
              onConfirm={() => act(`已停用 ${u.displayName}`, () => disable.mutateAsync({ id: u.id }))}
            >
              <Button type="link" size="small" danger>
                停用
              </Button>
            </Popconfirm>
          )}
          {u.status === "locked" && (
            <Button
              type="link"
              size="small"
              onClick={() => act(`已解除 ${u.displayName} 的锁定`, () => unlock.mutateAsync(u.id))}
            >
              解锁
            </Button>
          )}
        </Space>
      ),
    },
  ];

  return (
    <Card
      title={<Typography.Text strong>员工管理</Typography.Text>}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setForm({ editing: null })}>
          新建工作人员
        </Button>
      }
    >
      <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
        <Space wrap>
          <Input.Search
            id="staff-search"
            allowClear
            placeholder="用户名、姓名或完整手机号"
            defaultValue={filters.q}
            style={{ width: 280 }}
            onSearch={(q) => s.update({ q: q.trim(), page: undefined })}
          />
          <Select<StaffRole>
            id="staff-role-filter"
            allowClear
            placeholder="全部角色"
            style={{ width: 180 }}
            value={filters.role}
            onChange={(v) => s.update({ role: v, page: undefined })}
            options={STAFF_ROLES.map((r) => ({ value: r, label: STAFF_ROLE_LABELS[r] }))}
          />
          <Select<StaffStatus>
            id="staff-status-filter"
            allowClear
            placeholder="全部状态"
            style={{ width: 140 }}
            value={filters.status}
            onChange={(v) => s.update({ status: v, page: undefined })}
            options={STAFF_STATUSES.map((st) => ({ value: st, label: STAFF_STATUS_LABELS[st] }))}
          />
        </Space>
        {refusal && (
          <Alert
            className="staff-refusal"
            type="error"
            showIcon
            role="alert"
            closable={{ onClose: () => setRefusal(null) }}
            title={refusal}
          />
        )}
        {users.isError && <QueryErrorAlert error={users.error} onRetry={() => void users.refetch()} />}
        <Table<StaffUser>
          className="staff-table"
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={users.data?.items ?? []}
          loading={users.isFetching}
          scroll={{ x: minTableWidth(columns) }}
          pagination={{
            current: s.page,
            pageSize: s.pageSize,
            total: users.data?.total ?? 0,
            showTotal: (t) => `共 ${t} 人`,
            onChange: (page, pageSize) => s.update({ page: pageSize === s.pageSize ? page : undefined, pageSize }),
          }}
        />
      </Space>
      <StaffFormModal
        open={form !== null}
        editing={form?.editing ?? null}
        onClose={() => setForm(null)}
        onCreated={(r) => {
          setForm(null);
          issued(r);
        }}
      />
      <ResetPasswordModal
        user={resetting}
        onClose={() => setResetting(null)}
        onReset={(r) => {
          setResetting(null);
          issued(r);
        }}
      />
      <TemporaryPasswordModal shown={shown} onClose={() => setShown(null)} />
    </Card>
  );
}

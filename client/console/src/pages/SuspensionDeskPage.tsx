import { ReloadOutlined, UploadOutlined } from "@ant-design/icons";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  SUSPENSION_KIND_LABELS,
  SUSPENSION_KINDS,
  SUSPENSION_REVIEW_ROLES,
  SUSPENSION_STATUS_LABELS,
  SUSPENSION_STATUSES,
  type SuspensionKind,
  type SuspensionStatus,
  UPLOAD_LIMITS,
} from "@warmline/shared";
import {
  App,
  Button,
  Card,
  Descriptions,
  Drawer,
  Image,
  Input,
  Select,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  Timeline,
  Typography,
  Upload,
} from "antd";
import { useState } from "react";
import { Link } from "react-router";
import { messageOf } from "../api/api";
import { fileUrl } from "../api/files";
import {
  confirmValveVisit,
  decideSuspension,
  getSuspension,
  listSuspensions,
  scheduleValveVisit,
  type SuspensionView,
  uploadValvePhoto,
} from "../api/suspensions";
import { listTechnicians } from "../api/tickets";
import { useAuth } from "../auth/AuthContext";
import { minTableWidth } from "../components/tableWidth";
import { usePhone } from "../layout/usePhone";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { formatDateTime } from "../format";
import { useSearchState } from "./useSearchState";

const STATUS_COLORS: Record<SuspensionStatus, string> = {
  pending: "gold",
  approved: "green",
  rejected: "red",
  valve_visit_scheduled: "blue",
  done: "default",
  withdrawn: "default",
};

export function SuspensionStatusTag({ status }: { status: SuspensionStatus }) {
  return <Tag color={STATUS_COLORS[status]}>{SUSPENSION_STATUS_LABELS[status]}</Tag>;
}

const suspensionKeys = {
  all: ["suspensions"] as const,
  detail: (id: number) => ["suspensions", "detail", id] as const,
};

/**
 * 报停/复供 desk: the applications (filters: status, kind, season, 户号; in the URL), a drawer with the
 * application, its timeline and the actions the viewer may take: a dispatcher approves, rejects with a reason
 * or sends a technician to seal (or open) the valve; the technician uploads the photo and confirms.
 */
export function SuspensionDeskPage() {
  const s = useSearchState(20);
  const statusParam = s.params.get("status");
  const status = (SUSPENSION_STATUSES as readonly string[]).includes(statusParam ?? "")
    ? (statusParam as SuspensionStatus)
    : undefined;
  const kindParam = s.params.get("kind");
  const kind = (SUSPENSION_KINDS as readonly string[]).includes(kindParam ?? "")
    ? (kindParam as SuspensionKind)
    : undefined;
  const seasonCode = s.text("seasonCode") || undefined;
  const accountNo = s.text("accountNo") || undefined;
  const openId = s.int("open");
  const params = { status, kind, seasonCode, accountNo, page: s.page, pageSize: s.pageSize };
  const queue = useQuery({
    queryKey: [...suspensionKeys.all, "queue", params],
    queryFn: ({ signal }) => listSuspensions(params, signal),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });

  const columns: TableColumnsType<SuspensionView> = [
    { title: "申请时间", dataIndex: "createdAt", width: 160, render: (v: string) => formatDateTime(v) },
    {
      title: "户号",
      dataIndex: "accountNo",
      width: 120,
      render: (v: string, r) => <Link to={`/accounts/${r.accountId}`}>{v}</Link>,
    },
    { title: "地址", dataIndex: "address", ellipsis: true },
    {
      title: "类型",
      dataIndex: "kind",
      width: 70,
      render: (k: SuspensionKind) => <Tag color={k === "suspend" ? "orange" : "cyan"}>{SUSPENSION_KIND_LABELS[k]}</Tag>,
    },
    { title: "供热季", dataIndex: "seasonCode", width: 100 },
    { title: "原因", dataIndex: "reason", ellipsis: true },
    {
      title: "状态",
      dataIndex: "status",
      width: 130,
      render: (st: SuspensionStatus) => <SuspensionStatusTag status={st} />,
    },
    {
      title: "上门任务",
      key: "visit",
      width: 140,
      render: (_: unknown, r) => (r.visit ? `${r.visit.technicianName ?? ""} ${r.visit.scheduledDate}` : "—"),
    },
    {
      title: "操作",
      key: "op",
      width: 70,
      fixed: "right",
      render: (_: unknown, r) => (
        <Button type="link" onClick={() => s.update({ open: r.id })}>
          办理
        </Button>
      ),
    },
  ];

  return (
    <Card
      title="报停/复供办理"
      className="suspension-desk"
      extra={
        <Button icon={<ReloadOutlined />} onClick={() => queue.refetch()}>
          刷新
        </Button>
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Select
          allowClear
          placeholder="状态"
          style={{ width: 160 }}
          value={status}
          onChange={(v) => s.update({ status: v, page: undefined })}
          options={SUSPENSION_STATUSES.map((v) => ({ value: v, label: SUSPENSION_STATUS_LABELS[v] }))}
          aria-label="状态"
        />
        <Select
          allowClear
          placeholder="类型"
          style={{ width: 120 }}
          value={kind}
          onChange={(v) => s.update({ kind: v, page: undefined })}
          options={SUSPENSION_KINDS.map((v) => ({ value: v, label: SUSPENSION_KIND_LABELS[v] }))}
          aria-label="类型"
        />
        <Input.Search
          allowClear
          placeholder="供热季，如 2027-2028"
          style={{ width: 200 }}
          defaultValue={seasonCode}
          onSearch={(v) => s.update({ seasonCode: v.trim(), page: undefined })}
        />
        <Input.Search
          allowClear
          placeholder="户号"
          style={{ width: 180 }}
          defaultValue={accountNo}
          onSearch={(v) => s.update({ accountNo: v.trim(), page: undefined })}
        />
      </Space>
      {queue.isError && <QueryErrorAlert error={queue.error} onRetry={() => void queue.refetch()} />}
      <Table<SuspensionView>
        rowKey="id"
        size="middle"
        loading={queue.isFetching}
        columns={columns}
        scroll={{ x: minTableWidth(columns) }}
        dataSource={queue.data?.items ?? []}
        pagination={{
          current: s.page,
          pageSize: s.pageSize,
          total: queue.data?.total ?? 0,
          showTotal: (t) => `共 ${t} 件`,
          onChange: (page, pageSize) => s.update({ page, pageSize }),
        }}
      />
      <SuspensionDrawer id={openId} onClose={() => s.update({ open: undefined })} />
    </Card>
  );
}

function SuspensionDrawer({ id, onClose }: { id: number | undefined; onClose: () => void }) {
  const phone = usePhone();
  const detail = useQuery({
    queryKey: suspensionKeys.detail(id ?? 0),
    queryFn: ({ signal }) => getSuspension(id as number, signal),
    enabled: !!id,
    staleTime: 0,
  });
  const a = detail.data;
  return (
    <Drawer
      open={!!id}
      onClose={onClose}
      width={phone ? "100%" : 560}
      title={a ? `${a.kindLabel}申请 #${a.id}` : "申请详情"}
      destroyOnHidden
    >
      {detail.isError && <QueryErrorAlert error={detail.error} onRetry={() => void detail.refetch()} />}
      {a && (
        <Space direction="vertical" size="large" style={{ width: "100%" }}>
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label="户号">
              <Link to={`/accounts/${a.accountId}`}>{a.accountNo}</Link>
            </Descriptions.Item>
            <Descriptions.Item label="地址">{a.address}</Descriptions.Item>
            <Descriptions.Item label="类型">{a.kindLabel}</Descriptions.Item>
            <Descriptions.Item label="供热季">
              {a.seasonCode}（申请截止 {a.deadline}）
            </Descriptions.Item>
            <Descriptions.Item label="原因">{a.reason}</Descriptions.Item>
            <Descriptions.Item label="状态">
              <SuspensionStatusTag status={a.status} />
            </Descriptions.Item>
            {a.reviewerName && (
              <Descriptions.Item label="审核">
                {a.reviewerName}
                {a.reviewNote ? `：${a.reviewNote}` : ""}
              </Descriptions.Item>
            )}
            {a.visit && (
              <Descriptions.Item label={a.visit.label}>
                {a.visit.technicianName} · {a.visit.scheduledDate}
                {a.visit.confirmedAt ? ` · 已办结 ${formatDateTime(a.visit.confirmedAt)}` : ""}
              </Descriptions.Item>
            )}
          </Descriptions>
          {a.visit?.photoUrl && (
            <div>
              <Typography.Text strong>阀门照片</Typography.Text>
              <div>
                <Image width={200} src={fileUrl(a.visit.photoUrl)} alt="阀门照片" />
              </div>
            </div>
          )}
          <SuspensionActions app={a} />
          <div>
            <Typography.Text strong>办理记录</Typography.Text>
            <Timeline
              style={{ marginTop: 12 }}
              items={a.events.map((e) => ({
                children: (
                  <div>
                    <div>
                      {e.label} · {e.actorName ?? ""}
                    </div>
                    {e.note && <Typography.Text type="secondary">{e.note}</Typography.Text>}
                    <div>
                      <Typography.Text type="secondary">{formatDateTime(e.at)}</Typography.Text>
                    </div>
                  </div>
                ),
              }))}
            />
          </div>
        </Space>
      )}
    </Drawer>
  );
}

function SuspensionActions({ app: a }: { app: SuspensionView }) {
  const { staff } = useAuth();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const roles = staff?.roles ?? [];
  const reviewer = roles.some((r) => (SUSPENSION_REVIEW_ROLES as readonly string[]).includes(r));
  const myVisit = a.visit?.technicianId === staff?.id || reviewer;
  const [note, setNote] = useState("");
  const [tech, setTech] = useState<number>();
  const [date, setDate] = useState("");
  const techs = useQuery({
    queryKey: ["technicians", "all"],
    queryFn: ({ signal }) => listTechnicians(undefined, signal),
    enabled: reviewer && (a.status === "pending" || a.status === "approved"),
  });
  const done = async () => {
    await qc.invalidateQueries({ queryKey: suspensionKeys.all });
  };
  const run = useMutation({
    mutationFn: (f: () => Promise<unknown>) => f(),
    onSuccess: async () => {
      message.success("已办理");
      await done();
    },
    onError: (e) => message.error(messageOf(e)),
  });

  const visitForm = (
    <Space wrap>
      <Select
        placeholder="维修员"
        style={{ width: 160 }}
        value={tech}
        onChange={setTech}
        loading={techs.isFetching}
        options={(techs.data ?? []).map((t) => ({ value: t.id, label: t.displayName }))}
        aria-label="维修员"
      />
      <Input
        type="date"
        style={{ width: 160 }}
        value={date}
        onChange={(e) => setDate(e.target.value)}
        aria-label="上门日期"
      />
      <Button
        disabled={!tech || !date}
        loading={run.isPending}
        onClick={() => run.mutate(() => scheduleValveVisit(a.id, tech as number, date))}
      >
        {a.kind === "suspend" ? "安排上门关阀" : "安排上门开阀"}
      </Button>
    </Space>
  );

  if (reviewer && a.status === "pending") {
    return (
      <Card size="small" title="审核">
        <Space direction="vertical" style={{ width: "100%" }}>
          <Input.TextArea
            rows={2}
            maxLength={200}
            placeholder="审核意见（不予批准时必填，居民可见）"
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
          <Space>
            <Button
              type="primary"
              loading={run.isPending}
              onClick={() => run.mutate(() => decideSuspension(a.id, "approve", note))}
            >
              批准
            </Button>
            <Button
              danger
              loading={run.isPending}
              onClick={() => run.mutate(() => decideSuspension(a.id, "reject", note))}
            >
              不予批准
            </Button>
          </Space>
          {visitForm}
        </Space>
      </Card>
    );
  }
  if (reviewer && a.status === "approved") {
    return (
      <Card size="small" title="安排上门">
        {visitForm}
      </Card>
    );
  }
  if (a.status === "valve_visit_scheduled" && myVisit) {
    return (
      <Card size="small" title={`${a.visit?.label ?? "上门"}任务`}>
        <Space direction="vertical" style={{ width: "100%" }}>
          <Upload
            accept={UPLOAD_LIMITS.types.join(",")}
            maxCount={1}
            showUploadList={false}
            customRequest={async ({ file, onSuccess, onError }) => {
              try {
                await uploadValvePhoto(a.id, file as Blob);
                onSuccess?.({});
                message.success("照片已上传");
                await done();
              } catch (e) {
                onError?.(e as Error);
                message.error(messageOf(e));
              }
            }}
          >
            <Button icon={<UploadOutlined />}>{a.visit?.photoUrl ? "重新上传阀门照片" : "上传阀门照片"}</Button>
          </Upload>
          <Input.TextArea
            rows={2}
            maxLength={200}
            placeholder="现场说明（选填）"
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
          <Button
            type="primary"
            disabled={!a.visit?.photoUrl}
            loading={run.isPending}
            onClick={() => run.mutate(() => confirmValveVisit(a.id, note))}
          >
            确认办结
          </Button>
        </Space>
      </Card>
    );
  }
  return null;
}

import { DownloadOutlined, InboxOutlined, PlayCircleOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  REGISTER_COLUMN_LABELS,
  REGISTER_FIELDS,
  REGISTER_IMPORT_STATUS_LABELS,
  REGISTER_REQUIRED_FIELDS,
  REGISTER_ROW_KIND_LABELS,
  type RegisterImportStatus,
} from "@warmline/shared";
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Progress,
  Segmented,
  Space,
  Statistic,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
  Upload,
} from "antd";
import { useEffect, useState } from "react";
import { messageOf } from "../api/api";
import {
  applyRegisterImport,
  downloadRegisterReport,
  downloadRegisterTemplate,
  getRegisterImport,
  listRegisterImports,
  listRegisterRows,
  type RegisterImport,
  type RegisterReportRow,
  type RegisterRowKind,
  uploadRegister,
} from "../api/register";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { saveBlob } from "../components/saveBlob";
import { formatDateTime } from "../format";

const STATUS_COLORS: Record<RegisterImportStatus, string> = {
  validated: "blue",
  rejected: "error",
  applying: "processing",
  applied: "success",
  failed: "error",
};
const KIND_COLORS: Record<RegisterRowKind, string> = {
  create: "green",
  update: "blue",
  unchanged: "default",
  error: "red",
};

const finished = (i: RegisterImport | undefined) => !!i && i.status !== "applying";

function applyPercent(i: RegisterImport): number {
  if (i.status === "applied") return 100;
  if (i.applyTotal <= 0) return 0;
  return Math.min(100, Math.floor((i.processed * 100) / i.applyTotal));
}

/** The report rows of one import: filter by kind, paged from the server. */
function ReportTable({ imp }: { imp: RegisterImport }) {
  const [kind, setKind] = useState<RegisterRowKind | "all">(imp.errorCount > 0 ? "error" : "all");
  const [page, setPage] = useState(1);
  const pageSize = 20;
  const rows = useQuery({
    queryKey: ["register", "rows", imp.id, kind, page],
    queryFn: ({ signal }) =>
      listRegisterRows(imp.id, { kind: kind === "all" ? undefined : kind, page, pageSize }, signal),
  });
  const columns: TableColumnsType<RegisterReportRow> = [
    { title: "行号", dataIndex: "rowNo", width: 80 },
    { title: "户号", dataIndex: "accountNo", width: 130, render: (v: string | null) => v ?? "—" },
    {
      title: "结果",
      dataIndex: "kind",
      width: 90,
      render: (k: RegisterRowKind) => <Tag color={KIND_COLORS[k]}>{REGISTER_ROW_KIND_LABELS[k]}</Tag>,
    },
    {
      title: "说明",
      key: "detail",
      render: (_, r) =>
        r.kind === "error" ? (
          <Typography.Text type="danger">{r.errors.join("；")}</Typography.Text>
        ) : r.kind === "update" ? (
          <Space orientation="vertical" size={0}>
            {r.changes.map((c) => (
              <span key={c.field}>
                {c.label}：
                <Typography.Text delete type="secondary">
                  {c.before ?? "空"}
                </Typography.Text>{" "}
                → <Typography.Text strong>{c.after ?? "空"}</Typography.Text>
              </span>
            ))}
          </Space>
        ) : (
          <Typography.Text type="secondary">新建账户</Typography.Text>
        ),
    },
  ];
  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Segmented
        value={kind}
        onChange={(v) => {
          setKind(v as RegisterRowKind | "all");
          setPage(1);
        }}
        options={[
          { value: "all", label: "全部明细" },
          { value: "error", label: `错误 ${imp.errorCount}` },
          { value: "create", label: `新增 ${imp.createCount}` },
          { value: "update", label: `更新 ${imp.updateCount}` },
        ]}
      />
      {rows.isError && <QueryErrorAlert error={rows.error} onRetry={() => void rows.refetch()} />}
      <Table
        rowKey="rowNo"
        size="small"
        columns={columns}
        dataSource={rows.data?.items ?? []}
        loading={rows.isPending}
        pagination={{
          current: page,
          pageSize,
          total: rows.data?.total ?? 0,
          onChange: setPage,
          showSizeChanger: false,
          showTotal: (t) => `共 ${t} 行`,
        }}
      />
    </Space>
  );
}

/** One import: the dry run's counts, new places, apply options and progress, the report. */
function ImportReport({ id }: { id: number }) {
  const { message } = App.useApp();
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ["register", "import", id],
    queryFn: ({ signal }) => getRegisterImport(id, signal),
    refetchInterval: (query) => (finished(query.state.data) ? false : 1000),
  });
  const [skipErrors, setSkipErrors] = useState(false);
  const [createPlaces, setCreatePlaces] = useState(false);
  const apply = useMutation({
    mutationFn: () => applyRegisterImport(id, { skipErrors, createPlaces }),
    onSuccess: (data) => {
      qc.setQueryData(["register", "import", id], data);
      void qc.invalidateQueries({ queryKey: ["register", "list"] });
    },
    onError: (e) => message.error(messageOf(e)),
  });
  const imp = q.data;
  const status = imp?.status;
  // the list below shows the status too: refresh it when the job has finished
  useEffect(() => {
    if (status === "applied" || status === "failed") void qc.invalidateQueries({ queryKey: ["register", "list"] });
  }, [status, qc]);
  if (q.isError) return <QueryErrorAlert error={q.error} onRetry={() => void q.refetch()} />;
  if (!imp) return null;
  const places = imp.newCommunities.length + imp.newBuildings.length;
  const blocked = (imp.errorCount > 0 && !skipErrors) || (places > 0 && !createPlaces);
  const download = async () => {
    try {
      const f = await downloadRegisterReport(imp.id);
      saveBlob(f.blob, f.filename ?? `导入报告_${imp.id}.csv`);
    } catch (e) {
      message.error(messageOf(e));
    }
  };

  return (
    <Card
      className="register-report"
      title={`校验报告 · ${imp.fileName}`}
      extra={
        <Space>
          <Tag color={STATUS_COLORS[imp.status]}>{REGISTER_IMPORT_STATUS_LABELS[imp.status]}</Tag>
          <Button icon={<DownloadOutlined />} onClick={() => void download()}>
            下载报告
          </Button>
        </Space>
      }
    >
      <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
        <Space size={48} wrap>
          <Statistic title="数据行" value={imp.totalRows} />
          <Statistic title="新增" value={imp.createCount} styles={{ content: { color: "#389e0d" } }} />
          <Statistic title="更新" value={imp.updateCount} styles={{ content: { color: "#1677ff" } }} />
          <Statistic title="无变化" value={imp.unchangedCount} />
          <Statistic
            title="错误"
            value={imp.errorCount}
            styles={{ content: { color: imp.errorCount ? "#cf1322" : undefined } }}
          />
        </Space>
        <Descriptions
          size="small"
          column={3}
          items={[
            {
              key: "f",
              label: "文件",
              children: `${imp.format?.toUpperCase() ?? "—"}${imp.encoding ? `（${imp.encoding === "gb18030" ? "GBK编码" : "UTF-8"}）` : ""}`,
            },
            { key: "s", label: "大小", children: `${(imp.size / 1024).toFixed(1)} KB` },
            { key: "t", label: "上传时间", children: formatDateTime(imp.createdAt) },
          ]}
        />
        {places > 0 && imp.status === "validated" && (
          <Alert
            type="warning"
            showIcon
            title="文件中有系统里还没有的小区或楼栋，导入时将新建"
            description={[
              ...imp.newCommunities.map((c) => `小区：${c}`),
              ...imp.newBuildings.map((b) => `楼栋：${b}`),
            ].join("；")}
          />
        )}
        {imp.status === "validated" && (
          <Card size="small" type="inner" title="执行导入">
            <Space orientation="vertical">
              {imp.errorCount > 0 && (
                <Checkbox checked={skipErrors} onChange={(e) => setSkipErrors(e.target.checked)}>
                  跳过 {imp.errorCount} 个错误行，只导入其余的行
                </Checkbox>
              )}
              {places > 0 && (
                <Checkbox checked={createPlaces} onChange={(e) => setCreatePlaces(e.target.checked)}>
                  确认新建上述小区和楼栋
                </Checkbox>
              )}
              <Typography.Text type="secondary">
                将新增 {imp.createCount} 户、更新 {imp.updateCount}{" "}
                户；按户号执行，重复导入不会重复修改；每项修改记入审计日志。面积修改从下一期账单起生效。
              </Typography.Text>
              <Button
                type="primary"
                icon={<PlayCircleOutlined />}
                disabled={blocked || imp.createCount + imp.updateCount === 0}
                loading={apply.isPending}
                onClick={() => apply.mutate()}
              >
                执行导入
              </Button>
            </Space>
          </Card>
        )}
        {(imp.status === "applying" || imp.status === "applied" || imp.status === "failed") && (
          <Card size="small" type="inner" title="导入进度">
            <Progress
              percent={applyPercent(imp)}
              status={imp.status === "failed" ? "exception" : imp.status === "applied" ? "success" : "active"}
            />
            <Typography.Text>
              已处理 {imp.processed} / {imp.applyTotal}：新增 {imp.created}，更新 {imp.updated}，无需修改 {imp.skipped}
              {imp.finishedAt ? `（完成于 ${formatDateTime(imp.finishedAt)}）` : ""}
            </Typography.Text>
            {imp.error && <Alert type="error" showIcon title={imp.error} />}
          </Card>
        )}
        <ReportTable imp={imp} />
      </Space>
    </Card>
  );
}

/** 台账导入: template, upload with a dry run, the report, apply as a job with progress; earlier imports. */
export function RegisterImportPage() {
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [current, setCurrent] = useState<number | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const list = useQuery({ queryKey: ["register", "list"], queryFn: ({ signal }) => listRegisterImports(signal) });
  const upload = useMutation({
    mutationFn: (file: File) => uploadRegister(file),
    onSuccess: (imp) => {
      setFileError(null);
      qc.setQueryData(["register", "import", imp.id], imp);
      setCurrent(imp.id);
      void qc.invalidateQueries({ queryKey: ["register", "list"] });
    },
    onError: (e) => {
      setFileError(messageOf(e));
      void qc.invalidateQueries({ queryKey: ["register", "list"] });
    },
  });
  const template = async () => {
    try {
      const f = await downloadRegisterTemplate();
      saveBlob(f.blob, f.filename ?? "户籍台账导入模板.xlsx");
    } catch (e) {
      message.error(messageOf(e));
    }
  };
  const history: TableColumnsType<RegisterImport> = [
    { title: "编号", dataIndex: "id", width: 70 },
    { title: "文件", dataIndex: "fileName", ellipsis: true },
    { title: "上传时间", dataIndex: "createdAt", width: 170, render: (v: string) => formatDateTime(v) },
    {
      title: "状态",
      dataIndex: "status",
      width: 130,
      render: (s: RegisterImportStatus) => <Tag color={STATUS_COLORS[s]}>{REGISTER_IMPORT_STATUS_LABELS[s]}</Tag>,
    },
    {
      title: "行数（新增/更新/错误）",
      key: "counts",
      width: 200,
      render: (_, i) =>
        i.fileError ? i.fileError.message : `${i.totalRows}（${i.createCount}/${i.updateCount}/${i.errorCount}）`,
    },
    {
      title: "",
      key: "open",
      width: 80,
      render: (_, i) =>
        !i.fileError && (
          <Button size="small" onClick={() => setCurrent(i.id)}>
            查看
          </Button>
        ),
    },
  ];

  return (
    <div className="register-import" style={{ display: "flex", flexDirection: "column", gap: 16 }}>
      <Card
        title="户籍台账导入"
        extra={
          <Button icon={<DownloadOutlined />} onClick={() => void template()}>
            下载导入模板
          </Button>
        }
      >
        <Space orientation="vertical" style={{ width: "100%" }}>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
            上传县供热台账（XLSX或CSV，UTF-8或GBK编码，不超过20MB）。先校验每一行并生成报告：新增、更新（逐字段对比）、无变化和错误行；确认后再执行导入。必填列：
            {REGISTER_REQUIRED_FIELDS.map((f) => REGISTER_COLUMN_LABELS[f]).join("、")}；其余列：
            {REGISTER_FIELDS.filter((f) => !REGISTER_REQUIRED_FIELDS.includes(f))
              .map((f) => REGISTER_COLUMN_LABELS[f])
              .join("、")}
            （留空表示不修改）。
          </Typography.Paragraph>
          <Upload.Dragger
            accept=".xlsx,.csv"
            multiple={false}
            showUploadList={false}
            disabled={upload.isPending}
            beforeUpload={(file) => {
              upload.mutate(file);
              return false;
            }}
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">{upload.isPending ? "正在上传并校验…" : "点击或拖入台账文件开始校验"}</p>
            <p className="ant-upload-hint">校验不会修改任何账户</p>
          </Upload.Dragger>
          {fileError && <Alert type="error" showIcon title="文件无法导入" description={fileError} />}
        </Space>
      </Card>
      {current !== null && <ImportReport key={current} id={current} />}
      <Card title="导入记录" size="small">
        {list.isError && <QueryErrorAlert error={list.error} onRetry={() => void list.refetch()} />}
        <Table
          rowKey="id"
          size="small"
          columns={history}
          dataSource={list.data ?? []}
          loading={list.isPending}
          pagination={false}
        />
      </Card>
    </div>
  );
}

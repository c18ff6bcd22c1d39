import { CloudDownloadOutlined, UploadOutlined } from "@ant-design/icons";
import {
  CALENDAR_ADMIN_ROLES,
  CALENDAR_DAY_KIND_LABELS,
  CALENDAR_SOURCE_LABELS,
  type CalendarDayKind,
  type CalendarDayView,
  type CalendarYearView,
} from "@warmline/shared";
import {
  Alert,
  App,
  Button,
  Card,
  Empty,
  Select,
  Space,
  Spin,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
  Upload,
} from "antd";
import { useMemo, useState } from "react";
import { isApiError, messageOf } from "../api/api";
import { uploadFromFile } from "../api/calendar";
import { useAuth } from "../auth/AuthContext";
import { hasAnyRole } from "../auth/roles";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { formatDateTime } from "../format";
import { useCalendarCoverage, useCalendarDays, useLoadCalendarYear, useUploadCalendarYear } from "../queries/calendar";
import "./calendar.css";

const WEEKDAYS = ["一", "二", "三", "四", "五", "六", "日"];
const MONTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

/** One month as weeks of Monday-first cells (null = padding). */
function monthWeeks(year: number, month: number, days: Map<string, CalendarDayView>) {
  const first = new Date(Date.UTC(year, month - 1, 1));
  const pad = (first.getUTCDay() + 6) % 7;
  const count = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const cells: (CalendarDayView | null)[] = Array.from({ length: pad }, () => null);
  for (let d = 1; d <= count; d++) {
    const date = `${year}-${String(month).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
    cells.push(days.get(date) ?? null);
  }
  while (cells.length % 7) cells.push(null);
  const weeks: (CalendarDayView | null)[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return weeks;
}

function MonthGrid({ year, month, days }: { year: number; month: number; days: Map<string, CalendarDayView> }) {
  return (
    <div className="cal-month" data-testid={`month-${month}`}>
      <div className="cal-month-title">{month}月</div>
      <table>
        <thead>
          <tr>
            {WEEKDAYS.map((w) => (
              <th key={w}>{w}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {monthWeeks(year, month, days).map((week, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: weeks of a fixed month never reorder
            <tr key={i}>
              {week.map((d, j) =>
                d ? (
                  <td
                    key={d.date}
                    className={`cal-day cal-${d.kind}`}
                    title={`${d.date} ${CALENDAR_DAY_KIND_LABELS[d.kind]}${d.name ? `（${d.name}）` : ""}`}
                    data-date={d.date}
                    data-kind={d.kind}
                  >
                    {Number(d.date.slice(8))}
                    {d.kind === "holiday" && <span className="cal-mark">休</span>}
                    {d.kind === "makeup_workday" && <span className="cal-mark">班</span>}
                  </td>
                ) : (
                  // biome-ignore lint/suspicious/noArrayIndexKey: padding cells
                  <td key={`p${j}`} />
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const LEGEND: CalendarDayKind[] = ["workday", "restday", "holiday", "makeup_workday"];

/** The holidays of a year as short lines: 春节 2-15 至 2-23（调休上班 2-14、2-28） */
function holidaySummary(days: CalendarDayView[]): { name: string; off: string; work: string }[] {
  const groups = new Map<string, { off: string[]; work: string[] }>();
  for (const d of days) {
    if (d.kind !== "holiday" && d.kind !== "makeup_workday") continue;
    const name = d.name ?? "节假日";
    const g = groups.get(name) ?? { off: [], work: [] };
    (d.kind === "holiday" ? g.off : g.work).push(d.date.slice(5));
    groups.set(name, g);
  }
  return [...groups.entries()].map(([name, g]) => ({
    name,
    off: g.off.length > 1 ? `${g.off[0]} 至 ${g.off[g.off.length - 1]}（${g.off.length}天）` : (g.off[0] ?? ""),
    work: g.work.join("、"),
  }));
}

/** 节假日日历: the loaded years, a year's month grid, loading from the package or uploading a year (admins). */
export function CalendarPage() {
  const { message, modal } = App.useApp();
  const { staff } = useAuth();
  const mayLoad = hasAnyRole(staff?.roles, CALENDAR_ADMIN_ROLES);
  const coverage = useCalendarCoverage();
  const [chosen, setChosen] = useState<number | null>(null);
  const thisYear = coverage.data ? Number(coverage.data.today.slice(0, 4)) : null;
  const year = chosen ?? thisYear;
  const days = useCalendarDays(year);
  const load = useLoadCalendarYear();
  const upload = useUploadCalendarYear();

  const dayMap = useMemo(() => new Map((days.data?.days ?? []).map((d) => [d.date, d])), [days.data]);
  const yearOptions = useMemo(() => {
    const set = new Set<number>([
      ...(coverage.data?.items.map((i) => i.year) ?? []),
      ...(coverage.data?.missing ?? []),
    ]);
    if (thisYear) for (const y of [thisYear - 1, thisYear, thisYear + 1]) set.add(y);
    return [...set].sort((a, b) => a - b).map((y) => ({ value: y, label: `${y}年` }));
  }, [coverage.data, thisYear]);

  const showProblems = (e: unknown) => {
    const problems = isApiError(e) ? (e.details as { problems?: { line: number; message: string }[] })?.problems : null;
    if (problems?.length) {
      modal.error({
        title: messageOf(e),
        width: 560,
        content: (
          <ul className="cal-problems">
            {problems.map((p) => (
              <li key={`${p.line}-${p.message}`}>
                {p.line ? `第${p.line}行：` : ""}
                {p.message}
              </li>
            ))}
          </ul>
        ),
      });
    } else message.error(messageOf(e));
  };

  const loadFromPackage = async () => {
    if (year === null) return;
    try {
      const r = await load.mutateAsync(year);
      message.success(
        `已从数据包导入${year}年：节假日${r.loaded?.holidays ?? 0}天，调休上班${r.loaded?.makeupWorkdays ?? 0}天`,
      );
    } catch (e) {
      showProblems(e);
    }
  };

  const uploadFile = async (file: File) => {
    if (year === null) return;
    const input = uploadFromFile(file.name, await file.text());
    if ("error" in input) {
      message.error(input.error);
      return;
    }
    try {
      const r = await upload.mutateAsync({ year, input });
      message.success(
        `已上传${year}年安排：节假日${r.loaded?.holidays ?? 0}天，调休上班${r.loaded?.makeupWorkdays ?? 0}天`,
      );
    } catch (e) {
      showProblems(e);
    }
  };

  const columns: TableColumnsType<CalendarYearView> = [
    {
      title: "年份",
      dataIndex: "year",
      width: 90,
      render: (y: number) => (
        <Button type="link" size="small" onClick={() => setChosen(y)}>
          {y}年
        </Button>
      ),
    },
    {
      title: "来源",
      key: "source",
      render: (_, r) => (
        <Space size={4}>
          <Tag color={r.source === "package" ? "blue" : "purple"}>{CALENDAR_SOURCE_LABELS[r.source]}</Tag>
          {r.sourceDetail && <Typography.Text type="secondary">{r.sourceDetail}</Typography.Text>}
        </Space>
      ),
    },
    { title: "节假日", dataIndex: "holidays", width: 90, render: (n: number) => `${n}天` },
    { title: "调休上班", dataIndex: "makeupWorkdays", width: 100, render: (n: number) => `${n}天` },
    { title: "导入人", dataIndex: "loadedBy", width: 120, render: (s: string | null) => s ?? "系统启动时导入" },
    { title: "导入时间", dataIndex: "loadedAt", width: 170, render: (t: string) => formatDateTime(t) },
  ];

  if (coverage.isError) return <QueryErrorAlert error={coverage.error} />;
  const missing = coverage.data?.missing ?? [];
  const packageHas = year !== null && !!coverage.data?.packageYears.includes(year);
  const loaded = days.data?.loaded ?? null;

  return (
    <Space orientation="vertical" size="middle" className="cal-page">
      <Typography.Title level={3} style={{ margin: 0 }}>
        节假日日历
      </Typography.Title>
      {missing.length > 0 && (
        <Alert
          type="warning"
          showIcon
          data-testid="calendar-missing"
          message={`节假日数据缺失：${missing.map((y) => `${y}年`).join("、")}`}
          description="国务院办公厅每年年底公布下一年的放假安排。缺少某一年的数据时，落在该年的工作日期限（如法务移交的5个工作日）和审核超时提醒都不会计算，系统也不会按周一至周五推算。请从数据包导入，或按通知上传该年安排。"
        />
      )}
      <Card title="已导入的年份" size="small" loading={coverage.isLoading}>
        <Table
          rowKey="year"
          size="small"
          pagination={false}
          columns={columns}
          dataSource={coverage.data?.items ?? []}
          locale={{ emptyText: "尚未导入任何年份" }}
        />
        {coverage.data && (
          <Typography.Paragraph type="secondary" style={{ margin: "8px 0 0" }}>
            数据包可提供：{coverage.data.packageYears[0]}—{coverage.data.packageYears.at(-1)}
            年（chinese-days，按国务院通知维护）。 上传格式：JSON（[{"{"}date, kind, name{"}"}]）或
            CSV（日期,类型,名称），类型为 工作日 / 休息日 / 节假日 /
            调休上班；可列出全年每一天，也可只列节假日和调休上班日。
          </Typography.Paragraph>
        )}
      </Card>
      <Card
        size="small"
        title={
          <Space>
            <span>月历</span>
            <Select
              aria-label="年份"
              value={year ?? undefined}
              options={yearOptions}
              onChange={(y) => setChosen(y)}
              style={{ width: 110 }}
            />
            {loaded ? <Tag color="green">已导入</Tag> : year !== null && days.data && <Tag color="red">未导入</Tag>}
          </Space>
        }
        extra={
          mayLoad &&
          year !== null && (
            <Space>
              <Button
                icon={<CloudDownloadOutlined />}
                disabled={!packageHas}
                loading={load.isPending}
                onClick={() =>
                  loaded
                    ? modal.confirm({
                        title: `用数据包覆盖${year}年的现有数据？`,
                        content: "覆盖后以数据包为准，原数据不保留（操作会记入审计日志）。",
                        onOk: loadFromPackage,
                      })
                    : loadFromPackage()
                }
              >
                从数据包导入{year}年
              </Button>
              <Upload
                accept=".json,.csv,.txt"
                showUploadList={false}
                beforeUpload={(file) => {
                  void uploadFile(file);
                  return false;
                }}
              >
                <Button icon={<UploadOutlined />} loading={upload.isPending}>
                  上传{year}年安排
                </Button>
              </Upload>
            </Space>
          )
        }
      >
        <Space size="middle" className="cal-legend" wrap>
          {LEGEND.map((k) => (
            <span key={k}>
              <span className={`cal-swatch cal-${k}`} />
              {CALENDAR_DAY_KIND_LABELS[k]}
            </span>
          ))}
        </Space>
        {days.isLoading ? (
          <Spin />
        ) : days.isError ? (
          <QueryErrorAlert error={days.error} />
        ) : !loaded || year === null ? (
          <Empty
            description={
              year === null
                ? "请选择年份"
                : `${year}年的节假日安排尚未导入${packageHas ? "，可从数据包导入" : "，数据包中也没有该年，请按国务院通知上传"}`
            }
          />
        ) : (
          <>
            <div className="cal-grid">
              {MONTHS.map((m) => (
                <MonthGrid key={m} year={year} month={m} days={dayMap} />
              ))}
            </div>
            <div className="cal-summary">
              {holidaySummary(days.data?.days ?? []).map((h) => (
                <div key={h.name}>
                  <Typography.Text strong>{h.name}</Typography.Text> 放假 {h.off}
                  {h.work && <Typography.Text type="secondary">；调休上班 {h.work}</Typography.Text>}
                </div>
              ))}
            </div>
          </>
        )}
      </Card>
    </Space>
  );
}

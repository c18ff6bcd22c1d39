import { ReloadOutlined } from "@ant-design/icons";
import {
  INCIDENT_GRADE_LABELS,
  INCIDENT_GRADES,
  TICKET_CATEGORIES,
  TICKET_CATEGORY_LABELS,
  TICKET_CHANNEL_LABELS,
  TICKET_CHANNELS,
  TICKET_PRIORITIES,
  TICKET_PRIORITY_LABELS,
} from "@warmline/shared";
import { Button, Card, Checkbox, Form, Select, Space, Table, type TableColumnsType, Tag, Typography } from "antd";
import { type HTMLAttributes, useMemo } from "react";
import { Link, useNavigate } from "react-router";
import type { TicketSearchParams, TicketSummaryView } from "../api/tickets";
import { OutdoorCard } from "../components/OutdoorCard";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { SlaCountdown } from "../components/SlaCountdown";
import { minTableWidth } from "../components/tableWidth";
import { GradeTag, PriorityTag, SuggestIncidentTag, TicketStatusTag } from "../components/TicketTags";
import { useNow } from "../components/useNow";
import { EMPTY, formatDateTime, orEmpty } from "../format";
import { useStations, useTicketSearch } from "../queries/tickets";
import { compareByTimeLeft, type SlaLevel, slaLevel } from "../tickets";
import { useSearchState } from "./useSearchState";

const oneOf = <T extends string>(list: readonly T[], v: string): T | undefined =>
  (list as readonly string[]).includes(v) ? (v as T) : undefined;

/** The board shows this many open tickets at most (the server's largest page). */
export const BOARD_SIZE = 200;

/** the board's filters: those of the ticket search it runs */
export type BoardFilters = Pick<
  TicketSearchParams,
  "stationId" | "grade" | "channel" | "category" | "priority" | "breached"
>;

const options = <T extends string>(list: readonly T[], labels: Record<T, string>) =>
  list.map((v) => ({ value: v, label: labels[v] }));

const ROW_CLASS: Record<SlaLevel, string> = {
  breached: "sla-row-breached",
  warned: "sla-row-warned",
  paused: "sla-row-paused",
  ok: "",
};

/** Filters apply at once (the board is live); they live in the URL like every search. */
function BoardFilterForm({ value, onChange }: { value: BoardFilters; onChange: (v: BoardFilters) => void }) {
  const stations = useStations();
  const set = (patch: BoardFilters) => onChange({ ...value, ...patch });
  return (
    <Form layout="inline" name="sla-board-filters" style={{ rowGap: 12 }}>
      <Form.Item label="换热站">
        <Select<number>
          id="board-station"
          allowClear
          showSearch={{ optionFilterProp: "label" }}
          placeholder={stations.isError ? "换热站列表加载失败" : "全部"}
          loading={stations.isPending}
          style={{ width: 160 }}
          value={value.stationId}
          onChange={(v) => set({ stationId: v ?? undefined })}
          options={(stations.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
        />
      </Form.Item>
      <Form.Item label="等级">
        <Select
          id="board-grade"
          allowClear
          placeholder="全部"
          style={{ width: 100 }}
          value={value.grade}
          onChange={(v) => set({ grade: v ?? undefined })}
          options={options(INCIDENT_GRADES, INCIDENT_GRADE_LABELS)}
        />
      </Form.Item>
      <Form.Item label="渠道">
        <Select
          id="board-channel"
          allowClear
          placeholder="全部"
          style={{ width: 130 }}
          value={value.channel}
          onChange={(v) => set({ channel: v ?? undefined })}
          options={options(TICKET_CHANNELS, TICKET_CHANNEL_LABELS)}
        />
      </Form.Item>
      <Form.Item label="类别">
        <Select
          id="board-category"
          allowClear
          placeholder="全部"
          style={{ width: 130 }}
          value={value.category}
          onChange={(v) => set({ category: v ?? undefined })}
          options={options(TICKET_CATEGORIES, TICKET_CATEGORY_LABELS)}
        />
      </Form.Item>
      <Form.Item label="优先级">
        <Select
          id="board-priority"
          allowClear
          placeholder="全部"
          style={{ width: 100 }}
          value={value.priority}
          onChange={(v) => set({ priority: v ?? undefined })}
          options={options(TICKET_PRIORITIES, TICKET_PRIORITY_LABELS)}
        />
      </Form.Item>
      <Form.Item>
        <Checkbox
          id="board-breached"
          checked={value.breached ?? false}
          onChange={(e) => set({ breached: e.target.checked || undefined })}
        >
          仅看超时
        </Checkbox>
      </Form.Item>
      <Form.Item>
        <Button
          onClick={() =>
            onChange({
              stationId: undefined,
              grade: undefined,
              channel: undefined,
              category: undefined,
              priority: undefined,
              breached: undefined,
            })
          }
        >
          重置
        </Button>
      </Form.Item>
    </Form>
  );
}

/**
 * SLA 看板: every open ticket, least time left first, asked for again every 15 s; the countdowns tick every
 * second from the server's due times. Over time: red; 75 % used: orange; waiting for the resident: grey.
 * On top: the outdoor temperature that applies (at the filtered station, if any) and the room floor it sets.
 */
export function SlaBoardPage() {
  const s = useSearchState();
  const navigate = useNavigate();
  const now = useNow();
  const filters: BoardFilters = {
    stationId: s.int("station"),
    grade: oneOf(INCIDENT_GRADES, s.text("grade")),
    channel: oneOf(TICKET_CHANNELS, s.text("channel")),
    category: oneOf(TICKET_CATEGORIES, s.text("category")),
    priority: oneOf(TICKET_PRIORITIES, s.text("priority")),
    breached: s.text("breached") === "true" || undefined,
  };
  const board = useTicketSearch({ open: true, ...filters, page: 1, pageSize: BOARD_SIZE }, { live: true });
  const rows = useMemo(() => [...(board.data?.items ?? [])].sort(compareByTimeLeft), [board.data]);
  const levels = rows.map((t) => slaLevel(t.sla, now));
  const count = (l: SlaLevel) => levels.filter((x) => x === l).length;
  const open = (t: TicketSummaryView) => navigate(`/tickets/${t.id}`);

  const columns: TableColumnsType<TicketSummaryView> = [
    {
      title: "工单号",
      dataIndex: "ticketNo",
      width: 150,
      render: (no: string, t) => (
        <Space orientation="vertical" size={2}>
          <Link className="ticket-no" to={`/tickets/${t.id}`} onClick={(e) => e.stopPropagation()}>
            {no}
          </Link>
          {t.suggestIncident && <SuggestIncidentTag />}
        </Space>
      ),
    },
    {
      title: "类别",
      dataIndex: "category",
      width: 96,
      render: (c: TicketSummaryView["category"]) => TICKET_CATEGORY_LABELS[c] ?? c,
    },
    {
      title: "渠道",
      dataIndex: "channel",
      width: 104,
      render: (c: TicketSummaryView["channel"]) => TICKET_CHANNEL_LABELS[c] ?? c,
    },
    {
      title: "户号/地址",
      key: "where",
      ellipsis: { showTitle: true },
      render: (_, t) => (
        <Space orientation="vertical" size={0} style={{ maxWidth: "100%" }}>
          <span>{t.accountNo ?? <Tag>未关联户号</Tag>}</span>
          <Typography.Text type="secondary" ellipsis={{ tooltip: t.address }} style={{ fontSize: 12 }}>
            {t.address}
          </Typography.Text>
        </Space>
      ),
    },
    { title: "换热站", dataIndex: "stationName", width: 120, render: orEmpty },
    {
      title: "优先级",
      dataIndex: "priority",
      width: 72,
      render: (p: TicketSummaryView["priority"], t) => <PriorityTag priority={p} reasons={t.priorityReasons} />,
    },
    {
      title: "等级",
      dataIndex: "grade",
      width: 64,
      render: (g: TicketSummaryView["grade"]) => <GradeTag grade={g} />,
    },
    {
      title: "状态",
      dataIndex: "status",
      width: 130,
      render: (st: TicketSummaryView["status"]) => <TicketStatusTag status={st} />,
    },
    {
      title: "剩余时间",
      key: "left",
      width: 200,
      render: (_, t) => <SlaCountdown sla={t.sla} now={now} />,
    },
  ];

  return (
    <Card
      className="sla-board-page"
      title={<Typography.Text strong>SLA 看板</Typography.Text>}
      extra={
        <Space>
          <Typography.Text type="secondary">
            {board.dataUpdatedAt ? `更新于 ${formatDateTime(new Date(board.dataUpdatedAt).toISOString())}` : EMPTY}
          </Typography.Text>
          <Button icon={<ReloadOutlined />} loading={board.isFetching} onClick={() => void board.refetch()}>
            刷新
          </Button>
        </Space>
      }
    >
      <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
        <OutdoorCard stationId={filters.stationId} />
        <BoardFilterForm
          value={filters}
          onChange={(v) =>
            s.update({
              station: v.stationId,
              grade: v.grade,
              channel: v.channel,
              category: v.category,
              priority: v.priority,
              breached: v.breached ? "true" : undefined,
            })
          }
        />
        {board.isError && <QueryErrorAlert error={board.error} onRetry={() => void board.refetch()} />}
        {board.data && (
          <Space size="large" className="sla-board-summary">
            <span>未办结 {board.data.total} 件</span>
            <Typography.Text type="danger">超时 {count("breached")} 件</Typography.Text>
            <Typography.Text type="warning">预警 {count("warned")} 件</Typography.Text>
            <Typography.Text type="secondary">暂停 {count("paused")} 件</Typography.Text>
            {board.data.total > rows.length && (
              <Typography.Text type="secondary">
                （仅显示时限最紧的前 {rows.length} 件，请用筛选缩小范围）
              </Typography.Text>
            )}
          </Space>
        )}
        <Table<TicketSummaryView>
          className="sla-board-table"
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={rows}
          loading={board.isPending}
          scroll={{ x: minTableWidth(columns) }}
          pagination={false}
          locale={{ emptyText: "没有未办结的工单" }}
          rowClassName={(t) => ROW_CLASS[slaLevel(t.sla, now)]}
          onRow={(t) =>
            ({
              "data-ticket-no": t.ticketNo,
              onClick: () => open(t),
              style: { cursor: "pointer" },
            }) as HTMLAttributes<HTMLElement>
          }
        />
      </Space>
    </Card>
  );
}

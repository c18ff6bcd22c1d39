import { DeleteOutlined, PlusOutlined, ThunderboltOutlined } from "@ant-design/icons";
import { ACCOUNT_CATEGORIES, ACCOUNT_CATEGORY_LABELS } from "@warmline/shared";
import { App, Button, Card, Popconfirm, Space, Table, type TableColumnsType, Tag, Typography } from "antd";
import { useState } from "react";
import { messageOf } from "../api/api";
import type { Season } from "../api/billing";
import { BillRunProgress } from "../components/BillRunProgress";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { SeasonCreateModal } from "../components/SeasonCreateModal";
import { SEASON_STATUS_LABELS } from "../labels";
import { formatBpPercent, formatLateFeeRate, formatUnitPrice } from "../money";
import { isRunFinished, useBillRun, useDeleteSeason, useSeasons, useStartBillRun } from "../queries/billing";

const byCategory = (a: Season["tariffs"][number], b: Season["tariffs"][number]) =>
  ACCOUNT_CATEGORIES.indexOf(a.category) - ACCOUNT_CATEGORIES.indexOf(b.category);

interface CurrentRun {
  runId: number;
  seasonId: number;
  seasonCode: string;
}

/** 供热季: seasons with their tariffs and late-fee policy; open a season; generate its bills. */
export function SeasonsPage() {
  const { message } = App.useApp();
  const seasons = useSeasons();
  const start = useStartBillRun();
  const remove = useDeleteSeason();
  const [creating, setCreating] = useState(false);
  const [current, setCurrent] = useState<CurrentRun | null>(null);
  const currentRun = useBillRun(current?.runId);
  const running = current !== null && !isRunFinished(currentRun.data) && !currentRun.isError;

  const generate = async (s: Season) => {
    try {
      const run = await start.mutateAsync(s.id);
      setCurrent({ runId: run.id, seasonId: s.id, seasonCode: s.code });
    } catch (e) {
      message.error(messageOf(e));
    }
  };

  const columns: TableColumnsType<Season> = [
    {
      title: "供热季",
      dataIndex: "code",
      width: 110,
      render: (c: string) => <Typography.Text strong>{c}</Typography.Text>,
    },
    {
      title: "供热期",
      key: "period",
      width: 220,
      // a date is never broken at its hyphens: the range wraps at 至 when it must
      render: (_, s) => (
        <>
          <span className="nowrap">{s.startDate}</span> 至 <span className="nowrap">{s.endDate}</span>
        </>
      ),
    },
    { title: "缴费截止", dataIndex: "dueDate", width: 110 },
    {
      title: "收费标准",
      key: "tariffs",
      render: (_, s) => (
        <Space orientation="vertical" size={0}>
          {[...s.tariffs].sort(byCategory).map((t) => (
            <span key={t.category}>
              {ACCOUNT_CATEGORY_LABELS[t.category] ?? t.category}：{formatUnitPrice(t.unitPriceFen)}
              <Typography.Text type="secondary" className="nowrap">
                （报停基础费 {formatBpPercent(t.suspensionShareBp)}）
              </Typography.Text>
            </span>
          ))}
          {s.tariffs.length === 0 && <Typography.Text type="warning">未设置</Typography.Text>}
        </Space>
      ),
    },
    {
      title: "滞纳金",
      key: "lateFee",
      width: 150,
      render: (_, s) => (
        <Space orientation="vertical" size={0}>
          <span>{formatLateFeeRate(s.lateFeeRateBp)}</span>
          {s.lateFeeRateBp > 0 && (
            <Typography.Text type="secondary">上限为本金的 {formatBpPercent(s.lateFeeCapBp)}</Typography.Text>
          )}
        </Space>
      ),
    },
    {
      title: "状态",
      dataIndex: "status",
      width: 80,
      render: (st: string) => <Tag color={st === "open" ? "green" : "default"}>{SEASON_STATUS_LABELS[st] ?? st}</Tag>,
    },
    {
      title: "操作",
      key: "actions",
      width: 200,
      render: (_, s) => (
        <Space>
          <Popconfirm
            title={`为 ${s.code} 供热季生成账单？`}
            description="为全部在册账户开具本季账单；已开过的不会重复开具。"
            okText="生成"
            cancelText="取消"
            onConfirm={() => generate(s)}
            disabled={running}
          >
            <Button
              icon={<ThunderboltOutlined />}
              size="small"
              disabled={running}
              loading={start.isPending && start.variables === s.id}
            >
              生成账单
            </Button>
          </Popconfirm>
          {s.billCount === 0 && (
            <Popconfirm
              title={`删除 ${s.code} 供热季？`}
              description="该供热季尚未开具账单，删除后其收费标准一并删除。"
              okText="删除"
              okButtonProps={{ danger: true }}
              cancelText="取消"
              onConfirm={() =>
                remove
                  .mutateAsync(s.id)
                  .then(() => message.success(`已删除 ${s.code} 供热季`))
                  .catch((e: unknown) => message.error(messageOf(e)))
              }
            >
              <Button
                size="small"
                danger
                icon={<DeleteOutlined />}
                loading={remove.isPending && remove.variables === s.id}
              >
                删除
              </Button>
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  return (
    <Card
      className="seasons-page"
      title={<Typography.Text strong>供热季</Typography.Text>}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          新建供热季
        </Button>
      }
    >
      <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
        {current && (
          <BillRunProgress
            key={current.runId}
            runId={current.runId}
            seasonCode={current.seasonCode}
            onClose={() => setCurrent(null)}
          />
        )}
        {seasons.isError && <QueryErrorAlert error={seasons.error} onRetry={() => void seasons.refetch()} />}
        <Table<Season>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={seasons.data ?? []}
          loading={seasons.isFetching}
          pagination={false}
          locale={{ emptyText: "暂无供热季" }}
        />
      </Space>
      <SeasonCreateModal
        open={creating}
        seasons={seasons.data ?? []}
        onClose={() => setCreating(false)}
        onCreated={(s) => {
          setCreating(false);
          message.success(`已新建 ${s.code} 供热季，可生成账单`);
        }}
      />
    </Card>
  );
}

import { PlusOutlined } from "@ant-design/icons";
import {
  indoorFloorC10,
  OUTDOOR_READING_VALID_MINUTES,
  OUTDOOR_RECORD_ROLES,
  OUTDOOR_SOURCE_LABELS,
  type OutdoorList,
  RecordOutdoorSchema,
} from "@warmline/shared";
import { Alert, App, Button, Form, type FormRule, Input, InputNumber, Modal, Select, Tag, Typography } from "antd";
import { useState } from "react";
import { messageOf } from "../api/api";
import { useAuth } from "../auth/AuthContext";
import { hasAnyRole } from "../auth/roles";
import { formatDateTime, fromShanghaiLocal, shanghaiDateTimeLocal } from "../format";
import { useStations } from "../queries/tickets";
import { useOutdoor, useRecordOutdoor } from "../queries/weather";

/** The readings summed up below the current one (min/max) go back this far. */
const LIST_HOURS = 24;
/** The floor when no cold-weather exception applies (20 ℃). */
const NORMAL_FLOOR_C10 = indoorFloorC10(null);
const VALID_HOURS = OUTDOOR_READING_VALID_MINUTES / 60;
/** what the server allows: a phone's clock may run a little ahead; at most 7 days back */
const FUTURE_SLACK_MS = 5 * 60_000;
const BACKDATE_LIMIT_MS = 7 * 24 * 60 * 60_000;

/** -125 → "−12.5 ℃" (a true minus sign, one decimal). */
export function formatOutdoorC10(c10: number): string {
  return `${c10 < 0 ? "−" : ""}${(Math.abs(c10) / 10).toFixed(1)} ℃`;
}

/** A floor in tenths as a whole or one-decimal number of degrees: 180 → "18 ℃". */
const floorText = (c10: number) => `${c10 / 10} ℃`;

/** ℃ as typed (InputNumber) → tenths; a value with more than one decimal stays fractional (the schema says so). */
function c10Of(v: number | null | undefined): number | undefined {
  if (v === null || v === undefined || Number.isNaN(v)) return undefined;
  const tenths = v * 10;
  const rounded = Math.round(tenths);
  if (Math.abs(tenths - rounded) > 1e-6) return tenths;
  return rounded === 0 ? 0 : rounded;
}

interface Props {
  /** the board's station filter: the reading that applies there (its own first, else any) */
  stationId?: number;
}

/**
 * 室外气温 at the top of the SLA board: the reading that applies now and the room-temperature floor that
 * follows from it (20 ℃, 18 ℃ while below −10 ℃ outside), the last 24 hours' range, and 登记气温 for staff
 * who keep the log. Asked for again every minute; a failure never breaks the board.
 */
export function OutdoorCard({ stationId }: Props) {
  const { staff } = useAuth();
  const mayRecord = hasAnyRole(staff?.roles, OUTDOOR_RECORD_ROLES);
  const outdoor = useOutdoor({ hours: LIST_HOURS, stationId });
  const [recording, setRecording] = useState(false);

  return (
    <section className="outdoor-card" aria-label="室外气温">
      <div className="outdoor-card-body">
        {outdoor.data ? (
          <OutdoorSummary data={outdoor.data} />
        ) : outdoor.isError ? null : (
          <Typography.Text type="secondary">室外气温加载中…</Typography.Text>
        )}
        {outdoor.isError && (
          <Typography.Text type="secondary" className="outdoor-card-error">
            气温读数加载失败
            <Button type="link" size="small" onClick={() => void outdoor.refetch()}>
              重试
            </Button>
          </Typography.Text>
        )}
      </div>
      {mayRecord && (
        <Button icon={<PlusOutlined />} onClick={() => setRecording(true)}>
          登记气温
        </Button>
      )}
      {recording && <RecordOutdoorModal onClose={() => setRecording(false)} />}
    </section>
  );
}

function OutdoorSummary({ data }: { data: OutdoorList }) {
  const { current, floorC10, items } = data;
  const reduced = floorC10 < NORMAL_FLOOR_C10;
  const temps = items.map((r) => r.tempC10);
  return (
    <>
      {current ? (
        <>
          <span className="outdoor-card-now">
            <span className="outdoor-card-label">室外气温</span>
            <span className="outdoor-card-temp">{formatOutdoorC10(current.tempC10)}</span>
          </span>
          <Typography.Text type="secondary" className="outdoor-card-meta">
            {[
              `读数时间 ${formatDateTime(current.at)}`,
              OUTDOOR_SOURCE_LABELS[current.source] ?? current.source,
              current.stationName,
              current.recordedBy && `登记人 ${current.recordedBy}`,
            ]
              .filter(Boolean)
              .join(" · ")}
          </Typography.Text>
          <span className="outdoor-card-floor">
            <Tag color={reduced ? "blue" : undefined}>{`当前室温标准 ${floorText(floorC10)}`}</Tag>
            {reduced && <Typography.Text type="warning">{`低于−10℃，标准按${floorC10 / 10}℃`}</Typography.Text>}
          </span>
        </>
      ) : (
        <Typography.Text className="outdoor-card-none">
          {`近${VALID_HOURS}小时无气温读数，室温标准按 ${floorText(floorC10)}`}
        </Typography.Text>
      )}
      {temps.length > 0 && (
        <Typography.Text type="secondary" className="outdoor-card-range">
          {`近${LIST_HOURS}小时 最低 ${formatOutdoorC10(Math.min(...temps))} · 最高 ${formatOutdoorC10(Math.max(...temps))}（${temps.length} 次读数）`}
        </Typography.Text>
      )}
    </>
  );
}

interface RecordValues {
  /** ℃, one decimal */
  temp?: number | null;
  stationId?: number | null;
  /** Beijing wall-clock time of a datetime-local input */
  at?: string;
}

const tempRule: FormRule = {
  validator: async (_r, v: number | null | undefined) => {
    const r = RecordOutdoorSchema.shape.tempC10.safeParse(c10Of(v));
    if (!r.success) throw new Error(r.error.issues[0]?.message ?? "室外温度读数不合理");
  },
};

const atRule: FormRule = {
  validator: async (_r, v: string | undefined) => {
    if (!v?.trim()) throw new Error("请填写读数时间");
    const at = fromShanghaiLocal(v);
    if (!at) throw new Error("读数时间格式不正确");
    const t = Date.parse(at);
    if (t > Date.now() + FUTURE_SLACK_MS) throw new Error("读数时间不能晚于现在");
    if (t < Date.now() - BACKDATE_LIMIT_MS) throw new Error("只能登记7天内的读数");
  },
};

/** 登记气温: a manual reading (the heat source plant's log, a thermometer on site). */
function RecordOutdoorModal({ onClose }: { onClose: () => void }) {
  const [form] = Form.useForm<RecordValues>();
  const { message } = App.useApp();
  const record = useRecordOutdoor();
  const stations = useStations();

  const submit = async () => {
    const v = await form.validateFields();
    await record.mutateAsync({
      tempC10: c10Of(v.temp) as number,
      at: fromShanghaiLocal(v.at) ?? undefined,
      stationId: v.stationId ?? undefined,
    });
    message.success("已登记");
    onClose();
  };

  return (
    <Modal
      open
      className="record-outdoor-modal"
      title="登记气温"
      okText="登记"
      cancelText="取消"
      confirmLoading={record.isPending}
      onOk={() => submit().catch(() => undefined)}
      onCancel={onClose}
    >
      {record.isError && (
        <Alert type="error" showIcon role="alert" title={messageOf(record.error)} style={{ marginBottom: 16 }} />
      )}
      <Form<RecordValues>
        form={form}
        name="record-outdoor"
        layout="vertical"
        initialValues={{ at: shanghaiDateTimeLocal(new Date()) }}
        // a refusal is about what was sent: it goes once the form is edited
        onValuesChange={() => record.isError && record.reset()}
      >
        <Form.Item
          label="室外温度（℃）"
          name="temp"
          htmlFor="outdoor-temp"
          rules={[tempRule]}
          extra="保留一位小数，零下请填负数，如 -12.5"
        >
          <InputNumber<number> id="outdoor-temp" step={0.1} suffix="℃" style={{ width: 160 }} />
        </Form.Item>
        <Form.Item label="换热站" name="stationId" htmlFor="outdoor-station" extra="不选则为全县读数（如热源厂）">
          <Select<number>
            id="outdoor-station"
            allowClear
            showSearch={{ optionFilterProp: "label" }}
            placeholder={stations.isError ? "换热站列表加载失败" : "选填"}
            loading={stations.isPending}
            options={(stations.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
          />
        </Form.Item>
        <Form.Item label="读数时间" name="at" htmlFor="outdoor-at" rules={[atRule]}>
          <Input id="outdoor-at" type="datetime-local" style={{ width: 220 }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

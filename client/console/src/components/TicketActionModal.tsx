import {
  DispatchSchema,
  INCIDENT_GRADE_LABELS,
  INCIDENT_GRADES,
  MEASUREMENT_METHOD_LABELS,
  MEASUREMENT_METHODS,
  type MeasurementMethod,
  MeasureSchema,
  OnSiteSchema,
  PauseSchema,
  ResolveSchema,
  RespondSchema,
  ResumeSchema,
  type IncidentGrade,
} from "@warmline/shared";
import { Alert, App, Button, Form, Input, Modal, Select, type UploadFile } from "antd";
import { type ReactNode, useEffect } from "react";
import { isApiError, messageOf } from "../api/api";
import { type PhotoView, searchTickets, type TicketAction, type TicketDetailView } from "../api/tickets";
import { c10Of, tempRule } from "../forms/tempRule";
import { zodRule } from "../forms/zodRule";
import { useStations, useTechnicians, useTicketAction } from "../queries/tickets";
import { FollowUpFields, type FollowUpValues, followUpInput } from "./FollowUpFields";
import { PhotoUpload, photoFilesOf, photoIdsOf, photosRule } from "./PhotoUpload";

/** The button text (and dialog title) of each step. */
export const TICKET_ACTION_LABELS: Record<TicketAction, string> = {
  respond: "首次响应",
  dispatch: "派单",
  on_site: "到场",
  measure: "入户测温",
  pause: "暂停计时",
  resume: "恢复计时",
  resolve: "处理完成",
  follow_up: "回访",
  grade: "调整等级",
  link: "合并事件",
  note: "备注",
};

type Values = FollowUpValues & {
  note?: string;
  stationId?: number;
  technicianId?: number;
  crew?: string;
  temp?: string;
  outdoorTemp?: string;
  method?: MeasurementMethod;
  photos?: UploadFile<PhotoView>[];
  reason?: string;
  grade?: IncidentGrade;
  incidentTicketId?: string;
};

const trimmed = (s: string | undefined) => s?.trim() || undefined;

/** The request body of each step from its validated form values. */
function inputOf(action: TicketAction, v: Values): object {
  switch (action) {
    case "respond":
      return { note: v.note?.trim() };
    case "dispatch":
      return {
        stationId: v.stationId,
        technicianId: v.technicianId ?? undefined,
        crew: trimmed(v.crew),
        note: trimmed(v.note),
      };
    case "on_site":
    case "resume":
      return { note: trimmed(v.note) };
    case "measure":
      return {
        indoorTempC10: c10Of(v.temp),
        outdoorTempC10: c10Of(v.outdoorTemp, "outdoor"),
        method: v.method,
        photoIds: photoIdsOf(v.photos),
        note: trimmed(v.note),
      };
    case "pause":
      return { reason: v.reason?.trim() };
    case "resolve":
      return { note: v.note?.trim(), photoIds: photoIdsOf(v.photos) };
    case "follow_up":
      return followUpInput(v);
    case "grade":
      return { grade: v.grade, reason: v.reason?.trim() };
    case "link":
      // resolved to an id before (a 工单号 is looked up)
      return { incidentTicketId: Number(v.incidentTicketId) };
    case "note":
      return { note: v.note?.trim() };
  }
}

const minText = (min: number, message: string, max = 500) => ({
  validator: async (_r: unknown, value: string | undefined) => {
    const t = (value ?? "").trim();
    if (t.length < min) throw new Error(message);
    if (t.length > max) throw new Error(`不能超过${max}个字`);
  },
});

const methodOptions = MEASUREMENT_METHODS.map((m) => ({ value: m, label: MEASUREMENT_METHOD_LABELS[m] }));
const gradeOptions = INCIDENT_GRADES.map((g) => ({ value: g, label: INCIDENT_GRADE_LABELS[g] }));

function note(id: string, label: string, rule: ReturnType<typeof zodRule>, placeholder?: string) {
  return (
    <Form.Item label={label} name="note" htmlFor={id} rules={[rule]}>
      <Input.TextArea id={id} rows={3} maxLength={500} showCount placeholder={placeholder} />
    </Form.Item>
  );
}

const photosItem = (
  <Form.Item
    label="现场照片"
    name="photos"
    valuePropName="fileList"
    getValueFromEvent={photoFilesOf}
    rules={[photosRule]}
    extra="JPG、PNG或WebP，每张不超过5MB，最多9张"
  >
    <PhotoUpload />
  </Form.Item>
);

/** 维修人员: the station's technicians (and county-wide ones) once a station is chosen; optional. */
function TechnicianSelect({ id, value, onChange }: { id?: string; value?: number; onChange?: (v?: number) => void }) {
  const form = Form.useFormInstance<Values>();
  const stationId = Form.useWatch("stationId", form);
  const technicians = useTechnicians(stationId, stationId !== undefined);
  const items = technicians.data ?? [];
  // another station chosen: a technician who is not among its people is dropped
  useEffect(() => {
    if (value !== undefined && technicians.data && !technicians.data.some((t) => t.id === value)) onChange?.(undefined);
  }, [technicians.data, value, onChange]);
  return (
    <Select<number>
      id={id}
      allowClear
      showSearch={{ optionFilterProp: "label" }}
      disabled={stationId === undefined}
      placeholder={
        stationId === undefined
          ? "请先选择换热站"
          : technicians.isError
            ? "维修人员列表加载失败"
            : technicians.data && items.length === 0
              ? "该换热站暂无维修人员"
              : "选填：指派到人后出现在其“我的工单”中"
      }
      loading={technicians.isFetching}
      status={technicians.isError ? "error" : undefined}
      value={value}
      onChange={(v) => onChange?.(v ?? undefined)}
      options={items.map((t) => ({
        value: t.id,
        label: t.stationId === null ? `${t.displayName}（全县）` : t.displayName,
      }))}
    />
  );
}

function StationSelect({ id, value, onChange }: { id?: string; value?: number; onChange?: (v: number) => void }) {
  const stations = useStations();
  return (
    <Select<number>
      id={id}
      showSearch={{ optionFilterProp: "label" }}
      placeholder={stations.isError ? "换热站列表加载失败" : "请选择换热站"}
      loading={stations.isPending}
      status={stations.isError ? "error" : undefined}
      value={value}
      onChange={onChange}
      options={(stations.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
    />
  );
}

/** The fields of each step. Ids are stable for browser tests (#respond-note, #measure-temp, #resolve-note …). */
function fieldsOf(action: TicketAction, ticket: TicketDetailView): ReactNode {
  switch (action) {
    case "respond":
      return note(
        "respond-note",
        "联系情况",
        zodRule(RespondSchema.shape.note),
        "如：已电话联系居民，了解情况，约定今天下午上门",
      );
    case "dispatch":
      return (
        <>
          <Form.Item
            label="换热站"
            name="stationId"
            htmlFor="dispatch-station"
            rules={[{ required: true, message: "请选择换热站" }]}
          >
            <StationSelect id="dispatch-station" />
          </Form.Item>
          <Form.Item label="维修人员" name="technicianId" htmlFor="dispatch-technician">
            <TechnicianSelect id="dispatch-technician" />
          </Form.Item>
          <Form.Item label="维修班组" name="crew" htmlFor="dispatch-crew" rules={[zodRule(DispatchSchema.shape.crew)]}>
            <Input id="dispatch-crew" maxLength={40} placeholder="如：维修一班" />
          </Form.Item>
          {note("dispatch-note", "派单说明", zodRule(DispatchSchema.shape.note))}
        </>
      );
    case "on_site":
      return note("on-site-note", "到场说明", zodRule(OnSiteSchema.shape.note));
    case "measure":
      return (
        <>
          <Form.Item
            label="室内温度（℃）"
            name="temp"
            htmlFor="measure-temp"
            rules={[tempRule({ required: true })]}
            extra="保留一位小数，如 16.5"
          >
            <Input id="measure-temp" inputMode="decimal" autoComplete="off" suffix="℃" style={{ width: 160 }} />
          </Form.Item>
          <Form.Item
            label="室外温度（℃）"
            name="outdoorTemp"
            htmlFor="measure-outdoor-temp"
            rules={[tempRule({ range: "outdoor" })]}
          >
            <Input
              id="measure-outdoor-temp"
              inputMode="decimal"
              autoComplete="off"
              suffix="℃"
              style={{ width: 160 }}
              placeholder="选填"
            />
          </Form.Item>
          <Form.Item
            label="测温方式"
            name="method"
            htmlFor="measure-method"
            rules={[{ required: true, message: "请选择测温方式" }]}
          >
            <Select id="measure-method" options={methodOptions} />
          </Form.Item>
          {photosItem}
          {note("measure-note", "备注", zodRule(MeasureSchema.shape.note))}
        </>
      );
    case "pause":
      return (
        <Form.Item label="暂停原因" name="reason" htmlFor="pause-reason" rules={[zodRule(PauseSchema.shape.reason)]}>
          <Input.TextArea
            id="pause-reason"
            rows={3}
            maxLength={200}
            showCount
            placeholder="如：居民不在家，约定明天上午入户"
          />
        </Form.Item>
      );
    case "resume":
      return note("resume-note", "说明", zodRule(ResumeSchema.shape.note));
    case "resolve":
      return (
        <>
          {note("resolve-note", "处理结果", zodRule(ResolveSchema.shape.note), "如：排气后室温恢复至20.5℃")}
          {photosItem}
        </>
      );
    case "follow_up":
      return <FollowUpFields missed={ticket.followUpMissed} />;
    case "grade":
      return (
        <>
          <Form.Item label="事故等级" name="grade" htmlFor="grade-grade" rules={[{ required: true }]}>
            <Select id="grade-grade" options={gradeOptions} />
          </Form.Item>
          <Form.Item
            label="调整原因"
            name="reason"
            htmlFor="grade-reason"
            rules={[minText(2, "请填写调整原因（至少2个字）", 200)]}
          >
            <Input.TextArea id="grade-reason" rows={3} maxLength={200} showCount />
          </Form.Item>
        </>
      );
    case "link":
      return (
        <Form.Item
          label="主工单（工单号或ID）"
          name="incidentTicketId"
          htmlFor="link-ticket"
          extra="同一事件的工单合并到主工单下，便于统一处理"
          rules={[
            {
              validator: async (_r, v: string | undefined) => {
                const t = (v ?? "").trim();
                if (!t) throw new Error("请填写主工单的工单号");
                if (t === ticket.ticketNo || t === String(ticket.id)) throw new Error("不能合并到本工单自身");
              },
            },
          ]}
        >
          <Input id="link-ticket" autoComplete="off" placeholder="如 GD20260110000001" style={{ width: 240 }} />
        </Form.Item>
      );
    case "note":
      return note("note-text", "备注", minText(1, "请填写备注"));
  }
}

/** The id of the lead ticket: digits are an id as typed; a 工单号 is looked up (null when there is none). */
async function leadTicketId(text: string): Promise<number | null> {
  const t = text.trim();
  if (/^\d{1,9}$/.test(t)) return Number(t);
  const found = await searchTickets({ q: t, page: 1, pageSize: 5 });
  return found.items.find((x) => x.ticketNo === t)?.id ?? null;
}

function initialOf(action: TicketAction, t: TicketDetailView): Values {
  switch (action) {
    case "dispatch":
      return { stationId: t.stationId ?? undefined };
    case "measure":
      return { method: "thermometer", photos: [] };
    case "resolve":
      return { photos: [] };
    case "grade":
      return { grade: t.grade };
    case "link":
      return { incidentTicketId: t.incidentId && t.incidentId !== t.id ? String(t.incidentId) : "" };
    default:
      return {};
  }
}

interface Props {
  ticket: TicketDetailView;
  /** the step to take; null = closed */
  action: TicketAction | null;
  onClose: () => void;
  /** opens another step instead (处理完成 refused for a cold room → 入户测温) */
  onSwitch?: (action: TicketAction) => void;
}

/**
 * 处理完成 of a cold-room ticket without proof that the room is warm again: why it cannot be done yet, and the
 * way forward (record a reading; or the resident confirms 已恢复正常 in the app).
 */
function ColdRoomNotice({ reason, onMeasure }: { reason: string; onMeasure?: () => void }) {
  return (
    <Alert
      type="warning"
      showIcon
      className="cold-room-notice"
      role="alert"
      style={{ marginBottom: 16 }}
      title="室温尚未确认达标，暂不能处理完成"
      description={
        <>
          <div>{reason}</div>
          {onMeasure && (
            <Button
              size="small"
              type="primary"
              style={{ marginTop: 8 }}
              className="cold-room-measure"
              onClick={onMeasure}
            >
              录入测温
            </Button>
          )}
        </>
      }
    />
  );
}

/**
 * One dialog for every step on a ticket. The server answers the ticket as it is now (kept as the page's data);
 * a refusal (409 TICKET_BAD_STATE: someone else moved it meanwhile, validation) is shown in the dialog.
 */
export function TicketActionModal({ ticket, action, onClose, onSwitch }: Props) {
  return action ? (
    <ActionDialog key={action} ticket={ticket} action={action} onClose={onClose} onSwitch={onSwitch} />
  ) : null;
}

function ActionDialog({ ticket, action, onClose, onSwitch }: Props & { action: TicketAction }) {
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const step = useTicketAction(ticket.id);
  const label = TICKET_ACTION_LABELS[action];
  const notWarm = action === "resolve" && ticket.resolveCheck?.met === false ? ticket.resolveCheck.reason : null;
  const refusedNotWarm = isApiError(step.error) && step.error.code === "TICKET_ROOM_NOT_WARM";
  const toMeasure =
    onSwitch && ticket.actions.includes("measure")
      ? () => {
          step.reset();
          onSwitch("measure");
        }
      : undefined;

  const submit = async () => {
    const v = await form.validateFields();
    if (action === "link") {
      let id: number | null;
      try {
        id = await leadTicketId(v.incidentTicketId ?? "");
      } catch (e) {
        form.setFields([{ name: "incidentTicketId", errors: [messageOf(e)] }]);
        return;
      }
      if (id === null || id === ticket.id) {
        const error = id === null ? "未找到该工单号" : "不能合并到本工单自身";
        form.setFields([{ name: "incidentTicketId", errors: [error] }]);
        return;
      }
      v.incidentTicketId = String(id);
    }
    await step.mutateAsync({ action, input: inputOf(action, v) });
    step.reset();
    message.success(`${label}：已保存`);
    onClose();
  };

  return (
    <Modal
      open
      className={`ticket-action-modal ticket-action-${action}`}
      title={`${label} · ${ticket.ticketNo}`}
      okText="确定"
      cancelText="取消"
      confirmLoading={step.isPending}
      okButtonProps={{ disabled: notWarm !== null }}
      onOk={() => submit().catch(() => undefined)}
      onCancel={() => {
        step.reset();
        onClose();
      }}
      width={action === "measure" || action === "resolve" ? 620 : 520}
    >
      {notWarm !== null && <ColdRoomNotice reason={notWarm ?? ""} onMeasure={toMeasure} />}
      {step.isError &&
        (refusedNotWarm ? (
          <ColdRoomNotice reason={messageOf(step.error)} onMeasure={toMeasure} />
        ) : (
          <Alert type="error" showIcon role="alert" title={messageOf(step.error)} style={{ marginBottom: 16 }} />
        ))}
      <Form
        form={form}
        name={`ticket-${action}`}
        layout="vertical"
        initialValues={initialOf(action, ticket)}
        // a refusal is about what was sent: it goes once the form is edited
        onValuesChange={() => step.isError && step.reset()}
      >
        {fieldsOf(action, ticket)}
      </Form>
    </Modal>
  );
}

import {
  TEMP_METHOD_LABELS,
  TEMP_METHODS,
  type TempMethod,
  VISIT_KIND_LABELS,
  VISIT_KINDS,
  VISIT_OUTCOME_LABELS,
  VISIT_OUTCOMES,
  VISIT_POLICY_ITEMS,
  VISIT_POLICY_LABELS,
  VISIT_POSITION_LABELS,
  VISIT_POSITIONS,
  type VisitKind,
  type VisitOutcome,
  type VisitPolicyItem,
  type VisitPosition,
  type VisitView,
  visitIssues,
} from "@warmline/shared";
import { Alert, Button, Checkbox, Drawer, Input, InputNumber, Modal, Radio, Select, Space, Typography } from "antd";
import { useState } from "react";
import { messageOf } from "../api/api";
import { type CorrectVisitBody, correctVisit, type RecordVisitResult } from "../api/visits";
import { formatDateTime } from "../format";
import { usePhone } from "../layout/usePhone";

const MET: readonly VisitOutcome[] = ["met_owner", "met_family"];
const WITH_REASON: readonly VisitPosition[] = ["disputes_quality", "refuses", "other", "hardship"];

interface Fields {
  kind: VisitKind;
  outcome: VisitOutcome;
  tempC: number | null;
  tempMethod: TempMethod;
  faultsFound: string;
  faultsFixed: string;
  policyExplained: VisitPolicyItem[];
  position: VisitPosition | null;
  promisedDate: string;
  positionReason: string;
  notes: string;
  reason: string;
}

/** The form starts from the record being corrected. */
export function fieldsOf(v: VisitView): Fields {
  return {
    kind: v.kind,
    outcome: v.outcome,
    tempC: v.indoorTempC10 === null ? null : v.indoorTempC10 / 10,
    tempMethod: v.tempMethod ?? "thermometer",
    faultsFound: v.faultsFound ?? "",
    faultsFixed: v.faultsFixed ?? "",
    policyExplained: [...v.policyExplained],
    position: v.position?.kind ?? null,
    promisedDate: v.position?.promisedDate ?? "",
    positionReason: v.position?.reason ?? "",
    notes: v.notes ?? "",
    reason: "",
  };
}

/** What the correction sends: the edited fields, the original times, photos and signature named again. */
export function correctionBody(v: VisitView, f: Fields): CorrectVisitBody {
  const met = MET.includes(f.outcome);
  const temp = met && f.tempC !== null ? Math.round(f.tempC * 10) : null;
  const position = met && f.position ? f.position : null;
  return {
    coVisitorId: v.visitors[1]?.id ?? null,
    startedAt: v.startedAt,
    endedAt: v.endedAt,
    kind: f.kind,
    outcome: f.outcome,
    indoorTempC10: temp,
    tempMethod: temp === null ? null : f.tempMethod,
    tempPhotoId: v.photos.find((p) => p.role === "temperature")?.id ?? null,
    faultsFound: f.faultsFound.trim() || null,
    faultsFixed: f.faultsFixed.trim() || null,
    policyExplained: f.policyExplained,
    position: position
      ? {
          kind: position,
          promisedDate: position === "promised" ? f.promisedDate || null : null,
          reason: WITH_REASON.includes(position) ? f.positionReason.trim() || null : null,
        }
      : null,
    notes: f.notes.trim() || null,
    photoIds: v.photos.filter((p) => p.role === "photo").map((p) => p.id),
    signaturePhotoId: v.photos.find((p) => p.role === "signature")?.id ?? null,
    location: v.location,
    reason: f.reason.trim(),
  };
}

interface Props {
  visit: VisitView | null;
  onClose: () => void;
  onSaved: (result: RecordVisitResult) => void;
}

/**
 * 更正走访记录: the form pre-filled from the record; saving adds a correction (with its reason) that replaces
 * it — the original stays in the account's 走访记录, marked 已更正. Times, photos and the signature are kept.
 */
export function VisitCorrectionModal({ visit, onClose, onSaved }: Props) {
  const phone = usePhone();
  const title = visit ? `更正走访记录 #${visit.id}` : "更正走访记录";
  const body = visit && <CorrectionForm key={visit.id} visit={visit} onClose={onClose} onSaved={onSaved} />;
  // on a phone the form takes the whole screen, like the visit form it corrects
  if (phone)
    return (
      <Drawer
        open={!!visit}
        title={title}
        onClose={onClose}
        placement="bottom"
        height="100%"
        destroyOnHidden
        className="visit-correction-modal"
      >
        {body}
      </Drawer>
    );
  return (
    <Modal
      open={!!visit}
      title={title}
      onCancel={onClose}
      footer={null}
      destroyOnHidden
      width={640}
      className="visit-correction-modal"
    >
      {body}
    </Modal>
  );
}

function CorrectionForm({
  visit,
  onClose,
  onSaved,
}: {
  visit: VisitView;
  onClose: () => void;
  onSaved: Props["onSaved"];
}) {
  const [f, setF] = useState<Fields>(() => fieldsOf(visit));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const set = (patch: Partial<Fields>) => setF((x) => ({ ...x, ...patch }));
  const met = MET.includes(f.outcome);

  const save = async () => {
    const body = correctionBody(visit, f);
    if (body.reason.length < 2) {
      setError("请填写更正原因（至少2个字）");
      return;
    }
    const issues = visitIssues(
      {
        startedAt: new Date(body.startedAt),
        endedAt: new Date(body.endedAt),
        kind: body.kind,
        outcome: body.outcome,
        indoorTempC10: body.indoorTempC10 ?? null,
        tempMethod: body.tempMethod ?? null,
        position: body.position
          ? {
              kind: body.position.kind,
              promisedDate: body.position.promisedDate ?? null,
              reason: body.position.reason ?? undefined,
            }
          : null,
        photoCount: body.photoIds.length,
      },
      new Date(),
    );
    if (issues.length > 0) {
      setError(issues[0]?.message ?? null);
      return;
    }
    setSaving(true);
    setError(null);
    try {
      onSaved(await correctVisit(visit.id, body));
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="visit-correction-form">
      <Typography.Paragraph type="secondary">
        {formatDateTime(visit.startedAt)} · {visit.visitors.map((p) => p.name).join("、")}
        。更正会新增一条记录，原记录保留并标记为“已更正”。
      </Typography.Paragraph>
      <label className="visit-label" htmlFor="fix-kind">
        走访类型
      </label>
      <Select
        id="fix-kind"
        value={f.kind}
        onChange={(kind) => set({ kind })}
        options={VISIT_KINDS.map((k) => ({ value: k, label: VISIT_KIND_LABELS[k] }))}
        style={{ width: "100%" }}
      />
      <div className="visit-label">走访结果</div>
      <Radio.Group
        value={f.outcome}
        onChange={(e) => set({ outcome: e.target.value })}
        options={VISIT_OUTCOMES.map((o) => ({ value: o, label: VISIT_OUTCOME_LABELS[o] }))}
      />
      {met && (
        <>
          <label className="visit-label" htmlFor="fix-temp">
            室内温度（℃）
          </label>
          <Space.Compact style={{ width: "100%" }}>
            <InputNumber
              id="fix-temp"
              inputMode="decimal"
              step={0.1}
              min={-40}
              max={40}
              value={f.tempC}
              onChange={(v) => set({ tempC: v === null ? null : Number(v) })}
              style={{ width: "50%" }}
            />
            <Select
              aria-label="测温方式"
              value={f.tempMethod}
              onChange={(tempMethod) => set({ tempMethod })}
              options={TEMP_METHODS.map((m) => ({ value: m, label: TEMP_METHOD_LABELS[m] }))}
              style={{ width: "50%" }}
            />
          </Space.Compact>
          <div className="visit-label">发现的问题 / 处理情况</div>
          <Input.TextArea
            rows={2}
            aria-label="发现的问题"
            value={f.faultsFound}
            onChange={(e) => set({ faultsFound: e.target.value })}
            maxLength={1000}
          />
          <Input.TextArea
            rows={2}
            aria-label="处理情况"
            value={f.faultsFixed}
            onChange={(e) => set({ faultsFixed: e.target.value })}
            maxLength={1000}
            style={{ marginTop: 6 }}
          />
          <div className="visit-label">政策宣讲</div>
          <Checkbox.Group
            value={f.policyExplained}
            onChange={(v) => set({ policyExplained: v as VisitPolicyItem[] })}
            options={VISIT_POLICY_ITEMS.map((p) => ({ value: p, label: VISIT_POLICY_LABELS[p] }))}
          />
          <label className="visit-label" htmlFor="fix-position">
            住户态度
          </label>
          <Select
            id="fix-position"
            allowClear
            value={f.position ?? undefined}
            onChange={(position) => set({ position: position ?? null })}
            options={VISIT_POSITIONS.map((p) => ({ value: p, label: VISIT_POSITION_LABELS[p] }))}
            placeholder="选择住户的缴费态度"
            style={{ width: "100%" }}
          />
          {f.position === "promised" && (
            <Input
              type="date"
              aria-label="承诺缴费日期"
              value={f.promisedDate}
              onChange={(e) => set({ promisedDate: e.target.value })}
              style={{ marginTop: 6 }}
            />
          )}
          {f.position && WITH_REASON.includes(f.position) && (
            <Input.TextArea
              rows={2}
              aria-label="住户的具体说法"
              value={f.positionReason}
              onChange={(e) => set({ positionReason: e.target.value })}
              maxLength={500}
              style={{ marginTop: 6 }}
            />
          )}
        </>
      )}
      <label className="visit-label" htmlFor="fix-notes">
        备注
      </label>
      <Input.TextArea
        id="fix-notes"
        rows={2}
        value={f.notes}
        onChange={(e) => set({ notes: e.target.value })}
        maxLength={1000}
      />
      <label className="visit-label" htmlFor="fix-reason">
        更正原因（必填）
      </label>
      <Input.TextArea
        id="fix-reason"
        rows={2}
        value={f.reason}
        onChange={(e) => set({ reason: e.target.value })}
        maxLength={200}
        placeholder="如：温度读数记错，应为21.5℃"
      />
      {error && <Alert type="error" showIcon message={error} style={{ marginTop: 12 }} data-testid="fix-error" />}
      <Space style={{ marginTop: 16, width: "100%", justifyContent: "flex-end" }}>
        <Button onClick={onClose}>取消</Button>
        <Button type="primary" loading={saving} onClick={() => void save()}>
          保存更正
        </Button>
      </Space>
    </div>
  );
}

import { CameraOutlined, CloudUploadOutlined, EnvironmentOutlined, ReloadOutlined } from "@ant-design/icons";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import {
  TEMP_METHOD_LABELS,
  TEMP_METHODS,
  VISIT_KIND_LABELS,
  VISIT_KINDS,
  VISIT_LIMITS,
  VISIT_OUTCOME_LABELS,
  VISIT_OUTCOMES,
  VISIT_POLICY_ITEMS,
  VISIT_POLICY_LABELS,
  VISIT_POSITION_LABELS,
  VISIT_POSITIONS,
  type TempMethod,
  type VisitKind,
  type VisitOutcome,
  type VisitPosition,
  visitIssues,
} from "@warmline/shared";
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Drawer,
  Empty,
  Input,
  InputNumber,
  Radio,
  Select,
  Skeleton,
  Space,
  Tag,
  Typography,
} from "antd";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link } from "react-router";
import { messageOf } from "../api/api";
import { getTodayList, recordVisit, type TodayItem, uploadVisitPhoto } from "../api/visits";
import { useAuth } from "../auth/AuthContext";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { SignaturePad } from "../components/SignaturePad";
import {
  allDrafts,
  blobToDataUrl,
  dataUrlToBlob,
  dropDraft,
  isOffline,
  loadDraft,
  newClientKey,
  resizeImage,
  saveDraft,
  type VisitDraft,
} from "../visitDraft";
import "./visits.css";

const MET = ["met_owner", "met_family"];

function freshDraft(accountId: number, kind: string): VisitDraft {
  return {
    accountId,
    clientKey: newClientKey(),
    startedAt: new Date().toISOString(),
    kind,
    outcome: "met_owner",
    tempC: null,
    tempMethod: "thermometer",
    policyExplained: [],
    position: null,
    photos: [],
    location: null,
    savedAt: new Date().toISOString(),
  };
}

function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    window.addEventListener("online", on);
    window.addEventListener("offline", off);
    return () => {
      window.removeEventListener("online", on);
      window.removeEventListener("offline", off);
    };
  }, []);
  return online;
}

/** Sends a draft: the photos still on the phone first, then the visit (clientKey: a retry records it once). */
async function submitDraft(d: VisitDraft) {
  const photos = [];
  for (const p of d.photos) {
    if (p.id !== undefined) photos.push(p);
    else if (p.dataUrl) {
      const stored = await uploadVisitPhoto(await dataUrlToBlob(p.dataUrl), "photo.jpg");
      photos.push({ id: stored.id, preview: p.preview });
    }
  }
  d.photos = photos;
  const met = MET.includes(d.outcome);
  // the resident's signature (only when someone was met): uploaded as a PNG, sent as signaturePhotoId
  let signaturePhotoId: number | null = null;
  if (met && d.signature) {
    signaturePhotoId =
      d.signature.id ?? (await uploadVisitPhoto(await dataUrlToBlob(d.signature.dataUrl), "signature.png")).id;
    d.signature = { ...d.signature, id: signaturePhotoId };
  }
  const position = met && d.position ? d.position : null;
  return recordVisit({
    accountId: d.accountId,
    clientKey: d.clientKey,
    startedAt: d.startedAt,
    endedAt: new Date().toISOString(),
    kind: d.kind as never,
    outcome: d.outcome as never,
    indoorTempC10: met && d.tempC !== null && d.tempC !== undefined ? Math.round(d.tempC * 10) : null,
    tempMethod: met && d.tempC !== null && d.tempC !== undefined ? (d.tempMethod as never) : null,
    faultsFound: d.faultsFound || null,
    faultsFixed: d.faultsFixed || null,
    policyExplained: d.policyExplained as never,
    position: position
      ? {
          kind: position as never,
          promisedDate: position === "promised" ? d.promisedDate || null : null,
          reason: d.reason || null,
        }
      : null,
    notes: d.notes || null,
    photoIds: photos.map((p) => p.id as number),
    signaturePhotoId,
    location: d.location ?? null,
  });
}

function VisitForm({
  item,
  staffId,
  online,
  onDone,
}: {
  item: TodayItem;
  staffId: number;
  online: boolean;
  onDone: (message: string) => void;
}) {
  const { message, modal } = App.useApp();
  const [draft, setDraft] = useState<VisitDraft>(
    () =>
      loadDraft(staffId, item.accountId) ??
      freshDraft(item.accountId, item.priority === "unpaid" ? "collection" : "care"),
  );
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const update = useCallback(
    (patch: Partial<VisitDraft>) =>
      setDraft((d) => {
        const next = { ...d, ...patch };
        saveDraft(staffId, next);
        return next;
      }),
    [staffId],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once, when the form opens
  useEffect(() => {
    saveDraft(staffId, draft);
    if (!draft.location && navigator.geolocation) {
      navigator.geolocation.getCurrentPosition(
        (p) =>
          update({
            location: { lat: p.coords.latitude, lng: p.coords.longitude, accuracyM: p.coords.accuracy ?? null },
          }),
        () => {},
        { timeout: 8000, maximumAge: 60_000 },
      );
    }
  }, []);

  const addPhotos = async (files: FileList | null) => {
    if (!files) return;
    for (const f of Array.from(files)) {
      if (draft.photos.length >= VISIT_LIMITS.maxPhotos) {
        message.warning("每次走访最多6张照片");
        break;
      }
      try {
        const small = await resizeImage(f);
        const preview = await blobToDataUrl(small);
        let photo: VisitDraft["photos"][number] = { dataUrl: preview, preview };
        if (navigator.onLine) {
          try {
            const stored = await uploadVisitPhoto(small, "photo.jpg");
            photo = { id: stored.id, preview };
          } catch (e) {
            if (!isOffline(e)) throw e;
          }
        }
        setDraft((d) => {
          const next = { ...d, photos: [...d.photos, photo] };
          saveDraft(staffId, next);
          return next;
        });
      } catch (e) {
        message.error(messageOf(e));
      }
    }
  };

  const save = async () => {
    // the server's rules, checked here first: a draft the server would refuse is not left waiting
    const met = MET.includes(draft.outcome);
    const issues = visitIssues(
      {
        startedAt: new Date(draft.startedAt),
        endedAt: new Date(),
        kind: draft.kind as VisitKind,
        outcome: draft.outcome as VisitOutcome,
        indoorTempC10: met && draft.tempC != null ? Math.round(draft.tempC * 10) : null,
        tempMethod: (draft.tempMethod as TempMethod | null) ?? null,
        position:
          met && draft.position
            ? { kind: draft.position as VisitPosition, promisedDate: draft.promisedDate || null, reason: draft.reason }
            : null,
        photoCount: draft.photos.length,
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
      const res = await submitDraft({ ...draft, photos: [...draft.photos] });
      dropDraft(staffId, item.accountId);
      const notes = res.visit.effects.map((e) => e.label);
      if (res.hardshipOffer) {
        modal.info({ title: "经济困难", content: `${res.hardshipOffer.message}（在账户页“困难申请”中办理）` });
      }
      onDone(["走访记录已保存", ...notes].join("；"));
    } catch (e) {
      if (isOffline(e)) {
        update({ pending: true });
        setError("网络不可用：走访内容已保存在本机草稿中，恢复网络后点“提交草稿”即可，不会重复登记。");
      } else {
        setError(messageOf(e));
      }
    } finally {
      setSaving(false);
    }
  };

  const met = MET.includes(draft.outcome);
  return (
    <div className="visit-form" data-account={item.accountId}>
      <div className="visit-form-who">
        <Typography.Text strong>{item.ownerName}</Typography.Text>{" "}
        <Typography.Text type="secondary">{item.accountNo}</Typography.Text>{" "}
        <Link to={`/accounts/${item.accountId}`} className="visit-history-link">
          以往走访/更正
        </Link>
        <div className="visit-address">
          <EnvironmentOutlined /> {item.address}
        </div>
        {item.task && (
          <Alert type="warning" showIcon message={`走访任务：${item.task.reason}`} style={{ marginTop: 8 }} />
        )}
      </div>
      {draft.pending && <Alert type="info" showIcon message="这是一份待提交的草稿" style={{ marginBottom: 8 }} />}
      {!online && (
        <Alert type="warning" showIcon message="当前离线：填写内容会自动保存在本机" style={{ marginBottom: 8 }} />
      )}

      <label className="visit-label" htmlFor="visit-kind">
        走访类型
      </label>
      <Select
        id="visit-kind"
        value={draft.kind}
        onChange={(kind) => update({ kind })}
        options={VISIT_KINDS.map((k) => ({ value: k, label: VISIT_KIND_LABELS[k] }))}
        style={{ width: "100%" }}
      />
      <div className="visit-label">走访结果</div>
      <Radio.Group
        value={draft.outcome}
        onChange={(e) => update({ outcome: e.target.value })}
        optionType="button"
        buttonStyle="solid"
        className="visit-outcomes"
        options={VISIT_OUTCOMES.map((o) => ({ value: o, label: VISIT_OUTCOME_LABELS[o] }))}
      />
      {met && (
        <>
          <div className="visit-label">室内温度（℃）</div>
          <Space.Compact style={{ width: "100%" }}>
            <InputNumber
              id="visit-temp"
              inputMode="decimal"
              step={0.1}
              min={-40}
              max={40}
              value={draft.tempC ?? null}
              onChange={(v) => update({ tempC: v === null ? null : Number(v) })}
              placeholder="如 19.5"
              style={{ width: "50%" }}
            />
            <Select
              value={draft.tempMethod ?? "thermometer"}
              onChange={(tempMethod) => update({ tempMethod })}
              options={TEMP_METHODS.map((m) => ({ value: m, label: TEMP_METHOD_LABELS[m] }))}
              style={{ width: "50%" }}
            />
          </Space.Compact>
          <div className="visit-label">发现的问题 / 处理情况</div>
          <Input.TextArea
            rows={2}
            value={draft.faultsFound}
            onChange={(e) => update({ faultsFound: e.target.value })}
            placeholder="发现的问题（如暖气片不热、阀门未开）"
            maxLength={1000}
          />
          <Input.TextArea
            rows={2}
            value={draft.faultsFixed}
            onChange={(e) => update({ faultsFixed: e.target.value })}
            placeholder="现场处理情况"
            maxLength={1000}
            style={{ marginTop: 6 }}
          />
          <div className="visit-label">政策宣讲</div>
          <Checkbox.Group
            value={draft.policyExplained}
            onChange={(v) => update({ policyExplained: v as string[] })}
            options={VISIT_POLICY_ITEMS.map((p) => ({ value: p, label: VISIT_POLICY_LABELS[p] }))}
          />
          <div className="visit-label">住户态度{draft.kind === "collection" ? "（必填）" : ""}</div>
          <Select
            id="visit-position"
            allowClear
            value={draft.position ?? undefined}
            onChange={(position) => update({ position: position ?? null })}
            options={VISIT_POSITIONS.map((p) => ({ value: p, label: VISIT_POSITION_LABELS[p] }))}
            placeholder="选择住户的缴费态度"
            style={{ width: "100%" }}
          />
          {draft.position === "promised" && (
            <Input
              type="date"
              aria-label="承诺缴费日期"
              value={draft.promisedDate ?? ""}
              onChange={(e) => update({ promisedDate: e.target.value })}
              style={{ marginTop: 6 }}
            />
          )}
          {(draft.position === "disputes_quality" ||
            draft.position === "refuses" ||
            draft.position === "other" ||
            draft.position === "hardship") && (
            <Input.TextArea
              rows={2}
              value={draft.reason}
              onChange={(e) => update({ reason: e.target.value })}
              placeholder="住户的具体说法"
              maxLength={500}
              style={{ marginTop: 6 }}
            />
          )}
        </>
      )}
      <div className="visit-label">备注</div>
      <Input.TextArea
        rows={2}
        value={draft.notes}
        onChange={(e) => update({ notes: e.target.value })}
        maxLength={1000}
      />

      <div className="visit-label">现场照片（{draft.photos.length}/6）</div>
      <div className="visit-photos">
        {draft.photos.map((p, i) => (
          <div key={p.id ?? p.preview.slice(-40)} className="visit-photo">
            <img src={p.preview} alt={`照片${i + 1}`} />
            {p.id === undefined && <Tag color="orange">未上传</Tag>}
          </div>
        ))}
        {draft.photos.length < VISIT_LIMITS.maxPhotos && (
          <Button icon={<CameraOutlined />} onClick={() => fileRef.current?.click()} className="visit-photo-add">
            拍照
          </Button>
        )}
        <input
          ref={fileRef}
          type="file"
          accept="image/*"
          capture="environment"
          multiple
          hidden
          data-testid="visit-photo-input"
          onChange={(e) => {
            void addPhotos(e.target.files);
            e.target.value = "";
          }}
        />
      </div>
      {met && (
        <>
          <div className="visit-label">住户签名（可选）</div>
          <SignaturePad
            value={draft.signature?.dataUrl ?? null}
            onChange={(png) => update({ signature: png ? { dataUrl: png } : null })}
          />
        </>
      )}
      {draft.location && (
        <Typography.Text type="secondary" className="visit-location">
          <EnvironmentOutlined /> 已获取位置（±{Math.round(draft.location.accuracyM ?? 0)}米）
        </Typography.Text>
      )}
      {error && <Alert type="error" showIcon message={error} style={{ marginTop: 12 }} data-testid="visit-error" />}
      <Button type="primary" block size="large" loading={saving} onClick={() => void save()} className="visit-save">
        {draft.pending ? "提交草稿" : "保存走访记录"}
      </Button>
    </div>
  );
}

/**
 * 入户走访 (phone page for grid workers and technicians): today's list sorted by community and building, tap a
 * household to record the visit with photos taken on the phone (resized before upload); what is typed is kept in
 * a local draft, so a dropped connection loses nothing and the saved draft is sent once it is back.
 */
export function VisitsPage() {
  const { staff } = useAuth();
  const staffId = staff?.id ?? 0;
  const online = useOnline();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const list = useQuery({
    queryKey: ["visits", "today"],
    queryFn: ({ signal }) => getTodayList(signal),
    staleTime: 30_000,
  });
  const [open, setOpen] = useState<TodayItem | null>(null);
  const [drafts, setDrafts] = useState(() => allDrafts(staffId));
  const refreshDrafts = useCallback(() => setDrafts(allDrafts(staffId)), [staffId]);
  const pending = drafts.filter((d) => d.pending);
  const [sending, setSending] = useState(false);

  const sendPending = useCallback(async () => {
    setSending(true);
    let sent = 0;
    for (const d of allDrafts(staffId).filter((x) => x.pending)) {
      try {
        await submitDraft(d);
        dropDraft(staffId, d.accountId);
        sent++;
      } catch (e) {
        if (!isOffline(e)) message.error(messageOf(e));
        break;
      }
    }
    setSending(false);
    refreshDrafts();
    if (sent) {
      message.success(`已提交${sent}条草稿`);
      void qc.invalidateQueries({ queryKey: ["visits", "today"] });
    }
  }, [staffId, message, qc, refreshDrafts]);

  const groups = useMemo(() => {
    const out: { name: string; items: TodayItem[] }[] = [];
    for (const it of list.data?.items ?? []) {
      const last = out[out.length - 1];
      if (last && last.name === it.communityName) last.items.push(it);
      else out.push({ name: it.communityName, items: [it] });
    }
    return out;
  }, [list.data]);

  const done = list.data?.items.filter((i) => i.doneThisMonth >= i.target).length ?? 0;
  return (
    <div className="visits-page">
      <Card
        size="small"
        title={`今日走访 ${list.data?.date ?? ""}`}
        extra={
          <Button size="small" icon={<ReloadOutlined />} loading={list.isFetching} onClick={() => void list.refetch()}>
            刷新
          </Button>
        }
      >
        {!online && <Alert type="warning" showIcon message="当前离线：可继续填写，草稿保存在本机" />}
        {pending.length > 0 && (
          <Alert
            type="info"
            showIcon
            style={{ marginTop: online ? 0 : 8 }}
            message={`有${pending.length}条走访草稿待提交`}
            action={
              <Button
                size="small"
                type="primary"
                icon={<CloudUploadOutlined />}
                loading={sending}
                disabled={!online}
                onClick={() => void sendPending()}
              >
                提交草稿
              </Button>
            }
          />
        )}
        {list.data && (
          <Typography.Text type="secondary" className="visits-summary">
            本月计划 {list.data.items.length} 户，已完成 {done} 户（每户每月2次）
          </Typography.Text>
        )}
      </Card>
      {list.isError && <QueryErrorAlert error={list.error} onRetry={() => void list.refetch()} />}
      {list.isPending && <Skeleton active paragraph={{ rows: 6 }} />}
      {list.data && list.data.items.length === 0 && <Empty description="今天没有需要走访的住户" />}
      {groups.map((g) => (
        <section key={g.name} className="visits-group">
          <Typography.Title level={5} className="visits-group-title">
            {g.name}（{g.items.length}户）
          </Typography.Title>
          {g.items.map((it) => {
            const draft = drafts.find((d) => d.accountId === it.accountId);
            return (
              <Card
                key={it.accountId}
                size="small"
                hoverable
                className="visit-card"
                data-account-no={it.accountNo}
                onClick={() => setOpen(it)}
              >
                <div className="visit-card-head">
                  <Typography.Text strong>
                    {[it.buildingName, it.unit && (it.unit.endsWith("单元") ? it.unit : `${it.unit}单元`), it.room]
                      .filter(Boolean)
                      .join(" ")}{" "}
                    · {it.ownerName}
                  </Typography.Text>
                  <Tag color={it.priority === "unpaid" ? "red" : it.priority === "special" ? "purple" : "default"}>
                    {it.priorityLabel}
                  </Tag>
                </div>
                <div className="visit-address">{it.address}</div>
                <div className="visit-card-foot">
                  <span>
                    本月 {it.doneThisMonth}/{it.target} 次
                  </span>
                  {it.visitedToday && <Tag color="green">今日已走访</Tag>}
                  {it.lastPosition && <Tag>{it.lastPosition}</Tag>}
                  {it.task && <Tag color="orange">走访任务</Tag>}
                  {draft && (
                    <Tag color={draft.pending ? "blue" : "gold"}>{draft.pending ? "草稿待提交" : "有草稿"}</Tag>
                  )}
                </div>
              </Card>
            );
          })}
        </section>
      ))}
      <Drawer
        open={!!open}
        onClose={() => {
          setOpen(null);
          refreshDrafts();
        }}
        placement="bottom"
        height="100%"
        title="登记入户走访"
        destroyOnClose
        className="visit-drawer"
      >
        {open && (
          <VisitForm
            key={open.accountId}
            item={open}
            staffId={staffId}
            online={online}
            onDone={(msg) => {
              message.success(msg);
              setOpen(null);
              refreshDrafts();
              void qc.invalidateQueries({ queryKey: ["visits", "today"] });
            }}
          />
        )}
      </Drawer>
    </div>
  );
}

import { Button, Image, Input, Text, Textarea, View } from "@tarojs/components";
import Taro, { useLoad, useRouter, useUnload } from "@tarojs/taro";
import {
  type BillView,
  DEFERRAL_MONTHS,
  formatYuan,
  HARDSHIP_APP_CATEGORIES,
  HARDSHIP_APP_CATEGORY_LABELS,
  HARDSHIP_ATTACHMENT_LIMITS,
  type HardshipApplicationView,
  INSTALMENT_COUNTS,
  OPEN_HARDSHIP_APP_STATUSES,
} from "@warmline/shared";
import { useRef, useState } from "react";
import { inputIdProps } from "../../../components/inputId";
import { HOTLINE, PAGES } from "../../../constants";
import { listBills } from "../../../services/billing";
import { certificateFailure } from "../../../services/certificateFiles";
import { platformCertificates } from "../../../services/certificates";
import { describeError } from "../../../services/errors";
import { createHardshipApplication, listHardshipApplications } from "../../../services/hardship";
import { positiveId } from "../../../utils/params";
import { seasonTitle } from "../../bill/formula";
import {
  attachmentIdsOf,
  type CertificateItem,
  certificatesBlocking,
  emptyHardshipForm,
  type HardshipFieldErrors,
  type HardshipForm,
  hardshipFailure,
  NOTE_MAX,
  REASON_MAX,
  validateHardship,
} from "../form";
import "../hardship.scss";

const MAX_FILES = HARDSHIP_ATTACHMENT_LIMITS.maxPerApplication;
const range = (min: number, max: number) => Array.from({ length: max - min + 1 }, (_, i) => min + i);
let fileSeq = 0;

/** 申请须知: who may apply and what they get, in plain words. */
function Eligibility() {
  return (
    <View className="card hardship-eligibility">
      <View className="card-title">
        <Text>申请须知</Text>
      </View>
      <Text className="hardship-lead">
        困难不拒缴：家庭确有困难、一时缴不齐取暖费的，可以申请分期缴纳或缓缴。审核期间和按计划缴费期间，不会对您采取法律催缴。
      </Text>
      <Text className="hardship-point">
        · 谁可以申请：低保户、特困供养人员、残疾人家庭、行动不便或失能人员家庭，以及有其他困难（请写明情况）的家庭。
      </Text>
      <Text className="hardship-point">· 分期缴纳：欠费分2期或3期，一般每月一期，分期期间免收滞纳金。</Text>
      <Text className="hardship-point">· 缓缴：困难特别严重的，可以推迟缴费，最长3个月，缓缴期间不收滞纳金。</Text>
      <Text className="hardship-point">
        · 怎么审核：先由所在社区初审，再由供热中心复核，两步都通过后计划生效。每一步都会通知您。
      </Text>
      <Text className="hardship-point">
        · 需要准备：低保证、特困供养证或残疾证的照片（或PDF扫描件）；其他困难请写明情况，社区可能入户核实。
      </Text>
      <Text className="hardship-point">
        · 按期缴费：每期请在截止日前缴纳，逾期超过宽限期计划将失效，并从逾期之日起恢复计收滞纳金。
      </Text>
      <Text className="muted hardship-point">{`不方便在手机上办理的，可拨打供热服务热线 ${HOTLINE.display} 或请网格员上门代办。`}</Text>
    </View>
  );
}

function FileTile({ item, onRemove }: { item: CertificateItem; onRemove: () => void }) {
  return (
    <View className={`photo-tile photo-${item.state}`} data-state={item.state}>
      {item.picked.pdf ? (
        <View className="pdf-tile">
          <Text className="pdf-mark">PDF</Text>
          <Text className="pdf-name">{item.picked.name ?? "扫描件"}</Text>
        </View>
      ) : (
        <Image className="photo-image" src={item.picked.preview} mode="aspectFill" />
      )}
      {item.state === "uploading" ? <Text className="photo-mask">上传中…</Text> : null}
      {item.state === "failed" ? <Text className="photo-mask photo-mask-failed">上传失败</Text> : null}
      <Text className="photo-remove" onClick={onRemove}>
        ×
      </Text>
    </View>
  );
}

export default function HardshipApplyPage() {
  const { params } = useRouter();
  const accountId = positiveId(params.accountId);
  const [bills, setBills] = useState<BillView[] | null>(null);
  const [open, setOpen] = useState<HardshipApplicationView | null>(null);
  const [form, setForm] = useState<HardshipForm>(() => emptyHardshipForm(accountId));
  const [files, setFiles] = useState<CertificateItem[]>([]);
  const [fields, setFields] = useState<HardshipFieldErrors>({});
  const [message, setMessage] = useState("");
  const [loadError, setLoadError] = useState("");
  const [busy, setBusy] = useState(false);
  const filesRef = useRef<CertificateItem[]>([]);
  filesRef.current = files;

  const unpaid = (bills ?? []).filter((b) => b.owedFen > 0);
  const unpaidIds = unpaid.map((b) => b.id);

  useLoad(() => {
    if (accountId === null) {
      setLoadError("户号信息不存在");
      return;
    }
    listBills(accountId).then(
      ({ items }) => {
        setBills(items);
        setForm((f) => ({ ...f, billIds: items.filter((b) => b.owedFen > 0).map((b) => b.id) }));
      },
      (err) => setLoadError(describeError(err)),
    );
    listHardshipApplications(accountId).then(
      (items) => setOpen(items.find((a) => OPEN_HARDSHIP_APP_STATUSES.includes(a.status)) ?? null),
      () => undefined,
    );
  });

  useUnload(() => {
    for (const item of filesRef.current) platformCertificates.release(item.picked);
  });

  function change(changes: Partial<HardshipForm>) {
    setForm((f) => ({ ...f, ...changes }));
    setFields((shown) => {
      const next = { ...shown };
      for (const k of Object.keys(changes)) {
        delete next[(k === "kind" || k === "count" || k === "months" ? "terms" : k) as keyof HardshipFieldErrors];
      }
      return next;
    });
  }

  function updateFile(key: string, changes: Partial<CertificateItem>) {
    setFiles((items) => items.map((i) => (i.key === key ? { ...i, ...changes } : i)));
  }

  async function upload(item: CertificateItem) {
    try {
      const attachment = await platformCertificates.upload(item.picked);
      updateFile(item.key, { state: "done", attachment, error: undefined });
    } catch (err) {
      const failure = certificateFailure(err);
      updateFile(item.key, { state: "failed", error: failure.message, retryable: failure.retryable });
    }
  }

  async function addFiles() {
    const room = MAX_FILES - files.length;
    if (room <= 0 || busy) return;
    const outcome = await platformCertificates.pick(room);
    if (outcome.kind === "failed") {
      setFields((f) => ({ ...f, attachments: outcome.message }));
      return;
    }
    if (outcome.kind === "cancelled") return;
    const added = outcome.files
      .slice(0, MAX_FILES - filesRef.current.length)
      .map((picked): CertificateItem => ({ key: `c${++fileSeq}`, picked, state: "uploading" }));
    setFields((f) => ({ ...f, attachments: undefined }));
    setFiles((items) => [...items, ...added]);
    for (const item of added) await upload(item);
  }

  function removeFile(item: CertificateItem) {
    platformCertificates.release(item.picked);
    setFiles((items) => items.filter((i) => i.key !== item.key));
  }

  function toggleBill(id: number) {
    if (busy) return;
    change({ billIds: form.billIds.includes(id) ? form.billIds.filter((b) => b !== id) : [...form.billIds, id] });
  }

  async function submit() {
    if (busy) return;
    const checked = validateHardship(form, unpaidIds, attachmentIdsOf(files));
    const blocking = certificatesBlocking(files);
    if ("fields" in checked || blocking) {
      setFields({ ...("fields" in checked ? checked.fields : {}), ...(blocking ? { attachments: blocking } : {}) });
      setMessage("请按提示修改后再提交");
      return;
    }
    setFields({});
    setMessage("");
    setBusy(true);
    try {
      const app = await createHardshipApplication(checked.input);
      for (const item of files) platformCertificates.release(item.picked);
      filesRef.current = [];
      await Taro.redirectTo({ url: `${PAGES.hardshipDetail}?id=${app.id}` });
    } catch (err) {
      const failure = hardshipFailure(err);
      setFields(failure.fields);
      setMessage(failure.message || "请按提示修改后再提交");
      setBusy(false);
    }
  }

  const coveredFen = unpaid.filter((b) => form.billIds.includes(b.id)).reduce((s, b) => s + b.owedFen, 0);
  const failed = files.filter((f) => f.state === "failed");

  return (
    <View className="page page-hardship-apply">
      <Eligibility />
      {loadError ? <Text className="error-text">{loadError}</Text> : null}
      {open ? (
        <View className="card hardship-open">
          <Text>该户已有一份申请正在审核，请等待审核结果，或查看进度后撤回再重新申请。</Text>
          <Button
            className="btn btn-plain"
            onClick={() => Taro.redirectTo({ url: `${PAGES.hardshipDetail}?id=${open.id}` })}
          >
            查看申请进度
          </Button>
        </View>
      ) : null}
      {bills && unpaid.length === 0 ? <View className="card empty">该户当前没有欠费，无需申请缓缴或分期</View> : null}

      {bills && unpaid.length > 0 && !open ? (
        <>
          <View className="card">
            <View className="field">
              <Text className="field-label">困难类别</Text>
              <View className="category-grid">
                {HARDSHIP_APP_CATEGORIES.map((c) => (
                  <Text
                    key={c}
                    className={`choice category-option category-${c}${form.category === c ? " is-selected" : ""}`}
                    data-category={c}
                    onClick={() => !busy && change({ category: c })}
                  >
                    {HARDSHIP_APP_CATEGORY_LABELS[c]}
                  </Text>
                ))}
              </View>
              {fields.category ? <Text className="error-text">{fields.category}</Text> : null}
            </View>

            {form.category === "other" ? (
              <View className="field">
                <Text className="field-label">困难情况说明</Text>
                <Textarea
                  {...inputIdProps("hardshipReason")}
                  className="field-textarea"
                  maxlength={REASON_MAX}
                  placeholder="如：家中主要劳动力因病失业、突发重大疾病等（至少2个字）"
                  value={form.categoryReason}
                  onInput={(e) => change({ categoryReason: e.detail.value })}
                />
                {fields.categoryReason ? <Text className="error-text">{fields.categoryReason}</Text> : null}
              </View>
            ) : null}

            <View className="field">
              <Text className="field-label">证件编号（选填）</Text>
              <Input
                {...inputIdProps("certificateNo")}
                className="field-input"
                type="text"
                maxlength={40}
                placeholder="低保证、特困供养证或残疾证上的编号"
                value={form.certificateNo}
                onInput={(e) => change({ certificateNo: e.detail.value })}
              />
              <Text className="muted field-hint">编号加密保存，页面上只显示部分号码</Text>
              {fields.certificateNo ? <Text className="error-text">{fields.certificateNo}</Text> : null}
            </View>

            <View className="field">
              <Text className="field-label">
                证明材料（最多{MAX_FILES}个）{files.length ? ` ${files.length}/${MAX_FILES}` : ""}
              </Text>
              <View className="photo-grid">
                {files.map((item) => (
                  <FileTile key={item.key} item={item} onRemove={() => removeFile(item)} />
                ))}
                {files.length < MAX_FILES ? (
                  <View className="photo-tile photo-add certificate-add" onClick={() => void addFiles()}>
                    <Text className="photo-add-plus">+</Text>
                    <Text className="photo-add-text">添加证件照片</Text>
                  </View>
                ) : null}
              </View>
              {failed.map((item) => (
                <View key={item.key} className="photo-error">
                  <Text className="error-text photo-error-text">{`第${files.indexOf(item) + 1}个：${item.error ?? ""}`}</Text>
                  {item.retryable ? (
                    <Text
                      className="link photo-retry"
                      onClick={() => {
                        updateFile(item.key, { state: "uploading", error: undefined });
                        void upload(item);
                      }}
                    >
                      重试
                    </Text>
                  ) : null}
                </View>
              ))}
              <Text className="muted field-hint">证件照片（JPG、PNG、WebP）或PDF扫描件，每个不超过5MB</Text>
              {fields.attachments ? <Text className="error-text">{fields.attachments}</Text> : null}
            </View>
          </View>

          <View className="card">
            <View className="field">
              <Text className="field-label">申请方式</Text>
              <View className="choice-row">
                <Text
                  className={`choice kind-instalments${form.kind === "instalments" ? " is-selected" : ""}`}
                  onClick={() => !busy && change({ kind: "instalments" })}
                >
                  分期缴纳
                </Text>
                <Text
                  className={`choice kind-deferral${form.kind === "deferral" ? " is-selected" : ""}`}
                  onClick={() => !busy && change({ kind: "deferral" })}
                >
                  缓缴
                </Text>
              </View>
              <View className="choice-row term-row">
                {form.kind === "instalments"
                  ? range(INSTALMENT_COUNTS.min, INSTALMENT_COUNTS.max).map((n) => (
                      <Text
                        key={n}
                        className={`choice term-count-${n}${form.count === n ? " is-selected" : ""}`}
                        onClick={() => !busy && change({ count: n })}
                      >
                        {`分${n}期`}
                      </Text>
                    ))
                  : range(DEFERRAL_MONTHS.min, DEFERRAL_MONTHS.max).map((n) => (
                      <Text
                        key={n}
                        className={`choice term-months-${n}${form.months === n ? " is-selected" : ""}`}
                        onClick={() => !busy && change({ months: n })}
                      >
                        {`${n}个月`}
                      </Text>
                    ))}
              </View>
              <Text className="muted field-hint">
                {form.kind === "instalments"
                  ? "欠费平均分期，一般每月一期；分期期间免收滞纳金。最终期数以供热中心复核为准。"
                  : "缓缴最长3个月，适用于困难特别严重的家庭；缓缴期间不收滞纳金。"}
              </Text>
              {fields.terms ? <Text className="error-text">{fields.terms}</Text> : null}
            </View>

            <View className="field">
              <Text className="field-label">申请的账单</Text>
              {unpaid.map((b) => {
                const on = form.billIds.includes(b.id);
                return (
                  <View
                    key={b.id}
                    className={`toggle-row hardship-bill${on ? " is-selected" : ""}`}
                    data-bill-id={b.id}
                    onClick={() => toggleBill(b.id)}
                  >
                    <Text className="check">{on ? "✓" : ""}</Text>
                    <Text className="hardship-bill-season">{seasonTitle(b.seasonCode)}</Text>
                    <Text className="hardship-bill-amount">{formatYuan(b.owedFen)}</Text>
                  </View>
                );
              })}
              <Text className="muted field-hint">{`已选欠费合计 ${formatYuan(coveredFen)}（含已产生的滞纳金，批准后滞纳金予以减免）`}</Text>
              {fields.billIds ? <Text className="error-text">{fields.billIds}</Text> : null}
            </View>
          </View>

          <View className="card">
            <View className="field">
              <Text className="field-label">联系电话</Text>
              <Input
                {...inputIdProps("hardshipPhone")}
                className="field-input"
                type="text"
                maxlength={20}
                placeholder="手机号或带区号的固定电话"
                value={form.contactPhone}
                onInput={(e) => change({ contactPhone: e.detail.value })}
              />
              <Text className="muted field-hint">社区和供热中心审核时可能与您电话联系</Text>
              {fields.contactPhone ? <Text className="error-text">{fields.contactPhone}</Text> : null}
            </View>
            <View className="field">
              <Text className="field-label">备注（选填）</Text>
              <Textarea
                {...inputIdProps("hardshipNote")}
                className="field-textarea"
                maxlength={NOTE_MAX}
                placeholder="需要说明的其他情况"
                value={form.note}
                onInput={(e) => change({ note: e.detail.value })}
              />
              {fields.note ? <Text className="error-text">{fields.note}</Text> : null}
            </View>
          </View>

          {message ? <Text className="error-text form-error">{message}</Text> : null}
          <Button
            className={`btn btn-primary hardship-submit${busy ? " is-busy" : ""}`}
            loading={busy}
            disabled={busy}
            onClick={() => void submit()}
          >
            提交申请
          </Button>
        </>
      ) : null}
    </View>
  );
}

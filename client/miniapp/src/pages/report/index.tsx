import { Button, Image, Input, Text, Textarea, View } from "@tarojs/components";
import Taro, { useLoad, useRouter, useUnload } from "@tarojs/taro";
import {
  type MessageTemplate,
  type ResidentAccount,
  TICKET_CATEGORIES,
  TICKET_CATEGORY_LABELS,
  type TicketCategory,
} from "@warmline/shared";
import { useEffect, useRef, useState } from "react";
import { inputIdProps } from "../../components/inputId";
import { HOTLINE, PAGES } from "../../constants";
import { listAccounts } from "../../services/accounts";
import { describeError } from "../../services/errors";
import { platformPhotos } from "../../services/photos";
import { platformSubscribe } from "../../services/subscribe";
import { createTicket, loadSubscriptions, saveConsents } from "../../services/tickets";
import { uploadFailure } from "../../services/upload";
import { positiveId } from "../../utils/params";
import {
  asksTemperature,
  changedReportFields,
  DESCRIPTION_MAX,
  emptyReportForm,
  MAX_PHOTOS,
  type PhotoItem,
  photoIdsOf,
  photosBlocking,
  type ReportFieldErrors,
  type ReportForm,
  recheckReport,
  reportFailure,
  subscribeTemplates,
  usesAccountPhone,
  validateReport,
  withAccount,
} from "./form";
import "./index.scss";

let photoSeq = 0;

function PhotoTile({ item, onRemove }: { item: PhotoItem; onRemove: () => void }) {
  return (
    <View className={`photo-tile photo-${item.state}`} data-state={item.state}>
      <Image className="photo-image" src={item.picked.preview} mode="aspectFill" />
      {item.state === "uploading" ? <Text className="photo-mask">上传中…</Text> : null}
      {item.state === "failed" ? <Text className="photo-mask photo-mask-failed">上传失败</Text> : null}
      <Text className="photo-remove" onClick={onRemove}>
        ×
      </Text>
    </View>
  );
}

export default function ReportPage() {
  const { params } = useRouter();
  const [accounts, setAccounts] = useState<ResidentAccount[] | null>(null);
  const [form, setForm] = useState<ReportForm>(() => emptyReportForm(positiveId(params.accountId)));
  const [photos, setPhotos] = useState<PhotoItem[]>([]);
  const [fields, setFields] = useState<ReportFieldErrors>({});
  const [message, setMessage] = useState("");
  const [loadError, setLoadError] = useState("");
  const [busy, setBusy] = useState(false);
  /** template ids from the server, loaded up front: the subscribe sheet must open right after the tap */
  const [templateIds, setTemplateIds] = useState<Record<MessageTemplate, string> | undefined>(undefined);
  /** the photos on the form, for the uploads that finish later and for releasing previews */
  const photosRef = useRef<PhotoItem[]>([]);
  photosRef.current = photos;
  /** the form and photos the messages were last checked against */
  const checkedRef = useRef({ form, photos });

  // a message under a field goes as soon as the field is valid (not only at the next 提交)
  useEffect(() => {
    const before = checkedRef.current;
    checkedRef.current = { form, photos };
    const changed = changedReportFields(before.form, form, before.photos !== photos);
    setFields((shown) => recheckReport(shown, form, photos, changed));
  }, [form, photos]);

  useLoad(() => {
    loadSubscriptions().then(
      (s) => setTemplateIds(s.templateIds),
      () => undefined, // the build's own ids (if any) are used instead
    );
    const wanted = positiveId(params.accountId);
    listAccounts().then(
      (items) => {
        setAccounts(items);
        // opened from an account: that one; a single bound account: that one
        const preset = items.find((a) => a.id === wanted) ?? (items.length === 1 ? items[0] : undefined);
        setForm((f) => withAccount(f, preset?.id ?? null, preset?.phoneMasked ?? null));
      },
      (err) => setLoadError(describeError(err)),
    );
  });

  useUnload(() => {
    for (const item of photosRef.current) platformPhotos.release(item.picked);
  });

  function change(changes: Partial<ReportForm>) {
    setForm((f) => ({ ...f, ...changes }));
  }

  function updatePhoto(key: string, changes: Partial<PhotoItem>) {
    setPhotos((items) => items.map((item) => (item.key === key ? { ...item, ...changes } : item)));
  }

  async function upload(item: PhotoItem) {
    try {
      const photo = await platformPhotos.upload(item.picked);
      updatePhoto(item.key, { state: "done", photo, error: undefined });
    } catch (err) {
      const failure = uploadFailure(err);
      updatePhoto(item.key, { state: "failed", error: failure.message, retryable: failure.retryable });
    }
  }

  async function addPhotos() {
    const room = MAX_PHOTOS - photos.length;
    if (room <= 0 || busy) return;
    // called straight from the tap: browsers open a file dialog only then
    const outcome = await platformPhotos.pick(room);
    if (outcome.kind === "failed") {
      setFields((f) => ({ ...f, photos: outcome.message }));
      return;
    }
    if (outcome.kind === "cancelled") return;
    const added = outcome.photos
      .slice(0, MAX_PHOTOS - photosRef.current.length)
      .map((picked): PhotoItem => ({ key: `p${++photoSeq}`, picked, state: "uploading" }));
    setFields((f) => ({ ...f, photos: undefined }));
    setPhotos((items) => [...items, ...added]);
    // one after another: a phone on a weak network does better than with nine at once
    for (const item of added) await upload(item);
  }

  function removePhoto(item: PhotoItem) {
    platformPhotos.release(item.picked);
    setPhotos((items) => items.filter((i) => i.key !== item.key));
  }

  function retryPhoto(item: PhotoItem) {
    updatePhoto(item.key, { state: "uploading", error: undefined, retryable: undefined });
    void upload(item);
  }

  async function submit() {
    if (busy) return;
    const checked = validateReport(form, photoIdsOf(photos));
    const blocking = photosBlocking(photos);
    if ("fields" in checked || blocking) {
      setFields({ ...("fields" in checked ? checked.fields : {}), ...(blocking ? { photos: blocking } : {}) });
      setMessage("");
      return;
    }
    setFields({});
    setMessage("");
    setBusy(true);
    // WeChat and Alipay show the subscribe sheet only right after a tap: ask before anything else waits
    const consents = await platformSubscribe.ask(subscribeTemplates(templateIds));
    if (consents.length) void saveConsents(consents).catch(() => undefined);
    try {
      const ticket = await createTicket(checked.input);
      for (const item of photos) platformPhotos.release(item.picked);
      photosRef.current = [];
      await Taro.redirectTo({ url: `${PAGES.ticket}?id=${ticket.id}` });
    } catch (err) {
      const failure = reportFailure(err);
      setFields(failure.fields);
      setMessage(failure.message);
      setBusy(false);
    }
  }

  const showTemperature = asksTemperature(form.category);
  const failed = photos.filter((p) => p.state === "failed");

  return (
    <View className="page page-report">
      {loadError ? <Text className="error-text">{loadError}</Text> : null}
      {accounts && accounts.length === 0 ? (
        <View className="card empty-accounts">
          <View className="empty">报修前请先绑定您的供热户号</View>
          <Button className="btn btn-primary" onClick={() => Taro.navigateTo({ url: PAGES.bind })}>
            绑定户号
          </Button>
        </View>
      ) : null}

      {accounts && accounts.length > 0 ? (
        <>
          <View className="card">
            <View className="card-title">
              <Text>报修户号</Text>
            </View>
            {accounts.map((account) => (
              <View
                key={account.id}
                className={`report-account${form.accountId === account.id ? " is-selected" : ""}`}
                data-account-id={account.id}
                onClick={() => !busy && setForm((f) => withAccount(f, account.id, account.phoneMasked))}
              >
                <Text className="check">{form.accountId === account.id ? "✓" : ""}</Text>
                <View className="report-account-main">
                  <Text className="report-account-no">户号 {account.accountNo}</Text>
                  <Text className="muted report-account-address">{account.address}</Text>
                </View>
              </View>
            ))}
            {fields.accountId ? <Text className="error-text">{fields.accountId}</Text> : null}
          </View>

          <View className="card">
            <View className="field">
              <Text className="field-label">问题类型</Text>
              <View className="category-grid">
                {TICKET_CATEGORIES.map((category: TicketCategory) => (
                  <Text
                    key={category}
                    className={`choice category-option category-${category}${form.category === category ? " is-selected" : ""}`}
                    data-category={category}
                    onClick={() => !busy && change({ category })}
                  >
                    {TICKET_CATEGORY_LABELS[category]}
                  </Text>
                ))}
              </View>
              {fields.category ? <Text className="error-text">{fields.category}</Text> : null}
            </View>

            {showTemperature ? (
              <View className="field temperature-field">
                <Text className="field-label">室内温度（℃，选填）</Text>
                <View className="temperature-row">
                  <Input
                    {...inputIdProps("indoorTemp")}
                    className="field-input temperature-input"
                    type="digit"
                    maxlength={5}
                    placeholder="如 17.5"
                    value={form.indoorTemp}
                    onInput={(e) => change({ indoorTemp: e.detail.value })}
                  />
                  <Text className="temperature-unit">℃</Text>
                </View>
                <Text className="muted field-hint">请在房间中央、距地面约1.5米处测量，精确到0.1℃</Text>
                {fields.indoorTemp ? <Text className="error-text">{fields.indoorTemp}</Text> : null}
              </View>
            ) : null}

            <View className="field">
              <Text className="field-label">问题描述</Text>
              <Textarea
                {...inputIdProps("ticketDescription")}
                className="field-textarea"
                maxlength={DESCRIPTION_MAX}
                placeholder="请描述您遇到的问题，如：暖气片上热下凉、哪个房间不热等（至少5个字）"
                value={form.description}
                onInput={(e) => change({ description: e.detail.value })}
              />
              <Text className="muted field-count">
                {form.description.length}/{DESCRIPTION_MAX}
              </Text>
              {fields.description ? <Text className="error-text">{fields.description}</Text> : null}
            </View>

            <View className="field contact-phone-field">
              <Text className="field-label">联系电话</Text>
              <Input
                {...inputIdProps("contactPhone")}
                className="field-input"
                type="text"
                maxlength={20}
                placeholder="手机号或带区号的固定电话"
                value={form.contactPhone}
                // the masked register phone cannot be edited digit by digit: a tap starts a new number,
                // leaving the field empty puts the account's number back
                onFocus={() => usesAccountPhone(form) && change({ contactPhone: "" })}
                onBlur={() =>
                  setForm((f) =>
                    f.contactPhone.trim() === "" && f.accountPhone ? { ...f, contactPhone: f.accountPhone } : f,
                  )
                }
                onInput={(e) => change({ contactPhone: e.detail.value })}
              />
              <Text className="muted field-hint">
                {usesAccountPhone(form)
                  ? "默认使用户号预留的电话；如需工作人员拨打其他号码，请点击后重新填写"
                  : "工作人员将通过此电话与您联系"}
              </Text>
              {fields.contactPhone ? <Text className="error-text">{fields.contactPhone}</Text> : null}
            </View>

            <View className="field">
              <Text className="field-label">方便联系的时间（选填）</Text>
              <Input
                {...inputIdProps("contactTime")}
                className="field-input"
                type="text"
                maxlength={50}
                placeholder="如：工作日18:00以后"
                value={form.contactTime}
                onInput={(e) => change({ contactTime: e.detail.value })}
              />
              {fields.contactTime ? <Text className="error-text">{fields.contactTime}</Text> : null}
            </View>

            <View className="field">
              <Text className="field-label">
                现场照片（选填，最多{MAX_PHOTOS}张）{photos.length ? ` ${photos.length}/${MAX_PHOTOS}` : ""}
              </Text>
              <View className="photo-grid">
                {photos.map((item) => (
                  <PhotoTile key={item.key} item={item} onRemove={() => removePhoto(item)} />
                ))}
                {photos.length < MAX_PHOTOS ? (
                  <View className="photo-tile photo-add" onClick={() => void addPhotos()}>
                    <Text className="photo-add-plus">+</Text>
                    <Text className="photo-add-text">添加照片</Text>
                  </View>
                ) : null}
              </View>
              {failed.map((item) => (
                <View key={item.key} className="photo-error">
                  <Text className="error-text photo-error-text">{`第${photos.indexOf(item) + 1}张：${item.error ?? ""}`}</Text>
                  {item.retryable ? (
                    <Text className="link photo-retry" onClick={() => retryPhoto(item)}>
                      重试
                    </Text>
                  ) : null}
                </View>
              ))}
              <Text className="muted field-hint">支持JPG、PNG、WebP格式，每张不超过5MB</Text>
              {fields.photos ? <Text className="error-text">{fields.photos}</Text> : null}
            </View>
          </View>

          {message ? <Text className="error-text form-error">{message}</Text> : null}
          <Button
            className={`btn btn-primary report-submit${busy ? " is-busy" : ""}`}
            loading={busy}
            disabled={busy}
            onClick={() => void submit()}
          >
            提交
          </Button>
          <Text className="muted page-note">
            {`提交后工作人员将在30分钟内响应（非供热季为服务时间内）。紧急情况请拨打24小时供热服务热线 ${HOTLINE.display}。`}
          </Text>
        </>
      ) : null}
    </View>
  );
}

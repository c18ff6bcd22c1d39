import { Button, Input, Text, View } from "@tarojs/components";
import Taro, { useDidShow } from "@tarojs/taro";
import { INVOICE_TITLE_KINDS, INVOICE_TITLE_KIND_LABELS, type InvoiceTitleView } from "@warmline/shared";
import { useEffect, useRef, useState } from "react";
import { inputIdProps } from "../../components/inputId";
import { describeError } from "../../services/errors";
import {
  createInvoiceTitle,
  deleteInvoiceTitle,
  listInvoiceTitles,
  titleInput,
  updateInvoiceTitle,
} from "../../services/invoices";
import {
  emptyTitleForm,
  formFromTitle,
  recheckTitle,
  type TitleFieldErrors,
  type TitleForm,
  titleDetail,
  titleFailure,
  validateTitle,
} from "./form";
import "./index.scss";

/** The form: a new title (id null) or one being edited. */
interface Editing {
  id: number | null;
  form: TitleForm;
}

function TitleFormCard({
  editing,
  busy,
  fields,
  message,
  onChange,
  onSave,
  onCancel,
}: {
  editing: Editing;
  busy: boolean;
  fields: TitleFieldErrors;
  message: string;
  onChange: (changes: Partial<TitleForm>) => void;
  onSave: () => void;
  onCancel: () => void;
}) {
  const { form } = editing;
  const company = form.kind === "company";
  return (
    <View className="card title-form">
      <View className="card-title">
        <Text>{editing.id === null ? "新增发票抬头" : "编辑发票抬头"}</Text>
      </View>
      <View className="field">
        <Text className="field-label">抬头类型</Text>
        <View className="choice-row">
          {INVOICE_TITLE_KINDS.map((kind) => (
            <Text
              key={kind}
              className={`choice title-kind-${kind}${form.kind === kind ? " is-selected" : ""}`}
              onClick={() => onChange({ kind })}
            >
              {INVOICE_TITLE_KIND_LABELS[kind]}
            </Text>
          ))}
        </View>
        {fields.kind ? <Text className="error-text">{fields.kind}</Text> : null}
      </View>

      <View className="field">
        <Text className="field-label">{company ? "单位名称" : "姓名"}</Text>
        <Input
          {...inputIdProps("titleName")}
          className="field-input"
          type="text"
          maxlength={100}
          placeholder={company ? "请输入单位全称" : "请输入姓名"}
          value={form.name}
          onInput={(e) => onChange({ name: e.detail.value })}
        />
        {fields.name ? <Text className="error-text">{fields.name}</Text> : null}
      </View>

      {company ? (
        <View className="field">
          <Text className="field-label">纳税人识别号</Text>
          <Input
            {...inputIdProps("titleTaxId")}
            className="field-input"
            type="text"
            maxlength={20}
            placeholder="统一社会信用代码或税号"
            value={form.taxId}
            onInput={(e) => onChange({ taxId: e.detail.value })}
          />
          {fields.taxId ? <Text className="error-text">{fields.taxId}</Text> : null}
        </View>
      ) : null}

      <View className="field">
        <Text className="field-label">电子邮箱（选填）</Text>
        <Input
          {...inputIdProps("titleEmail")}
          className="field-input"
          type="text"
          maxlength={100}
          placeholder="开具后发票将发送到该邮箱"
          value={form.email}
          onInput={(e) => onChange({ email: e.detail.value })}
        />
        {fields.email ? <Text className="error-text">{fields.email}</Text> : null}
      </View>

      <View
        className={`toggle-row title-default${form.isDefault ? " is-checked" : ""}`}
        onClick={() => onChange({ isDefault: !form.isDefault })}
      >
        <Text className="check">{form.isDefault ? "✓" : ""}</Text>
        <Text>设为默认抬头</Text>
      </View>

      {message ? <Text className="error-text form-error">{message}</Text> : null}
      <View className="link-row">
        <Button className="btn btn-plain" disabled={busy} onClick={onCancel}>
          取消
        </Button>
        <Button className={`btn btn-primary${busy ? " is-busy" : ""}`} loading={busy} disabled={busy} onClick={onSave}>
          保存
        </Button>
      </View>
    </View>
  );
}

export default function InvoiceTitlesPage() {
  const [titles, setTitles] = useState<InvoiceTitleView[] | null>(null);
  const [error, setError] = useState("");
  const [editing, setEditing] = useState<Editing | null>(null);
  const [fields, setFields] = useState<TitleFieldErrors>({});
  const [message, setMessage] = useState("");
  const [busy, setBusy] = useState(false);
  /** the form the messages were last checked against */
  const checkedRef = useRef<TitleForm | null>(null);
  const editedForm = editing?.form ?? null;

  // a message under a field goes as soon as the field is valid (not only at the next 保存)
  useEffect(() => {
    const before = checkedRef.current;
    checkedRef.current = editedForm;
    if (before && editedForm) setFields((shown) => recheckTitle(shown, before, editedForm));
  }, [editedForm]);

  async function load() {
    try {
      setTitles(await listInvoiceTitles());
      setError("");
    } catch (err) {
      setError(describeError(err));
    }
  }

  useDidShow(() => {
    void load();
  });

  function edit(next: Editing | null) {
    setEditing(next);
    setFields({});
    setMessage("");
  }

  function change(changes: Partial<TitleForm>) {
    setEditing((current) => (current ? { ...current, form: { ...current.form, ...changes } } : current));
  }

  async function save() {
    if (!editing || busy) return;
    const checked = validateTitle(editing.form);
    if ("fields" in checked) {
      setFields(checked.fields);
      setMessage("");
      return;
    }
    setFields({});
    setMessage("");
    setBusy(true);
    try {
      if (editing.id === null) await createInvoiceTitle(checked.input);
      else await updateInvoiceTitle(editing.id, checked.input);
      edit(null);
      void Taro.showToast({ title: "已保存", icon: "success" });
      await load();
    } catch (err) {
      const failure = titleFailure(err);
      setFields(failure.fields);
      setMessage(failure.message);
    } finally {
      setBusy(false);
    }
  }

  async function makeDefault(title: InvoiceTitleView) {
    try {
      await updateInvoiceTitle(title.id, titleInput(title, { isDefault: true }));
      await load();
    } catch (err) {
      setError(describeError(err));
    }
  }

  async function remove(title: InvoiceTitleView) {
    const { confirm } = await Taro.showModal({ title: "删除抬头", content: `确定删除“${title.name}”吗？` });
    if (!confirm) return;
    try {
      await deleteInvoiceTitle(title.id);
      if (editing?.id === title.id) edit(null);
      void Taro.showToast({ title: "已删除", icon: "success" });
      await load();
    } catch (err) {
      setError(describeError(err));
    }
  }

  const own = (titles ?? []).filter((t) => t.owner === "resident");

  return (
    <View className="page page-invoice-titles">
      {error ? <Text className="error-text">{error}</Text> : null}
      {editing ? (
        <TitleFormCard
          editing={editing}
          busy={busy}
          fields={fields}
          message={message}
          onChange={change}
          onSave={() => void save()}
          onCancel={() => edit(null)}
        />
      ) : null}

      {titles ? (
        <View className="card">
          <View className="card-title">
            <Text>已保存的抬头</Text>
          </View>
          {own.length === 0 ? (
            <View className="empty">还没有保存发票抬头，缴费时默认按户主姓名开具个人发票</View>
          ) : null}
          {own.map((title) => (
            <View key={title.id} className="title-item" data-title-id={title.id}>
              <View className="title-main">
                <Text className="title-name">{title.name}</Text>
                {title.isDefault ? <Text className="status status-default">默认</Text> : null}
              </View>
              <Text className="muted title-detail">{titleDetail(title)}</Text>
              <View className="title-actions">
                {title.isDefault ? null : (
                  <Text className="link title-make-default" onClick={() => void makeDefault(title)}>
                    设为默认
                  </Text>
                )}
                <Text className="link title-edit" onClick={() => edit({ id: title.id, form: formFromTitle(title) })}>
                  编辑
                </Text>
                <Text className="link title-delete" onClick={() => void remove(title)}>
                  删除
                </Text>
              </View>
            </View>
          ))}
        </View>
      ) : null}

      {titles && !editing ? (
        <Button className="btn btn-primary" onClick={() => edit({ id: null, form: emptyTitleForm(own.length === 0) })}>
          新增抬头
        </Button>
      ) : null}
      <Text className="muted page-note">缴费时可选择发票抬头，电子发票开具后可在户号的“电子发票”中查看和下载。</Text>
    </View>
  );
}

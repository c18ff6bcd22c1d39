import {
  INVOICE_TITLE_KIND_LABELS,
  type InvoiceTitleInput,
  InvoiceTitleInputSchema,
  type InvoiceTitleKind,
  type InvoiceTitleView,
} from "@warmline/shared";
import { ApiError, describeError } from "../../services/errors";
import { changedFields, recheckFields } from "../../utils/fieldErrors";

/** What the title form holds while the resident types. */
export interface TitleForm {
  kind: InvoiceTitleKind;
  name: string;
  /** 纳税人识别号: only sent for 单位 */
  taxId: string;
  email: string;
  isDefault: boolean;
}

export type TitleField = "kind" | "name" | "taxId" | "email";
export type TitleFieldErrors = Partial<Record<TitleField, string>>;

const FIELDS: readonly string[] = ["kind", "name", "taxId", "email"];

export function emptyTitleForm(isDefault = false): TitleForm {
  return { kind: "personal", name: "", taxId: "", email: "", isDefault };
}

export function formFromTitle(title: InvoiceTitleView): TitleForm {
  return {
    kind: title.kind,
    name: title.name,
    taxId: title.taxId ?? "",
    email: title.email ?? "",
    isDefault: title.isDefault,
  };
}

/**
 * Checks the form with the server's own schema (same messages) and gives the body to send: trimmed,
 * the tax id upper-cased, no tax id for 个人 (the field is hidden then), no empty e-mail.
 */
export function validateTitle(form: TitleForm): { input: InvoiceTitleInput } | { fields: TitleFieldErrors } {
  const parsed = InvoiceTitleInputSchema.safeParse({
    kind: form.kind,
    name: form.name,
    taxId: form.kind === "company" ? form.taxId : undefined,
    email: form.email,
    isDefault: form.isDefault,
  });
  if (parsed.success) return { input: parsed.data };
  const fields: TitleFieldErrors = {};
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0] ?? "");
    if (FIELDS.includes(key) && !fields[key as TitleField]) fields[key as TitleField] = issue.message;
  }
  return { fields };
}

/**
 * The messages after the resident changed the form from `before` to `form`: a message under a changed field
 * goes as soon as the field is valid, or says what is still wrong; the 纳税人识别号 is judged again with
 * the kind (it is asked for only for 单位). The other fields keep theirs until the next save.
 */
export function recheckTitle(shown: TitleFieldErrors, before: TitleForm, form: TitleForm): TitleFieldErrors {
  const changed = changedFields(before, form).filter((k): k is TitleField => FIELDS.includes(k));
  if (changed.includes("kind")) changed.push("taxId");
  if (!changed.length) return shown;
  const checked = validateTitle(form);
  return recheckFields(shown, "fields" in checked ? checked.fields : {}, changed);
}

/** A refused save as the form shows it: messages under fields, or one line above the buttons. */
export function titleFailure(err: unknown): { message: string; fields: TitleFieldErrors } {
  if (!(err instanceof ApiError)) return { message: describeError(err), fields: {} };
  if (err.code === "VALIDATION_FAILED") {
    const fields: TitleFieldErrors = {};
    for (const [path, message] of Object.entries(err.fieldErrors())) {
      if (FIELDS.includes(path)) fields[path as TitleField] = message;
    }
    return { message: Object.keys(fields).length ? "" : err.message, fields };
  }
  return { message: err.message, fields: {} };
}

/** The second line of a title in a list: "单位 · 91620722MA7XXXXXXX · a@b.cn" */
export function titleDetail(title: Pick<InvoiceTitleView, "kind" | "taxId" | "email">): string {
  return [INVOICE_TITLE_KIND_LABELS[title.kind] ?? title.kind, title.taxId, title.email].filter(Boolean).join(" · ");
}

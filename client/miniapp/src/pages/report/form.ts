import {
  type CreateTicketInput,
  CreateTicketSchema,
  type MessageTemplate,
  type PhotoView,
  type TicketCategory,
  UPLOAD_LIMITS,
} from "@warmline/shared";
import {
  isPlaceholderTemplate,
  TARO_APP_TEMPLATE_FOLLOW_UP_DUE,
  TARO_APP_TEMPLATE_TICKET_PROGRESS,
} from "../../constants";
import { ApiError, describeError } from "../../services/errors";
import type { PickedPhoto } from "../../services/photos";
import type { TemplateAsk } from "../../services/subscribe";
import { changedFields, recheckFields } from "../../utils/fieldErrors";

/** The categories for which the resident reads the room temperature: 室温不达标, 不热. */
export const TEMPERATURE_CATEGORIES: readonly TicketCategory[] = ["cold_room", "no_heat"];

export const asksTemperature = (category: TicketCategory | null): boolean =>
  category !== null && TEMPERATURE_CATEGORIES.includes(category);

export const MAX_PHOTOS = UPLOAD_LIMITS.maxPhotosPerTicket;
export const DESCRIPTION_MAX = 500;

const TEMP_MAX_C10 = 400;
const RANGE_ERROR = "室内温度应在0–40℃之间";

/**
 * The indoor reading as typed ("17.5", "17", " 16.5℃ ") in tenths of a degree (175); null when left
 * empty. 0–40 ℃, at most one decimal.
 */
export function parseIndoorTemp(text: string): { c10: number | null } | { error: string } {
  const value = text
    .trim()
    .replace(/\s*(℃|°C|°)$/i, "")
    .replace(/^(-?\d*)[,，。]/, "$1.");
  if (!value) return { c10: null };
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(value);
  if (!match || !`${match[2]}${match[3] ?? ""}`) return { error: "请输入数字，如 17.5" };
  const [, minus, whole, decimals = ""] = match;
  if (decimals.length > 1) return { error: "温度精确到0.1℃即可，如 17.5" };
  const c10 = Number(whole || "0") * 10 + Number(decimals || "0");
  if (minus || c10 > TEMP_MAX_C10) return { error: RANGE_ERROR };
  return { c10 };
}

/** What the report form holds while the resident types. */
export interface ReportForm {
  accountId: number | null;
  category: TicketCategory | null;
  /** as typed, e.g. "17.5" */
  indoorTemp: string;
  description: string;
  contactTime: string;
  /** 联系电话 as typed; prefilled with the chosen account's register phone (masked) */
  contactPhone: string;
  /** the chosen account's register phone, masked (what the prefill shows); null when it has none */
  accountPhone: string | null;
}

export type ReportField =
  | "accountId"
  | "category"
  | "indoorTemp"
  | "description"
  | "contactTime"
  | "contactPhone"
  | "photos";
export type ReportFieldErrors = Partial<Record<ReportField, string>>;

/** The API's field names → the form's. */
const FIELD_OF: Record<string, ReportField> = {
  accountId: "accountId",
  category: "category",
  indoorTempC10: "indoorTemp",
  description: "description",
  preferredContactTime: "contactTime",
  contactPhone: "contactPhone",
  photoIds: "photos",
};

export function emptyReportForm(accountId: number | null = null): ReportForm {
  return {
    accountId,
    category: null,
    indoorTemp: "",
    description: "",
    contactTime: "",
    contactPhone: "",
    accountPhone: null,
  };
}

/**
 * The form after the resident picks an account: the phone field follows the account's register phone
 * (masked) unless the resident typed a number of their own.
 */
export function withAccount(form: ReportForm, accountId: number | null, accountPhone: string | null): ReportForm {
  const typed = form.contactPhone.trim() !== "" && form.contactPhone !== form.accountPhone;
  return { ...form, accountId, accountPhone, contactPhone: typed ? form.contactPhone : (accountPhone ?? "") };
}

/** The prefilled (masked) register phone is still in the field: the server takes the account's number. */
export const usesAccountPhone = (form: ReportForm): boolean =>
  form.accountPhone !== null && form.contactPhone.trim() === form.accountPhone;

/**
 * Checks the form with the server's own schema (same messages) and gives the body to send: the reading
 * only for the categories that ask for it, no empty contact time, no phone while the account's (prefilled,
 * masked) is kept.
 */
export function validateReport(
  form: ReportForm,
  photoIds: number[],
): { input: CreateTicketInput } | { fields: ReportFieldErrors } {
  const fields: ReportFieldErrors = {};
  let indoorTempC10: number | undefined;
  if (asksTemperature(form.category)) {
    const reading = parseIndoorTemp(form.indoorTemp);
    if ("error" in reading) fields.indoorTemp = reading.error;
    else indoorTempC10 = reading.c10 ?? undefined;
  }
  const contactTime = form.contactTime.trim();
  const parsed = CreateTicketSchema.safeParse({
    accountId: form.accountId ?? undefined,
    category: form.category ?? undefined,
    indoorTempC10,
    description: form.description,
    preferredContactTime: contactTime || undefined,
    contactPhone: usesAccountPhone(form) ? undefined : form.contactPhone,
    photoIds: photoIds.length ? photoIds : undefined,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = FIELD_OF[String(issue.path[0] ?? "")];
      if (key && !fields[key]) fields[key] = key === "accountId" ? "请选择户号" : issue.message;
    }
  }
  if (!parsed.success || Object.keys(fields).length) return { fields };
  return { input: parsed.data };
}

/**
 * The fields a change of the form (or of its photos) touches: the ones edited, the reading with the
 * category (it is asked for only for some), the photos when they changed.
 */
export function changedReportFields(before: ReportForm, after: ReportForm, photosChanged = false): ReportField[] {
  const changed = changedFields(before, after).filter((f) => f !== "accountPhone") as ReportField[];
  if (changed.includes("category")) changed.push("indoorTemp");
  if (photosChanged) changed.push("photos");
  return changed;
}

/**
 * The messages under the fields after the resident changed `changed`: each goes as soon as its field is
 * valid (checked as on submit), or says what is still wrong; the others stay until the next submit.
 */
export function recheckReport(
  shown: ReportFieldErrors,
  form: ReportForm,
  photos: PhotoItem[],
  changed: readonly ReportField[],
): ReportFieldErrors {
  if (!changed.length) return shown;
  const checked = validateReport(form, photoIdsOf(photos));
  const now: ReportFieldErrors = "fields" in checked ? { ...checked.fields } : {};
  const blocking = photosBlocking(photos);
  if (blocking) now.photos = blocking;
  return recheckFields(shown, now, changed);
}

/** A refused submission as the form shows it: messages under fields, or one line above the button. */
export function reportFailure(err: unknown): { message: string; fields: ReportFieldErrors } {
  if (!(err instanceof ApiError)) return { message: describeError(err), fields: {} };
  if (err.code === "VALIDATION_FAILED") {
    const fields: ReportFieldErrors = {};
    for (const [path, message] of Object.entries(err.fieldErrors())) {
      const key = FIELD_OF[path.split(".")[0] ?? ""];
      if (key && !fields[key]) fields[key] = message;
    }
    return { message: Object.keys(fields).length ? "" : err.message, fields };
  }
  if (err.code === "PHOTO_NOT_FOUND") return { message: "", fields: { photos: err.message } };
  return { message: err.message, fields: {} };
}

/** One photo on the form: uploading right after it was picked, then uploaded or failed. */
export interface PhotoItem {
  key: string;
  picked: PickedPhoto;
  state: "uploading" | "done" | "failed";
  photo?: PhotoView;
  error?: string;
  /** a failure worth another try (not a photo that is too large or of the wrong type) */
  retryable?: boolean;
}

export const photoIdsOf = (items: PhotoItem[]): number[] =>
  items.flatMap((item) => (item.state === "done" && item.photo ? [item.photo.id] : []));

/** Why the form cannot be sent yet because of its photos; null when it can. */
export function photosBlocking(items: PhotoItem[]): string | null {
  if (items.some((item) => item.state === "uploading")) return "照片正在上传，请稍候";
  if (items.some((item) => item.state === "failed")) return "有照片上传失败，请删除后再提交";
  return null;
}

/**
 * The one-time messages asked for before a ticket is submitted: progress (responded, dispatched,
 * resolved) and the follow-up reminder; placeholders (templates not approved yet) are left out.
 */
export function subscribeTemplates(
  ids: Record<MessageTemplate, string> = {
    ticket_progress: TARO_APP_TEMPLATE_TICKET_PROGRESS,
    follow_up_due: TARO_APP_TEMPLATE_FOLLOW_UP_DUE,
  },
): TemplateAsk[] {
  return (Object.keys(ids) as MessageTemplate[])
    .map((template) => ({ template, id: ids[template] }))
    .filter((t) => !isPlaceholderTemplate(t.id));
}

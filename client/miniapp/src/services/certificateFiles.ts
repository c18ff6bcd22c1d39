import {
  errorMessage,
  HARDSHIP_ATTACHMENT_LIMITS,
  type HardshipAttachmentView,
  HardshipAttachmentSchema,
} from "@warmline/shared";
import { ApiError } from "./errors";
import { parseJsonText } from "./upload";

/**
 * Certificate uploads (困难缓缴/分期 证明材料): what every platform shares. Kept apart from certificates.ts,
 * which the build replaces per platform (certificates.h5.ts …): only types may be shared from there.
 */

/** POST multipart/form-data, the file in field "file" → 201 HardshipAttachmentSchema. */
export const CERTIFICATES_PATH = "/api/v1/me/hardship/attachments";
export const CERTIFICATE_FIELD = "file";

const refusal = (code: "HARDSHIP_ATTACHMENT_TOO_LARGE" | "HARDSHIP_ATTACHMENT_TYPE", status: number) =>
  new ApiError({ code, status, message: errorMessage(code) });

/** What the server would refuse anyway (size; type where the platform tells it). Null when it may be sent. */
export function checkCertificate(file: { size: number; type?: string }): ApiError | null {
  if (file.size > HARDSHIP_ATTACHMENT_LIMITS.maxBytes) return refusal("HARDSHIP_ATTACHMENT_TOO_LARGE", 413);
  const types: readonly string[] = HARDSHIP_ATTACHMENT_LIMITS.types;
  if (file.type && !types.includes(file.type.toLowerCase())) return refusal("HARDSHIP_ATTACHMENT_TYPE", 415);
  return null;
}

/** The stored attachment from a 2xx answer, checked. */
export function certificateFromBody(body: unknown): HardshipAttachmentView {
  const parsed = HardshipAttachmentSchema.safeParse(parseJsonText(body));
  if (!parsed.success) throw new ApiError({ code: "UPLOAD_FAILED", status: 0, message: "证明材料上传失败，请重试" });
  return parsed.data;
}

/** What the resident reads under a file that did not upload, and whether another try may help. */
export function certificateFailure(err: unknown): { message: string; retryable: boolean } {
  if (err instanceof ApiError) {
    if (err.code === "HARDSHIP_ATTACHMENT_TOO_LARGE" || err.status === 413) {
      return { message: errorMessage("HARDSHIP_ATTACHMENT_TOO_LARGE"), retryable: false };
    }
    if (err.code === "HARDSHIP_ATTACHMENT_TYPE" || err.status === 415) {
      return { message: errorMessage("HARDSHIP_ATTACHMENT_TYPE"), retryable: false };
    }
    if (err.code === "UPLOAD_MISSING") return { message: err.message, retryable: false };
    return { message: err.message, retryable: true };
  }
  return { message: err instanceof Error ? err.message : "证明材料上传失败，请重试", retryable: true };
}

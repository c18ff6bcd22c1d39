import { errorMessage, type PhotoView, PhotoSchema, UPLOAD_LIMITS } from "@warmline/shared";
import { ApiError, describeError } from "./errors";

/** POST multipart/form-data, the file in field "file" → 201 PhotoSchema. */
export const PHOTOS_PATH = "/api/v1/me/photos";
export const PHOTO_FIELD = "file";

const uploadError = (code: "UPLOAD_TOO_LARGE" | "UPLOAD_BAD_TYPE", status: number) =>
  new ApiError({ code, status, message: errorMessage(code) });

/**
 * The checks the server makes that the client can make first (no point sending 8 MB to be refused): the
 * size, and the type where the platform tells it (H5). Null when the photo may be sent.
 */
export function checkPhoto(photo: { size: number; type?: string }): ApiError | null {
  if (photo.size > UPLOAD_LIMITS.maxBytes) return uploadError("UPLOAD_TOO_LARGE", 413);
  const types: readonly string[] = UPLOAD_LIMITS.types;
  if (photo.type && !types.includes(photo.type.toLowerCase())) return uploadError("UPLOAD_BAD_TYPE", 415);
  return null;
}

/** uploadFile hands the body over as text: JSON when it is JSON, else the text as it is. */
export function parseJsonText(data: unknown): unknown {
  if (typeof data !== "string") return data;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

/** The stored photo from a 2xx answer, checked: an answer that is not one is a failed upload. */
export function photoFromBody(body: unknown): PhotoView {
  const parsed = PhotoSchema.safeParse(parseJsonText(body));
  if (!parsed.success) throw new ApiError({ code: "UPLOAD_FAILED", status: 0, message: "照片上传失败，请重试" });
  return parsed.data;
}

/**
 * What the resident reads under a photo that did not upload, and whether another try may help. A 413 or
 * 415 is about the photo itself, whether the API or a proxy in front of it answered (e.g. nginx's HTML page
 * for 413); anything else keeps its message (network, session, server trouble) and may be tried again.
 */
export function uploadFailure(err: unknown): { message: string; retryable: boolean } {
  if (err instanceof ApiError) {
    if (err.code === "UPLOAD_TOO_LARGE" || err.status === 413) {
      return { message: errorMessage("UPLOAD_TOO_LARGE"), retryable: false };
    }
    if (err.code === "UPLOAD_BAD_TYPE" || err.status === 415) {
      return { message: errorMessage("UPLOAD_BAD_TYPE"), retryable: false };
    }
    if (err.code === "UPLOAD_MISSING") return { message: err.message, retryable: false };
    // a malformed upload: the message for the field "file" says what to do
    const field = err.code === "VALIDATION_FAILED" ? err.fieldErrors().file : undefined;
    if (field) return { message: field, retryable: false };
  }
  return { message: describeError(err), retryable: true };
}

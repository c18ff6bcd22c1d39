import { type PhotoView, UPLOAD_LIMITS } from "@warmline/shared";
import { apiBase } from "./config";
import { networkError } from "./errors";
import type { PickedPhoto, PickOutcome, PlatformPhotos } from "./photos";
import { type RawResponse, withSession } from "./request";
import { checkPhoto, PHOTO_FIELD, PHOTOS_PATH, parseJsonText, photoFromBody } from "./upload";

/** The hidden file input's id: browser tests can also set files on it while it is open. */
export const FILE_INPUT_ID = "ticketPhotoInput";

type FileDocument = Pick<Document, "createElement" | "getElementById"> & { body: Pick<HTMLElement, "appendChild"> };

/**
 * H5: the browser's own file dialog, through a hidden <input type=file> added for the occasion (the page's
 * components are Taro's, which have no file input). A dialog closed without a choice may never say so
 * (older browsers fire no "cancel"): a left-over input is removed when the next one opens.
 */
export function pickFiles(max: number, doc: FileDocument = document): Promise<PickOutcome> {
  if (max <= 0) return Promise.resolve({ kind: "cancelled" });
  doc.getElementById(FILE_INPUT_ID)?.remove();
  return new Promise((resolve) => {
    const input = doc.createElement("input");
    input.type = "file";
    input.id = FILE_INPUT_ID;
    input.accept = UPLOAD_LIMITS.types.join(",");
    input.multiple = max > 1;
    input.style.display = "none";
    const finish = (outcome: PickOutcome) => {
      input.remove();
      resolve(outcome);
    };
    input.addEventListener("change", () => {
      const files = Array.from(input.files ?? []).slice(0, max);
      if (!files.length) {
        finish({ kind: "cancelled" });
        return;
      }
      const photos = files.map(
        (file): PickedPhoto => ({
          preview: URL.createObjectURL(file),
          size: file.size,
          type: file.type || undefined,
          file,
          name: file.name,
        }),
      );
      finish({ kind: "picked", photos });
    });
    input.addEventListener("cancel", () => finish({ kind: "cancelled" }));
    doc.body.appendChild(input);
    input.click();
  });
}

/** A file name the server can take the extension from when the browser gave none. */
function fileName(photo: PickedPhoto): string {
  if (photo.name) return photo.name;
  const ext = photo.type === "image/png" ? "png" : photo.type === "image/webp" ? "webp" : "jpg";
  return `photo.${ext}`;
}

async function sendForm(photo: PickedPhoto, accessToken: string | undefined): Promise<RawResponse> {
  const form = new FormData();
  form.append(PHOTO_FIELD, photo.file as Blob, fileName(photo));
  // no Content-Type: the browser sets multipart/form-data with its boundary
  const headers: Record<string, string> = { Accept: "application/json" };
  if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
  let res: Response;
  try {
    res = await fetch(`${apiBase}${PHOTOS_PATH}`, { method: "POST", headers, body: form });
  } catch (err) {
    throw networkError(err);
  }
  const text = await res.text().catch(() => "");
  return { status: res.status, data: parseJsonText(text) };
}

/** fetch with FormData (field "file"), the access token renewed once on 401 like every request. */
export async function uploadFormPhoto(photo: PickedPhoto): Promise<PhotoView> {
  const refused = checkPhoto(photo);
  if (refused) throw refused;
  if (!photo.file) throw new Error("no file to upload");
  return photoFromBody(await withSession<unknown>((token) => sendForm(photo, token)));
}

export const platformPhotos: PlatformPhotos = {
  pick: (max) => pickFiles(max),
  upload: uploadFormPhoto,
  release(photo) {
    if (photo.preview.startsWith("blob:")) URL.revokeObjectURL(photo.preview);
  },
};

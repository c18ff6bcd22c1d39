/**
 * 入户走访 on a phone: what is typed is kept in localStorage as a draft (one per worker and household) until
 * the server has the visit, so a dropped 4G connection loses nothing; photos are shrunk in the browser before
 * they are sent (or kept in the draft as small JPEG data URLs while offline).
 */

export interface DraftPhoto {
  /** the stored photo's id once uploaded */
  id?: number;
  /** the resized JPEG while not yet uploaded (offline) */
  dataUrl?: string;
  /** the preview to show */
  preview: string;
}

export interface VisitDraft {
  accountId: number;
  /** sent as clientKey: saving the same draft twice records one visit */
  clientKey: string;
  startedAt: string;
  kind: string;
  outcome: string;
  tempC?: number | null;
  tempMethod?: string | null;
  faultsFound?: string;
  faultsFixed?: string;
  policyExplained: string[];
  position?: string | null;
  promisedDate?: string | null;
  reason?: string;
  notes?: string;
  photos: DraftPhoto[];
  location?: { lat: number; lng: number; accuracyM: number | null } | null;
  /** the resident's signature: the PNG (data URL) drawn on the pad, and its id once uploaded */
  signature?: { dataUrl: string; id?: number } | null;
  /** the save failed for want of a connection: waiting to be sent */
  pending?: boolean;
  savedAt: string;
}

const PREFIX = "warmline.visitDraft";
const key = (staffId: number, accountId: number) => `${PREFIX}.${staffId}.${accountId}`;

export function loadDraft(staffId: number, accountId: number): VisitDraft | null {
  try {
    const raw = localStorage.getItem(key(staffId, accountId));
    return raw ? (JSON.parse(raw) as VisitDraft) : null;
  } catch {
    return null;
  }
}

/** Saves the draft; a full storage (big photos) drops the not-yet-uploaded photos rather than the text. */
export function saveDraft(staffId: number, draft: VisitDraft): void {
  const value = { ...draft, savedAt: new Date().toISOString() };
  try {
    localStorage.setItem(key(staffId, draft.accountId), JSON.stringify(value));
  } catch {
    const lean = { ...value, photos: value.photos.filter((p) => p.id !== undefined) };
    localStorage.setItem(key(staffId, draft.accountId), JSON.stringify(lean));
  }
}

export function dropDraft(staffId: number, accountId: number): void {
  localStorage.removeItem(key(staffId, accountId));
}

/** Every draft of this worker (the banner counts those waiting for a connection). */
export function allDrafts(staffId: number): VisitDraft[] {
  const out: VisitDraft[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const k = localStorage.key(i);
    if (!k?.startsWith(`${PREFIX}.${staffId}.`)) continue;
    try {
      out.push(JSON.parse(localStorage.getItem(k) ?? "") as VisitDraft);
    } catch {
      /* a broken entry is skipped */
    }
  }
  return out;
}

export function newClientKey(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `v${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** The longest side of a photo after resizing: enough to read a thermometer, ~150–300 KB as JPEG. */
export const MAX_PHOTO_SIDE = 1280;

/**
 * Shrinks an image to at most MAX_PHOTO_SIDE on its longest side and re-encodes it as JPEG (quality 0.8).
 * Images already small enough are re-encoded too (drops EXIF location and makes the upload small).
 */
export async function resizeImage(file: Blob, maxSide = MAX_PHOTO_SIDE): Promise<Blob> {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const w = Math.max(1, Math.round(bitmap.width * scale));
  const h = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement("canvas");
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("无法处理照片");
  ctx.drawImage(bitmap, 0, 0, w, h);
  bitmap.close?.();
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("无法处理照片"))), "image/jpeg", 0.8),
  );
}

export function blobToDataUrl(b: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(b);
  });
}

/**
 * Decodes a base64 data URL here rather than with fetch(): the console's CSP (connect-src 'self') refuses a
 * fetch of a data: URL, which would look like a dropped connection and strand the draft.
 */
export async function dataUrlToBlob(url: string): Promise<Blob> {
  const m = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(url);
  if (!m) throw new Error("无法读取草稿中的图片");
  const type = m[1] ?? "application/octet-stream";
  const payload = m[3] ?? "";
  if (!m[2]) return new Blob([decodeURIComponent(payload)], { type });
  const bin = atob(payload);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes], { type });
}

/** A failure that means "no connection" (fetch rejected, or the browser says it is offline), not a refusal. */
export function isOffline(e: unknown): boolean {
  if (typeof navigator !== "undefined" && navigator.onLine === false) return true;
  if (e instanceof TypeError) return true;
  const status = (e as { status?: unknown; code?: unknown } | null)?.status;
  return status === 0 || (e as { code?: unknown } | null)?.code === "NETWORK_ERROR";
}

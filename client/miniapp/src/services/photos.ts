import type { PhotoView } from "@warmline/shared";

/** A photo the resident picked, not uploaded yet. */
export interface PickedPhoto {
  /** what <Image src> shows before the upload: a temporary file path, or a blob: URL on H5 */
  preview: string;
  /** bytes; 0 when the platform does not say */
  size: number;
  /** MIME type where the platform tells it (H5) */
  type?: string;
  /** mini-programs: the temporary file to upload */
  path?: string;
  /** H5: the chosen file */
  file?: Blob;
  /** H5: the file's name */
  name?: string;
}

export type PickOutcome =
  | { kind: "picked"; photos: PickedPhoto[] }
  | { kind: "cancelled" }
  | { kind: "failed"; message: string };

/**
 * How this platform picks and uploads photos (POST /me/photos). The build picks photos.weapp.ts,
 * photos.alipay.ts or photos.h5.ts for `import "./photos"`; this file is the shared type and the
 * fallback. Only types may be shared from here: the build replaces this whole module per platform.
 */
export interface PlatformPhotos {
  /** Lets the resident choose up to `max` photos (album or camera). */
  pick(max: number): Promise<PickOutcome>;
  /** Uploads one photo; throws ApiError (UPLOAD_TOO_LARGE, UPLOAD_BAD_TYPE, …) when it is refused. */
  upload(photo: PickedPhoto): Promise<PhotoView>;
  /** The photo is no longer shown: free what its preview holds. */
  release(photo: PickedPhoto): void;
}

export const platformPhotos: PlatformPhotos = {
  pick: () => Promise.resolve({ kind: "failed", message: "当前平台暂不支持上传照片" }),
  upload: () => Promise.reject(new Error("当前平台暂不支持上传照片")),
  release: () => undefined,
};

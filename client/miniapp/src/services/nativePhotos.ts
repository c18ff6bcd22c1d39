import Taro from "@tarojs/taro";
import type { PhotoView } from "@warmline/shared";
import { apiBase } from "./config";
import { networkError } from "./errors";
import type { PickedPhoto, PickOutcome } from "./photos";
import { type RawResponse, statusOf, withSession } from "./request";
import { checkPhoto, PHOTO_FIELD, PHOTOS_PATH, parseJsonText, photoFromBody } from "./upload";

/** WeChat says errMsg "chooseImage:fail cancel"; Alipay error 11 (用户取消操作). */
function isCancel(err: unknown): boolean {
  if (!err || typeof err !== "object") return false;
  const { errMsg, error, errorMessage } = err as { errMsg?: unknown; error?: unknown; errorMessage?: unknown };
  return error === 11 || /cancel|取消/i.test(`${String(errMsg ?? "")} ${String(errorMessage ?? "")}`);
}

/**
 * Mini-programs (WeChat, Alipay): the platform's album / camera sheet, compressed photos. Taro hands
 * Alipay's apFilePaths over as tempFilePaths; Alipay may not give sizes (0: the server checks).
 */
export async function chooseNativePhotos(max: number): Promise<PickOutcome> {
  if (max <= 0) return { kind: "cancelled" };
  try {
    const res = await Taro.chooseImage({ count: max, sizeType: ["compressed"], sourceType: ["album", "camera"] });
    const files: { path: string; size: number }[] = res.tempFiles?.length
      ? res.tempFiles.map((f) => ({ path: f.path, size: Number(f.size) || 0 }))
      : (res.tempFilePaths ?? []).map((path) => ({ path, size: 0 }));
    const photos = files.slice(0, max).map((f) => ({ preview: f.path, path: f.path, size: f.size }));
    return photos.length ? { kind: "picked", photos } : { kind: "cancelled" };
  } catch (err) {
    if (isCancel(err)) return { kind: "cancelled" };
    return { kind: "failed", message: "无法选择照片，请检查相册和相机权限后重试" };
  }
}

async function sendFile(filePath: string, accessToken: string | undefined): Promise<RawResponse> {
  const header: Record<string, string> = { Accept: "application/json" };
  if (accessToken) header.Authorization = `Bearer ${accessToken}`;
  // Alipay also needs fileType (Taro renames name to fileName there)
  const options = { url: `${apiBase}${PHOTOS_PATH}`, filePath, name: PHOTO_FIELD, fileType: "image", header };
  try {
    const res = await Taro.uploadFile(options as Taro.uploadFile.Option);
    const data = parseJsonText(res.data);
    // Alipay may leave the status out: then the body tells (an error body is a refusal)
    const reported = Number(res.statusCode);
    const failed = data !== null && typeof data === "object" && "error" in data;
    return { status: reported >= 100 ? reported : failed ? 400 : 200, data };
  } catch (err) {
    // Alipay rejects on HTTP error statuses but still hands over the response
    const status = statusOf(err);
    if (status !== null) return { status, data: parseJsonText((err as { data?: unknown }).data) };
    throw networkError(err);
  }
}

/** wx.uploadFile / my.uploadFile with the access token (renewed once on 401, like every request). */
export async function uploadNativePhoto(photo: PickedPhoto): Promise<PhotoView> {
  const refused = checkPhoto(photo);
  if (refused) throw refused;
  const filePath = photo.path ?? photo.preview;
  return photoFromBody(await withSession<unknown>((token) => sendFile(filePath, token)));
}

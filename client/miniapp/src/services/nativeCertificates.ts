import Taro from "@tarojs/taro";
import type { HardshipAttachmentView } from "@warmline/shared";
import type { CertificatePick, PickedCertificate } from "./certificates";
import { CERTIFICATE_FIELD, CERTIFICATES_PATH, certificateFromBody, checkCertificate } from "./certificateFiles";
import { apiBase } from "./config";
import { networkError } from "./errors";
import { chooseNativePhotos } from "./nativePhotos";
import { type RawResponse, statusOf, withSession } from "./request";
import { parseJsonText } from "./upload";

/** Mini-programs: certificate photos from the album or camera (a PDF scan is sent from the H5 page or by staff). */
export async function chooseNativeCertificates(max: number): Promise<CertificatePick> {
  const outcome = await chooseNativePhotos(max);
  if (outcome.kind !== "picked") return outcome;
  return { kind: "picked", files: outcome.photos.map((p) => ({ ...p, pdf: false })) };
}

async function sendFile(filePath: string, accessToken: string | undefined): Promise<RawResponse> {
  const header: Record<string, string> = { Accept: "application/json" };
  if (accessToken) header.Authorization = `Bearer ${accessToken}`;
  const options = {
    url: `${apiBase}${CERTIFICATES_PATH}`,
    filePath,
    name: CERTIFICATE_FIELD,
    fileType: "image",
    header,
  };
  try {
    const res = await Taro.uploadFile(options as Taro.uploadFile.Option);
    const data = parseJsonText(res.data);
    const reported = Number(res.statusCode);
    const failed = data !== null && typeof data === "object" && "error" in data;
    return { status: reported >= 100 ? reported : failed ? 400 : 200, data };
  } catch (err) {
    const status = statusOf(err);
    if (status !== null) return { status, data: parseJsonText((err as { data?: unknown }).data) };
    throw networkError(err);
  }
}

/** wx.uploadFile / my.uploadFile with the access token (renewed once on 401). */
export async function uploadNativeCertificate(picked: PickedCertificate): Promise<HardshipAttachmentView> {
  const refused = checkCertificate(picked);
  if (refused) throw refused;
  const filePath = picked.path ?? picked.preview;
  return certificateFromBody(await withSession<unknown>((token) => sendFile(filePath, token)));
}

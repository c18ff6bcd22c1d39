import Taro from "@tarojs/taro";
import { errorMessage } from "@warmline/shared";
import type { OpenOutcome } from "./pdfFile";

const DOWNLOAD_FAILED = "发票文件下载失败，请检查网络后重试";

/**
 * Mini-programs (WeChat, Alipay): download the PDF to a temporary file, then open it in the platform's
 * document viewer, with its menu (forward, save). Taro hands Alipay's apFilePath over as tempFilePath.
 * The file's host must be on the mini-program's downloadFile domain list.
 */
export async function downloadAndOpenPdf(url: string): Promise<OpenOutcome> {
  let filePath: string;
  try {
    const res = await Taro.downloadFile({ url });
    // Alipay may report no status at all: only a status that is there can refuse the file
    const status = typeof res.statusCode === "number" ? res.statusCode : 200;
    if (status === 404 || status === 410) return { kind: "failed", message: errorMessage("FILE_LINK_INVALID") };
    if (status < 200 || status >= 300 || !res.tempFilePath) return { kind: "failed", message: DOWNLOAD_FAILED };
    filePath = res.tempFilePath;
  } catch {
    return { kind: "failed", message: DOWNLOAD_FAILED };
  }
  try {
    await Taro.openDocument({ filePath, fileType: "pdf", showMenu: true });
    return { kind: "opened" };
  } catch {
    return { kind: "failed", message: "无法打开发票文件，请稍后重试" };
  }
}

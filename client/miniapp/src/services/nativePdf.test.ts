import { beforeEach, describe, expect, it, vi } from "vitest";

/** Taro stand-in: downloadFile and openDocument as the mini-program runtimes answer them. */
const taro = vi.hoisted(() => ({ downloadFile: vi.fn(), openDocument: vi.fn() }));
vi.mock("@tarojs/taro", () => ({ default: taro }));

import { platformPdf as alipayPdf } from "./pdfFile.alipay";
import { platformPdf as weappPdf } from "./pdfFile.weapp";

const URL = "http://api.test/api/v1/files/inv-9.pdf?sig=abc";

beforeEach(() => {
  taro.downloadFile.mockReset();
  taro.openDocument.mockReset();
});

describe.each([
  ["WeChat", weappPdf],
  ["Alipay", alipayPdf],
])("%s platformPdf", (_name, platformPdf) => {
  it("downloads the absolute URL, then opens the file as a PDF with its menu", async () => {
    taro.downloadFile.mockResolvedValue({ statusCode: 200, tempFilePath: "wxfile://tmp/inv-9.pdf" });
    taro.openDocument.mockResolvedValue({ errMsg: "openDocument:ok" });
    await expect(platformPdf.open(URL)).resolves.toEqual({ kind: "opened" });
    expect(taro.downloadFile).toHaveBeenCalledWith({ url: URL });
    expect(taro.openDocument).toHaveBeenCalledWith({
      filePath: "wxfile://tmp/inv-9.pdf",
      fileType: "pdf",
      showMenu: true,
    });
  });

  it("accepts a download without a status (Alipay reports only the file path)", async () => {
    taro.downloadFile.mockResolvedValue({ tempFilePath: "https://resource/apml1.pdf" });
    taro.openDocument.mockResolvedValue({});
    await expect(platformPdf.open(URL)).resolves.toEqual({ kind: "opened" });
    expect(taro.openDocument.mock.calls[0][0]).toMatchObject({ filePath: "https://resource/apml1.pdf" });
  });

  it("does not open an error page: an expired link says so", async () => {
    taro.downloadFile.mockResolvedValue({ statusCode: 404, tempFilePath: "wxfile://tmp/x" });
    await expect(platformPdf.open(URL)).resolves.toEqual({
      kind: "failed",
      message: "文件链接无效或已过期，请重新打开",
    });
    taro.downloadFile.mockResolvedValue({ statusCode: 500, tempFilePath: "wxfile://tmp/x" });
    await expect(platformPdf.open(URL)).resolves.toMatchObject({ kind: "failed" });
    expect(taro.openDocument).not.toHaveBeenCalled();
  });

  it("reports a failed download or viewer", async () => {
    taro.downloadFile.mockRejectedValueOnce({ errMsg: "downloadFile:fail url not in domain list" });
    await expect(platformPdf.open(URL)).resolves.toEqual({
      kind: "failed",
      message: "发票文件下载失败，请检查网络后重试",
    });
    taro.downloadFile.mockResolvedValue({ statusCode: 200, tempFilePath: "wxfile://tmp/inv-9.pdf" });
    taro.openDocument.mockRejectedValueOnce({ errMsg: "openDocument:fail filetype not supported" });
    await expect(platformPdf.open(URL)).resolves.toEqual({
      kind: "failed",
      message: "无法打开发票文件，请稍后重试",
    });
  });
});

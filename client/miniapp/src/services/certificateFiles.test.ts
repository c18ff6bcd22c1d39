import { describe, expect, it } from "vitest";
import { certificateFailure, certificateFromBody, checkCertificate } from "./certificateFiles";
import { ApiError } from "./errors";

describe("certificate files (困难申请证明材料)", () => {
  it("refuses before sending what the server refuses: over 5 MB, not a photo or PDF", () => {
    expect(checkCertificate({ size: 5 * 1024 * 1024 + 1, type: "image/png" })?.code).toBe(
      "HARDSHIP_ATTACHMENT_TOO_LARGE",
    );
    expect(checkCertificate({ size: 10, type: "text/plain" })?.code).toBe("HARDSHIP_ATTACHMENT_TYPE");
    expect(checkCertificate({ size: 10, type: "application/pdf" })).toBeNull();
    expect(checkCertificate({ size: 10 })).toBeNull(); // the platform did not say: the server checks
  });
  it("says in Chinese why an upload failed, and whether trying again may help", () => {
    const type = certificateFailure(new ApiError({ code: "X", status: 415, message: "" }));
    expect(type).toEqual({ message: "证明材料只能是JPG、PNG、WebP照片或PDF文件", retryable: false });
    const net = certificateFailure(new ApiError({ code: "NETWORK", status: 0, message: "网络连接失败" }));
    expect(net).toEqual({ message: "网络连接失败", retryable: true });
  });
  it("takes only a well-formed answer as an upload", () => {
    const ok = { id: 3, url: "/api/v1/files/h3", mime: "image/png", size: 70 };
    expect(certificateFromBody(JSON.stringify(ok))).toEqual(ok);
    expect(() => certificateFromBody("<html>")).toThrow("证明材料上传失败，请重试");
  });
});

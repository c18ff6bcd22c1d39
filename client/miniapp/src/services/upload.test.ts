import { describe, expect, it } from "vitest";
import { ApiError, toApiError } from "./errors";
import { checkPhoto, parseJsonText, photoFromBody, uploadFailure } from "./upload";

const MB = 1024 * 1024;
const PHOTO = { id: 31, url: "/api/v1/files/p31.jpg?sig=abc", mime: "image/jpeg", size: 204_800 };

describe("checkPhoto", () => {
  it("lets JPG, PNG and WebP up to 5 MB through", () => {
    expect(checkPhoto({ size: 5 * MB, type: "image/jpeg" })).toBeNull();
    expect(checkPhoto({ size: 10, type: "image/PNG" })).toBeNull();
    expect(checkPhoto({ size: 10, type: "image/webp" })).toBeNull();
    // the mini-programs do not say the type (and Alipay not the size): the server checks
    expect(checkPhoto({ size: 0 })).toBeNull();
  });

  it("refuses what the server would refuse, with its messages", () => {
    expect(checkPhoto({ size: 5 * MB + 1, type: "image/jpeg" })).toMatchObject({
      code: "UPLOAD_TOO_LARGE",
      status: 413,
      message: "照片不能超过5MB",
    });
    expect(checkPhoto({ size: 10, type: "image/heic" })).toMatchObject({
      code: "UPLOAD_BAD_TYPE",
      status: 415,
      message: "只能上传JPG、PNG或WebP格式的照片",
    });
  });
});

describe("photoFromBody", () => {
  it("reads the stored photo from JSON text or an object", () => {
    expect(photoFromBody(JSON.stringify(PHOTO))).toEqual(PHOTO);
    expect(photoFromBody(PHOTO)).toEqual(PHOTO);
  });

  it("treats anything else as a failed upload", () => {
    expect(() => photoFromBody("<html>502 Bad Gateway</html>")).toThrow("照片上传失败，请重试");
    expect(() => photoFromBody({ id: "x" })).toThrow(ApiError);
  });

  it("parses JSON text and keeps other text", () => {
    expect(parseJsonText('{"a":1}')).toEqual({ a: 1 });
    expect(parseJsonText("oops")).toBe("oops");
    expect(parseJsonText(null)).toBeNull();
  });
});

describe("uploadFailure", () => {
  it("shows the server's upload errors, not to be tried again", () => {
    const tooLarge = toApiError(413, { error: { code: "UPLOAD_TOO_LARGE", message: "照片不能超过5MB" } });
    expect(uploadFailure(tooLarge)).toEqual({ message: "照片不能超过5MB", retryable: false });
    const badType = toApiError(415, {
      error: { code: "UPLOAD_BAD_TYPE", message: "只能上传JPG、PNG或WebP格式的照片" },
    });
    expect(uploadFailure(badType)).toEqual({ message: "只能上传JPG、PNG或WebP格式的照片", retryable: false });
  });

  it("reads a proxy's 413 / 415 page (not the API's shape) as the same errors", () => {
    expect(uploadFailure(toApiError(413, "<html>413 Request Entity Too Large</html>"))).toEqual({
      message: "照片不能超过5MB",
      retryable: false,
    });
    expect(uploadFailure(toApiError(415, ""))).toEqual({
      message: "只能上传JPG、PNG或WebP格式的照片",
      retryable: false,
    });
  });

  it("shows the message for the file of a malformed upload", () => {
    const malformed = toApiError(400, {
      error: {
        code: "VALIDATION_FAILED",
        message: "提交的信息有误，请检查后重试",
        details: [{ path: "file", message: "上传内容格式错误，请重新选择照片" }],
      },
    });
    expect(uploadFailure(malformed)).toEqual({ message: "上传内容格式错误，请重新选择照片", retryable: false });
  });

  it("keeps other messages and lets them be tried again", () => {
    const offline = new ApiError({ code: "NETWORK_ERROR", status: 0, message: "网络连接失败，请检查网络后重试" });
    expect(uploadFailure(offline)).toEqual({ message: "网络连接失败，请检查网络后重试", retryable: true });
    expect(uploadFailure(toApiError(503, null))).toEqual({ message: "服务暂时不可用，请稍后再试", retryable: true });
    expect(uploadFailure(new Error("x"))).toEqual({ message: "系统繁忙，请稍后再试", retryable: true });
  });
});

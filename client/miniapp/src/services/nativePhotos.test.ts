import { beforeEach, describe, expect, it, vi } from "vitest";

/** Taro stand-in: storage with a session, chooseImage, uploadFile, and request for the token refresh. */
const taro = vi.hoisted(() => {
  const storage = new Map<string, unknown>();
  return {
    storage,
    api: {
      chooseImage: vi.fn(),
      uploadFile: vi.fn(),
      request: vi.fn(),
      getStorageSync: vi.fn((key: string) => (storage.has(key) ? storage.get(key) : "")),
      setStorageSync: vi.fn((key: string, value: unknown) => void storage.set(key, value)),
      removeStorageSync: vi.fn((key: string) => void storage.delete(key)),
      reLaunch: vi.fn(() => Promise.resolve()),
      getCurrentPages: vi.fn(() => [{ route: "pages/report/index" }]),
    },
  };
});
vi.mock("@tarojs/taro", () => ({ default: taro.api }));

import { platformPhotos as alipayPhotos } from "./photos.alipay";
import { platformPhotos as weappPhotos } from "./photos.weapp";

const PHOTO = { id: 31, url: "/api/v1/files/p31.jpg?sig=abc", mime: "image/jpeg", size: 204_800 };
const picked = (size = 204_800) => ({ preview: "wxfile://tmp/a.jpg", path: "wxfile://tmp/a.jpg", size });
const errorBody = (code: string, message: string) => JSON.stringify({ error: { code, message } });

beforeEach(() => {
  taro.storage.clear();
  taro.storage.set("warmline.tokens", { accessToken: "access-1", refreshToken: "refresh-1", expiresAt: 0 });
  taro.api.chooseImage.mockReset();
  taro.api.uploadFile.mockReset();
  taro.api.request.mockReset();
  taro.api.reLaunch.mockClear();
});

describe.each([
  ["WeChat", weappPhotos],
  ["Alipay", alipayPhotos],
])("%s platformPhotos", (_name, platformPhotos) => {
  it("picks compressed photos from the album or the camera, no more than room is left", async () => {
    taro.api.chooseImage.mockResolvedValue({
      tempFilePaths: ["wxfile://a.jpg", "wxfile://b.jpg", "wxfile://c.jpg"],
      tempFiles: [
        { path: "wxfile://a.jpg", size: 1000 },
        { path: "wxfile://b.jpg", size: 2000 },
        { path: "wxfile://c.jpg", size: 3000 },
      ],
    });
    const outcome = await platformPhotos.pick(2);
    expect(taro.api.chooseImage).toHaveBeenCalledWith({
      count: 2,
      sizeType: ["compressed"],
      sourceType: ["album", "camera"],
    });
    expect(outcome).toEqual({
      kind: "picked",
      photos: [
        { preview: "wxfile://a.jpg", path: "wxfile://a.jpg", size: 1000 },
        { preview: "wxfile://b.jpg", path: "wxfile://b.jpg", size: 2000 },
      ],
    });
  });

  it("takes the paths alone when no sizes come (older Alipay)", async () => {
    taro.api.chooseImage.mockResolvedValue({ tempFilePaths: ["https://resource/apml1.jpg"] });
    await expect(platformPhotos.pick(9)).resolves.toEqual({
      kind: "picked",
      photos: [{ preview: "https://resource/apml1.jpg", path: "https://resource/apml1.jpg", size: 0 }],
    });
  });

  it("tells a cancel from a failure", async () => {
    taro.api.chooseImage.mockRejectedValueOnce({ errMsg: "chooseImage:fail cancel" });
    await expect(platformPhotos.pick(9)).resolves.toEqual({ kind: "cancelled" });
    taro.api.chooseImage.mockRejectedValueOnce({ error: 11, errorMessage: "用户取消操作" });
    await expect(platformPhotos.pick(9)).resolves.toEqual({ kind: "cancelled" });
    taro.api.chooseImage.mockRejectedValueOnce({ errMsg: "chooseImage:fail auth deny" });
    await expect(platformPhotos.pick(9)).resolves.toMatchObject({ kind: "failed" });
  });

  it("uploads the file as field 'file' with the access token and reads the stored photo", async () => {
    taro.api.uploadFile.mockResolvedValue({ statusCode: 201, data: JSON.stringify(PHOTO) });
    await expect(platformPhotos.upload(picked())).resolves.toEqual(PHOTO);
    expect(taro.api.uploadFile).toHaveBeenCalledWith({
      url: "http://api.test/api/v1/me/photos",
      filePath: "wxfile://tmp/a.jpg",
      name: "file",
      fileType: "image",
      header: { Accept: "application/json", Authorization: "Bearer access-1" },
    });
  });

  it("does not send a photo over 5 MB", async () => {
    await expect(platformPhotos.upload(picked(6 * 1024 * 1024))).rejects.toMatchObject({ code: "UPLOAD_TOO_LARGE" });
    expect(taro.api.uploadFile).not.toHaveBeenCalled();
  });

  it("turns the server's refusals into ApiErrors with its message", async () => {
    taro.api.uploadFile.mockResolvedValueOnce({
      statusCode: 415,
      data: errorBody("UPLOAD_BAD_TYPE", "只能上传JPG、PNG或WebP格式的照片"),
    });
    await expect(platformPhotos.upload(picked())).rejects.toMatchObject({ code: "UPLOAD_BAD_TYPE", status: 415 });
    // Alipay: the rejection carries the response
    taro.api.uploadFile.mockRejectedValueOnce({
      statusCode: 413,
      data: errorBody("UPLOAD_TOO_LARGE", "照片不能超过5MB"),
    });
    await expect(platformPhotos.upload(picked())).rejects.toMatchObject({ code: "UPLOAD_TOO_LARGE", status: 413 });
    // Alipay may give no status: an error body is still a refusal
    taro.api.uploadFile.mockResolvedValueOnce({ data: errorBody("UPLOAD_MISSING", "请选择要上传的照片") });
    await expect(platformPhotos.upload(picked())).rejects.toMatchObject({ code: "UPLOAD_MISSING" });
    taro.api.uploadFile.mockRejectedValueOnce({ errMsg: "uploadFile:fail timeout" });
    await expect(platformPhotos.upload(picked())).rejects.toMatchObject({ code: "NETWORK_ERROR" });
  });

  it("renews an expired session once and uploads again", async () => {
    taro.api.uploadFile
      .mockResolvedValueOnce({ statusCode: 401, data: errorBody("TOKEN_EXPIRED", "登录已过期") })
      .mockResolvedValueOnce({ statusCode: 201, data: JSON.stringify(PHOTO) });
    taro.api.request.mockResolvedValue({
      statusCode: 200,
      data: { accessToken: "access-2", refreshToken: "refresh-2", expiresIn: 900 },
    });
    await expect(platformPhotos.upload(picked())).resolves.toEqual(PHOTO);
    expect(taro.api.uploadFile.mock.calls[1][0].header.Authorization).toBe("Bearer access-2");
  });
});

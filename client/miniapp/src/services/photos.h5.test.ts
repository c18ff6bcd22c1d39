import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const taro = vi.hoisted(() => {
  const storage = new Map<string, unknown>();
  return {
    storage,
    api: {
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

import { FILE_INPUT_ID, pickFiles, platformPhotos } from "./photos.h5";

const PHOTO = { id: 31, url: "/api/v1/files/p31.jpg?sig=abc", mime: "image/jpeg", size: 3 };
const jpeg = (name = "a.jpg", size = 3, type = "image/jpeg") =>
  new File([new Uint8Array(size)], name, { type }) as File;

/** The dialog of every input opened: chooses `files` (null: closed without a choice); records the input. */
function chooseOnClick(files: File[] | null) {
  const opened: HTMLInputElement[] = [];
  vi.spyOn(HTMLInputElement.prototype, "click").mockImplementation(function (this: HTMLInputElement) {
    opened.push(this);
    expect(document.getElementById(FILE_INPUT_ID)).toBe(this); // in the document while open
    if (files === null) {
      this.dispatchEvent(new Event("cancel"));
      return;
    }
    Object.defineProperty(this, "files", { value: files, configurable: true });
    this.dispatchEvent(new Event("change"));
  });
  return opened;
}

beforeEach(() => {
  taro.storage.clear();
  taro.storage.set("warmline.tokens", { accessToken: "access-1", refreshToken: "refresh-1", expiresAt: 0 });
  vi.spyOn(URL, "createObjectURL").mockImplementation(() => "blob:http://page/1");
  vi.spyOn(URL, "revokeObjectURL").mockImplementation(() => undefined);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("H5 pickFiles", () => {
  it("opens a file input for JPG, PNG and WebP and takes no more than room is left", async () => {
    const opened = chooseOnClick([jpeg("a.jpg"), jpeg("b.jpg"), jpeg("c.jpg")]);
    const outcome = await pickFiles(2);
    expect(opened).toHaveLength(1);
    expect(opened[0]?.type).toBe("file");
    expect(opened[0]?.accept).toBe("image/jpeg,image/png,image/webp");
    expect(opened[0]?.multiple).toBe(true);
    expect(outcome.kind).toBe("picked");
    if (outcome.kind !== "picked") return;
    expect(outcome.photos.map((p) => [p.name, p.size, p.type, p.preview])).toEqual([
      ["a.jpg", 3, "image/jpeg", "blob:http://page/1"],
      ["b.jpg", 3, "image/jpeg", "blob:http://page/1"],
    ]);
    // the input is gone once used
    expect(document.getElementById(FILE_INPUT_ID)).toBeNull();
  });

  it("reports a dialog closed without a choice", async () => {
    chooseOnClick(null);
    await expect(pickFiles(9)).resolves.toEqual({ kind: "cancelled" });
    chooseOnClick([]);
    await expect(pickFiles(9)).resolves.toEqual({ kind: "cancelled" });
  });
});

describe("H5 upload", () => {
  it("posts FormData with the file in field 'file' and the access token", async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify(PHOTO), { status: 201 }));
    vi.stubGlobal("fetch", fetchMock);
    const file = jpeg("radiator.jpg");
    await expect(
      platformPhotos.upload({ preview: "blob:x", size: 3, type: "image/jpeg", file, name: "radiator.jpg" }),
    ).resolves.toEqual(PHOTO);
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("http://api.test/api/v1/me/photos");
    expect(init.method).toBe("POST");
    expect(init.headers).toEqual({ Accept: "application/json", Authorization: "Bearer access-1" });
    const sent = (init.body as FormData).get("file") as File;
    expect(sent.name).toBe("radiator.jpg");
    expect(sent.size).toBe(3);
  });

  it("refuses a file that is too large or of the wrong type before sending it", async () => {
    const fetchMock = vi.fn();
    vi.stubGlobal("fetch", fetchMock);
    const big = { preview: "blob:x", size: 6 * 1024 * 1024, type: "image/jpeg", file: jpeg() };
    await expect(platformPhotos.upload(big)).rejects.toMatchObject({ code: "UPLOAD_TOO_LARGE" });
    const heic = { preview: "blob:x", size: 3, type: "image/heic", file: jpeg("a.heic", 3, "image/heic") };
    await expect(platformPhotos.upload(heic)).rejects.toMatchObject({ code: "UPLOAD_BAD_TYPE" });
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("turns the server's refusal and a lost connection into ApiErrors", async () => {
    const body = JSON.stringify({ error: { code: "UPLOAD_TOO_LARGE", message: "照片不能超过5MB" } });
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(body, { status: 413 })),
    );
    const photo = { preview: "blob:x", size: 3, type: "image/jpeg", file: jpeg() };
    await expect(platformPhotos.upload(photo)).rejects.toMatchObject({
      code: "UPLOAD_TOO_LARGE",
      message: "照片不能超过5MB",
    });
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => {
        throw new TypeError("Failed to fetch");
      }),
    );
    await expect(platformPhotos.upload(photo)).rejects.toMatchObject({ code: "NETWORK_ERROR" });
  });

  it("frees a blob preview", () => {
    platformPhotos.release({ preview: "blob:http://page/1", size: 3 });
    platformPhotos.release({ preview: "wxfile://a.jpg", size: 3 });
    expect(URL.revokeObjectURL).toHaveBeenCalledTimes(1);
    expect(URL.revokeObjectURL).toHaveBeenCalledWith("blob:http://page/1");
  });
});

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { AppError } from "../../http/errors";
import { isStorageKey, LocalDiskStorage, newStorageKey } from "../../lib/storage";
import { fileLink, readFileToken } from "../invoices/links";
import { detectImageType, readMultipartFile } from "./photos";

const bytes = (...b: number[]) => Uint8Array.from(b);
const ascii = (s: string) => Buffer.from(s, "latin1");

describe("detectImageType (magic bytes, not names)", () => {
  it("knows JPEG, PNG and WebP by their first bytes", () => {
    expect(detectImageType(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10))).toBe("image/jpeg");
    expect(detectImageType(bytes(0xff, 0xd8, 0xff))).toBe("image/jpeg");
    expect(detectImageType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d))).toBe("image/png");
    expect(detectImageType(Buffer.concat([ascii("RIFF"), bytes(0x24, 0, 0, 0), ascii("WEBPVP8 ")]))).toBe("image/webp");
  });

  it("refuses everything else, and truncated or near-miss headers", () => {
    expect(detectImageType(ascii("MZ\x90\x00\x03\x00\x00\x00"))).toBeNull(); // a Windows .exe
    expect(detectImageType(ascii("GIF89a\x01\x00"))).toBeNull();
    expect(detectImageType(ascii("%PDF-1.7"))).toBeNull();
    expect(detectImageType(ascii("<svg xmlns='http://www.w3.org/2000/svg'/>"))).toBeNull();
    expect(detectImageType(ascii("hello, this is text saved as photo.jpg"))).toBeNull();
    expect(detectImageType(bytes())).toBeNull();
    expect(detectImageType(bytes(0xff, 0xd8))).toBeNull();
    expect(detectImageType(bytes(0x89, 0x50, 0x4e, 0x47))).toBeNull();
    expect(detectImageType(Buffer.concat([ascii("RIFF"), bytes(0, 0, 0, 0), ascii("WAVE")]))).toBeNull();
    expect(detectImageType(Buffer.concat([ascii("RIFF"), bytes(0, 0, 0)]))).toBeNull();
  });
});

describe("LocalDiskStorage", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "warmline-storage-"));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const storage = new LocalDiskStorage(path.join(root, "uploads"));

  it("puts, gets and deletes by key; a missing key is null, deleting it twice is fine", async () => {
    const key = newStorageKey("photos", "jpg");
    const data = Buffer.from([0xff, 0xd8, 0xff, 1, 2, 3]);
    await storage.put(key, data, "image/jpeg");
    expect(await storage.get(key)).toEqual(data);
    expect(fs.existsSync(path.join(root, "uploads", key))).toBe(true);
    await storage.delete(key);
    expect(await storage.get(key)).toBeNull();
    await storage.delete(key);
  });

  it("replaces a file whole and leaves no temporary files behind", async () => {
    const key = newStorageKey("photos", "png");
    await storage.put(key, Buffer.alloc(1000, 1), "image/png");
    await storage.put(key, Buffer.alloc(10, 2), "image/png");
    expect(await storage.get(key)).toEqual(Buffer.alloc(10, 2));
    const dir = path.dirname(path.join(root, "uploads", key));
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("many writes at once to one key: a reader always sees one complete version", async () => {
    const key = newStorageKey("photos", "webp");
    const versions = Array.from({ length: 8 }, (_, i) => Buffer.alloc(64 * 1024, i));
    await Promise.all([
      ...versions.map((v) => storage.put(key, v, "image/webp")),
      ...Array.from({ length: 8 }, async () => {
        const got = await storage.get(key);
        if (got) expect(versions.some((v) => v.equals(got))).toBe(true);
      }),
    ]);
    const final = await storage.get(key);
    expect(versions.some((v) => final?.equals(v))).toBe(true);
  });

  it("generates random keys from our own prefix and extension only", () => {
    const a = newStorageKey("photos", "jpg", new Date("2026-11-20T00:00:00Z"));
    const b = newStorageKey("photos", "jpg", new Date("2026-11-20T00:00:00Z"));
    expect(a).toMatch(/^photos\/202611\/[0-9a-f]{32}\.jpg$/);
    expect(a).not.toBe(b);
    expect(() => newStorageKey("../etc", "jpg")).toThrow();
    expect(() => newStorageKey("photos", "jpg/../../x")).toThrow();
  });

  it("refuses keys that could leave the root", async () => {
    for (const bad of ["../x.jpg", "/etc/passwd", "photos/../../x", "photos\\x.jpg", "Photos/A.JPG", "", "a/b/c/d/e"]) {
      expect(isStorageKey(bad)).toBe(false);
      await expect(storage.get(bad)).rejects.toThrow(/invalid storage key/);
      await expect(storage.put(bad, Buffer.from("x"), "image/png")).rejects.toThrow(/invalid storage key/);
    }
    expect(fs.readdirSync(root)).toEqual(["uploads"]);
  });
});

describe("signed photo links", () => {
  const secret = "unit-test-secret-unit-test-secret-0";

  it("name the photo, carry no extension, and expire", () => {
    const now = Date.now();
    const { url } = fileLink(secret, { kind: "photo", id: 42 }, 600, now);
    expect(url).toMatch(/^\/api\/v1\/files\/p\.42\.\d+\.[A-Za-z0-9_-]{43}$/);
    const token = url.split("/").pop() as string;
    expect(readFileToken(secret, token, now)).toEqual({ kind: "photo", id: 42 });
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as AppError).code;
      }
      return null;
    };
    expect(code(() => readFileToken(secret, token, now + 601_000))).toBe("FILE_LINK_INVALID");
    expect(code(() => readFileToken("another-secret-another-secret-0000", token, now))).toBe("FILE_LINK_INVALID");
    // the same signature cannot name another photo, nor an invoice
    expect(code(() => readFileToken(secret, token.replace(/^p\.42\./, "p.43."), now))).toBe("FILE_LINK_INVALID");
    expect(code(() => readFileToken(secret, token.replace(/^p\./, "i."), now))).toBe("FILE_LINK_INVALID");
    expect(code(() => readFileToken(secret, `${token}.pdf`, now))).toBe("FILE_LINK_INVALID");
  });

  it("leave invoice and receipt links as they were", () => {
    const { url } = fileLink(secret, { kind: "receipt", id: 7 }, 600);
    expect(url).toMatch(/^\/api\/v1\/files\/r\.7\.\d+\.[A-Za-z0-9_-]{43}\.pdf$/);
    expect(readFileToken(secret, url.split("/").pop() as string)).toEqual({ kind: "receipt", id: 7 });
  });
});

describe("readMultipartFile", () => {
  const BOUNDARY = "----warmlineTestBoundary7MA4YWxk";
  function request(body: Buffer | string, type = `multipart/form-data; boundary=${BOUNDARY}`) {
    const buf = Buffer.isBuffer(body) ? body : Buffer.from(body, "latin1");
    const stream = Readable.from([buf]) as Readable & { headers: Record<string, string> };
    stream.headers = { "content-type": type, "content-length": String(buf.length) };
    return stream;
  }
  function part(name: string, content: Buffer, filename?: string): Buffer {
    const disposition = filename
      ? `form-data; name="${name}"; filename="${filename}"\r\nContent-Type: image/jpeg`
      : `form-data; name="${name}"`;
    return Buffer.concat([
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n\r\n`),
      content,
      Buffer.from("\r\n"),
    ]);
  }
  const end = Buffer.from(`--${BOUNDARY}--\r\n`);
  const failure = async (p: Promise<unknown>) =>
    p.then(
      () => null,
      (e: unknown) => (e instanceof AppError ? e.code : String(e)),
    );

  it("returns the bytes of the field 'file', skipping other fields and files", async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0x0d, 0x0a, 4]);
    const body = Buffer.concat([
      part("note", Buffer.from("hello")),
      part("other", Buffer.from("not this"), "x.jpg"),
      part("file", jpeg, "photo.jpg"),
      end,
    ]);
    expect(await readMultipartFile(request(body))).toEqual(jpeg);
  });

  it("a file over the limit is UPLOAD_TOO_LARGE; exactly the limit is fine", async () => {
    const limit = 1000;
    expect(
      await readMultipartFile(request(Buffer.concat([part("file", Buffer.alloc(limit, 7), "a.jpg"), end])), limit),
    ).toHaveLength(limit);
    const over = request(Buffer.concat([part("file", Buffer.alloc(limit + 1, 7), "a.jpg"), end]));
    expect(await failure(readMultipartFile(over, limit))).toBe("UPLOAD_TOO_LARGE");
  });

  it("no file part is UPLOAD_MISSING; other content types and broken framing are 4xx codes", async () => {
    expect(await failure(readMultipartFile(request(Buffer.concat([part("note", Buffer.from("x")), end]))))).toBe(
      "UPLOAD_MISSING",
    );
    expect(await failure(readMultipartFile(request("", "")))).toBe("UPLOAD_MISSING");
    expect(await failure(readMultipartFile(request("{}", "application/json")))).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(await failure(readMultipartFile(request("x", "multipart/form-data")))).toBe("VALIDATION_FAILED");
    // the closing boundary never comes
    const cut = Buffer.concat([part("file", Buffer.from([0xff, 0xd8, 0xff]), "a.jpg")]).subarray(0, 60);
    expect(await failure(readMultipartFile(request(cut)))).toBe("VALIDATION_FAILED");
  });
});

import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { AppError } from "../../http/errors";
import { detectImageType, readMultipartFile } from "./uploads";

const bytes = (...b: number[]) => Uint8Array.from(b);
const ascii = (s: string) => Buffer.from(s, "latin1");
const LIMIT = 5 * 1024 * 1024;

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
    expect(await readMultipartFile(request(body), LIMIT)).toEqual(jpeg);
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
    expect(await failure(readMultipartFile(request(Buffer.concat([part("note", Buffer.from("x")), end])), LIMIT))).toBe(
      "UPLOAD_MISSING",
    );
    expect(await failure(readMultipartFile(request("", ""), LIMIT))).toBe("UPLOAD_MISSING");
    expect(await failure(readMultipartFile(request("{}", "application/json"), LIMIT))).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(await failure(readMultipartFile(request("x", "multipart/form-data"), LIMIT))).toBe("VALIDATION_FAILED");
    // the closing boundary never comes
    const cut = Buffer.concat([part("file", Buffer.from([0xff, 0xd8, 0xff]), "a.jpg")]).subarray(0, 60);
    expect(await failure(readMultipartFile(request(cut), LIMIT))).toBe("VALIDATION_FAILED");
  });
});

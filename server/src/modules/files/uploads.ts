import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import busboy from "busboy";
import { AppError } from "../../http/errors";

/**
 * Uploads: reading the one file of a multipart/form-data request (Taro.uploadFile sends exactly that) and
 * telling its type by its first bytes, never by the declared name or content type.
 */

export type ImageMime = "image/jpeg" | "image/png" | "image/webp";

/** the extension a stored image gets (the key is ours, never the uploader's file name) */
export const IMAGE_EXT: Record<ImageMime, string> = { "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp" };

/** JPEG FF D8 FF, PNG 89 50 4E 47 0D 0A 1A 0A, WebP "RIFF" <size> "WEBP"; null for anything else. */
export function detectImageType(bytes: Uint8Array): ImageMime | null {
  const b = bytes;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "image/jpeg";
  if (
    b.length >= 8 &&
    b[0] === 0x89 &&
    b[1] === 0x50 &&
    b[2] === 0x4e &&
    b[3] === 0x47 &&
    b[4] === 0x0d &&
    b[5] === 0x0a &&
    b[6] === 0x1a &&
    b[7] === 0x0a
  ) {
    return "image/png";
  }
  const ascii = (from: number, to: number) => Buffer.from(b.subarray(from, to)).toString("latin1");
  if (b.length >= 12 && ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "image/webp";
  return null;
}

/** the multipart framing around one file: boundaries, part headers, a few small fields */
const MULTIPART_OVERHEAD = 64 * 1024;

const malformed = () =>
  new AppError("VALIDATION_FAILED", [{ path: "file", message: "上传内容格式错误，请重新选择照片" }]);

/**
 * Reads the one file of a multipart/form-data request (field "file") into memory, at most `maxBytes`.
 * Other fields and files are read and dropped. Failures: an empty request or no "file" part →
 * UPLOAD_MISSING, a body of another content type → UNSUPPORTED_MEDIA_TYPE, a file over the limit →
 * UPLOAD_TOO_LARGE, broken framing → VALIDATION_FAILED (400). The route that calls it must be listed in its
 * module's `streamedBodyPaths`, so the app's body parser leaves the request alone.
 */
export function readMultipartFile(req: Readable & { headers: IncomingHttpHeaders }, maxBytes: number): Promise<Buffer> {
  const type = String(req.headers["content-type"] ?? "");
  const declared = Number(req.headers["content-length"] ?? 0);
  const empty = !req.headers["transfer-encoding"] && !(declared > 0);
  if (!type || empty) return Promise.reject(new AppError("UPLOAD_MISSING"));
  if (!/^multipart\/form-data\b/i.test(type)) return Promise.reject(new AppError("UNSUPPORTED_MEDIA_TYPE"));
  const cap = maxBytes + MULTIPART_OVERHEAD;
  if (declared > cap) return Promise.reject(new AppError("UPLOAD_TOO_LARGE"));

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      // busboy reports "limit" on reaching fileSize: one byte more than allowed marks a file too large
      limits: { files: 5, fileSize: maxBytes + 1, fields: 20, fieldSize: 4096, parts: 30, headerPairs: 50 },
    });
  } catch {
    // no boundary, or not a multipart type busboy knows
    return Promise.reject(malformed());
  }

  return new Promise<Buffer>((resolve, reject) => {
    let file: Buffer | null = null;
    let failure: AppError | null = null;
    let settled = false;
    let received = 0;

    const settle = (err: AppError | null) => {
      if (settled) return;
      settled = true;
      req.off("data", count);
      if (err) {
        req.unpipe(parser);
        // keep draining what the client still sends, so the answer can reach it
        req.resume();
        reject(err);
      } else if (file) resolve(file);
      else reject(new AppError("UPLOAD_MISSING"));
    };
    const count = (chunk: Buffer) => {
      received += chunk.length;
      if (received > cap) settle(new AppError("UPLOAD_TOO_LARGE"));
    };

    parser.on("file", (name, stream) => {
      if (name !== "file" || file || failure) {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on("data", (chunk: Buffer) => {
        if (failure) return;
        size += chunk.length;
        chunks.push(chunk);
      });
      stream.on("limit", () => {
        failure ??= new AppError("UPLOAD_TOO_LARGE");
        chunks.length = 0;
      });
      stream.on("end", () => {
        if (!failure && !stream.truncated) file = Buffer.concat(chunks, size);
      });
      stream.on("error", () => {
        failure ??= malformed();
      });
    });
    parser.on("error", () => settle(failure ?? malformed()));
    parser.on("close", () => settle(failure));
    req.on("data", count);
    req.on("aborted", () => settle(malformed()));
    req.on("error", () => settle(malformed()));
    req.pipe(parser);
  });
}

import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/**
 * Where uploaded files live. Keys are made by the server (`newStorageKey`), never from user input; the
 * content type is kept by the caller (in its own row) and handed over for stores that want it.
 */
export interface FileStorage {
  put(key: string, bytes: Buffer, mime: string): Promise<void>;
  /** the bytes, or null when nothing is stored under the key */
  get(key: string): Promise<Buffer | null>;
  /** removes the file; removing a missing key is not an error */
  delete(key: string): Promise<void>;
  /** writes a stream under the key without holding it in memory (large generated files: ZIP packets) */
  putStream(key: string, source: Readable, mime: string): Promise<void>;
  /** the file as a stream, or null when nothing is stored under the key */
  getStream(key: string): Promise<Readable | null>;
}

/** lower-case segments of letters and digits, an optional extension: no "..", no absolute paths */
const KEY = /^[a-z0-9]{1,40}(?:\/[a-z0-9]{1,40}){0,3}(?:\.[a-z0-9]{1,8})?$/;

export function isStorageKey(key: string): boolean {
  return key.length <= 100 && KEY.test(key);
}

/** A fresh random key like "photos/202611/3f9c…e1.jpg" (prefix and extension are ours, not the user's). */
export function newStorageKey(prefix: string, ext: string, now = new Date()): string {
  const month = `${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, "0")}`;
  const key = `${prefix}/${month}/${randomBytes(16).toString("hex")}.${ext}`;
  if (!isStorageKey(key)) throw new Error(`bad storage key prefix or extension: ${prefix} / ${ext}`);
  return key;
}

/**
 * Files on the local disk below `root` (`${DATA_DIR}/uploads`). A write goes to a temporary file in the
 * target folder first, is flushed and then renamed over the target, so a reader never sees half a file.
 */
export class LocalDiskStorage implements FileStorage {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  async put(key: string, bytes: Buffer, _mime: string): Promise<void> {
    const target = this.#path(key);
    // residents' photos: readable by the server's user only, whatever the umask
    await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    const tmp = `${target}.${randomBytes(8).toString("hex")}.tmp`;
    try {
      const handle = await fs.open(tmp, "wx", 0o600);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(tmp, target);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return await fs.readFile(this.#path(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.#path(key), { force: true });
  }

  async putStream(key: string, source: Readable, _mime: string): Promise<void> {
    const target = this.#path(key);
    await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    const tmp = `${target}.${randomBytes(8).toString("hex")}.tmp`;
    try {
      await pipeline(source, createWriteStream(tmp, { flags: "wx", mode: 0o600 }));
      const handle = await fs.open(tmp, "r+");
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(tmp, target);
    } catch (err) {
      source.destroy();
      await fs.rm(tmp, { force: true });
      throw err;
    }
  }

  async getStream(key: string): Promise<Readable | null> {
    const full = this.#path(key);
    try {
      await fs.access(full);
    } catch {
      return null;
    }
    return createReadStream(full);
  }

  #path(key: string): string {
    if (!isStorageKey(key)) throw new Error("invalid storage key");
    const full = path.resolve(this.root, key);
    // belt and braces: the key pattern already rules out leaving the root
    if (!full.startsWith(this.root + path.sep)) throw new Error("invalid storage key");
    return full;
  }
}

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isStorageKey, LocalDiskStorage, newStorageKey } from "./storage";

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

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalDiskStorage, newStorageKey } from "../lib/storage";
import { openDataSource } from "./dataSource";

const mode = (p: string) => (fs.statSync(p).mode & 0o777).toString(8);

describe("files with residents' data are the server's alone", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "warmline-perm-"));
  let umask = 0;
  beforeAll(() => {
    umask = process.umask(0o022); // the usual umask of a deployment: would make 0755 folders and 0644 files
  });
  afterAll(() => {
    process.umask(umask);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("creates the data folder 0700 and the SQLite file, its WAL and shared memory 0600", async () => {
    const dataDir = path.join(root, "data");
    const file = path.join(dataDir, "warmline.sqlite");
    const ds = await openDataSource(
      { driver: "sqlite", sqliteFile: file, url: undefined, flavor: undefined, poolSize: 1 },
      [],
    );
    try {
      await ds.query("CREATE TABLE t (x INTEGER)");
      await ds.query("INSERT INTO t VALUES (1)");
      expect(mode(dataDir)).toBe("700");
      expect(mode(file)).toBe("600");
      expect(mode(`${file}-wal`)).toBe("600");
      expect(mode(`${file}-shm`)).toBe("600");
    } finally {
      await ds.destroy();
    }
  });

  it("tightens a database file an older version left readable by everyone", async () => {
    const dir = fs.mkdtempSync(path.join(root, "old-"));
    const file = path.join(dir, "warmline.sqlite");
    fs.writeFileSync(file, "", { mode: 0o644 });
    expect(mode(file)).toBe("644");
    const ds = await openDataSource(
      { driver: "sqlite", sqliteFile: file, url: undefined, flavor: undefined, poolSize: 1 },
      [],
    );
    await ds.destroy();
    expect(mode(file)).toBe("600");
  });

  it("stores uploads in 0700 folders as 0600 files", async () => {
    const uploads = path.join(root, "data2", "uploads");
    const storage = new LocalDiskStorage(uploads);
    const key = newStorageKey("photos", "jpg");
    await storage.put(key, Buffer.from([0xff, 0xd8, 0xff]), "image/jpeg");
    expect(mode(path.join(root, "data2"))).toBe("700");
    expect(mode(uploads)).toBe("700");
    expect(mode(path.dirname(path.join(uploads, key)))).toBe("700");
    expect(mode(path.join(uploads, key))).toBe("600");
  });
});

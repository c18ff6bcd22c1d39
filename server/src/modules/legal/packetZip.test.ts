import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { LocalDiskStorage } from "../../lib/storage";
import { PacketZip } from "./packetZip";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
let dirs: string[] = [];
function store() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "packetzip-"));
  dirs.push(dir);
  return { dir, storage: new LocalDiskStorage(dir) };
}
afterEach(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  dirs = [];
});

describe("PacketZip", () => {
  it("streams entries into the store and records each one's size and SHA-256, and the whole ZIP's", async () => {
    const { dir, storage } = store();
    const zip = new PacketZip(storage, "legalpacket/202612/abc.zip");
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    zip.addBuffer("a.txt", Buffer.from("hello"));
    const e = await zip.addStream("b.bin", Readable.from([big.subarray(0, 1000), big.subarray(1000)]));
    expect(e).toEqual({ path: "b.bin", bytes: big.length, sha256: sha(big) });
    const whole = await zip.finish();
    const file = fs.readFileSync(path.join(dir, "legalpacket/202612/abc.zip"));
    expect(file.subarray(0, 2).toString("latin1")).toBe("PK");
    expect(whole).toEqual({ bytes: file.length, sha256: sha(file) });
    expect(zip.entries.map((x) => x.path)).toEqual(["a.txt", "b.bin"]);
    expect(zip.entries[0]?.sha256).toBe(sha(Buffer.from("hello")));
  });

  it("abort leaves nothing under the key (nor a temporary file)", async () => {
    const { dir, storage } = store();
    const zip = new PacketZip(storage, "legalpacket/202612/def.zip");
    zip.addBuffer("a.txt", Buffer.from("hello"));
    const src = new PassThrough();
    const adding = zip.addStream("b.bin", src);
    src.write(Buffer.alloc(1000));
    src.destroy(new Error("the source broke"));
    await expect(adding).rejects.toThrow(/the source broke/);
    await zip.abort(new Error("the source broke"));
    const left = fs.existsSync(path.join(dir, "legalpacket/202612"))
      ? fs.readdirSync(path.join(dir, "legalpacket/202612"))
      : [];
    expect(left).toEqual([]);
  });
});

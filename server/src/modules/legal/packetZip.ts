import { createHash } from "node:crypto";
import { type Readable, Transform } from "node:stream";
import { ZipFile } from "yazl";
import type { FileStorage } from "../../lib/storage";

/** one file of the packet as the manifest lists it */
export interface PacketEntry {
  path: string;
  bytes: number;
  sha256: string;
}

/** a pass-through that hashes and counts what goes through it */
function hashing() {
  const h = createHash("sha256");
  let bytes = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      h.update(chunk);
      bytes += chunk.length;
      cb(null, chunk);
    },
  });
  return { stream: t, result: () => ({ bytes, sha256: h.digest("hex") }) };
}

/**
 * A ZIP written straight into the file store as it is made (yazl → a hashing pass-through →
 * `storage.putStream`): the packet is never whole in memory, and each entry's SHA-256 and size are taken
 * while it streams through. Entries are added one at a time (`addStream` resolves once the entry is in the
 * archive), which keeps the back-pressure of the store on the producers. `abort` destroys the output, so
 * the store drops its temporary file and nothing is left under the key.
 */
export class PacketZip {
  readonly entries: PacketEntry[] = [];
  private readonly zip = new ZipFile();
  private readonly whole = hashing();
  private readonly stored: Promise<void>;
  private readonly storeFailed: Promise<never>;
  private readonly mtime: Date;

  constructor(storage: FileStorage, key: string, now = new Date()) {
    this.mtime = now;
    // yazl reports a broken entry stream as an "error" of the ZipFile: without a listener it would be thrown
    (this.zip as unknown as NodeJS.EventEmitter).on("error", (e: Error) => this.whole.stream.destroy(e));
    const out = this.zip.outputStream as unknown as Readable;
    out.on("error", (e) => this.whole.stream.destroy(e));
    // the store's pipeline reports the failure (`stored` rejects); this keeps a later error from being thrown
    this.whole.stream.on("error", () => {});
    out.pipe(this.whole.stream);
    this.stored = storage.putStream(key, this.whole.stream, "application/zip");
    this.storeFailed = this.stored.then(
      () => new Promise<never>(() => {}),
      (e) => {
        throw e;
      },
    );
    this.storeFailed.catch(() => {});
  }

  addBuffer(path: string, body: Buffer): void {
    this.entries.push({ path, bytes: body.length, sha256: createHash("sha256").update(body).digest("hex") });
    this.zip.addBuffer(body, path, { mtime: this.mtime });
  }

  /** adds a stream as the next entry; resolves when it has gone into the archive */
  async addStream(path: string, source: NodeJS.ReadableStream): Promise<PacketEntry> {
    const h = hashing();
    const done = new Promise<void>((resolve, reject) => {
      h.stream.on("end", resolve);
      h.stream.on("error", reject);
      source.on("error", (e) => h.stream.destroy(e));
    });
    source.pipe(h.stream);
    this.zip.addReadStream(h.stream, path, { mtime: this.mtime });
    await Promise.race([done, this.storeFailed]);
    const entry = { path, ...h.result() };
    this.entries.push(entry);
    return entry;
  }

  /** closes the archive and waits for the store; the ZIP's size and SHA-256 */
  async finish(): Promise<{ bytes: number; sha256: string }> {
    this.zip.end();
    await this.stored;
    return this.whole.result();
  }

  /** gives up: the store removes its temporary file */
  async abort(err: Error): Promise<void> {
    (this.zip.outputStream as unknown as Readable).destroy(err);
    this.whole.stream.destroy(err);
    await this.stored.catch(() => {});
  }
}

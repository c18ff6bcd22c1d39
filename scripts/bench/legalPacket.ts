/**
 * The litigation packet (诉讼材料包, issue 15) against a bare ZIP of the same evidence files, on MariaDB.
 *
 *   pnpm tsx scripts/bench/legalPacket.ts [--cases 20] [--photos 10] [--json-out FILE]
 *   pnpm bench --only packets [--cases 20] [--photos 10]
 *
 * Setup (not measured): a fresh database (`warmline_bench_<pid>_packets`) gets a small county, a season and
 * its bills (due 200 days back, so every account owes a late fee), and for each of `cases` accounts two
 * 催缴沟通 visits — the second with `photos` photos (random-pixel PNGs of ~190 KiB, so nothing compresses)
 * and a signature in the local file store — and an approved legal case with a queued packet. Then:
 *   baseline  the same photo and signature bytes of every case, streamed from the store into a ZIP by yazl
 *             and written back into the store (the floor of any packet: copying the evidence)
 *   packets   buildPacket — the very function the job "legal.packet_build" runs: summary PDF (CJK), the
 *             statement PDF + XLSX, reminders XLSX, visits PDF (photos embedded) + the original files,
 *             service XLSX, manifest.json/.sha256, the ZIP streamed into the store, the case moved on
 * Figures are printed, never asserted: time, packets/baseline, peak RSS Δ of each phase.
 */
import "reflect-metadata";
import { createHash, randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { parseArgs } from "node:util";
import zlib from "node:zlib";
import { ENTITIES } from "../../server/src/bootstrap";
import { loadConfig } from "../../server/src/config";
import { openDataSource } from "../../server/src/db/dataSource";
import type { Deps } from "../../server/src/deps";
import { PiiVault } from "../../server/src/lib/pii";
import { LocalDiskStorage, newStorageKey } from "../../server/src/lib/storage";
import { HeatingAccount } from "../../server/src/modules/accounts";
import { createSeason, generateSeasonBills, startBillRun } from "../../server/src/modules/billing";
import { buildPacket, LegalCase, LegalPacket } from "../../server/src/modules/legal";
import { StaffUser } from "../../server/src/modules/staff";
import { HomeVisit, HomeVisitPhoto } from "../../server/src/modules/visits";
import { seedCounty } from "../../server/src/seed/demo";
import {
  BENCH_TARIFFS,
  benchDatabase,
  currentSeasonCode,
  fmt,
  fromServer,
  isMain,
  machineLine,
  measure,
  positiveInt,
  scratchDir,
  table,
  writeJson,
} from "./support";

// ---- random-pixel PNGs (incompressible, like camera photos) ---------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
/** a w×h RGB PNG of random pixels */
function randomPng(w: number, h: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) randomBytes(w * 3).copy(raw, y * (w * 3 + 1) + 1);
  return Buffer.concat([
    Buffer.from("89504e470d0a1a0a", "hex"),
    chunk("IHDR", ihdr),
    chunk("IDAT", zlib.deflateSync(raw, { level: 1 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** what the baseline uses of yazl (loaded from the server's own node_modules: the very copy it runs) */
interface YazlZip {
  outputStream: NodeJS.ReadableStream;
  addReadStream(stream: NodeJS.ReadableStream, path: string): void;
  end(): void;
}

// ---- the run ------------------------------------------------------------------------------------------

async function run(cases: number, photosPerCase: number) {
  const { ZipFile } = await fromServer<{ ZipFile: new () => YazlZip }>("yazl");
  const scratch = scratchDir("packets");
  const db = await benchDatabase("packets");
  const config = loadConfig({
    NODE_ENV: "test",
    WARMLINE_DEV: "true",
    LOG_LEVEL: "silent",
    DATA_DIR: scratch.dir,
    DB_DRIVER: "mysql",
    DATABASE_URL: db.url,
  });
  const ds = await openDataSource(config.db, ENTITIES);
  try {
    await ds.runMigrations({ transaction: "each" });
    const vault = new PiiVault(config.pii.keys, config.pii.currentKeyId, config.pii.indexKey);
    const storage = new LocalDiskStorage(`${scratch.dir}/uploads`);
    const deps = { config, ds, vault, storage } as unknown as Deps;
    await seedCounty(ds, vault, { accounts: Math.max(60, cases) });
    const season = await createSeason(ds, {
      code: currentSeasonCode(),
      lateFeeRateBp: 5,
      lateFeeCapBp: 10_000,
      tariffs: BENCH_TARIFFS,
    });
    const billRun = await startBillRun(ds, season.id, null);
    await generateSeasonBills(ds, billRun.id);
    const due = new Date(Date.now() + 8 * 3600_000 - 200 * 86_400_000).toISOString().slice(0, 10);
    await ds.query("UPDATE bills SET due_date = ?, status = 'unpaid', paid_fen = 0", [due]);
    const staff = await ds.getRepository(StaffUser).findOneByOrFail({ username: "legal_officer" });
    const grid = await ds.getRepository(StaffUser).findOneByOrFail({ username: "grid_worker" });
    const accounts = await ds.getRepository(HeatingAccount).find({ order: { id: "ASC" }, take: cases });

    const t0 = performance.now();
    const packetIds: number[] = [];
    const evidence: { caseId: number; files: { path: string; key: string }[] }[] = [];
    let photoBytes = 0;
    for (const a of accounts) {
      const files: { path: string; key: string }[] = [];
      const photoIds: number[] = [];
      for (let i = 0; i <= photosPerCase; i++) {
        const png = randomPng(256, 256);
        photoBytes += png.length;
        const key = newStorageKey("photos", "png");
        await storage.put(key, png, "image/png");
        const ins = await ds.getRepository(HomeVisitPhoto).insert({
          storageKey: key,
          mime: "image/png",
          size: png.length,
          sha256: createHash("sha256").update(png).digest("hex"),
          ownerStaffId: grid.id,
          visitId: null,
        });
        photoIds.push(Number(ins.identifiers[0]?.id));
        files.push({ path: i < photosPerCase ? `photos/${i}.png` : "signature.png", key });
      }
      for (const [daysAgo, withPhotos] of [
        [40, false],
        [10, true],
      ] as const) {
        const at = new Date(Date.now() - daysAgo * 86_400_000);
        const ins = await ds.getRepository(HomeVisit).insert({
          accountId: a.id,
          communityId: a.communityId,
          authorStaffId: grid.id,
          coVisitorId: null,
          startedAt: at,
          endedAt: new Date(at.getTime() + 20 * 60_000),
          kind: "collection",
          outcome: "met_owner",
          indoorTempC10: 201,
          tempMethod: null,
          outdoorTempC10: -60,
          faultsFound: null,
          faultsFixed: null,
          policyExplained: [],
          positionKind: "refuses",
          promisedDate: null,
          positionReason: "认为不该交",
          notes: null,
          photoIds: withPhotos ? photoIds.slice(0, photosPerCase) : [],
          tempPhotoId: null,
          signaturePhotoId: withPhotos ? (photoIds[photosPerCase] as number) : null,
          latE6: null,
          lngE6: null,
          accuracyM: null,
          correctsId: null,
          rootId: null,
          clientKey: null,
        });
        if (withPhotos) {
          await ds
            .getRepository(HomeVisitPhoto)
            .createQueryBuilder()
            .update()
            .set({ visitId: Number(ins.identifiers[0]?.id) })
            .whereInIds(photoIds)
            .execute();
        }
      }
      const c = await ds.getRepository(LegalCase).insert({
        caseNo: `FWBENCH${String(a.id).padStart(6, "0")}`,
        accountId: a.id,
        openAccountId: a.id,
        arrearsKey: `${a.id}:${season.code}`,
        communityId: a.communityId,
        state: "approved",
        outcome: null,
        owedFen: 100_000,
        principalFen: 90_000,
        oldestDueDate: due,
        arrearsSeason: season.code,
        reasons: [],
        openedBy: staff.id,
        approvedBy: staff.id,
        approvedAt: new Date(),
        approvedOn: due,
      } as never);
      const caseId = Number(c.identifiers[0]?.id);
      const p = await ds
        .getRepository(LegalPacket)
        .insert({ caseId, state: "queued", progress: 0, requestedBy: staff.id });
      packetIds.push(Number(p.identifiers[0]?.id));
      evidence.push({ caseId, files });
    }
    console.log(
      `\n## ${cases} cases × ${photosPerCase} photos + a signature (setup, not measured: ${fmt.s(performance.now() - t0)}, ${fmt.mib(photoBytes)} of photos)`,
    );

    /** the floor: every case's evidence files streamed from the store into a yazl ZIP in the store */
    const baseline = async () => {
      let bytes = 0;
      for (const e of evidence) {
        const zip = new ZipFile();
        const key = newStorageKey("benchzip", "zip");
        const stored = storage.putStream(key, zip.outputStream as unknown as Readable, "application/zip");
        for (const f of e.files) zip.addReadStream((await storage.getStream(f.key)) as Readable, f.path);
        zip.end();
        await stored;
        bytes += ((await storage.get(key)) as Buffer).length;
        await storage.delete(key);
      }
      return bytes;
    };
    const packets = async () => {
      for (const id of packetIds) await buildPacket(deps, id);
      const rows = await ds.getRepository(LegalPacket).findBy({});
      const failed = rows.filter((r) => r.state !== "ready");
      if (failed.length) throw new Error(`packet ${failed[0]?.id} ${failed[0]?.state}: ${failed[0]?.error}`);
      return rows.reduce((s, r) => s + (r.bytes ?? 0), 0);
    };
    const base1 = await measure(baseline);
    const built = await measure(packets);
    const base2 = await measure(baseline);
    const baseMs = (base1.ms + base2.ms) / 2;
    const baseRss = Math.max(base1.peakRssDelta, base2.peakRssDelta);
    console.log(
      `baseline: ${cases} ZIPs of the raw evidence (${fmt.mib(base1.value)}) in ${fmt.s(base1.ms)} / ${fmt.s(base2.ms)}, peak RSS ${fmt.mib(baseRss)}`,
    );
    console.log(
      `packets:  ${cases} packets (${fmt.mib(built.value)}) in ${fmt.s(built.ms)} (${fmt.ms(built.ms / cases)} each), peak RSS ${fmt.mib(built.peakRssDelta)}; packets/baseline ${fmt.x(built.ms / baseMs)}`,
    );
    const exported = await ds.getRepository(LegalCase).countBy({ state: "exported" });
    if (exported !== cases) console.log(`  PROBLEM: ${exported} of ${cases} cases moved to 材料已导出`);
    return {
      cases,
      photosPerCase,
      baseMs,
      packetsMs: built.ms,
      ratio: built.ms / baseMs,
      baseRss,
      packetsRss: built.peakRssDelta,
      packetBytes: built.value,
      evidenceBytes: base1.value,
    };
  } finally {
    await ds.destroy();
    await db.drop();
    scratch.remove();
  }
}

export type PacketBenchResult = Awaited<ReturnType<typeof run>>;

/** the summary table (also printed by `pnpm bench --only packets`) */
export function packetSummaryRows(r: PacketBenchResult): string[][] {
  return [
    [
      "cases × photos",
      "baseline (raw ZIP)",
      "packets",
      "packets/baseline",
      "baseline peak RSS Δ",
      "packets peak RSS Δ",
    ],
    [
      `${r.cases} × ${r.photosPerCase}`,
      fmt.s(r.baseMs),
      fmt.s(r.packetsMs),
      fmt.x(r.ratio),
      fmt.mib(r.baseRss),
      fmt.mib(r.packetsRss),
    ],
  ];
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: { cases: { type: "string" }, photos: { type: "string" }, "json-out": { type: "string" } },
  });
  const cases = positiveInt(values.cases, "--cases", 20);
  const photos = positiveInt(values.photos, "--photos", 10);
  console.log(`# litigation packets vs a bare ZIP of the evidence — ${machineLine()}`);
  const result = await run(cases, photos);
  console.log(`\n${table(packetSummaryRows(result))}`);
  writeJson(values["json-out"], result);
}

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { formatYuan } from "@warmline/shared";
import { HeatingAccount } from "@warmline/server/src/modules/accounts";
import { AuditLog } from "@warmline/server/src/modules/audit";
import { Bill } from "@warmline/server/src/modules/billing";
import { seedCalendarFromPackage } from "@warmline/server/src/modules/calendar";
import { LegalCase, LegalPacket } from "@warmline/server/src/modules/legal";
import { Reminder } from "@warmline/server/src/modules/reminders";
import { StaffUser } from "@warmline/server/src/modules/staff";
import { HomeVisit, HomeVisitPhoto } from "@warmline/server/src/modules/visits";
import { newStorageKey } from "@warmline/server/src/lib/storage";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import yauzl from "yauzl";
import { seasonsWithBills } from "../support/billing";
import { seedSmallCounty } from "../support/county";
import { type Json, staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";
import { until } from "../support/wait";

/**
 * 诉讼材料包 on MariaDB (issue 15): a packet of an approved case is built by the job and streamed into the
 * file store; the test downloads it through the one-time link, unzips it, checks every file against
 * manifest.json and manifest.sha256, reads the summary with pdftotext for the debtor's full name, ID number,
 * address and the amounts, finds the visit photos and signature byte for byte and the reminders' delivery
 * evidence; a second download is refused (410); no packet for a case under review; a build that fails
 * (a photo lost from the store) marks the row failed and leaves no file.
 */

let srv: TestServer;
let county: Awaited<ReturnType<typeof seedSmallCounty>>;
type Staff = Awaited<ReturnType<typeof staffLogin>>;
let legal: Staff;
let sup: Staff;
let cashier: Staff;

const acc = (i: number) => county.rows[i] as HeatingAccount;
const A = 1; // the packet
const B = 2; // the failed build

const PNG_1x1 =
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
  "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082";
/** distinct PNG files (a trailing tag after IEND), to find each one byte for byte in the ZIP */
const png = (tag: string) => Buffer.concat([Buffer.from(PNG_1x1, "hex"), Buffer.from(tag, "utf8")]);
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** photo rows with their stored bytes; returns the ids and the bytes */
async function photos(owner: number, tags: string[]) {
  const out: { id: number; bytes: Buffer; key: string }[] = [];
  for (const tag of tags) {
    const bytes = png(tag);
    const key = newStorageKey("photos", "png");
    await srv.deps.storage.put(key, bytes, "image/png");
    const ins = await srv.deps.ds.getRepository(HomeVisitPhoto).insert({
      storageKey: key,
      mime: "image/png",
      size: bytes.length,
      sha256: sha(bytes),
      ownerStaffId: owner,
      visitId: null,
    });
    out.push({ id: Number(ins.identifiers[0]?.id), bytes, key });
  }
  return out;
}

async function visit(
  accountIndex: number,
  daysAgo: number,
  position: string,
  pics: { photoIds: number[]; signaturePhotoId: number | null } = { photoIds: [], signaturePhotoId: null },
) {
  const a = acc(accountIndex);
  const grid = await srv.deps.ds.getRepository(StaffUser).findOneByOrFail({ username: "grid_worker" });
  const at = new Date(Date.now() - daysAgo * 86_400_000);
  const ins = await srv.deps.ds.getRepository(HomeVisit).insert({
    accountId: a.id,
    communityId: a.communityId,
    authorStaffId: grid.id,
    coVisitorId: null,
    startedAt: at,
    endedAt: new Date(at.getTime() + 20 * 60_000),
    kind: "collection",
    outcome: "met_owner",
    indoorTempC10: 205,
    tempMethod: null,
    outdoorTempC10: -50,
    faultsFound: null,
    faultsFixed: null,
    policyExplained: [],
    positionKind: position as never,
    promisedDate: null,
    positionReason: position === "refuses" ? "认为不该交" : null,
    notes: null,
    photoIds: pics.photoIds,
    tempPhotoId: null,
    signaturePhotoId: pics.signaturePhotoId,
    latE6: null,
    lngE6: null,
    accuracyM: null,
    correctsId: null,
    rootId: null,
    clientKey: null,
  });
  const id = Number(ins.identifiers[0]?.id);
  const all = [...pics.photoIds, ...(pics.signaturePhotoId ? [pics.signaturePhotoId] : [])];
  if (all.length) {
    for (const p of all) await srv.deps.ds.getRepository(HomeVisitPhoto).update({ id: p }, { visitId: id });
  }
  return id;
}

/** every entry of a ZIP, by path */
function unzip(buf: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out = new Map<string, Buffer>();
      zip.on("error", reject);
      zip.on("end", () => resolve(out));
      zip.on("entry", (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("error", reject);
          stream.on("end", () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

function pdfText(bytes: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "packet-"));
  const file = path.join(dir, "summary.pdf");
  fs.writeFileSync(file, bytes);
  try {
    return execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function packets(caseId: number): Promise<Json[]> {
  const r = await legal.api.get(`/api/v1/staff/legal/cases/${caseId}/packets`);
  expect(r.status).toBe(200);
  return r.body.items;
}

async function openAndApprove(i: number): Promise<number> {
  const open = await legal.api.post("/api/v1/staff/legal/cases", { accountId: acc(i).id, note: "两次入户均拒缴" });
  expect(open.status, open.text).toBe(201);
  const ok = await sup.api.post(`/api/v1/staff/legal/cases/${open.body.id}/approve`);
  expect(ok.status, ok.text).toBe(200);
  return open.body.id;
}

let visitPhotos: { id: number; bytes: Buffer; key: string }[] = [];
let signature: { id: number; bytes: Buffer; key: string };
let photoVisitId = 0;
let lostPhotoKey = "";

beforeAll(async () => {
  srv = await startTestServer();
  await seedCalendarFromPackage(srv.deps.ds);
  county = await seedSmallCounty(srv.deps, 6);
  await seasonsWithBills(srv.url, ["2025-2026", "2026-2027"]);
  legal = await staffLogin(srv.url, "legal_officer", DEMO_PASSWORD);
  sup = await staffLogin(srv.url, "supervisor", DEMO_PASSWORD);
  cashier = await staffLogin(srv.url, "cashier", DEMO_PASSWORD);
  const ds = srv.deps.ds;
  await ds.getRepository(HeatingAccount).createQueryBuilder().update().set({ hardshipCategory: "none" }).execute();
  await ds.query(
    "UPDATE bills SET paid_fen = amount_fen, status = 'paid', late_fee_accrued_fen = 0, late_fee_accrued_until = NULL",
  );
  const season = (await ds.query("SELECT id FROM heating_seasons WHERE code = '2025-2026'")) as { id: number }[];
  const grid = await ds.getRepository(StaffUser).findOneByOrFail({ username: "grid_worker" });
  for (const i of [A, B]) {
    await ds
      .getRepository(Bill)
      .update({ accountId: acc(i).id, seasonId: (season[0] as { id: number }).id }, { paidFen: 0, status: "unpaid" });
  }
  // A: two visits, the second with two photos and the resident's signature; one delivered SMS reminder
  await visit(A, 40, "disputes_quality");
  visitPhotos = await photos(grid.id, ["photo-one", "photo-two"]);
  [signature] = (await photos(grid.id, ["signature"])) as [typeof signature];
  photoVisitId = await visit(A, 10, "refuses", {
    photoIds: visitPhotos.map((p) => p.id),
    signaturePhotoId: signature.id,
  });
  const sent = new Date(Date.now() - 20 * 86_400_000);
  await ds.getRepository(Reminder).insert({
    campaignId: null,
    accountId: acc(A).id,
    stepKey: "overdue:30",
    seasonCode: "2025-2026",
    grade: null,
    soft: false,
    chain: "sms",
    chainIndex: 0,
    template: "overdue",
    review: false,
    status: "delivered",
    channel: "sms",
    text: "【民乐供热】您的供热费已逾期，请尽快缴纳。",
    vendorMessageId: "SMS-VENDOR-4711",
    owedFen: 100,
    owedAtSendFen: 100,
    suppressionReason: null,
    failureReason: null,
    plannedFor: "2026-11-01",
    claimedAt: sent,
    sentAt: sent,
    deliveredAt: new Date(sent.getTime() + 5000),
    finishedAt: new Date(sent.getTime() + 5000),
    createdBy: null,
  } as never);
  // B: the same story, but a photo of its visit goes missing from the store
  await visit(B, 40, "disputes_quality");
  const [lost] = (await photos(grid.id, ["lost"])) as [typeof signature];
  lostPhotoKey = lost.key;
  await visit(B, 10, "refuses", { photoIds: [lost.id], signaturePhotoId: null });
}, 180_000);

afterAll(async () => {
  await srv?.close();
});

describe("litigation packet", () => {
  let caseId: number;

  it("is refused for a case under review and for a role outside the legal desk, writing nothing", async () => {
    const open = await legal.api.post("/api/v1/staff/legal/cases", { accountId: acc(A).id, note: "两次入户均拒缴" });
    expect(open.status, open.text).toBe(201);
    caseId = open.body.id;
    const early = await legal.api.post(`/api/v1/staff/legal/cases/${caseId}/packet`);
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe("LEGAL_PACKET_CASE_STATE");
    const byCashier = await cashier.api.post(`/api/v1/staff/legal/cases/${caseId}/packet`);
    expect(byCashier.status).toBe(403);
    expect(await srv.deps.ds.getRepository(LegalPacket).countBy({ caseId })).toBe(0);
    const missing = await legal.api.post("/api/v1/staff/legal/cases/999999/packet");
    expect(missing.status).toBe(404);
  });

  it("is built by the job with progress; the first ready packet marks the case 材料已导出", async () => {
    const ok = await sup.api.post(`/api/v1/staff/legal/cases/${caseId}/approve`);
    expect(ok.status, ok.text).toBe(200);
    const req = await legal.api.post(`/api/v1/staff/legal/cases/${caseId}/packet`);
    expect(req.status, req.text).toBe(202);
    expect(req.body).toMatchObject({ caseId, state: "queued", progress: 0, sha256: null, downloadable: false });
    const ready = await until(async () => {
      const p = (await packets(caseId)).find((x) => x.id === req.body.id);
      if (p?.state === "failed") throw new Error(`build failed: ${p.error}`);
      return p?.state === "ready" ? p : null;
    }, 60_000);
    expect(ready).toMatchObject({ progress: 100, downloadable: true, downloadedAt: null, error: null });
    expect(ready.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(ready.bytes).toBeGreaterThan(1000);
    const c = await legal.api.get(`/api/v1/staff/legal/cases/${caseId}`);
    expect(c.body.state).toBe("exported");
    const exported = c.body.events.filter((e: Json) => e.kind === "exported");
    expect(exported).toHaveLength(1);
    expect(exported[0].data).toMatchObject({ packetId: ready.id, zipSha256: ready.sha256, firstExport: true });
    expect(exported[0].actorName).toBeTruthy();
    const built = await srv.deps.ds
      .getRepository(AuditLog)
      .findBy({ action: "legal.packet_build", targetId: String(caseId) });
    expect(built).toHaveLength(1);
    expect(built[0]?.details).toMatchObject({ zipSha256: ready.sha256 });
  }, 90_000);

  it("downloads once through a signed link: every file matches the manifest, the summary names the debtor in full", async () => {
    const [p] = await packets(caseId);
    const link = await legal.api.post(`/api/v1/staff/legal/cases/${caseId}/packets/${p.id}/link`);
    expect(link.status, link.text).toBe(200);
    expect(link.body).toMatchObject({ oneTime: true, sha256: p.sha256 });
    const res = await fetch(`${srv.url}${link.body.url}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/zip");
    const zipBytes = Buffer.from(await res.arrayBuffer());
    expect(zipBytes.subarray(0, 2).toString("latin1")).toBe("PK");
    expect(sha(zipBytes)).toBe(p.sha256);

    const files = await unzip(zipBytes);
    const manifest = JSON.parse((files.get("manifest.json") as Buffer).toString("utf8"));
    const caseRow = await srv.deps.ds.getRepository(LegalCase).findOneByOrFail({ id: caseId });
    expect(manifest).toMatchObject({ caseNo: caseRow.caseNo, accountNo: acc(A).accountNo });
    expect(Date.parse(manifest.generatedAt)).not.toBeNaN();
    expect(manifest.generator).toBeTruthy();
    // every file but the two manifests is listed, with its size and hash
    const listed = manifest.files.map((f: Json) => f.path).sort();
    const inZip = [...files.keys()].filter((k) => k !== "manifest.json" && k !== "manifest.sha256").sort();
    expect(listed).toEqual(inZip);
    for (const f of manifest.files) {
      const body = files.get(f.path) as Buffer;
      expect(body.length, f.path).toBe(f.bytes);
      expect(sha(body), f.path).toBe(f.sha256);
    }
    // manifest.sha256: sha256sum lines of every file, manifest.json included
    const sums = (files.get("manifest.sha256") as Buffer)
      .toString("utf8")
      .trim()
      .split("\n")
      .map((l) => /^([0-9a-f]{64}) {2}(.+)$/.exec(l) as RegExpExecArray);
    expect(sums.every(Boolean)).toBe(true);
    expect(sums.map((m) => m[2]).sort()).toEqual([...inZip, "manifest.json"].sort());
    for (const m of sums) expect(sha(files.get(m[2] as string) as Buffer), m[2]).toBe(m[1]);

    for (const name of [
      "summary.pdf",
      "statement.pdf",
      "statement.xlsx",
      "reminders.xlsx",
      "visits.pdf",
      "service.xlsx",
    ]) {
      expect(files.has(name), name).toBe(true);
    }
    // the visit's original photos and signature, byte for byte
    expect(files.get(`visits/photos/${photoVisitId}-1.png`)?.equals(visitPhotos[0]?.bytes as Buffer)).toBe(true);
    expect(files.get(`visits/photos/${photoVisitId}-2.png`)?.equals(visitPhotos[1]?.bytes as Buffer)).toBe(true);
    expect(files.get(`visits/signatures/${photoVisitId}.png`)?.equals(signature.bytes)).toBe(true);

    // the summary: the one unmasked place
    const account = await srv.deps.ds.getRepository(HeatingAccount).findOneByOrFail({ id: acc(A).id });
    const idNumber = srv.deps.vault.decrypt(account.idNumberEnc) as string;
    expect(idNumber).toBeTruthy();
    const text = pdfText(files.get("summary.pdf") as Buffer).replace(/[ \t]+/g, " ");
    const flat = text.replace(/\s+/g, "");
    expect(flat).toContain(account.ownerName.replace(/\s+/g, ""));
    expect(flat).toContain(idNumber);
    expect(flat).toContain(account.address.replace(/\s+/g, ""));
    expect(flat).toContain(srv.deps.config.invoices.seller.name);
    const bill = (await srv.deps.ds.query(
      "SELECT b.amount_fen AS amount FROM bills b JOIN heating_seasons s ON s.id = b.season_id WHERE b.account_id = ? AND s.code = '2025-2026'",
      [acc(A).id],
    )) as { amount: number | string }[];
    const principal = formatYuan(Number(bill[0]?.amount));
    expect(flat).toContain(`欠缴本金${principal}`);
    expect(flat).toContain("滞纳金计算");
    expect(flat).toContain("民法典");

    // the reminders' delivery evidence
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(files.get("reminders.xlsx") as never);
    const cells = wb.worksheets[0]?.getSheetValues().flat().map(String) ?? [];
    expect(cells).toContain("SMS-VENDOR-4711");
    expect(cells.some((v) => v.includes("您的供热费已逾期"))).toBe(true);

    // the export is audited with the ZIP's hash
    const rows = await srv.deps.ds
      .getRepository(AuditLog)
      .findBy({ action: "legal.packet_export", targetId: String(caseId) });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.details).toMatchObject({ zipSha256: p.sha256, packetId: p.id });

    // once: the same link again, or a new link, is refused
    const again = await fetch(`${srv.url}${link.body.url}`);
    expect(again.status).toBe(410);
    expect(((await again.json()) as Json).error.code).toBe("LEGAL_PACKET_LINK_USED");
    const second = await legal.api.post(`/api/v1/staff/legal/cases/${caseId}/packets/${p.id}/link`);
    expect(second.status).toBe(410);
    const [after] = await packets(caseId);
    expect(after).toMatchObject({ downloadable: false });
    expect(after.downloadedAt).toBeTruthy();
    expect(after.downloadedBy).toBeTruthy();
  }, 60_000);

  it("a build that fails is marked failed with the error and leaves no file", async () => {
    const id = await openAndApprove(B);
    await srv.deps.storage.delete(lostPhotoKey);
    const req = await legal.api.post(`/api/v1/staff/legal/cases/${id}/packet`);
    expect(req.status).toBe(202);
    const failed = await until(async () => {
      const p = (await packets(id)).find((x) => x.id === req.body.id);
      return p?.state === "failed" ? p : null;
    }, 60_000);
    expect(failed.error).toContain("走访照片缺失");
    expect(failed.sha256).toBeNull();
    const row = await srv.deps.ds.getRepository(LegalPacket).findOneByOrFail({ id: req.body.id });
    expect(row.fileKey).toBeNull();
    const link = await legal.api.post(`/api/v1/staff/legal/cases/${id}/packets/${req.body.id}/link`);
    expect(link.status).toBe(409);
    expect(link.body.error.code).toBe("LEGAL_PACKET_NOT_READY");
    // no ZIP (or temporary file) left in the store's packet folder
    const dir = path.join(srv.deps.config.dataDir, "uploads", "legalpacket");
    const left = fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).map(String) : [];
    expect(left.filter((f) => f.endsWith(".tmp")).length).toBe(0);
    expect(left.filter((f) => f.endsWith(".zip")).length).toBe(1); // A's packet only
    const c = await legal.api.get(`/api/v1/staff/legal/cases/${id}`);
    expect(c.body.state).toBe("approved");
  }, 90_000);
});

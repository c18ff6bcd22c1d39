import fs from "node:fs";
import path from "node:path";
import { crc32, deflateSync } from "node:zlib";
import { UPLOAD_LIMITS } from "@warmline/shared";
import { AppError } from "@warmline/server/src/http/errors";
import {
  TicketPhoto,
  cleanUnclaimedPhotos,
  photoCleanupJob,
  UNCLAIMED_PHOTO_TTL_MS,
  claimPhotos,
  photoViews,
} from "@warmline/server/src/modules/tickets";
import { OutboxJob } from "@warmline/server/src/jobs/entities";
import { DEMO_PASSWORD, seedStaff } from "@warmline/server/src/seed/demo";
import { In } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, type Json, residentLogin, staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

// ---- tiny valid images, built byte by byte --------------------------------------------------------

/** A w×h truecolour PNG of one colour: signature, IHDR, IDAT (deflated scanlines), IEND, with CRCs. */
function png(w = 2, h = 2, rgb: [number, number, number] = [204, 51, 51]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const typed = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    typed.copy(out, 4);
    out.writeUInt32BE(crc32(typed), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour, deflate, no filter set, no interlace
  const row = Buffer.from([0, ...Array.from({ length: w }, () => rgb).flat()]);
  const raw = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/**
 * An 8×8 grey baseline JPEG: JFIF header, a quantisation table of ones, one-symbol Huffman tables (DC
 * category 0, AC end-of-block) and one block whose every coefficient is 0 (mid grey).
 */
function jpeg(): Buffer {
  const seg = (marker: number, payload: number[]) => [
    0xff,
    marker,
    (payload.length + 2) >> 8,
    (payload.length + 2) & 0xff,
    ...payload,
  ];
  const huffman = (tableClass: number) => [tableClass << 4, 1, ...Array(15).fill(0), 0];
  return Buffer.from([
    0xff,
    0xd8,
    ...seg(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    ...seg(0xdb, [0, ...Array(64).fill(1)]),
    ...seg(0xc0, [8, 0, 8, 0, 8, 1, 1, 0x11, 0]),
    ...seg(0xc4, huffman(0)),
    ...seg(0xc4, huffman(1)),
    ...seg(0xda, [1, 1, 0x00, 0, 63, 0]),
    0b0011_1111, // DC "0" (diff 0), AC "0" (EOB), padded with ones
    0xff,
    0xd9,
  ]);
}

/** RIFF <size> WEBP VP8L: a lossless WebP header (the server only looks at the first 12 bytes) */
function webp(): Buffer {
  const body = Buffer.concat([Buffer.from("WEBPVP8L", "latin1"), Buffer.from([5, 0, 0, 0, 0x2f, 0, 0, 0, 0])]);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(body.length);
  return Buffer.concat([Buffer.from("RIFF", "latin1"), size, body]);
}

// ---- helpers ----------------------------------------------------------------------------------------

type Body = NonNullable<Parameters<typeof fetch>[1]>["body"];

let srv: TestServer;
let resident: Awaited<ReturnType<typeof residentLogin>>;
let other: Awaited<ReturnType<typeof residentLogin>>;
let agent: Awaited<ReturnType<typeof staffLogin>>;
let cashier: Awaited<ReturnType<typeof staffLogin>>;

beforeAll(async () => {
  srv = await startTestServer();
  await seedStaff(srv.deps.ds);
  resident = await residentLogin(srv.url);
  other = await residentLogin(srv.url);
  agent = await staffLogin(srv.url, "hotline_agent", DEMO_PASSWORD);
  cashier = await staffLogin(srv.url, "cashier", DEMO_PASSWORD);
});
afterAll(async () => {
  // the uploads of this run (a few MB): the data folder itself belongs to the whole test worker
  if (srv) fs.rmSync(path.join(srv.deps.config.dataDir, "uploads"), { recursive: true, force: true });
  await srv?.close();
});

function form(bytes: Buffer, filename = "photo.jpg", type = "image/jpeg", field = "file"): FormData {
  const f = new FormData();
  f.append(field, new Blob([new Uint8Array(bytes)], { type }), filename);
  return f;
}

async function upload(
  path: "/api/v1/me/photos" | "/api/v1/staff/photos",
  token: string | null,
  body: Body,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${srv.url}${path}`, {
    method: "POST",
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body,
  });
  const text = await res.text();
  let json: Json = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json };
}

const photoCount = () => srv.deps.ds.getRepository(TicketPhoto).count();

async function healthy() {
  const h = await client(srv.url).get("/api/v1/health");
  expect(h.status).toBe(200);
}

// ---- tests ----------------------------------------------------------------------------------------

describe("uploading photos", () => {
  it("a resident uploads a JPEG: 201 with a signed link that serves the same bytes as image/jpeg", async () => {
    const bytes = jpeg();
    const res = await upload("/api/v1/me/photos", resident.accessToken, form(bytes));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ mime: "image/jpeg", size: bytes.length });
    expect(res.body.url).toMatch(/^\/api\/v1\/files\/p\.\d+\.\d+\.[A-Za-z0-9_-]{43}$/);
    const row = await srv.deps.ds.getRepository(TicketPhoto).findOneByOrFail({ id: res.body.id });
    expect(row).toMatchObject({ ownerKind: "resident", ownerId: resident.resident.id, ticketId: null, eventId: null });
    expect(row.storageKey).toMatch(/^photos\/\d{6}\/[0-9a-f]{32}\.jpg$/);
    expect(row.sha256).toMatch(/^[0-9a-f]{64}$/);

    // no Authorization header: the link is the permission
    const file = await fetch(`${srv.url}${res.body.url}`);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("image/jpeg");
    expect(file.headers.get("x-content-type-options")).toBe("nosniff");
    expect(file.headers.get("content-disposition")).toBe("inline");
    expect(Buffer.from(await file.arrayBuffer())).toEqual(bytes);
  });

  it("staff upload a PNG through /staff/photos", async () => {
    const bytes = png(3, 2);
    const res = await upload("/api/v1/staff/photos", agent.accessToken, form(bytes, "现场.png", "image/png"));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ mime: "image/png", size: bytes.length });
    const row = await srv.deps.ds.getRepository(TicketPhoto).findOneByOrFail({ id: res.body.id });
    expect(row).toMatchObject({ ownerKind: "staff", ownerId: agent.staff.id });
    const file = await fetch(`${srv.url}${res.body.url}`);
    expect(file.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await file.arrayBuffer())).toEqual(bytes);
  });

  it("the type comes from the bytes: a WebP sent as application/octet-stream named .bin is a WebP", async () => {
    const res = await upload(
      "/api/v1/me/photos",
      resident.accessToken,
      form(webp(), "x.bin", "application/octet-stream"),
    );
    expect(res.status).toBe(201);
    expect(res.body.mime).toBe("image/webp");
    const file = await fetch(`${srv.url}${res.body.url}`);
    expect(file.headers.get("content-type")).toBe("image/webp");
  });

  it("an .exe or a text file renamed .jpg is 415 UPLOAD_BAD_TYPE, and nothing is stored", async () => {
    const before = await photoCount();
    const exe = Buffer.concat([Buffer.from("MZ\x90\x00\x03\x00\x00\x00\x04\x00", "latin1"), Buffer.alloc(200)]);
    const a = await upload("/api/v1/me/photos", resident.accessToken, form(exe, "photo.jpg", "image/jpeg"));
    expect(a.status).toBe(415);
    expect(a.body.error).toMatchObject({ code: "UPLOAD_BAD_TYPE", message: "只能上传JPG、PNG或WebP格式的照片" });
    const text = Buffer.from("暖气不热，室温只有15度。", "utf8");
    const b = await upload("/api/v1/me/photos", resident.accessToken, form(text, "room.jpg", "image/jpeg"));
    expect(b.status).toBe(415);
    expect(b.body.error.code).toBe("UPLOAD_BAD_TYPE");
    const gif = Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;", "latin1");
    expect((await upload("/api/v1/me/photos", resident.accessToken, form(gif, "a.gif", "image/gif"))).status).toBe(415);
    const empty = await upload("/api/v1/me/photos", resident.accessToken, form(Buffer.alloc(0)));
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe("UPLOAD_MISSING");
    expect(await photoCount()).toBe(before);
  });

  it("5 MB is accepted; 5 MB + 1 byte is 413 UPLOAD_TOO_LARGE and the server stays healthy", async () => {
    const head = jpeg().subarray(0, 20);
    const exact = Buffer.concat([head, Buffer.alloc(UPLOAD_LIMITS.maxBytes - head.length, 0x55)]);
    const ok = await upload("/api/v1/me/photos", resident.accessToken, form(exact));
    expect(ok.status).toBe(201);
    expect(ok.body.size).toBe(UPLOAD_LIMITS.maxBytes);

    const before = await photoCount();
    const over = Buffer.concat([exact, Buffer.from([0x55])]);
    const res = await upload("/api/v1/me/photos", resident.accessToken, form(over));
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: "UPLOAD_TOO_LARGE", message: "照片不能超过5MB" });
    // far over the limit (announced by Content-Length): refused without reading it all
    const huge = Buffer.concat([head, Buffer.alloc(12 * 1024 * 1024)]);
    const big = await upload("/api/v1/me/photos", resident.accessToken, form(huge));
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe("UPLOAD_TOO_LARGE");
    expect(await photoCount()).toBe(before);
    await healthy();
    expect((await upload("/api/v1/me/photos", resident.accessToken, form(png()))).status).toBe(201);
  });

  it("no file field is 400 UPLOAD_MISSING (also a file under another name, and an empty request)", async () => {
    const f = new FormData();
    f.append("note", "照片稍后补");
    const a = await upload("/api/v1/me/photos", resident.accessToken, f);
    expect(a.status).toBe(400);
    expect(a.body.error).toMatchObject({ code: "UPLOAD_MISSING", message: "请选择要上传的照片" });
    const b = await upload("/api/v1/me/photos", resident.accessToken, form(jpeg(), "a.jpg", "image/jpeg", "image"));
    expect(b.status).toBe(400);
    expect(b.body.error.code).toBe("UPLOAD_MISSING");
    const c = await upload("/api/v1/me/photos", resident.accessToken, "");
    expect(c.status).toBe(400);
    expect(c.body.error.code).toBe("UPLOAD_MISSING");
  });

  it("broken multipart is a 4xx, never a 5xx; the JSON body parser stays out of the way", async () => {
    const boundary = "----warmlineBroken";
    const truncated = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff\xe0`;
    const cases: [Body, Record<string, string>][] = [
      [Buffer.from(truncated, "latin1"), { "content-type": `multipart/form-data; boundary=${boundary}` }],
      [Buffer.from("garbage without any boundary"), { "content-type": `multipart/form-data; boundary=${boundary}` }],
      [Buffer.from("x"), { "content-type": "multipart/form-data" }],
      [
        Buffer.from(`--${boundary}\r\nno headers at all\r\n--${boundary}--\r\n`),
        { "content-type": `multipart/form-data; boundary=${boundary}` },
      ],
      ['{"file": "not json', { "content-type": "application/json" }],
      ["file=abc", { "content-type": "application/x-www-form-urlencoded" }],
    ];
    for (const [body, headers] of cases) {
      const res = await upload("/api/v1/me/photos", resident.accessToken, body, headers);
      expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
      expect(res.body.error.code).not.toBe("BAD_JSON");
    }
    await healthy();
  });

  it("needs a token (401), a resident for /me and service-desk staff for /staff (403)", async () => {
    const none = await upload("/api/v1/me/photos", null, form(jpeg()));
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe("UNAUTHENTICATED");
    expect((await upload("/api/v1/staff/photos", null, form(jpeg()))).status).toBe(401);
    expect((await upload("/api/v1/me/photos", "not-a-token", form(jpeg()))).status).toBe(401);
    expect((await upload("/api/v1/staff/photos", resident.accessToken, form(jpeg()))).status).toBe(403);
    expect((await upload("/api/v1/me/photos", agent.accessToken, form(jpeg()))).status).toBe(403);
    const notDesk = await upload("/api/v1/staff/photos", cashier.accessToken, form(jpeg()));
    expect(notDesk.status).toBe(403);
    expect(notDesk.body.error.code).toBe("FORBIDDEN");
  });
});

describe("photo links", () => {
  it("a forged, altered or misnamed link is 404 FILE_LINK_INVALID", async () => {
    const res = await upload("/api/v1/me/photos", resident.accessToken, form(png()));
    const url: string = res.body.url;
    const flip = (sig: string) => `${sig.slice(0, -1)}${sig.endsWith("A") ? "B" : "A"}`;
    const forged = url.replace(/\.([A-Za-z0-9_-]{43})$/, (_, sig: string) => `.${flip(sig)}`);
    const otherId = url.replace(/\/p\.(\d+)\./, (_, id: string) => `/p.${Number(id) + 1}.`);
    const asInvoice = url.replace("/p.", "/i.");
    const later = url.replace(/\/p\.(\d+)\.(\d+)\./, (_, id: string, exp: string) => `/p.${id}.${Number(exp) + 3600}.`);
    for (const bad of [forged, otherId, asInvoice, later, `${url}.pdf`, "/api/v1/files/p.1.1.x"]) {
      const r = await client(srv.url).get(bad);
      expect(r.status, bad).toBe(404);
      expect(r.body.error.code).toBe("FILE_LINK_INVALID");
    }
    expect((await fetch(`${srv.url}${url}`)).status).toBe(200);
  });

  it("a link to a photo whose file is gone is 404, not 500", async () => {
    const res = await upload("/api/v1/me/photos", resident.accessToken, form(png()));
    const row = await srv.deps.ds.getRepository(TicketPhoto).findOneByOrFail({ id: res.body.id });
    await srv.deps.storage.delete(row.storageKey);
    const r = await client(srv.url).get(res.body.url);
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe("FILE_LINK_INVALID");
  });
});

describe("claimPhotos", () => {
  it("attaches the owner's unattached photos once; someone else's or attached ones are PHOTO_NOT_FOUND", async () => {
    const mine = await upload("/api/v1/me/photos", resident.accessToken, form(jpeg()));
    const mine2 = await upload("/api/v1/me/photos", resident.accessToken, form(png()));
    const theirs = await upload("/api/v1/me/photos", other.accessToken, form(jpeg()));
    const owner = { kind: "resident" as const, id: resident.resident.id };
    const code = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: unknown) => (e instanceof AppError ? e.code : String(e)),
      );
    const m = srv.deps.ds.manager;
    expect(await code(claimPhotos(m, owner, [mine.body.id, theirs.body.id], 900_001, null))).toBe("PHOTO_NOT_FOUND");
    expect(await code(claimPhotos(m, owner, [mine.body.id, 99_999_999], 900_001, null))).toBe("PHOTO_NOT_FOUND");
    // nothing was attached by the refused calls
    expect((await srv.deps.ds.getRepository(TicketPhoto).findOneByOrFail({ id: mine.body.id })).ticketId).toBeNull();
    // staff cannot claim a resident's photo with the same id number
    expect(await code(claimPhotos(m, { kind: "staff", id: resident.resident.id }, [mine.body.id], 900_001, null))).toBe(
      "PHOTO_NOT_FOUND",
    );

    const claimed = await srv.deps.ds.transaction((tx) =>
      claimPhotos(tx, owner, [mine.body.id, mine2.body.id, mine.body.id], 900_001, 77),
    );
    expect(claimed.map((p) => p.id)).toEqual([mine.body.id, mine2.body.id]);
    const rows = await srv.deps.ds.getRepository(TicketPhoto).findBy({ ticketId: 900_001 });
    expect(rows.map((r) => [r.id, r.eventId])).toEqual([
      [mine.body.id, 77],
      [mine2.body.id, 77],
    ]);
    expect(await code(claimPhotos(m, owner, [mine.body.id], 900_002, null))).toBe("PHOTO_NOT_FOUND");
    expect(await claimPhotos(m, owner, [], 900_002, null)).toEqual([]);

    const views = photoViews(srv.deps, rows);
    expect(views[0]).toMatchObject({ id: mine.body.id, mime: "image/jpeg" });
    expect((await fetch(`${srv.url}${views[1]?.url}`)).headers.get("content-type")).toBe("image/png");
  });
});

describe("unclaimed photos", () => {
  it("a photo no ticket claimed within a day is removed with its file; claimed and recent ones stay", async () => {
    const repo = srv.deps.ds.getRepository(TicketPhoto);
    const abandoned = await upload("/api/v1/me/photos", resident.accessToken, form(jpeg()));
    const recent = await upload("/api/v1/me/photos", resident.accessToken, form(png()));
    const kept = await upload("/api/v1/me/photos", resident.accessToken, form(png(4, 4)));
    const owner = { kind: "resident" as const, id: resident.resident.id };
    await claimPhotos(srv.deps.ds.manager, owner, [kept.body.id], 900_010, null);
    const dayAgo = new Date(Date.now() - UNCLAIMED_PHOTO_TTL_MS - 60_000);
    await repo.update({ id: In([abandoned.body.id, kept.body.id]) }, { createdAt: dayAgo });
    const abandonedKey = (await repo.findOneByOrFail({ id: abandoned.body.id })).storageKey;
    expect(await srv.deps.storage.get(abandonedKey)).not.toBeNull();

    expect(await cleanUnclaimedPhotos(srv.deps)).toBeGreaterThanOrEqual(1);
    expect(await repo.findOneBy({ id: abandoned.body.id })).toBeNull();
    expect(await srv.deps.storage.get(abandonedKey)).toBeNull();
    expect((await fetch(`${srv.url}${abandoned.body.url}`)).status).toBe(404);
    // too late to claim it now: a clear PHOTO_NOT_FOUND, not a ticket pointing at nothing
    await expect(claimPhotos(srv.deps.ds.manager, owner, [abandoned.body.id], 900_011, null)).rejects.toMatchObject({
      code: "PHOTO_NOT_FOUND",
    });
    for (const p of [recent, kept]) {
      expect(await repo.findOneBy({ id: p.body.id })).not.toBeNull();
      expect((await fetch(`${srv.url}${p.body.url}`)).status).toBe(200);
    }
    // a second run finds nothing more of those
    expect(await cleanUnclaimedPhotos(srv.deps)).toBe(0);
  });

  it("the hourly job schedules its next turn once, however often a turn runs", async () => {
    const before = Date.now();
    const job = photoCleanupJob(() => srv.deps);
    const ctx = { ds: srv.deps.ds, outboxId: 0, attempt: 1 };
    await Promise.all([job.handle({ slot: 1 }, ctx), job.handle({ slot: 1 }, ctx)]);
    await job.handle({ slot: 1 }, ctx);
    const next = await srv.deps.ds.getRepository(OutboxJob).findBy({ jobName: "tickets.photo_cleanup" });
    // (two rows only if the hour turned while the test ran)
    expect(next.length === 1 || Math.floor(before / 3600_000) !== Math.floor(Date.now() / 3600_000)).toBe(true);
    const turn = Math.floor(Date.now() / 3600_000) + 1;
    expect(next.at(-1)?.dedupeKey).toBe(`tickets.photo_cleanup:${turn}`);
    // at the hour's turn (the delay is taken from "now" a moment later: within a second of it)
    const at = next.at(-1)?.availableAt.getTime() ?? 0;
    expect(at).toBeGreaterThanOrEqual(turn * 3600_000);
    expect(at).toBeLessThan(turn * 3600_000 + 1_000);
  });
});

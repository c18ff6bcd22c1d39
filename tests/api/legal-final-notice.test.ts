import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { formatYuan } from "@warmline/shared";
import { AccountBinding, HeatingAccount } from "@warmline/server/src/modules/accounts";
import { AuditLog } from "@warmline/server/src/modules/audit";
import { Bill } from "@warmline/server/src/modules/billing";
import { seedCalendarFromPackage } from "@warmline/server/src/modules/calendar";
import { finalNoticeFilesForCase, LegalCaseEvent, LegalFinalNotice } from "@warmline/server/src/modules/legal";
import { SubscribeConsent } from "@warmline/server/src/modules/tickets";
import { HomeVisit } from "@warmline/server/src/modules/visits";
import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seasonsWithBills } from "../support/billing";
import { seedSmallCounty } from "../support/county";
import { client, type Json, residentLogin, staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

/**
 * 催告函 on MariaDB (issue 15): a legal officer generates the final notice of a case waiting for review — a
 * PDF (read back with pdftotext) with the account number, the full name and the amount owed with the late
 * fee of the day, stored with its SHA-256, a timeline event and an audit row; sending it texts the account's
 * mobile once (a repeat, or two requests at once, send nothing more) and a subscribe message to a bound
 * resident with an arrears consent; a closed case is refused with LEGAL_FINAL_NOTICE_STATE; the packet
 * helper gets the stored PDFs.
 */

let srv: TestServer;
let county: Awaited<ReturnType<typeof seedSmallCounty>>;
type Staff = Awaited<ReturnType<typeof staffLogin>>;
let legal: Staff;
let sup: Staff;
let account: HeatingAccount;
let other: HeatingAccount;
let phone: string;
let caseId: number;
let notice: Json;

const DAY = 86_400_000;
const at = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
const visitBody = (accountId: number, msAgo: number) => ({
  accountId,
  startedAt: at(msAgo + 20 * 60_000),
  endedAt: at(msAgo),
  kind: "collection",
  outcome: "met_owner",
  indoorTempC10: 205,
  tempMethod: "thermometer",
  policyExplained: ["payment_policy"],
  position: { kind: "refuses", reason: "认为不该交" },
});

async function smsTo(p: string): Promise<Json[]> {
  const r = await client(srv.url).get(`/sandbox/sms/test/messages?phone=${p}`);
  expect(r.status).toBe(200);
  return r.body.messages;
}

function pdfText(pdf: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "notice-"));
  const file = path.join(dir, "n.pdf");
  fs.writeFileSync(file, pdf);
  try {
    return execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function makeCase(a: HeatingAccount): Promise<number> {
  for (const ago of [3 * DAY, 1 * DAY]) {
    expect((await sup.api.post("/api/v1/staff/visits", visitBody(a.id, ago))).status).toBe(201);
  }
  const opened = await legal.api.post("/api/v1/staff/legal/cases", { accountId: a.id, note: "两次拒缴" });
  expect(opened.status).toBe(201);
  return opened.body.id;
}

beforeAll(async () => {
  srv = await startTestServer();
  await seedCalendarFromPackage(srv.deps.ds);
  county = await seedSmallCounty(srv.deps, 10);
  await seasonsWithBills(srv.url, ["2025-2026", "2026-2027"]);
  [legal, sup] = await Promise.all(["legal_officer", "supervisor"].map((u) => staffLogin(srv.url, u, DEMO_PASSWORD)));
  const ds = srv.deps.ds;
  await ds.getRepository(HeatingAccount).createQueryBuilder().update().set({ hardshipCategory: "none" }).execute();
  await ds.query(
    "UPDATE bills SET paid_fen = amount_fen, status = 'paid', late_fee_accrued_fen = 0, late_fee_accrued_until = NULL",
  );
  const season = (await ds.query("SELECT id FROM heating_seasons WHERE code = '2025-2026'")) as { id: number }[];
  const withPhone = county.rows.filter((r) => {
    try {
      return /^1\d{10}$/.test(srv.deps.vault.decrypt(r.phoneEnc) ?? "");
    } catch {
      return false;
    }
  });
  account = withPhone[0] as HeatingAccount;
  other = withPhone[1] as HeatingAccount;
  phone = srv.deps.vault.decrypt(account.phoneEnc) as string;
  for (const a of [account, other]) {
    await ds
      .getRepository(Bill)
      .update({ accountId: a.id, seasonId: (season[0] as { id: number }).id }, { paidFen: 0, status: "unpaid" });
  }
  caseId = await makeCase(account);
  // a resident bound to the account with one arrears consent left (the subscribe message)
  const resident = await residentLogin(srv.url, { openid: "final-notice-openid" });
  await ds.getRepository(AccountBinding).insert({
    accountId: account.id,
    residentUserId: resident.resident.id,
    factor: "staff",
    activeFlag: true,
  } as never);
  await ds.getRepository(SubscribeConsent).insert({
    residentUserId: resident.resident.id,
    template: "arrears_reminder",
    remaining: 1,
  });
}, 180_000);

afterAll(async () => {
  await srv?.close();
});

describe("generating", () => {
  it("makes a PDF with the account number, the full name and the amount owed today, stored with its hash", async () => {
    const before = await smsTo(phone);
    const res = await legal.api.post(`/api/v1/staff/legal/cases/${caseId}/final-notices`);
    expect(res.status).toBe(201);
    notice = res.body;
    expect(notice).toMatchObject({ caseId, sendState: "unsent", channels: [], deliveries: [] });
    expect(notice.owedFen).toBeGreaterThan(notice.principalFen); // a late fee on the 2025-2026 bill
    expect(notice.seasons).toEqual(["2025-2026"]);
    // nothing sent by generating
    expect(await smsTo(phone)).toHaveLength(before.length);

    const pdf = await fetch(new URL(notice.pdfUrl, srv.url));
    expect(pdf.status).toBe(200);
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(notice.sha256);
    const text = pdfText(bytes).replace(/\s+/g, "");
    expect(text).toContain("催告函");
    expect(text).toContain(account.accountNo);
    expect(text).toContain(account.ownerName);
    expect(text).toContain(formatYuan(notice.owedFen));
    expect(text).toContain(notice.payBy);
    expect(text).toContain("移交法院");

    const ev = await srv.deps.ds.getRepository(LegalCaseEvent).findBy({ caseId, kind: "final_notice_generated" });
    expect(ev).toHaveLength(1);
    expect(ev[0]?.data).toMatchObject({ noticeId: notice.id, sha256: notice.sha256 });
    expect(ev[0]?.chainHash).toMatch(/^[0-9a-f]{64}$/);
    const audits = await srv.deps.ds
      .getRepository(AuditLog)
      .findBy({ action: "legal.final_notice_generate", targetId: String(caseId) });
    expect(audits).toHaveLength(1);
  });

  it("the packet gets the stored PDF", async () => {
    const files = await finalNoticeFilesForCase(srv.deps, caseId);
    expect(files).toHaveLength(1);
    expect(
      createHash("sha256")
        .update(files[0]?.body as Buffer)
        .digest("hex"),
    ).toBe(notice.sha256);
    expect(files[0]?.name).toContain(notice.noticeNo);
  });
});

describe("sending", () => {
  it("texts the account's mobile and sends the subscribe message once; repeats send nothing", async () => {
    const before = (await smsTo(phone)).length;
    const url = `/api/v1/staff/legal/cases/${caseId}/final-notices/${notice.id}/send`;
    const [a, b] = await Promise.all([legal.api.post(url), legal.api.post(url)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect([a.body.duplicate, b.body.duplicate].sort()).toEqual([false, true]);
    const first = a.body.duplicate ? b.body : a.body;
    expect(first.sendState).toBe("sent");
    expect(first.channels.sort()).toEqual(["sms", "subscribe"]);
    const sms = first.deliveries.find((d: Json) => d.channel === "sms");
    expect(sms.result).toBe("sent");
    expect(sms.vendorMessageId).toBeTruthy();

    const msgs = await smsTo(phone);
    expect(msgs).toHaveLength(before + 1);
    const text = (msgs.at(-1) as Json).text as string;
    expect(text).toContain(account.accountNo);
    expect(text).toContain(formatYuan(notice.owedFen));
    expect(text).not.toContain(account.ownerName); // the SMS carries the masked name

    const again = await legal.api.post(url);
    expect(again.status).toBe(200);
    expect(again.body.duplicate).toBe(true);
    expect(await smsTo(phone)).toHaveLength(before + 1);

    const row = await srv.deps.ds.getRepository(LegalFinalNotice).findOneByOrFail({ id: notice.id });
    expect(row.sendState).toBe("sent");
    expect(row.sentAt).not.toBeNull();
    expect(row.deliveries.filter((d) => d.channel === "sms" && d.result === "sent")).toHaveLength(1);
    const consent = await srv.deps.ds.getRepository(SubscribeConsent).findOneByOrFail({ template: "arrears_reminder" });
    expect(consent.remaining).toBe(0);
    const sent = await srv.deps.ds.getRepository(LegalCaseEvent).findBy({ caseId, kind: "final_notice_sent" });
    expect(sent).toHaveLength(1);

    const list = await legal.api.get(`/api/v1/staff/legal/cases/${caseId}/final-notices`);
    expect(list.status).toBe(200);
    expect(list.body.allowed).toBe(true);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ id: notice.id, sendState: "sent" });
    // the chain of the timeline still holds
    const v = await legal.api.post(`/api/v1/staff/legal/cases/${caseId}/verify-chain`);
    expect(v.body.ok).toBe(true);
  });

  it("an approved case may still generate (two at once get numbers of their own)", async () => {
    expect((await sup.api.post(`/api/v1/staff/legal/cases/${caseId}/approve`)).status).toBe(200);
    const url = `/api/v1/staff/legal/cases/${caseId}/final-notices`;
    const [a, b] = await Promise.all([legal.api.post(url), legal.api.post(url)]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(new Set([notice.noticeNo, a.body.noticeNo, b.body.noticeNo]).size).toBe(3);
    expect(await finalNoticeFilesForCase(srv.deps, caseId)).toHaveLength(3);
  });
});

describe("refusals", () => {
  it("a closed case is refused with LEGAL_FINAL_NOTICE_STATE and nothing is written or sent", async () => {
    const otherCase = await makeCase(other);
    const gen = await legal.api.post(`/api/v1/staff/legal/cases/${otherCase}/final-notices`);
    expect(gen.status).toBe(201);
    const closed = await legal.api.post(`/api/v1/staff/legal/cases/${otherCase}/close`, { outcome: "withdrawn" });
    expect(closed.status).toBe(200);
    const count = await srv.deps.ds.getRepository(LegalFinalNotice).countBy({ caseId: otherCase });
    const again = await legal.api.post(`/api/v1/staff/legal/cases/${otherCase}/final-notices`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("LEGAL_FINAL_NOTICE_STATE");
    expect(await srv.deps.ds.getRepository(LegalFinalNotice).countBy({ caseId: otherCase })).toBe(count);
    const otherPhone = srv.deps.vault.decrypt(other.phoneEnc) as string;
    const before = (await smsTo(otherPhone)).length;
    const send = await legal.api.post(`/api/v1/staff/legal/cases/${otherCase}/final-notices/${gen.body.id}/send`);
    expect(send.status).toBe(409);
    expect(send.body.error.code).toBe("LEGAL_FINAL_NOTICE_STATE");
    expect(await smsTo(otherPhone)).toHaveLength(before);
  });

  it("an unknown notice or case answers 404", async () => {
    const a = await legal.api.post(`/api/v1/staff/legal/cases/${caseId}/final-notices/99999999/send`);
    expect(a.status).toBe(404);
    expect(a.body.error.code).toBe("LEGAL_FINAL_NOTICE_NOT_FOUND");
    const b = await legal.api.post("/api/v1/staff/legal/cases/99999999/final-notices");
    expect(b.status).toBe(404);
    // a notice of another case is not found under this one
    expect(
      (await legal.api.post(`/api/v1/staff/legal/cases/${caseId + 1}/final-notices/${notice.id}/send`)).status,
    ).toBe(404);
  });

  it("visits recorded for these tests are chained too", async () => {
    const v = await srv.deps.ds.getRepository(HomeVisit).findBy({ accountId: account.id });
    expect(v.every((x) => x.chainHash !== null)).toBe(true);
  });
});

import type { BizDate } from "./billing/dates";
import { LEGAL_OUTCOME_LABELS, type LegalCaseState, type LegalOutcome, surnameOnly } from "./legal";

/**
 * 曝光典型案例 and the legal desk's reports (issue 15): the anonymized notice drafted from a closed case, the
 * leak check every draft passes before it is saved or published, and the deadline-compliance figures.
 * Pure: the server gathers the case, the account and the payments.
 */

// ---------------------------------------------------------------------------------------------------------
// anonymizing

/**
 * The building only, from a building name or a full address: "3号楼2单元501室" → "3号楼", "幸福里小区12栋"
 * → "12栋". Anything after the first 楼/栋/幢/号楼 (unit, floor, room) is dropped; a text without such a
 * marker gives null (better no building than a room number).
 */
export function buildingOnly(text: string | null | undefined): string | null {
  if (!text) return null;
  const t = text.replace(/\s+/g, "");
  const m = /([0-9０-９一二三四五六七八九十百零A-Za-z]+(?:号楼|号|楼|栋|幢|座))/.exec(t);
  if (!m?.[1]) return null;
  const b = m[1];
  // "501号" alone is a room or a house number, not a building
  if (/号$/.test(b) && !/号楼$/.test(b)) return null;
  return b;
}

export interface TypicalCaseFacts {
  ownerName: string;
  communityName: string;
  /** the building's name in the register (or null) */
  buildingName: string | null;
  /** the arrears the case was about (fen, late fee included) */
  amountFen: number;
  outcome: LegalOutcome;
  /** Asia/Shanghai date of the closing */
  closedOn: BizDate;
  /** the arrears season, e.g. 2025-2026 */
  season: string;
}

export interface TypicalCaseText {
  title: string;
  body: string;
}

const yuan = (fen: number) => (fen / 100).toFixed(2);

/**
 * The draft a legal officer starts from: surname only (复姓 kept whole), community and building only, the
 * amount and the outcome. Never the given name, ID number, phone, unit or room.
 */
export function typicalCaseDraft(f: TypicalCaseFacts): TypicalCaseText {
  const who = surnameOnly(f.ownerName);
  const building = buildingOnly(f.buildingName);
  const place = `${f.communityName}${building ?? ""}`;
  const outcome = LEGAL_OUTCOME_LABELS[f.outcome];
  return {
    title: `典型案例：${place}住户${who}欠缴供热费移交法务`,
    body: [
      `${place}住户${who}，欠缴${f.season}供热季供热费，累计欠费 ${yuan(f.amountFen)} 元（含滞纳金）。`,
      "供热中心工作人员两次以上入户沟通，该户无经济困难情形，仍明确拒绝缴费，供热中心依法将其移交法务处理。",
      `处理结果：${outcome}（${f.closedOn}）。`,
      "依法缴纳供热费是每位用热居民的义务。确有经济困难的住户，可向所在社区或供热中心申请缓缴、分期，困难不拒缴。",
    ].join("\n"),
  };
}

/** what must never appear in a published typical case */
export interface TypicalCaseSecrets {
  ownerName: string;
  accountNo?: string | null;
  idNumber?: string | null;
  phone?: string | null;
  unit?: string | null;
  room?: string | null;
  address?: string | null;
}

export const TYPICAL_LEAK_KINDS = ["name", "id_number", "phone", "room", "address", "account_no"] as const;
export type TypicalLeakKind = (typeof TYPICAL_LEAK_KINDS)[number];
export const TYPICAL_LEAK_LABELS: Record<TypicalLeakKind, string> = {
  name: "住户全名或名字",
  id_number: "身份证号",
  phone: "手机号",
  room: "单元或房号",
  address: "详细地址",
  account_no: "户号",
};

const strip = (s: string) => s.replace(/\s+/g, "");

/**
 * The personal data a text gives away: the full name or the given name (2+ characters), an ID number or a
 * phone number (this household's or any that looks like one), a unit or room (单元/室/户, or this
 * household's "unit-room"), the full address, the account number. Empty when the text is safe.
 */
export function typicalCaseLeaks(text: string, s: TypicalCaseSecrets): TypicalLeakKind[] {
  const t = strip(text);
  const out = new Set<TypicalLeakKind>();
  const name = strip(s.ownerName);
  const chars = [...name];
  if (chars.length >= 2 && t.includes(name)) out.add("name");
  const surname = surnameOnly(name).replace(/某$/, "");
  const given = name.startsWith(surname) ? name.slice(surname.length) : "";
  if ([...given].length >= 2 && t.includes(given)) out.add("name");
  if (/\d{17}[\dXx]|\d{15}/.test(t)) out.add("id_number");
  if (s.idNumber && s.idNumber.length >= 6 && t.toUpperCase().includes(strip(s.idNumber).toUpperCase()))
    out.add("id_number");
  if (/(?<!\d)1[3-9]\d{9}(?!\d)/.test(t)) out.add("phone");
  if (s.phone && strip(s.phone).replace(/\D/g, "").length >= 7 && t.includes(strip(s.phone).replace(/\D/g, "")))
    out.add("phone");
  if (/[0-9０-９一二三四五六七八九十]+单元|\d+(?:室|号房|户)(?![口籍主号])|\d+层/.test(t)) out.add("room");
  const unit = s.unit ? strip(s.unit) : "";
  const room = s.room ? strip(s.room) : "";
  if (room && (t.includes(`${room}室`) || (unit && (t.includes(`${unit}-${room}`) || t.includes(`${unit}${room}`)))))
    out.add("room");
  if (s.address && strip(s.address).length >= 6 && t.includes(strip(s.address))) out.add("address");
  if (s.accountNo && strip(s.accountNo).length >= 4 && t.includes(strip(s.accountNo))) out.add("account_no");
  return TYPICAL_LEAK_KINDS.filter((k) => out.has(k));
}

export const TYPICAL_CASE_STATES = ["draft", "published", "rejected"] as const;
export type TypicalCaseState = (typeof TYPICAL_CASE_STATES)[number];
export const TYPICAL_CASE_STATE_LABELS: Record<TypicalCaseState, string> = {
  draft: "待审核",
  published: "已审核发布",
  rejected: "未通过审核",
};

// ---------------------------------------------------------------------------------------------------------
// deadline compliance (reports)

/** the stored dates of one case that the compliance figures read */
export interface ComplianceCase {
  state: LegalCaseState;
  submitDue: BizDate | null;
  litigateDue: BizDate | null;
  filedOn: BizDate | null;
  registeredOn: BizDate | null;
  /** Asia/Shanghai date of the closing, null while open */
  closedOn: BizDate | null;
  approvedOn: BizDate | null;
}

export interface ComplianceFigure {
  /** done on or before the due date */
  met: number;
  /** cases whose deadline counts: done, or due date passed while the case was open (N) */
  counted: number;
  /** done after the due date, or not done and the due date passed while open */
  late: number;
  /** open, not done, not yet due */
  pending: number;
  /** approved but the due date could not be computed (节假日数据缺失) */
  calendarMissing: number;
}

/**
 * n / N of one deadline ("submit": 提交法院 within the working days, "litigate": 启动诉讼 within the days):
 * a case counts once its step is done or its due date has passed while it was open; a case closed before
 * its due date without the step (paid in full early) does not count.
 */
export function deadlineCompliance(
  cases: readonly ComplianceCase[],
  kind: "submit" | "litigate",
  today: BizDate,
): ComplianceFigure {
  const f: ComplianceFigure = { met: 0, counted: 0, late: 0, pending: 0, calendarMissing: 0 };
  for (const c of cases) {
    if (!c.approvedOn) continue;
    const due = kind === "submit" ? c.submitDue : c.litigateDue;
    const done = kind === "submit" ? c.filedOn : c.registeredOn;
    if (!due) {
      f.calendarMissing++;
      continue;
    }
    if (done) {
      f.counted++;
      if (done <= due) f.met++;
      else f.late++;
      continue;
    }
    const openUntil = c.closedOn ?? today;
    if (openUntil > due) {
      f.counted++;
      f.late++;
    } else if (!c.closedOn) f.pending++;
  }
  return f;
}

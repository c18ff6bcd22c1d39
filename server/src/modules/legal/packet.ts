import {
  formatYuan,
  LEGAL_CASE_STATE_LABELS,
  LEGAL_EVENT_LABELS,
  LEGAL_PACKET_CASE_STATES,
  LEGAL_PACKET_STATE_LABELS,
  type LegalPacketView,
  maskName,
  owedAt,
  PAYMENT_STATUS_LABELS,
  REMINDER_CHANNEL_LABELS,
  REMINDER_STATUS_LABELS,
  REMINDER_TEMPLATE_LABELS,
  type ReminderTemplateKey,
  seasonCalendar,
  seasonCodeFor,
  shanghaiDate,
  shanghaiMidnight,
  TICKET_CATEGORY_LABELS,
  TICKET_STATUS_LABELS,
  VISIT_KIND_LABELS,
  VISIT_POSITION_LABELS,
} from "@warmline/shared";
import type { Context } from "koa";
import { type DataSource, In, MoreThanOrEqual } from "typeorm";
import { z } from "zod";
import type { Deps } from "../../deps";
import { staffAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { enqueue } from "../../jobs/outbox";
import { defineJob } from "../../jobs/registry";
import { logger } from "../../lib/logger";
import { newStorageKey } from "../../lib/storage";
import { Community, HeatingAccount } from "../accounts";
import { audit } from "../audit";
import { Bill, BillWaiver, HeatingSeason, policyOf } from "../billing";
import { type FileKind, linkFor } from "../files";
import { PaymentAllocation, PaymentOrder } from "../payments";
import { Reminder, ReminderAttempt } from "../reminders";
import { StaffUser } from "../staff";
import { Ticket, TicketEvent } from "../tickets";
import { HomeVisit, HomeVisitPhoto, presentVisits, renderVisitsPdf } from "../visits";
import { LegalCase, LegalCaseEvent } from "./entities";
import { finalNoticeFilesForCase } from "./finalNotice";
import { bjTime, celsius, cjkPdf, heading, lines, xlsxStream } from "./packetDocs";
import { LegalPacket } from "./packetEntity";
import { PacketZip } from "./packetZip";
import { markExported } from "./service";

export const PACKET_JOB = "legal.packet_build" as const;

/** a request without a Koa request behind it (the job): for audit rows written on the requester's behalf */
const JOB_CTX = { ip: "", state: {} } as unknown as Context;

// ---------------------------------------------------------------------------------------------------------
// the desk: request, list, one-time link

export async function requestPacket(deps: Deps, ctx: Context, caseId: number): Promise<LegalPacketView> {
  const staff = staffAuth(ctx);
  let id = 0;
  await deps.ds.transaction(async (m) => {
    const c = await m.getRepository(LegalCase).findOneBy({ id: caseId });
    if (!c) throw new AppError("LEGAL_CASE_NOT_FOUND");
    if (!(LEGAL_PACKET_CASE_STATES as readonly string[]).includes(c.state)) {
      throw new AppError("LEGAL_PACKET_CASE_STATE", { state: c.state, stateLabel: LEGAL_CASE_STATE_LABELS[c.state] });
    }
    const ins = await m.getRepository(LegalPacket).insert({
      caseId,
      state: "queued",
      progress: 0,
      stage: null,
      fileKey: null,
      bytes: null,
      sha256: null,
      error: null,
      requestedBy: staff.id,
      finishedAt: null,
      linkIssuedBy: null,
      linkIssuedAt: null,
      downloadedAt: null,
      downloadedBy: null,
    });
    id = Number(ins.identifiers[0]?.id);
    await enqueue(m, PACKET_JOB, { packetId: id }, { dedupeKey: `legal_packet:${id}`, maxAttempts: 2 });
    await audit(m, ctx, {
      action: "legal.packet_request",
      targetType: "legal_case",
      targetId: caseId,
      details: { caseNo: c.caseNo, packetId: id },
    });
  });
  const [view] = await presentPackets(deps.ds, [await deps.ds.getRepository(LegalPacket).findOneByOrFail({ id })]);
  return view as LegalPacketView;
}

async function presentPackets(ds: DataSource, rows: LegalPacket[]): Promise<LegalPacketView[]> {
  const ids = [...new Set(rows.flatMap((r) => [r.requestedBy, r.downloadedBy ?? 0]))];
  const staff = ids.length ? await ds.getRepository(StaffUser).findBy({ id: In(ids) }) : [];
  const names = new Map(staff.map((s) => [s.id, s.displayName]));
  const name = (id: number | null) => (id === null ? null : (names.get(id) ?? `#${id}`));
  return rows.map((r) => ({
    id: r.id,
    caseId: r.caseId,
    state: r.state,
    stateLabel: LEGAL_PACKET_STATE_LABELS[r.state],
    progress: r.progress,
    stage: r.state === "building" || r.state === "queued" ? r.stage : null,
    bytes: r.bytes,
    sha256: r.sha256,
    error: r.error,
    requestedBy: name(r.requestedBy),
    requestedAt: r.createdAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    downloadedAt: r.downloadedAt?.toISOString() ?? null,
    downloadedBy: name(r.downloadedBy),
    downloadable: r.state === "ready" && r.downloadedAt === null,
  }));
}

export async function listPackets(deps: Deps, caseId: number) {
  if (!(await deps.ds.getRepository(LegalCase).existsBy({ id: caseId }))) throw new AppError("LEGAL_CASE_NOT_FOUND");
  const rows = await deps.ds.getRepository(LegalPacket).find({ where: { caseId }, order: { id: "DESC" } });
  return { items: await presentPackets(deps.ds, rows) };
}

function packetFileName(caseNo: string, packetId: number) {
  return `${caseNo}-packet-${packetId}.zip`;
}

/** the signed link of a packet (kind "legal_packet", letter k): its `open` lets one download through */
export const LEGAL_PACKET_FILE: FileKind = {
  name: "legal_packet",
  letter: "k",
  suffix: ".zip",
  async open(deps, id) {
    const row = await deps.ds.getRepository(LegalPacket).findOneBy({ id });
    if (row?.state !== "ready" || !row.fileKey) throw new AppError("FILE_LINK_INVALID");
    // one download: whoever sets downloaded_at first gets the file; every later request is refused
    const now = new Date();
    const res = await deps.ds
      .createQueryBuilder()
      .update(LegalPacket)
      .set({ downloadedAt: now, downloadedBy: row.linkIssuedBy })
      .where("id = :id AND downloaded_at IS NULL", { id })
      .execute();
    if (!res.affected) throw new AppError("LEGAL_PACKET_LINK_USED");
    const body = await deps.storage.getStream(row.fileKey);
    if (!body) throw new AppError("FILE_LINK_INVALID");
    const c = await deps.ds.getRepository(LegalCase).findOneBy({ id: row.caseId });
    return {
      body,
      type: "application/zip",
      filename: packetFileName(c?.caseNo ?? `case${row.caseId}`, row.id),
    };
  },
};

/**
 * 下载链接: a signed link to a ready packet that serves it once (the first download uses it up, later ones
 * get LEGAL_PACKET_LINK_USED, 410). Handing it out is the export, audited with the ZIP's hash.
 */
export async function packetLink(deps: Deps, ctx: Context, caseId: number, packetId: number) {
  const staff = staffAuth(ctx);
  const row = await deps.ds.getRepository(LegalPacket).findOneBy({ id: packetId, caseId });
  if (!row) throw new AppError("LEGAL_PACKET_NOT_FOUND");
  if (row.state !== "ready" || !row.sha256) throw new AppError("LEGAL_PACKET_NOT_READY", { state: row.state });
  if (row.downloadedAt) throw new AppError("LEGAL_PACKET_LINK_USED");
  const c = await deps.ds.getRepository(LegalCase).findOneByOrFail({ id: caseId });
  const now = new Date();
  await deps.ds.transaction(async (m) => {
    await m.getRepository(LegalPacket).update({ id: packetId }, { linkIssuedBy: staff.id, linkIssuedAt: now });
    await audit(m, ctx, {
      action: "legal.packet_export",
      targetType: "legal_case",
      targetId: caseId,
      details: { caseNo: c.caseNo, packetId, zipSha256: row.sha256, zipBytes: row.bytes },
    });
  });
  const link = linkFor(deps.config, LEGAL_PACKET_FILE, packetId);
  return { ...link, oneTime: true as const, sha256: row.sha256, fileName: packetFileName(c.caseNo, packetId) };
}

// ---------------------------------------------------------------------------------------------------------
// the build

async function progress(ds: DataSource, id: number, pct: number, stage: string) {
  await ds.getRepository(LegalPacket).update({ id }, { progress: pct, stage });
}

function extOf(mime: string): string {
  return mime === "image/png" ? "png" : mime === "image/webp" ? "webp" : mime === "application/pdf" ? "pdf" : "jpg";
}

const yuan = formatYuan;

/**
 * Builds one packet into the file store: the summary (the one place the debtor's full name, ID number and
 * address appear unmasked — audited), the statement of account, the reminders with their delivery evidence,
 * the visit records with their original photos and signatures, this season's measurements and complaints,
 * the final notice if any, and manifest.json + manifest.sha256. The row's progress follows the sections; a
 * failure marks the row failed and leaves no file. The first ready packet moves the case to 材料已导出.
 */
export async function buildPacket(deps: Deps, packetId: number, now = new Date()): Promise<void> {
  const { ds } = deps;
  const row = await ds.getRepository(LegalPacket).findOneBy({ id: packetId });
  if (!row || row.state === "ready" || row.state === "failed") return;
  await ds.getRepository(LegalPacket).update({ id: packetId }, { state: "building", progress: 1, stage: "准备数据" });
  const key = newStorageKey("legalpacket", "zip", now);
  const zip = new PacketZip(deps.storage, key, now);
  try {
    const c = await ds.getRepository(LegalCase).findOneByOrFail({ id: row.caseId });
    const account = await ds.getRepository(HeatingAccount).findOneByOrFail({ id: c.accountId });
    const community = await ds.getRepository(Community).findOneBy({ id: account.communityId });
    const today = shanghaiDate(now);
    const bills = await ds
      .getRepository(Bill)
      .createQueryBuilder("b")
      .innerJoinAndSelect("b.season", "season")
      .where("b.account_id = :id", { id: account.id })
      .orderBy("season.start_date", "ASC")
      .getMany();
    const billIds = [...bills.map((b) => b.id), 0];
    const [waivers, allocations, payments, reminders, visitRows, events, tickets] = await Promise.all([
      ds.getRepository(BillWaiver).find({ where: { billId: In(billIds) }, order: { id: "ASC" } }),
      ds.getRepository(PaymentAllocation).find({ where: { billId: In(billIds) }, order: { id: "ASC" } }),
      ds.getRepository(PaymentOrder).find({ where: { accountId: account.id }, order: { id: "ASC" } }),
      ds.getRepository(Reminder).find({ where: { accountId: account.id }, order: { id: "ASC" } }),
      ds.getRepository(HomeVisit).find({ where: { accountId: account.id }, order: { startedAt: "ASC", id: "ASC" } }),
      ds.getRepository(LegalCaseEvent).find({ where: { caseId: c.id }, order: { id: "ASC" } }),
      ds.getRepository(Ticket).find({ where: { accountId: account.id }, order: { id: "ASC" } }),
    ]);
    const attempts = reminders.length
      ? await ds.getRepository(ReminderAttempt).find({
          where: { reminderId: In(reminders.map((r) => r.id)) },
          order: { id: "ASC" },
        })
      : [];
    const staffIds = [
      ...new Set([
        ...events.map((e) => e.actorStaffId ?? 0),
        ...visitRows.map((v) => v.authorStaffId),
        row.requestedBy,
      ]),
    ];
    const staff = await ds.getRepository(StaffUser).findBy({ id: In(staffIds) });
    const staffName = new Map(staff.map((s) => [s.id, s.displayName]));
    const seller = deps.config.invoices.seller;
    const idNumber = account.idNumberEnc ? deps.vault.decrypt(account.idNumberEnc) : null;
    const phone = account.phoneEnc ? deps.vault.decrypt(account.phoneEnc) : null;

    // -- 1. summary.pdf ---------------------------------------------------------------------------------
    await progress(ds, packetId, 5, "案件摘要");
    {
      const doc = cjkPdf(deps, `诉讼材料摘要 ${c.caseNo}`);
      const added = zip.addStream("summary.pdf", doc);
      doc.fontSize(18).text("欠缴供热费纠纷 诉讼材料摘要", { align: "center" }).moveDown(0.5);
      doc
        .fontSize(10)
        .text(`案件编号：${c.caseNo}    户号：${account.accountNo}    生成时间：${bjTime(now)}（北京时间）`);
      heading(doc, "一、债权人（原告）");
      lines(doc, [
        `名称：${seller.name}`,
        `统一社会信用代码：${seller.taxId}`,
        `地址及电话：${seller.address}`,
        `开户行及账号：${seller.bankAccount}`,
      ]);
      heading(doc, "二、债务人（被告）");
      lines(doc, [
        `姓名：${account.ownerName}`,
        `身份证号码：${idNumber ?? "（未登记）"}`,
        `住址：${account.address}`,
        `小区：${community?.name ?? ""}    户号：${account.accountNo}    供热面积：${(account.heatedArea / 100).toFixed(2)} 平方米`,
        `联系电话：${phone ?? "（未登记）"}`,
      ]);
      heading(doc, "三、欠费金额（按供热季）");
      let totalPrincipal = 0;
      let totalLate = 0;
      const amountLines: string[] = [];
      for (const b of bills) {
        const season = b.season as HeatingSeason;
        const policy = policyOf(season);
        const owed = owedAt(
          {
            amountFen: b.amountFen,
            paidFen: b.paidFen,
            waivedFen: b.waivedFen,
            lateFeeAccruedFen: b.lateFeeAccruedFen,
            lateFeePaidFen: b.lateFeePaidFen,
            lateFeeWaivedFen: b.lateFeeWaivedFen,
            lateFeeAccruedUntil: b.lateFeeAccruedUntil,
            dueDate: b.dueDate,
            lateFeeExempt: b.lateFeeExempt,
          },
          today,
          policy,
        );
        if (owed.total <= 0) continue;
        totalPrincipal += owed.principal;
        totalLate += owed.lateFee;
        amountLines.push(
          `${season.code} 供热季：应缴 ${yuan(b.amountFen)}（面积 ${(b.heatedArea / 100).toFixed(2)} 平方米 × 单价 ${yuan(b.unitPriceFen)}），已缴 ${yuan(b.paidFen)}，减免 ${yuan(b.waivedFen)}，欠缴本金 ${yuan(owed.principal)}，滞纳金 ${yuan(owed.lateFee)}`,
        );
        amountLines.push(
          b.lateFeeExempt
            ? `    滞纳金计算：该账单按困难帮扶政策免收滞纳金${b.reliefReason ? `（${b.reliefReason}）` : ""}。`
            : `    滞纳金计算：自缴费截止日 ${b.dueDate} 次日起，按每日欠缴本金的万分之${policy.rateBpPerDay}计收，累计不超过本金的 ${(policy.capBp / 100).toFixed(0)}%，计至 ${today}；已缴滞纳金 ${yuan(b.lateFeePaidFen)}，减免 ${yuan(b.lateFeeWaivedFen)}。`,
        );
      }
      lines(doc, amountLines, "（当前无欠费）");
      doc
        .moveDown(0.3)
        .text(
          `合计：欠缴本金 ${yuan(totalPrincipal)}，滞纳金 ${yuan(totalLate)}，共计 ${yuan(totalPrincipal + totalLate)}（计至 ${today}）。立案审查时欠费 ${yuan(c.owedFen)}，其中本金 ${yuan(c.principalFen)}。`,
        );
      heading(doc, "四、法律依据");
      lines(doc, deps.config.legal.basisLines);
      heading(doc, "五、催缴与沟通经过");
      const timeline: { at: Date; text: string }[] = [];
      for (const r of reminders) {
        const at = r.sentAt ?? r.finishedAt ?? r.createdAt;
        if (r.status === "planned" || r.status === "suppressed") continue;
        timeline.push({
          at,
          text: `催缴提醒（${r.channel ? REMINDER_CHANNEL_LABELS[r.channel] : "未发送"}，${REMINDER_STATUS_LABELS[r.status]}）${r.text ? `：${r.text}` : ""}`,
        });
      }
      for (const v of visitRows) {
        timeline.push({
          at: v.startedAt,
          text: `入户走访（${VISIT_KIND_LABELS[v.kind] ?? v.kind}，${staffName.get(v.authorStaffId) ?? ""}）${v.positionKind ? `，住户态度：${VISIT_POSITION_LABELS[v.positionKind] ?? v.positionKind}` : ""}${v.positionReason ? `（${v.positionReason}）` : ""}${v.correctsId ? `，更正记录 #${v.correctsId}` : ""}`,
        });
      }
      for (const e of events) {
        timeline.push({
          at: e.createdAt,
          text: `案件：${LEGAL_EVENT_LABELS[e.kind] ?? e.kind}${e.actorStaffId ? `（${staffName.get(e.actorStaffId) ?? `#${e.actorStaffId}`}）` : ""}`,
        });
      }
      timeline.sort((a, b) => a.at.getTime() - b.at.getTime());
      lines(
        doc,
        timeline.map((t) => `${bjTime(t.at)}  ${t.text}`),
      );
      heading(doc, "六、材料清单");
      lines(doc, [
        "summary.pdf 本摘要",
        "statement.pdf / statement.xlsx 账户对账单（账单、缴费、减免）",
        "reminders.xlsx 催缴提醒及送达记录",
        "visits.pdf 入户走访记录；visits/photos、visits/signatures 原始照片与签名",
        "service.xlsx 本供热季测温记录与诉求工单",
        "final-notice/ 催告函（如已发出）",
        "manifest.json / manifest.sha256 文件清单及 SHA-256 校验值",
      ]);
      doc.end();
      await added;
    }

    // -- 2. statement.pdf + statement.xlsx -------------------------------------------------------------
    await progress(ds, packetId, 20, "对账单");
    const paidOrders = payments.filter((p) => p.status === "paid");
    const billRows = bills.map((b) => ({
      season: (b.season as HeatingSeason).code,
      dueDate: b.dueDate,
      amount: b.amountFen / 100,
      paid: b.paidFen / 100,
      waived: b.waivedFen / 100,
      lateFeeAccrued: b.lateFeeAccruedFen / 100,
      lateFeePaid: b.lateFeePaidFen / 100,
      lateFeeWaived: b.lateFeeWaivedFen / 100,
      status: b.status,
      relief: b.lateFeeExempt ? `免收滞纳金${b.reliefReason ? `：${b.reliefReason}` : ""}` : (b.reliefReason ?? ""),
    }));
    const billSeason = new Map(bills.map((b) => [b.id, (b.season as HeatingSeason).code]));
    {
      const doc = cjkPdf(deps, `账户对账单 ${account.accountNo}`);
      const added = zip.addStream("statement.pdf", doc);
      doc.fontSize(16).text("供热费账户对账单", { align: "center" }).moveDown(0.4);
      doc
        .fontSize(10)
        .text(`户号：${account.accountNo}    户主：${maskName(account.ownerName) ?? ""}    截至：${today}`);
      heading(doc, "账单");
      lines(
        doc,
        billRows.map(
          (b) =>
            `${b.season}  截止 ${b.dueDate}  应缴 ${b.amount.toFixed(2)}  已缴 ${b.paid.toFixed(2)}  减免 ${b.waived.toFixed(2)}  滞纳金已计 ${b.lateFeeAccrued.toFixed(2)} / 已缴 ${b.lateFeePaid.toFixed(2)} / 减免 ${b.lateFeeWaived.toFixed(2)}${b.relief ? `  ${b.relief}` : ""}`,
        ),
      );
      heading(doc, "缴费");
      lines(
        doc,
        paidOrders.map(
          (p) =>
            `${bjTime(p.paidAt)}  ${p.outTradeNo}  ${p.channel}  ${yuan(p.amountFen)}${p.refundedFen ? `（已退 ${yuan(p.refundedFen)}）` : ""}${p.receiptNo ? `  收据 ${p.receiptNo}` : ""}`,
        ),
      );
      heading(doc, "缴费分配");
      lines(
        doc,
        allocations.map(
          (a) =>
            `缴费单 #${a.paymentOrderId} → ${billSeason.get(a.billId) ?? a.billId} 本金 ${yuan(a.principalFen)} 滞纳金 ${yuan(a.lateFeeFen)}`,
        ),
      );
      heading(doc, "减免");
      lines(
        doc,
        waivers.map(
          (w) =>
            `${bjTime(w.createdAt)}  ${billSeason.get(w.billId) ?? w.billId}  本金 ${yuan(w.principalFen)}  滞纳金 ${yuan(w.lateFeeFen)}  原因：${w.reason}`,
        ),
      );
      doc.end();
      await added;
    }
    await zip.addStream(
      "statement.xlsx",
      xlsxStream([
        {
          name: "账单",
          columns: [
            { header: "供热季", key: "season" },
            { header: "缴费截止日", key: "dueDate" },
            { header: "应缴(元)", key: "amount" },
            { header: "已缴(元)", key: "paid" },
            { header: "减免(元)", key: "waived" },
            { header: "滞纳金已计(元)", key: "lateFeeAccrued" },
            { header: "滞纳金已缴(元)", key: "lateFeePaid" },
            { header: "滞纳金减免(元)", key: "lateFeeWaived" },
            { header: "状态", key: "status" },
            { header: "帮扶/减免说明", key: "relief", width: 30 },
          ],
          rows: billRows,
        },
        {
          name: "缴费",
          columns: [
            { header: "缴费时间", key: "paidAt", width: 18 },
            { header: "订单号", key: "no", width: 28 },
            { header: "渠道", key: "channel" },
            { header: "金额(元)", key: "amount" },
            { header: "已退(元)", key: "refunded" },
            { header: "状态", key: "status" },
            { header: "收据号", key: "receipt" },
          ],
          rows: payments.map((p) => ({
            paidAt: bjTime(p.paidAt),
            no: p.outTradeNo,
            channel: p.channel,
            amount: p.amountFen / 100,
            refunded: p.refundedFen / 100,
            status: PAYMENT_STATUS_LABELS[p.status] ?? p.status,
            receipt: p.receiptNo ?? "",
          })),
        },
        {
          name: "减免",
          columns: [
            { header: "时间", key: "at", width: 18 },
            { header: "供热季", key: "season" },
            { header: "本金(元)", key: "principal" },
            { header: "滞纳金(元)", key: "lateFee" },
            { header: "原因", key: "reason", width: 40 },
          ],
          rows: waivers.map((w) => ({
            at: bjTime(w.createdAt),
            season: billSeason.get(w.billId) ?? String(w.billId),
            principal: w.principalFen / 100,
            lateFee: w.lateFeeFen / 100,
            reason: w.reason,
          })),
        },
      ]),
    );

    // -- 3. reminders.xlsx -----------------------------------------------------------------------------
    await progress(ds, packetId, 35, "催缴提醒");
    await zip.addStream(
      "reminders.xlsx",
      xlsxStream([
        {
          name: "催缴提醒",
          columns: [
            { header: "编号", key: "id", width: 8 },
            { header: "供热季", key: "season" },
            { header: "渠道", key: "channel" },
            { header: "模板", key: "template" },
            { header: "内容", key: "text", width: 60 },
            { header: "平台消息编号", key: "vendorId", width: 24 },
            { header: "计划日期", key: "plannedFor" },
            { header: "发送时间", key: "sentAt", width: 18 },
            { header: "送达时间", key: "deliveredAt", width: 18 },
            { header: "状态", key: "status" },
            { header: "失败原因", key: "failure", width: 24 },
            { header: "当时欠费(元)", key: "owed" },
          ],
          rows: reminders.map((r) => ({
            id: r.id,
            season: r.seasonCode,
            channel: r.channel ? REMINDER_CHANNEL_LABELS[r.channel] : "",
            template: REMINDER_TEMPLATE_LABELS[r.template as ReminderTemplateKey] ?? r.template,
            text: r.text ?? "",
            vendorId: r.vendorMessageId ?? "",
            plannedFor: r.plannedFor,
            sentAt: bjTime(r.sentAt),
            deliveredAt: bjTime(r.deliveredAt),
            status: REMINDER_STATUS_LABELS[r.status] ?? r.status,
            failure: r.failureReason ?? r.suppressionReason ?? "",
            owed: r.owedAtSendFen !== null ? r.owedAtSendFen / 100 : r.owedFen !== null ? r.owedFen / 100 : null,
          })),
        },
        {
          name: "发送记录",
          columns: [
            { header: "提醒编号", key: "reminderId" },
            { header: "时间", key: "at", width: 18 },
            { header: "渠道", key: "channel" },
            { header: "结果", key: "outcome" },
            { header: "平台消息编号", key: "vendorId", width: 24 },
            { header: "说明", key: "detail", width: 40 },
          ],
          rows: attempts.map((a) => ({
            reminderId: a.reminderId,
            at: bjTime(a.at),
            channel: a.channel,
            outcome: a.outcome,
            vendorId: a.vendorMessageId ?? "",
            detail: a.detail ?? "",
          })),
        },
      ]),
    );

    // -- 4. visits.pdf + the original photos and signatures -----------------------------------------------
    await progress(ds, packetId, 45, "走访记录");
    const views = await presentVisits(deps, visitRows);
    zip.addBuffer(
      "visits.pdf",
      await renderVisitsPdf(
        deps,
        { accountNo: account.accountNo, ownerName: account.ownerName, address: account.address },
        views,
        now,
      ),
    );
    const photoIds = visitRows.flatMap((v) => [...(v.photoIds ?? []), v.tempPhotoId ?? 0, v.signaturePhotoId ?? 0]);
    const photos = await ds.getRepository(HomeVisitPhoto).findBy({ id: In([...new Set(photoIds), 0]) });
    const photoById = new Map(photos.map((p) => [p.id, p]));
    const files: { path: string; key: string }[] = [];
    for (const v of visitRows) {
      let n = 0;
      for (const pid of [...(v.photoIds ?? []), ...(v.tempPhotoId ? [v.tempPhotoId] : [])]) {
        const p = photoById.get(pid);
        if (p) files.push({ path: `visits/photos/${v.id}-${++n}.${extOf(p.mime)}`, key: p.storageKey });
      }
      const sig = v.signaturePhotoId ? photoById.get(v.signaturePhotoId) : undefined;
      if (sig) files.push({ path: `visits/signatures/${v.id}.${extOf(sig.mime)}`, key: sig.storageKey });
    }
    for (const [i, f] of files.entries()) {
      const stream = await deps.storage.getStream(f.key);
      if (!stream) throw new Error(`走访照片缺失：${f.path}`);
      await zip.addStream(f.path, stream);
      if (i % 5 === 4) await progress(ds, packetId, 45 + Math.round((30 * (i + 1)) / files.length), "走访照片");
    }

    // -- 5. service.xlsx: this season's measurements and complaints ---------------------------------------
    await progress(ds, packetId, 78, "服务记录");
    const seasonStart = shanghaiMidnight(seasonCalendar(seasonCodeFor(today)).startDate);
    const seasonTickets = tickets.filter((t) => t.createdAt >= seasonStart);
    const measured = tickets.length
      ? await ds.getRepository(TicketEvent).find({
          where: { ticketId: In(tickets.map((t) => t.id)), type: "measured", at: MoreThanOrEqual(seasonStart) },
          order: { at: "ASC" },
        })
      : [];
    const ticketNo = new Map(tickets.map((t) => [t.id, t.ticketNo]));
    const readings = [
      ...visitRows
        .filter((v) => v.indoorTempC10 !== null && v.startedAt >= seasonStart)
        .map((v) => ({
          at: v.startedAt,
          source: `入户走访 #${v.id}`,
          indoor: celsius(v.indoorTempC10),
          outdoor: celsius(v.outdoorTempC10),
          note: v.tempMethod ?? "",
        })),
      ...measured.map((e) => {
        const d = (e.data ?? {}) as Record<string, unknown>;
        return {
          at: e.at,
          source: `工单 ${ticketNo.get(e.ticketId) ?? e.ticketId}`,
          indoor: celsius(d.indoorTempC10 as number | null),
          outdoor: celsius(d.outdoorTempC10 as number | null),
          note: String(d.methodLabel ?? d.note ?? ""),
        };
      }),
    ].sort((a, b) => a.at.getTime() - b.at.getTime());
    await zip.addStream(
      "service.xlsx",
      xlsxStream([
        {
          name: "本季测温记录",
          columns: [
            { header: "时间", key: "at", width: 18 },
            { header: "来源", key: "source", width: 24 },
            { header: "室内温度", key: "indoor" },
            { header: "室外温度", key: "outdoor" },
            { header: "方式/说明", key: "note", width: 24 },
          ],
          rows: readings.map((r) => ({ ...r, at: bjTime(r.at) })),
        },
        {
          name: "本季诉求工单",
          columns: [
            { header: "工单号", key: "no", width: 22 },
            { header: "类别", key: "category" },
            { header: "状态", key: "status" },
            { header: "反映时间", key: "createdAt", width: 18 },
            { header: "处理完成", key: "resolvedAt", width: 18 },
            { header: "室内温度", key: "indoor" },
            { header: "内容", key: "description", width: 50 },
            { header: "满意度", key: "satisfied" },
          ],
          rows: seasonTickets.map((t) => ({
            no: t.ticketNo,
            category: TICKET_CATEGORY_LABELS[t.category] ?? t.category,
            status: TICKET_STATUS_LABELS[t.status] ?? t.status,
            createdAt: bjTime(t.createdAt),
            resolvedAt: bjTime(t.resolvedAt),
            indoor: celsius(t.indoorTempC10),
            description: t.description,
            satisfied: t.satisfied === null ? "" : t.satisfied ? "满意" : "不满意",
          })),
        },
      ]),
    );

    // -- 6. the final notice (催告函), when one was made ----------------------------------------------------
    await progress(ds, packetId, 88, "催告函");
    for (const f of await finalNoticeFilesForCase(deps, c.id)) {
      zip.addBuffer(`final-notice/${f.name}`, f.body);
    }

    // -- 7. manifest.json + manifest.sha256 ----------------------------------------------------------------
    await progress(ds, packetId, 95, "文件清单");
    const manifest = {
      caseNo: c.caseNo,
      accountNo: account.accountNo,
      generatedAt: now.toISOString(),
      generator: `暖线 Warmline 诉讼材料包 v1（${seller.name}）`,
      requestedBy: staffName.get(row.requestedBy) ?? `#${row.requestedBy}`,
      files: zip.entries.map((e) => ({ path: e.path, bytes: e.bytes, sha256: e.sha256 })),
    };
    const manifestJson = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, "utf8");
    zip.addBuffer("manifest.json", manifestJson);
    zip.addBuffer("manifest.sha256", Buffer.from(zip.entries.map((e) => `${e.sha256}  ${e.path}\n`).join(""), "utf8"));
    const whole = await zip.finish();

    // -- ready: the row, the case (first export), the audit ------------------------------------------------
    await ds.transaction(async (m) => {
      await m.getRepository(LegalPacket).update(
        { id: packetId },
        {
          state: "ready",
          progress: 100,
          stage: null,
          fileKey: key,
          bytes: whole.bytes,
          sha256: whole.sha256,
          error: null,
          finishedAt: new Date(),
        },
      );
      await markExported(m, c.id, row.requestedBy, { packetId, zipSha256: whole.sha256, zipBytes: whole.bytes }, now);
      await audit(m, JOB_CTX, {
        action: "legal.packet_build",
        targetType: "legal_case",
        targetId: c.id,
        actor: { type: "staff", id: row.requestedBy },
        details: {
          caseNo: c.caseNo,
          accountNo: account.accountNo,
          packetId,
          zipSha256: whole.sha256,
          zipBytes: whole.bytes,
          unmaskedFields: ["姓名", "身份证号码", "住址", "联系电话"],
        },
      });
    });
  } catch (err) {
    await zip.abort(err as Error);
    await deps.storage.delete(key).catch(() => {});
    const message = (err as Error).message ?? String(err);
    logger.error({ err, packetId }, "legal packet build failed");
    await ds
      .getRepository(LegalPacket)
      .update(
        { id: packetId },
        { state: "failed", stage: null, error: message.slice(0, 2000), finishedAt: new Date() },
      );
  }
}

/** the job: builds the packet; a failure is recorded on the row (not retried into a half-built file) */
export function packetJob(deps: () => Deps) {
  return defineJob({
    name: PACKET_JOB,
    schema: z.object({ packetId: z.number().int().positive() }),
    maxAttempts: 2,
    async handle({ packetId }) {
      await buildPacket(deps(), packetId);
    },
  });
}

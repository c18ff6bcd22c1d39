import { maskName, TEMP_METHOD_LABELS, VISIT_POLICY_LABELS, type VisitView } from "@warmline/shared";
import PDFDocument from "pdfkit";
import type { Deps } from "../../deps";
import { resolvePdfFont } from "../invoices";
import { HomeVisitPhoto } from "./entities";
import { In } from "typeorm";

/**
 * 走访记录 of one account as a PDF (the legal packet includes it): every record in time order, corrections
 * marked with the row they replace, readings, stated positions, photos (JPEG/PNG embedded; WebP named) and the
 * resident's signature. The CJK font is the invoices' (Noto Sans SC by default, PDF_FONT_FILE to change it);
 * pdfkit keeps the text as text, so pdftotext can read it.
 */
export async function renderVisitsPdf(
  deps: Deps,
  account: { accountNo: string; ownerName: string; address: string },
  visits: VisitView[],
  now = new Date(),
): Promise<Buffer> {
  const doc = new PDFDocument({
    size: "A4",
    margin: 50,
    lang: "zh-CN",
    displayTitle: true,
    info: { Title: `入户走访记录 ${account.accountNo}`, Author: deps.config.invoices.seller.name, Creator: "暖线" },
  });
  doc.registerFont("cjk", resolvePdfFont(deps.config.invoices.fontFile));
  doc.font("cjk");
  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  const fmt = (iso: string) =>
    new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace("T", " ");
  const c = (c10: number) => `${(c10 / 10).toFixed(1)}℃`;

  doc.fontSize(18).text("入户走访记录", { align: "center" });
  doc.moveDown(0.5);
  doc
    .fontSize(10)
    .text(`户号：${account.accountNo}    户主：${maskName(account.ownerName) ?? ""}    地址：${account.address}`);
  doc.text(`导出时间：${fmt(now.toISOString())}（北京时间）    记录数：${visits.length}`);
  doc.moveDown();

  const pics = await deps.ds
    .getRepository(HomeVisitPhoto)
    .findBy({ id: In([...visits.flatMap((v) => v.photos.map((p) => p.id)), 0]) });
  const picById = new Map(pics.map((p) => [p.id, p]));

  for (const v of visits) {
    if (doc.y > 680) doc.addPage();
    doc.fontSize(12).fillColor("#000000").text(`走访记录 #${v.id}  ${v.kindLabel}`, { underline: false });
    doc.fontSize(10);
    const lines = [
      `时间：${fmt(v.startedAt)} 至 ${fmt(v.endedAt)}`,
      `走访人员：${v.visitors.map((p) => p.name).join("、")}`,
      `结果：${v.outcomeLabel}`,
      v.indoorTempC10 !== null
        ? `室内温度：${c(v.indoorTempC10)}（${v.tempMethod ? TEMP_METHOD_LABELS[v.tempMethod] : ""}）${v.outdoorTempC10 !== null ? `，室外${c(v.outdoorTempC10)}` : ""}`
        : null,
      v.faultsFound ? `发现问题：${v.faultsFound}` : null,
      v.faultsFixed ? `处理情况：${v.faultsFixed}` : null,
      v.policyExplained.length ? `政策宣讲：${v.policyExplained.map((p) => VISIT_POLICY_LABELS[p]).join("、")}` : null,
      v.position
        ? `住户态度：${v.position.label}${v.position.promisedDate ? `（承诺缴费日期 ${v.position.promisedDate}）` : ""}${v.position.reason ? `：${v.position.reason}` : ""}`
        : null,
      v.notes ? `备注：${v.notes}` : null,
      v.location ? `位置：${v.location.lat.toFixed(5)}, ${v.location.lng.toFixed(5)}` : null,
      ...v.effects.map((e) => `后续：${e.label}${e.refId ? `（#${e.refId}）` : ""}`),
      v.correctsId ? `更正记录：更正 #${v.correctsId}，原因：${v.correctionReason ?? ""}` : null,
      v.supersededById ? `（本条已被 #${v.supersededById} 更正）` : null,
    ].filter((l): l is string => !!l);
    for (const l of lines) doc.text(l);
    const images = v.photos.filter((p) => p.mime === "image/jpeg" || p.mime === "image/png");
    const others = v.photos.filter((p) => !images.includes(p));
    if (others.length) doc.text(`其他照片：${others.map((p) => `#${p.id}（${p.mime}）`).join("、")}`);
    if (images.length) {
      doc.moveDown(0.3);
      const size = 110;
      let x = doc.page.margins.left;
      if (doc.y + size > doc.page.height - doc.page.margins.bottom) doc.addPage();
      const top = doc.y;
      for (const p of images) {
        const row = picById.get(p.id);
        const bytes = row ? await deps.storage.get(row.storageKey) : null;
        if (!bytes) continue;
        if (x + size > doc.page.width - doc.page.margins.right) break;
        try {
          doc.image(bytes, x, top, { fit: [size, size] });
          doc
            .fontSize(8)
            .text(
              p.role === "signature" ? "住户签名" : p.role === "temperature" ? "测温照片" : "现场照片",
              x,
              top + size + 2,
              {
                width: size,
                align: "center",
              },
            );
        } catch {
          doc.fontSize(8).text(`照片#${p.id}无法嵌入`, x, top, { width: size });
        }
        x += size + 8;
      }
      doc.x = doc.page.margins.left;
      doc.y = top + size + 16;
      doc.fontSize(10);
    }
    doc.moveDown();
  }
  if (visits.length === 0) doc.text("暂无走访记录。");
  doc.end();
  return done;
}

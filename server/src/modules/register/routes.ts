import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type Router from "@koa/router";
import {
  type ErrorCode,
  IdParamSchema,
  REGISTER_COLUMN_LABELS,
  REGISTER_FIELDS,
  REGISTER_IMPORT_ROLES,
  REGISTER_LIMITS,
  REGISTER_REQUIRED_FIELDS,
  REGISTER_ROW_KIND_LABELS,
  RegisterApplySchema,
  RegisterImportListSchema,
  RegisterImportSchema,
  RegisterReportPageSchema,
  RegisterReportQuerySchema,
} from "@warmline/shared";
import busboy from "busboy";
import ExcelJS from "exceljs";
import type { Context } from "koa";
import { In, MoreThan } from "typeorm";
import { z } from "zod";
import type { Deps } from "../../deps";
import { authenticateRequest, requireAuth, staffAuth } from "../../http/auth";
import { AppError } from "../../http/errors";
import { API_PREFIX, route } from "../../http/route";
import { enqueue } from "../../jobs/outbox";
import { defineJob } from "../../jobs/registry";
import { audit } from "../audit";
import { RegisterImport, RegisterImportRow } from "./entities";
import { applyImport, createImport, dryRun, presentImport, presentReportRow, sha256Hex } from "./service";

export const REGISTER_UPLOAD_PATH = `${API_PREFIX}/staff/register-imports`;
export const REGISTER_APPLY_JOB = "register.apply" as const;

function rfc5987(s: string): string {
  return encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
function attachment(name: string, ascii: string): string {
  return `attachment; filename="${ascii}"; filename*=UTF-8''${rfc5987(name)}`;
}

const MULTIPART_OVERHEAD = 64 * 1024;

/**
 * Streams the one file of a multipart request (field "file") to a temporary file, at most 20 MB, hashing
 * it on the way. Never holds the file in memory.
 */
async function receiveUpload(ctx: Context): Promise<{ file: string; name: string; size: number; sha256: string }> {
  const type = String(ctx.req.headers["content-type"] ?? "");
  if (!/^multipart\/form-data\b/i.test(type)) throw new AppError("UNSUPPORTED_MEDIA_TYPE");
  const declared = Number(ctx.req.headers["content-length"] ?? 0);
  if (declared > REGISTER_LIMITS.maxBytes + MULTIPART_OVERHEAD) throw new AppError("REGISTER_FILE_TOO_LARGE");
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "warmline-register-"));
  const file = path.join(dir, "upload");
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: ctx.req.headers,
      limits: { files: 1, fileSize: REGISTER_LIMITS.maxBytes + 1, fields: 10, parts: 20 },
      defParamCharset: "utf8",
    });
  } catch {
    await fs.promises.rm(dir, { recursive: true, force: true });
    throw new AppError("VALIDATION_FAILED", [{ path: "file", message: "上传内容格式错误，请重新选择文件" }]);
  }
  const hash = sha256Hex();
  let size = 0;
  let name = "";
  let got = false;
  let tooLarge = false;
  const done = new Promise<void>((resolve, reject) => {
    const writes: Promise<void>[] = [];
    parser.on("file", (field, stream, info) => {
      if (field !== "file" || got) {
        stream.resume();
        return;
      }
      got = true;
      name = info.filename ?? "";
      stream.on("data", (c: Buffer) => {
        size += c.length;
        hash.update(c);
      });
      stream.on("limit", () => {
        tooLarge = true;
      });
      writes.push(pipeline(stream, fs.createWriteStream(file, { mode: 0o600 })));
    });
    parser.on("error", reject);
    parser.on("close", () => Promise.all(writes).then(() => resolve(), reject));
  });
  try {
    ctx.req.pipe(parser);
    await done;
  } catch {
    await fs.promises.rm(dir, { recursive: true, force: true });
    throw new AppError("VALIDATION_FAILED", [{ path: "file", message: "上传内容格式错误，请重新选择文件" }]);
  }
  if (tooLarge || size > REGISTER_LIMITS.maxBytes) {
    await fs.promises.rm(dir, { recursive: true, force: true });
    throw new AppError("REGISTER_FILE_TOO_LARGE");
  }
  if (!got || size === 0) {
    await fs.promises.rm(dir, { recursive: true, force: true });
    throw new AppError("UPLOAD_MISSING", [{ path: "file", message: "请选择要导入的文件" }]);
  }
  return { file, name, size, sha256: hash.digest("hex") };
}

/** The import template: the header row in Chinese, required columns marked, one example row, notes. */
export async function registerTemplate(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("户籍台账");
  ws.addRow(REGISTER_FIELDS.map((f) => REGISTER_COLUMN_LABELS[f]));
  ws.addRow([
    "1010110101",
    "民乐花园",
    "1号楼",
    "2",
    "301",
    "民乐花园1号楼2单元301",
    85.5,
    "居民",
    "王建国",
    "13912345678",
    "11010519491231002X",
  ]);
  ws.getRow(1).font = { bold: true };
  REGISTER_FIELDS.forEach((f, i) => {
    ws.getColumn(i + 1).width = f === "address" ? 30 : f === "idNumber" ? 22 : 14;
    // text columns: Excel must not turn 户号, phones or ID numbers into numbers
    if (f === "accountNo" || f === "phone" || f === "idNumber" || f === "unit" || f === "room")
      ws.getColumn(i + 1).numFmt = "@";
  });
  const notes = wb.addWorksheet("填写说明");
  notes.addRow(["列名", "是否必填", "说明"]);
  const help: Record<string, string> = {
    accountNo: "8至12位数字，每户唯一；已有户号按文件内容更新，新户号新建",
    communityName: "系统中没有的小区会在确认后新建",
    buildingName: "可空；系统中没有的楼栋会在确认后新建",
    address: "最多200字",
    heatedArea: "单位平方米，最多两位小数；居民5～1000㎡，非居民和公建1～100000㎡；修改从下一期账单起生效",
    category: "居民、非居民（经营）、公建单位",
    phone: "11位手机号或带区号的固定电话；留空表示不修改",
    idNumber: "18位身份证号（校验位须正确）；留空表示不修改",
  };
  for (const f of REGISTER_FIELDS)
    notes.addRow([REGISTER_COLUMN_LABELS[f], REGISTER_REQUIRED_FIELDS.includes(f) ? "必填" : "选填", help[f] ?? ""]);
  notes.addRow([]);
  notes.addRow(["文件要求", "", "XLSX或CSV（UTF-8或GBK编码），不超过20MB，不要使用公式"]);
  notes.getColumn(3).width = 80;
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const csvCell = (s: string) => (/[",\r\n]/.test(s) || /^[=+\-@]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function mountRegisterFileRoutes(router: Router, deps: Deps): void {
  router.post(REGISTER_UPLOAD_PATH, async (ctx: Context) => {
    await authenticateRequest(deps.tokens, ctx);
    requireAuth(ctx, "staff", REGISTER_IMPORT_ROLES);
    const staff = staffAuth(ctx);
    const up = await receiveUpload(ctx);
    try {
      const imp = await createImport(deps.ds, {
        fileName: path.basename(up.name || "register"),
        size: up.size,
        sha256: up.sha256,
        createdBy: staff.id,
      });
      const done = await dryRun(deps.ds, deps.vault, imp, up.file);
      await audit(deps.ds, ctx, {
        action: "register.upload",
        targetType: "register_import",
        targetId: done.id,
        details: {
          fileName: done.fileName,
          totalRows: done.totalRows,
          createCount: done.createCount,
          updateCount: done.updateCount,
          errorCount: done.errorCount,
        },
      });
      // a file refused as a whole: 4xx with the reason (the rejected import stays in the list, for the record)
      if (done.status === "rejected" && done.fileError)
        throw new AppError(done.fileError.code as ErrorCode, { importId: done.id }, done.fileError.message);
      ctx.status = 201;
      ctx.body = presentImport(done);
    } finally {
      await fs.promises.rm(path.dirname(up.file), { recursive: true, force: true });
    }
  });

  router.get(`${API_PREFIX}/staff/register-template.xlsx`, async (ctx: Context) => {
    await authenticateRequest(deps.tokens, ctx);
    requireAuth(ctx, "staff", REGISTER_IMPORT_ROLES);
    ctx.type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    ctx.set("Content-Disposition", attachment("户籍台账导入模板.xlsx", "register-template.xlsx"));
    ctx.set("Cache-Control", "no-store");
    ctx.body = await registerTemplate();
  });

  /** The report as CSV (UTF-8 with BOM, so Excel reads it): row, 户号, result, details; streamed a page at a time. */
  router.get(`${API_PREFIX}/staff/register-imports/:id/report.csv`, async (ctx: Context) => {
    await authenticateRequest(deps.tokens, ctx);
    requireAuth(ctx, "staff", REGISTER_IMPORT_ROLES);
    const id = Number(ctx.params.id);
    const imp = Number.isInteger(id) && id > 0 ? await deps.ds.getRepository(RegisterImport).findOneBy({ id }) : null;
    if (!imp) throw new AppError("REGISTER_IMPORT_NOT_FOUND");
    const lines: string[] = [`\uFEFF行号,户号,结果,说明`];
    let last = 0;
    for (;;) {
      const rows = await deps.ds.getRepository(RegisterImportRow).find({
        where: { importId: id, rowNo: MoreThan(last) },
        order: { rowNo: "ASC" },
        take: 1000,
      });
      if (!rows.length) break;
      last = rows[rows.length - 1].rowNo;
      for (const r of rows.map(presentReportRow)) {
        const detail =
          r.kind === "error"
            ? r.errors.join("；")
            : r.changes.map((c) => `${c.label}：${c.before ?? "空"} → ${c.after ?? "空"}`).join("；");
        lines.push(
          [String(r.rowNo), r.accountNo ?? "", REGISTER_ROW_KIND_LABELS[r.kind], detail].map(csvCell).join(","),
        );
      }
    }
    lines.push(
      "",
      `共${imp.totalRows}行：新增${imp.createCount}，更新${imp.updateCount}，无变化${imp.unchangedCount}，错误${imp.errorCount}`,
    );
    ctx.type = "text/csv; charset=utf-8";
    ctx.set("Content-Disposition", attachment(`导入报告_${id}.csv`, `register-report-${id}.csv`));
    ctx.set("Cache-Control", "no-store");
    ctx.body = lines.join("\r\n");
  });
}

export function registerRoutes(deps: Deps) {
  return [
    route({
      method: "get",
      path: "/staff/register-imports",
      summary: "户籍台账导入记录",
      tags: ["staff"],
      auth: "staff",
      roles: REGISTER_IMPORT_ROLES,
      response: RegisterImportListSchema,
      async handler() {
        const rows = await deps.ds.getRepository(RegisterImport).find({ order: { id: "DESC" }, take: 50 });
        return { items: rows.map(presentImport) };
      },
    }),
    route({
      method: "get",
      path: "/staff/register-imports/:id",
      summary: "导入校验结果与执行进度",
      tags: ["staff"],
      auth: "staff",
      roles: REGISTER_IMPORT_ROLES,
      params: IdParamSchema,
      response: RegisterImportSchema,
      errors: [404],
      async handler({ params }) {
        const imp = await deps.ds.getRepository(RegisterImport).findOneBy({ id: params.id });
        if (!imp) throw new AppError("REGISTER_IMPORT_NOT_FOUND");
        return presentImport(imp);
      },
    }),
    route({
      method: "get",
      path: "/staff/register-imports/:id/rows",
      summary: "导入报告明细（新增、更新的字段差异、错误行）",
      tags: ["staff"],
      auth: "staff",
      roles: REGISTER_IMPORT_ROLES,
      params: IdParamSchema,
      query: RegisterReportQuerySchema,
      response: RegisterReportPageSchema,
      errors: [404],
      async handler({ params, query }) {
        const imp = await deps.ds.getRepository(RegisterImport).findOneBy({ id: params.id });
        if (!imp) throw new AppError("REGISTER_IMPORT_NOT_FOUND");
        const where = {
          importId: params.id,
          ...(query.kind ? { kind: query.kind } : { kind: In(["create", "update", "error"]) }),
        };
        const [rows, total] = await deps.ds.getRepository(RegisterImportRow).findAndCount({
          where,
          order: { rowNo: "ASC" },
          skip: (query.page - 1) * query.pageSize,
          take: query.pageSize,
        });
        return { items: rows.map(presentReportRow), total, page: query.page, pageSize: query.pageSize };
      },
    }),
    route({
      method: "post",
      path: "/staff/register-imports/:id/apply",
      summary: "执行导入（后台任务，按户号幂等，逐条审计）",
      tags: ["staff"],
      auth: "staff",
      roles: REGISTER_IMPORT_ROLES,
      params: IdParamSchema,
      body: RegisterApplySchema,
      response: RegisterImportSchema,
      status: 202,
      errors: [404, 409],
      async handler({ params, body }, ctx) {
        const staff = staffAuth(ctx);
        const imp = await deps.ds.transaction(async (m) => {
          const repo = m.getRepository(RegisterImport);
          const found = await repo.findOneBy({ id: params.id });
          if (!found) throw new AppError("REGISTER_IMPORT_NOT_FOUND");
          if (found.status !== "validated") throw new AppError("REGISTER_NOT_APPLICABLE");
          if (found.errorCount > 0 && !body.skipErrors)
            throw new AppError("REGISTER_HAS_ERRORS", { errorCount: found.errorCount });
          const places = (found.newCommunities?.length ?? 0) + (found.newBuildings?.length ?? 0);
          if (places > 0 && !body.createPlaces)
            throw new AppError("REGISTER_PLACES_UNCONFIRMED", {
              communities: found.newCommunities,
              buildings: found.newBuildings,
            });
          // the status change is the guard: of two concurrent applies only one moves it
          const moved = await repo.update(
            { id: found.id, status: "validated" },
            { status: "applying", skipErrors: body.skipErrors, createPlaces: body.createPlaces, appliedBy: staff.id },
          );
          if (moved.affected === 0) throw new AppError("REGISTER_NOT_APPLICABLE");
          await enqueue(m, REGISTER_APPLY_JOB, { importId: found.id }, { dedupeKey: `register:${found.id}` });
          await audit(m, ctx, {
            action: "register.apply",
            targetType: "register_import",
            targetId: found.id,
            details: { fileName: found.fileName, skipErrors: body.skipErrors, createPlaces: body.createPlaces },
          });
          return repo.findOneByOrFail({ id: found.id });
        });
        deps.jobs.kick();
        return presentImport(imp);
      },
    }),
  ];
}

export const applyRegisterJob = (deps: () => Deps) =>
  defineJob({
    name: REGISTER_APPLY_JOB,
    schema: z.object({ importId: z.number().int().positive() }),
    maxAttempts: 3,
    async handle({ importId }, { ds, attempt }) {
      try {
        await applyImport(ds, deps().vault, importId);
      } catch (err) {
        const final = attempt >= 3;
        await ds.getRepository(RegisterImport).update(
          { id: importId },
          {
            status: final ? "failed" : "applying",
            error: final ? "导入失败，请联系管理员查看日志" : `第 ${attempt} 次尝试失败，稍后自动重试`,
          },
        );
        throw err;
      }
    },
  });

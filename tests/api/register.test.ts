import { createRequire } from "node:module";
import { ACCOUNT_CATEGORY_LABELS, REGISTER_COLUMN_LABELS, REGISTER_FIELDS } from "@warmline/shared";
import { AccountBinding, Community, HeatingAccount } from "@warmline/server/src/modules/accounts";
import { AuditLog } from "@warmline/server/src/modules/audit";
import { Bill } from "@warmline/server/src/modules/billing";
import { RegisterImport, RegisterImportRow } from "@warmline/server/src/modules/register";
import { DEMO_HOUSEHOLDS, DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import type ExcelJSType from "exceljs";
import { In, IsNull, Like, Not } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seasonsWithBills } from "../support/billing";
import { bindByName, seedSmallCounty } from "../support/county";
import { residentLogin, staffLogin } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";
import { until } from "../support/wait";

// exceljs is the server's dependency (the tests package does not list it): load the server's copy
const ExcelJS = createRequire(createRequire(import.meta.url).resolve("@warmline/server/package.json"))(
  "exceljs",
) as typeof ExcelJSType;

let srv: TestServer;
let county: Awaited<ReturnType<typeof seedSmallCounty>>;
let admin: Awaited<ReturnType<typeof staffLogin>>;
let sup: Awaited<ReturnType<typeof staffLogin>>;

type Cell = string | number | { formula: string; result?: unknown };
type Row = Record<(typeof REGISTER_FIELDS)[number], Cell>;
const HEADER = REGISTER_FIELDS.map((f) => REGISTER_COLUMN_LABELS[f]);

/** A valid ID number for a serial: region 620722, birth date 1980-01-01 + n days, check digit computed. */
function idNumber(n: number): string {
  const d = new Date(Date.UTC(1980, 0, 1) + (n % 9000) * 86_400_000);
  const body = `620722${d.toISOString().slice(0, 10).replace(/-/g, "")}${String(n % 1000).padStart(3, "0")}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(body[i]) * w[i];
  return body + "10X98765432"[s % 11];
}

async function xlsx(rows: Row[], header = HEADER): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("台账");
  ws.addRow(header);
  for (const r of rows) ws.addRow(REGISTER_FIELDS.map((f) => r[f]));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const csvText = (rows: Row[], header = HEADER) =>
  [header, ...rows.map((r) => REGISTER_FIELDS.map((f) => String(r[f])))]
    .map((cells) => cells.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(","))
    .join("\r\n");

/** GBK bytes of a text: the reverse of the runtime's own GBK decoder (no encoder ships with Node). */
let gbkTable: Map<string, number[]> | null = null;
function gbk(text: string): Buffer {
  if (!gbkTable) {
    gbkTable = new Map();
    const dec = new TextDecoder("gbk");
    for (let a = 0x81; a <= 0xfe; a++)
      for (let b = 0x40; b <= 0xfe; b++) {
        if (b === 0x7f) continue;
        const ch = dec.decode(new Uint8Array([a, b]));
        if (ch.length === 1 && ch !== "\ufffd" && !gbkTable.has(ch)) gbkTable.set(ch, [a, b]);
      }
  }
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code < 0x80) out.push(code);
    else {
      const bytes = gbkTable.get(ch);
      if (!bytes) throw new Error(`no GBK code for ${ch}`);
      out.push(...bytes);
    }
  }
  return Buffer.from(out);
}

async function upload(bytes: Buffer, name: string, token = admin.accessToken) {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(bytes)]), name);
  const res = await fetch(`${srv.url}/api/v1/staff/register-imports`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers of several shapes, checked by the assertions
  return { status: res.status, body: (await res.json()) as any };
}

async function applyAndWait(id: number, body: object) {
  const r = await admin.api.post(`/api/v1/staff/register-imports/${id}/apply`, body);
  expect(r.status, r.text).toBe(202);
  return until(async () => {
    const s = await admin.api.get(`/api/v1/staff/register-imports/${id}`);
    return s.body.status === "applied" || s.body.status === "failed" ? s.body : null;
  }, 60_000);
}

async function allRows(id: number, kind?: string) {
  const out: {
    rowNo: number;
    accountNo: string | null;
    kind: string;
    changes: { field: string; before: string; after: string }[];
    errors: string[];
  }[] = [];
  for (let page = 1; ; page++) {
    const r = await admin.api.get(
      `/api/v1/staff/register-imports/${id}/rows?page=${page}&pageSize=100${kind ? `&kind=${kind}` : ""}`,
    );
    expect(r.status).toBe(200);
    out.push(...r.body.items);
    if (out.length >= r.body.total) return out;
  }
}

const importActions = () =>
  srv.deps.ds.getRepository(AuditLog).countBy({ action: In(["account.import_create", "account.import_update"]) });

beforeAll(async () => {
  srv = await startTestServer();
  county = await seedSmallCounty(srv.deps, 200);
  admin = await staffLogin(srv.url, "admin", DEMO_PASSWORD);
  sup = await staffLogin(srv.url, "supervisor", DEMO_PASSWORD);
}, 120_000);
afterAll(async () => srv?.close());

/** Every seeded account as a register row, exactly as on file. */
async function rowsOnFile(): Promise<Row[]> {
  const accounts = await srv.deps.ds
    .getRepository(HeatingAccount)
    .find({ relations: { community: true, building: true }, order: { id: "ASC" } });
  // the three fixed demo households carry ID numbers whose check digit is wrong (seed data): their ID cell
  // is left empty, which keeps the value on file
  const demoIds = new Set(DEMO_HOUSEHOLDS.map((h) => h.idNumber));
  return accounts.map((a) => ({
    accountNo: a.accountNo,
    communityName: a.community?.name ?? "",
    buildingName: a.building?.name ?? "",
    unit: a.unit ?? "",
    room: a.room ?? "",
    address: a.address,
    heatedArea: a.heatedArea / 100,
    category: ACCOUNT_CATEGORY_LABELS[a.category],
    ownerName: a.ownerName,
    phone: srv.deps.vault.decrypt(a.phoneEnc) ?? "",
    idNumber: ((id) => (id && !demoIds.has(id) ? id : ""))(srv.deps.vault.decrypt(a.idNumberEnc)),
  }));
}

describe("register import: a 1,000-row XLSX with every kind of row", () => {
  let file: Buffer;
  let importId: number;
  let onFile: Row[];
  const newNo = (i: number) => `9${String(i).padStart(9, "0")}`;

  it("dry run: creates, updates with field diffs, unchanged rows and errors with row numbers", async () => {
    onFile = await rowsOnFile();
    expect(onFile.length).toBe(200);
    const rows: Row[] = [];
    // 150 unchanged
    rows.push(...onFile.slice(0, 150).map((r) => ({ ...r })));
    // 50 updates: area, owner, phone, category
    for (const [i, r] of onFile.slice(150, 200).entries()) {
      const u = { ...r };
      if (i % 4 === 0) u.heatedArea = Number(r.heatedArea) + 1;
      if (i % 4 === 1) u.ownerName = "赵新户";
      if (i % 4 === 2) u.phone = `1370000${String(i).padStart(4, "0")}`;
      if (i % 4 === 3) u.category = "公建";
      rows.push(u);
    }
    // 780 creates: 760 in a known community, 20 in a new one (小区 and 楼栋 created on confirmation)
    for (let i = 0; i < 780; i++) {
      const fresh = i >= 760;
      rows.push({
        accountNo: newNo(i),
        communityName: fresh ? "新建测试小区" : onFile[0].communityName,
        buildingName: fresh ? "9号楼" : onFile[0].buildingName,
        unit: "1",
        room: String(100 + (i % 50)),
        address: `测试地址${i}号`,
        heatedArea: 60 + (i % 40) + 0.25,
        category: i % 10 === 0 ? "非居民" : "居民",
        ownerName: `新户${i}`,
        phone: `1590000${String(i).padStart(4, "0")}`,
        idNumber: idNumber(i),
      });
    }
    // 20 error rows, each with one fault (two of them a duplicate pair)
    const base = (i: number): Row => ({ ...rows[200 + i], accountNo: newNo(900 + i), idNumber: idNumber(900 + i) });
    const faults: Partial<Row>[] = [
      { accountNo: "12345" },
      { accountNo: "12345678a0" },
      { idNumber: "620722198503150019" },
      { idNumber: "62072219850230001X" },
      { heatedArea: 0 },
      { heatedArea: 5000 },
      { heatedArea: "八十" },
      { category: "工业" },
      { phone: "12345" },
      { ownerName: "" },
      { address: "长".repeat(300) },
      { heatedArea: { formula: "60+25", result: 85 } },
      { ownerName: '=HYPERLINK("x")' },
      { communityName: "" },
      { address: "" },
      { phone: "2345678901234" },
      { idNumber: "12345" },
      { category: "" },
    ];
    for (const [i, f] of faults.entries()) rows.push({ ...base(i), ...f });
    // a duplicate pair: both rows are errors
    rows.push({ ...base(50) }, { ...base(50), ownerName: "另一人" });
    expect(rows.length).toBe(1000);

    file = await xlsx(rows);
    const res = await upload(file, "民乐台账.xlsx");
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    importId = res.body.id;
    expect(res.body).toMatchObject({
      status: "validated",
      format: "xlsx",
      totalRows: 1000,
      createCount: 780,
      updateCount: 50,
      unchangedCount: 150,
      errorCount: 20,
      newCommunities: ["新建测试小区"],
      newBuildings: ["新建测试小区/9号楼"],
    });

    const errors = await allRows(importId, "error");
    expect(errors.length).toBe(20);
    const byRow = new Map(errors.map((e) => [e.rowNo, e.errors.join("；")]));
    // file row = index + 2 (row 1 is the header)
    expect(byRow.get(982)).toBe("户号应为 8 至 12 位数字");
    expect(byRow.get(984)).toBe("身份证号校验位不正确");
    expect(byRow.get(985)).toBe("身份证号出生日期不正确");
    expect(byRow.get(986)).toBe("供热面积必须大于0");
    expect(byRow.get(987)).toMatch(/不在合理范围（5～1000㎡）/);
    expect(byRow.get(989)).toMatch(/用户类别“工业”不认识/);
    expect(byRow.get(992)).toBe("「地址」过长（最多200个字）");
    expect(byRow.get(993)).toBe("「供热面积（㎡）」是公式，请粘贴为数值后再导入");
    expect(byRow.get(994)).toMatch(/以“=”开头/);
    expect(byRow.get(1001)).toBe("户号与第1000行重复");
    expect(byRow.get(1000)).toMatch(/重复出现/);

    const updates = await allRows(importId, "update");
    expect(updates.length).toBe(50);
    const first = updates.find((u) => u.rowNo === 152);
    expect(first?.changes).toEqual([
      {
        field: "heatedArea",
        label: "供热面积",
        before: `${Number(onFile[150].heatedArea).toFixed(2)}㎡`,
        after: `${(Number(onFile[150].heatedArea) + 1).toFixed(2)}㎡`,
      },
    ]);
    const phone = updates.find((u) => u.rowNo === 154)?.changes[0];
    expect(phone?.field).toBe("phone");
    expect(phone?.after).toBe("137********"); // masked, never the full number
    const owner = updates.find((u) => u.rowNo === 153)?.changes[0];
    expect(owner).toMatchObject({ field: "ownerName", after: "赵*户" });

    // nothing changed yet
    expect(await srv.deps.ds.getRepository(HeatingAccount).count()).toBe(200);
    expect(await importActions()).toBe(0);
  }, 120_000);

  it("the report downloads as CSV with the error rows and their reasons", async () => {
    const r = await admin.api.get(`/api/v1/staff/register-imports/${importId}/report.csv`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/text\/csv/);
    expect(r.text).toContain("986,");
    expect(r.text).toContain("供热面积必须大于0");
    expect(r.text).toContain("共1000行：新增780，更新50，无变化150，错误20");
    expect((await sup.api.get(`/api/v1/staff/register-imports/${importId}/report.csv`)).status).toBe(403);
  });

  it("apply is refused while there are error rows or unconfirmed new places, then runs as a job", async () => {
    const refused = await admin.api.post(`/api/v1/staff/register-imports/${importId}/apply`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("REGISTER_HAS_ERRORS");
    const places = await admin.api.post(`/api/v1/staff/register-imports/${importId}/apply`, { skipErrors: true });
    expect(places.status).toBe(409);
    expect(places.body.error.code).toBe("REGISTER_PLACES_UNCONFIRMED");
    expect(await srv.deps.ds.getRepository(HeatingAccount).count()).toBe(200);

    const done = await applyAndWait(importId, { skipErrors: true, createPlaces: true });
    expect(done).toMatchObject({
      status: "applied",
      applyTotal: 830,
      processed: 830,
      created: 780,
      updated: 50,
      skipped: 0,
    });
    expect(await srv.deps.ds.getRepository(HeatingAccount).count()).toBe(980);
    expect(await importActions()).toBe(830);
    // a second apply of the same import is refused
    expect(
      (
        await admin.api.post(`/api/v1/staff/register-imports/${importId}/apply`, {
          skipErrors: true,
          createPlaces: true,
        })
      ).status,
    ).toBe(409);

    const accounts = srv.deps.ds.getRepository(HeatingAccount);
    const created = await accounts.findOneOrFail({
      where: { accountNo: newNo(765) },
      relations: { community: true, building: true },
    });
    expect(created.community?.name).toBe("新建测试小区");
    expect(created.building?.name).toBe("9号楼");
    expect(created.heatedArea).toBe(6525); // 60 + 765 % 40 + 0.25 m²
    expect(created.phoneEnc).not.toContain("1590000");
    expect(srv.deps.vault.decrypt(created.phoneEnc)).toBe("15900000765");
    expect(created.phoneBidx).toBe(srv.deps.vault.blindIndex("phone", "15900000765"));
    expect(srv.deps.vault.decrypt(created.idNumberEnc)).toBe(idNumber(765));
    const updated = await accounts.findOneByOrFail({ accountNo: String(onFile[150].accountNo) });
    expect(updated.heatedArea).toBe(Math.round((Number(onFile[150].heatedArea) + 1) * 100));
    const recat = await accounts.findOneByOrFail({ accountNo: String(onFile[153].accountNo) });
    expect(recat.category).toBe("public_institution");
    expect(await accounts.countBy({ accountNo: Like("9000009%") })).toBe(0); // error rows left out
    const audit = await srv.deps.ds
      .getRepository(AuditLog)
      .findOneByOrFail({ action: "account.import_update", targetId: String(updated.id) });
    expect(audit.actorId).toBe(admin.staff.id);
    expect(audit.details).toMatchObject({ importId, rowNo: 152, accountNo: updated.accountNo });
    expect(await srv.deps.ds.getRepository(Community).countBy({ name: "新建测试小区" })).toBe(1);
    // once applied, the staged copies of personal data are gone; the masked report stays
    expect(await srv.deps.ds.getRepository(RegisterImportRow).countBy({ importId, data: Not(IsNull()) })).toBe(0);
    expect((await allRows(importId, "update")).length).toBe(50);
  }, 120_000);

  it("the same file again: everything unchanged, and applying it changes nothing", async () => {
    const again = await upload(file, "民乐台账.xlsx");
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({
      createCount: 0,
      updateCount: 0,
      unchangedCount: 980,
      errorCount: 20,
      newCommunities: [],
      newBuildings: [],
    });
    const before = await importActions();
    const updatedAt = (await srv.deps.ds.getRepository(HeatingAccount).find({ order: { id: "ASC" } })).map((a) =>
      a.updatedAt.getTime(),
    );
    const done = await applyAndWait(again.body.id, { skipErrors: true });
    expect(done).toMatchObject({ status: "applied", applyTotal: 0, created: 0, updated: 0 });
    expect(await importActions()).toBe(before);
    const after = (await srv.deps.ds.getRepository(HeatingAccount).find({ order: { id: "ASC" } })).map((a) =>
      a.updatedAt.getTime(),
    );
    expect(after).toEqual(updatedAt);
  }, 120_000);
});

describe("register import: encodings and bad files", () => {
  const row = (i: number): Row => ({
    accountNo: `8${String(i).padStart(9, "0")}`,
    communityName: "幸福家园",
    buildingName: "",
    unit: "",
    room: "",
    address: `民乐县洪水镇幸福路${i}号`,
    heatedArea: "92.5",
    category: "居民",
    ownerName: "张三丰",
    phone: "0936-4466666",
    idNumber: idNumber(5000 + i),
  });

  it("a GBK-encoded CSV (Excel on Chinese Windows) is detected and read without mojibake", async () => {
    const bytes = gbk(csvText([row(1), row(2)]));
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toThrow(); // really not UTF-8
    const res = await upload(bytes, "台账.csv");
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      format: "csv",
      encoding: "gb18030",
      createCount: 2,
      errorCount: 0,
      newCommunities: ["幸福家园"],
    });
    await applyAndWait(res.body.id, { createPlaces: true });
    const a = await srv.deps.ds.getRepository(HeatingAccount).findOneByOrFail({ accountNo: "8000000001" });
    expect(a.ownerName).toBe("张三丰");
    expect(a.address).toBe("民乐县洪水镇幸福路1号");
    expect(srv.deps.vault.decrypt(a.phoneEnc)).toBe("09364466666");
  }, 60_000);

  it("a UTF-8 CSV with BOM reads the same", async () => {
    const res = await upload(Buffer.from(`\uFEFF${csvText([row(3)])}`, "utf8"), "台账.csv");
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ encoding: "utf-8", createCount: 1, newCommunities: [] });
  });

  it("refuses an old .xls, a PDF-like binary, missing columns, an empty file, over 20 MB, a broken XLSX — nothing applied", async () => {
    const count = await srv.deps.ds.getRepository(HeatingAccount).count();
    const xls = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512, 1)]);
    const r1 = await upload(xls, "台账.xls");
    expect(r1.status).toBe(415);
    expect(r1.body.error.code).toBe("REGISTER_FILE_TYPE");
    const r2 = await upload(Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0x01]), "a.csv");
    expect(r2.status).toBe(415);
    const missing = csvText(
      [row(4)],
      HEADER.map((h) => (h === "供热面积（㎡）" ? "备注" : h)),
    );
    const r3 = await upload(Buffer.from(missing, "utf8"), "台账.csv");
    expect(r3.status).toBe(400);
    expect(r3.body.error).toMatchObject({ code: "REGISTER_COLUMNS" });
    expect(r3.body.error.message).toContain("缺少必需的列：供热面积（㎡）");
    const r4 = await upload(Buffer.from("\n\n", "utf8"), "空.csv");
    expect(r4.status).toBe(400);
    expect(r4.body.error.code).toBe("REGISTER_FILE_EMPTY");
    const big = Buffer.alloc(20 * 1024 * 1024 + 10, 0x41);
    const r5 = await upload(big, "大.csv");
    expect(r5.status).toBe(413);
    expect(r5.body.error.code).toBe("REGISTER_FILE_TOO_LARGE");
    const broken = Buffer.concat([Buffer.from("PK\u0003\u0004", "latin1"), Buffer.alloc(2000, 7)]);
    const r6 = await upload(broken, "坏.xlsx");
    expect(r6.status).toBe(400);
    expect(r6.body.error.code).toBe("REGISTER_FILE_UNREADABLE");
    const r7 = await upload(Buffer.from(csvText([row(5)]), "utf8"), "台账.csv", sup.accessToken);
    expect(r7.status).toBe(403);
    expect(await srv.deps.ds.getRepository(HeatingAccount).count()).toBe(count);
    const rejected = await srv.deps.ds
      .getRepository(RegisterImport)
      .findOneByOrFail({ id: r3.body.error.details.importId });
    expect(rejected.status).toBe("rejected");
  }, 60_000);

  it("the template downloads as XLSX with the Chinese column names", async () => {
    const r = await fetch(`${srv.url}/api/v1/staff/register-template.xlsx`, {
      headers: { authorization: `Bearer ${admin.accessToken}` },
    });
    expect(r.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await r.arrayBuffer());
    const header = (wb.worksheets[0].getRow(1).values as string[]).slice(1);
    expect(header).toEqual(HEADER);
    // and the template's own example row imports cleanly (a dry run, not applied)
    const res = await upload(Buffer.from(await wb.xlsx.writeBuffer()), "模板.xlsx");
    expect(res.status).toBe(201);
    expect(res.body.errorCount).toBe(0);
  });
});

describe("account upkeep", () => {
  it("edits area, category, phone and ID number with audit; bad values refused with nothing written", async () => {
    const a = county.rows[5];
    const bad = await sup.api.call("PATCH", `/api/v1/staff/accounts/${a.id}`, {
      idNumber: "620722198503150019",
      reason: "户主更正",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("ACCOUNT_FIELD_INVALID");
    const implausible = await sup.api.call("PATCH", `/api/v1/staff/accounts/${a.id}`, {
      heatedArea: 5000,
      reason: "测量",
    });
    expect(implausible.status).toBe(400);
    expect(await srv.deps.ds.getRepository(AuditLog).countBy({ action: "account.update" })).toBe(0);

    const ok = await sup.api.call("PATCH", `/api/v1/staff/accounts/${a.id}`, {
      heatedArea: 101.5,
      category: "non_residential",
      phone: "13912340000",
      idNumber: "11010519491231002X",
      address: "民乐县新地址1号",
      reason: "实地复测面积，改为经营用房",
    });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toMatchObject({
      heatedArea: 101.5,
      category: "non_residential",
      address: "民乐县新地址1号",
      phoneMasked: "139********",
    });
    const row = await srv.deps.ds.getRepository(HeatingAccount).findOneByOrFail({ id: a.id });
    expect(srv.deps.vault.decrypt(row.idNumberEnc)).toBe("11010519491231002X");
    const log = await srv.deps.ds
      .getRepository(AuditLog)
      .findOneByOrFail({ action: "account.update", targetId: String(a.id) });
    expect(log.actorId).toBe(sup.staff.id);
    expect(log.details).toMatchObject({ reason: "实地复测面积，改为经营用房" });
    const fields = ((log.details?.changes ?? []) as { field: string; after: string }[]).map((c) => c.field);
    expect(fields.sort()).toEqual(["address", "category", "heatedArea", "idNumber", "phone"]);
    expect(JSON.stringify(log.details)).not.toContain("13912340000");
    const agent = await staffLogin(srv.url, "hotline_agent", DEMO_PASSWORD);
    expect(
      (await agent.api.call("PATCH", `/api/v1/staff/accounts/${a.id}`, { address: "别处", reason: "试试" })).status,
    ).toBe(403);
  });

  it("a new area applies from the next bill: issued bills keep theirs", async () => {
    await seasonsWithBills(srv.url, ["2024-2025"]);
    const a = county.rows[6];
    const bill = await srv.deps.ds.getRepository(Bill).findOneByOrFail({ accountId: a.id });
    const r = await sup.api.call("PATCH", `/api/v1/staff/accounts/${a.id}`, {
      heatedArea: a.heatedArea / 100 + 10,
      reason: "复测",
    });
    expect(r.status).toBe(200);
    const same = await srv.deps.ds.getRepository(Bill).findOneByOrFail({ id: bill.id });
    expect(same.heatedArea).toBe(bill.heatedArea);
    expect(same.amountFen).toBe(bill.amountFen);
  }, 60_000);

  it("过户: the old owner's bindings end, history and unpaid bills stay with the account", async () => {
    const h = county.households[0];
    const resident = await residentLogin(srv.url, { nickname: "原户主" });
    expect((await bindByName(resident.api, h)).status).toBe(201);
    const billsBefore = await srv.deps.ds.getRepository(Bill).findBy({ accountId: h.account.id });
    expect(billsBefore.length).toBeGreaterThan(0);

    const r = await sup.api.post(`/api/v1/staff/accounts/${h.account.id}/transfer`, {
      ownerName: "周新主",
      phone: "13800001111",
      reason: "房屋买卖，凭不动产权证过户",
    });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ endedBindings: 1 });

    const mine = await resident.api.get("/api/v1/me/accounts");
    expect(mine.body.items).toEqual([]);
    const bindings = await srv.deps.ds.getRepository(AccountBinding).findBy({ accountId: h.account.id });
    expect(bindings.length).toBe(1); // the history row stays
    expect(bindings[0].activeFlag).toBeNull();
    expect(bindings[0].unboundAt).not.toBeNull();
    const billsAfter = await srv.deps.ds.getRepository(Bill).findBy({ accountId: h.account.id });
    expect(billsAfter.map((b) => [b.id, b.status, b.amountFen])).toEqual(
      billsBefore.map((b) => [b.id, b.status, b.amountFen]),
    );
    const a = await srv.deps.ds.getRepository(HeatingAccount).findOneByOrFail({ id: h.account.id });
    expect(a.ownerName).toBe("周新主");
    expect(srv.deps.vault.decrypt(a.phoneEnc)).toBe("13800001111");
    expect(a.idNumberEnc).toBeNull(); // the old owner's ID number does not stay on file
    const log = await srv.deps.ds
      .getRepository(AuditLog)
      .findOneByOrFail({ action: "account.transfer", targetId: String(a.id) });
    expect(log.details).toMatchObject({ ownerBefore: "王*国", ownerAfter: "周*主", endedBindings: 1 });
    // the old owner's second factor no longer binds; the new owner's does
    expect((await bindByName(resident.api, h)).status).toBe(400);
    expect((await bindByName(resident.api, { ownerName: "周新主", account: h.account })).status).toBe(201);
  });
});

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, describe, expect, it } from "vitest";
import { detectEncoding, detectFormat, openRegister } from "./reader";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warmline-register-reader-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const HEADER = ["户号", "小区", "地址", "供热面积（㎡）", "用户类别", "户主姓名"];
const row = (i: number) => [
  `6${String(i).padStart(9, "0")}`,
  `幸福家园${i % 7}`,
  `民乐县洪水镇幸福路${i}号院内东侧单元`,
  "85.5",
  "居民",
  `张三丰${i}`,
];

async function writeXlsx(file: string, rows: number, useSharedStrings: boolean) {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings });
  const ws = wb.addWorksheet("台账");
  ws.addRow(HEADER).commit();
  for (let i = 0; i < rows; i++) ws.addRow(row(i)).commit();
  ws.commit();
  await wb.commit();
}

describe("register reader", () => {
  // exceljs's own streaming reader garbles a few characters that straddle ~16 KB chunks (issues #2063,
  // #2084); 8,000 rows of Chinese text are ~1 MB of sheet XML, dozens of chunk boundaries
  for (const shared of [false, true]) {
    it(`XLSX with ${shared ? "shared" : "inline"} strings: every Chinese character intact across chunks`, async () => {
      const file = path.join(dir, `big-${shared}.xlsx`);
      await writeXlsx(file, 8_000, shared);
      const opened = await openRegister(file);
      expect(opened.format).toBe("xlsx");
      let n = 0;
      const broken: number[] = [];
      for await (const r of opened.rows) {
        const i = r.rowNo - 2;
        const want = row(i);
        if (r.raw.address !== want[2] || r.raw.ownerName !== want[5] || r.raw.communityName !== want[1])
          broken.push(r.rowNo);
        n++;
      }
      expect(n).toBe(8_000);
      expect(broken).toEqual([]);
    }, 60_000);
  }

  it("CSV: GBK and UTF-8 are told apart by the bytes; row numbers count the header", async () => {
    const file = path.join(dir, "a.csv");
    fs.writeFileSync(
      file,
      `${HEADER.join(",")}\r\n${row(1).join(",")}\r\n\r\n"${row(2)[0]}",幸福家园,"地址,带逗号",90,居民,"王""五"\r\n`,
    );
    const opened = await openRegister(file);
    expect(opened.encoding).toBe("utf-8");
    const rows = [];
    for await (const r of opened.rows) rows.push(r);
    expect(rows.map((r) => r.rowNo)).toEqual([2, 4]);
    expect(rows[1].raw).toMatchObject({ address: "地址,带逗号", ownerName: '王"五' });
    expect(detectEncoding(Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]))).toBe("gb18030"); // 张三 in GBK
    expect(detectEncoding(Buffer.from("张三", "utf8"))).toBe("utf-8");
    expect(detectFormat(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))).toBeNull();
  });
});

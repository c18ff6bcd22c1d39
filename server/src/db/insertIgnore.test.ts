import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const SRC = path.resolve(import.meta.dirname, "..");

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [p] : [];
  });
}

/**
 * An insert that may be a no-op (`.orIgnore()`, `.orUpdate(...)`) must not ask TypeORM to read the row
 * back: after a no-op there is no new id, and TypeORM then throws "Cannot update entity because entity id
 * is not set in the entity" (SQLite on a connection that has inserted nothing yet, e.g. right after a
 * restart; MySQL, and MariaDB with DB_FLAVOR=mysql, always). That failed every restart within a periodic
 * job's turn. The chain needs `.updateEntity(false)`; the code reads what it needs afterwards.
 */
describe("insert-or-ignore", () => {
  it("every insert that may be a no-op skips TypeORM's read-back (.updateEntity(false))", () => {
    const offenders: string[] = [];
    for (const file of sources(SRC)) {
      const text = fs.readFileSync(file, "utf8");
      for (const m of text.matchAll(/\.(orIgnore|orUpdate)\(/g)) {
        const end = text.indexOf(".execute()", m.index);
        const chain = text.slice(text.lastIndexOf(".insert()", m.index), end === -1 ? undefined : end);
        if (!chain.includes(".updateEntity(false)")) {
          const line = text.slice(0, m.index).split("\n").length;
          offenders.push(`${path.relative(SRC, file)}:${line}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});

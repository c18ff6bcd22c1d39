import fs from "node:fs";
import path from "node:path";
import { AUDIT_ACTION_LABELS, AUDIT_TARGET_LABELS } from "@warmline/shared";
import { describe, expect, it } from "vitest";

describe("audit log labels", () => {
  it("every audit action and object the server writes has a Chinese name", () => {
    const root = path.resolve(import.meta.dirname, "../..");
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith(".ts") && !e.name.endsWith(".test.ts")) files.push(p);
      }
    };
    walk(root);
    const actions = new Set<string>();
    const targets = new Set<string>();
    for (const f of files) {
      const src = fs.readFileSync(f, "utf8");
      if (!/\baudit\(|\blog\("/.test(src)) continue;
      for (const m of src.matchAll(/\baction: "([a-z_]+\.[a-z_.]+)"/g)) actions.add(m[1] as string);
      for (const m of src.matchAll(/\blog\("([a-z_]+\.[a-z_.]+)"/g)) actions.add(m[1] as string);
      for (const m of src.matchAll(/\btargetType: "([a-z_]+)"/g)) targets.add(m[1] as string);
    }
    expect(actions.size).toBeGreaterThan(15); // the scan found the server's audit calls
    expect([...actions].filter((a) => !AUDIT_ACTION_LABELS[a])).toEqual([]);
    expect([...targets].filter((t) => !AUDIT_TARGET_LABELS[t])).toEqual([]);
  });
});

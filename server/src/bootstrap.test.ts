import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildRegistry, ENTITIES, MODULES } from "./bootstrap";
import { AccessLayer } from "./http/access";

describe("composition root", () => {
  it("lists every module folder exactly once, under its folder's name", () => {
    const folders = fs
      .readdirSync(path.join(import.meta.dirname, "modules"), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect(MODULES.map((m) => m.name).sort()).toEqual(folders);
    for (const f of folders) expect(fs.existsSync(path.join(import.meta.dirname, "modules", f, "index.ts"))).toBe(true);
  });

  it("the product's job registry is complete: each declared job name has exactly one handler", () => {
    const r = buildRegistry();
    expect(() => r.assertComplete()).not.toThrow();
    expect(r.names().sort()).toEqual(MODULES.flatMap((m) => m.jobNames ?? []).sort());
  });

  it("each entity belongs to one module, and the access policies are declared once each", () => {
    expect(new Set(ENTITIES).size).toBe(ENTITIES.length);
    const access = new AccessLayer(
      {} as never,
      MODULES.flatMap((m) => (m.policies ? [m.policies] : [])),
    );
    expect(access.permissions()).toEqual(expect.arrayContaining(["account.read", "payment.read", "ticket.read"]));
  });
});

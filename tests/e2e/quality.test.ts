import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/process";

function run(cmd: string, args: string[], cwd = ROOT, env: Record<string, string> = {}) {
  const res = spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, ...env }, timeout: 240_000 });
  return { code: res.status, out: `${res.stdout}\n${res.stderr}` };
}

const tsc = path.join(ROOT, "node_modules/typescript/bin/tsc");

describe("code quality gates", () => {
  it.each([
    ["shared", "shared/tsconfig.json"],
    ["server", "server/tsconfig.json"],
    ["scripts and tests", "tsconfig.json"],
    ["console", "client/console/tsconfig.json"],
    ["miniapp", "client/miniapp/tsconfig.json"],
  ])("TypeScript strict type-check passes: %s", (_name, project) => {
    const r = run(process.execPath, [tsc, "--noEmit", "-p", project]);
    expect(r.out.trim()).toBe("");
    expect(r.code).toBe(0);
  });

  it("the linter and formatter find nothing (biome check)", () => {
    const r = run(process.execPath, [path.join(ROOT, "node_modules/@biomejs/biome/bin/biome"), "check", "."]);
    expect(r.code, r.out).toBe(0);
  });
});

describe("import rules (scripts/check-imports.mjs)", () => {
  const check = path.join(ROOT, "scripts/check-imports.mjs");

  it("hold in this tree: faces only, lower layers import no module, no cycles", () => {
    const r = run(process.execPath, [check]);
    expect(r.out).toContain("import rules hold");
    expect(r.code, r.out).toBe(0);
  });

  it("catch a deep cross-module import, a lower layer importing a module, and a cycle", () => {
    const tree = fs.mkdtempSync(path.join(os.tmpdir(), "warmline-imports-"));
    const put = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(tree, file)), { recursive: true });
      fs.writeFileSync(path.join(tree, file), text);
    };
    try {
      put("server/src/modules/a/index.ts", 'export { x } from "./x";\nimport { y } from "../b";\n');
      put("server/src/modules/a/x.ts", "export const x = 1;\n");
      put("server/src/modules/b/index.ts", 'import { x } from "../a/x";\nexport const y = x;\n');
      put("server/src/jobs/index.ts", 'import type { y } from "../modules/b";\n');
      const r = run(process.execPath, [check, tree]);
      expect(r.code).toBe(1);
      expect(r.out).toContain("server/src/modules/b/index.ts: imports ../a/x");
      expect(r.out).toContain("the jobs/ layer imports ../modules/b");
      expect(r.out).toMatch(/import cycle between modules a, b/);
    } finally {
      fs.rmSync(tree, { recursive: true, force: true });
    }
  });
});

describe("mini-program packages", () => {
  it.each(["weapp", "alipay"])("builds the %s package with its pages", (target) => {
    const dir = path.join(ROOT, "client/miniapp");
    const r = run(
      process.execPath,
      [path.join(dir, "node_modules/@tarojs/cli/bin/taro"), "build", "--type", target],
      dir,
      {
        NODE_ENV: "production",
      },
    );
    expect(r.code, r.out.slice(-2000)).toBe(0);
    const app = JSON.parse(fs.readFileSync(path.join(dir, `dist/${target}/app.json`), "utf8"));
    expect(app.pages).toEqual(
      expect.arrayContaining(["pages/login/index", "pages/home/index", "pages/accounts/index", "pages/bind/index"]),
    );
    const ext = target === "weapp" ? "wxml" : "axml";
    expect(
      fs.existsSync(path.join(dir, `dist/${target}/pages/bind/index.${ext}`)) ||
        fs.existsSync(path.join(dir, `dist/${target}/base.${ext}`)),
    ).toBe(true);
  });
});

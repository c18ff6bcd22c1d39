import { spawnSync } from "node:child_process";
import fs from "node:fs";
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

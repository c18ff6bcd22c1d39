import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineJob, JobRegistry } from "./registry";
import { backoffMs } from "./execute";

const job = (name: string) => defineJob({ name: name as never, schema: z.object({}), async handle() {} });

describe("job registry", () => {
  it("refuses a second handler for one name", () => {
    const r = new JobRegistry(["a"]).register(job("a"));
    expect(() => r.register(job("a"))).toThrow(/two handlers/);
  });

  it("refuses to start with a declared job that has no handler", () => {
    const r = new JobRegistry(["a", "b"]).register(job("a"));
    expect(() => r.assertComplete()).toThrow(/no handler for job\(s\): b/);
  });

  it("refuses a handler for a job nobody declared", () => {
    const r = new JobRegistry(["a"]).register(job("a")).register(job("zzz"));
    expect(() => r.assertComplete()).toThrow(/undeclared job\(s\): zzz/);
  });

  it("backs off exponentially with a cap", () => {
    expect([1, 2, 3, 4].map(backoffMs)).toEqual([2000, 4000, 8000, 16000]);
    expect(backoffMs(30)).toBe(600_000);
  });
});

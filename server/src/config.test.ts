import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config";

describe("configuration", () => {
  it("has working embedded defaults", () => {
    const c = loadConfig({});
    expect(c.db.driver).toBe("sqlite");
    expect(c.jobs.mode).toBe("inprocess");
    expect(c.port).toBe(8080);
    expect(c.wechat.apiBase).toBe("http://127.0.0.1:8080/sandbox/wechat");
    expect(c.sandboxVendors).toBe(true);
  });

  it("names every bad setting", () => {
    try {
      loadConfig({ PORT: "abc", DB_DRIVER: "mysql", JOBS_MODE: "bullmq" });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join("\n");
      expect(problems).toMatch(/^PORT: .*\(got "abc"\)/m);
      expect(problems).toMatch(/^DATABASE_URL: is required when DB_DRIVER=mysql \(missing\)/m);
      expect(problems).toMatch(/^REDIS_URL: is required when JOBS_MODE=bullmq/m);
    }
  });

  it("requires real secrets in production and never echoes them", () => {
    try {
      loadConfig({ NODE_ENV: "production", PII_KEYS: "k1:zz", TOKEN_SECRET: "short-secret", SANDBOX_VENDORS: "true" });
      expect.unreachable();
    } catch (err) {
      const problems = (err as ConfigError).problems.join("\n");
      expect(problems).toMatch(/PII_KEYS/);
      expect(problems).toMatch(/PII_INDEX_KEY: is required in production/);
      expect(problems).toMatch(/TOKEN_SECRET/);
      expect(problems).toMatch(/SANDBOX_VENDORS: must not be enabled in production/);
      expect(problems).not.toContain("short-secret");
    }
  });

  it("accepts several PII keys for rotation", () => {
    const k = "ab".repeat(32);
    const c = loadConfig({ PII_KEYS: `k1:${k},k2:${"cd".repeat(32)}`, PII_KEY_ID: "k2" });
    expect(c.pii.currentKeyId).toBe("k2");
    expect([...c.pii.keys.keys()]).toEqual(["k1", "k2"]);
  });
});

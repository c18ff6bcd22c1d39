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

  it("reads the SLA policy and the invoice tax rules, and names bad ones", () => {
    const c = loadConfig({
      SLA_RESPONSE_MINUTES: "20",
      SLA_RESOLUTION_MINUTES: "general:90,major:240,severe:480",
      SLA_CATEGORY_RESOLUTION_MINUTES: "leak.general:120,leak.major:300,noise.general:240",
      INVOICE_TAX_RULES: "residential:exempt,non_residential:900,public_institution:non_taxable",
    });
    expect(c.sla).toMatchObject({
      responseMinutes: 20,
      resolutionMinutes: { general: 90, major: 240, severe: 480 },
      categoryResolutionMinutes: { leak: { general: 120, major: 300 }, noise: { general: 240 } },
      measurementHours: 24,
      warnRatio: 0.75,
    });
    expect(c.invoices.taxRules).toEqual({
      residential: { treatment: "exempt" },
      non_residential: { treatment: "taxable", rateBp: 900 },
      public_institution: { treatment: "non_taxable" },
    });
    expect(loadConfig({}).sla.resolutionMinutes).toEqual({ general: 60, major: 240, severe: 480 });
    try {
      loadConfig({ SLA_CATEGORY_RESOLUTION_MINUTES: "pipes.general:10", INVOICE_TAX_RULES: "shops:900" });
      expect.unreachable();
    } catch (err) {
      const problems = (err as ConfigError).problems.join("\n");
      expect(problems).toMatch(/^SLA_CATEGORY_RESOLUTION_MINUTES: must be/m);
      expect(problems).toMatch(/^INVOICE_TAX_RULES: must be/m);
    }
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

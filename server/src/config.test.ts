import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config";

describe("configuration", () => {
  it("has working embedded defaults when the development defaults are asked for", () => {
    const c = loadConfig({ WARMLINE_DEV: "true" });
    expect(c.db.driver).toBe("sqlite");
    expect(c.jobs.mode).toBe("inprocess");
    expect(c.port).toBe(8080);
    expect(c.wechat.apiBase).toBe("http://127.0.0.1:8080/sandbox/wechat");
    expect(c.sandboxVendors).toBe(true);
    expect(c.devMode).toBe(true);
    expect(c.env).toBe("development");
  });

  it("is production unless WARMLINE_DEV=true: no development secrets or sandboxes by default", () => {
    // a deployment that forgets NODE_ENV (or sets something else) must not run on the public development secrets
    for (const env of [{}, { NODE_ENV: "development" }, { NODE_ENV: "test" }, { WARMLINE_DEV: "false" }]) {
      try {
        loadConfig(env);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        const problems = (err as ConfigError).problems.join("\n");
        expect(problems).toMatch(/^TOKEN_SECRET: is required in production \(missing\)/m);
        expect(problems).toMatch(/^PII_KEYS: is required in production/m);
        expect(problems).toMatch(/^PII_INDEX_KEY: is required in production/m);
      }
    }
    const secrets = {
      TOKEN_SECRET: "t".repeat(40),
      PII_KEYS: `k1:${"ab".repeat(32)}`,
      PII_INDEX_KEY: "cd".repeat(32),
      EINVOICE_APP_KEY: "key",
      EINVOICE_APP_SECRET: "secret-secret",
      EINVOICE_ACCESS_TOKEN: "token",
      SMS_ACCESS_KEY_ID: "id",
      SMS_ACCESS_KEY_SECRET: "secret-secret",
    };
    const prod = loadConfig(secrets);
    expect(prod.env).toBe("production");
    expect(prod.devMode).toBe(false);
    expect(prod.sandboxVendors).toBe(false);
    expect(prod.wechatPay.apiBase).toBe("https://api.mch.weixin.qq.com");
    expect(() => loadConfig({ ...secrets, SANDBOX_VENDORS: "true" })).toThrow(/SANDBOX_VENDORS: must not be enabled/);
    expect(() => loadConfig({ WARMLINE_DEV: "true", NODE_ENV: "production" })).toThrow(
      /WARMLINE_DEV: must not be enabled with NODE_ENV=production/,
    );
  });

  it("trusts proxy headers only when TRUST_PROXY says so", () => {
    const dev = { WARMLINE_DEV: "true" };
    expect(loadConfig(dev).trustProxy).toEqual({ mode: "off" });
    expect(loadConfig({ ...dev, TRUST_PROXY: "false" }).trustProxy).toEqual({ mode: "off" });
    expect(loadConfig({ ...dev, TRUST_PROXY: "1" }).trustProxy).toEqual({ mode: "hops", hops: 1 });
    expect(loadConfig({ ...dev, TRUST_PROXY: "10.0.0.5, 10.1.0.0/16,::1" }).trustProxy).toEqual({
      mode: "list",
      addresses: ["10.0.0.5", "10.1.0.0/16", "::1"],
    });
    for (const bad of ["true", "yes", "10.0.0.0/33", "proxy.local", "10.0.0.5/8/1"]) {
      expect(() => loadConfig({ ...dev, TRUST_PROXY: bad }), bad).toThrow(/^.*TRUST_PROXY: must be/);
    }
  });

  it("reads the SLA policy and the invoice tax rules, and names bad ones", () => {
    const c = loadConfig({
      WARMLINE_DEV: "true",
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
    expect(loadConfig({ WARMLINE_DEV: "true" }).sla.resolutionMinutes).toEqual({
      general: 60,
      major: 240,
      severe: 480,
    });
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
    const c = loadConfig({ WARMLINE_DEV: "true", PII_KEYS: `k1:${k},k2:${"cd".repeat(32)}`, PII_KEY_ID: "k2" });
    expect(c.pii.currentKeyId).toBe("k2");
    expect([...c.pii.keys.keys()]).toEqual(["k1", "k2"]);
  });
});

import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { REDACT_PATHS, safeError } from "./logger";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const log = pino({ redact: { paths: REDACT_PATHS, censor: "[redacted]" }, serializers: { err: safeError } }, stream);
  return { log, text: () => lines.join("") };
}

describe("logs", () => {
  it("strip secrets and personal data by key", () => {
    const { log, text } = capture();
    log.info(
      { password: "p@ss", body: { phone: "13812345678", idNumber: "620722199001011234", refreshToken: "rt" } },
      "x",
    );
    expect(text()).not.toContain("p@ss");
    expect(text()).not.toContain("13812345678");
    expect(text()).not.toContain("620722199001011234");
    expect(text()).not.toContain('"rt"');
    expect(text()).toContain("[redacted]");
  });

  it("log database errors without the values they carry", () => {
    const err = Object.assign(new Error("Duplicate entry '13812345678' for key 'phone'"), {
      query: "INSERT ...",
      parameters: ["王建国", "13812345678"],
      driverError: { code: "ER_DUP_ENTRY" },
    });
    const { log, text } = capture();
    log.error({ err }, "failed");
    expect(text()).not.toContain("13812345678");
    expect(text()).not.toContain("王建国");
    expect(text()).toContain("ER_DUP_ENTRY");
  });
});

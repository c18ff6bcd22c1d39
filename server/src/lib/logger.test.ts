import { describe, expect, it } from "vitest";
import { prettyLine, requestLogLevel, setLogger, createLogger } from "./logger";

describe("readable log lines (npm start)", () => {
  it("prints time, level, message and the remaining fields, without service/pid/hostname", () => {
    const line = prettyLine(
      JSON.stringify({
        level: 30,
        time: "2026-12-03T03:04:05.000Z",
        service: "warmline",
        pid: 1,
        msg: "listening",
        port: 8080,
      }),
    );
    expect(line).toMatch(/^\d\d:\d\d:\d\d INFO {2}listening {2}port=8080\n$/);
    expect(line).not.toContain("warmline");
  });

  it("shows an error's code and message, and its stack only when asked", () => {
    const json = JSON.stringify({
      level: 50,
      time: "2026-12-03T03:04:05.000Z",
      msg: "unhandled error",
      err: { code: "ER_X", message: "boom", stack: "at a | at b" },
    });
    expect(prettyLine(json)).toContain("[ER_X] boom");
    expect(prettyLine(json)).not.toContain("at a");
    expect(prettyLine(json, true)).toContain("    at a\n    at b");
  });

  it("passes a line that is not JSON through unchanged", () => {
    expect(prettyLine("plain text")).toBe("plain text\n");
  });

  it("request lines are info in JSON logs and debug in the readable format", () => {
    const before = requestLogLevel();
    try {
      setLogger(createLogger("silent", "json"), "json");
      expect(requestLogLevel()).toBe("info");
      setLogger(createLogger("silent", "pretty"), "pretty");
      expect(requestLogLevel()).toBe("debug");
    } finally {
      setLogger(createLogger("silent", before === "info" ? "json" : "pretty"), before === "info" ? "json" : "pretty");
    }
  });
});

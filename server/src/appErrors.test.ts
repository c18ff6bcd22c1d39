import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { onAppError } from "./app";
import { logger, setLogger } from "./lib/logger";

const original = logger;
afterEach(() => setLogger(original));

function capture(): { level: number; msg: string }[] {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  setLogger(pino({ level: "info" }, sink));
  return lines;
}

describe("errors Koa reports after a response started", () => {
  it("a client that closed the connection is no failure: nothing at info or above, no stack on stderr", async () => {
    const lines = capture();
    for (const code of ["ERR_STREAM_PREMATURE_CLOSE", "EPIPE", "ECONNRESET"]) {
      onAppError(Object.assign(new Error("Premature close"), { code }));
    }
    await new Promise((r) => setImmediate(r));
    expect(lines).toEqual([]);
  });

  it("anything else is one warn line with the error, not a stack trace", async () => {
    const lines = capture();
    onAppError(Object.assign(new Error("disk read failed"), { code: "EIO" }));
    await new Promise((r) => setImmediate(r));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, msg: "response failed after it had started" });
  });
});

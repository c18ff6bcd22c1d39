import pino from "pino";

/**
 * Structured logs. Secrets and personal data are removed by key wherever they appear
 * (request bodies are never logged whole).
 */
export const REDACT_PATHS = [
  "password",
  "*.password",
  "token",
  "*.token",
  "accessToken",
  "*.accessToken",
  "refreshToken",
  "*.refreshToken",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "req.headers.authorization",
  "req.headers.cookie",
  "phone",
  "*.phone",
  "idNumber",
  "*.idNumber",
  "ownerName",
  "*.ownerName",
  "secret",
  "*.secret",
  "privateKey",
  "*.privateKey",
];

/**
 * Errors are logged without the data they carry: database errors hold the SQL's parameters and
 * MariaDB quotes values in its messages, so quoted text is cut and parameters are dropped.
 */
export function safeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err).slice(0, 200) };
  const e = err as Error & { code?: string; errno?: number; driverError?: { code?: string } };
  const scrub = (s: string) =>
    s
      .replace(/'[^']*'/g, "'…'")
      .replace(/"[^"]*"/g, '"…"')
      .slice(0, 500);
  return {
    type: e.name,
    code: e.driverError?.code ?? e.code,
    message: scrub(e.message),
    stack: e.stack
      ?.split("\n")
      .slice(1, 8)
      .map((l) => l.trim())
      .join(" | "),
  };
}

export type LogFormat = "json" | "pretty";

const LEVEL_WORDS: Record<number, string> = {
  10: "TRACE",
  20: "DEBUG",
  30: "INFO ",
  40: "WARN ",
  50: "ERROR",
  60: "FATAL",
};

/**
 * One readable line per entry for a person watching `npm start`: local time, level, message, then the
 * remaining fields as key=value (already redacted by pino). Errors show their code and message; the stack
 * only at debug and below.
 */
export function prettyLine(json: string, showStacks = false): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json);
  } catch {
    return json.endsWith("\n") ? json : `${json}\n`;
  }
  const { level, time, msg, service: _service, pid: _pid, hostname: _host, err, ...rest } = entry;
  const at = typeof time === "string" ? new Date(time) : new Date();
  const hh = (n: number) => String(n).padStart(2, "0");
  const clock = `${hh(at.getHours())}:${hh(at.getMinutes())}:${hh(at.getSeconds())}`;
  const fields = Object.entries(rest)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
  let line = `${clock} ${LEVEL_WORDS[level as number] ?? String(level)} ${String(msg ?? "")}`;
  if (fields.length) line += `  ${fields.join(" ")}`;
  if (err && typeof err === "object") {
    const e = err as { code?: string; message?: string; stack?: string };
    line += `\n    ${e.code ? `[${e.code}] ` : ""}${e.message ?? ""}`;
    if (showStacks && e.stack) line += `\n    ${e.stack.split(" | ").join("\n    ")}`;
  }
  return `${line}\n`;
}

export function createLogger(
  level = process.env.LOG_LEVEL ?? "info",
  format: LogFormat = process.env.LOG_FORMAT === "pretty" ? "pretty" : "json",
) {
  const options: pino.LoggerOptions = {
    level,
    serializers: { err: safeError },
    base: { service: "warmline" },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (format === "json") return pino(options);
  const showStacks = pino.levels.values[level] !== undefined && pino.levels.values[level] <= 20;
  return pino(options, {
    write(chunk: string) {
      process.stdout.write(prettyLine(chunk.trimEnd(), showStacks));
    },
  });
}

/**
 * The level of the one-line-per-request log: `info` in JSON logs (collected by the log pipeline), `debug`
 * in the readable format so that a person watching `npm start` sees start-up and problems, not traffic.
 */
export function requestLogLevel(): "info" | "debug" {
  return logFormat === "pretty" ? "debug" : "info";
}

let logFormat: LogFormat = process.env.LOG_FORMAT === "pretty" ? "pretty" : "json";

export let logger = createLogger(process.env.NODE_ENV === "test" ? (process.env.LOG_LEVEL ?? "silent") : undefined);

export function setLogger(l: pino.Logger, format?: LogFormat) {
  logger = l;
  if (format) logFormat = format;
}

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

export function createLogger(level = process.env.LOG_LEVEL ?? "info") {
  return pino({
    level,
    serializers: { err: safeError },
    base: { service: "warmline" },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

export let logger = createLogger(process.env.NODE_ENV === "test" ? (process.env.LOG_LEVEL ?? "silent") : undefined);

export function setLogger(l: pino.Logger) {
  logger = l;
}

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

export function createLogger(level = process.env.LOG_LEVEL ?? "info") {
  return pino({
    level,
    base: { service: "warmline" },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

export let logger = createLogger(process.env.NODE_ENV === "test" ? (process.env.LOG_LEVEL ?? "silent") : undefined);

export function setLogger(l: pino.Logger) {
  logger = l;
}

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * An instant as Beijing time, "2025-11-27 09:05". Computed by hand: mini-program runtimes do not all
 * ship Intl time zones.
 */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  const d = new Date(time + SHANGHAI_OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** An instant's Beijing date, "2025-11-27" (e.g. 开票日期). */
export function formatDate(iso: string | null | undefined): string {
  const text = formatDateTime(iso);
  return /^\d{4}-\d{2}-\d{2} /.test(text) ? text.slice(0, 10) : text;
}

/** 供热面积: 86.5 → "86.50 m²" */
export function formatArea(sqm: number | null | undefined): string {
  if (sqm === null || sqm === undefined || Number.isNaN(sqm)) return "—";
  return `${sqm.toFixed(2)} m²`;
}

/** Empty values show as a dash. */
export function orDash(value: string | null | undefined): string {
  return value?.trim() ? value : "—";
}

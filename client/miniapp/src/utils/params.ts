/** A positive whole id from a page parameter ("12" → 12), or null. */
export function positiveId(value: string | undefined | null): number | null {
  if (!value || !/^\d{1,15}$/.test(value)) return null;
  const id = Number(value);
  return id > 0 ? id : null;
}

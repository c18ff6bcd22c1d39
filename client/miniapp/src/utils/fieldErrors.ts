/** Messages under a form's fields, by field. */
export type FieldMessages<F extends string> = Partial<Record<F, string>>;

/**
 * The messages to show after the resident changed some fields: a message under a changed field goes as
 * soon as that field is valid and otherwise says what is still wrong with it (`now`: the form's messages as
 * it is now); a field that showed nothing stays quiet until the next submit, and so does every field that
 * was not changed (a message the server gave about it stays). The same object when nothing changes.
 */
export function recheckFields<F extends string>(
  shown: FieldMessages<F>,
  now: FieldMessages<F>,
  changed: readonly F[],
): FieldMessages<F> {
  let next = shown;
  for (const field of changed) {
    if (!shown[field] || shown[field] === now[field]) continue;
    if (next === shown) next = { ...shown };
    if (now[field]) next[field] = now[field];
    else delete next[field];
  }
  return next;
}

/** The keys whose values differ between two versions of a form. */
export function changedFields<T extends object>(before: T, after: T): (keyof T)[] {
  return (Object.keys({ ...before, ...after }) as (keyof T)[]).filter((k) => !Object.is(before[k], after[k]));
}

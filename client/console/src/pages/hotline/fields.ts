import { TICKET_CATEGORIES, TICKET_CATEGORY_LABELS } from "@warmline/shared";

/** 来电事由 and 问题类型 choose from the same ticket categories. */
export const categoryOptions = TICKET_CATEGORIES.map((c) => ({ value: c, label: TICKET_CATEGORY_LABELS[c] }));

/** A typed text, or undefined when only blanks were typed. */
export const trimmed = (s: string | undefined) => s?.trim() || undefined;

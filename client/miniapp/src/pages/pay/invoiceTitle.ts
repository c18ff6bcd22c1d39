import { INVOICE_TITLE_KIND_LABELS, type InvoiceTitleView } from "@warmline/shared";

/**
 * 发票抬头 on the pay page. POST /me/payments takes one of the titles from
 * GET /me/invoice-titles?accountId=… as invoiceTitleId, or null for 个人（户主姓名）. 个人（户主姓名）is always
 * offered: first (and the default) while no title is the default, after the titles otherwise.
 */
/** One choice: a saved title (`id`) or 个人（户主姓名）(`id` null, sent as invoiceTitleId null). */
export interface TitleOption {
  id: number | null;
  label: string;
  /** second line: kind, tax id, who saved it */
  detail: string;
  isDefault: boolean;
}

export const OWNER_NAME_LABEL = "个人（户主姓名）";

export function titleLabel(title: Pick<InvoiceTitleView, "kind" | "name">): string {
  return `${INVOICE_TITLE_KIND_LABELS[title.kind] ?? title.kind}（${title.name}）`;
}

/** The title the server would use by itself: the resident's default, else a default saved for the account. */
export function defaultTitle(titles: readonly InvoiceTitleView[]): InvoiceTitleView | null {
  return titles.find((t) => t.isDefault && t.owner === "resident") ?? titles.find((t) => t.isDefault) ?? null;
}

export function titleOptions(titles: readonly InvoiceTitleView[]): TitleOption[] {
  const fallback = defaultTitle(titles);
  const owner: TitleOption = {
    id: null,
    label: OWNER_NAME_LABEL,
    detail: "按户主姓名开具个人发票",
    isDefault: !fallback,
  };
  // the default first, then as the server listed them
  const ordered = fallback ? [fallback, ...titles.filter((t) => t.id !== fallback.id)] : titles;
  const saved = ordered.map((t): TitleOption => {
    const parts = [t.taxId, t.owner === "account" ? "供热中心登记" : ""].filter(Boolean);
    return { id: t.id, label: titleLabel(t), detail: parts.join(" · "), isDefault: t === fallback };
  });
  return fallback ? [...saved, owner] : [owner, ...saved];
}

/**
 * The choice after the titles (re)loaded: the resident's earlier choice while it is still offered,
 * otherwise the default (a title, or null for 个人（户主姓名）).
 */
export function chooseTitle(titles: readonly InvoiceTitleView[], current: number | null | undefined): number | null {
  const options = titleOptions(titles);
  if (current !== undefined && options.some((o) => o.id === current)) return current;
  return defaultTitle(titles)?.id ?? null;
}

import { type InvoiceTitleInput, InvoiceTitleInputSchema, type InvoiceTitleKind } from "@warmline/shared";
import type { FormRule } from "antd";

/** A 发票抬头 as the form holds it (InvoiceTitleFields). */
export interface InvoiceTitleValues {
  kind?: InvoiceTitleKind;
  name?: string;
  taxId?: string;
  email?: string;
  isDefault?: boolean;
}

export type InvoiceTitleField = "kind" | "name" | "taxId" | "email";

/** What would be sent: a 纳税人识别号 only for a 单位 (the field is hidden for 个人, its value is kept). */
function candidate(v: InvoiceTitleValues | undefined) {
  const company = v?.kind === "company";
  return {
    kind: v?.kind,
    name: v?.name ?? "",
    taxId: company ? v?.taxId?.trim() || undefined : undefined,
    email: v?.email ?? "",
    isDefault: v?.isDefault,
  };
}

/**
 * A form rule for one field of a title group at `path`: the whole title is checked with the shared
 * InvoiceTitleInputSchema (the same messages as the server), and this field's first issue is shown.
 */
export function invoiceTitleRule(path: readonly (string | number)[], field: InvoiceTitleField): FormRule {
  return ({ getFieldValue }) => ({
    validator: async () => {
      const r = InvoiceTitleInputSchema.safeParse(candidate(getFieldValue([...path]) as InvoiceTitleValues));
      if (r.success) return;
      const issue = r.error.issues.find((i) => i.path[0] === field);
      if (issue) throw new Error(issue.message);
    },
  });
}

/** The title to send (trimmed, 纳税人识别号 upper-cased); the form rules have passed. */
export function toInvoiceTitleInput(v: InvoiceTitleValues): InvoiceTitleInput {
  return InvoiceTitleInputSchema.parse(candidate(v));
}

import { INVOICE_KIND_LABELS, INVOICE_STATUS_LABELS, type InvoiceKind, type InvoiceStatus } from "@warmline/shared";
import { Tag } from "antd";
import { INVOICE_KIND_COLORS, INVOICE_STATUS_COLORS } from "../labels";

export function InvoiceStatusTag({ status }: { status: InvoiceStatus }) {
  return <Tag color={INVOICE_STATUS_COLORS[status] ?? "default"}>{INVOICE_STATUS_LABELS[status] ?? status}</Tag>;
}

/** 蓝字发票 in blue, 红字发票 in red. */
export function InvoiceKindTag({ kind }: { kind: InvoiceKind }) {
  return <Tag color={INVOICE_KIND_COLORS[kind]}>{INVOICE_KIND_LABELS[kind] ?? kind}</Tag>;
}

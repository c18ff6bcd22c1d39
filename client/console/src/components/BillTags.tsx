import { BILL_STATUS_LABELS, type BillStatus } from "@warmline/shared";
import { Tag } from "antd";
import { BILL_STATUS_COLORS } from "../labels";

export function BillStatusTag({ status }: { status: BillStatus }) {
  return <Tag color={BILL_STATUS_COLORS[status]}>{BILL_STATUS_LABELS[status] ?? status}</Tag>;
}

import { ACCOUNT_STATUS_LABELS, type AccountStatus, HARDSHIP_LABELS, type HardshipCategory } from "@warmline/shared";
import { Tag } from "antd";
import { STATUS_COLORS, hardshipColor } from "../labels";

export function StatusTag({ status }: { status: AccountStatus }) {
  return <Tag color={STATUS_COLORS[status]}>{ACCOUNT_STATUS_LABELS[status] ?? status}</Tag>;
}

export function HardshipTag({ category }: { category: HardshipCategory }) {
  if (category === "none") return <span>{HARDSHIP_LABELS.none}</span>;
  return <Tag color={hardshipColor(category)}>{HARDSHIP_LABELS[category] ?? category}</Tag>;
}

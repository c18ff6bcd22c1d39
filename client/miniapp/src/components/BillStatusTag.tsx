import { Text } from "@tarojs/components";
import { BILL_STATUS_LABELS, type BillStatus } from "@warmline/shared";

export function BillStatusTag({ status }: { status: BillStatus }) {
  return <Text className={`status status-${status}`}>{BILL_STATUS_LABELS[status] ?? status}</Text>;
}

import { Text } from "@tarojs/components";
import { ACCOUNT_STATUS_LABELS, type AccountStatus } from "@warmline/shared";

export function StatusTag({ status }: { status: AccountStatus }) {
  return <Text className={`status status-${status}`}>{ACCOUNT_STATUS_LABELS[status] ?? status}</Text>;
}

import { Text, View } from "@tarojs/components";
import type { ResidentAccount } from "@warmline/shared";
import type { ReactNode } from "react";
import { StatusTag } from "./StatusTag";

interface Props {
  account: ResidentAccount;
  onOpen?: (account: ResidentAccount) => void;
  /** extra controls under the address (e.g. 解绑) */
  actions?: ReactNode;
}

/** One bound account in a list: 户号, status and address; tapping it opens the detail. */
export function AccountCard({ account, onOpen, actions }: Props) {
  return (
    <View className="account-card" data-account-id={account.id} onClick={() => onOpen?.(account)}>
      <View className="account-no">
        <Text>户号 {account.accountNo}</Text>
        <StatusTag status={account.status} />
      </View>
      <Text className="account-address">{account.address}</Text>
      {actions ? <View className="account-actions">{actions}</View> : null}
    </View>
  );
}

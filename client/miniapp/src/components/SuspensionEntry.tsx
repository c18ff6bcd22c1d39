import { Text, View } from "@tarojs/components";
import Taro from "@tarojs/taro";
import { SUSPENSION_PAGE } from "../services/suspensions";
import "./SuspensionEntry.scss";

/** 报停/复供 entry on the account page: opens the page with the status, the deadline and the form. */
export function SuspensionEntry({ accountId }: { accountId: number }) {
  return (
    <View
      className="card suspension-entry"
      onClick={() => Taro.navigateTo({ url: `${SUSPENSION_PAGE}?accountId=${accountId}` })}
    >
      <View className="entry-row">
        <Text>报停/复供</Text>
        <Text className="link">办理与进度</Text>
      </View>
      <Text className="muted suspension-entry-state">下一供热季不用暖（或恢复供暖）的，请在截止日期前申请</Text>
    </View>
  );
}

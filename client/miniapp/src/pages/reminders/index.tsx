import { Text, View } from "@tarojs/components";
import { REMINDER_CHANNEL_LABELS, type ReminderChannel } from "@warmline/shared";
import { ArrearsNotice } from "../../components/ArrearsNotice";
import { HOTLINE } from "../../constants";
import { myReminders } from "../../services/reminders";
import { formatDateTime } from "../../utils/format";
import { useAccountData } from "../../utils/useAccountData";
import "./index.scss";

/** how a reminder reached the resident, in their words */
const CHANNEL_TEXT: Partial<Record<ReminderChannel, string>> = {
  subscribe: "小程序消息",
  sms: REMINDER_CHANNEL_LABELS.sms,
};

/** 欠费提醒记录: the reminders sent to the resident for one account (newest first), under what it owes now. */
export default function RemindersPage() {
  const { accountId, data, error } = useAccountData(myReminders);
  return (
    <View className="page page-reminders">
      {error ? <Text className="error-text">{error}</Text> : null}
      {accountId !== null ? <ArrearsNotice accountId={accountId} history={false} /> : null}
      <View className="card reminder-list">
        <View className="card-title">
          <Text>收到的欠费提醒</Text>
        </View>
        {data && data.items.length === 0 ? <View className="empty">暂未向您发送过欠费提醒</View> : null}
        {data?.items.map((r) => (
          <View key={r.id} className="reminder-item" data-reminder-id={r.id}>
            <View className="reminder-meta">
              <Text className="reminder-channel">{(r.channel && CHANNEL_TEXT[r.channel]) || "提醒"}</Text>
              <Text className="muted">{formatDateTime(r.sentAt)}</Text>
            </View>
            <Text className="reminder-text">{r.text ?? ""}</Text>
          </View>
        ))}
      </View>
      <Text className="muted reminder-footnote">{`对提醒内容有疑问，请致电供热服务热线 ${HOTLINE.display}。`}</Text>
    </View>
  );
}

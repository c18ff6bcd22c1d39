import { Button, Text, View } from "@tarojs/components";
import { REMINDER_CHANNEL_LABELS, type ReminderChannel } from "@warmline/shared";
import { ArrearsNotice } from "../../components/ArrearsNotice";
import { HOTLINE } from "../../constants";
import {
  type ArrearsSubscriptionView,
  arrearsSubscription,
  askArrearsConsent,
  myReminders,
} from "../../services/reminders";
import { formatDateTime } from "../../utils/format";
import { useAccountData } from "../../utils/useAccountData";
import { useEffect, useState } from "react";
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
      <ArrearsSubscribe />
      <Text className="muted reminder-footnote">{`对提醒内容有疑问，请致电供热服务热线 ${HOTLINE.display}。`}</Text>
    </View>
  );
}

/**
 * 订阅欠费提醒: asks for the arrears subscribe-message consent (WeChat / Alipay; one accepted answer is one
 * reminder by mini-program message instead of SMS) and shows how many are left. Not shown where there is
 * nothing to ask for (a browser sign-in, no template configured).
 */
function ArrearsSubscribe() {
  const [sub, setSub] = useState<ArrearsSubscriptionView | null>(null);
  const [asked, setAsked] = useState(false);
  useEffect(() => {
    let live = true;
    arrearsSubscription().then(
      (s) => live && setSub(s),
      () => live && setSub(null),
    );
    return () => {
      live = false;
    };
  }, []);
  if (!sub?.templateId) return null;
  const ask = async () => {
    const left = await askArrearsConsent(sub.templateId).catch(() => null);
    setAsked(true);
    if (left !== null) setSub({ ...sub, remaining: left });
  };
  return (
    <View className="card reminder-subscribe">
      <Text className="reminder-subscribe-line">
        {sub.remaining > 0
          ? `已订阅，可接收 ${sub.remaining} 条小程序欠费提醒`
          : "订阅后，欠费提醒将以小程序消息发给您"}
      </Text>
      <Button className="btn btn-primary reminder-subscribe-btn" onClick={() => void ask()}>
        {sub.remaining > 0 ? "再订阅一条" : "订阅欠费提醒"}
      </Button>
      {asked && sub.remaining <= 0 ? <Text className="muted">未能订阅：将改用短信提醒您。</Text> : null}
    </View>
  );
}

import { Button, Text, View } from "@tarojs/components";
import Taro, { useDidShow } from "@tarojs/taro";
import type { NoticeList, Notification, Resident, ResidentAccount } from "@warmline/shared";
import { useState } from "react";
import { AccountCard } from "../../components/AccountCard";
import { ArrearsNotices } from "../../components/ArrearsNotice";
import { NoticeKindTag } from "../../components/NoticeKindTag";
import { SeasonHotlineCard } from "../../components/SeasonHotlineCard";
import { PAGES } from "../../constants";
import { listAccounts } from "../../services/accounts";
import { getMe, logout } from "../../services/auth";
import { describeError } from "../../services/errors";
import { loadNotices, NOTICE_PAGES, subscribeNoticeMessages } from "../../services/notices";
import { listNotifications } from "../../services/notifications";
import { formatDate, formatDateTime } from "../../utils/format";
import "./index.scss";

/** notices shown on the home page; the rest are one tap away (全部公告) */
const HOME_NOTICES = 4;

export default function HomePage() {
  const [me, setMe] = useState<Resident | null>(null);
  const [accounts, setAccounts] = useState<ResidentAccount[] | null>(null);
  const [notices, setNotices] = useState<Notification[]>([]);
  const [board, setBoard] = useState<NoticeList | null>(null);
  const [error, setError] = useState("");

  async function load() {
    try {
      const [resident, bound, messages, current] = await Promise.all([
        getMe(),
        listAccounts(),
        listNotifications(),
        loadNotices(),
      ]);
      setMe(resident);
      setAccounts(bound);
      setNotices(messages);
      setBoard(current);
      setError("");
    } catch (err) {
      setError(describeError(err));
    }
  }

  useDidShow(() => {
    void load();
  });

  async function signOut() {
    const { confirm } = await Taro.showModal({ title: "退出登录", content: "确定退出登录吗？" });
    if (!confirm) return;
    await logout();
    await Taro.reLaunch({ url: PAGES.login });
  }

  /** 订阅停热通知: WeChat / Alipay ask only right after a tap; H5 has no subscribe messages */
  async function subscribe() {
    try {
      const counts = await subscribeNoticeMessages();
      await Taro.showToast({
        title: counts?.heating_notice ? "已订阅下一条停热通知" : "未订阅，可随时再点",
        icon: "none",
      });
    } catch (err) {
      await Taro.showToast({ title: describeError(err), icon: "none" });
    }
  }

  const openAccount = (account: ResidentAccount) => Taro.navigateTo({ url: `${PAGES.account}?id=${account.id}` });

  return (
    <View className="page page-home">
      <View className="greeting">
        <Text className="greeting-title">您好，{me?.nickname || "居民朋友"}</Text>
        <Text className="muted">温暖过冬，暖线为您服务</Text>
      </View>
      {error ? <Text className="error-text">{error}</Text> : null}
      {accounts ? <ArrearsNotices accounts={accounts} /> : null}

      <SeasonHotlineCard season={board?.season} />

      <View className="card home-notices">
        <View className="card-title">
          <Text>供热公告</Text>
          {board?.items.length ? (
            <Text className="link" onClick={() => Taro.navigateTo({ url: NOTICE_PAGES.list })}>
              全部公告 ›
            </Text>
          ) : null}
        </View>
        {board && board.items.length === 0 ? <View className="empty">暂无公告</View> : null}
        {board?.items.slice(0, HOME_NOTICES).map((n) => (
          <View
            key={n.id}
            className="notice-row"
            data-notice-id={n.id}
            onClick={() => Taro.navigateTo({ url: `${NOTICE_PAGES.detail}?id=${n.id}` })}
          >
            {n.pinned ? <Text className="notice-pin">置顶</Text> : null}
            <NoticeKindTag kind={n.kind} />
            <Text className="notice-row-title">{n.title}</Text>
            <Text className="notice-row-date">{formatDate(n.publishAt)}</Text>
          </View>
        ))}
        {process.env.TARO_ENV !== "h5" ? (
          <Text className="link notice-subscribe" onClick={() => void subscribe()}>
            订阅停热检修通知 ›
          </Text>
        ) : null}
      </View>

      <View className="card">
        <View className="card-title">
          <Text>我的供热户号</Text>
          {accounts?.length ? (
            <Text className="link" onClick={() => Taro.navigateTo({ url: PAGES.accounts })}>
              管理
            </Text>
          ) : null}
        </View>
        {accounts && accounts.length === 0 ? <View className="empty">您还没有绑定供热户号</View> : null}
        {accounts?.map((account) => (
          <AccountCard
            key={account.id}
            account={account}
            onOpen={openAccount}
            actions={
              <Text
                className="link account-bills"
                onClick={(e) => {
                  e.stopPropagation();
                  void Taro.navigateTo({ url: `${PAGES.bills}?accountId=${account.id}` });
                }}
              >
                账单
              </Text>
            }
          />
        ))}
        <Button className="btn btn-primary" onClick={() => Taro.navigateTo({ url: PAGES.bind })}>
          绑定户号
        </Button>
      </View>

      <View className="card service-desk">
        <View className="service-tile report-entry" onClick={() => Taro.navigateTo({ url: PAGES.report })}>
          <Text className="service-tile-title">我要报修</Text>
          <Text className="service-tile-note">室温低、不热、漏水等</Text>
        </View>
        <View className="service-tile tickets-entry" onClick={() => Taro.navigateTo({ url: PAGES.tickets })}>
          <Text className="service-tile-title">我的工单</Text>
          <Text className="service-tile-note">查看处理进度和评价</Text>
        </View>
      </View>

      <View
        className="card entry-row invoice-titles-entry"
        onClick={() => Taro.navigateTo({ url: PAGES.invoiceTitles })}
      >
        <Text>发票抬头</Text>
        <Text className="link">管理 ›</Text>
      </View>

      <View className="card messages">
        <View className="card-title">
          <Text>消息</Text>
          <Text className="link" onClick={() => void load()}>
            刷新
          </Text>
        </View>
        {notices.length === 0 ? <View className="empty">暂无消息</View> : null}
        {notices.map((n) => (
          <View key={n.id} className="notice">
            <View className="notice-title">
              <Text>{n.title}</Text>
              <Text className="muted">{formatDateTime(n.createdAt)}</Text>
            </View>
            <Text className="notice-body">{n.body}</Text>
          </View>
        ))}
      </View>

      <Button className="btn btn-quiet" onClick={() => void signOut()}>
        退出登录
      </Button>
    </View>
  );
}

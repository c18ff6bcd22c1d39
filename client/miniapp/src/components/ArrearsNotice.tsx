import { Button, Text, View } from "@tarojs/components";
import Taro, { useDidShow } from "@tarojs/taro";
import { chineseDate, formatYuan, type ResidentAccount, seasonLabel } from "@warmline/shared";
import { useEffect, useRef, useState } from "react";
import { PAGES } from "../constants";
import {
  type ArrearsNoticeView,
  type ArrearsSubscriptionView,
  arrearsNotice,
  arrearsSubscription,
  askArrearsConsent,
  REMINDERS_PAGE,
} from "../services/reminders";
import "./ArrearsNotice.scss";

/**
 * 欠费提示 of one account: what it owes today (late fee included), since which season, a 去缴费 button and
 * the reminders sent. A hardship household gets soft wording and the way to 困难缓缴/分期申请 instead of
 * 催缴 words. Nothing when nothing is owed (or the notice cannot be loaded: the bills page says the same).
 */
export function ArrearsNotice({
  accountId,
  accountNo,
  refreshKey,
  history = true,
}: {
  accountId: number;
  /** shown when several accounts' notices stand together (the home page) */
  accountNo?: string;
  /** loads again when this changes (the home page's list of accounts, reloaded each time it shows) */
  refreshKey?: unknown;
  /** the link to the reminders sent (not on that page itself) */
  history?: boolean;
}) {
  const [notice, setNotice] = useState<ArrearsNoticeView | null>(null);
  // loaded up front: the subscribe sheet must open right after the tap on 去缴费
  const [subscription, setSubscription] = useState<ArrearsSubscriptionView | null>(null);
  const [tick, setTick] = useState(0);
  const shown = useRef(false);

  // back from paying: the page shows again and the amount is asked for again (not on the first show)
  useDidShow(() => {
    if (shown.current) setTick((t) => t + 1);
    shown.current = true;
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: refreshKey and tick only trigger a reload
  useEffect(() => {
    let live = true;
    arrearsNotice(accountId).then(
      (n) => live && setNotice(n),
      () => live && setNotice(null),
    );
    arrearsSubscription().then(
      (s) => live && setSubscription(s),
      () => live && setSubscription(null),
    );
    return () => {
      live = false;
    };
  }, [accountId, refreshKey, tick]);

  if (!notice || notice.owedFen <= 0) return null;
  const pay = async () => {
    // no consent left for the arrears message: ask for one (欠费提醒) before leaving for the pay page
    if (subscription && subscription.remaining <= 0) {
      const left = await askArrearsConsent(subscription.templateId).catch(() => null);
      if (left !== null) setSubscription({ ...subscription, remaining: left });
    }
    Taro.navigateTo({ url: notice.payPath });
  };
  const soft = notice.installmentHint !== null;
  const overdue = notice.oldestDueDate !== null && notice.oldestDueDate < notice.asOf;
  return (
    <View className={`card arrears-notice ${soft ? "is-soft" : ""}`} data-account-id={accountId}>
      <View className="arrears-head">
        <Text className="arrears-title">{soft ? "缴费提示" : overdue ? "欠费提醒" : "缴费提醒"}</Text>
        {accountNo ? <Text className="muted arrears-account">户号 {accountNo}</Text> : null}
      </View>
      <Text className="arrears-amount">{formatYuan(notice.owedFen)}</Text>
      <Text className="arrears-line">
        {`截至${chineseDate(notice.asOf)}应缴${notice.lateFeeFen > 0 ? `（含滞纳金${formatYuan(notice.lateFeeFen)}）` : ""}`}
      </Text>
      {notice.oldestSeason ? (
        <Text className="arrears-line arrears-season">
          {`最早欠费：${seasonLabel(notice.oldestSeason)}${notice.oldestDueDate ? `（${chineseDate(notice.oldestDueDate)}到期）` : ""}`}
        </Text>
      ) : null}
      {soft ? (
        <View className="arrears-soft">
          <Text className="arrears-hint">{`您好，您家尚有供热费未缴。${notice.installmentHint ?? ""}。`}</Text>
          <Text
            className="link arrears-hardship"
            onClick={() => Taro.navigateTo({ url: `${PAGES.hardshipApply}?accountId=${accountId}` })}
          >
            申请困难缓缴/分期 ›
          </Text>
        </View>
      ) : (
        <Text className="arrears-line arrears-advice">
          {overdue ? "滞纳金按日累计，请尽快缴纳。" : "请在到期前缴纳，逾期将按日计收滞纳金。"}
          {`如有疑问请致电${notice.hotline}。`}
        </Text>
      )}
      <Button className="btn btn-primary arrears-pay" onClick={() => void pay()}>
        去缴费
      </Button>
      {history ? (
        <Text
          className="link arrears-history"
          onClick={() => Taro.navigateTo({ url: `${REMINDERS_PAGE}?accountId=${accountId}` })}
        >
          查看收到的提醒 ›
        </Text>
      ) : null}
    </View>
  );
}

/** The notices of every bound account that owes (the home page). */
export function ArrearsNotices({ accounts }: { accounts: ResidentAccount[] }) {
  return (
    <>
      {accounts.map((a) => (
        <ArrearsNotice
          key={a.id}
          accountId={a.id}
          accountNo={accounts.length > 1 ? a.accountNo : undefined}
          refreshKey={accounts}
        />
      ))}
    </>
  );
}

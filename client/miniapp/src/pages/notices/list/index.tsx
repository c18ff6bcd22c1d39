import { Text, View } from "@tarojs/components";
import Taro, { useDidShow } from "@tarojs/taro";
import { type NoticeList, noticePlainText } from "@warmline/shared";
import { useState } from "react";
import { NoticeKindTag } from "../../../components/NoticeKindTag";
import { SeasonHotlineCard } from "../../../components/SeasonHotlineCard";
import { describeError } from "../../../services/errors";
import { loadNotices, NOTICE_PAGES } from "../../../services/notices";
import { formatDate } from "../../../utils/format";
import "../notices.scss";

/** 供热公告: every current notice for the resident, pinned first. */
export default function NoticeListPage() {
  const [board, setBoard] = useState<NoticeList | null>(null);
  const [error, setError] = useState("");

  useDidShow(() => {
    loadNotices().then(
      (b) => {
        setBoard(b);
        setError("");
      },
      (err: unknown) => setError(describeError(err)),
    );
  });

  return (
    <View className="page page-notices">
      {error ? <Text className="error-text">{error}</Text> : null}
      {board && board.items.length === 0 ? <View className="card empty">暂无公告</View> : null}
      {board?.items.map((n) => (
        <View
          key={n.id}
          className="card notice-card"
          data-notice-id={n.id}
          onClick={() => Taro.navigateTo({ url: `${NOTICE_PAGES.detail}?id=${n.id}` })}
        >
          <View className="notice-card-head">
            {n.pinned ? <Text className="notice-pin">置顶</Text> : null}
            <NoticeKindTag kind={n.kind} />
            <Text className="notice-row-date">{formatDate(n.publishAt)}</Text>
          </View>
          <Text className="notice-card-title">{n.title}</Text>
          <Text className="notice-card-summary">{noticePlainText(n.body)}</Text>
        </View>
      ))}
      <SeasonHotlineCard season={board?.season} />
    </View>
  );
}

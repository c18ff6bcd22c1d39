import { Text, View } from "@tarojs/components";
import type { NoticeList } from "@warmline/shared";
import { HotlineCall } from "./HotlineCall";
import "./notices.scss";

const cn = (date: string) => `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;

/** The season's dates and the 24-hour hotline: always on the home page, even before anything has loaded. */
export function SeasonHotlineCard({ season }: { season: NoticeList["season"] | undefined }) {
  return (
    <View className="card season-card">
      <Text className="season-line">{season ? `${season.code} 供热季` : "供热季"}</Text>
      <Text className="season-dates">
        {season
          ? `${season.startDate.slice(0, 4)}年${cn(season.startDate)} — ${season.endDate.slice(0, 4)}年${cn(season.endDate)}`
          : "每年10月15日 — 次年4月15日"}
      </Text>
      <HotlineCall />
    </View>
  );
}

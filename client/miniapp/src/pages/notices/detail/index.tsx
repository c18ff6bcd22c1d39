import { Image, Text, View } from "@tarojs/components";
import Taro, { useRouter } from "@tarojs/taro";
import type { NoticeView } from "@warmline/shared";
import { useEffect, useState } from "react";
import { HotlineCall } from "../../../components/HotlineCall";
import { NoticeBody } from "../../../components/NoticeBody";
import { NoticeKindTag } from "../../../components/NoticeKindTag";
import { resolveApiUrl } from "../../../services/config";
import { describeError } from "../../../services/errors";
import { loadNotice } from "../../../services/notices";
import { formatDateTime } from "../../../utils/format";
import { positiveId } from "../../../utils/params";
import "../notices.scss";

/** One notice: title, kind, Beijing times, the image and the body (marks as components, never HTML). */
export default function NoticeDetailPage() {
  const { params } = useRouter();
  const id = positiveId(params.id);
  const [notice, setNotice] = useState<NoticeView | null>(null);
  const [error, setError] = useState(id ? "" : "公告不存在");

  useEffect(() => {
    if (!id) return;
    loadNotice(id).then(setNotice, (err: unknown) => setError(describeError(err)));
  }, [id]);

  const image = notice?.image ? resolveApiUrl(notice.image.url) : null;
  return (
    <View className="page page-notice">
      {error ? <View className="card empty">{error}</View> : null}
      {notice ? (
        <View className="card notice-detail" data-notice-id={notice.id}>
          <View className="notice-card-head">
            {notice.pinned ? <Text className="notice-pin">置顶</Text> : null}
            <NoticeKindTag kind={notice.kind} />
          </View>
          <Text className="notice-detail-title">{notice.title}</Text>
          <Text className="muted notice-detail-time">
            发布于 {formatDateTime(notice.publishAt)}
            {notice.expireAt ? `，有效至 ${formatDateTime(notice.expireAt)}` : ""}
          </Text>
          {image ? (
            <Image
              className="notice-image"
              src={image}
              mode="widthFix"
              onClick={() => void Taro.previewImage({ urls: [image], current: image })}
            />
          ) : null}
          <NoticeBody body={notice.body} />
        </View>
      ) : null}
      <View className="card season-card">
        <HotlineCall />
      </View>
    </View>
  );
}

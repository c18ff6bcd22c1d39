import { Text } from "@tarojs/components";
import { NOTICE_KIND_LABELS, type NoticeKind } from "@warmline/shared";
import "./notices.scss";

export function NoticeKindTag({ kind }: { kind: NoticeKind }) {
  return <Text className={`notice-kind notice-kind-${kind}`}>{NOTICE_KIND_LABELS[kind] ?? kind}</Text>;
}

import { Text, View } from "@tarojs/components";
import { type NoticeSpan, parseNoticeBody } from "@warmline/shared";
import "./notices.scss";

function Spans({ spans }: { spans: NoticeSpan[] }) {
  return (
    <>
      {spans.map((s, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: spans of one line never move
        <Text key={i} className={s.bold ? "notice-bold" : undefined}>
          {s.text}
        </Text>
      ))}
    </>
  );
}

/**
 * A notice's body: paragraphs, **bold** and "- " lists built as components from the text (shared
 * parseNoticeBody), never as HTML (no RichText), so nothing typed into a notice can run.
 */
export function NoticeBody({ body }: { body: string }) {
  return (
    <View className="notice-rich">
      {parseNoticeBody(body).map((b, i) =>
        b.type === "p" ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: blocks are derived from the text, in order
          <View key={i} className="notice-p">
            {b.lines.map((l, j) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: lines are derived from the text, in order
              <View key={j}>
                <Spans spans={l} />
              </View>
            ))}
          </View>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: blocks are derived from the text, in order
          <View key={i} className="notice-ul">
            {b.items.map((l, j) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: items are derived from the text, in order
              <View key={j} className="notice-li">
                <Text className="notice-dot">•</Text>
                <View className="notice-li-text">
                  <Spans spans={l} />
                </View>
              </View>
            ))}
          </View>
        ),
      )}
    </View>
  );
}

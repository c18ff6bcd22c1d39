import { type NoticeSpan, parseNoticeBody } from "@warmline/shared";

function Spans({ spans }: { spans: NoticeSpan[] }) {
  return (
    <>
      {spans.map((s, i) =>
        // biome-ignore lint/suspicious/noArrayIndexKey: spans of one line never move
        s.bold ? <strong key={i}>{s.text}</strong> : <span key={i}>{s.text}</span>,
      )}
    </>
  );
}

/**
 * A notice's body as residents see it: paragraphs, **bold** and "- " lists, built as elements from the
 * text (shared parseNoticeBody), never as HTML, so nothing typed into a notice can run.
 */
export function NoticeBody({ body }: { body: string }) {
  return (
    <div className="notice-body">
      {parseNoticeBody(body).map((b, i) =>
        b.type === "p" ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: blocks are derived from the text, in order
          <p key={i} style={{ margin: "0 0 8px" }}>
            {b.lines.map((l, j) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: lines are derived from the text, in order
              <span key={j}>
                {j > 0 && <br />}
                <Spans spans={l} />
              </span>
            ))}
          </p>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: blocks are derived from the text, in order
          <ul key={i} style={{ margin: "0 0 8px", paddingInlineStart: 20 }}>
            {b.items.map((l, j) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: items are derived from the text, in order
              <li key={j}>
                <Spans spans={l} />
              </li>
            ))}
          </ul>
        ),
      )}
    </div>
  );
}

import { TICKET_EVENT_LABELS, type TicketEventView } from "@warmline/shared";
import { Empty, Image, Space, Tag, Timeline, Typography } from "antd";
import { fileUrl } from "../api/files";
import { formatDateTime } from "../format";
import { TICKET_ACTOR_LABELS } from "../labels";
import type { PhotoView } from "../api/tickets";

const EVENT_COLORS: Partial<Record<TicketEventView["type"], string>> = {
  created: "blue",
  resolved: "green",
  closed: "green",
  warned: "orange",
  escalated: "red",
  reopened: "red",
  paused: "gray",
};

/** Photos from signed links (no Authorization header needed), with a preview. */
export function PhotoStrip({ photos, size = 72 }: { photos: readonly PhotoView[]; size?: number }) {
  if (photos.length === 0) return null;
  return (
    <Image.PreviewGroup>
      <Space wrap size={8} className="ticket-photos">
        {photos.map((p) => (
          <Image
            key={p.id}
            src={fileUrl(p.url)}
            width={size}
            height={size}
            style={{ objectFit: "cover" }}
            alt="现场照片"
          />
        ))}
      </Space>
    </Image.PreviewGroup>
  );
}

/** Every step of the ticket, oldest first: what, who, when, the server's summary and photos. */
export function TicketTimeline({ events }: { events: readonly TicketEventView[] }) {
  if (events.length === 0) return <Empty description="暂无处理记录" />;
  const sorted = [...events].sort((a, b) => a.at.localeCompare(b.at) || a.id - b.id);
  return (
    <Timeline
      className="ticket-timeline"
      items={sorted.map((e) => ({
        key: e.id,
        color: EVENT_COLORS[e.type] ?? "blue",
        content: (
          <div className="ticket-event" data-event-type={e.type}>
            <Space size={8} wrap>
              <Typography.Text strong>{TICKET_EVENT_LABELS[e.type] ?? e.type}</Typography.Text>
              <Typography.Text type="secondary">{formatDateTime(e.at)}</Typography.Text>
              <Typography.Text type="secondary">
                {e.actorName ?? TICKET_ACTOR_LABELS[e.actorKind] ?? e.actorKind}
              </Typography.Text>
              {e.cycle > 0 && <Tag>第{e.cycle + 1}轮处理</Tag>}
            </Space>
            {e.text && <div style={{ marginTop: 4 }}>{e.text}</div>}
            {e.photos.length > 0 && (
              <div style={{ marginTop: 8 }}>
                <PhotoStrip photos={e.photos} />
              </div>
            )}
          </div>
        ),
      }))}
    />
  );
}

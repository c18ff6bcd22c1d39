import { Typography } from "antd";
import { fillTemplate, type ReplyTemplateKey, type TemplateTicket } from "../tickets";

/** A reply template filled in for one ticket, with a copy button (回复话术). */
export function ReplyTemplate({ template, ticket }: { template: ReplyTemplateKey; ticket: TemplateTicket }) {
  const text = fillTemplate(template, ticket);
  return (
    <Typography.Paragraph
      className="reply-template"
      data-template={template}
      copyable={{ text, tooltips: ["复制话术", "已复制"] }}
      style={{ marginBottom: 0 }}
    >
      {text}
    </Typography.Paragraph>
  );
}

import { EyeOutlined, PhoneOutlined } from "@ant-design/icons";
import { ContactPhoneRevealSchema } from "@warmline/shared";
import { useMutation } from "@tanstack/react-query";
import { App, Button, Space, Typography } from "antd";
import { api, messageOf } from "../api/api";
import { parseWith } from "../api/parse";

/** POST /staff/tickets/:id/contact-phone: the full number (the server writes an audit row per call). */
async function revealContactPhone(ticketId: number) {
  return parseWith(ContactPhoneRevealSchema, await api.post(`/api/v1/staff/tickets/${ticketId}/contact-phone`, {}));
}

/** tel: wants the digits (and a leading +) only: "0936-4466666" → "tel:09364466666". */
export const telHref = (phone: string) => `tel:${phone.replace(/[^\d+]/g, "")}`;

/**
 * 联系电话 of a ticket for the staff who work it: masked, one click shows the full number (no reason asked:
 * calling is their job; each click is audited) with a 拨打 link that dials it on a phone.
 */
export function ContactPhone({ ticketId, masked }: { ticketId: number; masked: string | null }) {
  const { message } = App.useApp();
  const reveal = useMutation({ mutationFn: () => revealContactPhone(ticketId) });
  const full = reveal.data?.phone;

  if (!masked) return <Typography.Text type="secondary">未登记</Typography.Text>;
  if (full) {
    return (
      <Space size={8} wrap className="contact-phone" data-revealed="true">
        <Typography.Text
          strong
          copyable={{ text: full, tooltips: ["复制", "已复制"] }}
          className="contact-phone-number"
        >
          {full}
        </Typography.Text>
        <Button
          size="small"
          type="primary"
          icon={<PhoneOutlined />}
          href={telHref(full)}
          className="contact-phone-call"
        >
          拨打
        </Button>
      </Space>
    );
  }
  return (
    <Space size={8} wrap className="contact-phone" data-revealed="false">
      <Typography.Text className="contact-phone-number">{masked}</Typography.Text>
      <Button
        size="small"
        icon={<EyeOutlined />}
        loading={reveal.isPending}
        className="contact-phone-reveal"
        title="显示完整号码（记入审计日志）"
        onClick={() =>
          reveal.mutateAsync().then(
            (r) => !r.phone && message.warning("该工单没有登记联系电话"),
            (e) => message.error(messageOf(e)),
          )
        }
      >
        查看完整号码
      </Button>
    </Space>
  );
}

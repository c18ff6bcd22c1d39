import { ArrowLeftOutlined, ReloadOutlined } from "@ant-design/icons";
import {
  INCIDENT_GRADE_LABELS,
  TICKET_CATEGORY_LABELS,
  TICKET_CHANNEL_LABELS,
  type TicketDetailView,
} from "@warmline/shared";
import { Button, Card, Descriptions, type DescriptionsProps, Result, Skeleton, Space, Tag, Typography } from "antd";
import { useState } from "react";
import { Link, useLocation, useNavigate, useParams } from "react-router";
import { isApiError } from "../api/api";
import { TICKET_ACTIONS, type TicketAction } from "../api/tickets";
import { ContactPhone } from "../components/ContactPhone";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { ReplyTemplate } from "../components/ReplyTemplate";
import { SlaClocks } from "../components/SlaClocks";
import { TICKET_ACTION_LABELS, TicketActionModal } from "../components/TicketActionModal";
import { GradeTag, PriorityTag, SuggestIncidentTag, TicketStatusTag } from "../components/TicketTags";
import { PhotoStrip, TicketTimeline } from "../components/TicketTimeline";
import { EMPTY, formatDateTime, orEmpty } from "../format";
import { useAuth } from "../auth/AuthContext";
import { hasAnyRole } from "../auth/roles";
import { DESKS } from "../layout/desks";
import { usePhone } from "../layout/usePhone";
import { useTicket } from "../queries/tickets";
import { formatTempC10, templateKeyFor } from "../tickets";

/** The steps that move a ticket on are primary buttons; the others are plain. */
const PRIMARY: ReadonlySet<TicketAction> = new Set([
  "respond",
  "dispatch",
  "on_site",
  "measure",
  "resolve",
  "follow_up",
]);

/** The fields; on a phone one per row (a field spanning several columns would not fit). */
function fields(t: TicketDetailView, phone: boolean): DescriptionsProps["items"] {
  const items: NonNullable<DescriptionsProps["items"]> = [
    { key: "no", label: "工单号", children: t.ticketNo },
    { key: "status", label: "状态", children: <TicketStatusTag status={t.status} /> },
    { key: "category", label: "问题类型", children: TICKET_CATEGORY_LABELS[t.category] ?? t.category },
    {
      key: "channel",
      label: "渠道",
      children: (
        <>
          {TICKET_CHANNEL_LABELS[t.channel] ?? t.channel}
          {t.transferNo && <Typography.Text type="secondary">（12345工单号 {t.transferNo}）</Typography.Text>}
        </>
      ),
    },
    {
      key: "priority",
      label: "优先级",
      children: (
        <Space size={4} wrap>
          <PriorityTag priority={t.priority} reasons={t.priorityReasons} />
          {t.priorityReasons.length > 0 && (
            <Typography.Text type="secondary">{t.priorityReasons.join("；")}</Typography.Text>
          )}
        </Space>
      ),
      span: 2,
    },
    { key: "grade", label: "事故等级", children: <GradeTag grade={t.grade} /> },
    {
      key: "account",
      label: "户号",
      children: t.accountId && t.accountNo ? <Link to={`/accounts/${t.accountId}`}>{t.accountNo}</Link> : EMPTY,
    },
    { key: "station", label: "换热站", children: orEmpty(t.stationName) },
    { key: "address", label: "地址", children: t.address, span: 2 },
    {
      key: "dispatched",
      label: "派单至",
      children: t.dispatchedStationName ? `${t.dispatchedStationName}${t.crew ? ` / ${t.crew}` : ""}` : EMPTY,
    },
    { key: "contact", label: "联系人", children: orEmpty(t.contactName) },
    { key: "phone", label: "联系电话", children: <ContactPhone ticketId={t.id} masked={t.contactPhone} /> },
    { key: "contactTime", label: "方便联系时间", children: orEmpty(t.preferredContactTime) },
    { key: "indoor", label: "室内温度", children: formatTempC10(t.indoorTempC10) },
    { key: "outdoor", label: "室外温度", children: formatTempC10(t.outdoorTempC10) },
    { key: "created", label: "提交时间", children: formatDateTime(t.createdAt) },
    { key: "cycle", label: "处理轮次", children: t.sla.cycle > 0 ? `第${t.sla.cycle + 1}轮（已重新处理）` : "第1轮" },
    {
      key: "incident",
      label: "同一事件",
      children: (
        <Space size={4} wrap>
          {t.incidentId && t.incidentId !== t.id && (
            <span>
              主工单 <Link to={`/tickets/${t.incidentId}`}>#{t.incidentId}</Link>
            </span>
          )}
          {t.linkedTicketIds
            .filter((id) => id !== t.id)
            .map((id) => (
              <Link key={id} to={`/tickets/${id}`}>
                #{id}
              </Link>
            ))}
          {t.suggestIncident && <SuggestIncidentTag />}
          {!t.incidentId && t.linkedTicketIds.length === 0 && !t.suggestIncident && EMPTY}
        </Space>
      ),
    },
    {
      key: "rating",
      label: "回访评价",
      children:
        t.satisfied === null ? (
          EMPTY
        ) : (
          <Space size={4}>
            <Tag color={t.satisfied ? "green" : "red"}>{t.satisfied ? "满意" : "不满意"}</Tag>
            {t.score !== null && <span>{t.score}分</span>}
          </Space>
        ),
    },
    { key: "description", label: "问题描述", children: t.description, span: 3 },
  ];
  return phone ? items.map(({ span: _span, ...item }) => item) : items;
}

/** 工单详情: every field, photos, the SLA clocks ticking, the event timeline and the steps the viewer may take. */
export function TicketDetailPage() {
  const id = Number(useParams().id);
  const navigate = useNavigate();
  const location = useLocation();
  const ticket = useTicket(id);
  const [action, setAction] = useState<TicketAction | null>(null);
  const { staff } = useAuth();
  const phone = usePhone();
  // with no page to go back to: the list this viewer opens tickets from
  const home = hasAnyRole(staff?.roles, DESKS.slaBoard.roles) ? DESKS.slaBoard.path : DESKS.myTickets.path;

  const back = (
    <Button icon={<ArrowLeftOutlined />} onClick={() => (location.key === "default" ? navigate(home) : navigate(-1))}>
      返回
    </Button>
  );

  const notFound = !Number.isInteger(id) || id <= 0 || (isApiError(ticket.error) && ticket.error.status === 404);
  if (notFound) {
    return (
      <div className="ticket-detail">
        <Result status="404" title="工单不存在" subTitle="请确认工单号后重新查询。" extra={back} />
      </div>
    );
  }

  const t = ticket.data;
  const allowed = t ? TICKET_ACTIONS.filter((a) => t.actions.includes(a)) : [];
  const template = t ? templateKeyFor(t.status) : null;

  return (
    <Space
      className="ticket-detail"
      data-ticket-no={t?.ticketNo}
      data-status={t?.status}
      orientation="vertical"
      size="middle"
      style={{ width: "100%" }}
    >
      <Card
        title={t ? `工单详情 · ${t.ticketNo}` : "工单详情"}
        extra={
          <Space>
            <Button icon={<ReloadOutlined />} loading={ticket.isFetching} onClick={() => void ticket.refetch()}>
              刷新
            </Button>
            {back}
          </Space>
        }
      >
        {ticket.isError && <QueryErrorAlert error={ticket.error} onRetry={() => void ticket.refetch()} />}
        {ticket.isPending && <Skeleton active paragraph={{ rows: 8 }} />}
        {t && (
          <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
            <Space className="ticket-actions" wrap>
              {allowed.map((a) => (
                <Button
                  key={a}
                  type={PRIMARY.has(a) ? "primary" : "default"}
                  data-action={a}
                  onClick={() => setAction(a)}
                >
                  {TICKET_ACTION_LABELS[a]}
                </Button>
              ))}
              {allowed.length === 0 && (
                <Typography.Text type="secondary">
                  {t.status === "closed" ? "工单已办结" : "您当前没有可对该工单进行的操作"}
                </Typography.Text>
              )}
            </Space>
            <Descriptions
              bordered
              size="small"
              column={phone ? 1 : 3}
              items={fields(t, phone)}
              styles={{ label: { width: phone ? 112 : 120 } }}
            />
            {t.photos.length > 0 && (
              <div>
                <Typography.Text strong>居民上传的照片</Typography.Text>
                <div style={{ marginTop: 8 }}>
                  <PhotoStrip photos={t.photos} size={96} />
                </div>
              </div>
            )}
          </Space>
        )}
      </Card>
      {t && (
        <Card
          size="small"
          className="ticket-sla"
          title={`处理时限（${INCIDENT_GRADE_LABELS[t.sla.grade]}事故${t.sla.paused ? "，已暂停计时" : ""}）`}
        >
          <SlaClocks sla={t.sla} />
        </Card>
      )}
      {t && template && (
        <Card size="small" title="回复话术">
          <ReplyTemplate template={template} ticket={t} />
        </Card>
      )}
      {t && (
        <Card size="small" title="处理记录">
          <TicketTimeline events={t.events} />
        </Card>
      )}
      {t && <TicketActionModal ticket={t} action={action} onClose={() => setAction(null)} onSwitch={setAction} />}
    </Space>
  );
}

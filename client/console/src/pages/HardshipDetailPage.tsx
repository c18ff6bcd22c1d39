import { formatYuan } from "@warmline/shared";
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Input,
  Modal,
  Row,
  Space,
  Spin,
  Table,
  Typography,
} from "antd";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { messageOf } from "../api/api";
import type { HardshipApplicationView } from "../api/hardship";
import { useAuth } from "../auth/AuthContext";
import { hasAnyRole, TICKET_DESK_ROLES } from "../auth/roles";
import { BillTable } from "../components/BillTable";
import {
  categoryText,
  channelText,
  HardshipAttachments,
  HardshipPlan,
  HardshipStatusTag,
  HardshipTimeline,
  termsText,
  waitingDays,
} from "../components/HardshipParts";
import { HardshipReviewModal } from "../components/HardshipReviewModal";
import { PaymentTable } from "../components/PaymentTable";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { TicketStatusTag } from "../components/TicketTags";
import { formatDateTime, orEmpty } from "../format";
import { useBills, usePayments } from "../queries/billing";
import { useAccountHardship, useHardship, useHardshipStep } from "../queries/hardship";
import { useTicketSearch } from "../queries/tickets";

/** The account's other applications (earlier ones and their outcome). */
function EarlierApplications({ accountId, current }: { accountId: number; current: number }) {
  const q = useAccountHardship(accountId);
  const rows = (q.data?.applications ?? []).filter((a) => a.id !== current);
  if (q.isError) return <QueryErrorAlert error={q.error} />;
  return (
    <Table<HardshipApplicationView>
      size="small"
      rowKey="id"
      loading={q.isPending}
      pagination={false}
      dataSource={rows}
      locale={{ emptyText: "没有其他申请" }}
      columns={[
        {
          title: "申请编号",
          dataIndex: "applicationNo",
          render: (no: string, a) => <Link to={`/hardship/applications/${a.id}`}>{no}</Link>,
        },
        { title: "方案", dataIndex: "requestedTerms", render: (t) => termsText(t) },
        { title: "状态", dataIndex: "status", render: (s) => <HardshipStatusTag status={s} /> },
        { title: "提交时间", dataIndex: "submittedAt", render: (t: string) => formatDateTime(t) },
      ]}
    />
  );
}

/** The account's tickets (for staff who may see the service desk). */
function AccountTickets({ accountNo }: { accountNo: string }) {
  const q = useTicketSearch({ q: accountNo, page: 1, pageSize: 10 });
  if (q.isError) return <QueryErrorAlert error={q.error} />;
  return (
    <Table
      size="small"
      rowKey="id"
      loading={q.isPending}
      pagination={false}
      dataSource={q.data?.items ?? []}
      locale={{ emptyText: "没有工单" }}
      columns={[
        {
          title: "工单号",
          dataIndex: "ticketNo",
          render: (no: string, t: { id: number }) => <Link to={`/tickets/${t.id}`}>{no}</Link>,
        },
        { title: "状态", dataIndex: "status", render: (s) => <TicketStatusTag status={s} /> },
        { title: "提交时间", dataIndex: "createdAt", render: (t: string) => formatDateTime(t) },
      ]}
    />
  );
}

/** 困难申请详情: the application, its evidence and timeline, the plan, the account's money, and the review actions. */
export function HardshipDetailPage() {
  const id = Number(useParams().id);
  const { staff } = useAuth();
  const { message } = App.useApp();
  const q = useHardship(id);
  const app = q.data;
  const bills = useBills(app?.accountId);
  const payments = usePayments(app?.accountId);
  const withdraw = useHardshipStep(id, app?.accountId);
  const [step, setStep] = useState<"community" | "center" | null>(null);
  const [withdrawing, setWithdrawing] = useState(false);
  const [withdrawReason, setWithdrawReason] = useState("");
  const [reinstating, setReinstating] = useState(false);
  const [reinstateReason, setReinstateReason] = useState("");

  if (q.isPending) return <Spin />;
  if (q.isError || !app) return <QueryErrorAlert error={q.error} onRetry={() => void q.refetch()} />;
  const days = waitingDays(app.waitingSince);
  const canWithdraw =
    app.actions.includes("withdraw") &&
    hasAnyRole(staff?.roles, ["hotline_agent", "grid_worker", "supervisor", "admin"]);

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }} className="hardship-detail-page">
      <Card
        title={
          <Space size={12}>
            <Typography.Text strong>困难缓缴/分期申请 {app.applicationNo}</Typography.Text>
            <HardshipStatusTag status={app.status} />
            {days !== null && (
              <Typography.Text type={days >= 3 ? "danger" : "secondary"}>本步已等待 {days} 天</Typography.Text>
            )}
          </Space>
        }
        extra={
          <Space>
            {app.actions.includes("community_review") && (
              <Button type="primary" onClick={() => setStep("community")}>
                社区初审
              </Button>
            )}
            {app.actions.includes("center_review") && (
              <Button type="primary" onClick={() => setStep("center")}>
                供热中心复核
              </Button>
            )}
            {app.actions.includes("reinstate") && (
              <Button onClick={() => setReinstating(true)}>恢复计划（仅一次）</Button>
            )}
            {canWithdraw && (
              <Button danger onClick={() => setWithdrawing(true)}>
                代居民撤回
              </Button>
            )}
          </Space>
        }
      >
        {app.status === "pending_center" && app.communityReviewerId === staff?.id && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 12 }}
            title="您已做过该申请的社区初审，复核须由其他复核员完成"
          />
        )}
        <Row gutter={24}>
          <Col span={14}>
            <Descriptions
              size="small"
              column={2}
              items={[
                { key: "acc", label: "户号", children: <Link to={`/accounts/${app.accountId}`}>{app.accountNo}</Link> },
                { key: "owner", label: "户主", children: orEmpty(app.ownerNameMasked) },
                { key: "addr", label: "地址", span: 2, children: app.address },
                { key: "com", label: "小区", children: orEmpty(app.communityName) },
                { key: "ch", label: "受理渠道", children: channelText(app.channel) },
                { key: "cat", label: "困难类别", children: categoryText(app.category, app.categoryReason) },
                { key: "cert", label: "证件编号", children: orEmpty(app.certificateNo) },
                { key: "req", label: "申请方案", children: termsText(app.requestedTerms) },
                { key: "grant", label: "批准方案", children: termsText(app.grantedTerms) },
                { key: "amt", label: "涉及欠费本金", children: formatYuan(app.principalFen) },
                { key: "phone", label: "联系电话", children: orEmpty(app.contactPhone) },
                { key: "at", label: "提交时间", children: formatDateTime(app.submittedAt) },
                { key: "note", label: "申请说明", span: 2, children: orEmpty(app.note) },
                { key: "att", label: "证明材料", span: 2, children: <HardshipAttachments items={app.attachments} /> },
              ]}
            />
          </Col>
          <Col span={10}>
            <Typography.Title level={5}>办理记录</Typography.Title>
            <HardshipTimeline events={app.timeline} />
          </Col>
        </Row>
      </Card>

      <Card size="small" title="分期/缓缴计划">
        {app.plan ? <HardshipPlan plan={app.plan} /> : <Empty description="复核通过后生成计划" />}
      </Card>

      <Card size="small" title="账单">
        {bills.isError ? (
          <QueryErrorAlert error={bills.error} />
        ) : (
          <BillTable bills={bills.data?.items ?? []} loading={bills.isPending} />
        )}
      </Card>
      <Card size="small" title="缴费记录">
        {payments.isError ? (
          <QueryErrorAlert error={payments.error} />
        ) : (
          <PaymentTable payments={payments.data ?? []} loading={payments.isPending} />
        )}
      </Card>
      <Row gutter={16}>
        <Col span={hasAnyRole(staff?.roles, TICKET_DESK_ROLES) ? 12 : 24}>
          <Card size="small" title="该户的其他困难申请">
            <EarlierApplications accountId={app.accountId} current={app.id} />
          </Card>
        </Col>
        {hasAnyRole(staff?.roles, TICKET_DESK_ROLES) && (
          <Col span={12}>
            <Card size="small" title="工单">
              <AccountTickets accountNo={app.accountNo} />
            </Card>
          </Col>
        )}
      </Row>

      <HardshipReviewModal app={app} step={step} onClose={() => setStep(null)} />
      <Modal
        open={reinstating}
        title="恢复已违约的计划"
        okText="确认恢复"
        cancelText="取消"
        confirmLoading={withdraw.isPending}
        okButtonProps={{ disabled: reinstateReason.trim().length < 2 }}
        onCancel={() => setReinstating(false)}
        onOk={async () => {
          if (!app.plan) return;
          try {
            await withdraw.mutateAsync({ step: "reinstate", planId: app.plan.id, reason: reinstateReason.trim() });
            message.success("计划已恢复执行，未缴各期已重新排期");
            setReinstating(false);
          } catch (err) {
            message.error(messageOf(err));
          }
        }}
      >
        <Typography.Paragraph type="secondary">
          恢复后，未缴清的各期按月重新排期，违约期间产生的滞纳金予以免除。每个计划只能恢复一次。
        </Typography.Paragraph>
        <Input.TextArea
          rows={3}
          placeholder="恢复理由（必填）"
          value={reinstateReason}
          onChange={(e) => setReinstateReason(e.target.value)}
        />
      </Modal>
      <Modal
        open={withdrawing}
        title="代居民撤回申请"
        okText="确认撤回"
        okButtonProps={{ danger: true }}
        cancelText="取消"
        confirmLoading={withdraw.isPending}
        onCancel={() => setWithdrawing(false)}
        onOk={async () => {
          try {
            await withdraw.mutateAsync({ step: "withdraw", reason: withdrawReason.trim() || undefined });
            message.success("申请已撤回");
            setWithdrawing(false);
          } catch (err) {
            message.error(messageOf(err));
          }
        }}
      >
        <Input.TextArea
          rows={3}
          placeholder="撤回原因（选填）"
          value={withdrawReason}
          onChange={(e) => setWithdrawReason(e.target.value)}
        />
      </Modal>
    </Space>
  );
}

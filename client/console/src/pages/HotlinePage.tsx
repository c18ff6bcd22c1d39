import { PhoneOutlined, PlusOutlined, SearchOutlined } from "@ant-design/icons";
import {
  CreateCallSchema,
  CreateTicketSchema,
  type StaffAccount,
  type StaffCreateTicketInput,
  TICKET_CATEGORIES,
  TICKET_CATEGORY_LABELS,
  TICKET_CHANNEL_LABELS,
  type TicketCategory,
} from "@warmline/shared";
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Empty,
  Form,
  Input,
  Popover,
  Radio,
  Select,
  Skeleton,
  Space,
  Table,
  type TableColumnsType,
  Typography,
} from "antd";
import { useEffect, useState } from "react";
import { Link } from "react-router";
import { messageOf } from "../api/api";
import type { CallView, TicketSummaryView } from "../api/tickets";
import { AccountMatchTable } from "../components/AccountMatchTable";
import { StatusTag } from "../components/AccountTags";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { ReplyTemplate } from "../components/ReplyTemplate";
import { LiveSlaCountdown } from "../components/SlaCountdown";
import { TicketStatusTag } from "../components/TicketTags";
import { c10Of, tempRule } from "../forms/tempRule";
import { zodRule } from "../forms/zodRule";
import { EMPTY, formatDateTime, fromShanghaiLocal, orEmpty, shanghaiDateTimeLocal } from "../format";
import { useAccountSearch } from "../queries/accounts";
import { useCalls, useCreateCall, useCreateTicket, useTicketSearch } from "../queries/tickets";
import { templateKeyFor } from "../tickets";

type StaffChannel = StaffCreateTicketInput["channel"];

interface CallValues {
  callerPhone?: string;
  calledAt?: string;
  reason?: TicketCategory;
  notes?: string;
}

interface TicketValues {
  channel: StaffChannel;
  transferNo?: string;
  category?: TicketCategory;
  temp?: string;
  description?: string;
  contactName?: string;
  preferredContactTime?: string;
  address?: string;
}

const categoryOptions = TICKET_CATEGORIES.map((c) => ({ value: c, label: TICKET_CATEGORY_LABELS[c] }));
const STAFF_CHANNELS: readonly StaffChannel[] = ["hotline", "visit", "12345"];
const channelOptions = STAFF_CHANNELS.map((c) => ({ value: c, label: TICKET_CHANNEL_LABELS[c] }));

const trimmed = (s: string | undefined) => s?.trim() || undefined;

/** What just happened, shown above the form until the next call. */
type Outcome = { kind: "call"; call: CallView; ticketNo?: string } | { kind: "ticket"; id: number; ticketNo: string };

/**
 * 热线受理: log every call (with or without an account), find the caller's household, attach the call to one of
 * its open tickets or open a new one (also for a home visit or a 12345 transfer); recent calls below.
 */
export function HotlinePage() {
  const { message } = App.useApp();
  const [callForm] = Form.useForm<CallValues>();
  const [ticketForm] = Form.useForm<TicketValues>();
  const [accountQ, setAccountQ] = useState("");
  const [searchText, setSearchText] = useState("");
  const [account, setAccount] = useState<StaffAccount | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  /** the call already logged for the ticket being opened (a failed ticket is retried without a second call) */
  const [loggedCall, setLoggedCall] = useState<CallView | null>(null);

  const search = useAccountSearch({ q: accountQ, page: 1, pageSize: 10 }, { enabled: accountQ !== "" && !account });
  const openTickets = useTicketSearch(
    { open: true, q: account?.accountNo, page: 1, pageSize: 20 },
    { enabled: account !== null },
  );
  const calls = useCalls({ page: 1, pageSize: 10 });
  const createCall = useCreateCall();
  const createTicket = useCreateTicket();

  // One match: take it at once (户号 searches nearly always end here).
  const matches = search.data?.items ?? [];
  const single = !account && !search.isPlaceholderData && search.data?.total === 1 ? matches[0] : undefined;
  useEffect(() => {
    if (single) {
      setAccount(single);
      setLoggedCall(null);
    }
  }, [single]);

  const find = (q: string) => {
    const text = q.trim();
    setSearchText(text);
    setAccount(null);
    setLoggedCall(null);
    if (text === accountQ && text !== "") void search.refetch();
    setAccountQ(text);
  };

  const nextCall = () => {
    callForm.resetFields();
    callForm.setFieldsValue({ calledAt: shanghaiDateTimeLocal(new Date()) });
    ticketForm.resetFields();
    setAccount(null);
    setAccountQ("");
    setSearchText("");
    setLoggedCall(null);
  };

  /**
   * The call's fields, validated. A visit or 12345 transfer may come without a phone number: then there is no
   * call to log (null).
   */
  const readCall = async (phoneOptional = false): Promise<CallValues | null> => {
    if (phoneOptional && !trimmed(callForm.getFieldValue("callerPhone"))) return null;
    return callForm.validateFields();
  };

  const logCall = async (v: CallValues, ticketId?: number) =>
    createCall.mutateAsync({
      callerPhone: (v.callerPhone ?? "").trim(),
      calledAt: fromShanghaiLocal(v.calledAt) ?? undefined,
      accountId: account?.id,
      reason: v.reason as TicketCategory,
      notes: trimmed(v.notes),
      ticketId,
    });

  /** A new attempt: the last refusal no longer applies. */
  const fresh = () => {
    createCall.reset();
    createTicket.reset();
  };

  const onlyLog = async () => {
    fresh();
    const v = (await readCall()) as CallValues;
    const call = await logCall(v);
    message.success("来电已登记");
    setOutcome({ kind: "call", call });
    nextCall();
  };

  const attach = async (t: TicketSummaryView) => {
    fresh();
    const v = (await readCall()) as CallValues;
    const call = await logCall(v, t.id);
    message.success(`来电已关联到工单 ${t.ticketNo}`);
    setOutcome({ kind: "call", call, ticketNo: t.ticketNo });
    nextCall();
  };

  const openTicket = async () => {
    fresh();
    const t = await ticketForm.validateFields();
    const v = await readCall(t.channel !== "hotline");
    const phone = trimmed(v?.callerPhone);
    // the call first (a visit or transfer without a phone number has none), then the ticket it is attached to
    let call = v ? loggedCall : null;
    if (v && !call) {
      call = await logCall(v);
      setLoggedCall(call);
    }
    const ticket = await createTicket.mutateAsync({
      channel: t.channel,
      transferNo: t.channel === "12345" ? trimmed(t.transferNo) : undefined,
      accountId: account?.id,
      callerPhone: phone,
      contactName: trimmed(t.contactName),
      address: account ? undefined : trimmed(t.address),
      category: t.category as TicketCategory,
      indoorTempC10: c10Of(t.temp),
      description: (t.description ?? "").trim(),
      preferredContactTime: trimmed(t.preferredContactTime),
      callLogId: call?.id,
    });
    message.success(`已新建工单 ${ticket.ticketNo}`);
    setOutcome({ kind: "ticket", id: ticket.id, ticketNo: ticket.ticketNo });
    nextCall();
  };

  const ticketColumns: TableColumnsType<TicketSummaryView> = [
    {
      title: "工单号",
      dataIndex: "ticketNo",
      width: 170,
      render: (no: string, t) => <Link to={`/tickets/${t.id}`}>{no}</Link>,
    },
    { title: "类别", dataIndex: "category", width: 100, render: (c: TicketCategory) => TICKET_CATEGORY_LABELS[c] },
    {
      title: "状态",
      dataIndex: "status",
      width: 130,
      render: (s: TicketSummaryView["status"]) => <TicketStatusTag status={s} />,
    },
    { title: "提交时间", dataIndex: "createdAt", width: 160, render: formatDateTime },
    { title: "剩余时间", key: "left", width: 180, render: (_, t) => <LiveSlaCountdown sla={t.sla} /> },
    {
      title: "",
      key: "actions",
      width: 190,
      render: (_, t) => {
        const template = templateKeyFor(t.status);
        return (
          <Space size={4}>
            {template && (
              <Popover
                trigger="click"
                title="回复话术"
                content={
                  <div style={{ maxWidth: 360 }}>
                    <ReplyTemplate template={template} ticket={t} />
                  </div>
                }
              >
                <Button size="small">话术</Button>
              </Popover>
            )}
            <Button
              size="small"
              type="primary"
              ghost
              loading={createCall.isPending}
              onClick={() => attach(t).catch(() => undefined)}
            >
              关联到此工单
            </Button>
          </Space>
        );
      },
    },
  ];

  const callColumns: TableColumnsType<CallView> = [
    { title: "来电时间", dataIndex: "calledAt", width: 160, render: formatDateTime },
    { title: "来电号码", dataIndex: "callerPhone", width: 130 },
    { title: "户号", dataIndex: "accountNo", width: 120, render: orEmpty },
    { title: "事由", dataIndex: "reason", width: 100, render: (r: TicketCategory) => TICKET_CATEGORY_LABELS[r] ?? r },
    { title: "备注", dataIndex: "notes", ellipsis: { showTitle: true }, render: orEmpty },
    {
      title: "工单",
      dataIndex: "ticketId",
      width: 90,
      render: (id: number | null) => (id ? <Link to={`/tickets/${id}`}>查看工单</Link> : EMPTY),
    },
    { title: "坐席", dataIndex: "agentName", width: 90 },
  ];

  const mutationError = createCall.error ?? createTicket.error;

  return (
    <Space className="hotline-page" orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Card title={<Typography.Text strong>热线受理 · 来电登记</Typography.Text>}>
        <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
          {outcome?.kind === "ticket" && (
            <Alert
              className="hotline-outcome"
              type="success"
              showIcon
              closable={{ onClose: () => setOutcome(null) }}
              title={
                <span>
                  已新建工单 <Link to={`/tickets/${outcome.id}`}>{outcome.ticketNo}</Link>
                </span>
              }
            />
          )}
          {outcome?.kind === "call" && (
            <Alert
              className="hotline-outcome"
              type="success"
              showIcon
              closable={{ onClose: () => setOutcome(null) }}
              title={
                outcome.ticketNo
                  ? `来电已登记并关联到工单 ${outcome.ticketNo}`
                  : `来电已登记（${outcome.call.callerPhone}${outcome.call.accountNo ? ` · 户号 ${outcome.call.accountNo}` : " · 未关联户号"}）`
              }
            />
          )}
          {(createCall.isError || createTicket.isError) && (
            <Alert type="error" showIcon role="alert" title={messageOf(mutationError)} />
          )}
          <Form<CallValues>
            form={callForm}
            name="hotline-call"
            layout="inline"
            style={{ rowGap: 12 }}
            initialValues={{ calledAt: shanghaiDateTimeLocal(new Date()) }}
            onValuesChange={(changed: CallValues) => {
              setLoggedCall(null);
              // the ticket's category follows the call's reason until it is chosen by hand
              if (changed.reason && !ticketForm.isFieldTouched("category"))
                ticketForm.setFieldsValue({ category: changed.reason });
            }}
          >
            <Form.Item
              label="来电号码"
              name="callerPhone"
              htmlFor="call-phone"
              rules={[
                { required: true, whitespace: true, message: "请填写来电号码" },
                zodRule(CreateCallSchema.shape.callerPhone),
              ]}
            >
              <Input id="call-phone" prefix={<PhoneOutlined />} maxLength={20} style={{ width: 180 }} />
            </Form.Item>
            <Form.Item
              label="来电时间"
              name="calledAt"
              htmlFor="call-time"
              rules={[
                { required: true, message: "请填写来电时间" },
                {
                  validator: async (_r, v: string | undefined) => {
                    const at = fromShanghaiLocal(v);
                    if (!at) throw new Error("来电时间格式不正确");
                    if (Date.parse(at) > Date.now() + 5 * 60_000) throw new Error("来电时间不能晚于现在");
                  },
                },
              ]}
            >
              <Input id="call-time" type="datetime-local" style={{ width: 200 }} />
            </Form.Item>
            <Form.Item
              label="来电事由"
              name="reason"
              htmlFor="call-reason"
              rules={[{ required: true, message: "请选择来电事由" }]}
            >
              <Select id="call-reason" options={categoryOptions} placeholder="请选择" style={{ width: 140 }} />
            </Form.Item>
            <Form.Item
              label="备注"
              name="notes"
              htmlFor="call-notes"
              rules={[zodRule(CreateCallSchema.shape.notes)]}
              style={{ flex: "1 1 360px" }}
            >
              <Input id="call-notes" maxLength={1000} placeholder="来电内容摘要" />
            </Form.Item>
          </Form>

          <Space wrap>
            <Input
              id="call-account-search"
              placeholder="户号 / 手机号 / 地址"
              allowClear
              maxLength={100}
              style={{ width: 320 }}
              prefix={<SearchOutlined />}
              value={searchText}
              onChange={(e) => setSearchText(e.target.value)}
              onPressEnter={() => find(searchText)}
            />
            <Button onClick={() => find(searchText)} disabled={searchText.trim() === ""}>
              查找户号
            </Button>
            <Button
              onClick={() => {
                const phone = trimmed(callForm.getFieldValue("callerPhone"));
                if (phone) find(phone);
                else message.warning("请先填写来电号码");
              }}
            >
              按来电号码查找
            </Button>
            <Button type="primary" loading={createCall.isPending} onClick={() => onlyLog().catch(() => undefined)}>
              仅登记来电
            </Button>
          </Space>

          {!account && accountQ !== "" && (
            <div className="hotline-matches">
              {search.isError && <QueryErrorAlert error={search.error} onRetry={() => void search.refetch()} />}
              {search.data && search.data.total === 0 && (
                <Empty description="未找到供热账户：可不关联户号登记来电；新建工单时请填写地址" />
              )}
              {search.data && search.data.total > 1 && (
                <Space orientation="vertical" style={{ width: "100%" }}>
                  <Typography.Text type="secondary">
                    找到 {search.data.total} 户
                    {search.data.total > matches.length ? `，仅显示前 ${matches.length} 户，请输入更完整的信息` : ""}
                    ，请选择：
                  </Typography.Text>
                  <AccountMatchTable
                    accounts={matches}
                    onPick={(a) => {
                      setAccount(a);
                      setLoggedCall(null);
                    }}
                  />
                </Space>
              )}
              {search.isFetching && !search.data && <Skeleton active paragraph={{ rows: 2 }} />}
            </div>
          )}

          {account && (
            <Descriptions
              className="hotline-account"
              bordered
              size="small"
              column={3}
              title={`来电户：${account.accountNo}`}
              extra={
                <Button
                  size="small"
                  onClick={() => {
                    // forget the search too, or its single match would be taken again at once
                    setAccount(null);
                    setAccountQ("");
                    setLoggedCall(null);
                  }}
                >
                  取消关联
                </Button>
              }
              items={[
                { key: "no", label: "户号", children: account.accountNo },
                { key: "owner", label: "户主", children: orEmpty(account.ownerNameMasked) },
                { key: "phone", label: "电话", children: orEmpty(account.phoneMasked) },
                { key: "address", label: "地址", children: account.address, span: 2 },
                { key: "status", label: "供热状态", children: <StatusTag status={account.status} /> },
                { key: "station", label: "换热站", children: orEmpty(account.stationName) },
                { key: "community", label: "小区", children: account.communityName },
                {
                  key: "detail",
                  label: "账户",
                  children: <Link to={`/accounts/${account.id}`}>查看账户详情</Link>,
                },
              ]}
            />
          )}
        </Space>
      </Card>

      {account && (
        <Card size="small" title="该户未办结工单" className="hotline-open-tickets">
          {openTickets.isError && (
            <QueryErrorAlert error={openTickets.error} onRetry={() => void openTickets.refetch()} />
          )}
          <Table<TicketSummaryView>
            rowKey="id"
            size="small"
            columns={ticketColumns}
            dataSource={openTickets.data?.items ?? []}
            loading={openTickets.isFetching}
            pagination={false}
            locale={{ emptyText: "该户没有未办结的工单" }}
          />
        </Card>
      )}

      <Card size="small" title="新建工单" className="hotline-new-ticket">
        <Form<TicketValues>
          form={ticketForm}
          name="hotline-ticket"
          layout="vertical"
          initialValues={{ channel: "hotline" }}
          onFinish={() => openTicket().catch(() => undefined)}
        >
          <Space wrap size="large" align="start">
            <Form.Item label="受理渠道" name="channel">
              <Radio.Group id="ticket-channel" optionType="button" options={channelOptions} />
            </Form.Item>
            <Form.Item noStyle shouldUpdate={(a, b) => a.channel !== b.channel}>
              {({ getFieldValue }) =>
                getFieldValue("channel") === "12345" ? (
                  <Form.Item
                    label="12345工单编号"
                    name="transferNo"
                    htmlFor="ticket-transfer-no"
                    rules={[
                      { required: true, whitespace: true, message: "12345转办须填写工单编号" },
                      { max: 40, message: "工单编号不超过40个字符" },
                    ]}
                  >
                    <Input id="ticket-transfer-no" maxLength={40} style={{ width: 200 }} />
                  </Form.Item>
                ) : null
              }
            </Form.Item>
            <Form.Item
              label="问题类型"
              name="category"
              htmlFor="ticket-category"
              rules={[{ required: true, message: "请选择问题类型" }]}
            >
              <Select id="ticket-category" options={categoryOptions} placeholder="请选择" style={{ width: 160 }} />
            </Form.Item>
            <Form.Item
              label="居民自测室温（℃）"
              name="temp"
              htmlFor="ticket-temp"
              rules={[tempRule()]}
              extra="选填，一位小数，如 16.5"
            >
              <Input id="ticket-temp" inputMode="decimal" autoComplete="off" suffix="℃" style={{ width: 140 }} />
            </Form.Item>
            <Form.Item
              label="联系人"
              name="contactName"
              htmlFor="ticket-contact-name"
              rules={[{ max: 32, message: "联系人不超过32个字" }]}
            >
              <Input id="ticket-contact-name" maxLength={32} style={{ width: 140 }} />
            </Form.Item>
            <Form.Item
              label="方便联系时间"
              name="preferredContactTime"
              htmlFor="ticket-contact-time"
              rules={[zodRule(CreateTicketSchema.shape.preferredContactTime)]}
            >
              <Input id="ticket-contact-time" maxLength={50} placeholder="如：工作日晚上7点后" style={{ width: 200 }} />
            </Form.Item>
          </Space>
          {!account && (
            <Form.Item
              label="地址（未关联户号时必填）"
              name="address"
              htmlFor="ticket-address"
              rules={[
                { required: true, whitespace: true, message: "未关联户号时请填写地址" },
                { max: 200, message: "地址不超过200个字" },
              ]}
            >
              <Input id="ticket-address" maxLength={200} placeholder="小区、楼栋、单元、门牌号" />
            </Form.Item>
          )}
          <Form.Item
            label="问题描述"
            name="description"
            htmlFor="ticket-description"
            rules={[zodRule(CreateTicketSchema.shape.description)]}
          >
            <Input.TextArea id="ticket-description" rows={3} maxLength={500} showCount />
          </Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" icon={<PlusOutlined />} loading={createTicket.isPending}>
              新建工单
            </Button>
            <Typography.Text type="secondary">
              {account ? `将关联户号 ${account.accountNo}` : "未关联户号"}；热线来电会先登记来电，再建工单
            </Typography.Text>
          </Space>
        </Form>
      </Card>

      <Card size="small" title="最近来电" className="hotline-calls">
        {calls.isError && <QueryErrorAlert error={calls.error} onRetry={() => void calls.refetch()} />}
        <Table<CallView>
          rowKey="id"
          size="small"
          columns={callColumns}
          dataSource={calls.data?.items ?? []}
          loading={calls.isFetching}
          pagination={false}
          locale={{ emptyText: "暂无来电记录" }}
        />
      </Card>
    </Space>
  );
}

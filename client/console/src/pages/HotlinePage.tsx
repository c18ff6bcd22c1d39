import { SearchOutlined } from "@ant-design/icons";
import type { StaffAccount, TicketCategory } from "@warmline/shared";
import { Alert, App, Button, Card, Empty, Form, Input, Skeleton, Space, Typography } from "antd";
import { useEffect, useState } from "react";
import { messageOf } from "../api/api";
import type { CallView, TicketSummaryView } from "../api/tickets";
import { AccountMatchTable } from "../components/AccountMatchTable";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { c10Of } from "../forms/tempRule";
import { fromShanghaiLocal, shanghaiDateTimeLocal } from "../format";
import { useAccountSearch } from "../queries/accounts";
import { useCreateCall, useCreateTicket } from "../queries/tickets";
import { CallerAccount } from "./hotline/CallerAccount";
import { CallForm, type CallValues } from "./hotline/CallForm";
import { trimmed } from "./hotline/fields";
import { NewTicketForm, type TicketValues } from "./hotline/NewTicketForm";
import { OpenTickets } from "./hotline/OpenTickets";
import { type Outcome, OutcomeAlert } from "./hotline/Outcome";
import { RecentCalls } from "./hotline/RecentCalls";

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

  const mutationError = createCall.error ?? createTicket.error;

  return (
    <Space className="hotline-page" orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Card title={<Typography.Text strong>热线受理 · 来电登记</Typography.Text>}>
        <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
          {outcome && <OutcomeAlert outcome={outcome} onClose={() => setOutcome(null)} />}
          {(createCall.isError || createTicket.isError) && (
            <Alert type="error" showIcon role="alert" title={messageOf(mutationError)} />
          )}
          <CallForm
            form={callForm}
            onValuesChange={(changed) => {
              setLoggedCall(null);
              // the ticket's category follows the call's reason until it is chosen by hand
              if (changed.reason && !ticketForm.isFieldTouched("category"))
                ticketForm.setFieldsValue({ category: changed.reason });
            }}
          />

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
            <CallerAccount
              account={account}
              onUnlink={() => {
                // forget the search too, or its single match would be taken again at once
                setAccount(null);
                setAccountQ("");
                setLoggedCall(null);
              }}
            />
          )}
        </Space>
      </Card>

      {account && (
        <OpenTickets
          accountNo={account.accountNo}
          attaching={createCall.isPending}
          onAttach={(t) => attach(t).catch(() => undefined)}
        />
      )}

      <Card size="small" title="新建工单" className="hotline-new-ticket">
        <NewTicketForm
          form={ticketForm}
          account={account}
          submitting={createTicket.isPending}
          onSubmit={() => openTicket().catch(() => undefined)}
        />
      </Card>

      <RecentCalls />
    </Space>
  );
}

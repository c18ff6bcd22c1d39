import { CheckCircleFilled, FilePdfOutlined, PrinterOutlined, SearchOutlined } from "@ant-design/icons";
import {
  ACCOUNT_CATEGORY_LABELS,
  PAYMENT_CHANNEL_LABELS,
  type StaffAccount,
  type StaffRole,
  formatYuan,
} from "@warmline/shared";
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Empty,
  Form,
  Input,
  Result,
  Skeleton,
  Space,
  Statistic,
  Typography,
} from "antd";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useSearchParams } from "react-router";
import { isApiError } from "../api/api";
import type { PaymentView } from "../api/billing";
import { receiptLink } from "../api/payments";
import { useAuth } from "../auth/AuthContext";
import { COUNTER_PAYMENT_ROLES, hasAnyRole } from "../auth/roles";
import { AccountMatchTable } from "../components/AccountMatchTable";
import { HardshipTag, StatusTag } from "../components/AccountTags";
import { BillTable } from "../components/BillTable";
import { CashierInvoiceStatus } from "../components/CashierInvoiceStatus";
import { CashierPaymentForm, type OfflineMethod } from "../components/CashierPaymentForm";
import { allocationText } from "../components/PaymentTable";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { Receipt } from "../components/Receipt";
import { useOpenFile } from "../components/useOpenFile";
import { orEmpty } from "../format";
import { useAccount, useAccountSearch } from "../queries/accounts";
import { useBills } from "../queries/billing";

const COUNTER_METHODS: readonly OfflineMethod[] = ["cash", "card", "transfer"];

/** Cash, card and transfer for counter roles; 网格员代缴 for grid workers (only that, for a grid worker alone). */
export function methodsFor(roles: readonly StaffRole[] | undefined): OfflineMethod[] {
  const methods: OfflineMethod[] = hasAnyRole(roles, COUNTER_PAYMENT_ROLES) ? [...COUNTER_METHODS] : [];
  if (hasAnyRole(roles, ["grid_worker"])) methods.push("assisted");
  return methods;
}

function positiveId(v: string | null): number | undefined {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

interface Done {
  payment: PaymentView;
  account: StaffAccount;
}

/** 收费台: find a household, see what it owes, take the money (with its 发票抬头), print the receipt. */
export function CashierPage() {
  const { staff } = useAuth();
  const [params, setParams] = useSearchParams();
  const q = params.get("q")?.trim() ?? "";
  const accountId = positiveId(params.get("account"));
  const [done, setDone] = useState<Done | null>(null);
  const [chosen, setChosen] = useState<number[]>([]);
  const [searchForm] = Form.useForm<{ q: string }>();
  const receiptPdf = useOpenFile();

  const search = useAccountSearch({ q, page: 1, pageSize: 10 }, { enabled: q !== "" && !accountId });
  const account = useAccount(accountId ?? 0);
  const bills = useBills(accountId);
  const methods = useMemo(() => methodsFor(staff?.roles), [staff?.roles]);

  const openBills = useMemo(() => (bills.data?.items ?? []).filter((b) => b.owedFen > 0), [bills.data]);
  const chosenSet = useMemo(() => new Set(chosen), [chosen]);
  const onChosenChange = useCallback((ids: number[]) => setChosen(ids), []);

  const setUrl = (next: Record<string, string | undefined>) =>
    setParams((prev) => {
      const p = new URLSearchParams(prev);
      for (const [k, v] of Object.entries(next)) {
        if (v) p.set(k, v);
        else p.delete(k);
      }
      return p;
    });

  const pick = useCallback(
    (a: StaffAccount) => {
      setDone(null);
      setParams((prev) => {
        const p = new URLSearchParams(prev);
        p.set("account", String(a.id));
        return p;
      });
    },
    [setParams],
  );

  // One match: take it at once (户号 searches nearly always end here).
  const matches = search.data?.items ?? [];
  const single = !accountId && !search.isPlaceholderData && search.data?.total === 1 ? matches[0] : undefined;
  useEffect(() => {
    if (single) pick(single);
  }, [single, pick]);

  const searchCard = (
    <Card title={<Typography.Text strong>收费台</Typography.Text>}>
      <Form
        form={searchForm}
        layout="inline"
        initialValues={{ q }}
        onFinish={(v) => {
          setDone(null);
          const text = v.q?.trim() ?? "";
          if (text === q && !accountId) void search.refetch();
          setUrl({ q: text || undefined, account: undefined });
        }}
      >
        <Form.Item name="q" rules={[{ required: true, whitespace: true, message: "请输入户号、手机号或地址" }]}>
          <Input
            id="cashier-search"
            placeholder="户号 / 手机号 / 地址"
            allowClear
            maxLength={100}
            style={{ width: 360 }}
            prefix={<SearchOutlined />}
          />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit">
            查找
          </Button>
        </Form.Item>
      </Form>
      {!accountId && q !== "" && (
        <div style={{ marginTop: 16 }}>
          {search.isError && <QueryErrorAlert error={search.error} onRetry={() => void search.refetch()} />}
          {search.data && search.data.total === 0 && <Empty description="未找到供热账户，请核对户号、手机号或地址" />}
          {search.data && search.data.total > 1 && (
            <Space orientation="vertical" style={{ width: "100%" }}>
              <Typography.Text type="secondary">
                找到 {search.data.total} 户
                {search.data.total > matches.length ? `，仅显示前 ${matches.length} 户，请输入更完整的信息` : ""}
                ，请选择：
              </Typography.Text>
              <AccountMatchTable accounts={matches} onPick={pick} />
            </Space>
          )}
          {search.isFetching && !search.data && <Skeleton active paragraph={{ rows: 2 }} />}
        </div>
      )}
    </Card>
  );

  if (done) {
    return (
      <div className="cashier-page">
        {searchCard}
        <Card style={{ marginTop: 16 }} className="cashier-done">
          <Result
            icon={<CheckCircleFilled style={{ color: "#52c41a" }} />}
            title={`收款成功 ${formatYuan(done.payment.amountFen)}`}
            subTitle={`${PAYMENT_CHANNEL_LABELS[done.payment.channel]} · 户号 ${done.account.accountNo} · 订单号 ${done.payment.outTradeNo}`}
            extra={
              <Space>
                <Button type="primary" icon={<PrinterOutlined />} onClick={() => window.print()}>
                  打印
                </Button>
                <Button
                  icon={<FilePdfOutlined />}
                  loading={receiptPdf.pending}
                  onClick={() => void receiptPdf.open(() => receiptLink(done.payment.id))}
                >
                  打印收据PDF
                </Button>
                <Button onClick={() => setDone(null)}>继续为该户收费</Button>
                <Button
                  onClick={() => {
                    setDone(null);
                    searchForm.setFieldsValue({ q: "" });
                    setUrl({ q: undefined, account: undefined });
                  }}
                >
                  下一户
                </Button>
              </Space>
            }
          >
            <div className="cashier-allocation">
              <Typography.Text strong>本次缴费分配：</Typography.Text>
              <ul>
                {done.payment.allocations.map((a) => (
                  <li key={a.billId}>{allocationText(a)}</li>
                ))}
              </ul>
              <CashierInvoiceStatus payment={done.payment} />
            </div>
          </Result>
          <Receipt payment={done.payment} account={done.account} cashierName={staff?.displayName ?? ""} />
        </Card>
      </div>
    );
  }

  const acc = account.data;
  return (
    <div className="cashier-page">
      {searchCard}
      {accountId && (
        <Card
          style={{ marginTop: 16 }}
          title={acc ? `户号 ${acc.accountNo}` : "供热账户"}
          extra={
            <Button
              onClick={() => {
                searchForm.setFieldsValue({ q: "" });
                setUrl({ q: undefined, account: undefined });
              }}
            >
              重新查找
            </Button>
          }
        >
          {account.isError && (
            <QueryErrorAlert
              error={account.error}
              onRetry={
                isApiError(account.error) && account.error.status === 404 ? undefined : () => void account.refetch()
              }
            />
          )}
          {account.isPending && <Skeleton active paragraph={{ rows: 3 }} />}
          {acc && (
            <Space orientation="vertical" size="large" style={{ width: "100%" }}>
              <Descriptions
                bordered
                size="small"
                column={3}
                items={[
                  { key: "no", label: "户号", children: acc.accountNo },
                  { key: "owner", label: "户主", children: orEmpty(acc.ownerNameMasked) },
                  { key: "phone", label: "电话", children: orEmpty(acc.phoneMasked) },
                  { key: "address", label: "地址", children: acc.address, span: 2 },
                  { key: "status", label: "供热状态", children: <StatusTag status={acc.status} /> },
                  {
                    key: "category",
                    label: "用户类别",
                    children: ACCOUNT_CATEGORY_LABELS[acc.category] ?? acc.category,
                  },
                  { key: "area", label: "供热面积(m²)", children: acc.heatedArea.toFixed(2) },
                  { key: "hardship", label: "困难类别", children: <HardshipTag category={acc.hardshipCategory} /> },
                ]}
              />
              {bills.isError && <QueryErrorAlert error={bills.error} onRetry={() => void bills.refetch()} />}
              {bills.data && (
                <Statistic
                  title="当前欠费合计（滞纳金按今日计算）"
                  value={formatYuan(bills.data.totalOwedFen)}
                  styles={{ content: { color: bills.data.totalOwedFen > 0 ? "#cf1322" : undefined } }}
                />
              )}
              <BillTable
                variant="cashier"
                bills={openBills}
                loading={bills.isFetching}
                chosen={openBills.length > 0 ? chosenSet : undefined}
              />
              {bills.data && openBills.length === 0 && <Alert type="success" showIcon title="该户没有欠费，无需缴费" />}
              {bills.data && openBills.length > 0 && methods.length > 0 && (
                <CashierPaymentForm
                  key={acc.id}
                  account={acc}
                  openBills={openBills}
                  methods={methods}
                  onChosenChange={onChosenChange}
                  onPaid={(payment) => setDone({ payment, account: acc })}
                />
              )}
            </Space>
          )}
        </Card>
      )}
    </div>
  );
}

import { formatYuan, REMINDER_DESK_ROLES, VISIT_READ_ROLES } from "@warmline/shared";
import { App, Card, Space, Statistic, Tabs, Typography } from "antd";
import { useState } from "react";
import type { BillView } from "../api/billing";
import { useAuth } from "../auth/AuthContext";
import { WAIVER_ROLES, hasAnyRole } from "../auth/roles";
import { useBillCorrections, useBills, usePayments } from "../queries/billing";
import { AccountHardshipTab } from "./AccountHardshipTab";
import { AccountInvoicesTab } from "./AccountInvoicesTab";
import { AccountRemindersTab } from "./AccountRemindersTab";
import { AccountVisitsTab } from "./AccountVisitsTab";
import { BillTable } from "./BillTable";
import { BillCorrectionsTable, CorrectBillModal } from "./CorrectBillModal";
import { PaymentTable } from "./PaymentTable";
import { QueryErrorAlert } from "./QueryErrorAlert";
import { WaiveModal } from "./WaiveModal";

/** 账单, 缴费记录, 发票 and 困难缓缴/分期 of one account; supervisors and admins may waive from here. */
export function AccountMoneyTabs({ accountId }: { accountId: number }) {
  const { staff } = useAuth();
  const { message } = App.useApp();
  const bills = useBills(accountId);
  const payments = usePayments(accountId);
  const [waiving, setWaiving] = useState<BillView | null>(null);
  const [correcting, setCorrecting] = useState<BillView | null>(null);
  const mayWaive = hasAnyRole(staff?.roles, WAIVER_ROLES);
  const corrections = useBillCorrections(accountId);

  const billsTab = (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      {bills.isError && <QueryErrorAlert error={bills.error} onRetry={() => void bills.refetch()} />}
      {bills.data && (
        <Space size="large" align="end">
          <Statistic
            title="当前欠费合计"
            value={formatYuan(bills.data.totalOwedFen)}
            styles={{ content: { color: bills.data.totalOwedFen > 0 ? "#cf1322" : undefined } }}
          />
          <Typography.Text type="secondary">滞纳金按今日计算（{bills.data.items[0]?.asOf ?? "—"}）</Typography.Text>
        </Space>
      )}
      <BillTable
        bills={bills.data?.items ?? []}
        loading={bills.isFetching}
        onWaive={mayWaive ? setWaiving : undefined}
        onCorrect={mayWaive ? setCorrecting : undefined}
      />
      <BillCorrectionsTable items={corrections.data ?? []} />
    </Space>
  );

  const paymentsTab = (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      {payments.isError && <QueryErrorAlert error={payments.error} onRetry={() => void payments.refetch()} />}
      <PaymentTable payments={payments.data ?? []} loading={payments.isFetching} />
    </Space>
  );

  return (
    <Card className="account-money" style={{ marginTop: 16 }}>
      <Tabs
        items={[
          { key: "bills", label: "账单", children: billsTab },
          { key: "payments", label: "缴费记录", children: paymentsTab },
          { key: "invoices", label: "发票", children: <AccountInvoicesTab accountId={accountId} /> },
          { key: "hardship", label: "困难缓缴/分期", children: <AccountHardshipTab accountId={accountId} /> },
          ...(hasAnyRole(staff?.roles, REMINDER_DESK_ROLES)
            ? [{ key: "reminders", label: "催缴记录", children: <AccountRemindersTab accountId={accountId} /> }]
            : []),
          ...(hasAnyRole(staff?.roles, VISIT_READ_ROLES)
            ? [{ key: "visits", label: "走访记录", children: <AccountVisitsTab accountId={accountId} /> }]
            : []),
        ]}
      />
      {mayWaive && (
        <WaiveModal
          accountId={accountId}
          bill={waiving}
          onClose={() => setWaiving(null)}
          onWaived={(b) => {
            setWaiving(null);
            message.success(`已减免，${b.seasonCode} 供热季账单当前欠费 ${formatYuan(b.owedFen)}`);
          }}
        />
      )}
      {mayWaive && (
        <CorrectBillModal
          accountId={accountId}
          bill={correcting}
          onClose={() => setCorrecting(null)}
          onCorrected={(b) => {
            setCorrecting(null);
            message.success(`已更正，${b.seasonCode} 供热季账单应缴 ${formatYuan(b.amountFen)}`);
          }}
        />
      )}
    </Card>
  );
}

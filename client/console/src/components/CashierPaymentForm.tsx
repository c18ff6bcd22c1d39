import {
  ALLOCATION_RULE,
  allocateOldestFirst,
  INVOICE_TITLE_KIND_LABELS,
  type InvoiceTitleView,
  OFFLINE_METHODS,
  PAYMENT_CHANNEL_LABELS,
  type StaffAccount,
  fenToYuan,
  formatYuan,
  planAmountsDue,
} from "@warmline/shared";
import { Alert, Button, Checkbox, Form, Input, Radio, Space, Tag, Typography } from "antd";
import { useEffect, useMemo, useState } from "react";
import { isApiError, messageOf } from "../api/api";
import type { BillView, PaymentView } from "../api/billing";
import { type InvoiceTitleValues, toInvoiceTitleInput } from "../forms/invoiceTitle";
import { yuanRule } from "../forms/yuanRule";
import { fenOf, parseYuan } from "../money";
import { usePayOffline } from "../queries/billing";
import { useAccountHardship } from "../queries/hardship";
import { useInvoiceTitles } from "../queries/invoices";
import { InvoiceTitleFields } from "./InvoiceTitleFields";

export type OfflineMethod = (typeof OFFLINE_METHODS)[number];

/** 发票抬头 of the payment: the owner as a person (nothing sent), a saved title, or one typed now. */
type TitleChoice = "owner" | "new" | `title:${number}`;

const OWNER: TitleChoice = "owner";
const NEW_TITLE: TitleChoice = "new";
const savedChoice = (t: InvoiceTitleView): TitleChoice => `title:${t.id}`;

interface Values {
  method: OfflineMethod;
  amount: string;
  receiptNo: string;
  titleChoice: TitleChoice;
  invoiceTitle: InvoiceTitleValues;
}

const mono = { fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace", fontSize: 12 };

function titleLabel(t: InvoiceTitleView) {
  return (
    <Space size={6} wrap>
      <span>
        {INVOICE_TITLE_KIND_LABELS[t.kind]} · {t.name}
      </span>
      {t.taxId && (
        <Typography.Text type="secondary" style={mono}>
          {t.taxId}
        </Typography.Text>
      )}
      {t.isDefault && <Tag color="gold">默认</Tag>}
    </Space>
  );
}

interface Props {
  account: StaffAccount;
  /** bills that still owe money, oldest season first */
  openBills: BillView[];
  /** the methods this staff member may record */
  methods: readonly OfflineMethod[];
  /** the bills the payment covers (all open bills, or the oldest ones with 仅缴往期) */
  onChosenChange: (billIds: number[]) => void;
  onPaid: (payment: PaymentView) => void;
}

/** "AMOUNT_EXCEEDS_OWED" carries what is owed now; say it with the message. */
function errorText(e: unknown): string {
  const text = messageOf(e);
  if (isApiError(e) && e.code === "AMOUNT_EXCEEDS_OWED") {
    const owed = (e.details as { owedFen?: unknown } | undefined)?.owedFen;
    if (typeof owed === "number" && Number.isSafeInteger(owed)) return `${text}（当前应缴 ${formatYuan(owed)}）`;
  }
  return text;
}

/**
 * 收款: method, amount in 元 (defaults to what the chosen bills owe), receipt number. 仅缴往期 pays only
 * the oldest bills up to a season, so the oldest-first rule always holds.
 */
export function CashierPaymentForm({ account, openBills, methods, onChosenChange, onPaid }: Props) {
  const [form] = Form.useForm<Values>();
  const pay = usePayOffline();
  const titles = useInvoiceTitles(account.id);
  const titleChoice = (Form.useWatch("titleChoice", form) ?? OWNER) as TitleChoice;
  const [onlyPast, setOnlyPast] = useState(false);
  /** with 仅缴往期: how many of the oldest open bills to pay */
  const [count, setCount] = useState(1);

  // 按计划缴费: an active hardship plan is paid toward its own bills (late fees waived), by default
  const hardship = useAccountHardship(account.id);
  const plan = hardship.data?.plans.find((p) => p.status === "active");
  const planDue = plan ? planAmountsDue(plan.instalments, plan.paidFen) : null;
  const planPayable = !!plan && !!planDue && planDue.remainingFen > 0;
  const [byPlanChoice, setByPlan] = useState<boolean | null>(null);
  const byPlan = planPayable && (byPlanChoice ?? true);

  const canChoose = openBills.length >= 2 && !byPlan;
  const planBillIds = new Set(plan?.billIds ?? []);
  const paying = byPlan
    ? openBills.filter((b) => planBillIds.has(b.id))
    : onlyPast && canChoose
      ? openBills.slice(0, Math.min(count, openBills.length - 1))
      : openBills;
  /** what this payment may bring: the chosen bills' debt, or what is left of the plan */
  const maxFen = byPlan && planDue ? planDue.remainingFen : paying.reduce((s, b) => s + b.owedFen, 0);
  /** the amount proposed: the chosen bills' debt, or the rest of the plan's next instalment */
  const chosenFen = byPlan && planDue ? planDue.nextFen : maxFen;
  const chosenKey = paying.map((b) => b.id).join(",");

  // The amount follows what the chosen bills owe; a cashier taking part of it types over it.
  useEffect(() => {
    form.setFieldValue("amount", fenToYuan(chosenFen));
    if (form.isFieldTouched("amount")) void form.validateFields(["amount"]).catch(() => undefined);
  }, [form, chosenFen]);

  useEffect(() => {
    onChosenChange(chosenKey ? chosenKey.split(",").map(Number) : []);
  }, [chosenKey, onChosenChange]);

  // With a default title the server issues to it when no title is sent, so it is chosen rather than
  // "个人（户主）" (which is then not offered: it would not be what the invoice says).
  const defaultTitle = titles.data?.find((t) => t.isDefault);
  useEffect(() => {
    if (defaultTitle && !form.isFieldTouched("titleChoice"))
      form.setFieldValue("titleChoice", savedChoice(defaultTitle));
  }, [form, defaultTitle]);

  const titleOptions = useMemo(
    () => [
      ...(defaultTitle ? [] : [{ value: OWNER, label: "个人（户主）" }]),
      ...(titles.data ?? []).map((t) => ({ value: savedChoice(t), label: titleLabel(t) })),
      { value: NEW_TITLE, label: "新抬头" },
    ],
    [titles.data, defaultTitle],
  );

  const prefixOptions = useMemo(
    () =>
      openBills.slice(0, -1).map((b, i) => {
        const sum = openBills.slice(0, i + 1).reduce((s, x) => s + x.owedFen, 0);
        return { value: i + 1, label: `缴至 ${b.seasonCode} 供热季（${formatYuan(sum)}）` };
      }),
    [openBills],
  );

  // A partial amount: say before the money is taken where it goes (late fee before principal, oldest first).
  const amountText = Form.useWatch("amount", form);
  const split = useMemo(() => {
    if (byPlan) return null;
    const typed = parseYuan(amountText);
    if (!typed.ok || typed.fen <= 0 || typed.fen >= chosenFen) return null;
    const { lines } = allocateOldestFirst(
      paying.map((b) => ({
        id: b.id,
        seasonStart: b.seasonCode,
        principal: b.owedFen - b.lateFeeFen,
        lateFee: b.lateFeeFen,
      })),
      typed.fen,
    );
    const season = new Map(paying.map((b) => [b.id, b.seasonCode]));
    return {
      lateFeeFen: lines.reduce((n, l) => n + l.lateFeeFen, 0),
      principalFen: lines.reduce((n, l) => n + l.principalFen, 0),
      lines: lines.map(
        (l) => `${season.get(l.billId)} 供热季：滞纳金 ${formatYuan(l.lateFeeFen)}，本金 ${formatYuan(l.principalFen)}`,
      ),
    };
  }, [amountText, chosenFen, paying, byPlan]);

  /** A refusal is about the payment that was sent: it goes once the cashier changes anything. */
  const clearRefusal = () => {
    if (pay.isError) pay.reset();
  };

  const assistedOnly = methods.length === 1 && methods[0] === "assisted";
  const notEligible = assistedOnly && account.hardshipCategory === "none" && !account.specialGroups?.length;

  const submit = async (v: Values) => {
    const payment = await pay.mutateAsync({
      accountId: account.id,
      method: v.method,
      amountFen: fenOf(v.amount),
      receiptNo: v.receiptNo.trim(),
      billIds: !byPlan && onlyPast && canChoose ? paying.map((b) => b.id) : undefined,
      planId: byPlan ? plan?.id : undefined,
      invoiceTitleId: v.titleChoice.startsWith("title:") ? Number(v.titleChoice.slice(6)) : undefined,
      invoiceTitle: v.titleChoice === NEW_TITLE ? toInvoiceTitleInput(v.invoiceTitle) : undefined,
    });
    onPaid(payment);
  };

  return (
    <Form<Values>
      form={form}
      layout="horizontal"
      labelCol={{ flex: "120px" }}
      className="cashier-form"
      initialValues={{
        method: methods[0],
        amount: fenToYuan(chosenFen),
        receiptNo: "",
        titleChoice: OWNER,
        invoiceTitle: { kind: "company", name: "", taxId: "", email: "" },
      }}
      onFinish={(v) => submit(v).catch(() => undefined)}
      onValuesChange={clearRefusal}
      disabled={pay.isPending}
    >
      {planPayable && plan && planDue && (
        <Form.Item label="困难分期">
          <Space orientation="vertical" className="cashier-plan">
            <Checkbox
              checked={byPlan}
              onChange={(e) => {
                setByPlan(e.target.checked);
                clearRefusal();
              }}
            >
              {planDue.nextSeq === null
                ? "按困难缓缴/分期计划缴费"
                : `按困难分期计划缴费：第${planDue.nextSeq}期应缴 ${formatYuan(planDue.nextFen)}`}
            </Checkbox>
            <Typography.Text type="secondary">
              {`计划剩余 ${formatYuan(planDue.remainingFen)}，只抵扣计划内账单本金（计划期内免滞纳金）；多缴部分计入以后各期。`}
            </Typography.Text>
          </Space>
        </Form.Item>
      )}
      {canChoose && (
        <Form.Item label="缴费范围">
          <Space orientation="vertical">
            <Checkbox
              checked={onlyPast}
              onChange={(e) => {
                setOnlyPast(e.target.checked);
                setCount(1);
                clearRefusal();
              }}
            >
              仅缴往期
            </Checkbox>
            {onlyPast && (
              <Radio.Group
                orientation="vertical"
                value={Math.min(count, openBills.length - 1)}
                onChange={(e) => {
                  setCount(e.target.value as number);
                  clearRefusal();
                }}
                options={prefixOptions}
              />
            )}
            <Typography.Text type="secondary">按供热季从早到晚缴纳，须先缴清往期欠费。</Typography.Text>
          </Space>
        </Form.Item>
      )}
      <Form.Item label="收费方式" name="method" rules={[{ required: true, message: "请选择收费方式" }]}>
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          options={methods.map((m) => ({ value: m, label: PAYMENT_CHANNEL_LABELS[m] }))}
        />
      </Form.Item>
      <Form.Item
        label="金额（元）"
        name="amount"
        htmlFor="pay-amount"
        required
        extra={
          byPlan
            ? `本期应缴 ${formatYuan(chosenFen)}，最多 ${formatYuan(maxFen)}（计划剩余）。`
            : `本次应缴 ${formatYuan(chosenFen)}，可少于应缴（部分缴纳）。${ALLOCATION_RULE}`
        }
        rules={[
          yuanRule({
            required: true,
            maxFen,
            maxMessage: byPlan
              ? `缴费金额不能超过计划剩余 ${formatYuan(maxFen)}`
              : `缴费金额不能超过应缴 ${formatYuan(maxFen)}`,
          }),
        ]}
      >
        <Input id="pay-amount" inputMode="decimal" autoComplete="off" prefix="¥" style={{ width: 240 }} />
      </Form.Item>
      {split && (
        <Form.Item label=" " colon={false}>
          <Alert
            type="info"
            showIcon
            className="cashier-split"
            title={`部分缴费：先抵扣滞纳金 ${formatYuan(split.lateFeeFen)}，再抵扣本金 ${formatYuan(split.principalFen)}`}
            description={split.lines.join("；")}
          />
        </Form.Item>
      )}
      <Form.Item
        label="收据号/流水号"
        name="receiptNo"
        htmlFor="receipt-no"
        rules={[
          { required: true, whitespace: true, message: "请填写收据号/流水号" },
          { max: 64, message: "收据号/流水号不能超过64个字符" },
        ]}
      >
        <Input id="receipt-no" autoComplete="off" maxLength={64} style={{ width: 320 }} />
      </Form.Item>
      <Form.Item
        label="发票抬头"
        name="titleChoice"
        extra={titleChoice === NEW_TITLE ? "新抬头将保存到该户，下次收费可直接选择" : "收款后自动开具电子发票"}
      >
        <Radio.Group className="cashier-title-choice" orientation="vertical" options={titleOptions} />
      </Form.Item>
      {titles.isError && (
        <Form.Item label=" " colon={false}>
          <Alert
            type="warning"
            showIcon
            title={`已保存的抬头未能加载：${messageOf(titles.error)}`}
            action={
              <Button size="small" onClick={() => void titles.refetch()}>
                重试
              </Button>
            }
          />
        </Form.Item>
      )}
      {titleChoice === NEW_TITLE && <InvoiceTitleFields path={["invoiceTitle"]} idPrefix="cashier-title" />}
      {notEligible && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title="网格员代缴仅限特殊群体（低保、残疾、特困、独居老人等）家庭，该户不符合条件"
        />
      )}
      {pay.isError && (
        <Alert
          type="error"
          showIcon
          role="alert"
          className="cashier-error"
          style={{ marginBottom: 16 }}
          title={errorText(pay.error)}
        />
      )}
      <Form.Item label=" " colon={false}>
        <Button type="primary" htmlType="submit" loading={pay.isPending} disabled={notEligible || maxFen <= 0}>
          确认收款
        </Button>
      </Form.Item>
    </Form>
  );
}

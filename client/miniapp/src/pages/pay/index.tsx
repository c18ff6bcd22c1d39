import { Button, Input, Text, View } from "@tarojs/components";
import Taro, { useDidShow, useLoad, useRouter } from "@tarojs/taro";
import {
  ALLOCATION_RULE,
  type BillView,
  type CreatedPayment,
  formatYuan,
  type HardshipApplicationDetail,
  type InvoiceTitleView,
  PAYMENT_CHANNEL_LABELS,
} from "@warmline/shared";
import { useEffect, useState } from "react";
import { inputIdProps } from "../../components/inputId";
import { PAGES } from "../../constants";
import { getMe } from "../../services/auth";
import { createPayment, listBills } from "../../services/billing";
import { describeError } from "../../services/errors";
import { getHardshipApplication } from "../../services/hardship";
import { listInvoiceTitles } from "../../services/invoices";
import { type OnlineVendor, type PayOutcome, platformPayment } from "../../services/payment";
import { positiveId } from "../../utils/params";
import { seasonTitle } from "../bill/formula";
import { nextPayment } from "../hardship/present";
import { chooseTitle, titleOptions } from "./invoiceTitle";
import { type PlanChoice, planAmountFen } from "./planAmount";
import {
  keepSelection,
  openBillsOldestFirst,
  selectAll,
  selectionTotalFen,
  selectThrough,
  toggleBill,
} from "./selection";
import "./index.scss";

const VENDOR_MARKS: Record<OnlineVendor, string> = { wechat: "微", alipay: "支" };

/** The result page for an order and what the sheet reported (never trusted for success). */
function resultUrl(order: CreatedPayment, accountId: number, outcome: PayOutcome): string {
  const hint = outcome.kind === "cancelled" ? "&result=cancelled" : outcome.kind === "failed" ? "&result=failed" : "";
  return `${PAGES.payResult}?id=${order.id}&accountId=${accountId}${hint}`;
}

export default function PayPage() {
  const { params } = useRouter();
  const accountId = positiveId(params.accountId);
  /** 按计划缴费: opened from a hardship plan (its application); the plan's bills and an amount instead of bills */
  const applicationId = positiveId(params.applicationId);
  const [planApp, setPlanApp] = useState<HardshipApplicationDetail | null>(null);
  const [planChoice, setPlanChoice] = useState<PlanChoice>("next");
  const [planTyped, setPlanTyped] = useState("");
  const [vendors, setVendors] = useState<readonly OnlineVendor[]>(platformPayment.vendors);
  const [open, setOpen] = useState<BillView[] | null>(null);
  const [selected, setSelected] = useState<number[]>([]);
  const [vendor, setVendor] = useState<OnlineVendor | null>(vendors[0] ?? null);
  /** the last order and its key (vendor + bills), reused while unexpired if the resident tries again */
  const [order, setOrder] = useState<{ key: string; created: CreatedPayment } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  /** 发票抬头: the titles offered (null until loaded) and the choice; null = 个人（户主姓名）, no id sent */
  const [titles, setTitles] = useState<InvoiceTitleView[] | null>(null);
  const [titleId, setTitleId] = useState<number | null | undefined>(undefined);
  const [titlesError, setTitlesError] = useState("");

  /** Loads the open bills; `choose` picks the selection among them. */
  async function load(choose: (open: BillView[]) => number[]) {
    if (accountId === null) {
      setError("户号信息不存在");
      return;
    }
    if (applicationId !== null) {
      try {
        const app = await getHardshipApplication(applicationId);
        if (app.accountId !== accountId || !app.plan) throw new Error("该申请没有分期/缓缴计划");
        setPlanApp(app);
        setOpen([]);
      } catch (err) {
        setError(describeError(err));
      }
      return;
    }
    try {
      const { items } = await listBills(accountId);
      const bills = openBillsOldestFirst(items);
      setOpen(bills);
      setSelected(choose(bills));
    } catch (err) {
      setError(describeError(err));
    }
  }

  useLoad(() => {
    // H5 offers both vendors, but the vendor needs the payer's own id: only the one the resident signed in with
    if (platformPayment.vendors.length > 1) {
      void getMe()
        .then((me) => {
          const own = platformPayment.vendors.filter((v) => v === me.provider);
          if (own.length) {
            setVendors(own);
            setVendor(own[0]);
          }
        })
        .catch(() => undefined);
    }
    // from a bill's page: that bill and every older one; otherwise everything (全部缴清)
    const through = positiveId(params.billId);
    void load((bills) => selectThrough(bills, through));
  });

  // each time the page shows: the resident may have added a title on the 发票抬头 page meanwhile
  useDidShow(() => {
    if (accountId === null) return;
    listInvoiceTitles(accountId).then(
      (items) => {
        setTitles(items);
        setTitleId((current) => chooseTitle(items, current));
        setTitlesError("");
      },
      () => setTitlesError("发票抬头加载失败，将按默认抬头开具"),
    );
  });

  useEffect(() => {
    if (process.env.TARO_ENV !== "h5") return;
    // H5: coming back from the cashier with the browser's Back button can restore this page as it was
    // left (back/forward cache), busy: let the resident choose again.
    const onPageShow = (e: PageTransitionEvent) => {
      if (e.persisted) setBusy(false);
    };
    window.addEventListener("pageshow", onPageShow);
    return () => window.removeEventListener("pageshow", onPageShow);
  }, []);

  const bills = open ?? [];
  const plan = planApp?.plan ?? null;
  const planDue = plan ? nextPayment(plan) : null;
  const planAmount = planDue ? planAmountFen(planChoice, planTyped, planDue) : null;
  const totalFen = planAmount ? ("fen" in planAmount ? planAmount.fen : 0) : selectionTotalFen(bills, selected);
  /** something to pay: the chosen bills, or the plan's next instalment */
  const payable = applicationId !== null ? planDue !== null : bills.length > 0;
  const allSelected = bills.length > 0 && selected.length === bills.length;

  /**
   * The resident changed what to pay (bills, vendor or title): the last order no longer applies, nor does
   * the message about it.
   */
  function changed() {
    setOrder(null);
    setError("");
  }

  function toggle(billId: number) {
    if (busy) return;
    setSelected((current) => toggleBill(bills, current, billId));
    changed();
  }

  async function confirmAmount(created: CreatedPayment): Promise<boolean> {
    if (created.amountFen === totalFen) return true;
    const { confirm } = await Taro.showModal({
      title: "应付金额已更新",
      content: `按今日计算（含滞纳金），本次应付 ${formatYuan(created.amountFen)}，是否继续支付？`,
      confirmText: "继续支付",
    });
    return confirm;
  }

  async function submit() {
    if (busy || accountId === null || !vendor) return;
    if (plan && planAmount && "error" in planAmount) {
      setError(planAmount.error);
      return;
    }
    if (!plan && selected.length === 0) return;
    setBusy(true);
    setError("");
    // null = 个人（户主姓名）, sent as such (a default title would be used for an omitted id)
    const invoiceTitleId = titleId;
    const what = plan ? `plan${plan.id}:${totalFen}` : selected.join(",");
    const key = `${vendor}:${what}:${invoiceTitleId ?? "-"}`;
    const reusable = order && order.key === key && Date.parse(order.created.expireAt) > Date.now() + 60_000;
    let created: CreatedPayment;
    try {
      created = reusable
        ? order.created
        : await createPayment(
            plan
              ? { accountId, planId: plan.id, amountFen: totalFen, vendor, invoiceTitleId }
              : { accountId, billIds: selected, vendor, invoiceTitleId },
          );
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
      if (plan) {
        void load(() => []);
        return;
      }
      // the bills may have changed (paid elsewhere, ARREARS_FIRST, NOTHING_TO_PAY): show them as they are now
      const chosen = selected;
      void load((bills) => keepSelection(bills, chosen));
      return;
    }
    setOrder({ key, created });
    if (!(await confirmAmount(created))) {
      setBusy(false);
      return;
    }
    const outcome = await platformPayment.pay(created);
    if (outcome.kind === "redirected") return; // H5: the browser is leaving for the cashier
    await Taro.redirectTo({ url: resultUrl(created, accountId, outcome) });
  }

  return (
    <View className="page page-pay">
      {open && open.length === 0 && applicationId === null ? (
        <View className="card empty">当前没有需要缴纳的账单</View>
      ) : null}
      {plan && !planDue ? <View className="card empty">该计划当前没有需要缴纳的分期</View> : null}
      {plan && planDue ? (
        <View className="card plan-pay-card">
          <View className="card-title">
            <Text>{plan.kind === "deferral" ? "缓缴计划缴费" : "分期计划缴费"}</Text>
            <Text className="muted">{`申请 ${planApp?.applicationNo ?? ""}`}</Text>
          </View>
          {[
            {
              choice: "next" as const,
              label: plan.kind === "deferral" ? "缴纳缓缴欠费" : `缴纳第${planDue.seq}期`,
              fen: planDue.fen,
            },
            ...(planDue.remainingFen > planDue.fen
              ? [{ choice: "all" as const, label: "缴清计划剩余全部", fen: planDue.remainingFen }]
              : []),
            { choice: "custom" as const, label: "其他金额", fen: null },
          ].map((o) => (
            <View
              key={o.choice}
              className={`pay-bill plan-choice plan-choice-${o.choice}${planChoice === o.choice ? " is-selected" : ""}`}
              onClick={() => {
                if (busy) return;
                setPlanChoice(o.choice);
                changed();
              }}
            >
              <Text className="check">{planChoice === o.choice ? "✓" : ""}</Text>
              <View className="pay-bill-main">
                <Text className="pay-bill-season">{o.label}</Text>
              </View>
              {o.fen !== null ? <Text className="pay-bill-amount">{formatYuan(o.fen)}</Text> : null}
            </View>
          ))}
          {planChoice === "custom" ? (
            <Input
              {...inputIdProps("planAmount")}
              className="field-input plan-amount-input"
              type="digit"
              maxlength={12}
              placeholder={`0.01–${formatYuan(planDue.remainingFen).slice(1)} 元`}
              value={planTyped}
              onInput={(e) => {
                setPlanTyped(e.detail.value);
                changed();
              }}
            />
          ) : null}
          <Text className="muted allocation-rule">
            按计划缴费的款项只用于计划内的账单，分期期间免收滞纳金；多缴的部分计入下一期。
          </Text>
        </View>
      ) : null}
      {payable ? (
        <>
          {plan ? null : (
            <Text className="notice-bar arrears-rule">往期欠费需先缴清：勾选某季账单会同时勾选更早的欠费账单。</Text>
          )}
          {plan ? null : (
            <View className="card">
              <View className="card-title">
                <Text>选择账单</Text>
                <Text
                  className={`link select-all${allSelected ? " is-all" : ""}`}
                  onClick={() => {
                    if (busy) return;
                    setSelected(selectAll(bills));
                    changed();
                  }}
                >
                  全部缴清
                </Text>
              </View>
              {bills.map((bill) => {
                const on = selected.includes(bill.id);
                return (
                  <View
                    key={bill.id}
                    className={`pay-bill${on ? " is-selected" : ""}`}
                    data-bill-id={bill.id}
                    onClick={() => toggle(bill.id)}
                  >
                    <Text className="check">{on ? "✓" : ""}</Text>
                    <View className="pay-bill-main">
                      <Text className="pay-bill-season">{seasonTitle(bill.seasonCode)}</Text>
                      <Text className="muted pay-bill-detail">
                        {bill.lateFeeFen > 0 ? `含滞纳金 ${formatYuan(bill.lateFeeFen)}` : `截止 ${bill.dueDate}`}
                        {bill.overdueDays > 0 ? ` · 逾期 ${bill.overdueDays} 天` : ""}
                      </Text>
                    </View>
                    <Text className={`pay-bill-amount${bill.overdueDays > 0 ? " amount-danger" : ""}`}>
                      {formatYuan(bill.owedFen)}
                    </Text>
                  </View>
                );
              })}
            </View>
          )}

          <View className="card">
            <View className="card-title">
              <Text>支付方式</Text>
            </View>
            {vendors.length === 0 ? <Text className="muted">当前平台暂不支持在线缴费</Text> : null}
            {vendors.map((v) => (
              <View
                key={v}
                className={`vendor vendor-${v}${vendor === v ? " is-selected" : ""}`}
                onClick={() => {
                  if (busy) return;
                  setVendor(v);
                  changed();
                }}
              >
                <Text className="vendor-mark">{VENDOR_MARKS[v]}</Text>
                <Text className="vendor-name">{PAYMENT_CHANNEL_LABELS[v]}</Text>
                <Text className="check">{vendor === v ? "✓" : ""}</Text>
              </View>
            ))}
          </View>

          <View className="card invoice-title-card">
            <View className="card-title">
              <Text>发票抬头</Text>
              <Text className="link" onClick={() => Taro.navigateTo({ url: PAGES.invoiceTitles })}>
                管理抬头
              </Text>
            </View>
            {titles
              ? titleOptions(titles).map((option) => (
                  <View
                    key={option.id ?? "owner"}
                    className={`invoice-title-option${titleId === option.id ? " is-selected" : ""}`}
                    data-title-id={option.id ?? ""}
                    onClick={() => {
                      if (busy) return;
                      setTitleId(option.id);
                      changed();
                    }}
                  >
                    <Text className="check">{titleId === option.id ? "✓" : ""}</Text>
                    <View className="invoice-title-main">
                      <Text className="invoice-title-label">{option.label}</Text>
                      {option.detail ? <Text className="muted invoice-title-detail">{option.detail}</Text> : null}
                    </View>
                    {option.isDefault && option.id !== null ? (
                      <Text className="status status-default">默认</Text>
                    ) : null}
                  </View>
                ))
              : null}
            {titlesError ? <Text className="muted">{titlesError}</Text> : null}
            <Text className="muted invoice-title-note">缴费成功后自动开具电子发票，可在户号的“电子发票”中查看。</Text>
          </View>

          <View className="card">
            <View className="total">
              <Text>{plan ? "本次缴纳" : `合计（${selected.length} 笔）`}</Text>
              <Text className="total-amount">{planAmount && "error" in planAmount ? "—" : formatYuan(totalFen)}</Text>
            </View>
            {order ? (
              <Text className="order-amount">订单金额 {formatYuan(order.created.amountFen)}（以支付页面金额为准）</Text>
            ) : plan ? null : (
              <Text className="muted">实际金额以下单时系统计算为准（滞纳金按日计算）。</Text>
            )}
            {plan ? null : <Text className="muted allocation-rule">{ALLOCATION_RULE}。</Text>}
            {error ? <Text className="error-text">{error}</Text> : null}
            <Button
              className={`btn btn-primary${busy ? " is-busy" : ""}`}
              loading={busy}
              disabled={busy || (!plan && selected.length === 0) || !vendor}
              onClick={() => void submit()}
            >
              确认支付
            </Button>
          </View>
        </>
      ) : null}
      {error && !payable ? <Text className="error-text">{error}</Text> : null}
    </View>
  );
}

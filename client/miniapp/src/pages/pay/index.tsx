import { Button, Text, View } from "@tarojs/components";
import Taro, { useDidShow, useLoad, useRouter } from "@tarojs/taro";
import {
  ALLOCATION_RULE,
  type BillView,
  type CreatedPayment,
  formatYuan,
  type InvoiceTitleView,
  PAYMENT_CHANNEL_LABELS,
} from "@warmline/shared";
import { useEffect, useState } from "react";
import { PAGES } from "../../constants";
import { getMe } from "../../services/auth";
import { createPayment, listBills } from "../../services/billing";
import { describeError } from "../../services/errors";
import { listInvoiceTitles } from "../../services/invoices";
import { type OnlineVendor, type PayOutcome, platformPayment } from "../../services/payment";
import { positiveId } from "../../utils/params";
import { seasonTitle } from "../bill/formula";
import { chooseTitle, titleOptions } from "./invoiceTitle";
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
  const totalFen = selectionTotalFen(bills, selected);
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
    if (busy || accountId === null || !vendor || selected.length === 0) return;
    setBusy(true);
    setError("");
    // null = 个人（户主姓名）, sent as such (a default title would be used for an omitted id)
    const invoiceTitleId = titleId;
    const key = `${vendor}:${selected.join(",")}:${invoiceTitleId ?? "-"}`;
    const reusable = order && order.key === key && Date.parse(order.created.expireAt) > Date.now() + 60_000;
    let created: CreatedPayment;
    try {
      created = reusable
        ? order.created
        : await createPayment({
            accountId,
            billIds: selected,
            vendor,
            invoiceTitleId,
          });
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
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
      {open && open.length === 0 ? <View className="card empty">当前没有需要缴纳的账单</View> : null}
      {bills.length > 0 ? (
        <>
          <Text className="notice-bar arrears-rule">往期欠费需先缴清：勾选某季账单会同时勾选更早的欠费账单。</Text>
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
              <Text>合计（{selected.length} 笔）</Text>
              <Text className="total-amount">{formatYuan(totalFen)}</Text>
            </View>
            {order ? (
              <Text className="order-amount">订单金额 {formatYuan(order.created.amountFen)}（以支付页面金额为准）</Text>
            ) : (
              <Text className="muted">实际金额以下单时系统计算为准（滞纳金按日计算）。</Text>
            )}
            <Text className="muted allocation-rule">{ALLOCATION_RULE}。</Text>
            {error ? <Text className="error-text">{error}</Text> : null}
            <Button
              className={`btn btn-primary${busy ? " is-busy" : ""}`}
              loading={busy}
              disabled={busy || selected.length === 0 || !vendor}
              onClick={() => void submit()}
            >
              确认支付
            </Button>
          </View>
        </>
      ) : null}
      {error && bills.length === 0 ? <Text className="error-text">{error}</Text> : null}
    </View>
  );
}

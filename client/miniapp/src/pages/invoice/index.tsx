import { Button, Input, Text, View } from "@tarojs/components";
import Taro, { useDidHide, useDidShow, useRouter, useUnload } from "@tarojs/taro";
import { type InvoiceDetailView, type InvoiceItem, type InvoiceStatus, type InvoiceView } from "@warmline/shared";
import { useRef, useState } from "react";
import { inputIdProps } from "../../components/inputId";
import { Kv } from "../../components/Kv";
import { PAGES } from "../../constants";
import { resolveApiUrl } from "../../services/config";
import { describeError } from "../../services/errors";
import { getInvoice, getInvoiceLink, sendInvoiceEmail } from "../../services/invoices";
import { platformPdf } from "../../services/pdfFile";
import { formatDate, formatDateTime, orDash } from "../../utils/format";
import { positiveId } from "../../utils/params";
import {
  buyerText,
  canOpenDocument,
  checkInvoiceEmail,
  INVOICE_DOC_FAILED_NOTE,
  INVOICE_DOC_FETCHING_NOTE,
  INVOICE_FAILED_NOTE,
  INVOICE_SPECIMEN_NOTE,
  invoiceDocState,
  invoiceKindLabel,
  invoiceStatusClass,
  invoiceStatusLabel,
  isIssuing,
  needsRefresh,
  nextRefreshDelay,
  otherInvoices,
  quantityText,
  recheckInvoiceEmail,
  signedYuan,
  taxRateText,
} from "./present";
import "./index.scss";

function StatusTag({ status }: { status: InvoiceStatus }) {
  return <Text className={`status ${invoiceStatusClass(status)}`}>{invoiceStatusLabel(status)}</Text>;
}

function ItemRow({ item }: { item: InvoiceItem }) {
  const quantity = quantityText(item);
  return (
    <View className="invoice-item">
      <View className="invoice-item-main">
        <Text className="invoice-item-name">{item.name}</Text>
        <Text className={`invoice-item-amount${item.amountFen < 0 ? " amount-red" : ""}`}>
          {signedYuan(item.amountFen)}
        </Text>
      </View>
      {item.spec ? <Text className="muted invoice-item-line">{item.spec}</Text> : null}
      {quantity ? <Text className="muted invoice-item-line">{quantity}</Text> : null}
      <Text className="muted invoice-item-line">
        税率 {taxRateText(item)}
        {item.taxFen !== 0 ? ` · 税额 ${signedYuan(item.taxFen)}` : ""}
      </Text>
    </View>
  );
}

function RelatedRow({ invoice, onOpen }: { invoice: InvoiceView; onOpen: () => void }) {
  return (
    <View className="related-invoice" data-invoice-id={invoice.id} onClick={onOpen}>
      <View className="related-main">
        <Text className={`invoice-kind${invoice.kind === "red" ? " invoice-kind-red" : ""}`}>
          {invoiceKindLabel(invoice.kind)}
        </Text>
        <Text className="muted related-no">{invoice.invoiceNo ?? formatDateTime(invoice.createdAt)}</Text>
      </View>
      <View className="related-side">
        <Text className={invoice.totalFen < 0 ? "amount-red" : ""}>{signedYuan(invoice.totalFen)}</Text>
        {/* one text with the amount: the page's own status stays the only "已开具" on it */}
        <Text className="muted related-status">{`${invoiceStatusLabel(invoice.status)} ›`}</Text>
      </View>
    </View>
  );
}

export default function InvoicePage() {
  const { params } = useRouter();
  const id = positiveId(params.id);
  const [invoice, setInvoice] = useState<InvoiceDetailView | null>(null);
  const [error, setError] = useState("");
  const [opening, setOpening] = useState(false);
  const [emailOpen, setEmailOpen] = useState(false);
  const [email, setEmail] = useState("");
  const [emailError, setEmailError] = useState("");
  const [sending, setSending] = useState(false);
  /** refreshing while 开具中: only while the page is shown */
  const visible = useRef(false);
  const since = useRef(Date.now());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const last = useRef<InvoiceDetailView | null>(null);

  function clearTimer() {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
  }

  function scheduleRefresh() {
    clearTimer();
    if (!visible.current || !last.current || !needsRefresh(last.current)) return;
    timer.current = setTimeout(() => void load(), nextRefreshDelay(Date.now() - since.current));
  }

  async function load() {
    if (id === null) {
      setError("发票不存在");
      return;
    }
    try {
      const found = await getInvoice(id);
      last.current = found;
      setInvoice(found);
      setError("");
    } catch (err) {
      setError(describeError(err));
    }
    scheduleRefresh();
  }

  useDidShow(() => {
    visible.current = true;
    void load();
  });

  useDidHide(() => {
    visible.current = false;
    clearTimer();
  });

  useUnload(() => {
    visible.current = false;
    clearTimer();
  });

  async function openPdf() {
    if (!invoice || opening) return;
    setOpening(true);
    setError("");
    try {
      const link = await getInvoiceLink(invoice.id);
      const outcome = await platformPdf.open(resolveApiUrl(link.url));
      if (outcome.kind === "failed") setError(outcome.message);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setOpening(false);
    }
  }

  function startEmail() {
    setEmail(invoice?.pushEmail ?? "");
    setEmailError("");
    setEmailOpen(true);
  }

  async function submitEmail() {
    if (!invoice || sending) return;
    const checked = checkInvoiceEmail(email);
    if ("message" in checked) {
      setEmailError(checked.message);
      return;
    }
    setEmailError("");
    setSending(true);
    try {
      await sendInvoiceEmail(invoice.id, checked.email);
      setEmailOpen(false);
      void Taro.showToast({ title: "已发送", icon: "success" });
    } catch (err) {
      setEmailError(describeError(err));
    } finally {
      setSending(false);
    }
  }

  const red = invoice?.kind === "red";
  const others = invoice ? otherInvoices(invoice) : [];

  return (
    <View className="page page-invoice">
      {invoice ? (
        <>
          <View className="card invoice-head" data-status={invoice.status}>
            <View className="card-title">
              <Text className={`invoice-kind${red ? " invoice-kind-red" : ""}`}>{invoiceKindLabel(invoice.kind)}</Text>
              <StatusTag status={invoice.status} />
            </View>
            <Text className="muted invoice-total-label">价税合计</Text>
            <Text className={`invoice-total${red ? " amount-red" : ""}`}>{signedYuan(invoice.totalFen)}</Text>
            {isIssuing(invoice.status) ? (
              <Text className="notice-bar invoice-issuing">发票开具中，请稍候，页面将自动刷新</Text>
            ) : null}
            {invoice.status === "failed" ? (
              <Text className="notice-bar invoice-failed">{INVOICE_FAILED_NOTE}</Text>
            ) : null}
            {invoiceDocState(invoice) === "fetching" ? (
              <Text className="notice-bar invoice-doc-fetching">{INVOICE_DOC_FETCHING_NOTE}</Text>
            ) : null}
            {invoiceDocState(invoice) === "failed" ? (
              <Text className="notice-bar invoice-doc-failed">{INVOICE_DOC_FAILED_NOTE}</Text>
            ) : null}
            {invoiceDocState(invoice) === "specimen" ? (
              <Text className="notice-bar invoice-specimen">{INVOICE_SPECIMEN_NOTE}</Text>
            ) : null}
            {red ? (
              <Text className="notice-bar invoice-red-note">红字发票用于冲销已开具的发票（退款），金额为负数。</Text>
            ) : null}
            <Kv label="发票号码" valueClass="invoice-no">
              {invoice.invoiceNo ?? "开具后生成"}
            </Kv>
            <Kv label="开票日期">{invoice.issuedAt ? formatDate(invoice.issuedAt) : "—"}</Kv>
            {!red && invoice.reversedFen < 0 ? (
              <Kv label="已冲红" valueClass="amount-red">
                {signedYuan(invoice.reversedFen)}
              </Kv>
            ) : null}
          </View>

          <View className="card">
            <View className="card-title">
              <Text>开票信息</Text>
            </View>
            <Kv label="购买方">{buyerText(invoice)}</Kv>
            {invoice.buyerTaxId ? <Kv label="纳税人识别号">{invoice.buyerTaxId}</Kv> : null}
            <Kv label="销售方">{invoice.sellerName}</Kv>
            <Kv label="户号">{invoice.accountNo}</Kv>
            <Kv label="订单号">{invoice.outTradeNo}</Kv>
            {invoice.pushEmail ? <Kv label="接收邮箱">{orDash(invoice.pushEmail)}</Kv> : null}
          </View>

          <View className="card">
            <View className="card-title">
              <Text>开票项目</Text>
            </View>
            {invoice.items.map((item) => (
              <ItemRow key={`${item.taxCode}|${item.name}|${item.spec ?? ""}|${item.amountFen}`} item={item} />
            ))}
            <Kv label="税额">{signedYuan(invoice.taxFen)}</Kv>
            <Kv label="价税合计" valueClass={red ? "amount-red" : undefined} strong>
              {signedYuan(invoice.totalFen)}
            </Kv>
          </View>

          {others.length > 0 ? (
            <View className="card related">
              <View className="card-title">
                <Text>{red ? "原发票及相关发票" : "相关红字发票"}</Text>
              </View>
              {others.map((other) => (
                <RelatedRow
                  key={other.id}
                  invoice={other}
                  onOpen={() => Taro.navigateTo({ url: `${PAGES.invoice}?id=${other.id}` })}
                />
              ))}
            </View>
          ) : null}

          {error ? <Text className="error-text">{error}</Text> : null}

          {invoice.status === "issued" ? (
            <>
              {canOpenDocument(invoice) ? (
                <Button
                  className={`btn btn-primary${opening ? " is-busy" : ""}`}
                  loading={opening}
                  disabled={opening}
                  onClick={() => void openPdf()}
                >
                  查看发票
                </Button>
              ) : (
                <Button className="btn btn-primary invoice-doc-pending" disabled>
                  {invoiceDocState(invoice) === "failed" ? "版式文件暂未取得" : "版式文件获取中…"}
                </Button>
              )}
              {emailOpen ? null : (
                <Button className="btn btn-plain" onClick={startEmail}>
                  发送到邮箱
                </Button>
              )}
            </>
          ) : null}

          {emailOpen ? (
            <View className="card email-form">
              <View className="field">
                <Text className="field-label">接收邮箱</Text>
                <Input
                  {...inputIdProps("invoiceEmail")}
                  className="field-input"
                  type="text"
                  maxlength={100}
                  placeholder="请输入邮箱地址"
                  value={email}
                  onInput={(e) => {
                    const text = e.detail.value;
                    setEmail(text);
                    // the message goes as soon as the address is valid (not only at the next 发送)
                    setEmailError((shown) => recheckInvoiceEmail(shown, text));
                  }}
                />
                {emailError ? <Text className="error-text">{emailError}</Text> : null}
              </View>
              <View className="link-row">
                <Button className="btn btn-plain" disabled={sending} onClick={() => setEmailOpen(false)}>
                  取消
                </Button>
                <Button
                  className={`btn btn-primary${sending ? " is-busy" : ""}`}
                  loading={sending}
                  disabled={sending}
                  onClick={() => void submitEmail()}
                >
                  发送
                </Button>
              </View>
            </View>
          ) : null}
          <Text className="muted invoice-note">电子发票与纸质发票具有同等法律效力，可下载打印或转发。</Text>
        </>
      ) : null}
      {!invoice && error ? <Text className="error-text">{error}</Text> : null}
    </View>
  );
}

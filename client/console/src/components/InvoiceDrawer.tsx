import { DownloadOutlined, FilePdfOutlined, RedoOutlined, SyncOutlined } from "@ant-design/icons";
import { INVOICE_DOC_STATUS_LABELS, INVOICE_TITLE_KIND_LABELS, type InvoiceItem, formatYuan } from "@warmline/shared";
import {
  Alert,
  App,
  Button,
  Descriptions,
  Drawer,
  Skeleton,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  Tooltip,
  Typography,
} from "antd";
import { useState } from "react";
import { Link } from "react-router";
import { isApiError } from "../api/api";
import { type InvoiceDetailView, type InvoiceView, invoiceLink } from "../api/invoices";
import { useAuth } from "../auth/AuthContext";
import { hasAnyRole, INVOICE_REISSUE_ROLES, PAYMENT_DESK_ROLES } from "../auth/roles";
import { EMPTY, formatDateTime, orEmpty } from "../format";
import { TAX_TREATMENT_LABELS } from "../labels";
import { formatBpPercent } from "../money";
import { isInvoicePending, useInvoice, useRefetchInvoiceDocuments } from "../queries/invoices";
import { InvoiceKindTag, InvoiceStatusTag } from "./InvoiceTags";
import { QueryErrorAlert } from "./QueryErrorAlert";
import { ReissueInvoiceModal } from "./ReissueInvoiceModal";
import { useOpenFile } from "./useOpenFile";

const mono = { fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace", fontSize: 12 };

const taxRate = (i: InvoiceItem) => TAX_TREATMENT_LABELS[i.taxTreatment] ?? formatBpPercent(i.taxRateBp);

const itemColumns: TableColumnsType<InvoiceItem> = [
  { title: "项目名称", dataIndex: "name" },
  { title: "规格型号", dataIndex: "spec", width: 140, render: orEmpty },
  { title: "单位", dataIndex: "unit", width: 70, render: orEmpty },
  { title: "数量", dataIndex: "quantity", width: 80, align: "right", render: orEmpty },
  { title: "单价", dataIndex: "unitPrice", width: 80, align: "right", render: orEmpty },
  { title: "金额", dataIndex: "amountFen", width: 110, align: "right", render: (f: number) => formatYuan(f) },
  { title: "税率", key: "rate", width: 70, render: (_, i) => taxRate(i) },
  { title: "税额", dataIndex: "taxFen", width: 90, align: "right", render: (f: number) => formatYuan(f) },
];

/** The blue invoice and its red ones, oldest first, whichever of them is open. */
function history(inv: InvoiceDetailView): InvoiceView[] {
  const all = new Map<number, InvoiceView>();
  for (const x of [inv, ...inv.related]) all.set(x.id, x);
  return [...all.values()].sort((a, b) => a.id - b.id);
}

interface Props {
  /** the invoice shown; null = closed */
  invoiceId: number | null;
  onClose: () => void;
  /** open another invoice (a related blue or red one) in place of this one */
  onOpen: (invoiceId: number) => void;
}

/**
 * One invoice: every field, its lines, the 红字 history of its payment, why it failed; 打印/查看PDF once
 * issued and, for INVOICE_REISSUE_ROLES, 重新开具 when it failed. Asked again while being issued.
 */
export function InvoiceDrawer({ invoiceId, onClose, onOpen }: Props) {
  const { staff } = useAuth();
  const { message } = App.useApp();
  const detail = useInvoice(invoiceId);
  const pdf = useOpenFile();
  const ofd = useOpenFile();
  const refetchDocs = useRefetchInvoiceDocuments();
  const [reissuing, setReissuing] = useState<InvoiceView | null>(null);
  const mayReissue = hasAnyRole(staff?.roles, INVOICE_REISSUE_ROLES);
  const mayOpenPayments = hasAnyRole(staff?.roles, PAYMENT_DESK_ROLES);

  // a different invoice is loading: do not show the last one under its title
  const inv = detail.data && detail.data.id === invoiceId ? detail.data : undefined;
  const notFound = isApiError(detail.error) && detail.error.status === 404;
  // the platform's documents are kept (or, on the sandbox only, a marked specimen): a link can be had
  const docReady = inv?.status === "issued" && (inv.docStatus === "stored" || inv.docStatus === "specimen");
  const docTip =
    inv?.status !== "issued"
      ? "发票开具完成后可打印"
      : docReady
        ? ""
        : inv.docStatus === "failed"
          ? "版式文件暂未取得，可重新获取"
          : "版式文件获取中，请稍候";

  const relatedColumns: TableColumnsType<InvoiceView> = [
    { title: "种类", dataIndex: "kind", width: 100, render: (k: InvoiceView["kind"]) => <InvoiceKindTag kind={k} /> },
    {
      title: "发票号码",
      dataIndex: "invoiceNo",
      render: (v: string | null) => (v ? <span style={mono}>{v}</span> : EMPTY),
    },
    {
      title: "状态",
      dataIndex: "status",
      width: 90,
      render: (s: InvoiceView["status"]) => <InvoiceStatusTag status={s} />,
    },
    { title: "价税合计", dataIndex: "totalFen", width: 120, align: "right", render: (f: number) => formatYuan(f) },
    { title: "开票时间", dataIndex: "issuedAt", width: 170, render: formatDateTime },
    {
      title: "",
      key: "open",
      width: 70,
      render: (_, x) =>
        x.id === inv?.id ? (
          <Tag>当前</Tag>
        ) : (
          <Button type="link" size="small" onClick={() => onOpen(x.id)}>
            查看
          </Button>
        ),
    },
  ];

  return (
    <Drawer
      className="invoice-drawer"
      open={invoiceId !== null}
      onClose={onClose}
      size={820}
      title={inv ? `发票详情 · ${inv.invoiceNo ?? "未开具"}` : "发票详情"}
      extra={
        inv && (
          <Space>
            {inv.status === "failed" && mayReissue && (
              <Button icon={<RedoOutlined />} onClick={() => setReissuing(inv)}>
                重新开具
              </Button>
            )}
            {inv.status === "issued" && inv.docStatus === "failed" && mayReissue && (
              <Button
                icon={<SyncOutlined />}
                loading={refetchDocs.isPending}
                onClick={() =>
                  refetchDocs.mutate(inv, {
                    onSuccess: () => message.success("已重新获取版式文件，结果将自动刷新"),
                    onError: (e) => message.error(isApiError(e) ? e.message : "重新获取失败"),
                  })
                }
              >
                重新获取版式文件
              </Button>
            )}
            {inv.hasOfd && (
              <Button
                icon={<DownloadOutlined />}
                loading={ofd.pending}
                onClick={() => void ofd.open(() => invoiceLink(inv.id, "ofd"))}
              >
                下载OFD
              </Button>
            )}
            <Tooltip title={docTip}>
              <Button
                type="primary"
                icon={<FilePdfOutlined />}
                disabled={!docReady}
                loading={pdf.pending}
                onClick={() => void pdf.open(() => invoiceLink(inv.id))}
              >
                打印/查看PDF
              </Button>
            </Tooltip>
          </Space>
        )
      }
    >
      {detail.isError && !inv && (
        <QueryErrorAlert error={detail.error} onRetry={notFound ? undefined : () => void detail.refetch()} />
      )}
      {!inv && detail.isFetching && <Skeleton active paragraph={{ rows: 10 }} />}
      {inv && (
        <Space orientation="vertical" size="large" style={{ width: "100%" }}>
          {inv.status === "failed" && (
            <Alert
              className="invoice-fail-reason"
              type="error"
              showIcon
              title={`开具失败：${inv.failReason ?? "原因未知"}`}
              description={`已尝试开具 ${inv.attempts} 次${
                mayReissue ? "，核对抬头后可重新开具" : "，请联系收费员或专班主管重新开具"
              }`}
            />
          )}
          {inv.status === "issued" && (inv.docStatus === "fetching" || inv.docStatus === "none") && (
            <Alert
              className="invoice-doc-fetching"
              type="info"
              showIcon
              title="发票已开具，版式文件获取中，结果将自动刷新"
              description={inv.docError ?? "正在从电子发票平台下载 PDF/OFD 版式文件"}
            />
          )}
          {inv.status === "issued" && inv.docStatus === "failed" && (
            <Alert
              className="invoice-doc-failed"
              type="warning"
              showIcon
              title="发票已开具，版式文件暂未取得"
              description={`${inv.docError ?? "原因未知"}${mayReissue ? "。可点击“重新获取版式文件”" : "。请联系收费员或专班主管"}`}
            />
          )}
          {inv.docStatus === "specimen" && (
            <Alert
              className="invoice-specimen"
              type="error"
              showIcon
              title="沙箱样张，非正式发票"
              description="开票平台为测试沙箱且未返回版式文件，此 PDF 由本系统生成，仅供测试。"
            />
          )}
          {isInvoicePending(inv.status) && (
            <Alert
              type="info"
              showIcon
              title={inv.status === "queued" ? "排队等待开具，结果将自动刷新" : "电子发票平台开具中，结果将自动刷新"}
              description={inv.failReason ?? undefined}
            />
          )}
          <Descriptions
            bordered
            size="small"
            column={2}
            items={[
              {
                key: "no",
                label: "发票号码",
                span: 2,
                children: inv.invoiceNo ? (
                  <Typography.Text style={mono} copyable>
                    {inv.invoiceNo}
                  </Typography.Text>
                ) : (
                  "未开具"
                ),
              },
              { key: "kind", label: "种类", children: <InvoiceKindTag kind={inv.kind} /> },
              { key: "status", label: "状态", children: <InvoiceStatusTag status={inv.status} /> },
              { key: "issued", label: "开票时间", children: formatDateTime(inv.issuedAt) },
              { key: "attempts", label: "开具次数", children: inv.attempts },
              { key: "total", label: "价税合计", children: formatYuan(inv.totalFen) },
              { key: "tax", label: "税额", children: formatYuan(inv.taxFen) },
              {
                key: "buyer",
                label: "购买方",
                span: 2,
                children: `${inv.buyerName}（${INVOICE_TITLE_KIND_LABELS[inv.buyerKind]}）`,
              },
              { key: "taxId", label: "纳税人识别号", children: <span style={mono}>{orEmpty(inv.buyerTaxId)}</span> },
              { key: "email", label: "推送邮箱", children: orEmpty(inv.pushEmail) },
              { key: "seller", label: "销售方", span: 2, children: inv.sellerName },
              {
                key: "acc",
                label: "户号",
                children: <Link to={`/accounts/${inv.accountId}`}>{inv.accountNo}</Link>,
              },
              {
                key: "otn",
                label: "商户订单号",
                children: mayOpenPayments ? (
                  <Link to={`/payments?q=${encodeURIComponent(inv.outTradeNo)}`} style={mono}>
                    {inv.outTradeNo}
                  </Link>
                ) : (
                  <span style={mono}>{inv.outTradeNo}</span>
                ),
              },
              ...(inv.kind === "blue"
                ? [{ key: "rev", label: "已红冲金额", children: formatYuan(inv.reversedFen) }]
                : [
                    {
                      key: "orig",
                      label: "原蓝字发票",
                      children: inv.originalInvoiceId ? (
                        <Button
                          type="link"
                          size="small"
                          style={{ padding: 0 }}
                          onClick={() => onOpen(inv.originalInvoiceId as number)}
                        >
                          查看原蓝字发票
                        </Button>
                      ) : (
                        EMPTY
                      ),
                    },
                  ]),
              { key: "created", label: "申请时间", children: formatDateTime(inv.createdAt) },
              {
                key: "doc",
                label: "版式文件",
                children:
                  inv.status === "issued" ? (
                    <Tag color={docReady ? (inv.docStatus === "specimen" ? "red" : "green") : "gold"}>
                      {INVOICE_DOC_STATUS_LABELS[inv.docStatus]}
                      {inv.hasOfd ? "（PDF+OFD）" : ""}
                    </Tag>
                  ) : (
                    EMPTY
                  ),
              },
              {
                key: "qr",
                label: "二维码内容（平台返回）",
                children: inv.qrCode ? (
                  <Typography.Text style={mono} copyable>
                    {inv.qrCode}
                  </Typography.Text>
                ) : (
                  EMPTY
                ),
              },
            ]}
          />
          <div>
            <Typography.Title level={5}>发票明细</Typography.Title>
            <Table<InvoiceItem>
              className="invoice-items-table"
              rowKey={(i) => `${i.name}|${i.spec ?? ""}|${i.amountFen}`}
              size="small"
              columns={itemColumns}
              dataSource={inv.items}
              pagination={false}
              locale={{ emptyText: "无明细" }}
            />
          </div>
          <div>
            <Typography.Title level={5}>蓝字与红字记录</Typography.Title>
            <Table<InvoiceView>
              className="invoice-related-table"
              rowKey="id"
              size="small"
              columns={relatedColumns}
              dataSource={history(inv)}
              pagination={false}
              rowClassName={(x) => (x.status === "failed" ? "invoice-row-failed" : "")}
            />
          </div>
        </Space>
      )}
      <ReissueInvoiceModal
        invoice={reissuing}
        onClose={() => setReissuing(null)}
        onReissued={() => {
          setReissuing(null);
          message.success("已重新提交开具，结果将自动刷新");
        }}
      />
    </Drawer>
  );
}

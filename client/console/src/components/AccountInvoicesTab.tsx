import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { INVOICE_TITLE_KIND_LABELS, type InvoiceTitleView } from "@warmline/shared";
import { App, Button, Popconfirm, Space, Table, type TableColumnsType, Tag, Typography } from "antd";
import { useState } from "react";
import { messageOf } from "../api/api";
import { useAuth } from "../auth/AuthContext";
import { hasAnyRole, INVOICE_DESK_ROLES, INVOICE_TITLE_ROLES } from "../auth/roles";
import { orEmpty } from "../format";
import { useAccountInvoices, useDeleteInvoiceTitle, useInvoiceTitles } from "../queries/invoices";
import { InvoiceDrawer } from "./InvoiceDrawer";
import { InvoiceTable } from "./InvoiceTable";
import { InvoiceTitleModal } from "./InvoiceTitleModal";
import { QueryErrorAlert } from "./QueryErrorAlert";

const mono = { fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace", fontSize: 12 };

/**
 * An account's 发票 tab: its invoices (the 发票管理 table; a row opens the details for INVOICE_DESK_ROLES)
 * and the 发票抬头 staff saved for it (added and removed by INVOICE_TITLE_ROLES).
 */
export function AccountInvoicesTab({ accountId }: { accountId: number }) {
  const { staff } = useAuth();
  const { message } = App.useApp();
  const invoices = useAccountInvoices(accountId);
  const titles = useInvoiceTitles(accountId);
  const remove = useDeleteInvoiceTitle(accountId);
  const [openId, setOpenId] = useState<number | null>(null);
  const [adding, setAdding] = useState(false);
  const mayOpen = hasAnyRole(staff?.roles, INVOICE_DESK_ROLES);
  const mayEditTitles = hasAnyRole(staff?.roles, INVOICE_TITLE_ROLES);

  const titleColumns: TableColumnsType<InvoiceTitleView> = [
    {
      title: "类型",
      dataIndex: "kind",
      width: 80,
      render: (k: InvoiceTitleView["kind"]) => INVOICE_TITLE_KIND_LABELS[k] ?? k,
    },
    {
      title: "抬头名称",
      dataIndex: "name",
      render: (name: string, t) => (
        <Space size={4}>
          {name}
          {t.isDefault && <Tag color="gold">默认</Tag>}
        </Space>
      ),
    },
    {
      title: "纳税人识别号",
      dataIndex: "taxId",
      width: 200,
      render: (v: string | null) => <span style={mono}>{orEmpty(v)}</span>,
    },
    { title: "接收邮箱", dataIndex: "email", width: 200, render: orEmpty },
    ...(mayEditTitles
      ? ([
          {
            title: "操作",
            key: "actions",
            width: 80,
            render: (_: unknown, t: InvoiceTitleView) => (
              <Popconfirm
                title={`删除抬头「${t.name}」？`}
                okText="删除"
                cancelText="取消"
                okButtonProps={{ danger: true }}
                onConfirm={() =>
                  remove
                    .mutateAsync(t.id)
                    .then(() => message.success("已删除抬头"))
                    .catch((e: unknown) => message.error(messageOf(e)))
                }
              >
                <Button type="link" size="small" danger icon={<DeleteOutlined />}>
                  删除
                </Button>
              </Popconfirm>
            ),
          },
        ] satisfies TableColumnsType<InvoiceTitleView>)
      : []),
  ];

  return (
    <Space orientation="vertical" size="large" style={{ width: "100%" }} className="account-invoices">
      <div>
        <Typography.Title level={5}>电子发票</Typography.Title>
        {invoices.isError && <QueryErrorAlert error={invoices.error} onRetry={() => void invoices.refetch()} />}
        <InvoiceTable
          className="account-invoice-table"
          invoices={invoices.data ?? []}
          loading={invoices.isFetching}
          showAccount={false}
          emptyText="该户暂无发票"
          onOpen={mayOpen ? (inv) => setOpenId(inv.id) : undefined}
        />
      </div>
      <div>
        <Space style={{ width: "100%", justifyContent: "space-between", marginBottom: 8 }}>
          <Typography.Title level={5} style={{ margin: 0 }}>
            发票抬头
          </Typography.Title>
          {mayEditTitles && (
            <Button icon={<PlusOutlined />} onClick={() => setAdding(true)}>
              新增抬头
            </Button>
          )}
        </Space>
        {titles.isError && <QueryErrorAlert error={titles.error} onRetry={() => void titles.refetch()} />}
        <Table<InvoiceTitleView>
          className="invoice-title-table"
          rowKey="id"
          size="small"
          columns={titleColumns}
          dataSource={titles.data ?? []}
          loading={titles.isFetching}
          pagination={false}
          locale={{ emptyText: "未保存抬头，开票时默认使用“个人（户主）”" }}
        />
      </div>
      {mayOpen && <InvoiceDrawer invoiceId={openId} onOpen={setOpenId} onClose={() => setOpenId(null)} />}
      {mayEditTitles && (
        <InvoiceTitleModal
          accountId={accountId}
          open={adding}
          onClose={() => setAdding(false)}
          onCreated={(t) => {
            setAdding(false);
            message.success(`已保存抬头「${t.name}」`);
          }}
        />
      )}
    </Space>
  );
}

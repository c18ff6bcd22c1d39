import { INVOICE_KINDS, INVOICE_STATUSES } from "@warmline/shared";
import { Card, Space, Typography } from "antd";
import type { InvoiceKind, InvoiceStatus } from "../api/invoices";
import { InvoiceDrawer } from "../components/InvoiceDrawer";
import { type InvoiceFilterValues, InvoiceSearchForm } from "../components/InvoiceSearchForm";
import { InvoiceTable } from "../components/InvoiceTable";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { useInvoiceSearch } from "../queries/invoices";
import { useSearchState } from "./useSearchState";

const oneOf = <T extends string>(list: readonly T[], v: string): T | undefined =>
  (list as readonly string[]).includes(v) ? (v as T) : undefined;

/**
 * 发票管理: every account's electronic invoices by number, order or account number; failed ones stand out.
 * A row opens its details (?invoice=ID, so other desks can link to one invoice).
 */
export function InvoicesPage() {
  const s = useSearchState();
  const filters: InvoiceFilterValues = {
    q: s.text("q") || undefined,
    status: oneOf<InvoiceStatus>(INVOICE_STATUSES, s.text("status")),
    kind: oneOf<InvoiceKind>(INVOICE_KINDS, s.text("kind")),
  };
  const search = useInvoiceSearch({ ...filters, page: s.page, pageSize: s.pageSize });
  const openId = s.int("invoice") ?? null;
  const open = (id: number) => s.update({ invoice: id });

  return (
    <Card className="invoices-page" title={<Typography.Text strong>发票管理</Typography.Text>}>
      <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
        <InvoiceSearchForm
          initial={filters}
          onSearch={(v) => {
            const same = v.q === filters.q && v.status === filters.status && v.kind === filters.kind && s.page === 1;
            if (same) void search.refetch();
            else s.update({ ...v, page: undefined, invoice: undefined });
          }}
        />
        {search.isError && <QueryErrorAlert error={search.error} onRetry={() => void search.refetch()} />}
        <InvoiceTable
          className="invoice-search-table"
          invoices={search.data?.items ?? []}
          loading={search.isFetching}
          emptyText={filters.status === "failed" ? "没有开具失败的发票" : "没有符合条件的发票"}
          onOpen={(inv) => open(inv.id)}
          pagination={{
            current: s.page,
            pageSize: s.pageSize,
            total: search.data?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: [20, 50, 100],
            showTotal: (total) => `共 ${total} 张`,
            onChange: (page, pageSize) => s.update({ page: pageSize === s.pageSize ? page : undefined, pageSize }),
          }}
        />
      </Space>
      <InvoiceDrawer invoiceId={openId} onOpen={open} onClose={() => s.update({ invoice: undefined })} />
    </Card>
  );
}

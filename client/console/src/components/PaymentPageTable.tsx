import { Table, type TableColumnsType } from "antd";
import type { PaymentPage, PaymentView } from "../api/payments";
import { minTableWidth } from "./tableWidth";

/** The paged payments table of the payment desks (search and flagged queue); a row opens the drawer. */
export function PaymentPageTable(props: {
  className: string;
  columns: TableColumnsType<PaymentView>;
  data: PaymentPage | undefined;
  loading: boolean;
  emptyText: string;
  page: number;
  pageSize: number;
  onPage: (page: number | undefined, pageSize: number) => void;
  onOpen: (p: PaymentView) => void;
}) {
  return (
    <Table<PaymentView>
      className={props.className}
      rowKey="id"
      size="middle"
      columns={props.columns}
      dataSource={props.data?.items ?? []}
      loading={props.loading}
      scroll={{ x: minTableWidth(props.columns) }}
      onRow={(p) => ({ onClick: () => props.onOpen(p), style: { cursor: "pointer" } })}
      locale={{ emptyText: props.emptyText }}
      pagination={{
        current: props.page,
        pageSize: props.pageSize,
        total: props.data?.total ?? 0,
        showSizeChanger: true,
        pageSizeOptions: [20, 50, 100],
        showTotal: (total) => `共 ${total} 笔`,
        onChange: (page, pageSize) => props.onPage(pageSize === props.pageSize ? page : undefined, pageSize),
      }}
    />
  );
}

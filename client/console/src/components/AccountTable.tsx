import { ACCOUNT_CATEGORY_LABELS, type StaffAccount } from "@warmline/shared";
import { Table, type TableColumnsType } from "antd";
import { Link, useNavigate } from "react-router";
import type { StaffAccountPage } from "../api/accounts";
import { formatArea, orEmpty } from "../format";
import { HardshipTag, StatusTag } from "./AccountTags";

const columns: TableColumnsType<StaffAccount> = [
  {
    title: "户号",
    dataIndex: "accountNo",
    width: 120,
    render: (no: string, a) => (
      <Link to={`/accounts/${a.id}`} onClick={(e) => e.stopPropagation()}>
        {no}
      </Link>
    ),
  },
  { title: "地址", dataIndex: "address", ellipsis: { showTitle: true } },
  { title: "小区", dataIndex: "communityName", width: 120, ellipsis: { showTitle: true } },
  { title: "户主", dataIndex: "ownerNameMasked", width: 80, render: orEmpty },
  { title: "电话", dataIndex: "phoneMasked", width: 120, render: orEmpty },
  { title: "面积(m²)", dataIndex: "heatedArea", width: 90, align: "right", render: formatArea },
  {
    title: "类别",
    dataIndex: "category",
    width: 110,
    render: (c: StaffAccount["category"]) => ACCOUNT_CATEGORY_LABELS[c] ?? c,
  },
  { title: "状态", dataIndex: "status", width: 90, render: (s: StaffAccount["status"]) => <StatusTag status={s} /> },
  {
    title: "困难类别",
    dataIndex: "hardshipCategory",
    width: 90,
    render: (c: StaffAccount["hardshipCategory"]) => <HardshipTag category={c} />,
  },
];

interface Props {
  data: StaffAccountPage | undefined;
  loading: boolean;
  page: number;
  pageSize: number;
  onPageChange: (page: number, pageSize: number) => void;
}

/** Search results; a row click opens the account. Masked values are shown as the server sent them. */
export function AccountTable({ data, loading, page, pageSize, onPageChange }: Props) {
  const navigate = useNavigate();
  return (
    <Table<StaffAccount>
      rowKey="id"
      size="middle"
      columns={columns}
      dataSource={data?.items ?? []}
      loading={loading}
      onRow={(a) => ({ onClick: () => navigate(`/accounts/${a.id}`), style: { cursor: "pointer" } })}
      pagination={{
        current: page,
        pageSize,
        total: data?.total ?? 0,
        showSizeChanger: true,
        pageSizeOptions: [10, 20, 50, 100],
        showTotal: (total) => `共 ${total} 户`,
        onChange: onPageChange,
      }}
    />
  );
}

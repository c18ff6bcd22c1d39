import type { StaffAccount } from "@warmline/shared";
import { Button, Table, type TableColumnsType } from "antd";
import { orEmpty } from "../format";
import { StatusTag } from "./AccountTags";

const columns = (pick: (a: StaffAccount) => void): TableColumnsType<StaffAccount> => [
  { title: "户号", dataIndex: "accountNo", width: 120 },
  { title: "地址", dataIndex: "address", ellipsis: { showTitle: true } },
  { title: "户主", dataIndex: "ownerNameMasked", width: 90, render: orEmpty },
  { title: "电话", dataIndex: "phoneMasked", width: 130, render: orEmpty },
  { title: "状态", dataIndex: "status", width: 90, render: (s: StaffAccount["status"]) => <StatusTag status={s} /> },
  {
    title: "",
    key: "pick",
    width: 80,
    render: (_, a) => (
      <Button type="link" size="small" onClick={() => pick(a)}>
        选择
      </Button>
    ),
  },
];

/** Several households matched a 户号 / 手机号 / 地址 search: pick one (收费台, 热线受理). */
export function AccountMatchTable({
  accounts,
  onPick,
}: {
  accounts: StaffAccount[];
  onPick: (a: StaffAccount) => void;
}) {
  return (
    <Table<StaffAccount>
      className="account-match-table"
      rowKey="id"
      size="small"
      columns={columns(onPick)}
      dataSource={accounts}
      pagination={false}
    />
  );
}

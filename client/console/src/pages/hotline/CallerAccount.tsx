import type { StaffAccount } from "@warmline/shared";
import { Button, Descriptions } from "antd";
import { Link } from "react-router";
import { StatusTag } from "../../components/AccountTags";
import { orEmpty } from "../../format";

/** 来电户: the household the call is about, with a way to unlink it. */
export function CallerAccount({ account, onUnlink }: { account: StaffAccount; onUnlink(): void }) {
  return (
    <Descriptions
      className="hotline-account"
      bordered
      size="small"
      column={3}
      title={`来电户：${account.accountNo}`}
      extra={
        <Button size="small" onClick={onUnlink}>
          取消关联
        </Button>
      }
      items={[
        { key: "no", label: "户号", children: account.accountNo },
        { key: "owner", label: "户主", children: orEmpty(account.ownerNameMasked) },
        { key: "phone", label: "电话", children: orEmpty(account.phoneMasked) },
        { key: "address", label: "地址", children: account.address, span: 2 },
        { key: "status", label: "供热状态", children: <StatusTag status={account.status} /> },
        { key: "station", label: "换热站", children: orEmpty(account.stationName) },
        { key: "community", label: "小区", children: account.communityName },
        {
          key: "detail",
          label: "账户",
          children: <Link to={`/accounts/${account.id}`}>查看账户详情</Link>,
        },
      ]}
    />
  );
}

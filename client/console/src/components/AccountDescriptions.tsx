import { ACCOUNT_CATEGORY_LABELS, type RevealResult, SPECIAL_GROUP_LABELS, type StaffAccount } from "@warmline/shared";
import { Descriptions, type DescriptionsProps, Tag } from "antd";
import type { ReactNode } from "react";
import { formatArea, formatDateTime, orEmpty } from "../format";
import { HardshipTag, StatusTag } from "./AccountTags";

/** A revealed value replaces the masked one; null means the account has none on record. */
function pii(masked: string | null, revealed: string | null | undefined): ReactNode {
  if (revealed === undefined) return orEmpty(masked);
  return (
    <span>
      {revealed ?? "未登记"} <Tag color="gold">完整信息</Tag>
    </span>
  );
}

export function AccountDescriptions({ account: a, revealed }: { account: StaffAccount; revealed: RevealResult }) {
  const items: DescriptionsProps["items"] = [
    { key: "accountNo", label: "户号", children: a.accountNo },
    { key: "id", label: "系统编号", children: a.id },
    { key: "address", label: "地址", children: a.address, span: 2 },
    { key: "community", label: "小区", children: a.communityName },
    { key: "building", label: "楼栋", children: orEmpty(a.buildingName) },
    { key: "station", label: "换热站", children: orEmpty(a.stationName) },
    { key: "area", label: "供热面积(m²)", children: formatArea(a.heatedArea) },
    { key: "category", label: "用户类别", children: ACCOUNT_CATEGORY_LABELS[a.category] ?? a.category },
    { key: "status", label: "供热状态", children: <StatusTag status={a.status} /> },
    { key: "owner", label: "户主", children: orEmpty(a.ownerNameMasked) },
    { key: "phone", label: "电话", children: pii(a.phoneMasked, revealed.phone) },
    { key: "idNumber", label: "身份证号", children: pii(a.idNumberMasked, revealed.idNumber) },
    { key: "hardship", label: "困难类别", children: <HardshipTag category={a.hardshipCategory} /> },
    {
      key: "specialGroups",
      label: "特殊群体",
      children: a.specialGroups?.length
        ? a.specialGroups.map((g) => (
            <Tag key={g} color="purple">
              {SPECIAL_GROUP_LABELS[g] ?? g}
            </Tag>
          ))
        : "无",
    },
    { key: "bindings", label: "已绑定居民数", children: a.bindingCount },
    { key: "updatedAt", label: "更新时间", children: formatDateTime(a.updatedAt) },
  ];
  return <Descriptions bordered column={2} items={items} styles={{ label: { width: 140 } }} />;
}

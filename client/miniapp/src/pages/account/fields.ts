import { ACCOUNT_CATEGORY_LABELS, ACCOUNT_STATUS_LABELS, type ResidentAccount } from "@warmline/shared";
import { formatArea, formatDateTime, orDash } from "../../utils/format";

/** The detail page's rows: every field a resident sees, with its Chinese label. */
export function accountRows(a: ResidentAccount): { label: string; value: string }[] {
  return [
    { label: "户号", value: a.accountNo },
    { label: "地址", value: orDash(a.address) },
    { label: "小区", value: orDash(a.communityName) },
    { label: "楼栋", value: orDash(a.buildingName) },
    { label: "换热站", value: orDash(a.stationName) },
    { label: "供热面积", value: formatArea(a.heatedArea) },
    { label: "用户类别", value: ACCOUNT_CATEGORY_LABELS[a.category] ?? a.category },
    { label: "供热状态", value: ACCOUNT_STATUS_LABELS[a.status] ?? a.status },
    { label: "户主", value: orDash(a.ownerNameMasked) },
    { label: "预留手机号", value: orDash(a.phoneMasked) },
    { label: "绑定时间", value: formatDateTime(a.boundAt) },
  ];
}

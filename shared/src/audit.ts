import { BIND_FACTOR_LABELS } from "./api/accounts";
import { PAYMENT_CHANNEL_LABELS } from "./api/payments";
import { formatYuan } from "./billing/money";
import { STAFF_ROLE_LABELS } from "./roles";

/**
 * The audit log as people read it: Chinese names for every action, object and detail the server writes
 * (a test scans the server for audit actions without a name here).
 */
export const AUDIT_ACTION_LABELS: Record<string, string> = {
  "staff.login": "工作人员登录",
  "staff.login_failed": "登录失败（密码错误）",
  "staff.locked": "账号因多次密码错误被锁定",
  "staff.login_locked": "锁定期间尝试登录",
  "staff.login_disabled": "停用账号尝试登录",
  "staff.unlock": "解除工作人员账号锁定",
  "pii.reveal": "查看完整个人信息",
  "account.bind": "居民绑定户号",
  "account.unbind": "居民解绑户号",
  "season.create": "新建供热季",
  "season.delete": "删除供热季",
  "bills.generate": "生成供热季账单",
  "bill.waive": "减免账单",
  "payment.offline": "线下收费",
  "payment.refund": "发起退款",
  "payment.resolve_flag": "处理异常款项",
  "payment.reconcile": "发起对账",
  "invoice.reissue": "重开发票",
  "invoice_title.create": "保存发票抬头",
  "invoice_title.delete": "删除发票抬头",
  "alert.ack": "知悉升级提醒",
  "report.export": "导出报表",
};

/** what an audit row is about */
export const AUDIT_TARGET_LABELS: Record<string, string> = {
  heating_account: "供热账户",
  account: "供热账户",
  bill: "账单",
  season: "供热季",
  payment_order: "缴费单",
  refund: "退款",
  recon_run: "对账",
  invoice: "发票",
  invoice_title: "发票抬头",
  ticket: "工单",
  alert: "升级提醒",
  report: "报表",
  staff_user: "工作人员",
  resident_user: "居民用户",
};

/** names of the detail fields the server writes */
export const AUDIT_DETAIL_LABELS: Record<string, string> = {
  reason: "原因",
  fields: "查看内容",
  accountNo: "户号",
  accountId: "账户编号",
  factor: "验证方式",
  method: "收费方式",
  amountFen: "金额",
  principalFen: "减免本金",
  lateFeeFen: "减免滞纳金",
  receiptNo: "收据号",
  refundId: "退款编号",
  runId: "任务编号",
  code: "供热季",
  titleId: "抬头编号",
  kind: "类别",
  titleChanged: "更换抬头",
  staffId: "工作人员编号",
  action: "处理方式",
  from: "起始日期",
  to: "截止日期",
  groupBy: "统计周期",
  format: "文件格式",
  minutes: "锁定分钟数",
  remainingAttempts: "剩余尝试次数",
  failures: "失败次数",
  failuresBefore: "此前验证失败次数",
  wasLocked: "解除前处于锁定",
  note: "备注",
  roles: "角色",
  role: "角色",
};

const VALUE_LABELS: Record<string, Record<string, string>> = {
  fields: { phone: "手机号", idNumber: "身份证号" },
  factor: { ...BIND_FACTOR_LABELS, staff: "工作人员代绑" },
  method: PAYMENT_CHANNEL_LABELS,
  kind: { personal: "个人", company: "单位" },
  groupBy: { day: "按日", week: "按周", month: "按月", station: "按换热站", channel: "按渠道" },
  action: { allocate: "冲抵欠费", refund: "原路退回" },
  roles: STAFF_ROLE_LABELS,
  role: STAFF_ROLE_LABELS,
};

function valueText(key: string, value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (Array.isArray(value)) return value.map((v) => valueText(key, v)).join("、");
  if (typeof value === "boolean") return value ? "是" : "否";
  if (typeof value === "number" && /Fen$/.test(key)) return formatYuan(value);
  if (typeof value === "string" || typeof value === "number")
    return VALUE_LABELS[key]?.[String(value)] ?? String(value);
  return JSON.stringify(value);
}

/** "供热账户 #42": what a row is about, in words */
export function auditTargetText(targetType: string | null, targetId: string | null): string | null {
  if (!targetType) return null;
  const name = AUDIT_TARGET_LABELS[targetType] ?? targetType;
  return targetId ? `${name} #${targetId}` : name;
}

/** A row's details as label/value pairs: money in 元, codes in words; unknown keys keep their name. */
export function auditDetailLines(details: unknown): { label: string; value: string }[] {
  if (details === null || details === undefined) return [];
  if (typeof details !== "object" || Array.isArray(details)) return [{ label: "详情", value: valueText("", details) }];
  return Object.entries(details as Record<string, unknown>).map(([k, v]) => ({
    label: AUDIT_DETAIL_LABELS[k] ?? k,
    value: valueText(k, v),
  }));
}

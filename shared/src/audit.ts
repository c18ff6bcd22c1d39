import { BIND_FACTOR_LABELS } from "./api/accounts";
import { PAYMENT_CHANNEL_LABELS } from "./api/payments";
import { formatYuan } from "./billing/money";
import { HARDSHIP_CHANNEL_LABELS, HARDSHIP_PLAN_KIND_LABELS } from "./hardship";
import { NOTICE_AUDIENCE_LABELS, NOTICE_KIND_LABELS } from "./notices";
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
  "staff.create": "新建工作人员账号",
  "staff.update": "修改工作人员信息",
  "staff.password_reset": "重置工作人员密码",
  "staff.password_change": "修改本人密码",
  "staff.disable": "停用工作人员账号",
  "staff.enable": "启用工作人员账号",
  "pii.reveal": "查看完整个人信息",
  "ticket.contact_phone_reveal": "查看工单联系电话",
  "account.bind": "居民绑定户号",
  "account.unbind": "居民解绑户号",
  "season.create": "新建供热季",
  "season.delete": "删除供热季",
  "bills.generate": "生成供热季账单",
  "bill.waive": "减免账单",
  "bill.correct": "更正账单面积",
  "payment.offline": "线下收费",
  "payment.refund": "发起退款",
  "payment.resolve_flag": "处理异常款项",
  "payment.reconcile": "发起对账",
  "invoice.reissue": "重开发票",
  "invoice.refetch_documents": "重新获取发票版式文件",
  "invoice_title.create": "保存发票抬头",
  "invoice_title.delete": "删除发票抬头",
  "alert.ack": "知悉升级提醒",
  "report.export": "导出报表",
  "register.upload": "上传户籍台账（校验）",
  "register.apply": "执行户籍台账导入",
  "account.import_create": "台账导入新建账户",
  "account.import_update": "台账导入更新账户",
  "account.update": "修改账户信息",
  "account.hardship_flags": "设置困难类别与特殊群体",
  "account.transfer": "账户过户",
  "hardship.apply": "提交困难缓缴/分期申请",
  "hardship.withdraw": "撤回困难缓缴/分期申请",
  "hardship.community_approve": "困难申请社区初审通过",
  "hardship.community_reject": "困难申请社区初审不通过",
  "hardship.center_approve": "困难申请供热中心复核通过",
  "hardship.center_reject": "困难申请供热中心复核不通过",
  "bill.hardship_relief": "困难计划免缴滞纳金",
  "hardship.reinstate": "恢复已违约的困难分期/缓缴计划",
  "calendar.load": "从数据包导入节假日安排",
  "calendar.upload": "上传节假日安排",
  "notice.create": "发布供热公告",
  "notice.update": "修改供热公告",
  "notice.withdraw": "撤回供热公告",
  "suspension.apply": "提交报停/复供申请",
  "suspension.withdraw": "撤回报停/复供申请",
  "suspension.approve": "批准报停/复供申请",
  "suspension.reject": "不予批准报停/复供申请",
  "suspension.schedule_visit": "安排上门关阀/开阀",
  "suspension.valve_photo": "上传阀门加封/开阀照片",
  "suspension.confirm_visit": "确认上门关阀/开阀办结",
  "visit.record": "登记入户走访",
  "visit.correct": "更正入户走访记录",
  "visit.assign": "调整网格员负责的小区",
  "visit.plan_build": "生成月度走访计划",
  "visit.pdf_export": "导出走访记录PDF",
  "reminder.ladder_update": "修改催缴阶梯",
  "reminder.campaign_start": "发起催缴提醒批次",
  "reminder.campaign_pause": "暂停催缴提醒批次",
  "reminder.campaign_resume": "继续催缴提醒批次",
  "reminder.campaign_cancel": "取消催缴提醒批次",
  "reminder.send_one": "单户发送欠费提醒",
  "reminder.hold": "标记不宜催缴",
  "legal.candidate_dismiss": "恶意欠费候选：不予移交",
  "legal.case_open": "法务案件：立案审查",
  "legal.case_approve": "法务案件：批准移交",
  "legal.case_file": "法务案件：登记提交法院",
  "legal.case_register": "法务案件：登记法院立案",
  "legal.case_close": "法务案件：结案",
  "reminder.unhold": "解除不宜催缴标记",
  "visit_task.done": "走访任务标记完成",
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
  register_import: "户籍台账导入",
  hardship_application: "困难缓缴/分期申请",
  suspension_application: "报停/复供申请",
  payment_plan: "分期/缓缴计划",
  calendar_year: "节假日日历年份",
  notice: "供热公告",
  staff_user: "工作人员",
  resident_user: "居民用户",
  home_visit: "入户走访记录",
  visit_plan: "月度走访计划",
  reminder_ladder: "催缴阶梯",
  reminder_campaign: "催缴提醒批次",
  visit_task: "走访任务",
  legal_case: "法务案件",
};

/** names of the detail fields the server writes */
export const AUDIT_DETAIL_LABELS: Record<string, string> = {
  reason: "原因",
  fields: "查看内容",
  accountNo: "户号",
  ticketNo: "工单号",
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
  year: "年份",
  sourceDetail: "数据来源",
  holidays: "节假日天数",
  makeupWorkdays: "调休上班天数",
  replaced: "覆盖原有数据",
  failuresBefore: "此前验证失败次数",
  wasLocked: "解除前处于锁定",
  note: "备注",
  roles: "角色",
  role: "角色",
  username: "用户名",
  displayName: "姓名",
  stationId: "所属换热站",
  communityId: "所属社区",
  phoneChanged: "更改手机号",
  rolesBefore: "原角色",
  generated: "系统生成临时密码",
  mustChangePassword: "下次登录须修改密码",
  forced: "首次登录强制修改",
  fileName: "文件名",
  totalRows: "总行数",
  createCount: "新增",
  updateCount: "更新",
  errorCount: "错误行",
  skipErrors: "跳过错误行",
  createPlaces: "新建小区/楼栋",
  importId: "导入编号",
  rowNo: "行号",
  changes: "修改内容",
  ownerBefore: "原户主",
  ownerAfter: "新户主",
  endedBindings: "解除绑定数",
  hardshipChannel: "受理渠道",
  planKind: "方案",
  planPrincipalFen: "分期/缓缴本金",
  termsChanged: "复核调整方案",
  dueDate: "缴费截止日",
  planId: "计划编号",
  title: "标题",
  noticeKind: "公告类别",
  audience: "发布范围",
  targets: "小区/换热站编号",
  changedFields: "修改项",
  suspensionKind: "报停/复供",
  seasonCode: "供热季",
  technicianId: "维修员编号",
  visitDate: "上门日期",
  approved: "同时批准",
  outcome: "走访结果",
  position: "住户态度",
  corrects: "更正的记录",
  before: "调整前",
  after: "调整后",
  visits: "记录数",
  month: "月份",
  entries: "计划户数",
  created: "新增",
  reassigned: "改派",
  arrearsKey: "欠费标识（户/供热季）",
  caseNo: "案件编号",
  owedFen: "欠费金额",
  submitDue: "提交法院期限",
  litigateDue: "启动诉讼期限",
  deadlineMissingYear: "缺少节假日数据的年份",
  courtName: "法院",
  filedOn: "提交法院日期",
  courtReceiptNo: "收件回执号",
  registeredOn: "立案日期",
  courtCaseNo: "法院案号",
  caseOutcome: "结案方式",
};

const VALUE_LABELS: Record<string, Record<string, string>> = {
  fields: { phone: "手机号", idNumber: "身份证号" },
  factor: { ...BIND_FACTOR_LABELS, staff: "工作人员代绑" },
  method: PAYMENT_CHANNEL_LABELS,
  kind: { personal: "个人", company: "单位" },
  groupBy: { day: "按日", week: "按周", month: "按月", station: "按换热站", channel: "按渠道" },
  action: { allocate: "冲抵欠费", refund: "原路退回" },
  roles: STAFF_ROLE_LABELS,
  rolesBefore: STAFF_ROLE_LABELS,
  role: STAFF_ROLE_LABELS,
  hardshipChannel: HARDSHIP_CHANNEL_LABELS,
  planKind: HARDSHIP_PLAN_KIND_LABELS,
  noticeKind: NOTICE_KIND_LABELS,
  audience: NOTICE_AUDIENCE_LABELS,
  changedFields: {
    title: "标题",
    body: "正文",
    kind: "类别",
    audience: "发布范围",
    communityIds: "小区",
    stationIds: "换热站",
    pinned: "置顶",
    publishAt: "发布时间",
    expireAt: "过期时间",
    imageId: "图片",
  },
  suspensionKind: { suspend: "报停", restart: "复供" },
};

/** fields named in "changes" details (account upkeep) */
const CHANGE_FIELD_LABELS: Record<string, string> = {
  address: "地址",
  heatedArea: "供热面积",
  category: "用户类别",
  phone: "联系电话",
  idNumber: "身份证号",
  ownerName: "户主姓名",
};

function valueText(key: string, value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (key === "changes" && typeof value === "object" && !Array.isArray(value)) {
    // a field change: { field, label?, before, after }
    const c = value as { field?: string; label?: string; before?: unknown; after?: unknown };
    const label = c.label ?? CHANGE_FIELD_LABELS[c.field ?? ""] ?? c.field;
    return `${label}：${valueText("", c.before)} → ${valueText("", c.after)}`;
  }
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

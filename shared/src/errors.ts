/**
 * Stable error codes with the Chinese message a resident or staff member reads.
 * The server answers every failure as { error: { code, message, details? } } with the status below.
 */
export const ERRORS = {
  BAD_JSON: { status: 400, message: "请求格式错误：不是有效的 JSON" },
  VALIDATION_FAILED: { status: 400, message: "提交的信息有误，请检查后重试" },
  PAYLOAD_TOO_LARGE: { status: 413, message: "提交的内容过大" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: "不支持的内容类型" },
  UNAUTHENTICATED: { status: 401, message: "请先登录" },
  TOKEN_EXPIRED: { status: 401, message: "登录已过期，请重新登录" },
  REFRESH_TOKEN_INVALID: { status: 401, message: "登录状态已失效，请重新登录" },
  FORBIDDEN: { status: 403, message: "没有权限执行此操作" },
  NOT_FOUND: { status: 404, message: "请求的内容不存在" },
  ROUTE_NOT_FOUND: { status: 404, message: "接口不存在" },
  METHOD_NOT_ALLOWED: { status: 405, message: "不支持的请求方式" },
  ACCOUNT_NOT_FOUND: { status: 404, message: "供热账户不存在" },
  BIND_FAILED: { status: 400, message: "户号或验证信息不正确" },
  BIND_RATE_LIMITED: { status: 429, message: "验证失败次数过多，请稍后再试" },
  BIND_ACCOUNT_SUSPENDED: {
    status: 429,
    message: "该户号今日验证失败次数过多，已暂停在线绑定。请明天再试，或携带身份证件到供热服务大厅办理",
  },
  ALREADY_BOUND: { status: 409, message: "您已绑定该户号" },
  BIND_LIMIT_REACHED: { status: 409, message: "绑定户号数量已达上限" },
  LOGIN_CODE_INVALID: { status: 401, message: "登录凭证无效或已过期，请重新登录" },
  LOGIN_PROVIDER_ERROR: { status: 502, message: "第三方登录服务暂时不可用，请稍后再试" },
  STAFF_LOGIN_FAILED: { status: 401, message: "用户名或密码错误" },
  STAFF_LOCKED: { status: 423, message: "密码错误次数过多，账号已临时锁定，请稍后再试" },
  STAFF_DISABLED: { status: 403, message: "账号已停用，请联系管理员" },
  STAFF_LOGIN_THROTTLED: { status: 429, message: "登录失败次数过多，请稍后再试" },
  STAFF_USER_NOT_FOUND: { status: 404, message: "工作人员账号不存在" },
  SEASON_EXISTS: { status: 409, message: "该供热季已存在" },
  SEASON_HAS_BILLS: { status: 409, message: "该供热季已开具账单，不能删除" },
  SEASON_NOT_FOUND: { status: 404, message: "供热季不存在" },
  TARIFF_MISSING: { status: 400, message: "缺少部分用户类别的收费标准" },
  BILL_NOT_FOUND: { status: 404, message: "账单不存在" },
  BILL_RUN_NOT_FOUND: { status: 404, message: "账单生成任务不存在" },
  WAIVER_TOO_LARGE: { status: 400, message: "减免金额超过应缴金额" },
  NOTHING_TO_PAY: { status: 400, message: "所选账单无需缴费" },
  ARREARS_FIRST: { status: 400, message: "请先缴清往期欠费（按时间从早到晚缴纳）" },
  AMOUNT_EXCEEDS_OWED: { status: 400, message: "缴费金额超过应缴金额" },
  ASSISTED_NOT_ELIGIBLE: { status: 403, message: "代缴仅限特殊群体（低保、残疾、特困、独居老人等）家庭" },
  PAYER_ID_MISSING: { status: 400, message: "请使用对应的微信或支付宝账号登录后再支付" },
  PAYMENT_NOT_FOUND: { status: 404, message: "支付订单不存在" },
  PAYMENT_VENDOR_ERROR: { status: 502, message: "支付服务暂时不可用，请稍后再试" },
  REFUND_TOO_LARGE: { status: 400, message: "退款金额超过可退金额" },
  REFUND_NOT_ALLOWED: { status: 409, message: "该笔支付当前不能退款" },
  NO_OPEN_BILLS: { status: 409, message: "该户当前没有欠费账单，无法冲抵，请改为退款" },
  FLAG_NOT_OPEN: { status: 409, message: "该笔支付没有待处理的款项" },
  RECON_NOT_FOUND: { status: 404, message: "对账记录不存在" },
  INVOICE_NOT_FOUND: { status: 404, message: "发票不存在" },
  INVOICE_TITLE_NOT_FOUND: { status: 404, message: "发票抬头不存在" },
  INVOICE_TITLE_LIMIT: { status: 409, message: "发票抬头最多保存20个，请先删除不用的抬头" },
  INVOICE_NOT_READY: { status: 409, message: "发票尚未开具完成，请稍后再试" },
  INVOICE_NOT_REISSUABLE: { status: 409, message: "只有开具失败的发票可以重开" },
  INVOICE_PROVIDER_ERROR: { status: 502, message: "电子发票服务暂时不可用，请稍后再试" },
  RECEIPT_NOT_AVAILABLE: { status: 409, message: "只有已入账的线下缴费可以打印收据" },
  FILE_LINK_INVALID: { status: 404, message: "文件链接无效或已过期，请重新打开" },
  TICKET_NOT_FOUND: { status: 404, message: "工单不存在" },
  TICKET_BAD_STATE: { status: 409, message: "工单当前状态不能进行该操作" },
  TICKET_PAUSE_BEFORE_CONTACT: { status: 409, message: "首次联系居民之前不能暂停计时" },
  CALL_NOT_FOUND: { status: 404, message: "来电记录不存在" },
  ALERT_NOT_FOUND: { status: 404, message: "提醒不存在" },
  OUTDOOR_TIME_INVALID: { status: 400, message: "读数时间不能晚于现在，也不能早于7天前" },
  ALERT_ALREADY_ACKED: { status: 409, message: "该提醒已由他人处理" },
  PHOTO_NOT_FOUND: { status: 404, message: "照片不存在或已失效，请重新上传" },
  UPLOAD_TOO_LARGE: { status: 413, message: "照片不能超过5MB" },
  UPLOAD_BAD_TYPE: { status: 415, message: "只能上传JPG、PNG或WebP格式的照片" },
  UPLOAD_MISSING: { status: 400, message: "请选择要上传的照片" },
  UPLOAD_QUOTA_EXCEEDED: { status: 429, message: "今天上传的照片过多，请先提交已上传的照片，或明天再试" },
  STATION_NOT_FOUND: { status: 404, message: "换热站不存在" },
  REPORT_RANGE_TOO_LONG: { status: 400, message: "统计区间不能超过366天" },
  RATE_LIMITED: { status: 429, message: "请求过于频繁，请稍后再试" },
  SERVICE_UNAVAILABLE: { status: 503, message: "服务暂时不可用，请稍后再试" },
  INTERNAL: { status: 500, message: "系统繁忙，请稍后再试" },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export interface ApiErrorBody {
  error: { code: ErrorCode | string; message: string; details?: unknown };
}

/** The message for a code, or the generic one for codes this build does not know. */
export function errorMessage(code: string): string {
  return (ERRORS as Record<string, { message: string }>)[code]?.message ?? ERRORS.INTERNAL.message;
}
